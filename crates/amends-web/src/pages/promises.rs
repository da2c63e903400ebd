//! Promises and check-ins (TR-3 to TR-5, TR-8): a ledger with reliability, at most a few open
//! promises at once, and the fortnightly check-in only once they agreed to it.

use crate::http::Problem;
use amends_app::command::{AddPromise, CheckIn, Moment, UpdatePromise};
use amends_core::plan::{CheckIns, FollowUp, Promises};
use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use super::{Answer, Ctx, to, word};
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

/// The page; `big` after a promise that says never, always or whatever you want (TR-4, L-17).
async fn page(ctx: &Ctx, error: Option<Problem>, big: bool, kept_text: String) -> Answer {
    let notice = big.then(|| {
        "Saved. \u{201c}Never\u{201d}, \u{201c}always\u{201d} and \u{201c}whatever you \
         want\u{201d} are hard to keep: a smaller promise you keep builds more trust than a big \
         one you break (TR-4, L-17). You can mark this one renegotiated if you agree a smaller \
         one with them."
            .to_string()
    });
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
    let big = q.note.as_deref() == Some("big");
    page(&ctx, None, big, String::new()).await
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

impl PromiseForm {
    /// A due date as typed, read in the user's zone by the command; none when left empty.
    fn due(&self) -> Option<Moment> {
        super::given(self.due.as_deref()).map(|d| Moment(d.to_string()))
    }
}

/// The page again, with the problem beside the form and the promise typed into it kept.
async fn again(ctx: &Ctx, p: Problem, kept_text: String) -> Answer {
    page(ctx, Some(p), false, kept_text).await
}

/// TR-3, TR-4: the form builds the app's [`AddPromise`], as the API and the CLI take it
/// (issue 13); the box to tick is the page's own check.
pub async fn add(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let text = form.text.clone().unwrap_or_default();
    // TR-4: promise only what you can certainly do.
    let promise = match form.definitely {
        None => Err("Only promise what you can definitely do (TR-4). Tick the box if you can; otherwise promise less.".to_string()),
        Some(_) => Ok(AddPromise {
            text: text.clone(),
            due: form.due(),
            at: None,
        }),
    };
    let done = async |_| {
        let big = amends_app::views::pages::over_promises(&text);
        Ok(to(if big {
            "/promises?note=big"
        } else {
            "/promises"
        }))
    };
    let kept = text.clone();
    ctx.command(promise, done, async |p| again(&ctx, p, kept).await)
        .await
}

pub async fn update(ctx: Ctx, Form(form): Form<PromiseForm>) -> Response {
    let update = || {
        Ok(UpdatePromise {
            outcome: word(form.outcome.as_deref())?,
            due: form.due(),
            note: form.note.clone(),
            promise: form.id.clone().unwrap_or_default(),
            at: None,
        })
    };
    let done = async |_| Ok(to("/promises"));
    ctx.command(update(), done, async |p| {
        again(&ctx, p, String::new()).await
    })
    .await
}

#[derive(Deserialize)]
pub struct CheckInForm {
    note: Option<String>,
    at: Option<String>,
}

/// TR-5: a check-in they agreed to, as the app's [`CheckIn`].
pub async fn checkin(ctx: Ctx, Form(form): Form<CheckInForm>) -> Response {
    let checkin = CheckIn {
        note: form.note,
        at: super::logged_at(form.at.as_deref()),
    };
    let done = async |_| Ok(to("/promises#checkins"));
    ctx.command(Ok(checkin), done, async |p| {
        again(&ctx, p, String::new()).await
    })
    .await
}
