//! Help now (SAFE-3): always one click away, and reachable while amends is locked.

use amends_app::help::{HelpResources, resources};
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Ctx, Token};
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "help.html")]
pub struct HelpPage {
    pub page: Page,
    pub resources: &'static HelpResources,
    pub local: Option<String>,
}

pub async fn show(ctx: Option<Ctx>, Token(csrf): Token) -> Response {
    let (page, local) = match &ctx {
        Some(ctx) => {
            let local = ctx.app.local_help().await.ok().flatten();
            (ctx.page("Help now", "help"), local)
        }
        None => (Page::new("Help now", &csrf), None),
    };
    render(&HelpPage {
        page,
        resources: resources(),
        local,
    })
}

#[derive(Deserialize)]
pub struct LocalForm {
    local: Option<String>,
}

pub async fn set_local(ctx: Ctx, Form(form): Form<LocalForm>) -> Response {
    match ctx
        .app
        .set_local_help(form.local.as_deref().unwrap_or(""))
        .await
    {
        Ok(()) => Redirect::to("/help").into_response(),
        Err(e) => ctx.error(&e),
    }
}
