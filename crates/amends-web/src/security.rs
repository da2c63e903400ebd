//! Every request passes through [`guard`]: the Host check, the body cap, CSRF, the lock, and the
//! security headers. Handlers can then assume a same-origin request with a valid token.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::{
    ApiError, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, cookie, cookie_header,
    error_response,
};
use crate::state::{Shared, same_token};
use crate::views;

/// The one form, besides setup and unlock, that carries a passphrase.
const PASSPHRASE_FORM: &str = "/settings/passphrase";

/// The most a request body may carry. A draft or journal entry may be 1 MiB; a form adds a little.
pub const MAX_BODY_BYTES: usize = 1024 * 1024 + 64 * 1024;

/// No external sources, no inline script or style: everything comes from this server.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                       base-uri 'none'";

/// The CSRF token of this browser, for the forms a handler renders.
#[derive(Clone, Debug)]
pub struct Csrf(pub String);

/// Whether the listener is loopback-only; then a foreign Host header means DNS rebinding.
#[derive(Clone, Copy, Debug)]
pub struct HostPolicy {
    pub loopback_only: bool,
}

/// Paths that work while locked. Everything else needs an unlocked session.
pub fn is_public(method: &Method, path: &str) -> bool {
    path.starts_with("/assets/")
        || matches!(
            path,
            "/setup" | "/unlock" | "/help" | "/healthz" | "/favicon.ico"
        )
        || path.starts_with("/resume/")
        || crate::api::route_access(method, path).is_some_and(|m| m.public())
}

/// State-changing requests that need no CSRF token: the API operations whose row says so
/// (setup, unlock, check; `api::Access` gives the reasons). The unlock API is how a script gets
/// its first token, and it changes nothing but the caller's own session; the check API reads
/// the text it is given and stores nothing; the setup API only ever creates a store where there
/// is none. All three take only JSON bodies, which a page on another site cannot send here
/// without a preflight that is never granted, and the Host check keeps a rebound name from
/// reaching them.
pub fn csrf_exempt(method: &Method, path: &str) -> bool {
    crate::api::route_access(method, path).is_some_and(|m| m.csrf_exempt)
}

fn host_allowed(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true; // HTTP/1.0 clients; nothing to rebind.
    };
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

pub async fn guard(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let session = cookie(req.headers(), SESSION_COOKIE);
    let held = cookie(req.headers(), CSRF_COOKIE);
    // The token is derived from the session cookie, never taken from the CSRF cookie: a
    // cookie planted by another page (another port of 127.0.0.1 included) proves nothing.
    let csrf = state.csrf_for(session.as_deref());
    let mut res = checked(&state, req, next, session, csrf.clone()).await;
    // A response that starts a session (unlock, setup, passphrase change) or ends one (lock)
    // changes the token; the cookie carries the current one for scripts (see the API docs).
    let current = match session_set_by(res.headers()) {
        Some(new) => state.csrf_for(new.as_deref()),
        None => csrf,
    };
    let headers = res.headers_mut();
    if held.as_deref() != Some(current.as_str()) {
        headers.append(
            header::SET_COOKIE,
            cookie_header(CSRF_COOKIE, &current, None),
        );
    }
    harden(headers, &path);
    res
}

/// What a response does to the session cookie: `Some(Some(token))` when it sets one,
/// `Some(None)` when it clears it, `None` when it leaves it alone.
fn session_set_by(headers: &HeaderMap) -> Option<Option<String>> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=')?;
            (name.trim() == SESSION_COOKIE).then(|| {
                (!value.is_empty() && !attrs.contains("Max-Age=0")).then(|| value.to_string())
            })
        })
        .next_back()
}

