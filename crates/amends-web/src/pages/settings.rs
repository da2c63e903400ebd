//! Settings: passphrase, export, delete everything.

use amends_app::views::pages;
use amends_app::{App, ExportFormat, Passphrase};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, to};
use crate::http::{WIPE_PHRASE, clear_session_cookie, export_download, session_cookie};
use crate::views::{Page, download, error_page, render_status, sentence};

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub page: Page,
    pub data_dir: String,
    pub time_zone: String,
    /// A saved zone could not be used: `time_zone` is the system's until it is saved again.
    pub zone_unusable: bool,
    /// (habit id, label, reminder on)
    pub reminders: Vec<(&'static str, &'static str, bool)>,
    /// (field name, label, current value)
    pub targets: Vec<(&'static str, &'static str, String)>,
    pub method_error: Option<String>,
    pub passphrase_error: Option<String>,
    pub wipe_error: Option<String>,
    pub wipe_phrase: &'static str,
}

/// The form a problem is shown beside.
enum Beside {
    Passphrase,
    Wipe,
    Method,
}

async fn page(ctx: &Ctx, notice: Option<&str>, problem: Option<(Beside, String)>) -> Answer {
    // The frame's zone: a saved one that cannot be used never stops this page, which is where
    // it is fixed; the page says so instead (issue 13).
    let zone = &ctx.frame.zone;
    let plan = match &ctx.case {
        Some(_) => Some(ctx.plan().await?),
        None => None,
    };
    let status = match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let (mut passphrase_error, mut wipe_error, mut method_error) = (None, None, None);
    match problem {
        Some((Beside::Passphrase, p)) => passphrase_error = Some(p),
        Some((Beside::Wipe, p)) => wipe_error = Some(p),
        Some((Beside::Method, p)) => method_error = Some(p),
        None => {}
    }
    Ok(render_status(
        status,
        &SettingsPage {
            page: ctx
                .page("Settings", "settings")
                .notice(notice.map(str::to_string)),
            data_dir: ctx.app.dir().display().to_string(),
            time_zone: zone.tz.iana_name().unwrap_or("UTC").to_string(),
            zone_unusable: zone.unusable(),
            reminders: pages::reminders(plan.as_ref()),
            targets: pages::targets(plan.as_ref()),
            method_error,
            passphrase_error,
            wipe_error,
            wipe_phrase: WIPE_PHRASE,
        },
    ))
}

pub async fn show(ctx: Ctx) -> Answer {
    page(&ctx, None, None).await
}

#[derive(Deserialize)]
pub struct PassForm {
    current: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

pub async fn passphrase(ctx: Ctx, Form(form): Form<PassForm>) -> Answer {
    let ctx = &ctx;
    let fail = async |msg: String| page(ctx, None, Some((Beside::Passphrase, msg))).await;
    let Ok(current) = Passphrase::new(form.current.unwrap_or_default()) else {
        return fail("Enter your current passphrase.".into()).await;
    };
    if let Err(e) = ctx.app.check_passphrase(&current).await {
        return fail(sentence(&e)).await;
    }
    let new = form.new.unwrap_or_default();
    if form.confirm.as_deref() != Some(new.as_str()) {
        return fail("The two new passphrases are not the same.".into()).await;
    }
    let changed = match Passphrase::new(new) {
        Ok(new) => ctx.app.change_passphrase(&new).await,
        Err(e) => return fail(sentence(&e)).await,
    };
    if let Err(e) = changed {
        return fail(sentence(&e)).await;
    }
    // A new passphrase starts a new session, and with it a new CSRF token: the old session
    // cookie stops working (issue 14).
    let Some(token) = ctx.state.rotate_session().await else {
        return Ok(to("/unlock"));
    };
    let renewed = Ctx {
        csrf: ctx.state.csrf_for(Some(&token)),
        ..ctx.clone()
    };
    let done = Some("Passphrase changed. The old one no longer opens amends.");
    let res = page(&renewed, done, None).await?;
    Ok(([(SET_COOKIE, session_cookie(&token))], res).into_response())
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(ctx: Ctx, Query(q): Query<ExportQuery>) -> Answer {
    let format = q
        .format
        .as_deref()
        .unwrap_or("json")
        .parse::<ExportFormat>();
    let format =
        format.map_err(|e| error_page(StatusCode::BAD_REQUEST, "Unknown format", &e, &ctx.csrf))?;
    let now = Timestamp::now();
    let body = ctx
        .app
        .export(format, now)
        .await
        .map_err(|e| ctx.error(&e))?;
    Ok(export_download(format, now, body))
}

#[derive(Deserialize)]
pub struct WipeForm {
    confirm: Option<String>,
}

pub async fn wipe(ctx: Ctx, Form(form): Form<WipeForm>) -> Answer {
    if form.confirm.as_deref().map(str::trim) != Some(WIPE_PHRASE) {
        let msg = format!(
            "Nothing was deleted. To delete everything, type \u{201c}{WIPE_PHRASE}\u{201d} exactly."
        );
        return page(&ctx, None, Some((Beside::Wipe, msg))).await;
    }
    let state = ctx.state.clone();
    let dir = state.data_dir.clone();
    // Let go of the app so the lock can close the database before its files go.
    drop(ctx);
    state.lock().await;
    state.keep_safety_plan(None);
    match App::wipe(&dir) {
        Ok(_) => Ok(([(SET_COOKIE, clear_session_cookie())], to("/setup")).into_response()),
        Err(e) => Err(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Could not delete",
            &sentence(&e),
            "",
        )),
    }
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    time_zone: Option<String>,
}

pub async fn time_zone(ctx: Ctx, Form(form): Form<TimeZoneForm>) -> Answer {
    match ctx
        .app
        .set_time_zone(form.time_zone.as_deref().unwrap_or(""))
        .await
    {
        Ok(name) => {
            // The page after the change, in the new zone.
            let ctx = Ctx {
                frame: ctx.app.frame(Timestamp::now()).await,
                ..ctx
            };
            page(&ctx, Some(&format!("Time zone set to {name}.")), None).await
        }
        Err(e) => page(&ctx, None, Some((Beside::Method, sentence(&e)))).await,
    }
}

pub async fn method_settings(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> Answer {
    let case = ctx.need_case()?;
    let saved = match pages::settings_from_fields(&fields) {
        Ok(settings) => {
            ctx.app
                .update_settings(&case, settings, Timestamp::now())
                .await
        }
        Err(e) => return page(&ctx, None, Some((Beside::Method, e))).await,
    };
    match saved {
        Ok(_) => page(&ctx, Some("Saved."), None).await,
        Err(e) => page(&ctx, None, Some((Beside::Method, sentence(&e)))).await,
    }
}

pub async fn calendar(ctx: Ctx) -> Answer {
    let case = ctx.need_case()?;
    let ics = ctx.app.calendar(&case, Timestamp::now()).await;
    let ics = ics.map_err(|e| ctx.error(&e))?;
    Ok(download(ics, "text/calendar; charset=utf-8", "amends.ics"))
}
