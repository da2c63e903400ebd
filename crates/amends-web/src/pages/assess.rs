//! The questionnaires as forms: intake (GO-*), walk-away (WA-*), readiness (RC-1, RC-2), the
//! MO-4 reflection and the conversation review (LS-4, LS-5), and a page saying what a saved
//! one changed. The answers are checked by the core; the consequences come from the plan.

use amends_app::AppError;
use amends_app::command::FormAnswers;
use amends_app::views::outcomes::{Outcome, outcomes};
use amends_app::views::{FormView, StepPage, form_by_slug, slug};
use amends_core::{Answers, FormId, Plan};
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;

use super::{Answer, Ctx, to};
use crate::security::form_fields;
use crate::views::{Page, render, render_status};

#[derive(Template)]
#[template(path = "assess.html")]
pub struct AssessPage {
    pub page: Page,
    pub title: &'static str,
    pub form: FormView,
    /// When it was last answered; the form shows those answers.
    pub answered: Option<String>,
    /// WA-*: the signs behind the walk-away assessment, shown on it.
    pub signs: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "assess_index.html")]
pub struct AssessIndex {
    pub page: Page,
    pub unknown: Option<String>,
    pub forms: Vec<(&'static str, &'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "assess_done.html")]
pub struct AssessDone {
    pub page: Page,
    pub title: &'static str,
    pub slug: &'static str,
    pub plan: Plan,
    pub outcomes: Vec<Outcome>,
}

impl AssessDone {
    pub fn href(&self, action: &Option<amends_core::plan::Action>) -> StepPage {
        StepPage::of(*action)
    }
}

/// The latest answers to `form` that still count, and when they were given.
pub async fn latest(ctx: &Ctx, form: FormId) -> Result<Option<(Timestamp, Answers)>, Response> {
    Ok(ctx.records().await?.latest_answers(form))
}

/// The questionnaire `name`, or the list of them (a 404 for a name that is none).
fn form_named(ctx: &Ctx, name: &str) -> Result<FormId, Response> {
    form_by_slug(name).ok_or_else(|| list(ctx, Some(name)))
}

fn list(ctx: &Ctx, unknown: Option<&str>) -> Response {
    let status = match unknown {
        Some(_) => StatusCode::NOT_FOUND,
        None => StatusCode::OK,
    };
    let forms = FormId::ALL
        .iter()
        .map(|f| (slug(*f), f.form().title, f.form().intro));
    render_status(
        status,
        &AssessIndex {
            page: ctx.page("Questionnaires", ""),
            unknown: unknown.map(str::to_string),
            forms: forms.collect(),
        },
    )
}

/// `GET /assess`: the list of questionnaires.
pub async fn index(ctx: Ctx) -> Response {
    list(&ctx, None)
}

fn nav_for(form: FormId) -> &'static str {
    match form {
        FormId::Intake => "intake",
        FormId::Reflection => "moving-on",
        _ => "",
    }
}

async fn form_page(ctx: &Ctx, form: FormId, typed: Option<Answers>, problems: &[String]) -> Answer {
    let def = form.form();
    let page = ctx.page(def.title, nav_for(form));
    let (answers, answered) = match typed {
        Some(a) => (a, None),
        None => match latest(ctx, form).await? {
            Some((at, a)) => (a, Some(page.when(&at))),
            None => (Answers::new(), None),
        },
    };
    let signs = match form {
        FormId::Walkaway => ctx.plan().await?.walk_away.reasons,
        _ => Vec::new(),
    };
    let status = match problems {
        [] => StatusCode::OK,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let view = FormView::new(
        def,
        format!("/assess/{}", slug(form)),
        slug(form),
        &answers,
        problems,
    );
    Ok(render_status(
        status,
        &AssessPage {
            page,
            title: def.title,
            form: view.submit("Save my answers"),
            answered,
            signs: signs.into_iter().map(|r| (r.method, r.text)).collect(),
        },
    ))
}

/// `GET /assess/{form}`: the questionnaire, with the earlier answers filled in.
pub async fn show(ctx: Ctx, Path(name): Path<String>) -> Answer {
    form_page(&ctx, form_named(&ctx, &name)?, None, &[]).await
}

/// `POST /assess/{form}`: saves the answers, or shows each problem next to its question with
/// everything that was typed kept.
pub async fn save(ctx: Ctx, Path(name): Path<String>, body: Bytes) -> Answer {
    let form = form_named(&ctx, &name)?;
    let case = ctx.need_case()?;
    // Read as pairs: a multiple choice sends its name once per ticked box.
    let answers = amends_app::answers_from_fields(form.form(), &form_fields(&body));
    // The app's typed command, as the API takes it (issue 13).
    let command = FormAnswers {
        answers: answers.clone(),
        at: None,
    };
    match command
        .assess(&ctx.app, &case, form, Timestamp::now())
        .await
    {
        Ok(_) => Ok(to(&format!("/assess/{}/saved", slug(form)))),
        Err(AppError::Answers(problems)) => form_page(&ctx, form, Some(answers), &problems).await,
        Err(e) => Err(ctx.error(&e)),
    }
}

/// `GET /assess/{form}/saved`: what the answers changed.
pub async fn saved(ctx: Ctx, Path(name): Path<String>) -> Answer {
    let form = form_named(&ctx, &name)?;
    // Nothing saved yet: there is nothing to report, so the form it is.
    if latest(&ctx, form).await?.is_none() {
        return Ok(to(&format!("/assess/{}", slug(form))));
    }
    let plan = ctx.plan().await?;
    Ok(render(&AssessDone {
        page: ctx.page("Answers saved", nav_for(form)),
        title: form.form().title,
        slug: slug(form),
        outcomes: outcomes(form, &plan),
        plan,
    }))
}
