//! The use cases as typed commands (issue 13): one struct per request, in the shape the API
//! takes it, with its results beside it. serde reads them, refusing unknown fields, and schemars
//! describes them from the same types and doc comments, so the OpenAPI document cannot drift
//! from what is accepted. `run` calls the use case on [`App`]: the decisions stay there.

use std::future::Future;

use amends_core::{
    AmendsStatus, Answers, Bounds, Channel, Direction, DraftKind, EventData, FormId, HabitKind,
    Passive, PromiseOutcome, Relationship, Settings, Signal, SlipKind,
};
use amends_lint::{Kind, Report};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::help::{HelpResources, Resource};
use crate::{App, AppError, CaseSummary, JournalEntry, Logged, Result, ZoneSource, method};

/// A use case run against one case, at `now`.
pub trait Command {
    type Output;

    fn run(
        self,
        app: &App,
        case: &CaseSummary,
        now: Timestamp,
    ) -> impl Future<Output = Result<Self::Output>> + Send;
}

/// When it happened, in your time zone: a time like `2024-05-03T18:30:00+02:00`, a date
/// (`2024-05-03`), `today` or `yesterday`. Default now; never in the future.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct LoggedAt(pub String);

/// A moment that may be in the future, in your time zone: a date (the end of that day) or a
/// full time, e.g. `2024-06-01` or `2024-06-01T09:00:00+02:00`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
pub struct Moment(pub String);

/// Puts the name of the field to blame on an input error of a use case, so a front end can show
/// it beside that field (other errors pass unchanged).
pub fn blame(field: &'static str) -> impl Fn(AppError) -> AppError {
    move |e| match e {
        AppError::Invalid {
            field: None,
            message,
        } => AppError::field(field, message),
        e @ (AppError::EmptyText | AppError::EmptyName | AppError::InvalidUtf8 { .. }) => {
            AppError::field(field, e.to_string())
        }
        AppError::TooLong { size, limit, .. } => AppError::TooLong {
            size,
            limit,
            field: Some(field),
        },
        e => e,
    }
}

/// The `at` of a command: when it happened (now when left out), never in the future.
pub async fn at(app: &App, at: Option<&LoggedAt>, now: Timestamp) -> Result<Timestamp> {
    let at = app
        .when(at.map(|w| w.0.as_str()), now)
        .await
        .map_err(blame("at"))?;
    // The use case refuses this too; saying it here names the field to fix.
    if at > now {
        return Err(AppError::field(
            "at",
            format!("{at} is in the future; log things once they have happened"),
        ));
    }
    Ok(at)
}

/// A moment that may be in the future (a due date, the moment to show the plan at).
pub async fn moment(
    app: &App,
    field: &'static str,
    m: Option<&Moment>,
    now: Timestamp,
) -> Result<Option<Timestamp>> {
    let Some(m) = m else { return Ok(None) };
    let tz = app.time_zone().await;
    method::parse_moment(&m.0, &tz, now)
        .map(Some)
        .map_err(blame(field))
}

/// `--at` on the command line, worded for it.
#[cfg(feature = "clap")]
const AT_HELP: &str = "When it happened, if not now: 2024-05-03, yesterday, or \
                       2024-05-03T18:30:00+02:00. A plain date counts as the end of that day, in \
                       your time zone";

/// `--at` on the command line, as given: read like the API's (see [`at`]).
impl From<String> for LoggedAt {
    fn from(s: String) -> Self {
        LoggedAt(s)
    }
}

/// `--due` on the command line, as given: read like the API's (see [`moment`]).
impl From<String> for Moment {
    fn from(s: String) -> Self {
        Moment(s)
    }
}

