//! The method's use cases: record each kind of event with validation, and derive the plan.
//!
//! Validation refuses what cannot be true (a time in the future, 30 hours of sleep, a negative
//! cost, a promise that doesn't exist) and names the fix. It never refuses the truth: contact
//! logged while outreach is closed is stored, and the answer carries the gate's reasons. A slip
//! is never hidden.

use amends_core::forms::{self, Answer};
use amends_core::plan::time::add_days;
use amends_core::plan::{Capability, HoldClass};
use amends_core::{
    AmendsStatus, Answers, Bounds, Channel, Config, Direction, DraftKind, Event, EventData, FormId,
    Gate, GateId, HabitKind, Passive, Plan, PromiseOutcome, Settings, Signal, SlipKind,
};
use amends_store::Store;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use tracing::instrument;

use crate::{App, AppError, CaseSummary, Refusal, Result};

/// The store setting that holds the user's time zone (sealed like every setting).
pub(crate) const TIME_ZONE_KEY: &str = "time_zone";

/// What a front end gets back after logging something.
/// The outreach gate just before (only for contact you started) and now. `slip` is true when
/// contact you started happened while outreach was closed: it is recorded all the same.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Logged {
    pub id: String,
    /// The kind of entry stored.
    pub kind: &'static str,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
    /// For contact the user started: the outreach gate as it stood just before. When it was
    /// closed, this was a slip: recorded all the same, because the truth matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outreach_before: Option<Gate>,
    pub slip: bool,
    /// The outreach gate now, after this entry (a signal such as asked-for-space changes it).
    pub outreach_now: Gate,
    /// SAFE-3, SAFE-4 (issue 11): crisis or threat language in what was written, so the front
    /// end puts help in front at once.
    pub safety: crate::safety::SafetyFlags,
}

/// Parses a user-given time: RFC 3339 (`2024-05-03T18:30:00+02:00`), a plain date
/// (`2024-05-03`), `today` or `yesterday`, in the user's zone.
///
/// A plain date means the end of that day, or now if that is earlier: a contact "on Monday"
/// then never starts a no-contact count earlier than it really did.
pub fn parse_at(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp> {
    parse_time(input, tz, now, true)
}

/// A moment that may be in the future (a plan to look at, a due date): "today" and
/// "yesterday" count from `now`, and a plain date is the end of that day, never clamped.
///
/// Regression (issue 14, defect 3): callers passed `Timestamp::MAX` as `now` to allow the
/// future, so "today" was 9999-12-31 (a 2,912,100-day no-contact count) or overflowed.
pub fn parse_moment(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp> {
    parse_time(input, tz, now, false)
}

fn parse_time(input: &str, tz: &TimeZone, now: Timestamp, clamp_today: bool) -> Result<Timestamp> {
    let s = input.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    // A time of day first: the date parser also takes "2026-11-20T08:30" and drops the time,
    // which filed everything the web's date-and-time fields sent at 23:59 that day.
    if s.contains(':')
        && let Ok(dt) = s.parse::<jiff::civil::DateTime>()
    {
        return dt
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| AppError::invalid(format!("{s:?} is not a time here: {e}")));
    }
    let today = now.to_zoned_datetime(tz.clone()).date();
    let date = match s.to_ascii_lowercase().as_str() {
        "today" => Some(today),
        "yesterday" => today.yesterday().ok(),
        _ => s.parse::<jiff::civil::Date>().ok(),
    };
    if let Some(date) = date {
        let end = date
            .at(23, 59, 59, 0)
            .to_zoned_datetime(tz.clone())
            .map_err(|e| AppError::invalid(format!("{s:?} is not a date here: {e}")))?
            .timestamp();
        // Only today is clamped; a later date stays in the future so it is refused as such.
        return Ok(if clamp_today && date <= today {
            end.min(now)
        } else {
            end
        });
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| AppError::invalid(format!("{s:?} is not a time here: {e}")));
    }
    Err(AppError::invalid(format!(
        "{s:?} is not a time amends understands. Use a date like 2024-05-03, \"today\", \
         \"yesterday\", or a full time like 2024-05-03T18:30:00+02:00."
    )))
}

/// Closes every gate and every capability towards them of a plan derived from a damaged
/// history, saying why and what to do, and puts that first among the next steps in place of
/// any that would lead towards them.
fn close_for_damage(plan: &mut Plan, damage: &[crate::Damage]) {
    let problems: Vec<&str> = damage.iter().map(|d| d.problem.as_str()).collect();
    let reason = amends_core::Reason {
        code: None,
        method: "SAFE-1",
        text: format!(
            "Part of this case's history failed its integrity check ({}). A missing or changed \
             entry could be a \"no\", so every way of reaching out stays closed. Export what can \
             still be read (amends export, or Settings), and restore a backup of the data folder \
             to get the rest back.",
            problems.join("; ")
        ),
        until: None,
        // No row of the hold table: it is not something they did, and restoring lifts it.
        hold: None,
    };
    for gate in &mut plan.gates {
        gate.open = false;
        gate.opens_at = None;
        gate.allows.clear();
        gate.reasons.insert(0, reason.clone());
    }
    for capability in &mut plan.capabilities {
        capability.open = false;
        capability.reasons.insert(0, reason.clone());
    }
    plan.next_steps = vec![amends_core::NextStep {
        method: "SAFE-1",
        text: "Part of this case's history failed its integrity check. Export what can still be \
               read (Settings, or amends export), then restore a backup of the data folder."
            .into(),
        action: None,
    }];
}

