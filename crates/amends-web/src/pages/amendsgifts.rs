//! Amends and kind gestures (AM-*, KG-*): what they asked for, in their words, within bounds
//! (SAFE-9, C8), and small gestures with their cost (KG-3, C14). Both are closed until the
//! damage is understood and they have had their space (KG-7).

use crate::http::Problem;
use amends_core::plan::{AmendsEntry, Gestures};
use amends_core::{AmendsStatus, Bounds, Gate, GateId};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish, word};
use crate::views::{Page, render_status};

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
    pub kept: Kept,
}

#[derive(Default)]
pub struct Kept {
    pub request: String,
    pub what: String,
    pub cost: String,
    pub preference: String,
}

impl AmendsPage {
    /// SAFE-1, SAFE-2, SAFE-8: a stop that rules out telling them anything at all.
    pub fn stopped(&self) -> bool {
        self.gate
            .reasons
            .iter()
            .any(amends_core::Reason::is_hard_stop)
    }

    /// "beyond your means and not safe": the bounds a request is outside, in words.
    pub fn outside(&self, a: &AmendsEntry) -> String {
        let mut words = Vec::new();
        if !a.bounds.affordable {
            words.push("beyond your means");
        }
        if !a.bounds.legal {
            words.push("not legal");
        }
        if !a.bounds.safe {
            words.push("not safe");
        }
        match words.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }

    pub fn money(&self, v: &f64) -> String {
        format!("{:.2}", v + 0.0)
    }
}

async fn page(ctx: &Ctx, error: Option<Problem>) -> Response {
    page_with(ctx, error, None, Kept::default()).await
}

async fn page_with(
    ctx: &Ctx,
    error: Option<Problem>,
    notice: Option<String>,
    kept: Kept,
) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let plan = match ctx.app.plan(&case, Timestamp::now()).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e),
    };
    let mut page = ctx.page("Amends and gestures", "amends");
    page.notice = notice;
    render_status(
        super::status_for(&error),
        &AmendsPage {
            page,
            gate: plan.gate(GateId::Gestures).clone(),
            items: plan.amends,
            gestures: plan.gestures,
            statuses: AmendsStatus::ALL.iter().map(|s| s.as_str()).collect(),
            error,
            kept,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    recorded: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Response {
    // A gesture logged while outreach was closed lands here after the redirect (so a reload
    // does not log it twice), with the reasons it was a slip.
    let notice = match q.recorded.as_deref() {
        Some("slip") => Some(slip_notice(&ctx).await),
        _ => None,
    };
    page_with(&ctx, None, notice, Kept::default()).await
}

/// NC-2, KG-7, C10: a gesture while outreach is closed is recorded, and said to be a slip
/// with the reasons that stood, their wishes first.
async fn slip_notice(ctx: &Ctx) -> String {
    let reasons = match ctx.need_case() {
        Ok(case) => match ctx.app.plan(&case, Timestamp::now()).await {
            Ok(plan) => plan
                .gate(GateId::Outreach)
                .reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            Err(_) => String::new(),
        },
        Err(_) => String::new(),
    };
    format!(
        "Recorded, because the truth matters. A gesture is contact you start, and getting in \
         touch is closed, so it counts as a slip (KG-7, C10). {reasons}"
    )
    .trim_end()
    .to_string()
}

/// SAFE-9, AM-3: each of the three questions needs its own honest answer; none is assumed.
fn bound(answer: Option<&str>, question: &'static str, missing: &mut Vec<&'static str>) -> bool {
    match answer {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            missing.push(question);
            false
        }
    }
}

#[derive(Deserialize)]
pub struct ItemForm {
    request: Option<String>,
    affordable: Option<String>,
    legal: Option<String>,
    safe: Option<String>,
    id: Option<String>,
    status: Option<String>,
    note: Option<String>,
}

pub async fn add_item(ctx: Ctx, Form(form): Form<ItemForm>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    // SAFE-9: the user's own check, answered yes or no each time; a "no" means amends won't
    // help with it.
    let mut missing = Vec::new();
    let bounds = Bounds {
        affordable: bound(
            form.affordable.as_deref(),
            "can you afford it",
            &mut missing,
        ),
        legal: bound(form.legal.as_deref(), "is it legal", &mut missing),
        safe: bound(form.safe.as_deref(), "is it safe", &mut missing),
    };
    let kept = Kept {
        request: form.request.clone().unwrap_or_default(),
        ..Kept::default()
    };
    if !missing.is_empty() {
        let msg = format!(
            "Answer the honest check for this request: {}? (AM-3, SAFE-9)",
            missing.join(", ")
        );
        return page_with(&ctx, Some(Problem::from(msg)), None, kept).await;
    }
    let now = Timestamp::now();
    match ctx
        .app
        .amends_add(
            &case,
            form.request.as_deref().unwrap_or(""),
            bounds,
            now,
            now,
        )
        .await
    {
        Ok(_) => Redirect::to("/amends").into_response(),
        Err(e) => page_with(&ctx, Some(Problem::app(&e)), None, kept).await,
    }
}

pub async fn update_item(ctx: Ctx, Form(form): Form<ItemForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let status: AmendsStatus = word(form.status.as_deref())?;
        let now = Timestamp::now();
        let id = form.id.as_deref().unwrap_or("");
        ctx.app
            .amends_update(&case, id, status, form.note.as_deref(), now, now)
            .await?;
        Ok(Redirect::to("/amends").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p))).await
}

#[derive(Deserialize)]
pub struct GestureForm {
    what: Option<String>,
    cost: Option<String>,
    preference: Option<String>,
    at: Option<String>,
}

pub async fn add_gesture(ctx: Ctx, Form(form): Form<GestureForm>) -> Response {
    let kept = Kept {
        what: form.what.clone().unwrap_or_default(),
        cost: form.cost.clone().unwrap_or_default(),
        preference: form.preference.clone().unwrap_or_default(),
        ..Kept::default()
    };
    let done = async {
        let case = ctx.need_case()?;
        let raw = form.cost.as_deref().unwrap_or("0").trim();
        // "4,50" is how much of the world writes an amount.
        let cost = raw.replace(',', ".").parse::<f64>().map_err(|_| {
            format!(
                "\u{201c}{raw}\u{201d} is not an amount. Give what it cost as a number, e.g. 4.50."
            )
        })?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        let what = form.what.as_deref().unwrap_or("");
        let logged = ctx
            .app
            .gesture_add(&case, what, cost, form.preference.as_deref(), at, now)
            .await?;
        Ok(if logged.slip {
            Redirect::to("/amends?recorded=slip#gestures").into_response()
        } else {
            Redirect::to("/amends#gestures").into_response()
        })
    };
    finish(done.await, |p| page_with(&ctx, Some(p), None, kept)).await
}
