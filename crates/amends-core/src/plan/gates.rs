//! The gates: what the method allows right now, and every reason that holds when it doesn't.
//!
//! Each rule is one small function that looks at the facts and returns its reason, if it holds.
//! The gates collect every reason (not the first), so the user sees the whole picture. A reason
//! carries the moment it stops holding where that can be known; where it depends on the other
//! person (after a "no", during their silence) it has none, and neither has the gate.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::facts::{Facts, Path};
use super::stops::{ActiveHold, Hold, HoldClass, Lift};
use super::time::{add_days, day, days_between};
use crate::config::Config;
use crate::event::{DraftKind, HabitKind, Signal, YesNoUnsure};
use crate::forms::Answer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GateId {
    /// Any contact the user starts: messages, calls, likes, visits, gifts.
    Outreach,
    /// Drafts meant to be sent (the journal is never gated).
    Composer,
    /// Asking for another chance.
    Ask,
    /// Amends and gifts.
    Gestures,
}

impl GateId {
    pub fn as_str(self) -> &'static str {
        match self {
            GateId::Outreach => "outreach",
            GateId::Composer => "composer",
            GateId::Ask => "ask",
            GateId::Gestures => "gestures",
        }
    }
}

/// Why something is closed (or limited): a METHOD id and one plain sentence.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Reason {
    pub method: &'static str,
    pub text: String,
    /// When this reason stops holding, where that can be known.
    #[schemars(with = "Option<crate::schema::Time>")]
    pub until: Option<Timestamp>,
    /// The hold of the table (`stops.rs`) this reason stands for, if it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<Hold>,
    /// What the reason stands for, where logic elsewhere depends on it: a type, so that no
    /// step is chosen by the wording of a reason (issue 13). Not part of the JSON.
    #[serde(skip)]
    pub code: Option<ReasonCode>,
}

/// A reason that other parts of the plan act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonCode {
    /// RC-1: the readiness self-check has not been done, or is out of date.
    ReadinessDue,
}

/// "text (METHOD)": how every front end shows a reason.
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.text, self.method)
    }
}

impl Reason {
    /// A stop of the hold table (SAFE-1, SAFE-2, SAFE-8, WA-3): no date, habit or answer of
    /// the user's changes it. Front ends show it alone and offer nothing towards them while
    /// it holds.
    pub fn is_hard_stop(&self) -> bool {
        self.hold.is_some_and(Hold::is_stop)
    }

    fn new(method: &'static str, text: impl Into<String>) -> Self {
        Self {
            method,
            text: text.into(),
            until: None,
            hold: None,
            code: None,
        }
    }

    fn code(mut self, code: ReasonCode) -> Self {
        self.code = Some(code);
        self
    }

    fn until(mut self, t: Timestamp) -> Self {
        self.until = Some(t);
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Gate {
    pub id: GateId,
    pub open: bool,
    /// Every reason the gate is closed. Empty when open.
    pub reasons: Vec<Reason>,
    /// When the gate opens, if every reason has a known end; `null` otherwise (and when open).
    #[schemars(with = "Option<crate::schema::Time>")]
    pub opens_at: Option<Timestamp>,
    /// Composer only: the kinds of draft that may be written now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allows: Vec<DraftKind>,
    /// Limits that apply while the gate is open (for example, no apology on the no-fault path).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<Reason>,
}

impl Gate {
    /// Composer: whether a draft of this kind may be written now (open, and either every kind
    /// or this one allowed). The one rule the composer page and "mark as sent" both ask.
    pub fn allows_kind(&self, kind: DraftKind) -> bool {
        self.open && (self.allows.is_empty() || self.allows.contains(&kind))
    }

    fn from_reasons(id: GateId, reasons: Vec<Reason>) -> Self {
        let open = reasons.is_empty();
        let opens_at = if open {
            None
        } else {
            reasons
                .iter()
                .map(|r| r.until)
                .collect::<Option<Vec<_>>>()
                .and_then(|u| u.into_iter().max())
        };
        Gate {
            id,
            open,
            reasons,
            opens_at,
            allows: Vec::new(),
            limits: Vec::new(),
        }
    }
}

/// The state that the rules share.
pub(crate) struct Ctx<'f> {
    pub f: &'f Facts,
    pub now: Timestamp,
    pub tz: &'f TimeZone,
    pub cfg: &'f Config,
    /// The holds in force (`Facts::holds`), worked out once.
    pub holds: Vec<ActiveHold>,
    /// The habits' local dates in `tz`, where a fold keeps them (`fold.rs`); worked out
    /// week by week otherwise.
    pub days: Option<&'f HabitDays>,
    /// `habit_weeks`, once worked out: the outreach gate and the self-work summary both ask.
    pub weeks: std::cell::OnceCell<i64>,
}

impl Ctx<'_> {
    /// Whether no hold in force closes `cap` (issue 12).
    pub fn allows(&self, cap: super::stops::Capability) -> bool {
        !self.holds.iter().any(|h| h.hold.closes(cap))
    }

