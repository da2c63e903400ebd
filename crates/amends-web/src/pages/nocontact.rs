//! No contact (NC-1 to NC-10) and the urge button (NC-6): log the urge, reread your own reasons,
//! do something else, and write on a pad that has no send button. Slips that are not messages
//! (SAFE-7: checking their profile) are logged here too, and never hidden.

use crate::http::Problem;
use amends_core::SlipKind;
use amends_core::guidance::{Card, card_for};
use amends_core::plan::NoContact;
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish, word};
use crate::views::{Page, render_status};

/// Things to do instead of reaching out (NC-6, SI-7, SI-8), offered in turn.
const ACTIVITIES: &[&str] = &[
    "Call or message a friend or someone in your family, about anything at all.",
    "Go outside for a twenty-minute walk, without your phone in your hand.",
    "Do something with your hands: cook, tidy a drawer, draw, fix something.",
    "Write it all on the pad below. It goes nowhere.",
    "Move your body for ten minutes: stretch, dance, run up and down the stairs.",
    "Make a warm drink and sit with the feeling for five minutes; urges rise and fall.",
];

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
    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }

    /// A slip is either a kind of slip or the channel of a message; both read better in words
    /// than as their ids.
    pub fn slip_what(&self, what: &str) -> String {
        match what.parse::<SlipKind>() {
            Ok(kind) => amends_core::forms::slip_label(kind).to_string(),
            Err(_) => format!("a contact you started ({what})"),
        }
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

async fn page(ctx: &Ctx, error: Option<Problem>, notice: Option<String>, crisis: bool) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let plan = match ctx.app.plan(&case, Timestamp::now()).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e),
    };
    let mut page = ctx.page("No contact", "nocontact");
    page.notice = notice;
    page.crisis = crisis;
    render_status(
        super::status_for(&error),
        &NoContactPage {
            page,
            nc: plan.no_contact,
            slip_kinds: SlipKind::ALL
                .iter()
                .map(|k| (k.as_str(), amends_core::forms::slip_label(*k)))
                .collect(),
            cards: cards(&["NC-3", "NC-4", "NC-7", "NC-10"]),
            error,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    recorded: Option<String>,
}

pub async fn show(ctx: Ctx, axum::extract::Query(q): axum::extract::Query<Shown>) -> Response {
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

async fn urge_page(ctx: &Ctx, form: UrgeForm, error: Option<Problem>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let records = match ctx.app.records(&case).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let reasons = records.acts_and_impacts();
    let urges = records.urges();
    // Their own hobby, when they logged one with a name, is the best suggestion of all.
    let hobby = records.latest_hobby();
    let activity = match hobby {
        Some(h) if urges % 2 == 1 => format!("Spend some time on something of your own: {h}."),
        _ => ACTIVITIES[urges % ACTIVITIES.len()].to_string(),
    };
    render_status(
        super::status_for(&error),
        &UrgePage {
            page: ctx.page("The urge to reach out", "nocontact"),
            reasons,
            activity,
            cards: cards(&["NC-6", "NC-7", "NC-10"]),
            error,
            form,
        },
    )
}

pub async fn urge_form(ctx: Ctx) -> Response {
    urge_page(&ctx, UrgeForm::default(), None).await
}

pub async fn log_urge(ctx: Ctx, Form(form): Form<UrgeForm>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(intensity) = form
        .intensity
        .as_deref()
        .and_then(|i| i.trim().parse::<i64>().ok())
    else {
        return urge_page(
            &ctx,
            form,
            Some("Rate the urge from 1 (faint) to 10 (overwhelming).".into()),
        )
        .await;
    };
    let instead = form.instead.clone().unwrap_or_default();
    let now = Timestamp::now();
    if let Err(e) = ctx
        .app
        .log_urge(&case, intensity, &instead, None, now, now)
        .await
    {
        return urge_page(&ctx, form, Some(Problem::app(&e))).await;
    }
    // The pad has no send button: what is written there goes to the private journal (MO-2).
    let pad = form.pad.unwrap_or_default();
    let mut crisis = false;
    if !pad.trim().is_empty() {
        if let Err(e) = ctx.app.journal_add(&case, &pad, now, now).await {
            return page(
                &ctx,
                Some(format!("The urge was logged, but the pad could not be saved: {e}").into()),
                None,
                false,
            )
            .await;
        }
        crisis = amends_app::coach::crisis_language(&pad);
    }
    if crisis {
        return page(
            &ctx,
            None,
            Some("Logged. What you wrote on the pad is in your journal.".into()),
            true,
        )
        .await;
    }
    Redirect::to("/no-contact?urge=logged").into_response()
}

#[derive(Deserialize)]
pub struct SlipForm {
    what: Option<String>,
    note: Option<String>,
    at: Option<String>,
}

pub async fn log_slip(ctx: Ctx, Form(form): Form<SlipForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let what: SlipKind = word(form.what.as_deref())?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        ctx.app
            .log_slip(&case, what, form.note.as_deref(), at, now)
            .await?;
        Ok(Redirect::to("/no-contact?recorded=slip").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), None, false)).await
}
