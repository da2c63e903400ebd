//! Self-work (SI-1 to SI-11, DMG-9): quick logging, the 7- and 30-day scores, and charts of sleep,
//! exercise and therapy, and the no-contact timeline over 30 or 90 days.

use crate::http::Problem;
use amends_core::{HabitKind, Plan};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish};
use crate::charts::{self, Chart};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "selfwork.html")]
pub struct SelfWorkPage {
    pub page: Page,
    pub plan: Plan,
    pub days: usize,
    pub charts: Vec<Chart>,
    pub habits: Vec<(&'static str, &'static str, &'static str)>,
    pub error: Option<Problem>,
    pub form: HabitForm,
}

impl SelfWorkPage {
    pub fn windows(&self) -> [&amends_core::plan::Scores; 2] {
        [&self.plan.self_work.last_7, &self.plan.self_work.last_30]
    }

    pub fn pct(&self, score: &Option<u8>) -> String {
        score.map_or("no target".to_string(), |s| format!("{s}%"))
    }

    pub fn num(&self, v: &f64) -> String {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    }

    pub fn avg(&self, v: &Option<f64>) -> String {
        v.map_or("no nights logged".into(), |h| {
            format!("{h:.1} h on average")
        })
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct HabitForm {
    pub habit: Option<String>,
    pub value: Option<String>,
    pub note: Option<String>,
    pub at: Option<String>,
    pub plan: Option<String>,
}

#[derive(Deserialize)]
pub struct DaysQuery {
    days: Option<usize>,
}

pub async fn page(
    ctx: &Ctx,
    days: usize,
    error: Option<Problem>,
    form: HabitForm,
    notice: Option<String>,
) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let days = if days >= 90 { 90 } else { 30 };
    let (plan, series) = match (
        ctx.app.plan(&case, now).await,
        ctx.app.chart_series(&case, now, days).await,
    ) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) | (_, Err(e)) => return ctx.error(&e),
    };
    let band = plan.self_work.last_30.sleep.band;
    let charts = vec![
        charts::sleep(&series, band),
        charts::exercise_and_therapy(&series),
        charts::no_contact(&series, plan.no_contact.target_days),
    ];
    let habits = HabitKind::ALL
        .iter()
        .map(|h| (h.as_str(), h.unit(), amends_core::forms::habit_prompt(*h)))
        .collect();
    let mut page = ctx.page("Self-work", "selfwork");
    page.notice = notice;
    render_status(
        super::status_for(&error),
        &SelfWorkPage {
            page,
            plan,
            days,
            charts,
            habits,
            error,
            form,
        },
    )
}

pub async fn show(ctx: Ctx, Query(q): Query<DaysQuery>) -> Response {
    page(&ctx, q.days.unwrap_or(30), None, HabitForm::default(), None).await
}

pub async fn log(ctx: Ctx, Form(form): Form<HabitForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let Some(habit) = form.habit.as_deref().filter(|h| !h.is_empty()) else {
            return Err(
                "Choose what you are logging (the field \u{201c}habit\u{201d})."
                    .to_string()
                    .into(),
            );
        };
        let habit: HabitKind = habit.parse()?;
        // A concrete step is described in words; its value is one step.
        let raw = form.value.as_deref().unwrap_or_default().trim();
        let value = if habit == HabitKind::Step && raw.is_empty() {
            1.0
        } else {
            raw.parse::<f64>().map_err(|_| {
                format!(
                    "\u{201c}{raw}\u{201d} is not a number. Give the {} as a number, e.g. 7.5.",
                    habit.unit()
                )
            })?
        };
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        let plan_id = form.plan.as_deref().filter(|p| !p.is_empty());
        ctx.app
            .log_habit(&case, habit, value, form.note.as_deref(), plan_id, at, now)
            .await?;
        Ok(Redirect::to("/self-work?logged=1").into_response())
    };
    let done = done.await;
    finish(done, |p| page(&ctx, 30, Some(p), form, None)).await
}