/// Logs an entry; the answer carries the outreach gate (NC-1) and what the safety scan found.
/// A command marked `cli` is also the CLI's arguments for it (`clap::Args`, with the crate's
/// `clap` feature): its fields then say how the command line takes them.
macro_rules! logs {
    (cli $($rest:tt)*) => {
        logs! {
            @ [#[cfg_attr(feature = "clap", derive(clap::Args))]]
            [#[cfg_attr(feature = "clap", arg(long, value_name = "TIME", help = AT_HELP))]]
            $($rest)*
        }
    };
    (@ [$(#[$derive:meta])*] [$(#[$at_arg:meta])*]
     $(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty),* $(,)? }
     |$s:ident, $app:ident, $case:ident, $at:ident, $now:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Deserialize, JsonSchema)]
        $(#[$derive])*
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
            $(#[$at_arg])*
            pub at: Option<LoggedAt>,
        }

        impl Command for $name {
            type Output = Logged;

            async fn run($s, $app: &App, $case: &CaseSummary, $now: Timestamp) -> Result<Logged> {
                let $at = at($app, $s.at.as_ref(), $now).await?;
                $body
            }
        }
    };
    ($($rest:tt)*) => {
        logs! { @ [] [] $($rest)* }
    };
}

logs! {
    cli
    /// NC-1: a contact, either way. Recorded even while outreach is closed: the truth matters.
    /// The answer then has `slip: true` and `outreach_before` with the gate's reasons.
    LogContact {
        /// out: you reached them; in: they reached you.
        #[cfg_attr(feature = "clap", arg(long))]
        dir: Direction,
        /// How (NC-1: every channel counts, likes too).
        #[cfg_attr(feature = "clap", arg(long))]
        channel: Channel,
        /// A note in your own words (stored encrypted).
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.log_contact(case, self.dir, self.channel, self.note.as_deref(), at, now).await
}

logs! {
    cli
    /// What they showed or said. A "no" (asked-no-contact, blocked, declined,
    /// protective-order) locks outreach for good (SAFE-1).
    LogSignal {
        signal: Signal,
        /// A note in your own words.
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.log_signal(case, self.signal, self.note.as_deref(), at, now).await
}

logs! {
    cli
    /// A passive sign of theirs (a like, a reaction, a view, word passed on), kept as what it
    /// is: no reply expected, and it changes no gate (issue 12).
    LogPassive {
        what: Passive,
        /// A note in your own words.
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.log_passive(case, self.what, self.note.as_deref(), at, now).await
}

logs! {
    cli
    /// SAFE-1: they got in touch and invited contact. The only record that lifts a "no" or a
    /// no-contact request; a block only with `unblocked`, a new partner (WA-3) only with
    /// `partner_ended`. Violence and a protective order never lift.
    LogInvitation {
        /// How they got in touch.
        #[cfg_attr(feature = "clap", arg(long))]
        channel: Channel,
        /// What they said, in their words.
        #[cfg_attr(feature = "clap", arg(long))]
        words: String,
        /// They unblocked you (default false).
        #[serde(default)]
        #[cfg_attr(feature = "clap", arg(long))]
        unblocked: bool,
        /// They said they are no longer with their new partner (default false).
        #[serde(default)]
        #[cfg_attr(feature = "clap", arg(long))]
        partner_ended: bool,
    }
    |self, app, case, at, now| app.log_invitation(case, self.channel, &self.words, self.unblocked, self.partner_ended, at, now).await
}

logs! {
    cli
    /// SAFE-7: a no-contact slip that was not a message (watching them counts).
    LogSlip {
        what: SlipKind,
        /// A note in your own words.
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.log_slip(case, self.what, self.note.as_deref(), at, now).await
}

logs! {
    cli
    /// NC-6: an urge to reach out, and what you did instead.
    LogUrge {
        /// 1 (faint) to 10 (overwhelming).
        #[cfg_attr(feature = "clap", arg(long))]
        intensity: i64,
        /// What you did instead.
        #[cfg_attr(feature = "clap", arg(long))]
        instead: String,
        /// A note in your own words.
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.log_urge(case, self.intensity, &self.instead, self.note.as_deref(), at, now).await
}

logs! {
    /// SI-1 to SI-9, DMG-9: a self-work entry.
    LogHabit {
        habit: HabitKind,
        /// Hours of sleep, minutes of exercise, meals, sessions or contacts; a step counts 1
        /// when left out.
        value: Option<f64>,
        /// A note; for a step, what you did (required then).
        note: Option<String>,
        /// DMG-9: the id of the prevention plan this practises.
        plan: Option<String>,
    }
    |self, app, case, at, now| {
        let value = match (self.value, self.habit) {
            (Some(v), _) => v,
            // SI-9: a step is described in words and counts once, as on the command line.
            (None, HabitKind::Step) => 1.0,
            (None, habit) => {
                return Err(AppError::field(
                    "value",
                    format!("this field is missing; give the {} as a number", habit.unit()),
                ));
            }
        };
        app.log_habit(case, self.habit, value, self.note.as_deref(), self.plan.as_deref(), at, now)
            .await
    }
}

logs! {
    cli
    /// TR-3, TR-4: a promise. At most a few may be open at once.
    AddPromise {
        /// The promise, in your words.
        text: String,
        /// When it is due; may be in the future.
        #[cfg_attr(feature = "clap", arg(long))]
        due: Option<Moment>,
    }
    |self, app, case, at, now| {
        let due = moment(app, "due", self.due.as_ref(), now).await?;
        app.promise_add(case, &self.text, due, at, now).await
    }
}

logs! {
    cli
    /// TR-5: a check-in they agreed to.
    CheckIn {
        /// A note in your own words.
        #[cfg_attr(feature = "clap", arg(long))]
        note: Option<String>,
    }
    |self, app, case, at, now| app.checkin(case, self.note.as_deref(), at, now).await
}

logs! {
    /// AM-2, SAFE-9: what they asked for, with your own check of it.
    AddAmends {
        /// What they asked for, in their words (AM-2).
        request: String,
        /// Your own check (SAFE-9, AM-3): is it affordable, legal and safe?
        bounds: Bounds,
    }
    |self, app, case, at, now| app.amends_add(case, &self.request, self.bounds, at, now).await
}

logs! {
    cli
    /// KG-1, KG-3: a kind gesture. It is contact you started, so the answer reports the
    /// outreach gate.
    LogGesture {
        /// The gesture.
        what: String,
        /// What it cost, 0 or more (KG-3: small).
        #[cfg_attr(feature = "clap", arg(long, allow_negative_numbers = true))]
        cost: f64,
        /// KG-1: the preference of theirs it answers.
        #[cfg_attr(feature = "clap", arg(long))]
        preference: Option<String>,
    }
    |self, app, case, at, now| app.gesture_add(case, &self.what, self.cost, self.preference.as_deref(), at, now).await
}

logs! {
    cli
    /// LS-6 to LS-8: what they said they need.
    LogNeed {
        /// What they said they need, in their words.
        text: String,
    }
    |self, app, case, at, now| app.log_need(case, &self.text, at, now).await
}

logs! {
    /// TR-3: what became of a promise.
    UpdatePromise {
        /// What became of it.
        outcome: PromiseOutcome,
        /// The new date, for a renegotiated promise.
        due: Option<Moment>,
        /// A note in your own words.
        note: Option<String>,
        /// The promise, from the path.
        #[serde(skip)]
        #[schemars(skip)]
        promise: String,
    }
    |self, app, case, at, now| {
        let due = moment(app, "due", self.due.as_ref(), now).await?;
        app.promise_update(case, &self.promise, self.outcome, due, self.note.as_deref(), at, now)
            .await
    }
}

logs! {
    /// AM-2: where an amends item stands now.
    UpdateAmends {
        status: AmendsStatus,
        /// A note in your own words.
        note: Option<String>,
        /// The item, from the path.
        #[serde(skip)]
        #[schemars(skip)]
        item: String,
    }
    |self, app, case, at, now| app.amends_update(case, &self.item, self.status, self.note.as_deref(), at, now).await
}

/// Answers to a questionnaire or a workbook section; GET /forms/{id} lists the questions.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormAnswers {
    /// Question id to answer: text, a number, true or false, or a list of option ids or lines.
    pub answers: Answers,
    pub at: Option<LoggedAt>,
}

impl FormAnswers {
    pub async fn assess(
        self,
        app: &App,
        case: &CaseSummary,
        form: FormId,
        now: Timestamp,
    ) -> Result<Logged> {
        let at = at(app, self.at.as_ref(), now).await?;
        app.assess(case, form, self.answers, at, now).await
    }

    pub async fn workbook(
        self,
        app: &App,
        case: &CaseSummary,
        section: &str,
        now: Timestamp,
    ) -> Result<Logged> {
        let at = at(app, self.at.as_ref(), now).await?;
        app.workbook(case, section, self.answers, at, now).await
    }
}

/// An entry recorded: its id, its kind and when it happened.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Recorded {
    /// The id of the new entry.
    pub id: String,
    /// The kind of entry stored.
    pub kind: &'static str,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
}

impl Recorded {
    fn question(id: String, at: Timestamp) -> Self {
        Recorded {
            id,
            kind: "their-question",
            at,
        }
    }
}

/// LS-1: a question they asked, to answer fully and honestly.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddQuestion {
    /// Their question, as they asked it.
    pub text: String,
    pub at: Option<LoggedAt>,
}

impl Command for AddQuestion {
    type Output = Recorded;

    async fn run(self, app: &App, case: &CaseSummary, now: Timestamp) -> Result<Recorded> {
        let at = at(app, self.at.as_ref(), now).await?;
        let logged = app.log_question(case, &self.text, at, now).await;
        Ok(Recorded::question(logged.map_err(blame("text"))?.id, at))
    }
}

/// Marks a question answered, as a correction of it: the answer gives its new id.
pub async fn answer_question(
    app: &App,
    case: &CaseSummary,
    id: &str,
    now: Timestamp,
) -> Result<Recorded> {
    // By its id now or any it had: a question answered before has a new id (issue 14).
    let Some(question) = app.question(case, id).await? else {
        return Err(AppError::NotFound {
            what: "question",
            id: id.to_string(),
            hint: "; GET /api/v1/questions lists them, and a question gets a new id when it \
                   is marked answered",
        });
    };
    // A second mark would add a correction that changes nothing.
    if question.answered {
        return Err(AppError::Refused(crate::Refusal::AlreadyAnswered));
    }
    let answered = app.answer_question(case, &question.id, now).await?;
    Ok(Recorded::question(answered.id, question.at))
}

/// MO-2: a private journal entry; it can never be sent.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddJournal {
    /// The entry; never sendable (MO-2).
    pub text: String,
    pub at: Option<LoggedAt>,
}

/// A journal entry saved, and what the safety scan found in it (SAFE-3, SAFE-4).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct JournalSaved {
    pub id: String,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
    /// SAFE-3: self-harm or suicide language was found.
    pub crisis: bool,
    /// SAFE-4: a threat to someone else was found.
    pub threat: bool,
    /// The crisis lines when crisis is true; the anger lines when only threat is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Vec<Resource>>,
}

impl Command for AddJournal {
    type Output = JournalSaved;

    async fn run(self, app: &App, case: &CaseSummary, now: Timestamp) -> Result<JournalSaved> {
        let at = at(app, self.at.as_ref(), now).await?;
        let id = app
            .journal_add(case, &self.text, at, now)
            .await
            .map_err(blame("text"))?;
        let safety = crate::safety::scan(&self.text);
        let help = crate::help::resources();
        let lines = if safety.crisis {
            Some(help.crisis.clone())
        } else {
            safety.threat.then(|| help.anger.clone())
        };
        Ok(JournalSaved {
            id,
            at,
            crisis: safety.crisis,
            threat: safety.threat,
            help: lines,
        })
    }
}

/// The whole working draft; it replaces the saved one (an empty text clears it).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// The whole draft.
    pub text: String,
}

/// The working draft of a kind, kept encrypted as it is typed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Draft {
    pub kind: DraftKind,
    pub text: String,
}

