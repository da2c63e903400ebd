//! Promises and check-ins (TR-3 to TR-5, TR-8): a ledger with reliability, at most a few open
//! promises at once, and the fortnightly check-in only once they agreed to it.

use crate::http::Problem;
use amends_core::PromiseOutcome;
use amends_core::plan::{CheckIns, FollowUp, Promises};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish, word};
use crate::views::{Page, render_status};

#[derive(Template)]
#[template(path = "promises.html")]
pub struct PromisesPage {
    pub page: Page,
    pub promises: Promises,
    pub checkins: CheckIns,
    pub follow_up: Option<FollowUp>,
    pub error: Option<Problem>,
    /// The promise typed into a form that came back with a problem.
    pub kept_text: String,
}

impl PromisesPage {
    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }

    pub fn reliability(&self) -> String {
        self.promises
            .reliability_pct
            .map_or("not yet: no promise is settled".into(), |p| format!("{p}%"))
    }
}

async fn page(ctx: &Ctx, error: Option<Problem>) -> Response {
    page_with(ctx, error, None, String::new()).await
}

async fn page_with(
    ctx: &Ctx,
    error: Option<Problem>,
    notice: Option<String>,
    kept_text: String,
) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let plan = match ctx.app.plan(&case, Timestamp::now()).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&e),
    };
    let mut page = ctx.page("Promises and check-ins", "promises");
    page.notice = notice;
    render_status(
        super::status_for(&error),
        &PromisesPage {
            page,
            promises: plan.promises,
            checkins: plan.checkins,
            follow_up: plan.follow_up,
            error,
            kept_text,
        },
    )
}

#[derive(Deserialize)]
pub struct Shown {
    note: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Response {
    let notice = (q.note.as_deref() == Some("big")).then(|| {
        "Saved. \u{201c}Never\u{201d}, \u{201c}always\u{201d} and \u{201c}whatever you \
         want\u{201d} are hard to keep: a smaller promise you keep builds more trust than a big \
         one you break (TR-4, L-17). You can mark this one renegotiated if you agree a smaller \
         one with them."
            .to_string()
    });
    page_with(&ctx, None, notice, String::new()).await
}

/// L-17 on a promise: the coach's over-promise rule, run on the promise's own words.
fn over_promises(text: &str) -> bool {
    amends_app::coach::check_text(text, amends_app::coach::Kind::Apology)
        .is_ok_and(|r| r.findings.iter().any(|f| f.rule == "over-promise"))
}

#[derive(Deserialize)]
pub struct PromiseForm {
    text: Option<String>,
    due: Option<String>,
    definitely: Option<String>,
    id: Option<String>,
    outcome: Option<String>,
    note: Option<String>,
}

async fn due(ctx: &Ctx, raw: Option<&str>) -> Result<Option<Timestamp>, String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) => {
            let tz = ctx
                .app
                .time_zone()
                .await
                .map_err(|e| crate::views::sentence(&e))?;
            amends_app::method::parse_due(d, &tz, Timestamp::now())
                .map(Some)
                .map_err(|e| crate::views::sentence(&e))
        }
    }
}

pub async fn add(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let text = form.text.clone().unwrap_or_default();
    // TR-4: promise only what you can certainly do.
    if form.definitely.is_none() {
        return page_with(&ctx, Some("Only promise what you can definitely do (TR-4). Tick the box if you can; otherwise promise less.".into()), None, text).await;
    }
    let due = match due(&ctx, form.due.as_deref()).await {
        Ok(d) => d,
        Err(e) => return page_with(&ctx, Some(Problem::from(e)), None, text).await,
    };
    let now = Timestamp::now();
    match ctx.app.promise_add(&case, &text, due, now, now).await {
        Ok(_) if over_promises(&text) => Redirect::to("/promises?note=big").into_response(),
        Ok(_) => Redirect::to("/promises").into_response(),
        Err(e) => page_with(&ctx, Some(Problem::app(&e)), None, text).await,
    }
}

pub async fn update(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let outcome: PromiseOutcome = word(form.outcome.as_deref())?;
        let due = due(&ctx, form.due.as_deref()).await?;
        let now = Timestamp::now();
        let id = form.id.as_deref().unwrap_or("");
        ctx.app
            .promise_update(&case, id, outcome, due, form.note.as_deref(), now, now)
            .await?;
        Ok(Redirect::to("/promises").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p))).await
}

#[derive(Deserialize)]
pub struct CheckInForm {
    note: Option<String>,
    at: Option<String>,
}

pub async fn checkin(ctx: Ctx, Form(form): Form<CheckInForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        ctx.app
            .checkin(&case, form.note.as_deref(), at, now)
            .await?;
        Ok(Redirect::to("/promises#checkins").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p))).await
}
