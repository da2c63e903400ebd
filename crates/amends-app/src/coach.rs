//! The message coach as a use case: the pure linter, plus the checks that need the user's records
//! (L-13 claims against the trackers, L-16 cadence, L-21 gift cost), the draft kept as the user
//! types, and "mark as sent", which only the open outreach gate and a sendable verdict allow.

use amends_core::plan::Capability;
use amends_core::{Channel, DraftKind, GateId, Plan};
use amends_lint::{Context, LoggedStep};

// Front ends render the coach's report; they reach its types through this crate.
pub use amends_lint::{ComponentReport, Finding, Kind, Report, Severity, Span, Verdict};
use amends_store::Store;
use jiff::Timestamp;
use serde::Serialize;
use tracing::instrument;

use crate::error::reason_line;
use crate::method::Logged;
use crate::{App, AppError, CaseSummary, Refusal, Result};

/// The message kinds a draft can have, as the coach names them.
pub fn lint_kind(kind: DraftKind) -> Kind {
    match kind {
        DraftKind::First => Kind::First,
        DraftKind::Apology => Kind::Apology,
        DraftKind::Email => Kind::Email,
        DraftKind::Ask => Kind::Ask,
        DraftKind::Gift => Kind::Gift,
    }
}

fn lexicon_error(e: &amends_lint::LexiconError) -> AppError {
    // The lexicons are compiled in and tested; this is a build defect, said plainly.
    AppError::invalid(format!("the message coach could not start: {e}"))
}

/// Checks any text, with no records (what `amends check` does without `--case`).
pub fn check_text(text: &str, kind: Kind) -> Result<Report> {
    amends_lint::check(text, kind, None).map_err(lexicon_error)
}

/// SAFE-3: whether a text holds self-harm language. Runs on journal entries and drafts alike.
pub fn crisis_language(text: &str) -> bool {
    check_text(text, Kind::Journal).is_ok_and(|r| r.crisis)
}

/// What the coach may know of the records, taken from the plan (L-13, L-16, L-21).
pub fn context_from_plan(plan: &Plan, channel: Option<Channel>, gift_cost: Option<f64>) -> Context {
    let e = &plan.evidence;
    let days = |d: i64| u32::try_from(d.max(0)).unwrap_or(u32::MAX);
    Context {
        therapy_sessions: e.therapy_sessions,
        therapy_first_session_days_ago: e.therapy_first_session_days_ago.map(days),
        steps: e
            .steps
            .iter()
            .map(|s| LoggedStep {
                label: s.label.clone(),
                days_ago: days(s.days_ago),
            })
            .collect(),
        records_known: true,
        times_happened: e.times_happened,
        days_since_last_outbound: e.days_since_last_outbound.map(days),
        unanswered_outbound: u32::try_from(e.unanswered_outbound).unwrap_or(u32::MAX),
        channels_today: e.channels_today.clone(),
        channel: channel.map(|c| c.as_str().to_string()),
        outreach_locked: e.outreach_locked.clone(),
        gift_cost_threshold: Some(e.gift_cost_limit.max(0.0).round() as u32),
        gift_cost: gift_cost.map(|c| c.max(0.0).round() as u32),
    }
}

/// A draft checked against the user's records, with what "mark as sent" would need.
#[derive(Clone, Debug, Serialize)]
pub struct DraftCheck {
    pub report: Report,
    /// Whether the user may log this draft as sent now.
    pub can_mark_sent: bool,
    /// Why not, in plain words with METHOD ids, when they may not.
    pub blocked_because: Vec<String>,
}

fn draft_key(case: &CaseSummary, kind: DraftKind) -> String {
    format!("draft.{}.{}", case.id, kind.as_str())
}

impl App {
    /// Checks a draft with the records of `case` as they stand at `now`.
    #[instrument(skip_all, fields(kind = kind.as_str()))]
    pub async fn check_draft(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        text: &str,
        channel: Option<Channel>,
        gift_cost: Option<f64>,
        now: Timestamp,
    ) -> Result<DraftCheck> {
        let plan = self.plan(case, now).await?;
        check_with_plan(&plan, kind, text, channel, gift_cost)
    }

    /// Saves the draft being typed and checks it, on one reading of the records: the
    /// composer calls this on every pause in typing, so the plan is derived once, not twice.
    /// Refused like [`App::save_working_draft`]; `None` when the text is blank.
    #[instrument(skip_all, fields(kind = kind.as_str()))]
    pub async fn save_and_check_draft(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        text: &str,
        channel: Option<Channel>,
        now: Timestamp,
    ) -> Result<Option<DraftCheck>> {
        if text.is_empty() {
            self.set_working_draft(case, kind, text).await?;
            return Ok(None);
        }
        let plan = self.plan(case, now).await?;
        self.store_working_draft(case, kind, text, &plan).await?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        check_with_plan(&plan, kind, text, channel, None).map(Some)
    }

    /// The draft being written, kept sealed so that nothing typed is lost (it is replaced on
    /// every save; saved drafts that should stay go in the history with [`App::keep_draft`]).
    pub async fn working_draft(&self, case: &CaseSummary, kind: DraftKind) -> Result<String> {
        let raw = self
            .store
            .setting(&self.vault, &draft_key(case, kind))
            .await?;
        Ok(raw
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default())
    }