    fn day(&self, t: Timestamp) -> String {
        day(t, self.tz)
    }

    pub fn intake_done(&self) -> bool {
        self.f.intake.is_some()
    }

    /// DMG-11: which workbook parts are still missing, by METHOD id and section.
    pub fn workbook_missing(&self) -> Vec<(&'static str, &'static str)> {
        let f = self.f;
        let path = f.path();
        let mut missing = Vec::new();
        if matches!(path, Path::Harm | Path::Unclear | Path::Unknown) {
            if f.acts_complete == 0 {
                missing.push(("DMG-1", "act"));
            }
            if !f.loss {
                missing.push(("DMG-4", "loss"));
            }
        }
        if f.whys == 0 {
            missing.push(("DMG-6", "why"));
        }
        if f.again.is_none() {
            missing.push(("DMG-7", "again"));
        }
        if f.respect.is_none() {
            missing.push(("DMG-8", "respect"));
        }
        if f.preventions.is_empty() {
            missing.push(("DMG-9", "prevention"));
        }
        if matches!(path, Path::Harm | Path::Unclear | Path::Unknown) && !f.failures {
            missing.push(("DMG-10", "failures"));
        }
        missing
    }

    pub fn workbook_done(&self) -> bool {
        self.workbook_missing().is_empty()
    }

    /// RC-1 (ours): consecutive full weeks, counted back from now, with habit entries on at
    /// least `habit_days_per_week` different days. The week in progress counts if it already
    /// qualifies and is skipped otherwise, so a new week doesn't reset the count.
    pub fn habit_weeks(&self) -> i64 {
        *self.weeks.get_or_init(|| self.count_habit_weeks())
    }

    fn count_habit_weeks(&self) -> i64 {
        let habits = &self.f.habits;
        debug_assert!(habits.is_sorted_by_key(|h| h.at));
        let mut weeks = 0;
        let mut k = 0;
        loop {
            let end = add_days(self.now, -7 * k, self.tz);
            let start = add_days(self.now, -7 * (k + 1), self.tz);
            // The habits are in time order, so the week's entries (after `start`, up to `end`)
            // are one run of them: found by bisection instead of a pass over all of them per
            // week, which made this the costliest part of a plan over a long history.
            let from = habits.partition_point(|h| h.at <= start);
            let to = habits.partition_point(|h| h.at <= end).max(from);
            let days = match self.days {
                Some(d) => d.distinct(from, to),
                None => distinct_dates(habits[from..to].iter().map(|h| h.at), self.tz),
            };
            let full = days >= self.cfg.habit_days_per_week;
            if full {
                weeks += 1;
            } else if k > 0 {
                break;
            }
            k += 1;
            if k > 520 {
                break;
            }
        }
        weeks
    }

    fn commitment(&self) -> Option<f64> {
        self.f
            .intake_answer("commitment")
            .and_then(Answer::as_number)
    }

