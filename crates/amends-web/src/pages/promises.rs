//! Promises and check-ins (TR-3 to TR-5, TR-8): a ledger with reliability, at most a few open
//! promises at once, and the fortnightly check-in only once they agreed to it.

use crate::http::Problem;
use amends_core::PromiseOutcome;
use amends_core::plan::{CheckIns, FollowUp, Promises};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, Step, to, word};
use crate::views::Page;

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
    pub fn reliability(&self) -> String {
        self.promises
            .reliability_pct
            .map_or("not yet: no promise is settled".into(), |p| format!("{p}%"))
    }
}

async fn page(
    ctx: &Ctx,
    error: Option<Problem>,
    notice: Option<String>,
    kept_text: String,
) -> Answer {
    let plan = ctx.plan().await?;
    super::problem_page(error, |error| PromisesPage {
        page: ctx
            .page("Promises and check-ins", "promises")
            .notice(notice),
        promises: plan.promises,
        checkins: plan.checkins,
        follow_up: plan.follow_up,
        error,
        kept_text,
    })
}

#[derive(Deserialize)]
pub struct Shown {
    note: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Shown>) -> Answer {
    let notice = (q.note.as_deref() == Some("big")).then(|| {
        "Saved. \u{201c}Never\u{201d}, \u{201c}always\u{201d} and \u{201c}whatever you \
         want\u{201d} are hard to keep: a smaller promise you keep builds more trust than a big \
         one you break (TR-4, L-17). You can mark this one renegotiated if you agree a smaller \
         one with them."
            .to_string()
    });
    page(&ctx, None, notice, String::new()).await
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

/// A due date as typed, in the user's zone; none when left empty.
fn due(ctx: &Ctx, raw: Option<&str>) -> Step<Option<Timestamp>> {
    let Some(d) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let tz = &ctx.frame.zone.tz;
    Ok(Some(amends_app::method::parse_due(
        d,
        tz,
        Timestamp::now(),
    )?))
}

pub async fn add(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let text = form.text.clone().unwrap_or_default();
    let act = async |case, _, now| {
        // TR-4: promise only what you can certainly do.
        if form.definitely.is_none() {
            return Err("Only promise what you can definitely do (TR-4). Tick the box if you can; otherwise promise less.".to_string().into());
        }
        let due = due(&ctx, form.due.as_deref())?;
        ctx.app.promise_add(&case, &text, due, now, now).await?;
        let big = amends_app::views::pages::over_promises(&text);
        Ok(to(if big {
            "/promises?note=big"
        } else {
            "/promises"
        }))
    };
    let again = async |p| page(&ctx, Some(p), None, text.clone()).await;
    ctx.run(None, act, again).await
}

pub async fn update(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let act = async |case, _, now| {
        let outcome: PromiseOutcome = word(form.outcome.as_deref())?;
        let due = due(&ctx, form.due.as_deref())?;
        let id = form.id.as_deref().unwrap_or("");
        ctx.app
            .promise_update(&case, id, outcome, due, form.note.as_deref(), now, now)
            .await?;
        Ok(to("/promises"))
    };
    ctx.run(None, act, async |p| {
        page(&ctx, Some(p), None, String::new()).await
    })
    .await
}

#[derive(Deserialize)]
pub struct CheckInForm {
    note: Option<String>,
    at: Option<String>,
}

pub async fn checkin(ctx: Ctx, Form(form): Form<CheckInForm>) -> Response {
    let act = async |case, at, now| {
        ctx.app
            .checkin(&case, form.note.as_deref(), at, now)
            .await?;
        Ok(to("/promises#checkins"))
    };
    let again = async |p| page(&ctx, Some(p), None, String::new()).await;
    ctx.run(form.at.as_deref(), act, again).await
}