/// A working draft saved.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DraftSaved {
    pub kind: DraftKind,
    pub saved: bool,
    /// Its size in bytes.
    pub bytes: usize,
}

/// A command on one working draft of a case: the kind (from the API's path), and the command
/// (from the body). With the kind in it, it runs as every other command of a case does.
#[derive(Clone, Debug)]
pub struct OnDraft<C> {
    pub kind: DraftKind,
    pub command: C,
}

impl Command for OnDraft<SaveDraft> {
    type Output = DraftSaved;

    async fn run(self, app: &App, case: &CaseSummary, now: Timestamp) -> Result<DraftSaved> {
        let (kind, text) = (self.kind, self.command.text);
        app.save_working_draft(case, kind, &text, now)
            .await
            .map_err(blame("text"))?;
        Ok(DraftSaved {
            kind,
            saved: true,
            bytes: text.len(),
        })
    }
}

/// Logs that you sent a draft yourself; amends never sends anything.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkSent {
    /// How you sent it yourself.
    pub channel: Channel,
    /// What was sent; default the saved working draft.
    pub text: Option<String>,
}

impl Command for OnDraft<MarkSent> {
    type Output = Logged;

    /// Refused with every reason and the verdict unless the outreach gate is open, the kind is
    /// allowed now and the coach's verdict is not do-not-send (`Refusal::NotSendable`).
    async fn run(self, app: &App, case: &CaseSummary, now: Timestamp) -> Result<Logged> {
        let (kind, MarkSent { channel, text }) = (self.kind, self.command);
        let text = match text {
            Some(t) => t,
            None => app.working_draft(case, kind).await?,
        };
        if text.trim().is_empty() {
            return Err(AppError::field(
                "text",
                "there is nothing to mark as sent: the draft is empty".into(),
            ));
        }
        app.mark_sent(case, kind, channel, &text, now).await
    }
}

