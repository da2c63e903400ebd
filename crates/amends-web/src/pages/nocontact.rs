//! No contact (NC-1 to NC-10) and the urge button (NC-6): log the urge, reread your own reasons,
//! do something else, and write on a pad that has no send button. Slips that are not messages
//! (SAFE-7: checking their profile) are logged here too, and never hidden.

use crate::http::Problem;
use amends_app::command::{Command, LogSlip, LogUrge};
use amends_app::views::pages;
use amends_core::SlipKind;
use amends_core::guidance::{Card, card_for};
use amends_core::plan::NoContact;
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, to, word};
use crate::views::Page;

#[derive(Template)]
#[template(path = "nocontact.html")]
pub struct NoContactPage {
    pub page: Page,
    pub nc: NoContact,
    pub slip_kinds: Vec<(&'static str, &'static str)>,
    pub cards: Vec<&'static Card>,
    pub error: Option<Problem>,
}

impl NoContactPage {
    pub fn slip_what(&self, what: &str) -> String {
        pages::slip_what(what)
    }

    pub fn intensity(&self) -> String {
        self.nc
            .urge_intensity_30
            .map_or("-".into(), |i| format!("{i:.1}"))
    }
}

#[derive(Template)]
#[template(path = "urge.html")]
pub struct UrgePage {
    pub page: Page,
    /// The user's own words from the workbook: what they did and what it did to them.
    pub reasons: Vec<(String, String)>,
    pub activity: String,
    pub cards: Vec<&'static Card>,
    pub error: Option<Problem>,
    pub form: UrgeForm,
}

fn cards(ids: &[&str]) -> Vec<&'static Card> {
    ids.iter().filter_map(|m| card_for(m)).collect()
}

async fn page(ctx: &Ctx, error: Option<Problem>, notice: Option<String>, crisis: bool) -> Answer {
    let plan = ctx.plan().await?;
    let mut page = ctx.page("No contact", "nocontact").notice(notice);
    page.crisis |= crisis;
    super::problem_page(error, |error| NoContactPage {
        page,
        nc: plan.no_contact,
        slip_kinds: SlipKind::ALL
            .iter()
            .map(|k| (k.as_str(), amends_core::forms::slip_label(*k)))
            .collect(),
        cards: cards(&["NC-3", "NC-4", "NC-7", "NC-10"]),
        error,
    })
}

#[derive(Deserialize)]
pub struct Shown {
    recorded: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Answer {
    // A slip lands here after the redirect, so a reload cannot log it twice.
    let notice = (q.recorded.as_deref() == Some("slip")).then(|| {
        "Recorded. The count starts again from today; everything you have done so far still \
         counts."
            .to_string()
    });
    page(&ctx, None, notice, false).await
}

#[derive(Deserialize, Default)]
pub struct UrgeForm {
    pub intensity: Option<String>,
    pub instead: Option<String>,
    pub pad: Option<String>,
}

async fn urge_page(ctx: &Ctx, form: UrgeForm, error: Option<Problem>) -> Answer {
    let records = ctx.records().await?;
    super::problem_page(error, |error| UrgePage {
        page: ctx.page("The urge to reach out", "nocontact"),
        reasons: records.acts_and_impacts(),
        activity: pages::urge_activity(&records),
        cards: cards(&["NC-6", "NC-7", "NC-10"]),
        error,
        form,
    })
}

pub async fn urge_form(ctx: Ctx) -> Answer {
    urge_page(&ctx, UrgeForm::default(), None).await
}

pub async fn log_urge(ctx: Ctx, Form(form): Form<UrgeForm>) -> Answer {
    let case = ctx.need_case()?;
    let intensity = form.intensity.as_deref().map(str::trim);
    let Some(intensity) = intensity.and_then(|i| i.parse::<i64>().ok()) else {
        let problem = "Rate the urge from 1 (faint) to 10 (overwhelming).";
        return urge_page(&ctx, form, Some(problem.into())).await;
    };
    // NC-6: the app's [`LogUrge`], as the API and the CLI take it (issue 13).
    let urge = LogUrge {
        intensity,
        instead: form.instead.clone().unwrap_or_default(),
        note: None,
        at: None,
    };
    let now = Timestamp::now();
    if let Err(e) = urge.run(&ctx.app, &case, now).await {
        return urge_page(&ctx, form, Some(Problem::app(&e))).await;
    }
    // The pad has no send button: what is written there goes to the private journal (MO-2).
    let pad = form.pad.unwrap_or_default();
    if pad.trim().is_empty() {
        return Ok(to("/no-contact?urge=logged"));
    }
    if let Err(e) = ctx.app.journal_add(&case, &pad, now, now).await {
        let problem = format!("The urge was logged, but the pad could not be saved: {e}");
        return page(&ctx, Some(problem.into()), None, false).await;
    }
    if !amends_app::coach::crisis_language(&pad) {
        return Ok(to("/no-contact?urge=logged"));
    }
    let notice = "Logged. What you wrote on the pad is in your journal.";
    page(&ctx, None, Some(notice.into()), true).await
}

#[derive(Deserialize)]
pub struct SlipForm {
    what: Option<String>,
    note: Option<String>,
    at: Option<String>,
}

/// SAFE-7: a slip, as the app's [`LogSlip`].
pub async fn log_slip(ctx: Ctx, Form(form): Form<SlipForm>) -> Response {
    let slip = || {
        Ok(LogSlip {
            what: word(form.what.as_deref())?,
            note: form.note.clone(),
            at: super::logged_at(form.at.as_deref()),
        })
    };
    let done = async |_| Ok(to("/no-contact?recorded=slip"));
    let again = async |p| page(&ctx, Some(p), None, false).await;
    ctx.command(slip(), done, again).await
}
