//! MO-2: the private journal. It has no send button, and nothing in it can reach the composer.

use crate::http::Problem;
use amends_app::JournalEntry;
use amends_app::command::AddJournal;
use amends_app::views::pages::{damage_notice, recent_crisis};
use askama::Template;
use axum::Form;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, required, to};
use crate::views::Page;

#[derive(Template)]
#[template(path = "journal.html")]
pub struct JournalPage {
    pub page: Page,
    pub entries: Vec<JournalEntry>,
    pub draft: String,
    pub error: Option<Problem>,
}

async fn page(ctx: &Ctx, draft: String, error: Option<Problem>, crisis: bool) -> Answer {
    let case = ctx.need_case()?;
    let mut entries = ctx.app.journal(&case).await.map_err(|e| ctx.error(&e))?;
    entries.reverse();
    let mut page = ctx.page("Journal", "journal");
    page.crisis = crisis || recent_crisis(&entries, Timestamp::now());
    let damage = ctx.app.damage(&case).await.unwrap_or_default();
    super::problem_page(error, |error| JournalPage {
        page: page.notice(damage_notice(&damage)),
        entries,
        draft,
        error,
    })
}

pub async fn show(ctx: Ctx) -> Answer {
    page(&ctx, String::new(), None, false).await
}

#[derive(Deserialize)]
pub struct Entry {
    text: Option<String>,
}

/// MO-2: the form builds the app's [`AddJournal`], as the API takes it (issue 13).
pub async fn add(ctx: Ctx, Form(form): Form<Entry>) -> Answer {
    let text = required(&form.text, "text", &ctx.csrf)?.to_string();
    let entry = AddJournal {
        text: text.clone(),
        at: None,
    };
    let done = async |_| {
        // SAFE-3: words about self-harm bring help forward at once, on this very page.
        Ok(if amends_app::coach::crisis_language(&text) {
            page(&ctx, String::new(), None, true).await?
        } else {
            to("/journal")
        })
    };
    // Keep what they wrote in the box when it could not be saved.
    let again = async |p| page(&ctx, text.clone(), Some(p), false).await;
    Ok(ctx.command(Ok(entry), done, again).await)
}