/// A text for the message coach. It is not stored.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckText {
    /// What the text is for; journal runs only the safety check.
    pub kind: Kind,
    /// The text to check.
    pub text: String,
    /// true: also check it against the records of the current case (needs an unlocked
    /// session) and answer whether it may be marked as sent.
    #[serde(default)]
    pub records: bool,
    /// With records: how it would be sent.
    pub channel: Option<Channel>,
    /// With records, for a gift note: what the gesture costs.
    pub gift_cost: Option<f64>,
}

/// The report of DESIGN.md ("The check output"); with records, two answers beside it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CheckResult {
    #[serde(flatten)]
    pub report: Report,
    /// Present when findings were left out: the answer lists at most 20 findings of each rule
    /// (the verdict counts them all), excerpts of at most 200 bytes and 20 spans per component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings_not_shown: Option<usize>,
    /// With records: whether this draft may be logged as sent now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_mark_sent: Option<bool>,
    /// With records: why not, each with its METHOD id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_because: Option<Vec<String>>,
}

/// The most findings of one rule an answer carries, and the longest excerpt. The check is
/// public, and 1 MiB of text with a phrase repeated made a response 34 times its size: one
/// finding per repeat, and the whole text as the excerpt of each whole-message finding
/// (issue 14, defect 12). The verdict and `crisis` are decided on every finding; the spans
/// still point into the whole text.
pub const MAX_FINDINGS_PER_RULE: usize = 20;
pub const MAX_EXCERPT_BYTES: usize = 200;
/// The most spans a component lists (each is evidence enough that it is present).
pub const MAX_COMPONENT_SPANS: usize = 20;

