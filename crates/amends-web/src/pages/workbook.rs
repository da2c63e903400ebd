//! The workbook (Phase 1, DMG-1 to DMG-10, C7): the progress the plan reports, every row
//! written so far, and a form per section. Their-part notes are shown only here, marked
//! private: they are never exported and can never go into a draft (SAFE-10, EM-4).

use crate::http::Problem;
use std::collections::HashMap;

use amends_app::AppError;
use amends_core::forms::{self, WORKBOOK, WorkbookSection};
use amends_core::{Answers, Event, EventData, Plan};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, required};
use crate::form_view::FormView;
use crate::security::form_fields;
use crate::views::{Page, error_page, render_status};

/// One value of a written row: a text, or a list (feelings; a why-chain, read as a chain).
pub struct Field {
    pub label: &'static str,
    pub text: String,
    pub items: Vec<String>,
    pub chain: bool,
}

pub struct Row {
    pub id: String,
    pub at: Timestamp,
    pub fields: Vec<Field>,
    /// Prevention plans only: whether it is tracked as a habit (DMG-9).
    pub habit: Option<bool>,
}

pub struct SectionView {
    pub id: &'static str,
    pub title: &'static str,
    pub method: &'static str,
    /// `missing`, `done`, `not-needed` (on the no-fault path) or `optional` (their part).
    pub status: &'static str,
    pub rows: Vec<Row>,
    pub form: FormView,
    /// The form starts unfolded when nothing is written yet or it came back with a problem.
    pub open: bool,
    pub private: bool,
}

#[derive(Template)]
#[template(path = "workbook.html")]
pub struct WorkbookPage {
    pub page: Page,
    pub plan: Plan,
    pub sections: Vec<SectionView>,
}

impl WorkbookPage {
    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }

    pub fn missing_title(&self, section: &str) -> &'static str {
        forms::workbook_section(section).map_or("", |s| s.form.title)
    }
}

fn text(label: &'static str, text: impl Into<String>) -> Field {
    Field {
        label,
        text: text.into(),
        items: Vec::new(),
        chain: false,
    }
}

fn list(label: &'static str, items: Vec<String>, chain: bool) -> Field {
    Field {
        label,
        text: String::new(),
        items,
        chain,
    }
}

/// The option label of a choice, from the section's own definition.
fn label_of(section: &str, question: &str, id: &str) -> String {
    forms::workbook_section(section)
        .ok()
        .and_then(|s| s.form.question(question))
        .and_then(|q| q.options.iter().find(|o| o.id == id))
        .map_or_else(|| id.to_string(), |o| o.label.to_string())
}

/// The row an event adds to a section, if it is a workbook event.
fn row(e: &Event) -> Option<(&'static str, Row)> {
    let mut habit = None;
    let (section, fields) = match &e.data {
        EventData::WorkbookAct {
            act,
            impact,
            feelings,
            their_shoes,
            times,
            danger,
        } => {
            let mut f = vec![
                text("What I did", act),
                text("What it did to them", impact),
                list("What they likely felt", feelings.clone(), false),
                text("In their shoes", their_shoes),
            ];
            if let Some(n) = times {
                f.push(text("How many times", n.to_string()));
            }
            if !danger.is_empty() {
                let words = danger
                    .iter()
                    .map(|d| label_of("act", "danger", d.as_str()))
                    .collect();
                f.push(list("It involved", words, false));
            }
            ("act", f)
        }
        EventData::WorkbookLoss { text: t } => ("loss", vec![text("What they lost", t)]),
        EventData::WorkbookWhy { act, chain } => {
            let mut f = Vec::new();
            if let Some(a) = act {
                f.push(text("About", a));
            }
            f.push(list("Why, and the need behind it", chain.clone(), true));
            ("why", f)
        }
        EventData::WorkbookAgain { answer, note } => {
            let mut f = vec![text(
                "Could it happen again?",
                label_of("again", "answer", answer.as_str()),
            )];
            if let Some(n) = note {
                f.push(text("Why I say so", n));
            }
            ("again", f)
        }
        EventData::WorkbookRespect { answer, note } => {
            let mut f = vec![text(
                "Do I respect them?",
                label_of("respect", "answer", answer.as_str()),
            )];
            if let Some(n) = note {
                f.push(text("What I notice", n));
            }
            ("respect", f)
        }
        EventData::WorkbookPrevention {
            behaviour,
            plan,
            habit: h,
        } => {
            habit = Some(*h);
            (
                "prevention",
                vec![text("Behaviour", behaviour), text("What I will do", plan)],
            )
        }
        EventData::WorkbookFailures { text: t } => {
            ("failures", vec![text("Where I failed them", t)])
        }
        EventData::TheirPart { text: t } => ("their-part", vec![text("Private note", t)]),
        _ => return None,
    };
    Some((
        section,
        Row {
            id: e.id.clone(),
            at: e.at,
            fields,
            habit,
        },
    ))
}