/// The plan of a history at `at`; every gate closed when anything is damaged.
fn plan_of(history: &[Event], damage: &[crate::Damage], at: Timestamp, tz: &TimeZone) -> Plan {
    let mut plan = Plan::at(history, at, tz, &Config::default());
    if !damage.is_empty() {
        close_for_damage(&mut plan, damage);
    }
    plan
}

/// The outreach gate of a history at `at`.
fn outreach_at(history: &[Event], at: Timestamp, tz: &TimeZone) -> Gate {
    Plan::at(history, at, tz, &Config::default())
        .gate(GateId::Outreach)
        .clone()
}

/// A case as one request reads it: loaded once by [`App::snapshot`], so a use case that needs
/// the plan, the history and the time zone does not read or derive them again.
#[derive(Clone, Debug)]
pub struct CaseSnapshot {
    pub case: CaseSummary,
    /// Every entry that can be read (see [`App::readable_history`]).
    pub history: Vec<Event>,
    /// What is wrong with the rest; the plan closes every gate when this is not empty.
    pub damage: Vec<crate::Damage>,
    pub tz: TimeZone,
    /// The plan at the moment the snapshot was taken.
    pub plan: Plan,
}

impl CaseSnapshot {
    /// The plan at another moment, from the same reading.
    pub fn plan_at(&self, at: Timestamp) -> Plan {
        plan_of(&self.history, &self.damage, at, &self.tz)
    }
}

/// The user's time zone as read from the store (issue 13): the one reading every page frame,
/// plan, `--at`, due date and the settings use, so they all count days in the same zone.
#[derive(Clone, Debug)]
pub struct UserZone {
    /// The zone days are counted in: the saved one, else the system's.
    pub tz: TimeZone,
    /// Where `tz` came from.
    pub source: ZoneSource,
}

/// Where the zone days are counted in came from. The API's settings report it, so a client
/// can ask the user to save an unusable zone again, as the settings page does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ZoneSource {
    /// The zone the user saved.
    Saved,
    /// None was saved: the system's.
    System,
    /// One was saved but cannot be used (the setting no longer opens, or this build's
    /// time-zone database does not know the name): the system's until the user sets theirs
    /// again. Nothing is refused for it, so no page, and no crisis help (SAFE-3), is lost to a
    /// damaged setting; the settings page says so, so the user can fix it.
    Unusable,
}

impl UserZone {
    /// The one behaviour for a saved zone, whatever reads it: see [`ZoneSource`].
    pub(crate) fn of(saved: amends_store::Result<Option<Vec<u8>>>) -> UserZone {
        let (tz, source) = match saved {
            Ok(None) => (None, ZoneSource::System),
            Ok(Some(bytes)) => match std::str::from_utf8(&bytes).map(TimeZone::get) {
                Ok(Ok(tz)) => (Some(tz), ZoneSource::Saved),
                _ => (None, ZoneSource::Unusable),
            },
            Err(_) => (None, ZoneSource::Unusable),
        };
        UserZone {
            tz: tz.unwrap_or_else(TimeZone::system),
            source,
        }
    }

    /// Whether a saved zone could not be used (the settings page asks to set it again).
    pub fn unusable(&self) -> bool {
        self.source == ZoneSource::Unusable
    }
}

/// How late a self-work entry may be logged (RC-1).
pub const MAX_HABIT_DAYS_LATE: i64 = 7;

/// Issue 12: refuses a use case aimed at them while a hold of the table closes it, with every
/// reason ("text (METHOD)"). The one place the use cases ask; no front end decides it.
pub(crate) fn require(plan: &Plan, cap: Capability) -> Result<()> {
    let state = plan.capability(cap);
    if state.open {
        return Ok(());
    }
    Err(AppError::Refused(Refusal::Closed {
        capability: cap,
        reasons: state.reasons.clone(),
    }))
}

fn invalid(problems: Vec<String>) -> AppError {
    AppError::Answers(problems)
}

/// Refuses answers that name no question of `form`. The core's `normalise` drops them (as it
/// drops answers to questions that do not apply), so a mistyped or made-up question id was
/// silently lost from the CLI and the API alike (issue 14, defect 12).
pub(crate) fn refuse_unknown_questions(form: &forms::Form, answers: &Answers) -> Result<()> {
    let unknown: Vec<String> = answers
        .keys()
        .filter(|id| form.question(id).is_none())
        .map(|id| {
            let ids: Vec<&str> = form.questions.iter().map(|q| q.id).collect();
            format!(
                "{id}: there is no such question here; the questions are: {}",
                ids.join(", ")
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::Answers(unknown))
    }
}

pub(crate) fn clean_note(note: Option<&str>) -> Result<Option<String>> {
    match note.map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => Ok(Some(crate::text::check_entry(n)?.to_string())),
    }
}

