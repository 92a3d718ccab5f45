//! The board: what arrived at the probe, as a matrix of (page, request) ×
//! cookie, each cell beside what Chromium's rules ([`super::rules`])
//! predict, and every arrival in a list.

use std::collections::VecDeque;

use super::Arrival;
use super::rules::{self, COOKIES, Expect, Kind, VIAS};
use crate::template::escape;

/// The board: the latest arrival for each (page, request), each cookie
/// next to what Chromium's rules predict.
pub(super) fn table(arrivals: &VecDeque<Arrival>, now: i64) -> String {
    let mut out = String::from(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"the board\"><table id=\"samesite-board\" class=\"board\"><tr><th>from</th><th>request</th>\
         <th>Sec-Fetch-Site</th>",
    );
    for (name, _) in COOKIES {
        out.push_str(&format!("<th><code>{name}</code></th>"));
    }
    out.push_str("</tr>\n");
    for from in ["evil", "shop"] {
        for via in VIAS {
            let latest = arrivals
                .iter()
                .rev()
                .find(|a| a.from == from && a.via == via);
            out.push_str(&format!(
                "<tr data-from=\"{from}\" data-via=\"{}\"><th>{}</th><td>{}</td>",
                via.as_str(),
                if from == "evil" {
                    "evil.localhost"
                } else {
                    "shop.goldfish.localhost"
                },
                escape(via.label()),
            ));
            let Some(a) = latest else {
                out.push_str("<td class=\"note\">not yet</td>");
                for (name, _) in COOKIES {
                    out.push_str(&format!(
                        "<td data-cookie=\"{name}\" data-sent=\"none\" class=\"note\">—</td>"
                    ));
                }
                out.push_str("</tr>\n");
                continue;
            };
            out.push_str(&format!(
                "<td><code>{}</code></td>",
                escape(a.fetch_site.as_deref().unwrap_or("(none)"))
            ));
            for ((name, kind), age) in COOKIES.iter().zip(a.ages) {
                out.push_str(&cell(name, *kind, a, age));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</table></div>\n");
    out.push_str(&arrival_list(arrivals, now));
    out
}

/// One cell: what happened, and whether Chromium's rules agree.
fn cell(name: &str, kind: Kind, a: &Arrival, age: Option<u64>) -> String {
    // The age the rules need is the cookie's age when the request was made;
    // for a cookie that did not come, the board cannot know it, and only the
    // unset cookie's POST depends on it: take the other cookies' age (they
    // were all set at once).
    let known_age = age.or_else(|| a.ages.iter().flatten().next().copied());
    let want = rules::expect(kind, a.via, a.same_site(), known_age.unwrap_or(0));
    let sent = age.is_some();
    let agrees = match want {
        Expect::Sent => sent,
        Expect::NotSent => !sent,
        Expect::SentIfThirdPartyAllowed => true,
    };
    let said = match (sent, want) {
        (true, _) => format!("sent ({} s old)", age.unwrap_or(0)),
        (false, _) => "not sent".to_string(),
    };
    let rule = match want {
        Expect::Sent => "Chromium sends it",
        Expect::NotSent => "Chromium does not send it",
        Expect::SentIfThirdPartyAllowed => {
            "SameSite allows it; the browser's third-party cookie setting decides"
        }
    };
    format!(
        "<td data-cookie=\"{name}\" data-sent=\"{}\" data-expected=\"{}\" data-agrees=\"{}\">\
         <strong>{said}</strong><br><span class=\"note\">{rule}</span></td>",
        if sent { "yes" } else { "no" },
        want.as_str(),
        if agrees { "yes" } else { "no" },
    )
}

/// Every arrival, newest first, with the headers that explain it.
fn arrival_list(arrivals: &VecDeque<Arrival>, now: i64) -> String {
    if arrivals.is_empty() {
        return "<p class=\"note\">Nothing has arrived yet.</p>".into();
    }
    let mut out =
        String::from("<h3>Every request, as it arrived (newest first)</h3><ol id=\"arrivals\">");
    for a in arrivals.iter().rev() {
        let came: Vec<&str> = COOKIES
            .iter()
            .zip(a.ages)
            .filter(|(_, age)| age.is_some())
            .map(|((n, _), _)| *n)
            .collect();
        out.push_str(&format!(
            "<li>{} s ago: <code>{}</code> from {}'s page, {} — Sec-Fetch-Site: <code>{}</code>, \
             Sec-Fetch-Mode: <code>{}</code>, Sec-Fetch-Dest: <code>{}</code> — cookies: {}</li>",
            now.saturating_sub(a.at),
            escape(&a.method),
            a.from,
            escape(a.via.label()),
            escape(a.fetch_site.as_deref().unwrap_or("(none)")),
            escape(a.fetch_mode.as_deref().unwrap_or("(none)")),
            escape(a.fetch_dest.as_deref().unwrap_or("(none)")),
            if came.is_empty() {
                "none".to_string()
            } else {
                came.join(", ")
            }
        ));
    }
    out.push_str("</ol>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::rules::Via;
    use super::*;

    #[test]
    fn cells_compare_what_came_with_the_rules() {
        // (why, arrival, cookie index, want data-sent, data-expected, data-agrees)
        let post = Arrival::for_test(
            Via::PostForm,
            "evil",
            Some("cross-site"),
            [None, None, Some(5), Some(5)],
        );
        let late_post = Arrival::for_test(
            Via::PostForm,
            "evil",
            Some("cross-site"),
            [None, None, Some(300), Some(300)],
        );
        let img = Arrival::for_test(
            Via::Img,
            "evil",
            Some("cross-site"),
            [None, None, None, None],
        );
        let shop = Arrival::for_test(Via::Img, "shop", Some("same-site"), [Some(1); 4]);
        let cases: &[(&str, &Arrival, usize, &str, &str, &str)] = &[
            (
                "fresh unset cookie on a POST: Lax+POST",
                &post,
                3,
                "yes",
                "sent",
                "yes",
            ),
            ("explicit Lax on a POST", &post, 1, "no", "not-sent", "yes"),
            (
                "a 5-minute-old unset cookie came on a POST: not Chromium",
                &late_post,
                3,
                "yes",
                "not-sent",
                "no",
            ),
            (
                "None on an image: up to the third-party setting",
                &img,
                2,
                "no",
                "if-third-party-allowed",
                "yes",
            ),
            (
                "same-site image: everything",
                &shop,
                0,
                "yes",
                "sent",
                "yes",
            ),
        ];
        for (why, a, i, sent, expected, agrees) in cases {
            let (name, kind) = COOKIES[*i];
            let html = cell(name, kind, a, a.ages[*i]);
            for want in [
                format!("data-sent=\"{sent}\""),
                format!("data-expected=\"{expected}\""),
                format!("data-agrees=\"{agrees}\""),
            ] {
                assert!(html.contains(&want), "{why}: {html} lacks {want}");
            }
        }
    }
}
