//! The HTML screens. Handlers translate between forms and `amends-app` use cases; the decisions
//! live in the app and the core, never here.

pub mod amendsgifts;
pub mod assess;
pub mod auth;
pub mod cases;
pub mod composer;
pub mod contacts;
pub mod help;
pub mod journal;
pub mod moving_on;
pub mod nocontact;
pub mod promises;
pub mod safety;
pub mod selfwork;
pub mod settings;
pub mod today;
pub mod workbook;

use std::sync::Arc;

use amends_app::command::{Command, LoggedAt};
use amends_app::records::Records;
use amends_app::views::Frame;
use amends_app::{App, AppError, CaseSnapshot, CaseSummary};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::http::{Problem, SESSION_COOKIE, cookie};
use crate::security::Csrf;
use crate::state::Shared;
use crate::views::{Page, error_page};
use jiff::Timestamp;

/// The CSRF token for forms on pages that work while locked.
pub struct Token(pub String);

impl FromRequestParts<Shared> for Token {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &Shared) -> Result<Self, Self::Rejection> {
        Ok(Token(
            parts
                .extensions
                .get::<Csrf>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
        ))
    }
}

/// An unlocked request: the app, the current case (if any) and what the layout needs.
#[derive(Clone)]
pub struct Ctx {
    pub app: Arc<App>,
    pub case: Option<CaseSummary>,
    pub csrf: String,
    pub demo: bool,
    pub state: Shared,
    /// The time zone, the help in front (SAFE-3, SAFE-4) and the safety plan, read at once.
    pub frame: Frame,
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<Csrf>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let token = cookie(&parts.headers, SESSION_COOKIE);
        let Some((app, case)) = state.current(token.as_deref()).await else {
            return Err(Redirect::to("/unlock").into_response());
        };
        let case = case.map_err(|e| app_error(&e, &csrf))?;
        let frame = app.frame(Timestamp::now()).await;
        Ok(Ctx {
            app,
            case,
            csrf,
            demo: state.demo.is_some(),
            state: state.clone(),
            frame,
        })
    }
}

impl OptionalFromRequestParts<Shared> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <Ctx as FromRequestParts<Shared>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

impl Ctx {
    pub fn page(&self, title: &str, nav: &'static str) -> Page {
        let mut page = Page::new(title, &self.csrf);
        page.nav = nav;
        page.unlocked = true;
        page.demo = self.demo;
        page.case_name = self.case.as_ref().map(|c| c.name.clone());
        page.tz = self.frame.zone.tz.clone();
        page.crisis = self.frame.safety.crisis;
        page.threat = self.frame.safety.threat;
        page.safety_plan = self.frame.plan_in_front().cloned();
        if !self.demo {
            page.idle_seconds = self.state.idle_lock.as_secs();
        }
        page
    }

    /// The current case, or a redirect to create the first one.
    pub fn need_case(&self) -> Result<CaseSummary, Response> {
        self.case
            .clone()
            .ok_or_else(|| Redirect::to("/cases?first=1").into_response())
    }

    /// The current case read once, with its plan as of now in the frame's zone (read once per
    /// request), or the page that says why not.
    pub async fn snapshot(&self) -> Result<CaseSnapshot, Response> {
        let case = self.need_case()?;
        self.app
            .snapshot_in(&case, Timestamp::now(), self.frame.zone.tz.clone())
            .await
            .map_err(|e| self.error(&e))
    }

    /// The current case's plan as of now.
    pub async fn plan(&self) -> Result<amends_core::Plan, Response> {
        Ok(self.snapshot().await?.plan)
    }

    /// The plan and the record lists from one reading of the case. The lists refuse a damaged
    /// history (see `App::records`); only then is it read again, for that refusal.
    pub async fn plan_and_records(&self) -> Result<(amends_core::Plan, Records), Response> {
        let snap = self.snapshot().await?;
        let records = match snap.damage.is_empty() {
            true => Records::new(snap.history),
            false => self.records().await?,
        };
        Ok((snap.plan, records))
    }

    /// The record lists of the current case.
    pub async fn records(&self) -> Result<Records, Response> {
        let case = self.need_case()?;
        self.app.records(&case).await.map_err(|e| self.error(&e))
    }

    pub fn error(&self, e: &AppError) -> Response {
        app_error(e, &self.csrf)
    }
}

/// What a page handler answers: the page, a redirect, or the whole answer that stopped it
/// (the redirect to create the first case, an error page), so `?` ends a handler early.
pub type Answer = Result<Response, Response>;

/// A redirect after a form was handled (so a reload does not send it again).
pub fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// An app error as a page that says what went wrong and what to do.
pub fn app_error(e: &AppError, csrf: &str) -> Response {
    // The app's one mapping, shared with the API: a refusal is a 409 on both.
    let status = crate::http::status_of(e);
    error_page(
        status,
        "That did not work",
        &crate::views::sentence(&e),
        csrf,
    )
}