impl CheckResult {
    /// A report cut down to the bounds above.
    pub fn bounded(mut report: Report) -> Self {
        let mut per_rule: std::collections::HashMap<String, usize> = Default::default();
        let before = report.findings.len();
        report.findings.retain(|f| {
            let seen = per_rule.entry(f.rule.to_string()).or_default();
            *seen += 1;
            *seen <= MAX_FINDINGS_PER_RULE
        });
        let not_shown = before - report.findings.len();
        for f in &mut report.findings {
            if f.excerpt.len() > MAX_EXCERPT_BYTES {
                let mut cut = MAX_EXCERPT_BYTES;
                while !f.excerpt.is_char_boundary(cut) {
                    cut -= 1;
                }
                f.excerpt.truncate(cut);
                f.excerpt.push('\u{2026}');
            }
        }
        for c in &mut report.components {
            c.spans.truncate(MAX_COMPONENT_SPANS);
        }
        CheckResult {
            report,
            findings_not_shown: (not_shown > 0).then_some(not_shown),
            can_mark_sent: None,
            blocked_because: None,
        }
    }
}

impl CheckText {
    /// Refuses what no check can run on, before any work: an empty text, one over the limit,
    /// the records' fields without records.
    pub fn validate(&self) -> Result<()> {
        if self.text.trim().is_empty() {
            return Err(AppError::field(
                "text",
                "nothing to check: the text is empty".into(),
            ));
        }
        if self.text.len() > crate::MAX_TEXT_BYTES {
            return Err(AppError::TooLong {
                size: self.text.len(),
                limit: crate::MAX_TEXT_BYTES,
                field: Some("text"),
            });
        }
        if !self.records {
            let only = [
                ("channel", self.channel.is_some()),
                ("gift_cost", self.gift_cost.is_some()),
            ];
            if let Some((field, _)) = only.iter().find(|(_, given)| *given) {
                return Err(AppError::field(
                    field,
                    "this is only used with \"records\": true".into(),
                ));
            }
        }
        Ok(())
    }

