//! Cases: one per person the user wants to make amends to.

use crate::http::Problem;
use amends_app::CaseSummary;
use amends_app::command::CreateCase;
use amends_core::Relationship;
use askama::Template;
use axum::Form;
use axum::extract::Query;
use serde::Deserialize;

use super::{Answer, Ctx, required, to};
use crate::views::Page;

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

async fn page(ctx: &Ctx, first: bool, error: Option<Problem>, name: String) -> Answer {
    let cases = ctx.app.cases().await.map_err(|e| ctx.error(&e))?;
    let title = if cases.is_empty() {
        "Who is this about?"
    } else {
        "Cases"
    };
    super::problem_page(error, |error| CasesPage {
        page: ctx.page(title, "cases"),
        first: first || cases.is_empty(),
        current: ctx.case.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
        cases,
        error,
        name,
        relationships: Relationship::ALL.iter().map(|r| r.as_str()).collect(),
    })
}

pub async fn list(ctx: Ctx, Query(q): Query<CasesQuery>) -> Answer {
    page(&ctx, q.first.is_some(), None, String::new()).await
}

#[derive(Deserialize)]
pub struct CaseForm {
    name: Option<String>,
    relationship: Option<String>,
    id: Option<String>,
}

pub async fn create(ctx: Ctx, Form(form): Form<CaseForm>) -> Answer {
    let name = required(&form.name, "name", &ctx.csrf)?.to_string();
    let relationship = required(&form.relationship, "relationship", &ctx.csrf)?.parse();
    let created = match relationship {
        Ok(relationship) => {
            let case = CreateCase {
                name: name.clone(),
                relationship,
            };
            case.run(&ctx.app).await
        }
        Err(e) => return page(&ctx, false, Some(Problem::from(e)), name).await,
    };
    match created {
        Ok(case) => select_and_go(&ctx, case).await,
        Err(e) => page(&ctx, false, Some(Problem::app(&e)), name).await,
    }
}

pub async fn select(ctx: Ctx, Form(form): Form<CaseForm>) -> Answer {
    let id = required(&form.id, "id", &ctx.csrf)?;
    let case = ctx.app.case(Some(id)).await.map_err(|e| ctx.error(&e))?;
    select_and_go(&ctx, case).await
}

/// The pages are about `case` from now on, starting with Today.
async fn select_and_go(ctx: &Ctx, case: CaseSummary) -> Answer {
    ctx.state.set_case(case.id).await;
    Ok(to("/"))
}