/// Form fields that must be present, with a message that names the one that is missing.
pub fn required<'a>(
    value: &'a Option<String>,
    field: &str,
    csrf: &str,
) -> Result<&'a str, Response> {
    value.as_deref().ok_or_else(|| {
        error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Something is missing",
            &format!("The form was sent without the field \u{201c}{field}\u{201d}. Go back and fill it in."),
            csrf,
        )
    })
}

pub async fn not_found(Token(csrf): Token) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Not here",
        "There is no page at this address.",
        &csrf,
    )
}

/// The problem's status when a form came back with one to show (422 for input to fix, 409
/// for a refusal, as the API answers), 200 otherwise.
pub fn status_for(error: &Option<Problem>) -> StatusCode {
    error.as_ref().map_or(StatusCode::OK, |p| p.status)
}

/// A page that may carry its form's problem, answered with that problem's status (422, 409...)
/// or 200: the status and the page come from the same problem, so they cannot disagree.
pub fn problem_page<T: askama::Template>(
    error: Option<Problem>,
    page: impl FnOnce(Option<Problem>) -> T,
) -> Answer {
    Ok(crate::views::render_status(
        status_for(&error),
        &page(error),
    ))
}

/// Why a form handler stopped before its happy end: a whole answer of its own (a redirect to
/// create the first case, an error page), or a problem to show beside the form, kept. With
/// `?` a handler reads as its use case; the page it returns to is said once, in `Ctx::run`.
pub enum Stop {
    Answer(Response),
    Problem(Problem),
}

pub type Step<T> = Result<T, Stop>;

impl From<Response> for Stop {
    fn from(r: Response) -> Self {
        Stop::Answer(r)
    }
}

impl From<Problem> for Stop {
    fn from(p: Problem) -> Self {
        Stop::Problem(p)
    }
}

/// An error of a use case, with the status the app gives it.
impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Stop::Problem(Problem::app(&e))
    }
}

/// Input the page found unusable (a word that is no choice, a date it cannot read): 422.
impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::Problem(message.into())
    }
}

/// A word of a vocabulary from a form field; the core's message lists the valid ones.
pub fn word<T>(raw: Option<&str>) -> Result<T, String>
where
    T: std::str::FromStr<Err = String>,
{
    raw.unwrap_or("").parse()
}

/// A form's "when it happened" for a typed command: left empty, it is now.
pub fn logged_at(raw: Option<&str>) -> Option<LoggedAt> {
    given(raw).map(|s| LoggedAt(s.to_string()))
}

/// A form field with something in it (a browser sends an empty one as "").
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

impl Ctx {
    /// When a form says something happened (now when left empty), and now.
    pub async fn when(&self, raw: Option<&str>) -> Step<(Timestamp, Timestamp)> {
        let now = Timestamp::now();
        let at = self.app.when(given(raw), now).await;
        Ok((at.map_err(|e| crate::views::sentence(&e))?, now))
    }

    /// Every form that records something takes this shape: the case, the moment the form
    /// names (now when left empty), then `act`, whose answer is a redirect; or, when it stops
    /// on a problem, `again`: the page with the problem beside the form, what was typed kept.
    pub async fn run<R: IntoResponse>(
        &self,
        at: Option<&str>,
        act: impl AsyncFnOnce(CaseSummary, Timestamp, Timestamp) -> Step<Response>,
        again: impl AsyncFnOnce(Problem) -> R,
    ) -> Response {
        let done = async {
            let case = self.need_case()?;
            let (at, now) = self.when(at).await?;
            act(case, at, now).await
        };
        answer(done.await, again).await
    }

    /// A form mapped to one of the app's typed use cases ([`Command`], as the API and the CLI
    /// take them, issue 13), run on the current case now: the command reads its own `at`, so
    /// the page only maps fields. `done` answers with what it recorded; a problem (the mapping's
    /// or the use case's) goes to `again`, as in [`Ctx::run`].
    pub async fn command<C: Command, R: IntoResponse>(
        &self,
        command: Result<C, String>,
        done: impl AsyncFnOnce(C::Output) -> Step<Response>,
        again: impl AsyncFnOnce(Problem) -> R,
    ) -> Response {
        let ran = async {
            let case = self.need_case()?;
            let out = command?.run(&self.app, &case, Timestamp::now()).await?;
            done(out).await
        };
        answer(ran.await, again).await
    }
}

/// The answer of a form handler: its own, or the page again with the problem it stopped on.
async fn answer<R: IntoResponse>(
    step: Step<Response>,
    again: impl AsyncFnOnce(Problem) -> R,
) -> Response {
    match step {
        Ok(r) | Err(Stop::Answer(r)) => r,
        Err(Stop::Problem(p)) => again(p).await.into_response(),
    }
}
