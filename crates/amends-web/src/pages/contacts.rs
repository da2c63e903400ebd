//! The contact log and their signals (NC-1, SAFE-1, SAFE-5, WA-*, RC-10), their questions (LS-1)
//! and their needs (LS-6 to LS-8). The truth is always recorded: contact logged while outreach
//! was closed is kept and shown as a slip, with the reasons that held.

use crate::http::Problem;
use amends_app::command::{
    AddQuestion, Command, LogContact, LogInvitation, LogNeed, LogPassive, LogSignal, LoggedAt,
};
use amends_app::listening::Question;
use amends_app::views::{labels, pages};
use amends_core::plan::{ActiveHold, HoldClass};
use amends_core::{Channel, Gate, GateId, Passive, Signal};
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

impl LogForm {
    /// When it happened, as the form says (empty is now).
    fn at(&self) -> Option<LoggedAt> {
        super::logged_at(self.at.as_deref())
    }

    /// A text field, empty when the browser left it out.
    fn text(field: &Option<String>) -> String {
        field.clone().unwrap_or_default()
    }
}

/// Runs the typed use case one of the page's forms maps to (issue 13: the page maps fields,
/// the app reads and checks them as the API's do), and answers with the page and the problem
/// when it stops.
async fn log<C: Command>(
    ctx: &Ctx,
    command: Result<C, String>,
    done: impl AsyncFnOnce(C::Output) -> super::Step<Response>,
) -> Response {
    ctx.command(command, done, async |p| page(ctx, Some(p), vec![]).await)
        .await
}

pub async fn log_contact(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let contact = || {
        Ok(LogContact {
            dir: word(f.dir.as_deref()).map_err(|e| format!("Who got in touch? {e}"))?,
            channel: word(f.channel.as_deref())?,
            note: f.note.clone(),
            at: f.at(),
        })
    };
    log(&ctx, contact(), async |logged| {
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
    let signal = || {
        Ok(LogSignal {
            signal: word(f.signal.as_deref())?,
            note: f.note.clone(),
            at: f.at(),
        })
    };
    // Today shows what the signal changed, gates first.
    log(&ctx, signal(), async |_| Ok(to("/#gates-title"))).await
}

/// Issue 12: a like or a view is kept as what it is and changes nothing.
pub async fn log_passive(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let passive = || {
        Ok(LogPassive {
            what: word(f.what.as_deref())?,
            note: f.note.clone(),
            at: f.at(),
        })
    };
    log(&ctx, passive(), async |_| Ok(to("/contacts#history-title"))).await
}

/// SAFE-1: they got in touch and invited contact, in their words.
pub async fn log_invitation(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let invitation = || {
        Ok(LogInvitation {
            channel: word(f.channel.as_deref())?,
            words: LogForm::text(&f.words),
            unblocked: ticked(&f.unblocked),
            partner_ended: ticked(&f.partner_ended),
            at: f.at(),
        })
    };
    log(&ctx, invitation(), async |_| Ok(to("/#gates-title"))).await
}

/// LS-1: a question they asked, in their words.
pub async fn log_question(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let question = AddQuestion {
        text: LogForm::text(&f.text),
        at: f.at(),
    };
    log(&ctx, Ok(question), async |_| Ok(to("/contacts#questions"))).await
}

/// LS-6 to LS-8: what they said they need, in their words.
pub async fn log_need(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let need = LogNeed {
        text: LogForm::text(&f.text),
        at: f.at(),
    };
    log(&ctx, Ok(need), async |_| Ok(to("/contacts#needs"))).await
}

/// Marks a question answered: no moment of its own (it corrects the question), so it is not
/// one of the typed commands that log.
pub async fn answer_question(ctx: Ctx, Form(f): Form<LogForm>) -> Response {
    let again = async |p| page(&ctx, Some(p), vec![]).await;
    ctx.run(
        f.at.as_deref(),
        async |case, _, now| {
            ctx.app
                .answer_question(&case, f.id.as_deref().unwrap_or(""), now)
                .await?;
            Ok(to("/contacts#questions"))
        },
        again,
    )
    .await
}