    fn readiness_answer(&self, id: &str) -> Option<&str> {
        self.f
            .readiness
            .as_ref()
            .and_then(|(_, a)| a.get(id))
            .and_then(Answer::as_text)
    }
}

/// How many different local dates the moments fall on.
fn distinct_dates(moments: impl Iterator<Item = Timestamp>, tz: &TimeZone) -> usize {
    let mut days: Vec<jiff::civil::Date> =
        moments.map(|t| super::time::local_date(t, tz)).collect();
    days.sort();
    days.dedup();
    days.len()
}

/// The local date of every habit entry in one time zone, kept next to a fold's facts and
/// extended entry by entry, so counting the days of a week (RC-1) is two look-ups.
#[derive(Clone, Debug)]
pub(crate) struct HabitDays {
    pub tz: TimeZone,
    dates: Vec<jiff::civil::Date>,
    /// `changes[i]`: how many times the date changes from one entry to the next up to entry
    /// `i`; counts the distinct dates of a run while the dates never go back.
    changes: Vec<u32>,
    /// Whether the dates never go back (a zone that turns its clocks back over midnight can
    /// make them); otherwise a run's dates are counted one by one.
    in_order: bool,
}

impl HabitDays {
    pub fn new(moments: impl Iterator<Item = Timestamp>, tz: &TimeZone) -> Self {
        let mut days = Self {
            tz: tz.clone(),
            dates: Vec::new(),
            changes: Vec::new(),
            in_order: true,
        };
        for t in moments {
            days.push(t);
        }
        days
    }

