//! The contact log and their signals (NC-1, SAFE-1, SAFE-5, WA-*, RC-10), their questions (LS-1)
//! and their needs (LS-6 to LS-8). The truth is always recorded: contact logged while outreach
//! was closed is kept and shown as a slip, with the reasons that held.

use crate::http::Problem;
use amends_app::listening::Question;
use amends_core::plan::ActiveHold;
use amends_core::{Channel, Direction, Event, EventData, Gate, Passive, Signal, effective};
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use super::{Ctx, finish, word};
use crate::views::{Page, render_status};

/// What each signal means, in the user's words.
pub fn signal_label(s: Signal) -> &'static str {
    match s {
        Signal::AskedForSpace => "They asked for time or space",
        Signal::AskedNoContact => "They asked me not to contact them",
        Signal::Blocked => "They blocked me",
        Signal::ProtectiveOrder => "There is a legal or protective order",
        Signal::NewPartner => "They have a new partner",
        Signal::MajorLifeChange => {
            "They are going through a big change (a move, a loss, a new job)"
        }
        Signal::Angry => "They are angry with me",
        Signal::UnwillingToTalk => "They won't talk about it",
        Signal::Declined => "They said no",
        Signal::FriendsOnly => "They want friendship only",
        Signal::WarmReply => "They replied warmly",
        Signal::AgreedToTalk => "They agreed to talk",
        Signal::AgreedToTryAgain => "They agreed to try again",
        Signal::AgreedToCheckIns => "They agreed to regular check-ins",
        Signal::AskedForExplanation => "They asked me to explain what happened",
    }
}

/// What each passive sign is, in the user's words.
pub fn passive_label(p: Passive) -> &'static str {
    match p {
        Passive::Like => "They liked something of mine",
        Passive::Reaction => "They reacted to something of mine",
        Passive::StoryView => "They viewed my story or profile",
        Passive::Follow => "They followed me or accepted a request",
        Passive::PassedOn => "Someone passed on something they said",
        Passive::Seen => "I saw them somewhere by chance",
    }
}

pub struct Row {
    pub at: Timestamp,
    pub what: String,
    pub note: Option<String>,
    pub slip: bool,
}

#[derive(Template)]
#[template(path = "contacts.html")]
pub struct ContactsPage {
    pub page: Page,
    pub rows: Vec<Row>,
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

impl ContactsPage {
    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }
}

