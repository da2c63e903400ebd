//! The web crate's one integration-test binary: handlers driven in process with tower's
//! `oneshot`, and (in `browser`) the real server driven by headless Chromium.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken setup

mod api;
mod browser;
mod forms;
mod handlers;
mod screens;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASS: &str = "a passphrase for the tests";

/// The part of `text` after the first `start` and before the next `end`; panics with the text
/// when either is missing.
#[track_caller]
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let (_, rest) = text
        .split_once(start)
        .unwrap_or_else(|| panic!("{start:?} missing from: {text}"));
    rest.split_once(end)
        .unwrap_or_else(|| panic!("{end:?} missing after {start:?} in: {text}"))
        .0
}

/// A browser stand-in: a cookie jar in front of the router.
pub struct Client {
    pub router: Router,
    pub state: amends_web::Shared,
    pub cookies: HashMap<String, String>,
    pub tmp: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the status; the panic shows the body, which says why.
    #[track_caller]
    pub fn status_is(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        self
    }

    /// Asserts that the body holds `text`; the panic shows the body.
    #[track_caller]
    pub fn has(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "{text:?} missing from: {}",
            self.body
        );
        self
    }

    /// Asserts that the body holds each of `texts`; the panic names the first one missing.
    #[track_caller]
    pub fn has_all(&self, texts: &[&str]) -> &Self {
        for text in texts {
            self.has(text);
        }
        self
    }

    /// Asserts that the body does not hold `text`; the panic shows the body.
    #[track_caller]
    pub fn lacks(&self, text: &str) -> &Self {
        assert!(
            !self.body.contains(text),
            "{text:?} present in: {}",
            self.body
        );
        self
    }

    /// Asserts that the answer sets the session cookie HttpOnly and SameSite=Strict.
    #[track_caller]
    pub fn sets_a_strict_session(&self) -> &Self {
        let cookies = self.set_cookies();
        let session = cookies
            .iter()
            .find(|c| c.starts_with("amends_session="))
            .unwrap_or_else(|| panic!("no session cookie set: {cookies:?}"));
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Strict"),
            "{session}"
        );
        self
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Self {
        Self::with_idle(Duration::from_secs(600))
    }

    pub fn with_idle(idle: Duration) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let state = amends_web::state(tmp.path().join("data"), idle, None);
        let router = amends_web::router(state.clone(), true);
        Self {
            router,
            state,
            cookies: HashMap::new(),
            tmp,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    /// Runs statements on the store's SQLite file behind amends' back (each bound to its
    /// argument, if any), as damage from outside would.
    pub async fn behind_amends_back(&self, statements: &[(&'static str, Option<&str>)]) {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(self.data_dir().join("amends.db"))
            .busy_timeout(Duration::from_secs(10));
        let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
        for (sql, arg) in statements {
            let mut q = sqlx::query(*sql);
            if let Some(arg) = arg {
                q = q.bind(*arg);
            }
            q.execute(&pool).await.unwrap();
        }
        pool.close().await;
    }

    pub fn csrf(&self) -> String {
        self.cookies.get("amends_csrf").cloned().unwrap_or_default()
    }

    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = Request::get(path)
            .header(header::HOST, "127.0.0.1:7777")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form the way the browser would, with this client's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf().is_empty() {
            self.get("/help").await;
        }
        let mut all = vec![("_csrf", self.csrf())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        self.post_raw(path, serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// Posts a form that must be accepted: answered with a redirect (post, redirect, get), so a
    /// reload cannot send it twice. Panics with the body otherwise.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let r = self.post(path, fields).await;
        r.status_is(StatusCode::SEE_OTHER);
        r
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Resp {
        let req = Request::post(path)
            .header(header::HOST, "127.0.0.1:7777")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A JSON request as a script would send it: the cookies, `Content-Type: application/json`
    /// when there is a body, and `X-CSRF-Token` when `csrf` is set.
    pub async fn api_raw(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        csrf: bool,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1:7777")
            .header(header::COOKIE, self.cookie_header());
        if csrf {
            req = req.header("x-csrf-token", self.csrf());
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b)
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    pub async fn api_get(&mut self, path: &str) -> Resp {
        self.api_raw("GET", path, None, false).await
    }

    /// A POST with this client's CSRF token.
    pub async fn api_post(&mut self, path: &str, body: serde_json::Value) -> Resp {
        self.api_raw("POST", path, Some(body.to_string().into_bytes()), true)
            .await
    }

    pub async fn api_put(&mut self, path: &str, body: serde_json::Value) -> Resp {
        self.api_raw("PUT", path, Some(body.to_string().into_bytes()), true)
            .await
    }

    /// The first-run form, with the "I understand" box ticked.
    pub async fn setup(&mut self, passphrase: &str, confirm: &str) -> Resp {
        self.post(
            "/setup",
            &[
                ("passphrase", passphrase),
                ("confirm", confirm),
                ("understood", "yes"),
            ],
        )
        .await
    }

    /// Locks through the page's form.
    pub async fn lock(&mut self) -> Resp {
        self.post("/lock", &[]).await
    }

    /// Unlocks through the page's form with `pass` and any `more` fields (`next`, `kept`).
    pub async fn unlock(&mut self, pass: &str, more: &[(&str, &str)]) -> Resp {
        let mut fields = vec![("passphrase", pass)];
        fields.extend_from_slice(more);
        self.post("/unlock", &fields).await
    }

    /// The settings page's change of passphrase.
    pub async fn change_passphrase(&mut self, current: &str, new: &str, confirm: &str) -> Resp {
        let fields = [("current", current), ("new", new), ("confirm", confirm)];
        self.post("/settings/passphrase", &fields).await
    }

    /// Unlocks through the API, as a script would.
    pub async fn api_unlock(&mut self, pass: &str) -> Resp {
        let body = serde_json::json!({ "passphrase": pass })
            .to_string()
            .into_bytes();
        self.api_raw("POST", "/api/v1/unlock", Some(body), false)
            .await
    }

    /// A new client past the first run, on one case (see [`Client::ready`]).
    pub async fn with_case() -> Self {
        let mut c = Self::new();
        c.ready().await;
        c
    }

    /// First run: passphrase and one case.
    pub async fn ready(&mut self) {
        let r = self.setup(PASS, PASS).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = self
            .post("/cases", &[("name", "Robin"), ("relationship", "partner")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}
