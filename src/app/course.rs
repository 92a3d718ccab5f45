//! The guided path: the lessons in the lecture's order, as data.
//!
//! `/` says "Start here" and links to the first lesson; every page of a
//! lesson shows where it stands ("Lesson 5 of 12") and ends with exactly one
//! `<a rel="next">` to the next lesson's first page; the last lesson,
//! `/compare`, ends the path. The progress line and the link are computed
//! from [`COURSE`] alone, so the order lives in one place.
//!
//! # Adding a lesson
//!
//! 1. Add its routes to [`super::ROUTES`] and its handlers in a module of
//!    their own, rendering their pages with [`super::Page`].
//! 2. Insert one `lesson(title, pages, summary)` row into [`COURSE`] where
//!    it belongs in the lecture: `pages` are the route patterns (exactly as
//!    written in `ROUTES`) whose pages belong to it, the first one where it
//!    starts (the URL the lesson before links to).
//! 3. Give its page a "Predict, then observe" section (see any lesson's
//!    template: `<li id="q-…">` per question, the answer in a `<details>`)
//!    and tell `tests/browser/course.mjs` how each answer is observed: a
//!    function in `OBSERVE` (the many-sites lessons' observers, which need
//!    several host names and a second port, are in
//!    `tests/browser/sites-course.mjs`, merged into `OBSERVE`); then list
//!    the ids under the lesson's start in `LESSONS`.
//!    The walk follows the `rel="next"` links and fails on a lesson or a
//!    question it does not know.
//!
//! A page whose route is in no lesson (an error page, `/`) shows no
//! progress line and no Next link.

/// One lesson of the course.
#[derive(Debug)]
pub struct Lesson {
    /// Where the lesson starts, its first page: the `rel="next"` link of
    /// the lesson before points here.
    pub start: &'static str,
    /// Its name in the progress line, the Next link and the index.
    pub title: &'static str,
    /// One line for the index: what the lesson shows.
    pub summary: &'static str,
    /// The route patterns of its pages, as in `ROUTES` (every step of a
    /// chain, every page of a round trip).
    pub pages: &'static [&'static str],
}

/// The lessons, in the order of the lecture: stateless → query → hidden →
/// path → storage → cookie round trip → the conversation (every request
/// carries the cookie) → cookie lab → where cookies go (many sites, Domain,
/// Path, ports) → signed session → the session taken apart → growing a
/// list → server-side session → which requests carry a session (SameSite,
/// third parties, CSRF) → compare. A row: the title, the pages (the first
/// is where the lesson starts), and the one line the index shows.
#[rustfmt::skip]
pub static COURSE: &[Lesson] = &[
    lesson("The goldfish: HTTP forgets",             &["/goldfish"], "tell the server your name; ask again: it has forgotten"),
    lesson("State in the query string",              &["/step-zero", "/step-one", "/step-two"], "?fav-color=blue, written into every link"),
    lesson("State in hidden form fields",            &["/form/step-zero", "/form/step-one", "/form/step-two"], "the colour POSTed from page to page in an invisible field"),
    lesson("State in the URL path",                  &["/fav-color", "/fav-color/{color}/step-zero", "/fav-color/{color}/step-one", "/fav-color/{color}/step-two"], "/fav-color/blue/step-zero: the colour is part of the address"),
    lesson("Browser storage",                        &["/storage"], "localStorage and sessionStorage: state the server never sees"),
    lesson("A cookie round trip",                    &["/cookie-form", "/handle-form-cookie", "/later-cookie"], "the lecture's /cookie-form → /handle-form-cookie → /later-cookie"),
    lesson("The conversation, from real bytes",      &["/sites/timeline"], "every request your browser makes, the stylesheet's too, with the cookies it carries"),
    lesson("The cookie lab",                         &["/cookies", "/cookies/delete", "/cookies/check", "/cookies/jar"], "any cookie with any attributes, what the browser keeps, and why"),
    lesson("Many sites on one machine",              &["/sites"], "www. and shop.goldfish.localhost, evil.localhost, tracker.localhost: one goldfish, four sites"),
    lesson("Domain: which hosts get a cookie",       &["/sites/domain"], "num_visits for every host of goldfish.localhost, cus_type for the shop alone"),
    lesson("Path: which pages get a cookie",         &["/sites/path", "/shop", "/shop/basket", "/shop/basket/add", "/shop/checkout", "/shopping"], "a cookie for /shop only, and the default path of a deep URL"),
    lesson("Ports are not part of a cookie's scope", &["/sites/ports"], "a cookie set on one port comes back on another"),
    lesson("The signed session",                     &["/signed-session", "/some-route", "/my-route"], "the lecture's /some-route and /my-route: session['fav_number'] = 42"),
    lesson("Your session, taken apart",              &["/session"], "payload, timestamp, signature; tamper with it and watch it be rejected"),
    lesson("A list in the session",                  &["/responses"], "a list that grows, and Flask's reassign-to-save gotcha"),
    lesson("Server-side sessions",                   &["/server-session"], "the cookie holds only an id; the data lives in the server's store"),
    lesson("SameSite: requests other sites start",   &["/sites/samesite"], "a link, two forms, an image, a frame, a fetch from another site, and which cookies came"),
    lesson("Third-party cookies and Partitioned",    &["/sites/third-party"], "a tracker in two sites' frames: does it recognise you?"),
    lesson("CSRF, attacked and defended",            &["/sites/csrf"], "another site changes your colour, then fails against each defence"),
    lesson("Every way to remember, compared",        &["/compare"], "who reads it, is it sent, size, lifetime, can the user change it"),
];