fn rows(history: &[Event], slips: &[String]) -> Vec<Row> {
    let mut rows: Vec<Row> = effective(history)
        .into_iter()
        .filter_map(|e| {
            let (what, note) = match &e.data {
                EventData::Contact {
                    dir: Direction::Out,
                    channel,
                    note,
                } => (format!("You got in touch ({channel})"), note.clone()),
                EventData::Contact {
                    dir: Direction::In,
                    channel,
                    note,
                } => (format!("They got in touch ({channel})"), note.clone()),
                EventData::Signal { signal, note } => {
                    (signal_label(*signal).to_string(), note.clone())
                }
                EventData::Passive { what, note } => (
                    format!(
                        "{} (no reply expected; changes nothing)",
                        passive_label(*what)
                    ),
                    note.clone(),
                ),
                EventData::Invitation { channel, words, .. } => (
                    format!("They got in touch ({channel}) and invited contact"),
                    Some(words.clone()),
                ),
                EventData::DraftSent { draft, channel, .. } => {
                    (format!("You sent a {draft} message ({channel})"), None)
                }
                EventData::Gesture { what, .. } => (format!("A gesture: {what}"), None),
                EventData::CheckIn { note } => ("A check-in".to_string(), note.clone()),
                _ => return None,
            };
            Some(Row {
                at: e.at,
                what,
                note,
                slip: slips.contains(&e.id),
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.at));
    rows
}

async fn page(ctx: &Ctx, error: Option<Problem>, slip_reasons: Vec<String>) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    let (plan, records, questions) = match (
        ctx.app.plan(&case, now).await,
        ctx.app.records(&case).await,
        ctx.app.questions(&case).await,
    ) {
        (Ok(p), Ok(h), Ok(q)) => (p, h, q),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return ctx.error(&e),
    };
    let slips: Vec<String> = plan.no_contact.slips.iter().map(|s| s.id.clone()).collect();
    let needs = records.their_needs();
    render_status(
        super::status_for(&error),
        &ContactsPage {
            page: ctx.page("Contact log", "contacts"),
            rows: rows(records.history(), &slips),
            questions,
            needs,
            signals: Signal::ALL
                .iter()
                .map(|s| (s.as_str(), signal_label(*s)))
                .collect(),
            passives: Passive::ALL
                .iter()
                .map(|p| (p.as_str(), passive_label(*p)))
                .collect(),
            channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
            stops: plan
                .holds
                .iter()
                .filter(|h| h.class == amends_core::plan::HoldClass::Stop)
                .copied()
                .collect(),
            outreach: plan.gate(amends_core::GateId::Outreach).clone(),
            error,
            slip_reasons,
        },
    )
}

pub async fn show(ctx: Ctx) -> Response {
    page(&ctx, None, vec![]).await
}

#[derive(Deserialize)]
pub struct ContactForm {
    dir: Option<String>,
    channel: Option<String>,
    note: Option<String>,
    at: Option<String>,
}

pub async fn log_contact(ctx: Ctx, Form(form): Form<ContactForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let dir: Direction =
            word(form.dir.as_deref()).map_err(|e| format!("Who got in touch? {e}"))?;
        let channel: Channel = word(form.channel.as_deref())?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        let logged = ctx
            .app
            .log_contact(&case, dir, channel, form.note.as_deref(), at, now)
            .await?;
        if !logged.slip {
            return Ok(Redirect::to("/contacts").into_response());
        }
        let mut intro = vec!["Recorded. Outreach was closed when this happened, so it counts as a slip; the truth matters more than a clean record. The reasons that held:".to_string()];
        intro.extend(
            logged
                .outreach_before
                .iter()
                .flat_map(|g| g.reasons.iter().map(ToString::to_string)),
        );
        Ok(page(&ctx, None, intro).await)
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}

#[derive(Deserialize)]
pub struct SignalForm {
    signal: Option<String>,
    note: Option<String>,
    at: Option<String>,
}

pub async fn log_signal(ctx: Ctx, Form(form): Form<SignalForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let signal: Signal = word(form.signal.as_deref())?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        ctx.app
            .log_signal(&case, signal, form.note.as_deref(), at, now)
            .await?;
        // Today shows what the signal changed, gates first.
        Ok(Redirect::to("/#gates-title").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}

#[derive(Deserialize)]
pub struct PassiveForm {
    what: Option<String>,
    note: Option<String>,
    at: Option<String>,
}

/// Issue 12: a like or a view is kept as what it is and changes nothing.
pub async fn log_passive(ctx: Ctx, Form(form): Form<PassiveForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let what: Passive = word(form.what.as_deref())?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        ctx.app
            .log_passive(&case, what, form.note.as_deref(), at, now)
            .await?;
        Ok(Redirect::to("/contacts#history-title").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}

#[derive(Deserialize)]
pub struct InvitationForm {
    channel: Option<String>,
    words: Option<String>,
    unblocked: Option<String>,
    partner_ended: Option<String>,
    at: Option<String>,
}

/// SAFE-1: they got in touch and invited contact, in their words.
pub async fn log_invitation(ctx: Ctx, Form(form): Form<InvitationForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let channel: Channel = word(form.channel.as_deref())?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        ctx.app
            .log_invitation(
                &case,
                channel,
                form.words.as_deref().unwrap_or(""),
                ticked(&form.unblocked),
                ticked(&form.partner_ended),
                at,
                now,
            )
            .await?;
        Ok(Redirect::to("/#gates-title").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}

#[derive(Deserialize)]
pub struct TextForm {
    text: Option<String>,
    id: Option<String>,
    at: Option<String>,
}

/// LS-1 and LS-6 to LS-8 take the same form: their words, and when.
enum Said {
    Question,
    Need,
}

async fn log_said(ctx: Ctx, form: TextForm, said: Said) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let (at, now) = ctx.when(form.at.as_deref()).await?;
        let text = form.text.as_deref().unwrap_or("");
        let back = match said {
            Said::Question => {
                ctx.app.log_question(&case, text, at, now).await?;
                "/contacts#questions"
            }
            Said::Need => {
                ctx.app.log_need(&case, text, at, now).await?;
                "/contacts#needs"
            }
        };
        Ok(Redirect::to(back).into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}

pub async fn log_question(ctx: Ctx, Form(form): Form<TextForm>) -> Response {
    log_said(ctx, form, Said::Question).await
}

pub async fn log_need(ctx: Ctx, Form(form): Form<TextForm>) -> Response {
    log_said(ctx, form, Said::Need).await
}

pub async fn answer_question(ctx: Ctx, Form(form): Form<TextForm>) -> Response {
    let done = async {
        let case = ctx.need_case()?;
        let id = form.id.as_deref().unwrap_or("");
        ctx.app.answer_question(&case, id, Timestamp::now()).await?;
        Ok(Redirect::to("/contacts#questions").into_response())
    };
    finish(done.await, |p| page(&ctx, Some(p), vec![])).await
}
