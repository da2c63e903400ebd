//! Settings: passphrase, export, delete everything.

use amends_app::{App, ExportFormat, Passphrase};
use amends_core::{HabitKind, Plan, Settings};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::Ctx;
use crate::http::{WIPE_PHRASE, clear_session_cookie, export_download, session_cookie};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub page: Page,
    pub data_dir: String,
    pub time_zone: String,
    /// (habit id, label, reminder on)
    pub reminders: Vec<(&'static str, &'static str, bool)>,
    /// (field name, label, current value)
    pub targets: Vec<(&'static str, &'static str, String)>,
    pub method_error: Option<String>,
    pub passphrase_error: Option<String>,
    pub wipe_error: Option<String>,
    pub wipe_phrase: &'static str,
}

async fn page(
    ctx: &Ctx,
    notice: Option<&str>,
    passphrase_error: Option<String>,
    wipe_error: Option<String>,
) -> Response {
    page_with(ctx, notice, passphrase_error, wipe_error, None).await
}

async fn page_with(
    ctx: &Ctx,
    notice: Option<&str>,
    passphrase_error: Option<String>,
    wipe_error: Option<String>,
    method_error: Option<String>,
) -> Response {
    let time_zone = match ctx.app.time_zone().await {
        Ok(tz) => tz.iana_name().unwrap_or("UTC").to_string(),
        Err(e) => return ctx.error(&e),
    };
    let (reminders, targets) = match &ctx.case {
        Some(case) => match ctx.app.plan(case, Timestamp::now()).await {
            Ok(plan) => (reminder_rows(&plan), target_rows(&plan)),
            Err(e) => return ctx.error(&e),
        },
        None => (Vec::new(), Vec::new()),
    };
    let mut page = ctx.page("Settings", "settings");
    page.notice = notice.map(str::to_string);
    let status = if passphrase_error.is_some() || wipe_error.is_some() || method_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &SettingsPage {
            page,
            data_dir: ctx.app.dir().display().to_string(),
            time_zone,
            reminders,
            targets,
            method_error,
            passphrase_error,
            wipe_error,
            wipe_phrase: WIPE_PHRASE,
        },
    )
}

pub async fn show(ctx: Ctx) -> Response {
    page(&ctx, None, None, None).await
}

