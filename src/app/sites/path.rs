//! The `Path` lesson: a cookie for one part of a site, and the path a
//! cookie gets when it names none.
//!
//! `GET /shop/basket/add?item=goldfish` sets two cookies:
//! - `cart=goldfish; Path=/shop`: sent with every request for `/shop` and
//!   below it (`/shop/basket`, `/shop/checkout`), never for `/shopping` —
//!   a path matches only at a `/` boundary (path-match, RFC 6265 §5.1.4);
//! - `last_added=goldfish`, with no `Path`: the browser gives it the
//!   *default path* of the URL that set it, everything before the last `/`
//!   — `/shop/basket` — so `/shop/checkout` never sees it. That is the
//!   classic "my cookie is missing on the next page" bug.
//!
//! Every page of the lesson shows the same table, computed with the same
//! `path_match` and `default_path` the cookie checker uses, next to what
//! really came with the request.

use super::scope::{ScopeKey, facts_html};
use super::{cookie_list, lesson_cookies};
use crate::app::pages::{self, Page};
use crate::app::{Ctx, Reply};
use crate::cookie::{SetCookie, default_path, path_match};
use crate::http::Status;
use crate::template::{Vars, escape};

/// The cookie with `Path=/shop`.
pub const CART: &str = "cart";
/// The cookie with no `Path`, set from a deep URL.
pub const LAST_ADDED: &str = "last_added";
/// The URL that sets both.
pub const ADD: &str = "/shop/basket/add";
/// `cart`'s Path.
pub const CART_PATH: &str = "/shop";

/// The lesson's pages, in the order the table lists them.
const PAGES: [&str; 6] = [
    "/sites/path",
    "/shop",
    "/shop/basket",
    ADD,
    "/shop/checkout",
    "/shopping",
];

/// At most this many items in the cart cookie.
const MAX_ITEMS: usize = 8;