/// One row of [`COURSE`]: a lesson starts on the first of its pages (a
/// lesson without pages does not compile).
const fn lesson(
    title: &'static str,
    pages: &'static [&'static str],
    summary: &'static str,
) -> Lesson {
    Lesson {
        start: pages[0],
        title,
        summary,
        pages,
    }
}

/// Where a page stands in the course.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// 1-based number of its lesson.
    pub number: usize,
    /// How many lessons there are.
    pub total: usize,
    pub lesson: &'static Lesson,
    /// The lesson after it; `None` on the last one.
    pub next: Option<&'static Lesson>,
}

/// The place of the page served by the route `pattern`, if it is part of a
/// lesson.
#[must_use]
pub fn place(pattern: &str) -> Option<Place> {
    let i = COURSE.iter().position(|l| l.pages.contains(&pattern))?;
    Some(Place {
        number: i + 1,
        total: COURSE.len(),
        lesson: &COURSE[i],
        next: COURSE.get(i + 1),
    })
}

/// The first lesson: where `/`'s "Start here" goes.
#[must_use]
pub fn first() -> &'static Lesson {
    &COURSE[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ROUTES;

    #[test]
    fn every_page_of_every_lesson_is_a_route_and_in_one_lesson_only() {
        for lesson in COURSE {
            assert!(
                lesson
                    .pages
                    .iter()
                    .any(|p| lesson.start.split('?').next() == Some(*p)),
                "{}: its start {} is not one of its pages",
                lesson.title,
                lesson.start
            );
            for page in lesson.pages {
                assert!(
                    ROUTES.iter().any(|r| r.pattern == *page),
                    "{}: {page} is not a route in ROUTES",
                    lesson.title
                );
                let owners = COURSE.iter().filter(|l| l.pages.contains(page)).count();
                assert_eq!(owners, 1, "{page} belongs to {owners} lessons; want 1");
            }
        }
    }

    #[test]
    fn the_path_follows_the_lecture_and_ends_on_compare() {
        let starts: Vec<&str> = COURSE.iter().map(|l| l.start).collect();
        assert_eq!(
            starts,
            [
                "/goldfish",
                "/step-zero",
                "/form/step-zero",
                "/fav-color",
                "/storage",
                "/cookie-form",
                "/sites/timeline",
                "/cookies",
                "/sites",
                "/sites/domain",
                "/sites/path",
                "/sites/ports",
                "/signed-session",
                "/session",
                "/responses",
                "/server-session",
                "/sites/samesite",
                "/sites/third-party",
                "/sites/csrf",
                "/compare",
            ]
        );
        let last = place("/compare").unwrap();
        assert_eq!(
            (last.number, last.total, last.next.is_none()),
            (20, 20, true)
        );
        let p = place("/fav-color/{color}/step-one").unwrap();
        assert_eq!(p.number, 4);
        assert_eq!(p.next.map(|l| l.start), Some("/storage"));
        assert!(place("/").is_none(), "/ is the start, not a lesson");
        assert!(place("/static/{*file}").is_none());
    }
}