#[derive(Deserialize)]
pub struct PassForm {
    current: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

pub async fn passphrase(ctx: Ctx, Form(form): Form<PassForm>) -> Response {
    let ctx = &ctx;
    let fail = |msg: String| async move { page(ctx, None, Some(msg), None).await };
    let current = match Passphrase::new(form.current.unwrap_or_default()) {
        Ok(p) => p,
        Err(_) => return fail("Enter your current passphrase.".into()).await,
    };
    if let Err(e) = ctx.app.check_passphrase(&current).await {
        return fail(crate::views::sentence(&e)).await;
    }
    let new = form.new.unwrap_or_default();
    if form.confirm.as_deref() != Some(new.as_str()) {
        return fail("The two new passphrases are not the same.".into()).await;
    }
    let new = match Passphrase::new(new) {
        Ok(p) => p,
        Err(e) => return fail(crate::views::sentence(&e)).await,
    };
    match ctx.app.change_passphrase(&new).await {
        Ok(()) => {
            // A new passphrase starts a new session, and with it a new CSRF token: the old
            // session cookie stops working (issue 14).
            let Some(token) = ctx.state.rotate_session().await else {
                return Redirect::to("/unlock").into_response();
            };
            let renewed = Ctx {
                csrf: ctx.state.csrf_for(Some(&token)),
                ..ctx.clone()
            };
            let res = page(
                &renewed,
                Some("Passphrase changed. The old one no longer opens amends."),
                None,
                None,
            )
            .await;
            ([(SET_COOKIE, session_cookie(&token))], res).into_response()
        }
        Err(e) => fail(crate::views::sentence(&e)).await,
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(ctx: Ctx, Query(q): Query<ExportQuery>) -> Response {
    let format: ExportFormat = match q.format.as_deref().unwrap_or("json").parse() {
        Ok(f) => f,
        Err(e) => {
            return crate::views::error_page(
                StatusCode::BAD_REQUEST,
                "Unknown format",
                &e,
                &ctx.csrf,
            );
        }
    };
    let now = Timestamp::now();
    match ctx.app.export(format, now).await {
        Ok(body) => export_download(format, now, body),
        Err(e) => ctx.error(&e),
    }
}

#[derive(Deserialize)]
pub struct WipeForm {
    confirm: Option<String>,
}

pub async fn wipe(ctx: Ctx, Form(form): Form<WipeForm>) -> Response {
    if form.confirm.as_deref().map(str::trim) != Some(WIPE_PHRASE) {
        return page(
            &ctx,
            None,
            None,
            Some(format!(
                "Nothing was deleted. To delete everything, type \u{201c}{WIPE_PHRASE}\u{201d} exactly."
            )),
        )
        .await;
    }
    let state = ctx.state.clone();
    let dir = state.data_dir.clone();
    // Let go of the app so the lock can close the database before its files go.
    drop(ctx);
    state.lock().await;
    state.keep_safety_plan(None);
    match App::wipe(&dir) {
        Ok(_) => (
            [(SET_COOKIE, clear_session_cookie())],
            Redirect::to("/setup"),
        )
            .into_response(),
        Err(e) => crate::views::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Could not delete",
            &crate::views::sentence(&e),
            "",
        ),
    }
}

fn reminder_rows(plan: &Plan) -> Vec<(&'static str, &'static str, bool)> {
    HabitKind::ALL
        .iter()
        .map(|h| {
            (
                h.as_str(),
                amends_core::forms::habit_prompt(*h),
                plan.reminders.contains(h),
            )
        })
        .collect()
}

/// The weekly targets as they stand, read back from the 7-day window (SI-1 to SI-8), and the
/// gesture limit (KG-3, L-21).
fn target_rows(plan: &Plan) -> Vec<(&'static str, &'static str, String)> {
    let week = |h: HabitKind| {
        plan.self_work
            .last_7
            .trackers
            .iter()
            .find(|t| t.habit == h)
            .and_then(|t| t.target)
            .map(|t| format!("{t}"))
    };
    vec![
        (
            "exercise_per_week",
            "Exercise sessions a week (SI-2)",
            week(HabitKind::Exercise).unwrap_or_default(),
        ),
        (
            "hobby_per_week",
            "Hobby sessions a week (SI-7)",
            week(HabitKind::Hobby).unwrap_or_default(),
        ),
        (
            "social_per_week",
            "Time with friends or family, times a week (SI-8)",
            week(HabitKind::Social).unwrap_or_default(),
        ),
        (
            "therapy_per_week",
            "Therapy sessions a week (SI-4)",
            week(HabitKind::Therapy).unwrap_or_default(),
        ),
        (
            "meals_per_day",
            "Nutritious meals a day (SI-1)",
            week(HabitKind::Meals)
                .and_then(|w| w.parse::<f64>().ok())
                .map(|w| format!("{}", w / 7.0))
                .unwrap_or_default(),
        ),
        (
            "gesture_cost_limit",
            "The most a gesture should cost (KG-3)",
            format!("{}", plan.gestures.cost_limit),
        ),
    ]
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    time_zone: Option<String>,
}

pub async fn time_zone(ctx: Ctx, Form(form): Form<TimeZoneForm>) -> Response {
    match ctx
        .app
        .set_time_zone(form.time_zone.as_deref().unwrap_or(""))
        .await
    {
        Ok(name) => page(&ctx, Some(&format!("Time zone set to {name}.")), None, None).await,
        Err(e) => page_with(&ctx, None, None, None, Some(crate::views::sentence(&e))).await,
    }
}

pub async fn method_settings(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut settings = Settings::default();
    let mut reminders = Vec::new();
    for (key, value) in &fields {
        let value = value.trim();
        if key == "reminder" {
            match value.parse::<HabitKind>() {
                Ok(h) => reminders.push(h),
                Err(e) => return page_with(&ctx, None, None, None, Some(e)).await,
            }
            continue;
        }
        let slot = match key.as_str() {
            "exercise_per_week" => &mut settings.exercise_per_week,
            "hobby_per_week" => &mut settings.hobby_per_week,
            "social_per_week" => &mut settings.social_per_week,
            "therapy_per_week" => &mut settings.therapy_per_week,
            "meals_per_day" => &mut settings.meals_per_day,
            "gesture_cost_limit" => &mut settings.gesture_cost_limit,
            _ => continue,
        };
        if value.is_empty() {
            continue;
        }
        match value.parse::<f64>() {
            Ok(v) => *slot = Some(v),
            Err(_) => {
                let msg = format!(
                    "\u{201c}{value}\u{201d} is not a number (in the field \u{201c}{key}\u{201d})."
                );
                return page_with(&ctx, None, None, None, Some(msg)).await;
            }
        }
    }
    settings.reminders = Some(reminders);
    match ctx
        .app
        .update_settings(&case, settings, Timestamp::now())
        .await
    {
        Ok(_) => page(&ctx, Some("Saved."), None, None).await,
        Err(e) => page_with(&ctx, None, None, None, Some(crate::views::sentence(&e))).await,
    }
}

pub async fn calendar(ctx: Ctx) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    match ctx.app.calendar(&case, Timestamp::now()).await {
        Ok(ics) => crate::views::download(ics, "text/calendar; charset=utf-8", "amends.ics"),
        Err(e) => ctx.error(&e),
    }
}