pub(crate) fn required_text(what: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(format!(
            "the {what} is empty; write it in your own words"
        )));
    }
    Ok(crate::text::check_entry(t)?.to_string())
}

// The checks below are shared by logging an entry and correcting one (`correction.rs`), so a
// correction can never store what a new entry could not.

/// NC-6: an urge is rated from 1 to 10.
pub(crate) fn check_intensity(intensity: i64) -> Result<u8> {
    u8::try_from(intensity)
        .ok()
        .filter(|i| (1..=10).contains(i))
        .ok_or_else(|| {
            AppError::invalid(format!(
                "the intensity {intensity} is out of range; rate the urge from 1 (faint) to \
                 10 (overwhelming)"
            ))
        })
}

/// SI-1 to SI-9: a believable value, and a description for a step.
pub(crate) fn check_habit(habit: HabitKind, value: f64, note: Option<&str>) -> Result<()> {
    if !value.is_finite() || !(0.0..=habit.max_value()).contains(&value) {
        return Err(AppError::invalid(format!(
            "{value} {} of {habit} is not believable; give a number from 0 to {}",
            habit.unit(),
            habit.max_value()
        )));
    }
    if habit == HabitKind::Step && note.is_none() {
        return Err(AppError::invalid(
            "a step needs a description (SI-9): what did you do? For example \"first \
             anger-management class\"."
                .into(),
        ));
    }
    Ok(())
}

/// DMG-9: practice names a prevention plan that is in the history now.
pub(crate) fn check_plan(history: &[Event], plan: &str) -> Result<()> {
    let found = amends_core::effective(history)
        .iter()
        .any(|e| e.id == plan && matches!(e.data, EventData::WorkbookPrevention { .. }));
    if found {
        return Ok(());
    }
    Err(AppError::invalid(format!(
        "there is no prevention plan with id {plan}; the self-work page lists your prevention \
         plans"
    )))
}

/// TR-3: a promise is not due before it was made.
pub(crate) fn check_due(due: Option<Timestamp>, at: Timestamp) -> Result<()> {
    match due {
        Some(d) if d < at => Err(AppError::invalid(
            "the due date is before the promise was made; give a later one".into(),
        )),
        _ => Ok(()),
    }
}

/// TR-3: renegotiating means agreeing a new date.
pub(crate) fn check_renegotiation(outcome: PromiseOutcome, due: Option<Timestamp>) -> Result<()> {
    if outcome == PromiseOutcome::Renegotiated && due.is_none() {
        return Err(AppError::invalid(
            "a renegotiated promise needs the new due date you agreed".into(),
        ));
    }
    Ok(())
}

/// KG-3: what a gesture cost, 0 or more.
pub(crate) fn check_cost(cost: f64) -> Result<()> {
    if !cost.is_finite() || !(0.0..=1_000_000.0).contains(&cost) {
        return Err(AppError::invalid(format!(
            "a cost of {cost} is not possible; give what it cost, 0 or more"
        )));
    }
    Ok(())
}

/// Targets tune METHOD defaults: each above 0 and below absurd.
pub(crate) fn check_settings(settings: &Settings) -> Result<()> {
    let positive = [
        ("exercise per week", settings.exercise_per_week),
        ("hobby per week", settings.hobby_per_week),
        ("social per week", settings.social_per_week),
        ("therapy per week", settings.therapy_per_week),
        ("meals per day", settings.meals_per_day),
        ("gesture cost limit", settings.gesture_cost_limit),
    ];
    for (what, v) in positive {
        if let Some(v) = v
            && (!v.is_finite() || v <= 0.0 || v > 1000.0)
        {
            return Err(AppError::invalid(format!(
                "{what}: {v} is not a usable target; give a number above 0"
            )));
        }
    }
    Ok(())
}

/// The entry of the history an edit names, by its id.
fn entry<'a>(history: &'a [Event], id: &str) -> Result<&'a Event> {
    history
        .iter()
        .find(|e| e.id == id.trim())
        .ok_or_else(|| AppError::NotFound {
            what: "entry",
            id: id.trim().to_string(),
            hint: "",
        })
}

