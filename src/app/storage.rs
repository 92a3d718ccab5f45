//! `GET /storage` and `GET /compare`: state the server never sees, and all
//! the strategies side by side.

use super::pages::Page;
use super::strategies::{self, StrategyKey};
use super::{Ctx, Reply};
use crate::template::Vars;

/// `GET /storage` — localStorage vs sessionStorage, in `www/static/storage.js`.
pub fn storage(ctx: &mut Ctx) -> Reply {
    // Both facts boxes, localStorage first, as the page introduces them.
    let origin = ctx.origin();
    Page::new("Browser storage", "storage.html").render(
        ctx,
        Vars::new()
            .text("origin", origin)
            .html(
                "facts_local",
                strategies::facts_html(StrategyKey::LocalStorage),
            )
            .html(
                "facts_session",
                strategies::facts_html(StrategyKey::SessionStorage),
            ),
    )
}

/// `GET /compare` — every strategy, the same five questions.
pub fn compare(ctx: &mut Ctx) -> Reply {
    Page::new("Every way to remember, compared", "compare.html").render(
        ctx,
        Vars::new()
            .html("table", strategies::STRATEGIES.compare_html(None))
            .html(
                "scope_table",
                super::sites::scope::SCOPES.compare_html(Some("scope")),
            )
            .html(
                "defence_table",
                super::sites::scope::DEFENCES.compare_html(Some("defences")),
            ),
    )
}
