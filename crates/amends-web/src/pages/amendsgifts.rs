//! Amends and kind gestures (AM-*, KG-*): what they asked for, in their words, within bounds
//! (SAFE-9, C8), and small gestures with their cost (KG-3, C14). Both are closed until the
//! damage is understood and they have had their space (KG-7).

use amends_core::plan::{AmendsEntry, Gestures};
use amends_core::{AmendsStatus, Bounds, Gate, GateId};
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, at_or_now};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "amends.html")]
pub struct AmendsPage {
    pub page: Page,
    pub gate: Gate,
    pub items: Vec<AmendsEntry>,
    pub gestures: Gestures,
    pub statuses: Vec<&'static str>,
    pub error: Option<String>,
}

impl AmendsPage {
    /// SAFE-1, SAFE-2, SAFE-8: a stop that rules out telling them anything at all.
    pub fn stopped(&self) -> bool {
        self.gate
            .reasons
            .iter()
            .any(|r| matches!(r.method, "SAFE-1" | "SAFE-2" | "SAFE-8"))
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

async fn page(ctx: &Ctx, error: Option<String>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let plan = match ctx.app.plan(&case, Timestamp::now()).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e),
    };
    render_status(
        super::status_for(&error),
        &AmendsPage {
            page: ctx.page("Amends and gestures", "amends"),
            gate: plan.gate(GateId::Gestures).clone(),
            items: plan.amends,
            gestures: plan.gestures,
            statuses: AmendsStatus::ALL.iter().map(|s| s.as_str()).collect(),
            error,
        },
    )
}

pub async fn show(ctx: Ctx) -> Response {
    page(&ctx, None).await
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
    // SAFE-9: the user's own check; an unchecked box means amends won't help with it.
    let bounds = Bounds {
        affordable: form.affordable.is_some(),
        legal: form.legal.is_some(),
        safe: form.safe.is_some(),
    };
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
        Err(e) => page(&ctx, Some(e.to_string())).await,
    }
}

pub async fn update_item(ctx: Ctx, Form(form): Form<ItemForm>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let status: AmendsStatus = match form.status.as_deref().unwrap_or("").parse() {
        Ok(s) => s,
        Err(e) => return page(&ctx, Some(e)).await,
    };
    let now = Timestamp::now();
    match ctx
        .app
        .amends_update(
            &case,
            form.id.as_deref().unwrap_or(""),
            status,
            form.note.as_deref(),
            now,
            now,
        )
        .await
    {
        Ok(_) => Redirect::to("/amends").into_response(),
        Err(e) => page(&ctx, Some(e.to_string())).await,
    }
}

#[derive(Deserialize)]
pub struct GestureForm {
    what: Option<String>,
    cost: Option<String>,
    preference: Option<String>,
    at: Option<String>,
}

pub async fn add_gesture(ctx: Ctx, Form(form): Form<GestureForm>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let raw = form.cost.as_deref().unwrap_or("0").trim();
    let Ok(cost) = raw.parse::<f64>() else {
        return page(
            &ctx,
            Some(format!(
                "\u{201c}{raw}\u{201d} is not an amount. Give what it cost as a number, e.g. 4.50."
            )),
        )
        .await;
    };
    let now = Timestamp::now();
    let at = match at_or_now(&ctx, form.at.as_deref(), now).await {
        Ok(t) => t,
        Err(e) => return page(&ctx, Some(e)).await,
    };
    match ctx.app.gesture_add(&case, form.what.as_deref().unwrap_or(""), cost, form.preference.as_deref(), at, now).await {
        Ok(logged) if logged.slip => page(
            &ctx,
            Some("Recorded. A gesture is contact you start, and outreach was closed, so it counts as a slip (KG-7, C10).".into()),
        )
        .await,
        Ok(_) => Redirect::to("/amends#gestures").into_response(),
        Err(e) => page(&ctx, Some(e.to_string())).await,
    }
}