/// The frame every use case that logs one entry shares: it takes the case, its own inputs, when
/// it happened and now; its body checks the inputs as its kind needs (and may refuse) and gives
/// the entry, which [`App::log`] then records with both outreach gates and the safety scan.
/// Written once here so the use cases show only what differs: their checks and their entry.
macro_rules! log_use_cases {
    ($(
        $(#[$attr:meta])*
        fn $name:ident(
            &$self:ident, $case:ident $(, $arg:ident: $ty:ty)*; $at:ident, $now:ident
        ) $body:block
    )*) => {$(
        $(#[$attr])*
        pub async fn $name(
            &$self,
            $case: &CaseSummary,
            $($arg: $ty,)*
            $at: Timestamp,
            $now: Timestamp,
        ) -> Result<Logged> {
            let data: EventData = $body;
            $self.log($case, data, $at, $now).await
        }
    )*};
}
pub(crate) use log_use_cases;

impl App {
    /// The user's time zone as read now, with where it came from ([`UserZone`]).
    pub async fn zone(&self) -> UserZone {
        UserZone::of(self.store.setting(&self.vault, TIME_ZONE_KEY).await)
    }

    /// The zone days are counted in: the sealed setting, else the system's (see
    /// [`ZoneSource`] for a saved one that cannot be used).
    pub async fn time_zone(&self) -> TimeZone {
        self.zone().await.tz
    }

    /// Saves the user's time zone, by IANA name (`Europe/Berlin`).
    pub async fn set_time_zone(&self, name: &str) -> Result<String> {
        let tz = TimeZone::get(name.trim()).map_err(|_| {
            AppError::invalid(format!(
                "unknown time zone {name:?}; use an IANA name such as Europe/Berlin or \
                 America/New_York"
            ))
        })?;
        let name = tz.iana_name().unwrap_or(name.trim()).to_string();
        self.store
            .set_setting(&self.vault, TIME_ZONE_KEY, name.as_bytes())
            .await?;
        Ok(name)
    }

    /// Parses `--at` in the user's zone; without one, now.
    pub async fn when(&self, at: Option<&str>, now: Timestamp) -> Result<Timestamp> {
        match at {
            None => Ok(now),
            Some(s) => parse_at(s, &self.time_zone().await, now),
        }
    }

    /// The plan of a case at `at` (today's plan when `at` is now). A damaged history still
    /// gives a plan, so the user can see where they are, but one with every gate closed: a
    /// missing or changed entry could be a "no" (SAFE-1), and a plan from what is left could
    /// open what it forbade (issue 14, defects 6 and 9).
    pub async fn plan(&self, case: &CaseSummary, at: Timestamp) -> Result<Plan> {
        // As `snapshot` does, without copying a kept history out for it.
        let tz = self.time_zone().await;
        let mut kept = self.kept.lock().await;
        match self.reading(&mut kept, case).await? {
            crate::Reading::Kept(k) => Ok(k.plan(at, &tz)),
            crate::Reading::Read { events, damage, .. } => Ok(plan_of(&events, &damage, at, &tz)),
        }
    }

    /// One reading of a case: its history as far as it can be read, the user's time zone and
    /// the plan at `now`, for a request to run against instead of reading them again.
    pub async fn snapshot(&self, case: &CaseSummary, now: Timestamp) -> Result<CaseSnapshot> {
        let tz = self.time_zone().await;
        self.snapshot_in(case, now, tz).await
    }

    /// [`App::snapshot`] in a zone already read, e.g. the page frame's ([`App::frame`]), so a
    /// request reads the zone once.
    pub async fn snapshot_in(
        &self,
        case: &CaseSummary,
        now: Timestamp,
        tz: TimeZone,
    ) -> Result<CaseSnapshot> {
        let mut kept = self.kept.lock().await;
        let (history, damage, plan) = match self.reading(&mut kept, case).await? {
            crate::Reading::Kept(k) => (k.events.clone(), Vec::new(), k.plan(now, &tz)),
            crate::Reading::Read { events, damage, .. } => {
                let plan = plan_of(&events, &damage, now, &tz);
                (events, damage, plan)
            }
        };
        Ok(CaseSnapshot {
            case: case.clone(),
            history,
            damage,
            tz,
            plan,
        })
    }

    /// Records an event and reports the outreach gate before (for contact the user started)
    /// and after.
    ///
    /// Issue 13: with the case's history kept in memory (see `Kept`), both gates come from the
    /// plan's facts kept up to date with it, so a write costs the append and the rules, not a
    /// reading of the whole history and two plans over it. The gates are the ones `Plan::at`
    /// gives; a history read afresh (not kept) is derived from as before.
    pub(crate) async fn log(
        &self,
        case: &CaseSummary,
        data: EventData,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<Logged> {
        // Held to the end, so the append and the gate after it see the same history.
        let mut kept = self.kept.lock().await;
        let outbound = data.outbound_channel().is_some();
        // Read once for both gates: before the entry and after it.
        let tz = self.time_zone().await;
        // Just before `at`: events at the same moment recorded earlier count.
        let before = match self.reading(&mut kept, case).await? {
            crate::Reading::Kept(k) => outbound.then(|| k.outreach(at, &tz)),
            crate::Reading::Read { error: Some(e), .. } => return Err(e),
            crate::Reading::Read { events, .. } => outbound.then(|| outreach_at(&events, at, &tz)),
        };
        let kind = data.kind();
        let safety = crate::safety::scan_event(&data);
        self.note_safety(safety, now).await?;
        let id = self
            .record_kept(&mut kept, case, at, now, data, None)
            .await?;
        let outreach_now = match self.reading(&mut kept, case).await? {
            crate::Reading::Kept(k) => k.outreach(now, &tz),
            crate::Reading::Read { error: Some(e), .. } => return Err(e),
            crate::Reading::Read { events, .. } => outreach_at(&events, now, &tz),
        };
        Ok(Logged {
            id,
            kind,
            at,
            slip: kind == "slip" || before.as_ref().is_some_and(|g| !g.open),
            outreach_before: before,
            outreach_now,
            safety,
        })
    }

    log_use_cases! {
        /// NC-1: a contact either way, on any channel. Recorded even when outreach is closed.
        #[instrument(skip_all)]
        fn log_contact(&self, case, dir: Direction, channel: Channel, note: Option<&str>; at, now) {
            EventData::Contact { dir, channel, note: clean_note(note)? }
        }

        /// Their signal, by its exact name. Under a stop, a warm sign (a kind reply, agreeing to
        /// talk or to check-ins) is refused with what to record instead: it lifts nothing, and
        /// storing it would read as if it had (issue 12). Signs that they want less are always
        /// recorded.
        #[instrument(skip_all)]
        fn log_signal(&self, case, signal: Signal, note: Option<&str>; at, now) {
            let data = EventData::Signal { signal, note: clean_note(note)? };
            if signal.is_warm() {
                let plan = self.plan(case, at).await?;
                if plan.holds.iter().any(|h| h.class == HoldClass::Stop) {
                    return Err(AppError::Refused(Refusal::SignLiftsNothing {
                        signal: signal.as_str(),
                        reasons: plan.gate(GateId::Outreach).reasons.clone(),
                    }));
                }
            }
            data
        }

        /// A passive sign of theirs (a like, a view, word passed on). It is kept as what it is:
        /// no reply expected, and no gate changes (issue 12).
        #[instrument(skip_all)]
        fn log_passive(&self, case, what: Passive, note: Option<&str>; at, now) {
            EventData::Passive { what, note: clean_note(note)? }
        }

        /// SAFE-1: they got in touch directly and invited contact; `words` is what they said, in
        /// their words. The only record that lifts a "no" (a block only with `unblocked`, a new
        /// partner only with `partner_ended`); violence and a protective order never lift.
        #[instrument(skip_all)]
        #[allow(clippy::too_many_arguments)]
        fn log_invitation(
            &self, case, channel: Channel, words: &str, unblocked: bool, partner_ended: bool;
            at, now
        ) {
            if !channel.is_direct() {
                return Err(AppError::invalid(
                    "an invitation comes as a message, a call, an email or in person, not as a \
                     gift; log a gift they sent as contact from them"
                        .into(),
                ));
            }
            let words = required_text("what they said", words)?;
            EventData::Invitation { channel, words, unblocked, partner_ended }
        }

        /// SAFE-7: a slip that was not a message, such as checking their profile.
        #[instrument(skip_all)]
        fn log_slip(&self, case, what: SlipKind, note: Option<&str>; at, now) {
            EventData::Slip { what, note: clean_note(note)? }
        }

        /// NC-6: an urge, its intensity (1 to 10), and what the user did instead.
        #[instrument(skip_all)]
        fn log_urge(&self, case, intensity: i64, instead: &str, note: Option<&str>; at, now) {
            EventData::Urge {
                intensity: check_intensity(intensity)?,
                instead: required_text("what you did instead", instead)?,
                note: clean_note(note)?,
            }
        }

        /// SI-1 to SI-9, DMG-9: one self-work entry. Absurd values are refused, not clipped.
        #[instrument(skip_all, fields(habit = %habit))]
        #[allow(clippy::too_many_arguments)]
        fn log_habit(
            &self, case, habit: HabitKind, value: f64, note: Option<&str>, plan: Option<&str>;
            at, now
        ) {
            let note = clean_note(note)?;
            check_habit(habit, value, note.as_deref())?;
            // RC-1: the weeks of self-work the re-contact gate asks for have to be lived, not
            // filled in at one sitting, so an entry may be late by a week at most.
            let late = now.duration_since(at);
            if late > jiff::SignedDuration::from_hours(24 * MAX_HABIT_DAYS_LATE) {
                return Err(AppError::invalid(format!(
                    "self-work can be logged up to {MAX_HABIT_DAYS_LATE} days after it happened. \
                     The weeks of self-work before getting back in touch count as they are lived \
                     (RC-1); older habits can go in the journal"
                )));
            }
            if let Some(plan) = plan {
                check_plan(&self.history(case).await?, plan)?;
            }
            EventData::Habit { habit, value, note, plan: plan.map(str::to_string) }
        }

        /// A completed questionnaire, validated against its definition.
        #[instrument(skip_all, fields(form = form.as_str()))]
        fn assess(&self, case, form: FormId, answers: Answers; at, now) {
            refuse_unknown_questions(form.form(), &answers)?;
            forms::assessment_event(form, answers).map_err(invalid)?
        }

        /// One workbook entry, validated against its section.
        #[instrument(skip_all)]
        fn workbook(&self, case, section: &str, answers: Answers; at, now) {
            let section = forms::workbook_section(section).map_err(AppError::invalid)?;
            refuse_unknown_questions(&section.form, &answers)?;
            let data = forms::workbook_event(section, answers).map_err(invalid)?;
            // GO-8: the workbook opens once the intake is done, in every front end alike.
            if !self.plan(case, now).await?.intake_done {
                return Err(AppError::invalid(
                    "the workbook opens after the intake (GO-8): answer the intake questions first"
                        .into(),
                ));
            }
            data
        }

        /// TR-3, TR-4: a promise. At most the configured number may be open.
        #[instrument(skip_all)]
        fn promise_add(&self, case, text: &str, due: Option<Timestamp>; at, now) {
            let text = required_text("promise", text)?;
            check_due(due, at)?;
            let plan = self.plan(case, now).await?;
            require(&plan, Capability::Promise)?;
            if !plan.promises.can_add {
                return Err(AppError::invalid(format!(
                    "you already have {} open promises, the most amends keeps at once (TR-4: \
                     promise less than you deliver). Settle one first: mark it kept or broken.",
                    plan.promises.open
                )));
            }
            EventData::PromiseMade { text, due }
        }

        /// TR-3: kept, broken or renegotiated.
        #[instrument(skip_all)]
        #[allow(clippy::too_many_arguments)]
        fn promise_update(
            &self, case, promise: &str, outcome: PromiseOutcome, due: Option<Timestamp>,
            note: Option<&str>; at, now
        ) {
            let plan = self.plan(case, now).await?;
            let Some(entry) = plan.promises.items.iter().find(|p| p.id == promise.trim()) else {
                return Err(AppError::NotFound {
                    what: "promise",
                    id: promise.trim().to_string(),
                    hint: "; the promise list shows their ids",
                });
            };
            if entry.status != amends_core::plan::PromiseStatus::Open {
                return Err(AppError::invalid(format!(
                    "promise {} is already settled; make a new one if you agreed something new",
                    entry.id
                )));
            }
            check_renegotiation(outcome, due)?;
            let promise = entry.id.clone();
            EventData::PromiseUpdate { promise, outcome, due, note: clean_note(note)? }
        }

        /// TR-5: a check-in. Only once they agreed to check-ins.
        #[instrument(skip_all)]
        fn checkin(&self, case, note: Option<&str>; at, now) {
            let plan = self.plan(case, at).await?;
            require(&plan, Capability::CheckIn)?;
            if !plan.checkins.agreed {
                return Err(AppError::invalid(
                    "check-ins are on only once they agreed to them (TR-5). If they did, log \
                     that they agreed to check-ins first; any other contact goes in the contact \
                     log."
                        .into(),
                ));
            }
            EventData::CheckIn { note: clean_note(note)? }
        }

        /// AM-2, AM-3, SAFE-9: what they asked for, in their words, and the user's own bounds
        /// check.
        #[instrument(skip_all)]
        fn amends_add(&self, case, request: &str, bounds: Bounds; at, now) {
            require(&self.plan(case, now).await?, Capability::AmendsOffer)?;
            EventData::AmendsItem { request: required_text("request", request)?, bounds }
        }

        /// AM-2: where an amends item stands now.
        #[instrument(skip_all)]
        fn amends_update(
            &self, case, item: &str, status: AmendsStatus, note: Option<&str>; at, now
        ) {
            let plan = self.plan(case, now).await?;
            if !plan.amends.iter().any(|a| a.id == item.trim()) {
                return Err(AppError::NotFound {
                    what: "amends item",
                    id: item.trim().to_string(),
                    hint: "; the amends list shows their ids",
                });
            }
            let item = item.trim().to_string();
            EventData::AmendsUpdate { item, status, note: clean_note(note)? }
        }

        /// KG-1, KG-3: a gesture. It is contact the user started, so the gate is reported.
        #[instrument(skip_all)]
        fn gesture_add(
            &self, case, what: &str, cost: f64, preference: Option<&str>; at, now
        ) {
            check_cost(cost)?;
            // Issue 12: under a stop or a pause no gesture is planned or kept here. One already
            // given is contact, and is logged as such (where it counts as a slip).
            // The plan is derived once: it used to be built twice here.
            let plan = self.plan(case, now).await?;
            let gesture = plan.capability(Capability::Gesture);
            if !gesture.open && gesture.reasons.iter().any(|r| r.hold.is_some()) {
                return Err(AppError::Refused(Refusal::GestureHeld {
                    reasons: gesture.reasons.clone(),
                }));
            }
            let what = required_text("gesture", what)?;
            EventData::Gesture { what, cost, preference: clean_note(preference)? }
        }

        /// A draft the user sent themselves, with its kind (AP-1 needs the apology logged).
        #[instrument(skip_all)]
        fn log_sent(
            &self, case, draft: DraftKind, channel: Channel, text: Option<&str>; at, now
        ) {
            EventData::DraftSent { draft, channel, text: clean_note(text)? }
        }

        /// LS-6 to LS-8: what they said they need, in their words.
        #[instrument(skip_all)]
        fn log_need(&self, case, text: &str; at, now) {
            EventData::TheirNeed { text: required_text("need", text)? }
        }
    }
    /// Changes a workbook row in place, from the answers of its section's form: the same
    /// checks as a new row (DMG-1, DMG-6), kept as a correction so the history keeps both, on
    /// the row's own date. Recorded danger cannot be taken back (SAFE-2).
    #[instrument(skip_all)]
    pub async fn correct_workbook(
        &self,
        case: &CaseSummary,
        id: &str,
        section: &str,
        answers: Answers,
        now: Timestamp,
    ) -> Result<String> {
        let history = self.history(case).await?;
        let old = entry(&history, id)?;
        let Some((row_section, _)) = forms::workbook_answers(&old.data) else {
            return Err(AppError::invalid(format!(
                "entry {} is a {}, not a workbook row",
                old.id,
                old.data.kind()
            )));
        };
        if row_section != section {
            return Err(AppError::invalid(format!(
                "entry {} is a row of the workbook section {row_section:?}, not {section:?}; \
                 give that section's answers",
                old.id
            )));
        }
        let section = forms::workbook_section(section).map_err(AppError::invalid)?;
        refuse_unknown_questions(&section.form, &answers)?;
        let data = forms::workbook_event(section, answers).map_err(invalid)?;
        self.correct(case, &old.id, data, old.at, now).await
    }

    /// Settings that tune METHOD defaults (habit targets, reminders). SAFE rules have none.
    #[instrument(skip_all)]
    pub async fn update_settings(
        &self,
        case: &CaseSummary,
        settings: Settings,
        now: Timestamp,
    ) -> Result<Logged> {
        check_settings(&settings)?;
        self.log(case, EventData::Settings { settings }, now, now)
            .await
    }

    /// A correction: a new event that replaces an old one of the same kind. It passes the
    /// same checks as a new entry of its kind; safety facts (SAFE-1 "no" signals, SAFE-2 and
    /// SAFE-8 danger) cannot be corrected away, and an entry is corrected once: after that,
    /// its correction is the one to correct (see `correction.rs`).
    #[instrument(skip_all)]
    pub async fn correct(
        &self,
        case: &CaseSummary,
        id: &str,
        data: EventData,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<String> {
        let history = self.history(case).await?;
        let old = entry(&history, id)?;
        if old.data.kind() != data.kind() {
            return Err(AppError::invalid(format!(
                "entry {} is a {}; a correction must be one too (it was given a {})",
                old.id,
                old.data.kind(),
                data.kind()
            )));
        }
        let data = crate::correction::check(&history, old, data, at)?;
        // SAFE-3, SAFE-4: a corrected text is read again like a new one.
        self.note_safety(crate::safety::scan_event(&data), now)
            .await?;
        self.record(case, at, now, data, Some(&old.id)).await
    }
}

/// Answers from a TOML or JSON document: a table of question id to answer.
pub fn answers_from_document(text: &str) -> Result<Answers> {
    let value: serde_json::Value = match crate::parse_json_strict(text.as_bytes()) {
        Ok(v) => v,
        Err(json_err) => {
            let t: toml::Table = toml::from_str(text).map_err(|toml_err| {
                AppError::invalid(format!(
                    "the answers file is neither JSON ({json_err}) nor TOML ({toml_err})"
                ))
            })?;
            serde_json::to_value(t)
                .map_err(|e| AppError::invalid(format!("could not read the answers: {e}")))?
        }
    };
    let serde_json::Value::Object(map) = value else {
        return Err(AppError::invalid(
            "the answers file must be a table of question = answer".into(),
        ));
    };
    map.into_iter()
        .map(|(k, v)| {
            let a: Answer = serde_json::from_value(v).map_err(|_| {
                AppError::invalid(format!(
                    "{k}: answer with text, a number, true/false or a list of texts"
                ))
            })?;
            Ok((k, a))
        })
        .collect()
}

/// One answer from what a person typed or ticked: the values a web form sent for one question,
/// or a line typed at the terminal. Shared by both front ends, so a raw answer means the same
/// thing wherever it was given.
///
/// A choice may be given by its id or by its number in the list (1 is the first); several
/// choices may also come comma-separated. Lines of free text become one item each. Numbers and
/// yes/no are typed where they parse; anything else stays text, so the question's own check
/// names what is wrong instead of the answer silently vanishing.
pub fn answer_from_input(q: &forms::Question, values: &[&str]) -> Answer {
    use forms::AnswerType;
    let pick = |s: &str| -> String {
        let s = s.trim();
        s.parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| q.options.get(i))
            .map_or_else(|| s.to_string(), |o| o.id.to_string())
    };
    let first = values
        .iter()
        .find(|v| !v.trim().is_empty())
        .copied()
        .unwrap_or("");
    match q.answer {
        AnswerType::Multi => Answer::List(
            values
                .iter()
                .flat_map(|v| v.split(','))
                .filter(|s| !s.trim().is_empty())
                .map(pick)
                .collect(),
        ),
        AnswerType::Lines => Answer::List(
            values
                .iter()
                .flat_map(|v| v.lines())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        ),
        AnswerType::Choice => Answer::Text(pick(first)),
        AnswerType::Likert | AnswerType::Count => first
            .trim()
            .parse::<f64>()
            .map_or_else(|_| Answer::Text(first.trim().into()), Answer::Number),
        AnswerType::Boolean | AnswerType::Acknowledge => {
            let text = Answer::Text(first.trim().into());
            text.as_bool().map_or(text, Answer::Bool)
        }
        AnswerType::Text | AnswerType::Date => Answer::Text(first.into()),
    }
}

/// The answers a web form sent for `form`, as `(name, value)` pairs in the order they came.
///
/// Fields that are not questions of the form (the CSRF token, buttons) are ignored. A question
/// left blank is left out, so "missing an answer" names it. A multiple choice with nothing
/// ticked is an answer of none: browsers send nothing for unticked boxes, and "none of these
/// applies" is a real answer (SAFE-2, SAFE-8 ask exactly that).
pub fn answers_from_fields(form: &forms::Form, fields: &[(String, String)]) -> Answers {
    let mut answers = Answers::new();
    for q in form.questions {
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| k == q.id)
            .map(|(_, v)| v.as_str())
            .collect();
        let blank = values.iter().all(|v| v.trim().is_empty());
        if blank && q.answer != forms::AnswerType::Multi {
            continue;
        }
        answers.insert(q.id.to_string(), answer_from_input(q, &values));
    }
    answers
}

/// The next `count` agreed check-ins (TR-5), for calendars.
pub(crate) fn checkin_dates(plan: &Plan, tz: &TimeZone, count: i64) -> Vec<Timestamp> {
    match plan.checkins.next_due {
        Some(first) if plan.checkins.agreed && plan.allows(Capability::CheckIn) => (0..count)
            .map(|i| add_days(first, i * plan.checkins.every_days, tz))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central European time, with its summer time.
    fn cet() -> TimeZone {
        TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// Each input read at `now` in central European time, and the moment it must give.
    fn assert_parsed(now: &str, cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            let t = parse_at(input, &cet(), ts(now)).unwrap();
            assert_eq!(t, ts(expected), "{input:?} at {now}");
        }
    }

    #[test]
    fn plain_dates_mean_the_end_of_that_day_never_later_than_now() {
        let now = "2024-05-10T08:00:00Z";
        assert_parsed(
            now,
            &[
                ("2024-05-06", "2024-05-06T21:59:59Z"),
                ("today", now),
                ("yesterday", "2024-05-09T21:59:59Z"),
                ("2024-05-06T18:30:00+02:00", "2024-05-06T16:30:00Z"),
            ],
        );
        // Regression: a future plain date was clamped to now and so accepted as a past event.
        assert!(parse_at("2024-05-11", &cet(), ts(now)).unwrap() > ts(now));
        let err = parse_at("last monday", &cet(), ts(now))
            .unwrap_err()
            .to_string();
        assert!(err.contains("2024-05-03"), "{err}");
    }

    /// Regression: the web's date-and-time fields send "2026-11-20T08:30"; the time was
    /// dropped and the event filed at 23:59 that day.
    #[test]
    fn a_local_date_and_time_keeps_its_time() {
        assert_parsed(
            "2026-11-24T10:00:00Z",
            &[
                ("2026-11-20T08:30", "2026-11-20T07:30:00Z"),
                ("2026-11-21 14:45", "2026-11-21T13:45:00Z"),
            ],
        );
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn web_fields_become_typed_answers() {
        let form = FormId::Intake.form();
        let a = answers_from_fields(
            form,
            &fields(&[
                ("_csrf", "token"),
                ("motives", "put-right"),
                ("motives", "loneliness"),
                ("commitment", "4"),
                ("good_times_only", "no"),
                ("honest", "yes"),
                ("breakup_reason", "  "),
                ("severity", "serious"),
            ]),
        );
        assert_eq!(
            a["motives"],
            Answer::List(vec!["put-right".into(), "loneliness".into()])
        );
        assert_eq!(a["commitment"], Answer::Number(4.0));
        assert_eq!(a["good_times_only"], Answer::Bool(false));
        assert_eq!(a["honest"], Answer::Bool(true));
        assert_eq!(a["severity"], Answer::Text("serious".into()));
        // Blank is unanswered, and the CSRF token is no question.
        assert!(!a.contains_key("breakup_reason"));
        assert!(!a.contains_key("_csrf"));
        // Nothing ticked in a multiple choice is "none of these", not a missing answer.
        assert_eq!(a["dangerous_harm"], Answer::List(vec![]));
        assert_eq!(a["harmed_by_them"], Answer::List(vec![]));
        // A number that does not parse stays text, so its check can name it.
        let a = answers_from_fields(form, &fields(&[("commitment", "four")]));
        assert_eq!(a["commitment"], Answer::Text("four".into()));
    }

    #[test]
    fn lines_and_numbered_choices() {
        let why = forms::workbook_section("why").unwrap();
        let a = answers_from_fields(
            &why.form,
            &fields(&[("chain", "wanted attention\r\n\n  felt invisible  \n")]),
        );
        assert_eq!(
            a["chain"],
            Answer::List(vec!["wanted attention".into(), "felt invisible".into()])
        );
        let q = FormId::Intake.form().question("severity").unwrap();
        assert_eq!(answer_from_input(q, &["2"]), Answer::Text("serious".into()));
        let q = FormId::Intake.form().question("motives").unwrap();
        assert_eq!(
            answer_from_input(q, &["1, loneliness"]),
            Answer::List(vec!["put-right".into(), "loneliness".into()])
        );
    }

    #[test]
    fn answers_come_from_toml_or_json() {
        let toml = "commitment = 4\nmotives = [\"put-right\"]\nhonest = true\n";
        let a = answers_from_document(toml).unwrap();
        assert_eq!(a["commitment"], Answer::Number(4.0));
        assert_eq!(a["honest"], Answer::Bool(true));
        let json = r#"{"did_harm": "yes", "motives": ["this-person"]}"#;
        let a = answers_from_document(json).unwrap();
        assert_eq!(a["did_harm"], Answer::Text("yes".into()));
        assert!(answers_from_document("not = [valid").is_err());
    }
}
