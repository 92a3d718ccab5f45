//! Ports are not part of a cookie's scope.
//!
//! `http://localhost:5000` and `http://localhost:5001` are two *origins*
//! (scheme, host and port: localStorage, CORS and `fetch` keep them apart),
//! but one host to the cookie jar: a cookie set by either is sent to both.
//! RFC 6265 §8.5: "Cookies do not provide isolation by port. If a cookie is
//! readable by a service running on one port, the cookie is also readable
//! by a service running on another port of the same server." A browser's
//! cookie list shows `localhost`, never `localhost:5000`.
//!
//! goldfish can listen on a second port (`--also-port 5001`) to show it:
//! `GET /sites/ports` sets `port_seen=<the port it was asked on>` once, and
//! every later visit, on either port, says which port set the cookie that
//! came back.

use super::scope::{ScopeKey, facts_html};
use super::{answer, cookie_list, lesson_cookies};
use crate::app::pages::Page;
use crate::app::{Ctx, Reply};
use crate::cookie::SetCookie;
use crate::template::{Vars, escape};

/// The lesson's cookie: the port that set it.
pub const PORT_SEEN: &str = "port_seen";

/// The port this request came to: the one in `Host`, or HTTP's default.
fn this_port(port: Option<u16>) -> u16 {
    port.unwrap_or(80)
}

/// What the page says about the cookie that came (or did not).
fn verdict(arrived: Option<&str>, port: u16) -> String {
    match arrived {
        None => format!(
            "<p id=\"ports-verdict\">No <code>{PORT_SEEN}</code> came with this request, so this \
             response sets one that names this port, <strong>{port}</strong>. Now open this page \
             on the other port.</p>"
        ),
        Some(v) if v == port.to_string() => format!(
            "<p id=\"ports-verdict\" data-crossed=\"no\"><code>{PORT_SEEN}={port}</code> came back to \
             the port that set it. Now open this page on the other port.</p>"
        ),
        Some(v) => format!(
            "<p id=\"ports-verdict\" class=\"card ok\" data-crossed=\"yes\">This request came to port \
             <strong>{port}</strong> and carried <code>{PORT_SEEN}={v}</code>, which port \
             <strong>{v}</strong> set. The browser sent a cookie from one port to another: for \
             cookies, both are just <code>{{host}}</code>.</p>",
            v = escape(v)
        ),
    }
}

/// `GET /sites/ports` — which port set the cookie that came back.
pub fn lesson(ctx: &mut Ctx) -> Reply {
    let site = answer(ctx).clone();
    let port = this_port(site.port);
    let arrived = lesson_cookies(ctx);
    let seen = arrived
        .iter()
        .find(|(n, _)| n == PORT_SEEN)
        .map(|(_, v)| v.clone());
    if seen.is_none() {
        let cookie = SetCookie::new(PORT_SEEN, port.to_string()).path("/sites/ports");
        let _ = ctx.set_cookie(&cookie);
    }
    let host = site.name.clone();
    let ports = ctx.app.config.listening.ports().to_vec();
    let links = if ports.len() > 1 {
        let mut out = String::from("<ul id=\"ports-links\">");
        for p in &ports {
            let url = format!("http://{host}:{p}/sites/ports");
            let you = if *p == port { " (this one)" } else { "" };
            out.push_str(&format!(
                "<li><a href=\"{u}\" data-port=\"{p}\">{u}</a>{you}</li>",
                u = escape(&url)
            ));
        }
        out.push_str("</ul>");
        out
    } else {
        format!(
            "<p id=\"ports-links\" class=\"card\">goldfish listens on one port now. Start it with a \
             second one — <code>cargo run -- --also-port {next}</code> — and open \
             <code>http://{h}:{next}/sites/ports</code>. (Or start a second goldfish with \
             <code>--port {next}</code>: the browser sends the cookie there too. It does not know \
             or care which program answers a port.)</p>",
            next = port.wrapping_add(1),
            h = escape(&host)
        )
    };
    let verdict = verdict(seen.as_deref(), port).replace("{host}", &escape(&host));
    Page::new("Ports are not part of a cookie's scope", "sites-ports.html")
        .mark(PORT_SEEN)
        .render(
            ctx,
            Vars::new()
                .text("host", host.clone())
                .text("port", port.to_string())
                .html("verdict", verdict)
                .html("links", links)
                .html("arrived", cookie_list(&arrived, &[PORT_SEEN]))
                .html("scope_facts", facts_html(&[ScopeKey::HostOnly])),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_says_whether_the_cookie_crossed_ports() {
        let cases: &[(Option<&str>, u16, &str)] = &[
            (
                None,
                5000,
                "sets one that names this port, <strong>5000</strong>",
            ),
            (Some("5000"), 5000, "data-crossed=\"no\""),
            (Some("5000"), 5001, "data-crossed=\"yes\""),
            (Some("<b>"), 5001, "&lt;b&gt;"),
        ];
        for (arrived, port, want) in cases {
            let got = verdict(*arrived, *port);
            assert!(
                got.contains(want),
                "verdict({arrived:?}, {port}) = {got}; want it to contain {want}"
            );
        }
        assert_eq!(this_port(None), 80, "no port in Host: HTTP's default");
    }
}
