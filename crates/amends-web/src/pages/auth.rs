//! First run, unlock, lock, and handing back a form that arrived after the lock.

use amends_app::{App, AppError, KdfParams, Passphrase};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Ctx, Token, to};
use crate::http::{clear_session_cookie, session_cookie};
use crate::state::{Shared, UnlockRefused, wait_in_words};
use crate::views::{Page, render, render_status, sentence};

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub page: Page,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "unlock.html")]
pub struct UnlockPage {
    pub page: Page,
    pub error: Option<String>,
    pub next: String,
    pub kept: String,
    pub demo_passphrase: Option<String>,
}

#[derive(Template)]
#[template(path = "resume.html")]
pub struct ResumePage {
    pub page: Page,
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl ResumePage {
    /// Long values go in a text area so they can be read and edited before sending again.
    pub fn is_long(&self, name: &str, value: &str) -> bool {
        matches!(name, "text" | "body" | "note" | "notes")
            || value.len() > 80
            || value.contains('\n')
    }
}

fn setup_page(csrf: &str, status: StatusCode, error: Option<String>) -> Response {
    let page = Page::new("Welcome", csrf);
    render_status(status, &SetupPage { page, error })
}

pub async fn setup_form(State(state): State<Shared>, Token(csrf): Token) -> Response {
    if state.data_dir_initialised() {
        return to("/unlock");
    }
    setup_page(&csrf, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct SetupForm {
    passphrase: Option<String>,
    confirm: Option<String>,
    understood: Option<String>,
}

pub async fn setup(
    State(state): State<Shared>,
    Token(csrf): Token,
    Form(form): Form<SetupForm>,
) -> Response {
    if state.data_dir_initialised() {
        return to("/unlock");
    }
    let again = |msg: String| setup_page(&csrf, StatusCode::UNPROCESSABLE_ENTITY, Some(msg));
    let pass = form.passphrase.unwrap_or_default();
    if form.confirm.as_deref() != Some(pass.as_str()) {
        return again("The two passphrases are not the same. Type them again.".into());
    }
    if form.understood.is_none() {
        return again(
            "Please tick the box to confirm you understand a forgotten passphrase cannot be recovered.".into(),
        );
    }
    let app = match Passphrase::new(pass) {
        Ok(pass) => App::init(&state.data_dir, &pass, KdfParams::DEFAULT).await,
        Err(e) => return again(sentence(&e)),
    };
    match app {
        Ok(app) => {
            let token = state.start(app, None).await;
            ([(SET_COOKIE, session_cookie(&token))], to("/cases?first=1")).into_response()
        }
        Err(e) => again(sentence(&e)),
    }
}

/// The unlock form; `next` and `kept` say where it goes on to: a page of ours, or a form
/// kept across the lock.
#[derive(Deserialize)]
pub struct UnlockForm {
    passphrase: Option<String>,
    next: Option<String>,
    kept: Option<String>,
}

fn unlock_page(
    state: &Shared,
    csrf: &str,
    status: StatusCode,
    error: Option<String>,
    form: UnlockForm,
) -> Response {
    let mut page = Page::new("Unlock", csrf);
    if form.kept.is_some() && error.is_none() {
        page.notice = Some(
            "amends locked while you were away. What you typed is kept: unlock to continue.".into(),
        );
    }
    let demo_passphrase = state.demo.as_ref().map(|d| d.passphrase.clone());
    let (next, kept) = (safe_next(form.next.as_deref()), safe_kept(form.kept));
    render_status(
        status,
        &UnlockPage {
            page,
            error,
            next,
            kept,
            demo_passphrase,
        },
    )
}

pub async fn unlock_form(
    State(state): State<Shared>,
    Token(csrf): Token,
    Query(q): Query<UnlockForm>,
) -> Response {
    if !state.data_dir_initialised() {
        return to("/setup");
    }
    unlock_page(&state, &csrf, StatusCode::OK, None, q)
}

pub async fn unlock(
    State(state): State<Shared>,
    Token(csrf): Token,
    Form(mut form): Form<UnlockForm>,
) -> Response {
    let pass = Passphrase::new(form.passphrase.take().unwrap_or_default());
    let tried = match pass {
        Ok(pass) => state.try_unlock(&pass).await,
        Err(e) => {
            return unlock_page(
                &state,
                &csrf,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(sentence(&e)),
                form,
            );
        }
    };
    let (status, msg) = match tried {
        Ok(app) => {
            let token = state.start_on_first_case(app).await;
            let to = match safe_kept(form.kept) {
                kept if kept.is_empty() => safe_next(form.next.as_deref()),
                kept => format!("/resume/{kept}"),
            };
            return ([(SET_COOKIE, session_cookie(&token))], Redirect::to(&to)).into_response();
        }
        Err(UnlockRefused::Wait(wait)) => {
            let msg = format!(
                "Too many wrong passphrases in a row. Wait {} and try again; nothing was changed.",
                wait_in_words(wait)
            );
            let mut res = unlock_page(&state, &csrf, StatusCode::TOO_MANY_REQUESTS, Some(msg), form);
            res.headers_mut().insert(RETRY_AFTER, crate::http::retry_after(wait));
            return res;
        }
        Err(UnlockRefused::App(AppError::Store(amends_app::StorageError::WrongPassphrase))) => (
            StatusCode::UNAUTHORIZED,
            "That passphrase does not open amends. Check caps lock and the keyboard layout, and try again.".into(),
        ),
        Err(UnlockRefused::App(e)) => (StatusCode::INTERNAL_SERVER_ERROR, sentence(&e)),
    };
    unlock_page(&state, &csrf, status, Some(msg), form)
}

/// The pages an unlock may lead back to: each is a path, or a folder of paths, of the router's
/// GET pages. Anything else (the API, assets, downloads of another kind, a kept form) goes to
/// `/`.
const PAGES_TO_RETURN_TO: &[&str] = &[
    "/cases",
    "/assess",
    "/workbook",
    "/moving-on",
    "/journal",
    "/self-work",
    "/composer",
    "/contacts",
    "/no-contact",
    "/promises",
    "/amends",
    "/settings",
    "/help",
];

/// Where an unlock may send the browser: a path of one of our own pages, found by parsing
/// `next` exactly as a browser would resolve it against this server (so "/\t/evil.example",
/// which a browser reads as "//evil.example", or "/\\evil.example" leave our origin and are
/// refused), never by looking at the string. The answer is the parsed path, percent-encoded,
/// so it is always a valid Location header.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/";
    let Some(next) = next else {
        return HOME.into();
    };
    let Ok(base) = url::Url::parse("http://amends.invalid/") else {
        return HOME.into();
    };
    let Ok(url) = base.join(next) else {
        return HOME.into();
    };
    // A relative path ("journal") resolves against the base too; only an absolute one is ours.
    let absolute = next.trim_start().starts_with('/');
    if !absolute || url.origin() != base.origin() || url.fragment().is_some() {
        return HOME.into();
    }
    let path = url.path();
    let ours = PAGES_TO_RETURN_TO.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    });
    if !ours {
        return HOME.into();
    }
    match url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    }
}

/// A kept form's id is a token this server made: 64 hex digits, or nothing.
fn safe_kept(kept: Option<String>) -> String {
    kept.filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_default()
}

pub async fn lock(State(state): State<Shared>) -> Response {
    state.lock().await;
    ([(SET_COOKIE, clear_session_cookie())], to("/unlock")).into_response()
}

pub async fn resume(ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(kept) = ctx.state.take_form(&id).await else {
        return crate::views::error_page(
            StatusCode::NOT_FOUND,
            "Nothing to hand back",
            "There is no kept form under this link; it was already used or has expired after an hour.",
            &ctx.csrf,
        );
    };
    let mut page = ctx.page("Continue where you were", "");
    page.notice =
        Some("Here is what you typed before amends locked. Check it, then send it again.".into());
    render(&ResumePage {
        page,
        action: kept.action,
        fields: kept.fields,
    })
}
