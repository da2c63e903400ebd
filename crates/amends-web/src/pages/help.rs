//! Help now (SAFE-3): always one click away, and reachable while amends is locked.

use amends_app::help::{HelpResources, resources};
use askama::Template;
use axum::Form;
use axum::response::Response;
use serde::Deserialize;

use super::{Answer, Ctx, Token, to};
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "help.html")]
pub struct HelpPage {
    pub page: Page,
    pub resources: &'static HelpResources,
    pub local: Option<String>,
    /// The safety plan: from the store when unlocked; while locked, the copy kept since the
    /// last unlock (issue 11), shown behind a tap.
    pub plan: Option<amends_app::safety::SafetyPlan>,
}

pub async fn show(
    ctx: Option<Ctx>,
    axum::extract::State(state): axum::extract::State<crate::state::Shared>,
    Token(csrf): Token,
) -> Response {
    let (page, local, plan) = match &ctx {
        Some(ctx) => {
            let local = ctx.app.local_help().await.ok().flatten();
            let plan = ctx.frame.safety_plan.clone();
            (ctx.page("Help now", "help"), local, plan)
        }
        None => (Page::new("Help now", &csrf), None, state.kept_safety_plan()),
    };
    render(&HelpPage {
        page,
        resources: resources(),
        local,
        plan,
    })
}

#[derive(Deserialize)]
pub struct LocalForm {
    local: Option<String>,
}

pub async fn set_local(ctx: Ctx, Form(form): Form<LocalForm>) -> Answer {
    let local = form.local.as_deref().unwrap_or("");
    ctx.app
        .set_local_help(local)
        .await
        .map_err(|e| ctx.error(&e))?;
    Ok(to("/help"))
}
