//! Amends and kind gestures (AM-*, KG-*): what they asked for, in their words, within bounds
//! (SAFE-9, C8), and small gestures with their cost (KG-3, C14). Both are closed until the
//! damage is understood and they have had their space (KG-7).

use crate::http::Problem;
use amends_app::Logged;
use amends_app::command::{AddAmends, LogGesture, UpdateAmends};
use amends_app::views::pages;
use amends_core::plan::{AmendsEntry, Gestures};
use amends_core::{AmendsStatus, Bounds, Gate, GateId};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use super::{Answer, Ctx, to, word};
use crate::views::Page;

#[derive(Template)]
#[template(path = "amends.html")]
pub struct AmendsPage {
    pub page: Page,
    pub gate: Gate,
    pub items: Vec<AmendsEntry>,
    pub gestures: Gestures,
    pub statuses: Vec<&'static str>,
    pub error: Option<Problem>,
    /// What was typed into a form that came back with a problem, so nothing is lost.
    pub kept: AmendsForm,
}

impl AmendsPage {
    /// SAFE-1, SAFE-2, SAFE-8: a stop that rules out telling them anything at all.
    pub fn stopped(&self) -> bool {
        pages::hard_stop(&self.gate)
    }

    pub fn outside(&self, bounds: &Bounds) -> String {
        pages::outside(bounds)
    }

    pub fn money(&self, v: &f64) -> String {
        format!("{:.2}", v + 0.0)
    }
}

async fn page(
    ctx: &Ctx,
    error: Option<Problem>,
    notice: Option<String>,
    kept: AmendsForm,
) -> Answer {
    let plan = ctx.plan().await?;
    super::problem_page(error, |error| AmendsPage {
        page: ctx.page("Amends and gestures", "amends").notice(notice),
        gate: plan.gate(GateId::Gestures).clone(),
        items: plan.amends,
        gestures: plan.gestures,
        statuses: AmendsStatus::ALL.iter().map(|s| s.as_str()).collect(),
        error,
        kept,
    })
}

#[derive(Deserialize)]
pub struct Shown {
    recorded: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Answer {
    // A gesture logged while outreach was closed lands here after the redirect (so a reload
    // does not log it twice), with the reasons it was a slip.
    let notice = match q.recorded.as_deref() {
        Some("slip") => Some(pages::gesture_slip(&ctx.plan().await?)),
        _ => None,
    };
    page(&ctx, None, notice, AmendsForm::default()).await
}

/// The fields of the three forms on the page, kept together so a form that comes back shows
/// what was typed into it.
#[derive(Deserialize, Default, Clone)]
pub struct AmendsForm {
    request: Option<String>,
    affordable: Option<String>,
    legal: Option<String>,
    safe: Option<String>,
    id: Option<String>,
    status: Option<String>,
    note: Option<String>,
    what: Option<String>,
    cost: Option<String>,
    preference: Option<String>,
    at: Option<String>,
}

/// The page again, with the problem beside the form and what was typed into it kept.
async fn again(ctx: &Ctx, p: Problem, kept: AmendsForm) -> Answer {
    page(ctx, Some(p), None, kept).await
}

/// AM-2, SAFE-9: the form builds the app's [`AddAmends`], as the API takes it (issue 13).
pub async fn add_item(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let kept = AmendsForm {
        request: form.request.clone(),
        ..AmendsForm::default()
    };
    let f = &form;
    let item = || {
        Ok(AddAmends {
            request: f.request.clone().unwrap_or_default(),
            bounds: pages::bounds(
                f.affordable.as_deref(),
                f.legal.as_deref(),
                f.safe.as_deref(),
            )?,
            at: None,
        })
    };
    let done = async |_| Ok(to("/amends"));
    ctx.command(item(), done, async |p| again(&ctx, p, kept).await)
        .await
}

pub async fn update_item(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let update = word(form.status.as_deref()).map(|status| UpdateAmends {
        status,
        note: form.note.clone(),
        item: form.id.clone().unwrap_or_default(),
        at: None,
    });
    let done = async |_| Ok(to("/amends"));
    let kept = AmendsForm::default();
    ctx.command(update, done, async |p| again(&ctx, p, kept).await)
        .await
}

/// KG-1, KG-3: a gesture, as the app's [`LogGesture`].
pub async fn add_gesture(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let kept = AmendsForm {
        request: None,
        ..form.clone()
    };
    let gesture = || {
        Ok(LogGesture {
            what: form.what.clone().unwrap_or_default(),
            cost: pages::amount(form.cost.as_deref().unwrap_or("0"))?,
            preference: form.preference.clone(),
            at: super::logged_at(form.at.as_deref()),
        })
    };
    let done = async |logged: Logged| {
        Ok(to(if logged.slip {
            "/amends?recorded=slip#gestures"
        } else {
            "/amends#gestures"
        }))
    };
    ctx.command(gesture(), done, async |p| again(&ctx, p, kept).await)
        .await
}