    /// The text alone: no records, no session.
    pub fn report(&self) -> Result<CheckResult> {
        crate::coach::check_text(&self.text, self.kind).map(CheckResult::bounded)
    }
}

impl Command for CheckText {
    type Output = CheckResult;

    /// With the records of the case: the report, and whether it may be marked as sent.
    async fn run(self, app: &App, case: &CaseSummary, now: Timestamp) -> Result<CheckResult> {
        let draft: DraftKind = self.kind.as_str().parse().map_err(|_| {
            AppError::field(
                "records",
                "a journal entry is never sent (MO-2), so there are no records to check it \
                 against; leave records out"
                    .into(),
            )
        })?;
        let checked = app
            .check_draft(case, draft, &self.text, self.channel, self.gift_cost, now)
            .await?;
        Ok(CheckResult {
            can_mark_sent: Some(checked.can_mark_sent),
            blocked_because: Some(checked.blocked_because),
            ..CheckResult::bounded(checked.report)
        })
    }
}

/// A new case, made the current one.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// A first name or a label; stored encrypted.
    pub name: String,
    /// Who they are to you.
    pub relationship: Relationship,
}

impl CreateCase {
    pub async fn run(self, app: &App) -> Result<CaseSummary> {
        app.create_case(&self.name, self.relationship)
            .await
            .map_err(blame("name"))
    }
}

/// The cases, and which one the session is on.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    /// The id of the current case.
    pub current: Option<String>,
}

/// Change the time zone or tune METHOD defaults; only the fields given change. Targets and
/// reminders belong to the current case.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UpdateSettings {
    /// An IANA name such as Europe/Berlin; days are counted in it.
    pub time_zone: Option<String>,
    /// The targets, each above 0 (a METHOD default, never a SAFE rule). A field neither has
    /// is refused by the schema's walk before serde reads the rest (serde cannot refuse
    /// unknown fields beside a flattened struct).
    #[serde(flatten)]
    pub targets: Settings,
}

/// The time zone, the calendar reminders and the gesture cost limit.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SettingsState {
    /// The IANA name; null when the system's zone has none.
    pub time_zone: Option<String>,
    /// Where `time_zone` came from: `saved`; `system` when none was saved; `unusable` when
    /// one was saved but can no longer be read, so days are counted in the system's zone
    /// until it is set again. Tell the user then, as the settings page does (issue 13).
    pub time_zone_source: ZoneSource,
    pub reminders: Vec<HabitKind>,
    pub gesture_cost_limit: Option<f64>,
    /// Whether this request changed anything.
    pub changed: bool,
}

impl SettingsState {
    pub async fn read(app: &App, case: Option<&CaseSummary>, now: Timestamp) -> Result<Self> {
        let zone = app.zone().await;
        let plan = match case {
            Some(case) => Some(app.plan(case, now).await?),
            None => None,
        };
        Ok(SettingsState {
            time_zone: zone.tz.iana_name().map(str::to_string),
            time_zone_source: zone.source,
            reminders: plan
                .as_ref()
                .map(|p| p.reminders.clone())
                .unwrap_or_default(),
            gesture_cost_limit: plan.as_ref().map(|p| p.gestures.cost_limit),
            changed: false,
        })
    }
}

