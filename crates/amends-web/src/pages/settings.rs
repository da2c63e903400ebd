//! Settings: passphrase, export, delete everything.

use amends_app::{App, ExportFormat, Passphrase};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::Ctx;
use crate::security::clear_session_cookie;
use crate::views::{Page, render_status};

pub const WIPE_PHRASE: &str = "delete everything";

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub page: Page,
    pub data_dir: String,
    pub passphrase_error: Option<String>,
    pub wipe_error: Option<String>,
    pub wipe_phrase: &'static str,
}

fn page(
    ctx: &Ctx,
    notice: Option<&str>,
    passphrase_error: Option<String>,
    wipe_error: Option<String>,
) -> Response {
    let mut page = ctx.page("Settings", "settings");
    page.notice = notice.map(str::to_string);
    let status = if passphrase_error.is_some() || wipe_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &SettingsPage {
            page,
            data_dir: ctx.app.dir().display().to_string(),
            passphrase_error,
            wipe_error,
            wipe_phrase: WIPE_PHRASE,
        },
    )
}

pub async fn show(ctx: Ctx) -> Response {
    page(&ctx, None, None, None)
}

#[derive(Deserialize)]
pub struct PassForm {
    current: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

pub async fn passphrase(ctx: Ctx, Form(form): Form<PassForm>) -> Response {
    let fail = |msg: String| page(&ctx, None, Some(msg), None);
    let current = match Passphrase::new(form.current.unwrap_or_default()) {
        Ok(p) => p,
        Err(_) => return fail("Enter your current passphrase.".into()),
    };
    if let Err(e) = ctx.app.check_passphrase(&current).await {
        return fail(e.to_string());
    }
    let new = form.new.unwrap_or_default();
    if form.confirm.as_deref() != Some(new.as_str()) {
        return fail("The two new passphrases are not the same.".into());
    }
    let new = match Passphrase::new(new) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    match ctx.app.change_passphrase(&new).await {
        Ok(()) => page(
            &ctx,
            Some("Passphrase changed. The old one no longer opens amends."),
            None,
            None,
        ),
        Err(e) => fail(e.to_string()),
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

/// An export as a file download; the API serves the same file.
pub fn export_download(format: ExportFormat, now: Timestamp, body: String) -> Response {
    let (ext, mime) = match format {
        ExportFormat::Json => ("json", "application/json"),
        ExportFormat::Markdown => ("md", "text/markdown; charset=utf-8"),
    };
    let name = format!("amends-export-{}.{ext}", now.strftime("%Y-%m-%d"));
    crate::views::download(body, mime, &name)
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
        );
    }
    let state = ctx.state.clone();
    let dir = state.data_dir.clone();
    // Let go of the app so the lock can close the database before its files go.
    drop(ctx);
    state.lock().await;
    match App::wipe(&dir) {
        Ok(_) => (
            [(SET_COOKIE, clear_session_cookie())],
            Redirect::to("/setup"),
        )
            .into_response(),
        Err(e) => crate::views::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Could not delete",
            &e.to_string(),
            "",
        ),
    }
}