/// What a section's form shows after a failed save: the section, what was typed, the problems.
pub struct Failed {
    pub section: &'static str,
    pub answers: Answers,
    pub problems: Vec<String>,
}

async fn page(ctx: &Ctx, failed: Option<Failed>, notice: Option<String>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let (plan, records) = match (ctx.app.plan(&case, now).await, ctx.app.records(&case).await) {
        (Ok(p), Ok(r)) => (p, r),
        (Err(e), _) | (_, Err(e)) => return ctx.error(&e),
    };
    let mut rows: HashMap<&'static str, Vec<Row>> = HashMap::new();
    for (section, r) in records.current().into_iter().filter_map(row) {
        rows.entry(section).or_default().push(r);
    }
    let sections = WORKBOOK
        .iter()
        .map(|s: &'static WorkbookSection| {
            let mine = rows.remove(s.id).unwrap_or_default();
            let missing = plan.workbook.missing.iter().any(|g| g.section == s.id);
            let status = match (s.id, missing, mine.is_empty()) {
                ("their-part", _, _) => "optional",
                (_, true, _) => "missing",
                (_, false, false) => "done",
                (_, false, true) => "not-needed",
            };
            let (answers, problems) = match &failed {
                Some(f) if f.section == s.id => (f.answers.clone(), f.problems.clone()),
                _ => (Answers::new(), Vec::new()),
            };
            let open = !problems.is_empty() || (mine.is_empty() && status == "missing");
            let form = FormView::new(
                &s.form,
                format!("/workbook/{}", s.id),
                &format!("wb-{}", s.id),
                &answers,
                &problems,
            )
            .submit(if s.id == "their-part" {
                "Keep this private note"
            } else {
                "Add to the workbook"
            });
            SectionView {
                id: s.id,
                title: s.form.title,
                method: s.form.method,
                status,
                rows: mine,
                form,
                open,
                private: s.id == "their-part",
            }
        })
        .collect();
    let mut page = ctx.page("Workbook", "workbook");
    page.notice = notice;
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &WorkbookPage {
            page,
            plan,
            sections,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

/// `GET /workbook`.
pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Response {
    let notice = q
        .saved
        .as_deref()
        .and_then(|s| forms::workbook_section(s).ok())
        .map(|s| format!("Saved to \u{201c}{}\u{201d}.", s.form.title));
    page(&ctx, None, notice).await
}

fn unknown_section(ctx: &Ctx, name: &str) -> Response {
    let ids: Vec<&str> = WORKBOOK.iter().map(|s| s.id).collect();
    error_page(
        StatusCode::NOT_FOUND,
        "No such workbook section",
        &format!(
            "There is no workbook section called \u{201c}{name}\u{201d}. The sections are: {}.",
            ids.join(", ")
        ),
        &ctx.csrf,
    )
}

/// `POST /workbook/{section}`: adds a row. Problems (a vague act, DMG-1; a why-chain of one
/// level, DMG-6) come back next to their field with everything typed kept.
pub async fn add(ctx: Ctx, Path(name): Path<String>, body: Bytes) -> Response {
    let Ok(section) = forms::workbook_section(&name) else {
        return unknown_section(&ctx, &name);
    };
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let answers = amends_app::answers_from_fields(&section.form, &form_fields(&body));
    let now = Timestamp::now();
    match ctx
        .app
        .workbook(&case, section.id, answers.clone(), now, now)
        .await
    {
        Ok(_) => {
            // SAFE-2: an act that involved dangerous harm turns contact help off for good. The
            // page opens on that explanation rather than scrolling past it to the section.
            let danger = answers
                .get("danger")
                .is_some_and(|d| !d.as_list().is_empty());
            let anchor = if danger {
                "stop-title".to_string()
            } else {
                format!("wb-{}", section.id)
            };
            Redirect::to(&format!("/workbook?saved={}#{anchor}", section.id)).into_response()
        }
        Err(AppError::Answers(problems)) => {
            let failed = Failed {
                section: section.id,
                answers,
                problems,
            };
            page(&ctx, Some(failed), None).await
        }
        Err(e) => ctx.error(&e),
    }
}

#[derive(Deserialize)]
pub struct Track {
    id: Option<String>,
    track: Option<String>,
}

/// `POST /workbook/habit`: a prevention plan becomes a habit to track, or stops being one
/// (DMG-9). The plan is corrected, not rewritten: the history keeps both versions.
pub async fn habit(ctx: Ctx, Form(form): Form<Track>) -> Response {
    let id = match required(&form.id, "id", &ctx.csrf) {
        Ok(i) => i.to_string(),
        Err(r) => return r,
    };
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let track = form.track.as_deref() != Some("no");
    let records = match ctx.app.records(&case).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let found = records
        .current()
        .into_iter()
        .find(|e| e.id == id)
        .and_then(|e| match &e.data {
            EventData::WorkbookPrevention {
                behaviour, plan, ..
            } => Some((e.at, behaviour.clone(), plan.clone())),
            _ => None,
        });
    let Some((at, behaviour, plan)) = found else {
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That plan is not there",
            "There is no prevention plan with that id, or it was changed since this page was \
             shown. Go back to the workbook and try again.",
            &ctx.csrf,
        );
    };
    let data = EventData::WorkbookPrevention {
        behaviour,
        plan,
        habit: track,
    };
    match ctx
        .app
        .correct(&case, &id, data, at, Timestamp::now())
        .await
    {
        Ok(_) => Redirect::to("/workbook?saved=prevention#wb-prevention").into_response(),
        Err(e) => ctx.error(&e),
    }
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

/// The row `id` as it stands now (the newest version), with its section and answers.
async fn current_row(
    ctx: &Ctx,
    case: &amends_app::CaseSummary,
    id: &str,
) -> Result<(String, &'static WorkbookSection, Answers), Response> {
    let records = ctx.app.records(case).await.map_err(|e| ctx.error(&e))?;
    let found = records
        .workbook_row(id)
        .map(|r| (r.id, r.section, r.answers));
    let Some((id, section, answers)) = found else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "That row is not there",
            "There is no workbook row with that id, or it was changed since this page was shown. \
             Go back to the workbook: the newest version of every row is there.",
            &ctx.csrf,
        ));
    };
    let section = forms::workbook_section(section).map_err(|e| {
        error_page(
            StatusCode::NOT_FOUND,
            "No such workbook section",
            &e,
            &ctx.csrf,
        )
    })?;
    Ok((id, section, answers))
}

