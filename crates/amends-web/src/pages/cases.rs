//! Cases: one per person the user wants to make amends to.

use crate::http::Problem;
use amends_app::CaseSummary;
use amends_core::Relationship;
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Ctx, required};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage {
    pub page: Page,
    pub cases: Vec<CaseSummary>,
    pub current: String,
    pub first: bool,
    pub error: Option<Problem>,
    pub name: String,
    pub relationships: Vec<&'static str>,
}

#[derive(Deserialize)]
pub struct CasesQuery {
    first: Option<String>,
}

async fn page(ctx: &Ctx, first: bool, error: Option<Problem>, name: String) -> Response {
    let cases = match ctx.app.cases().await {
        Ok(c) => c,
        Err(e) => return ctx.error(&e),
    };
    render_status(
        super::status_for(&error),
        &CasesPage {
            page: ctx.page(
                if cases.is_empty() {
                    "Who is this about?"
                } else {
                    "Cases"
                },
                "cases",
            ),
            first: first || cases.is_empty(),
            current: ctx.case.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            cases,
            error,
            name,
            relationships: Relationship::ALL.iter().map(|r| r.as_str()).collect(),
        },
    )
}

pub async fn list(ctx: Ctx, Query(q): Query<CasesQuery>) -> Response {
    page(&ctx, q.first.is_some(), None, String::new()).await
}

#[derive(Deserialize)]
pub struct NewCase {
    name: Option<String>,
    relationship: Option<String>,
}

pub async fn create(ctx: Ctx, Form(form): Form<NewCase>) -> Response {
    let name = match required(&form.name, "name", &ctx.csrf) {
        Ok(n) => n.to_string(),
        Err(r) => return r,
    };
    let rel = match required(&form.relationship, "relationship", &ctx.csrf) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let relationship: Relationship = match rel.parse() {
        Ok(r) => r,
        Err(e) => return page(&ctx, false, Some(Problem::from(e)), name).await,
    };
    match ctx.app.create_case(&name, relationship).await {
        Ok(case) => {
            ctx.state.set_case(case.id).await;
            Redirect::to("/").into_response()
        }
        Err(e) => page(&ctx, false, Some(Problem::app(&e)), name).await,
    }
}

#[derive(Deserialize)]
pub struct Select {
    id: Option<String>,
}

pub async fn select(ctx: Ctx, Form(form): Form<Select>) -> Response {
    let id = match required(&form.id, "id", &ctx.csrf) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match ctx.app.case(Some(id)).await {
        Ok(case) => {
            ctx.state.set_case(case.id).await;
            Redirect::to("/").into_response()
        }
        Err(e) => ctx.error(&e),
    }
}
