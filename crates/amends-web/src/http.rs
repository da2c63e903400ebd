//! The leaf of the web crate: how an app error becomes an answer. Pages, the API and the
//! security guard all take from here and from nowhere else, so none imports another.

use std::fmt;
use std::fmt::Display;

use amends_app::{AppError, ExportFormat};
use axum::Json;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Map, Value, json};

/// The status the app's one mapping gives an error (`AppError::status`), for pages and API.
pub fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A problem shown beside a form (the form kept), with the status the page answers with: the
/// same as the API's for the same error (a refusal is a 409 on both, not a 422 on pages).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub status: StatusCode,
    pub message: String,
}

impl Problem {
    /// An error of a use case, in a sentence.
    pub fn app(e: &AppError) -> Self {
        Self {
            status: status_of(e),
            message: crate::views::sentence(e),
        }
    }
}

/// Input the page itself found unusable: a 422.
impl From<String> for Problem {
    fn from(message: String) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
        }
    }
}

impl From<&AppError> for Problem {
    fn from(e: &AppError) -> Self {
        Self::app(e)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

// --- The API's errors -----------------------------------------------------------------------

/// Every API error: `{"error": code, "message": plain words}`, plus `field` when one field is
/// to blame and sometimes more (the reasons a draft cannot be marked as sent).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub extra: Map<String, Value>,
}

pub const LOCKED_MESSAGE: &str =
    "amends is locked. Unlock it with POST /api/v1/unlock and your passphrase.";

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// 422: one field's value cannot be used; the message says why and what to give instead.
    pub fn invalid(field: &str, message: impl Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{field}: {message}"),
        )
        .with("field", field)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", message)
    }

    pub fn locked() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "locked", LOCKED_MESSAGE)
    }

    pub fn no_case() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "no-case",
            "There is no case yet. Create one first with POST /api/v1/cases and \
             {\"name\": ..., \"relationship\": ...}.",
        )
    }

    pub fn bad_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-json", message)
    }

    /// An error from a use case, with the status and code the app gives it (one mapping, for
    /// the pages too); a refusal carries its reasons, an invalid field its name.
    pub fn app(e: &AppError) -> Self {
        if matches!(e, AppError::NoCase) {
            return Self::no_case();
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Store and file errors name paths and ids, never what the user wrote.
            tracing::error!(error = %e, "an API request failed");
        }
        let mut err = Self::new(status, e.code(), crate::views::capitalise(&e.to_string()));
        match e.blamed_field() {
            Some(field) if status == StatusCode::UNPROCESSABLE_ENTITY => {
                err = Self::invalid(field, e)
            }
            Some(field) => err = err.with("field", field),
            None => {}
        }
        if let AppError::Refused(refusal) = e {
            err = err.with("reasons", refusal.reasons());
            if let Some(verdict) = refusal.verdict() {
                err = err.with("verdict", verdict.as_str());
            }
        }
        err
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self::app(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        // A 429 says when to try again in its header too.
        let after = self
            .extra
            .get("retry_after_seconds")
            .and_then(Value::as_u64);
        body.extend(self.extra);
        let mut res = (self.status, Json(Value::Object(body))).into_response();
        if let Some(secs) = after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The error shape for answers made outside a handler (the security guard, the fallbacks).
pub fn error_response(
    status: StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> Response {
    ApiError::new(status, code, message).into_response()
}

// --- Tokens and cookies ------------------------------------------------------------------

pub const SESSION_COOKIE: &str = "amends_session";
pub const CSRF_COOKIE: &str = "amends_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A wait in whole seconds, rounded up, at least 1: for `Retry-After` and the API's
/// `retry_after_seconds` alike.
pub fn retry_after_secs(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// `Retry-After` for a 429.
pub fn retry_after(wait: std::time::Duration) -> HeaderValue {
    HeaderValue::from(retry_after_secs(wait))
}

pub fn session_cookie(value: &str) -> HeaderValue {
    cookie_header(SESSION_COOKIE, value, None)
}

pub fn clear_session_cookie() -> HeaderValue {
    cookie_header(SESSION_COOKIE, "", Some(0))
}

pub fn cookie_header(name: &str, value: &str, max_age: Option<u32>) -> HeaderValue {
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    // Tokens are hex, so the header is always valid ASCII.
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

// --- Downloads ---------------------------------------------------------------------------

pub const WIPE_PHRASE: &str = "delete everything";

/// An export as a file download; the API serves the same file.
pub fn export_download(format: ExportFormat, now: Timestamp, body: String) -> Response {
    let (ext, mime) = match format {
        ExportFormat::Json => ("json", "application/json"),
        ExportFormat::Markdown => ("md", "text/markdown; charset=utf-8"),
    };
    let name = format!("amends-export-{}.{ext}", now.strftime("%Y-%m-%d"));
    crate::views::download(body, mime, &name)
}