fn edit_page(
    ctx: &Ctx,
    id: &str,
    section: &'static WorkbookSection,
    answers: &Answers,
    problems: &[String],
    error: Option<Problem>,
) -> Response {
    // A refusal answers 409 as the API does; answers to fix, 422.
    let status = match &error {
        Some(p) => p.status,
        None if problems.is_empty() => StatusCode::OK,
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let danger_kept = answers
        .get("danger")
        .is_some_and(|d| !d.as_list().is_empty());
    render_status(
        status,
        &EditPage {
            page: ctx.page("Change a workbook row", "workbook"),
            id: id.to_string(),
            title: section.form.title,
            method: section.form.method,
            form: FormView::new(
                &section.form,
                format!("/workbook/row/{id}"),
                &format!("wb-{}", section.id),
                answers,
                problems,
            )
            .submit("Save the change"),
            error,
            danger_kept,
        },
    )
}

/// `GET /workbook/row/{id}`: the row in its form, filled in, to change it.
pub async fn edit(ctx: Ctx, Path(id): Path<String>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    match current_row(&ctx, &case, &id).await {
        Ok((id, section, answers)) => edit_page(&ctx, &id, section, &answers, &[], None),
        Err(r) => r,
    }
}

/// `POST /workbook/row/{id}`: saves the change as a correction (the history keeps both).
/// Problems come back next to their fields, and a refusal (recorded danger cannot be taken
/// back, SAFE-2) comes back with its reason; what was typed is kept either way.
pub async fn update(ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (id, section, _) = match current_row(&ctx, &case, &id).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let answers = amends_app::answers_from_fields(&section.form, &form_fields(&body));
    match ctx
        .app
        .correct_workbook(&case, &id, section.id, answers.clone(), Timestamp::now())
        .await
    {
        Ok(new_id) => {
            Redirect::to(&format!("/workbook?saved={}#row-{new_id}", section.id)).into_response()
        }
        Err(AppError::Answers(problems)) => {
            edit_page(&ctx, &id, section, &answers, &problems, None)
        }
        Err(e @ (AppError::Refused(_) | AppError::Invalid { .. } | AppError::NotFound { .. })) => {
            edit_page(&ctx, &id, section, &answers, &[], Some(Problem::app(&e)))
        }
        Err(e) => ctx.error(&e),
    }
}
