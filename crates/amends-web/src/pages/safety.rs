//! Crisis and threats wherever the user writes, and the safety plan (issue 11, SAFE-3, SAFE-4).
//!
//! Every text box posts what is being typed to `/safety/check` after a pause (htmx); the answer
//! fills the panel at the top of the page, so help is in view above the fold on a phone without
//! scrolling. Without JavaScript, the same panel comes after saving: the app keeps the moment
//! such words were found, and every page shows the panel for a day.

use crate::http::Problem;
use amends_app::safety::{self, SafetyFlags, SafetyPlan};
use askama::Template;
use axum::Form;
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, to};
use crate::views::{Page, render, render_status};

/// The panel alone, for the live check.
#[derive(Template)]
#[template(path = "safety_live.html")]
pub struct LivePanel {
    pub page: Page,
}

/// `POST /safety/check`: the panel for whatever the text boxes of a form hold now (nothing is
/// saved). Fields whose names start with `_` (the CSRF token) are not the user's words.
pub async fn check(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let live = fields
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .fold(SafetyFlags::default(), |acc, (_, v)| {
            acc.or(safety::scan(v))
        });
    let mut page = ctx.page("", "");
    page.crisis |= live.crisis;
    page.threat |= live.threat;
    if live.any() && page.safety_plan.is_none() {
        page.safety_plan = ctx.frame.safety_plan.clone();
    }
    render(&LivePanel { page })
}

#[derive(Template)]
#[template(path = "safety_plan.html")]
pub struct PlanPage {
    pub page: Page,
    pub plan: SafetyPlan,
    pub error: Option<Problem>,
    pub saved: bool,
}

pub async fn show_plan(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let (plan, error) = match ctx.app.safety_plan().await {
        Ok(p) => (p.unwrap_or_default(), None),
        Err(e) => (SafetyPlan::default(), Some(Problem::app(&e))),
    };
    render_status(
        super::status_for(&error),
        &PlanPage {
            page: ctx.page("My safety plan", "help"),
            plan,
            error,
            saved: q.contains_key("saved"),
        },
    )
}

#[derive(Deserialize)]
pub struct PlanForm {
    warning_signs: Option<String>,
    what_calms_me: Option<String>,
    people_and_places: Option<String>,
    professionals: Option<String>,
}

pub async fn save_plan(ctx: Ctx, Form(form): Form<PlanForm>) -> Response {
    let plan = SafetyPlan {
        warning_signs: form.warning_signs.unwrap_or_default(),
        what_calms_me: form.what_calms_me.unwrap_or_default(),
        people_and_places: form.people_and_places.unwrap_or_default(),
        professionals: form.professionals.unwrap_or_default(),
    };
    match ctx.app.set_safety_plan(&plan).await {
        Ok(()) => {
            ctx.state
                .keep_safety_plan((!plan.is_empty()).then_some(plan));
            to("/safety-plan?saved=1")
        }
        Err(e) => render_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &PlanPage {
                page: ctx.page("My safety plan", "help"),
                plan,
                error: Some(Problem::app(&e)),
                saved: false,
            },
        ),
    }
}