    /// The next habit entry, no earlier than the last.
    pub fn push(&mut self, at: Timestamp) {
        let date = super::time::local_date(at, &self.tz);
        let changes = match (self.dates.last(), self.changes.last()) {
            (Some(&last), Some(&n)) => {
                self.in_order &= date >= last;
                n + u32::from(date != last)
            }
            _ => 0,
        };
        self.dates.push(date);
        self.changes.push(changes);
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// The distinct dates of entries `from..to`.
    pub fn distinct(&self, from: usize, to: usize) -> usize {
        if from >= to {
            0
        } else if self.in_order {
            (self.changes[to - 1] - self.changes[from]) as usize + 1
        } else {
            let mut days = self.dates[from..to].to_vec();
            days.sort();
            days.dedup();
            days.len()
        }
    }
}

/// The reason a hold gives, in plain words with its date (issue 12: the table in `stops.rs`
/// decides what it closes and what lifts it; this only words it).
pub(crate) fn hold_reason(c: &Ctx, h: &ActiveHold) -> Reason {
    let on = |t: Option<Timestamp>| t.map(|t| c.day(t)).unwrap_or_default();
    let text = match h.hold {
        Hold::UserHarmed => "You told amends that you were the one harmed. The apology and amends \
                             track is closed; support for you comes first."
            .to_string(),
        Hold::Danger => "What happened included harm that made them unsafe. Re-contact help \
                         stays off for good; the help that fits now is support for changing the \
                         behaviour."
            .to_string(),
        Hold::ProtectiveOrder => format!(
            "A legal or protective order was logged on {}. No contact of any kind, through \
             anyone, for as long as it exists.",
            on(h.since)
        ),
        Hold::WalkawayNo => format!(
            "In the walk-away check on {} you noted that they said no. That is final: only they \
             can change it, by getting in touch themselves and inviting contact.",
            on(h.since)
        ),
        Hold::Declined | Hold::AskedNoContact | Hold::Blocked => {
            let what = match h.hold {
                Hold::Blocked => "They blocked you",
                Hold::Declined => "They said no",
                _ => "They asked for no contact",
            };
            format!(
                "{what} on {}. That is final: only they can change it, by getting in touch \
                 themselves{}.",
                on(h.since),
                if h.hold == Hold::Blocked {
                    ", unblocking you and inviting contact"
                } else {
                    " and inviting contact"
                }
            )
        }
        Hold::NewPartner => format!(
            "On {} you noted they have a new partner. Stay out of their new relationship: \
             nothing here reaches towards them unless they tell you it has ended and invite \
             contact.",
            on(h.since)
        ),
        Hold::MovedOn => format!(
            "In the walk-away check on {} you noted they have moved on. Respect it and stay out \
             of their new life.",
            on(h.since)
        ),
        Hold::MajorLifeChange => format!(
            "On {} you noted a major change in their life. Outreach is locked while they deal \
             with it, until they get in touch.",
            on(h.since)
        ),
        Hold::Unwelcome => format!(
            "In the walk-away check on {} you noted signs that contact is unwelcome. That means \
             stopping now.",
            on(h.since)
        ),
        Hold::AskedForSpace => format!(
            "They asked for space on {}. Honour it fully until they get in touch themselves.",
            on(h.since)
        ),
        Hold::Angry => format!(
            "They were angry on {}. Contact would add pressure; it pauses until they get in \
             touch (C11).",
            on(h.since)
        ),
        Hold::UnwillingToTalk => format!(
            "On {} they showed they don't want to talk. Outreach waits for them.",
            on(h.since)
        ),
    };
    Reason {
        method: h.method,
        text,
        until: None,
        hold: Some(h.hold),
        code: None,
    }
}

/// SAFE-2, SAFE-8, SAFE-1 and WA-3: the stops that close every gate. After a "no" even the
/// single goodbye note WA-8 would allow stays closed: SAFE-1 rules it out.
pub(crate) fn hard_stops(c: &Ctx) -> Vec<Reason> {
    hold_reasons(c, HoldClass::Stop)
}

/// The reason of each hold in force of one class, in the order the holds are kept.
fn hold_reasons(c: &Ctx, class: HoldClass) -> Vec<Reason> {
    c.holds
        .iter()
        .filter(|h| h.class == class)
        .map(|h| hold_reason(c, h))
        .collect()
}

/// The walk-away decision (WA-7, PP-5) stands until they get in touch.
fn walkaway_decision(c: &Ctx) -> Vec<Reason> {
    let f = c.f;
    let Some((t, ref answers)) = f.walkaway else {
        return Vec::new();
    };
    if f.contact_in_after(t) {
        return Vec::new();
    }
    let decision = answers.get("decision").and_then(Answer::as_text);
    vec![Reason::new(
        if decision == Some("move-on") {
            "WA-7"
        } else {
            "PP-5"
        },
        format!(
            "After the walk-away assessment on {} you chose to {}. The next move is theirs.",
            c.day(t),
            if decision == Some("move-on") {
                "move on"
            } else {
                "keep giving space"
            }
        ),
    )]
}

/// Their signs that pause contact until they get in touch (WA-1, WA-2, WA-4, WA-5, RC-10,
/// PP-8). C1 overrides the seed's "stay patient while they date or move" (PP-6) and its
/// "pressure sometimes works" (PP-7, C2): both lock instead.
fn their_pauses(c: &Ctx) -> Vec<Reason> {
    hold_reasons(c, HoldClass::Pause)
}

/// SAFE-5: silence counts. Applies until they have let the user back in.
fn silence(c: &Ctx) -> Vec<Reason> {
    if c.f.reentry().is_some() {
        return Vec::new();
    }
    let unanswered = c.f.unanswered();
    match unanswered.len() {
        0 => Vec::new(),
        1 => {
            let t = unanswered[0].at;
            let until = add_days(t, c.cfg.silence_days, c.tz);
            if c.now < until {
                vec![
                    Reason::new(
                        "SAFE-5",
                        format!(
                            "Your message of {} has no answer. After an unanswered message, \
                             nothing more for at least {} days.",
                            c.day(t),
                            c.cfg.silence_days
                        ),
                    )
                    .until(until),
                ]
            } else {
                Vec::new()
            }
        }
        n => vec![Reason::new(
            "SAFE-5",
            format!(
                "{n} messages in a row have gone unanswered. Silence is an answer: outreach is \
                 locked unless they get in touch, and the walk-away assessment is open."
            ),
        )],
    }
}

/// RC-1, GO-8, DMG-11, GO-6, DMG-7, DMG-8, GO-1, GO-5: the user's own preparation.
fn preparation(c: &Ctx) -> Vec<Reason> {
    let f = c.f;
    let mut r = Vec::new();
    if !c.intake_done() {
        r.push(Reason::new(
            "GO-8",
            "The intake questions come first: without understanding why you want this, change \
             can't show.",
        ));
    }
    if !c.workbook_done() {
        let missing: Vec<&str> = c.workbook_missing().iter().map(|(m, _)| *m).collect();
        r.push(Reason::new(
            "DMG-11",
            format!(
                "The workbook isn't finished ({} still open). Understand the full extent of the \
                 hurt before anything else.",
                missing.join(", ")
            ),
        ));
    }
    // RC-1 is about the first step back; once they engage warmly the cadence rules take over.
    if f.reengaged().is_none() && f.reentry().is_none() {
        readiness(c, &mut r);
    }
    if f.weak_motives_only() {
        r.push(Reason::new(
            "GO-1",
            "Every reason you gave is about filling a gap (loneliness, comfort, fear, need) \
             rather than putting right a wrong or wanting this person. Look at that first.",
        ));
    }
    if let Some(score) = c.commitment()
        && score < c.cfg.min_commitment
    {
        r.push(Reason::new(
            "GO-6",
            format!(
                "You rated your readiness for lasting self-work at {score} of 5; at least {} is \
                 needed. Repeating old patterns would hurt them again.",
                c.cfg.min_commitment
            ),
        ));
    }
    if let Some(YesNoUnsure::Yes | YesNoUnsure::Unsure) = f.again {
        r.push(Reason::new(
            "DMG-7",
            "You said it could happen again (or aren't sure). Get to the bottom of it first; \
             therapy helps. Answer again in the workbook when that has changed.",
        ));
    }
    if let Some(YesNoUnsure::No | YesNoUnsure::Unsure) = f.respect {
        r.push(Reason::new(
            "DMG-8",
            "You're not sure you respect them. Explore why, ideally with a therapist, before \
             anything else.",
        ));
    }
    if f.path() == Path::NoFault {
        let changed = f.intake_text("nofault_changed");
        let willing = f.intake_text("both_willing");
        if changed == Some("unchanged") || willing == Some("no") {
            r.push(Reason::new(
                "GO-5",
                "Nobody was at fault, and the cause is unchanged or one of you is unwilling to \
                 work on it. Then it is kinder to leave it in the past (WA-9).",
            ));
        }
    }
    r
}

/// RC-1: real self-work and a current readiness self-check.
fn readiness(c: &Ctx, r: &mut Vec<Reason>) {
    let f = c.f;
    let weeks = c.habit_weeks();
    if weeks < c.cfg.habit_weeks {
        r.push(Reason::new(
            "RC-1",
            format!(
                "Self-work needs to be real: {} weeks of habit entries (on {} or more days a \
                 week) are needed, {} so far.",
                c.cfg.habit_weeks, c.cfg.habit_days_per_week, weeks
            ),
        ));
    }
    match f.readiness {
        None => r.push(
            Reason::new("RC-1", "The readiness self-check hasn't been done yet.")
                .code(ReasonCode::ReadinessDue),
        ),
        Some((t, _)) => {
            let stale = add_days(t, c.cfg.readiness_valid_days, c.tz) <= c.now;
            let before_slip = f.last_restart().is_some_and(|s| s > t);
            if stale || before_slip {
                r.push(
                    Reason::new(
                        "RC-1",
                        format!(
                            "The readiness self-check of {} is out of date{}; it needs doing \
                             again.",
                            c.day(t),
                            if before_slip {
                                " (there has been contact since)"
                            } else {
                                ""
                            }
                        ),
                    )
                    .code(ReasonCode::ReadinessDue),
                );
            } else {
                let good =
                    c.f.readiness
                        .as_ref()
                        .and_then(|(_, a)| a.get("good_place"))
                        .and_then(Answer::as_number)
                        .unwrap_or(0.0);
                if good < 4.0 {
                    r.push(Reason::new(
                        "RC-1",
                        "You said you're not in a good place yet. Look after yourself first.",
                    ));
                }
                if c.readiness_answer("want_not_comfort") != Some("yes") {
                    r.push(Reason::new(
                        "NC-5",
                        "You're not yet sure it's them you want rather than the comfort. Give \
                         that more time.",
                    ));
                }
                if c.readiness_answer("accept_any_answer") != Some("yes") {
                    r.push(Reason::new(
                        "PP-9",
                        "You're not yet sure you could accept any answer, silence included, \
                         without pressing.",
                    ));
                }
                if c.readiness_answer("their_moment") == Some("no") {
                    r.push(Reason::new(
                        "RC-2",
                        "You said this seems an upset or crowded time for them.",
                    ));
                }
            }
        }
    }
}

/// NC-2, PP-3, C10, AP-14, NC-9: the timing of contact the user starts. The 7-day gap is a
/// floor against flooding them (RC-5), and light, periodic contact (PP-2, PP-4) exists only
/// while they engage warmly.
fn timing(c: &Ctx) -> Vec<Reason> {
    let f = c.f;
    let mut r = Vec::new();
    if f.reentry().is_some() {
        return r;
    }
    match f.reengaged() {
        None => {
            let start = f.last_restart().max(f.nc_start(c.tz));
            if let Some(start) = start {
                let until = add_days(start, c.cfg.no_contact_days, c.tz);
                if c.now < until {
                    let days = days_between(start, c.now, c.tz).max(0);
                    r.push(
                        Reason::new(
                            "NC-2",
                            format!(
                                "No contact: day {days} of at least {}. The count restarts with \
                                 any contact you start, and it is a minimum, not a countdown.",
                                c.cfg.no_contact_days
                            ),
                        )
                        .until(until),
                    );
                }
            } else {
                r.push(Reason::new(
                    "NC-2",
                    "The no-contact period hasn't started: nothing is recorded yet.",
                ));
            }
        }
        Some(warm) => {
            if let Some(last) = f.last_out() {
                let until = add_days(last.at, c.cfg.min_gap_days, c.tz);
                if c.now < until {
                    r.push(
                        Reason::new(
                            "PP-3",
                            format!(
                                "At least {} days between contacts you start; the last was on \
                                 {}. This is a minimum gap, not a schedule.",
                                c.cfg.min_gap_days,
                                c.day(last.at)
                            ),
                        )
                        .until(until),
                    );
                }
                if warm < last.at {
                    r.push(Reason::new(
                        "C10",
                        "They haven't replied warmly since your last contact. The gap only \
                         applies while they engage warmly.",
                    ));
                    if matches!(last.draft, Some(DraftKind::Apology | DraftKind::Email)) {
                        r.push(Reason::new(
                            "AP-14",
                            "After an apology they will likely want time and distance; allow it \
                             until they reply (NC-9).",
                        ));
                    }
                }
            }
        }
    }
    r
}

/// Issue 12: under a stop a gate lists the stop alone, so no countdown or "day 3 of 30" stands
/// next to a lock that no date opens; otherwise `own` adds the gate's own reasons.
fn stops_first(c: &Ctx, id: GateId, own: impl FnOnce(&mut Vec<Reason>)) -> Gate {
    let mut reasons = hard_stops(c);
    if reasons.is_empty() {
        own(&mut reasons);
    }
    Gate::from_reasons(id, reasons)
}

pub(crate) fn outreach(c: &Ctx) -> Gate {
    stops_first(c, GateId::Outreach, |reasons| {
        reasons.extend(walkaway_decision(c));
        reasons.extend(their_pauses(c));
        reasons.extend(silence(c));
        reasons.extend(preparation(c));
        reasons.extend(timing(c));
    })
}

pub(crate) fn composer(c: &Ctx, ask_open: bool, gestures_open: bool) -> Gate {
    let mut gate = stops_first(c, GateId::Composer, |reasons| {
        if !c.intake_done() {
            reasons.push(Reason::new(
                "GO-8",
                "Drafts meant to be sent wait for the intake; until then the composer is only \
                 for practice, and the journal is always open.",
            ));
        }
        if !c.workbook_done() {
            reasons.push(Reason::new(
                "DMG-11",
                "Drafts meant to be sent wait until the workbook is done: understand the hurt \
                 before writing to them. Until then the composer is only for practice, and the \
                 journal is always open.",
            ));
        }
    });
    if gate.open {
        let mut allows = vec![DraftKind::First];
        let path = c.f.path();
        if path == Path::NoFault {
            gate.limits.push(Reason::new(
                "C5",
                "No apology on the no-fault path: an apology you don't mean would be hollow.",
            ));
        } else if c.f.apologise_anyway() == Some("no") {
            gate.limits.push(Reason::new(
                "GO-9",
                "You said you would apologise only if it won them back, so the apology stays \
                 closed. Answer again in the readiness check if that changes.",
            ));
        } else {
            allows.push(DraftKind::Apology);
            // C3: the long letter is sent only once they asked for an explanation, and only
            // if nothing has stopped things since.
            let asked =
                c.f.latest(|s| s == Signal::AskedForExplanation)
                    .is_some_and(|(t, _)| c.f.last_stop().is_none_or(|stop| stop < t));
            if asked {
                allows.push(DraftKind::Email);
                gate.limits.push(Reason::new(
                    "C3",
                    "They asked for an explanation: the letter can go, trimmed, in the form \
                     they asked for.",
                ));
            } else {
                gate.limits.push(Reason::new(
                    "C3",
                    "The full letter is a private exercise until they ask for an explanation; \
                     write it as practice, and send it, trimmed, only if they ask.",
                ));
            }
        }
        if ask_open {
            allows.push(DraftKind::Ask);
        }
        if gestures_open {
            allows.push(DraftKind::Gift);
        }
        gate.limits.push(Reason::new(
            "C7",
            "Your private notes on their part can never go into a draft.",
        ));
        gate.allows = allows;
    }
    gate
}

/// C1, KG-4: asking and a gift are contact the user starts, so they wait while outreach is
/// closed, and open no sooner than it does.
fn waits_for_outreach(outreach: &Gate, method: &'static str, what: &str) -> Option<Reason> {
    (!outreach.open).then(|| {
        let mut r = Reason::new(
            method,
            format!("{what} is contact you start, and outreach is closed (see its reasons)."),
        );
        r.until = outreach.opens_at;
        r
    })
}

pub(crate) fn ask(c: &Ctx, outreach: &Gate) -> Gate {
    let f = c.f;
    stops_first(c, GateId::Ask, |reasons| {
        if f.reentry().is_some() {
            reasons.push(Reason::new(
                "TR-1",
                "They have already agreed to try again; there is nothing to ask. Trust grows from \
                 here through what you do.",
            ));
        }
        if let Some((t, _)) = f.latest(|s| s == Signal::FriendsOnly)
            && f.latest(|s| s == Signal::AgreedToTryAgain)
                .is_none_or(|(y, _)| y < t)
        {
            reasons.push(Reason::new(
                "WA-6",
                format!(
                    "On {} they said they want friendship only. Accept it; asking for more stays off \
                     unless they raise it themselves.",
                    c.day(t)
                ),
            ));
        }
        match f.path() {
            Path::Harm | Path::Unclear | Path::Unknown => {
                let apologised = f
                    .outs
                    .iter()
                    .any(|o| matches!(o.draft, Some(DraftKind::Apology | DraftKind::Email)));
                if !apologised {
                    reasons.push(Reason::new(
                        "AP-1",
                        "On the harm path the apology comes before any request for another chance, \
                         and none has been logged as sent.",
                    ));
                }
            }
            Path::NoFault => {
                if f.intake_text("both_willing") != Some("yes") {
                    reasons.push(Reason::new(
                        "WA-9",
                        "With no fault on either side, asking makes sense only if you are both \
                         willing to work on the cause.",
                    ));
                }
            }
        }
        if f.reengaged().is_none() && f.reentry().is_none() {
            reasons.push(Reason::new(
                "RC-7",
                "Only later, if the conversation is going well, is it time to say what you hope for. \
                 They aren't engaging warmly now.",
            ));
        }
        reasons.extend(waits_for_outreach(outreach, "C1", "Asking"));
    })
}

pub(crate) fn gestures(c: &Ctx, outreach: &Gate) -> Gate {
    let f = c.f;
    let mut gate = stops_first(c, GateId::Gestures, |reasons| {
        if !c.workbook_done() {
            reasons.push(Reason::new(
                "KG-7",
                "No gestures before you understand the damage: the workbook isn't finished \
                 (DMG-11).",
            ));
        }
        if f.reengaged().is_none() && f.reentry().is_none() {
            reasons.push(Reason::new(
                "C10",
                "No gifts or gestures before they have re-engaged warmly. Gestures are for when \
                 they are welcome.",
            ));
        }
        reasons.extend(waits_for_outreach(outreach, "KG-4", "A gift"));
    });
    if gate.open {
        gate.limits.push(Reason::new(
            "C14",
            format!(
                "Keep gestures small (up to {} in your currency) and in proportion to what they \
                 asked for.",
                c.cfg.gesture_cost_limit
            ),
        ));
    }
    gate
}

/// WA-*, SAFE-5, C11, GO-5: the signs that suggest the walk-away assessment.
pub(crate) fn walkaway_signs(c: &Ctx) -> Vec<Reason> {
    let f = c.f;
    let mut r = Vec::new();
    if f.reentry().is_none() && f.unanswered().len() >= 2 {
        r.push(Reason::new(
            "SAFE-5",
            "Two or more of your messages have gone unanswered.",
        ));
    }
    for (t, s) in &f.signals {
        // A sign stays until what lifts its hold (the table in `stops.rs`); a passive sign of
        // theirs is not contact and lifts nothing.
        let lift = Hold::from_signal(*s).map_or(Lift::TheirContact, |h| h.rule().lifted_by);
        if f.lifted(*t, lift) {
            continue;
        }
        let (m, text) = match s {
            Signal::AskedNoContact | Signal::Blocked | Signal::ProtectiveOrder => {
                ("SAFE-1", "They made it clear they want no contact.")
            }
            Signal::Declined => ("WA-6", "They said no."),
            Signal::FriendsOnly => ("WA-6", "They want friendship only."),
            Signal::NewPartner => ("WA-3", "They have moved on with someone new."),
            Signal::MajorLifeChange => ("WA-5", "They are absorbed in big changes."),
            Signal::UnwillingToTalk => ("WA-1", "They won't talk about it."),
            _ => continue,
        };
        if !r.iter().any(|x: &Reason| x.method == m) {
            r.push(Reason::new(m, text));
        }
    }
    if let Some((t, _)) = f.unlifted(|s| s == Signal::Angry)
        && days_between(t, c.now, c.tz) >= c.cfg.anger_walkaway_days
    {
        r.push(Reason::new(
            "C11",
            format!(
                "They were angry on {} and haven't engaged in the {} days since.",
                c.day(t),
                days_between(t, c.now, c.tz)
            ),
        ));
    }
    if f.path() == Path::NoFault
        && (f.intake_text("nofault_changed") == Some("unchanged")
            || f.intake_text("both_willing") == Some("no"))
    {
        r.push(Reason::new(
            "GO-5",
            "The cause hasn't changed, or one of you isn't willing to work on it (WA-9).",
        ));
    }
    r
}

/// Therapy sessions logged (SI-4), used by the evidence the message coach checks claims
/// against (L-13).
pub(crate) fn therapy_sessions(c: &Ctx) -> u32 {
    c.f.habits
        .iter()
        .filter(|h| h.kind == HabitKind::Therapy)
        .map(|h| h.value.max(0.0).round() as u32)
        .sum()
}