impl UpdateSettings {
    /// The time zone needs no case; the targets do (a 409 without one).
    pub async fn run(
        self,
        app: &App,
        case: Option<&CaseSummary>,
        now: Timestamp,
    ) -> Result<SettingsState> {
        let mut changed = false;
        if let Some(name) = &self.time_zone {
            app.set_time_zone(name).await.map_err(blame("time_zone"))?;
            changed = true;
        }
        let settings = self.targets;
        if settings != Settings::default() {
            let case = case.ok_or(AppError::NoCase)?;
            app.update_settings(case, settings, now).await?;
            changed = true;
        }
        Ok(SettingsState {
            changed,
            ..SettingsState::read(app, case, now).await?
        })
    }
}

/// Your own help number for where you live.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLocalHelp {
    /// A name and number for help where you live, up to 500 characters (stored encrypted);
    /// empty to remove it.
    pub text: String,
}

/// Help now (SAFE-3): the lists, and your own local number.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Help {
    #[serde(flatten)]
    pub resources: HelpResources,
    /// Your own number for where you live; null while locked or unset.
    pub local: Option<String>,
}

impl Help {
    /// The lists, with the local number when amends is unlocked. Failing to read the number
    /// never hides the crisis lines.
    pub async fn read(app: Option<&App>) -> Help {
        let local = match app {
            Some(app) => app.local_help().await.ok().flatten(),
            None => None,
        };
        Help {
            resources: crate::help::resources().clone(),
            local,
        }
    }
}

impl SetLocalHelp {
    pub async fn run(self, app: &App) -> Result<Help> {
        app.set_local_help(&self.text)
            .await
            .map_err(blame("text"))?;
        Ok(Help::read(Some(app)).await)
    }
}

/// Correct an entry: the whole entry as it should be, in the shape GET /events/{id} shows under
/// `entry`, with the same kind. The history keeps both; the plan counts the correction.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Correct {
    pub entry: EventData,
    /// When it happened, if that was wrong too; default the time of the entry it corrects.
    pub at: Option<LoggedAt>,
}

impl Correct {
    /// It passes the checks a new entry of its kind would; a rule may refuse it (SAFE-1,
    /// SAFE-2, SAFE-8, an entry corrected already).
    pub async fn run(
        self,
        app: &App,
        case: &CaseSummary,
        id: &str,
        now: Timestamp,
    ) -> Result<Recorded> {
        let records = app.records(case).await?;
        let old = records.entry(id).ok_or_else(|| no_entry(id))?;
        let at = match &self.at {
            Some(_) => at(app, self.at.as_ref(), now).await?,
            None => old.at,
        };
        let kind = self.entry.kind();
        let id = app
            .correct(case, id, self.entry, at, now)
            .await
            .map_err(blame("entry"))?;
        Ok(Recorded { id, kind, at })
    }
}

fn no_entry(id: &str) -> AppError {
    AppError::NotFound {
        what: "entry",
        id: id.to_string(),
        hint: " in the current case; GET /api/v1/events lists the entries that count now",
    }
}

/// One entry as stored, with what corrected it: a client corrects the version that counts.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EventRecord {
    pub id: String,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
    #[schemars(with = "amends_core::schema::Time")]
    pub recorded_at: Timestamp,
    /// The entry this one corrected.
    pub supersedes: Option<String>,
    /// The correction that replaced it; null while it counts.
    pub corrected_by: Option<String>,
    pub entry: EventData,
}

/// The entries that count now, oldest first.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EventList {
    pub events: Vec<EventRecord>,
}

/// Which entries to list.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only entries of this kind (an `Entry` kind, e.g. `contact`).
    pub kind: Option<String>,
}

fn record(e: &amends_core::Event, records: &crate::records::Records) -> EventRecord {
    EventRecord {
        id: e.id.clone(),
        at: e.at,
        recorded_at: e.recorded_at,
        supersedes: e.supersedes.clone(),
        corrected_by: records.corrected_by(&e.id).map(|c| c.id.clone()),
        entry: e.data.clone(),
    }
}