/// Whether a state-changing request may have come from one of our own pages. Browsers say
/// where a request comes from: `Sec-Fetch-Site` (only "same-origin", or "none" for something
/// the user did themselves, is ours; "same-site" is how a page on another port of 127.0.0.1
/// arrives) and `Origin` (it must name the host and port the request was sent to). Our pages
/// send no referrer, and a browser then sends a form's Origin as "null"; that tells nothing
/// either way, so `Sec-Fetch-Site` decides. Scripts and the command line send neither, and are
/// held to the CSRF token alone.
fn from_our_pages(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("?"));
    if fetch_site.is_some_and(|s| !matches!(s, "same-origin" | "none")) {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (url::Url::parse(origin), host) {
        (Ok(url), Some(host)) => {
            matches!(url.scheme(), "http" | "https")
                && url.path() == "/"
                && url.host_str().is_some()
                && origin_authority(&url).eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// `host[:port]` of an origin, as a Host header writes it (the default port left out).
fn origin_authority(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

async fn checked(
    state: &Shared,
    req: Request,
    next: Next,
    session: Option<String>,
    csrf: String,
) -> Response {
    let policy = req.extensions().get::<HostPolicy>().copied();
    if policy.is_some_and(|p| p.loopback_only) && !host_allowed(req.headers()) {
        return plain(
            StatusCode::MISDIRECTED_REQUEST,
            "amends only answers on its own address.",
        );
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return too_large(api);
    }

    let (parts, body) = req.into_parts();
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut bytes = Bytes::new();
    if unsafe_method {
        if !from_our_pages(&parts.headers) {
            if api {
                return error_response(
                    StatusCode::FORBIDDEN,
                    "cross-origin",
                    "This request came from another site or another page than amends (its \
                     Origin or Sec-Fetch-Site header says so), so it was refused. Nothing was \
                     changed. Send it from amends itself, or from a script without those headers.",
                );
            }
            let msg = "This form did not come from amends, so it was refused and nothing was \
                       changed. Open amends at its own address and try again from there.";
            return views::error_page(StatusCode::FORBIDDEN, "Please try again", msg, &csrf);
        }
        bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(b) => b,
            Err(_) => return too_large(api),
        };
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                is_form
                    .then(|| form_fields(&bytes))
                    .and_then(|f| f.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v))
            });
        // The token sent must be the one derived from this browser's session (see
        // state::csrf_token); what the CSRF cookie holds does not count.
        let valid = sent.as_deref().is_some_and(|s| same_token(s, &csrf));
        if !valid && !csrf_exempt(&method, &path) {
            if api {
                return error_response(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "This request needs the X-CSRF-Token header: the csrf_token that POST \
                     /api/v1/unlock returns (the amends_csrf cookie holds it too). Each unlock \
                     and passphrase change issues a new one. Nothing was changed.",
                );
            }
            let msg = "This form has expired or did not come from amends. Go back, reload the \
                       page and try again; nothing was changed.";
            return views::error_page(StatusCode::FORBIDDEN, "Please try again", msg, &csrf);
        }
        if !is_public(&method, &path) && state.unlocked(session.as_deref()).await.is_none() {
            if api {
                return locked_json();
            }
            // A form sent after the lock: keep what was typed, ask for the passphrase, then
            // hand it back. Nothing typed is lost.
            let fields: Vec<(String, String)> = if is_form {
                form_fields(&bytes)
                    .into_iter()
                    .filter(|(k, _)| k != CSRF_FIELD)
                    .collect()
            } else {
                Vec::new()
            };
            // Passphrases are never kept: they would wait in memory for an hour and be shown
            // again on the page that hands the form back (issue 14, defect 5).
            let has_text =
                path != PASSPHRASE_FORM && fields.iter().any(|(_, v)| !v.trim().is_empty());
            let target = if has_text {
                let id = state.keep_form(path.clone(), fields).await;
                format!("/unlock?kept={id}")
            } else {
                "/unlock".to_string()
            };
            return Redirect::to(&target).into_response();
        }
    } else if !is_public(&method, &path) && state.unlocked(session.as_deref()).await.is_none() {
        if api {
            return locked_json();
        }
        let next = if path == "/" {
            String::new()
        } else {
            format!("?next={}", urlencode(&path))
        };
        let to = if state.data_dir_initialised() {
            format!("/unlock{next}")
        } else {
            "/setup".into()
        };
        return Redirect::to(&to).into_response();
    }

    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(Csrf(csrf));
    next.run(req).await
}

fn harden(headers: &mut HeaderMap, path: &str) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !path.starts_with("/assets/") {
        // Pages hold private words: never keep them in a cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

pub fn form_fields(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

fn plain(status: StatusCode, msg: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg,
    )
        .into_response()
}

fn too_large(api: bool) -> Response {
    let mb = MAX_BODY_BYTES / 1024;
    let msg = format!(
        "That is more than amends accepts at once ({mb} KiB per request; a draft or a journal \
         entry may be up to 1 MiB). Split the text into smaller parts and try again."
    );
    if api {
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, "too-large", msg);
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg,
    )
        .into_response()
}

fn locked_json() -> Response {
    ApiError::locked().into_response()
}
