//! MO-2: the private journal. It has no send button, and nothing in it can reach the composer.

use crate::http::Problem;
use amends_app::JournalEntry;
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish, required};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "journal.html")]
pub struct JournalPage {
    pub page: Page,
    pub entries: Vec<JournalEntry>,
    pub draft: String,
    pub error: Option<Problem>,
}

impl JournalPage {
    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }
}

async fn page(ctx: &Ctx, draft: String, error: Option<Problem>, crisis: bool) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut entries = match ctx.app.journal(&case).await {
        Ok(e) => e,
        Err(e) => return ctx.error(&e),
    };
    entries.reverse();
    // SAFE-3: help stays in front for a week after words about self-harm, not only on the
    // answer to the save: the person may come back to this page on a worse night.
    let week_ago = Timestamp::now() - jiff::SignedDuration::from_hours(24 * 7);
    let recent_crisis = entries
        .iter()
        .take_while(|e| e.at >= week_ago)
        .any(|e| amends_app::coach::crisis_language(&e.text));
    let mut page = ctx.page("Journal", "journal");
    page.crisis = crisis || recent_crisis;
    // Issue 14, defect 9: a damaged entry is left out, and said to be.
    if let Ok(damage) = ctx.app.damage(&case).await
        && !damage.is_empty()
    {
        page.notice = Some(format!(
            "Part of this case's history failed its integrity check and is left out here ({}). \
             Settings \u{2192} Export writes out everything that can still be read; restore a \
             backup of the data folder to get the rest back.",
            damage
                .iter()
                .map(|d| d.problem.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    render_status(
        super::status_for(&error),
        &JournalPage {
            page,
            entries,
            draft,
            error,
        },
    )
}

pub async fn show(ctx: Ctx) -> Response {
    page(&ctx, String::new(), None, false).await
}

#[derive(Deserialize)]
pub struct Entry {
    text: Option<String>,
}

pub async fn add(ctx: Ctx, Form(form): Form<Entry>) -> Response {
    let text = match required(&form.text, "text", &ctx.csrf) {
        Ok(t) => t.to_string(),
        Err(r) => return r,
    };
    let done = async {
        let case = ctx.need_case()?;
        let now = Timestamp::now();
        ctx.app.journal_add(&case, &text, now, now).await?;
        // SAFE-3: words about self-harm bring help forward at once, on this very page.
        Ok(if amends_app::coach::crisis_language(&text) {
            page(&ctx, String::new(), None, true).await
        } else {
            Redirect::to("/journal").into_response()
        })
    };
    let done = done.await;
    // Keep what they wrote in the box when it could not be saved.
    finish(done, |p| page(&ctx, text, Some(p), false)).await
}