/// Every kind of entry the core stores, as the `Entry` schema lists them.
pub fn entry_kinds() -> Vec<String> {
    let schema = schemars::schema_for!(EventData);
    schema
        .get("oneOf")
        .and_then(|v| v.as_array())
        .map(|variants| {
            variants
                .iter()
                .filter_map(|v| v.pointer("/properties/kind/const")?.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl EventsQuery {
    pub async fn run(self, app: &App, case: &CaseSummary) -> Result<EventList> {
        if let Some(k) = &self.kind {
            let kinds = entry_kinds();
            if !kinds.contains(k) {
                return Err(AppError::field(
                    "kind",
                    format!("unknown kind {k:?}; use one of: {}", kinds.join(", ")),
                ));
            }
        }
        let records = app.records(case).await?;
        let events = records
            .current_of_kind(self.kind.as_deref())
            .into_iter()
            .map(|e| record(e, &records))
            .collect();
        Ok(EventList { events })
    }
}

/// One entry of the current case, as stored.
pub async fn event(app: &App, case: &CaseSummary, id: &str) -> Result<EventRecord> {
    let records = app.records(case).await?;
    let entry = records.entry(id).ok_or_else(|| no_entry(id))?;
    Ok(record(entry, &records))
}

/// The moment to show the plan at.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// Default now; a later moment shows when gates would open.
    pub at: Option<Moment>,
}

impl StatusQuery {
    pub async fn run(
        self,
        app: &App,
        case: &CaseSummary,
        now: Timestamp,
    ) -> Result<amends_core::Plan> {
        let at = match &self.at {
            // "today" is now, "yesterday" its end, a later date the end of that day.
            Some(m) => crate::parse_at(&m.0, &app.time_zone().await, now).map_err(blame("at"))?,
            None => now,
        };
        app.plan(case, at).await
    }
}

/// How far back the charts go.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartsQuery {
    /// How many days back, today included: 30 (default) or 90; any number from 7 to 366 works.
    pub days: Option<i64>,
}

impl ChartsQuery {
    pub async fn run(
        self,
        app: &App,
        case: &CaseSummary,
        now: Timestamp,
    ) -> Result<crate::charts::Series> {
        let days = match self.days {
            None => 30,
            Some(d @ 7..=366) => d as usize,
            Some(d) => {
                return Err(AppError::field(
                    "days",
                    format!("{d} is out of range; give 30 or 90 (any number from 7 to 366 works)"),
                ));
            }
        };
        app.chart_series(case, now, days).await
    }
}

/// Which file format to export.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// json (default) or markdown. The file is not encrypted: keep it safe.
    pub format: Option<crate::ExportFormat>,
}

/// The amends ledger and the gestures.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AmendsList {
    pub items: Vec<amends_core::plan::AmendsEntry>,
    pub gestures: amends_core::plan::Gestures,
}

/// Their questions, oldest first.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuestionList {
    pub questions: Vec<crate::listening::Question>,
}

/// The private journal, oldest first.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct JournalList {
    pub entries: Vec<JournalEntry>,
}

/// A questionnaire or workbook section as a client renders it, with where to send the answers.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FormEntry {
    /// questionnaire or workbook.
    pub kind: &'static str,
    /// Where to POST the answers.
    pub submit: String,
    #[serde(flatten)]
    pub form: amends_core::Form,
}

/// The questionnaires and workbook sections.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FormList {
    pub forms: Vec<FormEntry>,
}

impl FormList {
    /// Every form, each with the API path its answers go to under `prefix`.
    pub fn all(prefix: &str) -> FormList {
        let questionnaires = FormId::ALL.iter().map(|id| FormEntry {
            kind: "questionnaire",
            submit: format!("{prefix}/assessments/{}", id.as_str()),
            form: *id.form(),
        });
        let sections = amends_core::WORKBOOK.iter().map(|s| FormEntry {
            kind: "workbook",
            submit: format!("{prefix}/workbook/{}", s.id),
            form: s.form,
        });
        FormList {
            forms: questionnaires.chain(sections).collect(),
        }
    }
}

/// The passphrase that opens amends.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unlock {
    pub passphrase: String,
}

/// The passphrase to choose; it cannot be recovered if forgotten.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstRun {
    pub passphrase: String,
}

/// A new passphrase, with the current one, so an unlocked screen left alone is not enough to
/// lock its owner out.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassphrase {
    /// The passphrase that opens amends now.
    pub current: String,
    /// The new passphrase; it cannot be recovered if forgotten.
    pub new: String,
}

/// Delete everything: every case and entry. There is no undo.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wipe {
    /// Exactly "delete everything", to show this is meant.
    pub confirm: String,
}
