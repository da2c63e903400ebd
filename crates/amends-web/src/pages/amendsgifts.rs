//! Amends and kind gestures (AM-*, KG-*): what they asked for, in their words, within bounds
//! (SAFE-9, C8), and small gestures with their cost (KG-3, C14). Both are closed until the
//! damage is understood and they have had their space (KG-7).

use crate::http::Problem;
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

pub async fn add_item(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let kept = AmendsForm {
        request: form.request.clone(),
        ..AmendsForm::default()
    };
    let act = async |case, _, now| {
        let f = &form;
        let bounds = pages::bounds(
            f.affordable.as_deref(),
            f.legal.as_deref(),
            f.safe.as_deref(),
        )?;
        let request = f.request.as_deref().unwrap_or("");
        ctx.app.amends_add(&case, request, bounds, now, now).await?;
        Ok(to("/amends"))
    };
    ctx.run(None, act, async |p| page(&ctx, Some(p), None, kept).await)
        .await
}

pub async fn update_item(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let act = async |case, _, now| {
        let status: AmendsStatus = word(form.status.as_deref())?;
        let id = form.id.as_deref().unwrap_or("");
        let note = form.note.as_deref();
        ctx.app
            .amends_update(&case, id, status, note, now, now)
            .await?;
        Ok(to("/amends"))
    };
    let again = async |p| page(&ctx, Some(p), None, AmendsForm::default()).await;
    ctx.run(None, act, again).await
}

pub async fn add_gesture(ctx: Ctx, Form(form): Form<AmendsForm>) -> Response {
    let kept = AmendsForm {
        request: None,
        ..form.clone()
    };
    let act = async |case, at, now| {
        let cost = pages::amount(form.cost.as_deref().unwrap_or("0"))?;
        let (what, preference) = (
            form.what.as_deref().unwrap_or(""),
            form.preference.as_deref(),
        );
        let logged = ctx
            .app
            .gesture_add(&case, what, cost, preference, at, now)
            .await?;
        Ok(to(if logged.slip {
            "/amends?recorded=slip#gestures"
        } else {
            "/amends#gestures"
        }))
    };
    ctx.run(form.at.as_deref(), act, async |p| {
        page(&ctx, Some(p), None, kept).await
    })
    .await
}
