//! The workbook (Phase 1, DMG-1 to DMG-10, C7): the progress the plan reports, every row
//! written so far, and a form per section. Their-part notes are shown only here, marked
//! private: they are never exported and can never go into a draft (SAFE-10, EM-4).

use crate::http::Problem;
use amends_app::AppError;
use amends_app::command::FormAnswers;
use amends_app::records::WorkbookRow;
use amends_app::views::FormView;
use amends_app::views::pages::{self, Failed, Section, danger_recorded, workbook_form};
use amends_core::forms::{self, Answer, WorkbookSection};
use amends_core::{Answers, Plan};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer as Reply, Ctx, required, to};
use crate::security::form_fields;
use crate::views::{Page, error_page, render_status, sentence};

#[derive(Template)]
#[template(path = "workbook.html")]
pub struct WorkbookPage {
    pub page: Page,
    pub plan: Plan,
    pub sections: Vec<Section>,
}

impl WorkbookPage {
    pub fn missing_title(&self, section: &str) -> &'static str {
        forms::workbook_section(section).map_or("", |s| s.form.title)
    }
}

async fn page(ctx: &Ctx, failed: Option<Failed>, notice: Option<String>) -> Reply {
    let (plan, records) = ctx.plan_and_records().await?;
    let status = match failed {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    Ok(render_status(
        status,
        &WorkbookPage {
            page: ctx.page("Workbook", "workbook").notice(notice),
            sections: pages::workbook(&plan, &records, failed.as_ref()),
            plan,
        },
    ))
}

#[derive(Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

/// `GET /workbook`.
pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Reply {
    let saved = q
        .saved
        .as_deref()
        .and_then(|s| forms::workbook_section(s).ok());
    let notice = saved.map(|s| format!("Saved to \u{201c}{}\u{201d}.", s.form.title));
    page(&ctx, None, notice).await
}

/// `POST /workbook/{section}`: adds a row. Problems (a vague act, DMG-1; a why-chain of one
/// level, DMG-6) come back next to their field with everything typed kept.
pub async fn add(ctx: Ctx, Path(name): Path<String>, body: Bytes) -> Reply {
    let section = forms::workbook_section(&name);
    let section =
        section.map_err(|e| not_there(&ctx, "No such workbook section", &sentence(&e)))?;
    let case = ctx.need_case()?;
    let answers = amends_app::answers_from_fields(&section.form, &form_fields(&body));
    // The app's typed command, as the API takes it (issue 13).
    let command = FormAnswers {
        answers: answers.clone(),
        at: None,
    };
    match command
        .workbook(&ctx.app, &case, section.id, Timestamp::now())
        .await
    {
        // SAFE-2: an act that involved dangerous harm turns contact help off for good. The
        // page opens on that explanation rather than scrolling past it to the section.
        Ok(_) if danger_recorded(&answers) => {
            Ok(to(&format!("/workbook?saved={}#stop-title", section.id)))
        }
        Ok(_) => Ok(to(&format!("/workbook?saved={0}#wb-{0}", section.id))),
        Err(AppError::Answers(problems)) => {
            let (section, answers) = (section.id, answers);
            page(
                &ctx,
                Some(Failed {
                    section,
                    answers,
                    problems,
                }),
                None,
            )
            .await
        }
        Err(e) => Err(ctx.error(&e)),
    }
}

fn not_there(ctx: &Ctx, heading: &str, message: &str) -> axum::response::Response {
    error_page(StatusCode::NOT_FOUND, heading, message, &ctx.csrf)
}

#[derive(Deserialize)]
pub struct Track {
    id: Option<String>,
    track: Option<String>,
}

/// `POST /workbook/habit`: a prevention plan becomes a habit to track, or stops being one
/// (DMG-9). The plan is corrected, not rewritten: the history keeps both versions.
pub async fn habit(ctx: Ctx, Form(form): Form<Track>) -> Reply {
    let id = required(&form.id, "id", &ctx.csrf)?;
    let case = ctx.need_case()?;
    let row = ctx
        .records()
        .await?
        .workbook_row(id)
        .filter(|r| r.section == "prevention");
    let Some(mut row) = row else {
        return Err(error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That plan is not there",
            "There is no prevention plan with that id, or it was changed since this page was \
             shown. Go back to the workbook and try again.",
            &ctx.csrf,
        ));
    };
    let track = form.track.as_deref() != Some("no");
    row.answers.insert("habit".into(), Answer::Bool(track));
    let corrected =
        ctx.app
            .correct_workbook(&case, &row.id, row.section, row.answers, Timestamp::now());
    corrected.await.map_err(|e| ctx.error(&e))?;
    Ok(to("/workbook?saved=prevention#wb-prevention"))
}