/// An item name: 1 to 24 of `a-z 0-9 -`. Anything else is refused with a
/// sentence rather than encoded: the lesson is about paths, not values.
fn valid_item(item: &str) -> bool {
    (1..=24).contains(&item.len())
        && item
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The cart after adding `item` to the cart that arrived (items joined by
/// `+`, a cookie-octet; the oldest dropped past [`MAX_ITEMS`]).
fn add_to_cart(cart: Option<&str>, item: &str) -> String {
    let mut items: Vec<&str> = cart
        .unwrap_or("")
        .split('+')
        .filter(|i| valid_item(i))
        .collect();
    items.push(item);
    let skip = items.len().saturating_sub(MAX_ITEMS);
    items[skip..].join("+")
}

/// The table: each page of the lesson, and whether each cookie goes there.
fn table(this_path: &str) -> String {
    let last_added_path = default_path(ADD);
    let cookies = [(CART, CART_PATH), (LAST_ADDED, last_added_path)];
    let mut out = format!(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"which page gets which cookie\"><table id=\"path-table\"><tr><th>page</th>\
         <th><code>{CART}</code> (<code>Path={CART_PATH}</code>)</th>\
         <th><code>{LAST_ADDED}</code> (no Path: default path <code>{last_added_path}</code>)</th></tr>\n"
    );
    for page in PAGES {
        let here = if page == this_path {
            " class=\"here\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<tr{here} data-path=\"{page}\"><th><a href=\"{page}\"><code>{page}</code></a></th>"
        ));
        for (name, cookie_path) in cookies {
            let sent = path_match(page, cookie_path);
            let why = if page == cookie_path {
                format!("{page} is the cookie's path")
            } else if sent {
                format!("{page} is under {cookie_path}/")
            } else if page.starts_with(cookie_path) {
                format!("{page} starts with {cookie_path} but the next character is not a /")
            } else {
                format!("{page} is not under {cookie_path}")
            };
            out.push_str(&format!(
                "<td data-cookie=\"{name}\" data-sent=\"{}\"><strong>{}</strong>: {}</td>",
                if sent { "yes" } else { "no" },
                if sent { "sent" } else { "not sent" },
                escape(&why)
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>");
    out
}

/// `GET /sites/path`, `/shop`, `/shop/basket`, `/shop/checkout`,
/// `/shopping`: the table and what came with this request.
pub fn page(ctx: &mut Ctx) -> Reply {
    render(ctx, &[])
}

/// `GET /shop/basket/add?item=goldfish`: adds to the cart (`Path=/shop`)
/// and remembers the last item added (no `Path`).
pub fn add(ctx: &mut Ctx) -> Reply {
    let query = ctx.query()?;
    let item = query.get("item").unwrap_or("goldfish").to_string();
    if !valid_item(&item) {
        return Err(pages::lesson_error(
            ctx,
            Status::BAD_REQUEST,
            "An item is 1 to 24 lowercase letters, digits or dashes, like ?item=goldfish.",
        ));
    }
    let arrived_cart = ctx.cookies().get(CART).map(str::to_string);
    let cart = add_to_cart(arrived_cart.as_deref(), &item);
    let mut sent = Vec::new();
    for cookie in [
        SetCookie::new(CART, cart).path(CART_PATH),
        SetCookie::new(LAST_ADDED, item),
    ] {
        if let Ok(line) = ctx.set_cookie(&cookie) {
            sent.push(line);
        }
    }
    render(ctx, &sent)
}

fn render(ctx: &mut Ctx, sent: &[String]) -> Reply {
    let this_path = ctx.req.path().to_string();
    let arrived = lesson_cookies(ctx);
    let sent_html = if sent.is_empty() {
        "<p class=\"note\">This response sets no cookie.</p>".to_string()
    } else {
        format!(
            "<pre class=\"wire\" id=\"path-sent\">{}</pre>\
             <p>The second line has no <code>Path</code>, so the browser computes one from this \
             page's URL, <code>{ADD}</code>: everything before its last <code>/</code>, which is \
             <code>{}</code> (RFC 6265 §5.1.4).</p>",
            sent.iter()
                .map(|l| format!("Set-Cookie: {}", escape(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            default_path(ADD)
        )
    };
    let title = match this_path.as_str() {
        "/sites/path" => "Path: a cookie for part of a site".to_string(),
        p => format!("Path: you are on {p}"),
    };
    Page::new(&title, "sites-path.html")
        .mark(CART)
        .mark(LAST_ADDED)
        .render(
            ctx,
            Vars::new()
                .text("path", this_path.clone())
                .html("table", table(&this_path))
                .html("arrived", cookie_list(&arrived, &[CART, LAST_ADDED]))
                .html("sent", sent_html)
                .html("scope_facts", facts_html(&[ScopeKey::PathScoped])),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_pages_get_which_cookie() {
        // (page, cart?, last_added?) — RFC 6265 §5.1.4.
        let last = default_path(ADD);
        assert_eq!(last, "/shop/basket", "default_path({ADD:?})");
        let cases: &[(&str, bool, bool)] = &[
            ("/sites/path", false, false),
            ("/shop", true, false),
            ("/shop/basket", true, true),
            (ADD, true, true),
            ("/shop/checkout", true, false),
            ("/shopping", false, false),
        ];
        for (page, cart, added) in cases {
            let got = (path_match(page, CART_PATH), path_match(page, last));
            assert_eq!(got, (*cart, *added), "{page}: (cart, last_added) = {got:?}");
            let row = table(page);
            assert!(row.contains(&format!("<tr class=\"here\" data-path=\"{page}\">")));
        }
    }

    #[test]
    fn the_cart_keeps_its_last_items() {
        let cases: &[(Option<&str>, &str, &str)] = &[
            (None, "goldfish", "goldfish"),
            (Some("goldfish"), "bowl", "goldfish+bowl"),
            (Some("a+b+c+d+e+f+g+h"), "i", "b+c+d+e+f+g+h+i"),
            (Some("<script>+bowl"), "net", "bowl+net"),
        ];
        for (cart, item, want) in cases {
            let got = add_to_cart(*cart, item);
            assert_eq!(got, *want, "add_to_cart({cart:?}, {item:?})");
        }
        for (item, ok) in [
            ("goldfish", true),
            ("", false),
            ("A", false),
            ("a b", false),
            ("a;b", false),
        ] {
            assert_eq!(valid_item(item), ok, "valid_item({item:?})");
        }
    }
}
