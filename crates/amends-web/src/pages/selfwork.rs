//! Self-work (SI-1 to SI-11, DMG-9): quick logging, the 7- and 30-day scores, and charts of sleep,
//! exercise and therapy, and the no-contact timeline over 30 or 90 days.

use crate::http::Problem;
use amends_app::command::LogHabit;
use amends_app::views::charts::{self, Chart};
use amends_app::views::pages::habit_value;
use amends_core::{HabitKind, Plan};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, to, word};
use crate::views::Page;

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

async fn page(ctx: &Ctx, days: usize, error: Option<Problem>, form: HabitForm) -> Answer {
    let case = ctx.need_case()?;
    let days = if days >= 90 { 90 } else { 30 };
    let now = Timestamp::now();
    let series = ctx.app.chart_series(&case, now, days).await;
    let series = series.map_err(|e| ctx.error(&e))?;
    let plan = ctx.plan().await?;
    let charts = vec![
        charts::sleep(&series, plan.self_work.last_30.sleep.band),
        charts::exercise_and_therapy(&series),
        charts::no_contact(&series, plan.no_contact.target_days),
    ];
    let habits = HabitKind::ALL
        .iter()
        .map(|h| (h.as_str(), h.unit(), amends_core::forms::habit_prompt(*h)))
        .collect();
    super::problem_page(error, |error| SelfWorkPage {
        page: ctx.page("Self-work", "selfwork"),
        plan,
        days,
        charts,
        habits,
        error,
        form,
    })
}

pub async fn show(ctx: Ctx, Query(q): Query<DaysQuery>) -> Answer {
    page(&ctx, q.days.unwrap_or(30), None, HabitForm::default()).await
}

/// SI-1 to SI-9: the form builds the app's [`LogHabit`], as the API takes it (issue 13); the
/// page reads the value as typed (a step in words counts once).
pub async fn log(ctx: Ctx, Form(form): Form<HabitForm>) -> Response {
    let entry = || {
        if form.habit.as_deref().is_none_or(str::is_empty) {
            let problem = "Choose what you are logging (the field \u{201c}habit\u{201d}).";
            return Err(problem.to_string());
        }
        let habit: HabitKind = word(form.habit.as_deref())?;
        Ok(LogHabit {
            habit,
            value: Some(habit_value(
                habit,
                form.value.as_deref().unwrap_or_default(),
            )?),
            note: form.note.clone(),
            plan: form.plan.clone().filter(|p| !p.is_empty()),
            at: super::logged_at(form.at.as_deref()),
        })
    };
    let done = async |_| Ok(to("/self-work?logged=1"));
    let again = async |p| page(&ctx, 30, Some(p), form.clone()).await;
    ctx.command(entry(), done, again).await
}