/// One row, open for changing in its section's form.
#[derive(Template)]
#[template(path = "workbook_edit.html")]
pub struct EditPage {
    pub page: Page,
    pub id: String,
    pub title: &'static str,
    pub method: &'static str,
    pub form: FormView,
    pub error: Option<Problem>,
    pub danger_kept: bool,
}

/// The row `id` as it stands now (the newest version), with its section.
async fn current_row(
    ctx: &Ctx,
    id: &str,
) -> Result<(WorkbookRow, &'static WorkbookSection), axum::response::Response> {
    let row = ctx.records().await?.workbook_row(id).ok_or_else(|| {
        not_there(
            ctx,
            "That row is not there",
            "There is no workbook row with that id, or it was changed since this page was shown. \
             Go back to the workbook: the newest version of every row is there.",
        )
    })?;
    let section = forms::workbook_section(row.section)
        .map_err(|e| not_there(ctx, "No such workbook section", &e))?;
    Ok((row, section))
}

fn edit_page(
    ctx: &Ctx,
    id: &str,
    section: &'static WorkbookSection,
    answers: &Answers,
    problems: &[String],
    error: Option<Problem>,
) -> Reply {
    // A refusal answers 409 as the API does; answers to fix, 422.
    let status = match &error {
        Some(p) => p.status,
        None if problems.is_empty() => StatusCode::OK,
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let form = workbook_form(section, format!("/workbook/row/{id}"), answers, problems);
    Ok(render_status(
        status,
        &EditPage {
            page: ctx.page("Change a workbook row", "workbook"),
            id: id.to_string(),
            title: section.form.title,
            method: section.form.method,
            form: form.submit("Save the change"),
            error,
            danger_kept: danger_recorded(answers),
        },
    ))
}

/// `GET /workbook/row/{id}`: the row in its form, filled in, to change it.
pub async fn edit(ctx: Ctx, Path(id): Path<String>) -> Reply {
    ctx.need_case()?;
    let (row, section) = current_row(&ctx, &id).await?;
    edit_page(&ctx, &row.id, section, &row.answers, &[], None)
}

/// `POST /workbook/row/{id}`: saves the change as a correction (the history keeps both).
/// Problems come back next to their fields, and a refusal (recorded danger cannot be taken
/// back, SAFE-2) comes back with its reason; what was typed is kept either way.
pub async fn update(ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Reply {
    let case = ctx.need_case()?;
    let (row, section) = current_row(&ctx, &id).await?;
    let id = row.id;
    let answers = amends_app::answers_from_fields(&section.form, &form_fields(&body));
    let corrected =
        ctx.app
            .correct_workbook(&case, &id, section.id, answers.clone(), Timestamp::now());
    match corrected.await {
        Ok(new_id) => Ok(to(&format!("/workbook?saved={}#row-{new_id}", section.id))),
        Err(AppError::Answers(problems)) => {
            edit_page(&ctx, &id, section, &answers, &problems, None)
        }
        Err(e @ (AppError::Refused(_) | AppError::Invalid { .. } | AppError::NotFound { .. })) => {
            edit_page(&ctx, &id, section, &answers, &[], Some(Problem::app(&e)))
        }
        Err(e) => Err(ctx.error(&e)),
    }
}