    /// Refused while the composer is off for this person (SAFE-1, SAFE-2, SAFE-8); clearing a
    /// draft (empty text) is always allowed.
    #[instrument(skip_all)]
    pub async fn save_working_draft(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        text: &str,
        now: Timestamp,
    ) -> Result<()> {
        if text.is_empty() {
            return self.set_working_draft(case, kind, text).await;
        }
        let plan = self.plan(case, now).await?;
        self.store_working_draft(case, kind, text, &plan).await
    }

    async fn store_working_draft(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        text: &str,
        plan: &Plan,
    ) -> Result<()> {
        // SAFE-3, SAFE-4 (issue 11): help stays in front after crisis or threat words, even
        // in a draft that is refused.
        self.note_safety(crate::safety::scan(text), plan.at).await?;
        let off = &plan.capability(Capability::PracticeDraft).reasons;
        if !text.is_empty() && !off.is_empty() {
            return Err(AppError::Refused(Refusal::ComposerOff {
                reasons: off.clone(),
            }));
        }
        self.set_working_draft(case, kind, text).await
    }

    async fn set_working_draft(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        text: &str,
    ) -> Result<()> {
        if text.len() > crate::MAX_TEXT_BYTES {
            return Err(AppError::TooLong {
                size: text.len(),
                limit: crate::MAX_TEXT_BYTES,
                field: None,
            });
        }
        self.store
            .set_setting(&self.vault, &draft_key(case, kind), text.as_bytes())
            .await?;
        Ok(())
    }

    /// Logs a draft as sent by the user (amends never sends anything). Refused unless the
    /// outreach gate is open and the coach's verdict is not do-not-send: the same rule the
    /// button follows, enforced here so no front end can skip it.
    #[instrument(skip_all)]
    pub async fn mark_sent(
        &self,
        case: &CaseSummary,
        kind: DraftKind,
        channel: Channel,
        text: &str,
        now: Timestamp,
    ) -> Result<Logged> {
        let check = self
            .check_draft(case, kind, text, Some(channel), None, now)
            .await?;
        if !check.can_mark_sent {
            return Err(AppError::Refused(Refusal::NotSendable {
                reasons: check.blocked_because,
                verdict: check.report.verdict,
            }));
        }
        let logged = self
            .log_sent(case, kind, channel, Some(text), now, now)
            .await?;
        self.save_working_draft(case, kind, "", now).await?;
        Ok(logged)
    }
}

/// A draft checked against a plan already derived (L-13, L-16, L-21 need its records).
fn check_with_plan(
    plan: &Plan,
    kind: DraftKind,
    text: &str,
    channel: Option<Channel>,
    gift_cost: Option<f64>,
) -> Result<DraftCheck> {
    let ctx = context_from_plan(plan, channel, gift_cost);
    let report = amends_lint::check(text, lint_kind(kind), Some(&ctx)).map_err(lexicon_error)?;
    let blocked_because = send_blockers(plan, kind, &report);
    Ok(DraftCheck {
        can_mark_sent: blocked_because.is_empty(),
        blocked_because,
        report,
    })
}

/// The reasons that keep the composer off for this person rather than closed for now: the
/// stops of the hold table (a "no" or a block, SAFE-1; dangerous harm, SAFE-2; the user having
/// been the one harmed, SAFE-8; a new partner, WA-3). While any holds there is no practice
/// space for messages to them either; the journal stays open. Each is "text (METHOD)".
pub fn composer_off(plan: &Plan) -> Vec<String> {
    plan.capability(amends_core::plan::Capability::PracticeDraft)
        .reasons
        .iter()
        .map(reason_line)
        .collect()
}

/// Everything that stops a draft from being marked as sent, each with its METHOD id.
pub fn send_blockers(plan: &Plan, kind: DraftKind, report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for gate in [GateId::Outreach, GateId::Composer] {
        let g = plan.gate(gate);
        if !g.open {
            out.extend(g.reasons.iter().map(reason_line));
        }
    }
    let composer = plan.gate(GateId::Composer);
    if composer.open && kind == DraftKind::Email && !composer.allows.contains(&kind) {
        // C3: the reason is the limit the gate states.
        out.extend(
            composer
                .limits
                .iter()
                .filter(|r| r.method == "C3")
                .map(reason_line),
        );
    } else if composer.open && !composer.allows_kind(kind) {
        out.push(format!(
            "A {} message is not part of the method at this point.",
            kind.as_str()
        ));
    }
    if kind == DraftKind::Ask {
        let ask = plan.gate(GateId::Ask);
        if !ask.open {
            out.extend(ask.reasons.iter().map(reason_line));
        }
    }
    if kind == DraftKind::Gift {
        let gestures = plan.gate(GateId::Gestures);
        if !gestures.open {
            out.extend(gestures.reasons.iter().map(reason_line));
        }
    }
    if report.verdict == Verdict::DoNotSend {
        out.push(
            "The coach found something that must not be sent; see the findings marked \"block\"."
                .into(),
        );
    }
    if report.crisis {
        out.push(
            "This draft talks about hurting yourself. Please reach out for help first (SAFE-3)."
                .into(),
        );
    }
    out.dedup();
    out
}
