//! The contact log and their signals (NC-1, SAFE-1, SAFE-5, WA-*, RC-10), their questions (LS-1)
//! and their needs (LS-6 to LS-8). The truth is always recorded: contact logged while outreach
//! was closed is kept and shown as a slip, with the reasons that held.

use crate::http::Problem;
use amends_app::listening::Question;
use amends_app::views::{labels, pages};
use amends_core::plan::{ActiveHold, HoldClass};
use amends_core::{Channel, Direction, Gate, GateId, Passive, Signal};
use askama::Template;
use axum::Form;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Answer, Ctx, to, word};
use crate::views::Page;

#[derive(Template)]
#[template(path = "contacts.html")]
pub struct ContactsPage {
    pub page: Page,
    pub rows: Vec<pages::LogRow>,
    pub questions: Vec<Question>,
    pub needs: Vec<(Timestamp, String)>,
    pub signals: Vec<(&'static str, &'static str)>,
    pub passives: Vec<(&'static str, &'static str)>,
    pub channels: Vec<&'static str>,
    /// The stops in force (issue 12): the invitation form says what lifts each.
    pub stops: Vec<ActiveHold>,
    pub outreach: Gate,
    pub error: Option<Problem>,
    /// The outreach gate as it stood just before a contact the user just logged, if closed.
    pub slip_reasons: Vec<String>,
}

async fn page(ctx: &Ctx, error: Option<Problem>, slip_reasons: Vec<String>) -> Answer {
    let (plan, records) = ctx.plan_and_records().await?;
    let case = ctx.need_case()?;
    let questions = ctx.app.questions(&case).await.map_err(|e| ctx.error(&e))?;
    super::problem_page(error, |error| ContactsPage {
        page: ctx.page("Contact log", "contacts"),
        rows: pages::contact_log(&records, &plan),
        questions,
        needs: records.their_needs(),
        signals: Signal::ALL
            .iter()
            .map(|s| (s.as_str(), labels::signal(*s)))
            .collect(),
        passives: Passive::ALL
            .iter()
            .map(|p| (p.as_str(), labels::passive(*p)))
            .collect(),
        channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
        stops: plan
            .holds
            .iter()
            .filter(|h| h.class == HoldClass::Stop)
            .copied()
            .collect(),
        outreach: plan.gate(GateId::Outreach).clone(),
        error,
        slip_reasons,
    })
}

pub async fn show(ctx: Ctx) -> Answer {
    page(&ctx, None, vec![]).await
}

/// The fields of every form on the page.
#[derive(Deserialize)]
pub struct LogForm {
    dir: Option<String>,
    channel: Option<String>,
    signal: Option<String>,
    what: Option<String>,
    note: Option<String>,
    words: Option<String>,
    unblocked: Option<String>,
    partner_ended: Option<String>,
    text: Option<String>,
    id: Option<String>,
    at: Option<String>,
}

/// Logs with one of the page's forms, and answers with the page and the problem when it stops.
async fn log(
    ctx: &Ctx,
    f: &LogForm,
    act: impl AsyncFnOnce(amends_app::CaseSummary, Timestamp, Timestamp) -> super::Step<Response>,
) -> Response {
    ctx.run(f.at.as_deref(), act, async |p| {
        page(ctx, Some(p), vec![]).await
    })
    .await
}

pub async fn log_contact(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        let dir: Direction =
            word(f.dir.as_deref()).map_err(|e| format!("Who got in touch? {e}"))?;
        let channel: Channel = word(f.channel.as_deref())?;
        let note = f.note.as_deref();
        let logged = ctx
            .app
            .log_contact(&case, dir, channel, note, at, now)
            .await?;
        let slip = pages::contact_slip(&logged);
        Ok(if slip.is_empty() {
            to("/contacts")
        } else {
            page(&ctx, None, slip).await?
        })
    })
    .await
}

pub async fn log_signal(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        let signal: Signal = word(f.signal.as_deref())?;
        ctx.app
            .log_signal(&case, signal, f.note.as_deref(), at, now)
            .await?;
        // Today shows what the signal changed, gates first.
        Ok(to("/#gates-title"))
    })
    .await
}

/// Issue 12: a like or a view is kept as what it is and changes nothing.
pub async fn log_passive(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        let what: Passive = word(f.what.as_deref())?;
        ctx.app
            .log_passive(&case, what, f.note.as_deref(), at, now)
            .await?;
        Ok(to("/contacts#history-title"))
    })
    .await
}

/// SAFE-1: they got in touch and invited contact, in their words.
pub async fn log_invitation(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        let channel: Channel = word(f.channel.as_deref())?;
        let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let words = f.words.as_deref().unwrap_or("");
        let (unblocked, ended) = (ticked(&f.unblocked), ticked(&f.partner_ended));
        let app = &ctx.app;
        app.log_invitation(&case, channel, words, unblocked, ended, at, now)
            .await?;
        Ok(to("/#gates-title"))
    })
    .await
}

/// LS-1: a question they asked, in their words.
pub async fn log_question(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        let text = f.text.as_deref().unwrap_or("");
        ctx.app.log_question(&case, text, at, now).await?;
        Ok(to("/contacts#questions"))
    })
    .await
}

/// LS-6 to LS-8: what they said they need, in their words.
pub async fn log_need(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, at, now| {
        ctx.app
            .log_need(&case, f.text.as_deref().unwrap_or(""), at, now)
            .await?;
        Ok(to("/contacts#needs"))
    })
    .await
}

pub async fn answer_question(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    log(&ctx, &f, async |case, _, now| {
        ctx.app
            .answer_question(&case, f.id.as_deref().unwrap_or(""), now)
            .await?;
        Ok(to("/contacts#questions"))
    })
    .await
}
