//! The plan: everything the method says about one case at one moment, derived from the events.
//!
//! `Plan::at(events, now, tz, config)` is pure: the clock, the time zone and the configuration
//! are passed in. Every closed gate says why, with METHOD ids; counters only ever unlock
//! (SAFE-6), so nothing here tells the user to reach out.

mod facts;
mod fold;
mod gates;
mod steps;
pub mod stops;
pub mod time;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::config::Config;
use crate::event::{AmendsStatus, Bounds, DraftKind, Event, HabitKind, PromiseOutcome, SlipKind};
use crate::guidance::{self, Card};
pub use facts::Path;
use facts::{Facts, chronological};
pub use fold::Fold;
use gates::{Ctx, HabitDays};
pub use gates::{Gate, GateId, Reason, ReasonCode};
pub use steps::{Action, NextStep, excerpt};
pub use stops::{ActiveHold, Capability, HOLDS, Hold, HoldClass, HoldRule, Lift};
use time::{add_days, days_between, local_date};

/// Where the user is in the method. Phases 0 to 11 of METHOD.md, plus the two safety tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Phase 0: the intake questions.
    Intake,
    /// Phase 1: the workbook.
    Workbook,
    /// Phases 2 and 3: no contact, alongside self-work.
    NoContact,
    /// Phase 5: the re-contact gate has opened. Whether to use it is the user's choice.
    ReContact,
    /// Phase 9: a message is out, or they paused things; the initiative is theirs.
    Patience,
    /// Phase 4: they engage warmly; on the harm path the apology comes next.
    Apology,
    /// Phases 6 and 7: listening, amends and gestures.
    Listening,
    /// Phase 8: they let the user back in; trust is rebuilt.
    Rebuilding,
    /// Phase 10: signs suggest the walk-away assessment.
    WalkAway,
    /// Phase 11: moving on.
    MoveOn,
    /// SAFE-2: dangerous harm in the history; behaviour-change support and MOVEON.
    SafetyStop,
    /// SAFE-8: the user was the one harmed; support for them.
    Support,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Intake => "intake",
            Phase::Workbook => "workbook",
            Phase::NoContact => "no-contact",
            Phase::ReContact => "re-contact",
            Phase::Patience => "patience",
            Phase::Apology => "apology",
            Phase::Listening => "listening",
            Phase::Rebuilding => "rebuilding",
            Phase::WalkAway => "walk-away",
            Phase::MoveOn => "move-on",
            Phase::SafetyStop => "safety-stop",
            Phase::Support => "support",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Phase::Intake => "Should you even try? (intake)",
            Phase::Workbook => "Understanding the damage (workbook)",
            Phase::NoContact => "No contact, and working on yourself",
            Phase::ReContact => "The re-contact gate is open; using it is your choice",
            Phase::Patience => "Patience: the next move is theirs",
            Phase::Apology => "The apology",
            Phase::Listening => "Listening, amends and gestures",
            Phase::Rebuilding => "Rebuilding trust",
            Phase::WalkAway => "Time to look at walking away",
            Phase::MoveOn => "Moving on",
            Phase::SafetyStop => "Stop: support for changing the behaviour",
            Phase::Support => "Support for you",
        }
    }

    /// The METHOD phase number (the safety tracks report the phase they lead to).
    pub fn number(self) -> u8 {
        match self {
            Phase::Intake => 0,
            Phase::Workbook => 1,
            Phase::NoContact => 2,
            Phase::Apology => 4,
            Phase::ReContact => 5,
            Phase::Listening => 6,
            Phase::Rebuilding => 8,
            Phase::Patience => 9,
            Phase::WalkAway => 10,
            Phase::MoveOn | Phase::SafetyStop | Phase::Support => 11,
        }
    }
}

/// A moment that restarted the no-contact count (NC-2) or broke it (SAFE-7).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Slip {
    pub id: String,
    #[schemars(with = "crate::schema::Time")]
    pub at: Timestamp,
    /// The channel (`text`, `social`, ...) or the kind of slip (`checked-profile`, ...).
    pub what: String,
    /// The METHOD ids of the reasons outreach was closed at the time.
    pub methods: Vec<&'static str>,
}

/// NC-2: the day counter. A slip restarts the current stretch and erases nothing.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NoContact {
    /// Where the count began: the last contact the intake gave, else the first entry.
    #[schemars(with = "Option<crate::schema::Time>")]
    pub counted_from: Option<Timestamp>,
    /// When the current stretch started.
    #[schemars(with = "Option<crate::schema::Time>")]
    pub since: Option<Timestamp>,
    /// Whole days in the current stretch, in the user's time zone.
    pub days: i64,
    pub longest_days: i64,
    /// The days the method asks for (NC-2); `None` under a stop, where no number of days opens
    /// anything and a count towards one would read as a countdown (issue 12).
    pub target_days: Option<i64>,
    /// Contact the user started while outreach was closed, and SAFE-7 slips. Never hidden.
    pub slips: Vec<Slip>,
    /// NC-6: urges logged in the last 7 and 30 days, and their average intensity.
    pub urges_7: usize,
    pub urges_30: usize,
    pub urge_intensity_30: Option<f64>,
}

/// One tracker over a window.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Tracker {
    pub habit: HabitKind,
    pub method: &'static str,
    /// Entries in the window.
    pub entries: usize,
    /// Sum of the values (hours, minutes, sessions ...).
    pub total: f64,
    /// The target over the window, where there is one.
    pub target: Option<f64>,
    /// 0 to 100 against the target, where there is one.
    pub score: Option<u8>,
}

/// SI-3's own measure: nights in the 7 to 9 hour band.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Sleep {
    pub nights: usize,
    pub average_hours: Option<f64>,
    pub nights_in_band: usize,
    pub band: [f64; 2],
    pub score: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Scores {
    pub days: i64,
    pub sleep: Sleep,
    pub trackers: Vec<Tracker>,
    /// The mean of the scored trackers, sleep included.
    pub overall: u8,
}

/// DMG-9: a prevention plan and how often it was practised.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PreventionHabit {
    pub id: String,
    pub behaviour: String,
    pub tracked: bool,
    pub practised_30: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SelfWork {
    pub last_7: Scores,
    pub last_30: Scores,
    /// RC-1 (ours): full weeks of habit data, and how many are needed.
    pub weeks_with_data: i64,
    pub weeks_needed: i64,
    pub prevention: Vec<PreventionHabit>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WorkbookProgress {
    pub done: bool,
    /// The sections still to write, by METHOD id and section name.
    pub missing: Vec<WorkbookGap>,
    pub acts: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WorkbookGap {
    pub method: &'static str,
    pub section: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PromiseStatus {
    Open,
    Kept,
    Broken,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PromiseEntry {
    pub id: String,
    pub text: String,
    #[schemars(with = "crate::schema::Time")]
    pub made_at: Timestamp,
    #[schemars(with = "Option<crate::schema::Time>")]
    pub due: Option<Timestamp>,
    pub status: PromiseStatus,
    pub renegotiated: u32,
    pub overdue: bool,
}

/// TR-3, TR-4: the promise ledger.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Promises {
    pub items: Vec<PromiseEntry>,
    pub open: usize,
    pub max_open: usize,
    pub kept: usize,
    pub broken: usize,
    pub renegotiated: u32,
    /// Kept out of kept-or-broken, in percent; `null` until one is settled.
    pub reliability_pct: Option<u8>,
    /// TR-4: whether another promise may be added now.
    pub can_add: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AmendsEntry {
    pub id: String,
    pub request: String,
    #[schemars(with = "crate::schema::Time")]
    pub at: Timestamp,
    pub status: AmendsStatus,
    pub bounds: Bounds,
    /// SAFE-9: false when amends won't help with it (unaffordable, illegal or unsafe).
    pub within_bounds: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GestureEntry {
    pub id: String,
    #[schemars(with = "crate::schema::Time")]
    pub at: Timestamp,
    pub what: String,
    pub cost: f64,
    /// L-21, C14: above the user's small-treat limit.
    pub over_limit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Gestures {
    pub items: Vec<GestureEntry>,
    pub total_cost: f64,
    pub cost_limit: f64,
}

/// TR-5: the fortnightly check-in, on only once they agreed.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckIns {
    pub agreed: bool,
    pub every_days: i64,
    #[schemars(with = "Option<crate::schema::Time>")]
    pub last: Option<Timestamp>,
    #[schemars(with = "Option<crate::schema::Time>")]
    pub next_due: Option<Timestamp>,
}

/// TR-8, C9: the optional follow-up about a month after re-entry.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FollowUp {
    pub method: &'static str,
    #[schemars(with = "crate::schema::Time")]
    pub around: Timestamp,
    pub text: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WalkAway {
    /// WA-*: signs that suggest the assessment.
    pub suggested: bool,
    pub reasons: Vec<Reason>,
    #[schemars(with = "Option<crate::schema::Time>")]
    pub assessed_at: Option<Timestamp>,
    /// `move-on` or `keep-space`, from the latest assessment.
    pub decision: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MoveOn {
    pub active: bool,
    pub reasons: Vec<Reason>,
    /// MO-4: the reflection was written.
    pub reflection_done: bool,
}

/// SAFE-2, SAFE-8: the safety tracks and their resources.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Safety {
    pub stop: bool,
    pub user_harmed: bool,
    pub resources: Vec<&'static str>,
}

/// What the message coach checks drafts against (L-13, L-16, L-21). Whole days back from now.
/// The logged steps are also what an apology may cite as change (AP-11, SI-9).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Evidence {
    pub therapy_sessions: u32,
    pub therapy_first_session_days_ago: Option<i64>,
    pub steps: Vec<StepEvidence>,
    pub times_happened: Option<u32>,
    pub days_since_last_outbound: Option<i64>,
    pub unanswered_outbound: usize,
    pub channels_today: Vec<String>,
    pub outreach_locked: Option<String>,
    pub gift_cost_limit: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepEvidence {
    pub label: String,
    pub days_ago: i64,
}

/// One capability towards them, as the plan stands.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CapabilityState {
    pub capability: Capability,
    pub open: bool,
    pub reasons: Vec<Reason>,
}

/// The capabilities: closed by any hold whose row closes it (issue 12), and the four that
/// have a gate also by their gate's own reasons.
fn capabilities(c: &Ctx, gates: [&Gate; 4]) -> Vec<CapabilityState> {
    let [outreach, composer, ask, gestures] = gates;
    Capability::ALL
        .iter()
        .map(|&cap| {
            let mut reasons: Vec<Reason> = c
                .holds
                .iter()
                .filter(|h| h.hold.closes(cap))
                .map(|h| gates::hold_reason(c, h))
                .collect();
            let gate_reasons: &[&Gate] = match cap {
                Capability::Contact => &[outreach],
                Capability::SendDraft => &[outreach, composer],
                Capability::Ask => &[ask],
                Capability::Gesture => &[gestures],
                _ => &[],
            };
            for g in gate_reasons {
                for r in &g.reasons {
                    if !reasons.contains(r) {
                        reasons.push(r.clone());
                    }
                }
            }
            CapabilityState {
                capability: cap,
                open: reasons.is_empty(),
                reasons,
            }
        })
        .collect()
}

/// The plan at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    #[schemars(with = "crate::schema::Time")]
    pub at: Timestamp,
    pub time_zone: String,
    pub phase: Phase,
    pub phase_number: u8,
    pub phase_title: &'static str,
    /// GO-4, C5: the harm path or the no-fault path.
    pub path: Path,
    pub intake_done: bool,
    pub workbook: WorkbookProgress,
    pub gates: Vec<Gate>,
    /// Issue 12: the holds of their wishes and safety in force now (`stops::HOLDS` says what
    /// each closes and what lifts it).
    pub holds: Vec<ActiveHold>,
    /// Every capability towards them, open or closed, with the reasons (one per hold or gate
    /// that closes it). Front ends and use cases ask this, never the reasons' METHOD ids.
    pub capabilities: Vec<CapabilityState>,
    pub no_contact: NoContact,
    pub self_work: SelfWork,
    pub promises: Promises,
    pub amends: Vec<AmendsEntry>,
    pub gestures: Gestures,
    pub checkins: CheckIns,
    pub follow_up: Option<FollowUp>,
    pub walk_away: WalkAway,
    pub move_on: MoveOn,
    pub safety: Safety,
    /// LS-1: their questions not answered yet.
    pub unanswered_questions: usize,
    pub evidence: Evidence,
    pub next_steps: Vec<NextStep>,
    /// Habit reminders the user turned on (for calendars; never a reminder to reach out).
    pub reminders: Vec<HabitKind>,
    /// The guidance cards that fit this moment.
    pub guidance: Vec<Card>,
}

impl Plan {
    /// Derives the plan at `now`. Events after `now` are ignored, so a past `now` shows the
    /// plan as it stood then.
    pub fn at(events: &[Event], now: Timestamp, tz: &TimeZone, config: &Config) -> Plan {
        let (all_sorted, eff) = in_order(events, now);
        let facts = Facts::build(&eff, &all_sorted);
        let cfg = config.with_settings(&facts.settings).effective();
        let slips = outbound_slips(&eff, &all_sorted, tz, &cfg);
        derive(&facts, slips, now, tz, &cfg, None)
    }

    /// Whether a capability towards them is open, and if not, why.
    pub fn capability(&self, cap: Capability) -> &CapabilityState {
        // Every plan lists every capability, in `Capability::ALL` order.
        let i = Capability::ALL.iter().position(|c| *c == cap).unwrap_or(0);
        &self.capabilities[i]
    }

    pub fn allows(&self, cap: Capability) -> bool {
        self.capability(cap).open
    }

    /// A stop of the hold table is in force (SAFE-1, SAFE-2, SAFE-8, WA-3): nothing aims at
    /// them, and no countdown is shown.
    pub fn under_stop(&self) -> bool {
        self.holds.iter().any(|h| h.class == HoldClass::Stop)
    }

    pub fn gate(&self, id: GateId) -> &Gate {
        // Every plan has all four gates, in this order.
        match id {
            GateId::Outreach => &self.gates[0],
            GateId::Composer => &self.gates[1],
            GateId::Ask => &self.gates[2],
            GateId::Gestures => &self.gates[3],
        }
    }
}

/// The plan at `now` from the facts of the history up to it, the config with the user's
/// settings, and the outbound contact that was a slip (`outbound_slips`): `Plan::at`, and a
/// fold's plan (`fold.rs`), which keeps all three up to date.
pub(crate) fn derive(
    facts: &Facts,
    outbound_slips: Vec<Slip>,
    now: Timestamp,
    tz: &TimeZone,
    cfg: &Config,
    days: Option<&HabitDays>,
) -> Plan {
    let c = Ctx {
        f: facts,
        now,
        tz,
        cfg,
        holds: facts.holds(),
        days,
        weeks: Default::default(),
    };

    let outreach = gates::outreach(&c);
    let ask = gates::ask(&c, &outreach);
    let gestures_gate = gates::gestures(&c, &outreach);
    let composer = gates::composer(&c, ask.open, gestures_gate.open);

    let no_contact = no_contact(&c, outbound_slips);
    let self_work = self_work(&c);
    let promises = promises(&c);
    let workbook = WorkbookProgress {
        done: c.workbook_done(),
        missing: c
            .workbook_missing()
            .into_iter()
            .map(|(method, section)| WorkbookGap { method, section })
            .collect(),
        acts: facts.acts,
    };
    let checkins = checkins(&c);
    let follow_up = facts
        .reentry()
        .filter(|_| c.allows(Capability::FollowUp))
        .map(|t| FollowUp {
            method: "TR-8",
            around: add_days(t, cfg.follow_up_days, tz),
            text: "Optional, around this date: a brief check-in on whether they'd find it \
               helpful to talk about what happened. Never a retelling, and they may say no \
               (C9).",
        });

    let walk_reasons = gates::walkaway_signs(&c);
    let walk_away = WalkAway {
        suggested: !walk_reasons.is_empty(),
        reasons: walk_reasons,
        assessed_at: facts.walkaway.as_ref().map(|(t, _)| *t),
        decision: facts
            .walkaway
            .as_ref()
            .and_then(|(_, a)| a.get("decision"))
            .and_then(|a| a.as_text())
            .map(str::to_string),
    };
    let move_on = move_on(&c, &walk_away);
    let safety = Safety {
        stop: !facts.danger.is_empty(),
        user_harmed: !facts.harmed.is_empty(),
        resources: if !facts.harmed.is_empty() {
            guidance::SUPPORT_RESOURCES.to_vec()
        } else if !facts.danger.is_empty() {
            guidance::BEHAVIOUR_CHANGE_RESOURCES.to_vec()
        } else {
            Vec::new()
        },
    };

    let phase = phase(&c, &outreach, &walk_away, &move_on, &safety);
    let evidence = evidence(&c, &outreach);

    let mut plan = Plan {
        at: now,
        time_zone: tz.iana_name().unwrap_or("local").to_string(),
        phase,
        phase_number: phase.number(),
        phase_title: phase.title(),
        path: facts.path(),
        intake_done: c.intake_done(),
        workbook,
        capabilities: capabilities(&c, [&outreach, &composer, &ask, &gestures_gate]),
        holds: c.holds.clone(),
        gates: vec![outreach, composer, ask, gestures_gate],
        no_contact,
        self_work,
        promises,
        amends: facts
            .amends
            .iter()
            .map(|a| AmendsEntry {
                id: a.id.to_string(),
                request: a.request.to_string(),
                at: a.at,
                status: a.status,
                bounds: a.bounds,
                within_bounds: a.bounds.within(),
            })
            .collect(),
        gestures: Gestures {
            items: facts
                .gestures
                .iter()
                .map(|g| GestureEntry {
                    id: g.id.to_string(),
                    at: g.at,
                    what: g.what.to_string(),
                    cost: g.cost,
                    over_limit: g.cost > cfg.gesture_cost_limit,
                })
                .collect(),
            // fold from +0.0: `Sum` for f64 starts at -0.0, which showed as "-0" with no gestures.
            total_cost: facts.gestures.iter().fold(0.0, |acc, g| acc + g.cost),
            cost_limit: cfg.gesture_cost_limit,
        },
        checkins,
        follow_up,
        walk_away,
        move_on,
        safety,
        unanswered_questions: facts.questions_unanswered,
        evidence,
        next_steps: Vec::new(),
        reminders: facts.settings.reminders.clone().unwrap_or_default(),
        guidance: Vec::new(),
    };
    plan.next_steps = steps::next_steps(&c, &plan);
    plan.guidance = steps::guidance_for(&c, &plan);
    plan
}

/// Every event up to `now` in the order it happened (then recorded, then by id), and those of
/// them that still count (no later event corrects them): what the facts are built from.
fn in_order(events: &[Event], now: Timestamp) -> (Vec<&Event>, Vec<&Event>) {
    let all_sorted: Vec<&Event> = {
        let refs: Vec<&Event> = events.iter().filter(|e| e.at <= now).collect();
        chronological(&refs).into_iter().map(|i| refs[i]).collect()
    };
    // The events `effective` keeps, by id: those no event (up to `now` or after) corrects.
    // Asked of the few corrected ids, instead of a set of every id kept, which cost more than
    // the rest of this over a long history.
    let superseded: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| e.supersedes.as_deref())
        .collect();
    let eff: Vec<&Event> = if superseded.is_empty() {
        all_sorted.clone()
    } else {
        all_sorted
            .iter()
            .copied()
            .filter(|e| !superseded.contains(e.id.as_str()))
            .collect()
    };
    (all_sorted, eff)
}

/// Contact the user started while outreach was closed: each outbound judged by the plan as it
/// stood just before it (with today's settings), from the effective and all events up to now.
pub(crate) fn outbound_slips(
    eff: &[&Event],
    all: &[&Event],
    tz: &TimeZone,
    cfg: &Config,
) -> Vec<Slip> {
    let mut slips = Vec::new();
    for (i, e) in eff.iter().enumerate() {
        if e.data.outbound_channel().is_none() {
            continue;
        }
        let before_eff = &eff[..i];
        let before_all: Vec<&Event> = all
            .iter()
            .copied()
            .take_while(|x| (x.at, x.recorded_at, &x.id) < (e.at, e.recorded_at, &e.id))
            .collect();
        slips.extend(outbound_slip(
            e,
            &Facts::build(before_eff, &before_all),
            tz,
            cfg,
        ));
    }
    slips
}

/// `e`, an outbound contact, as a slip if outreach was closed just before it (`before`: the
/// facts of everything before it).
pub(crate) fn outbound_slip(
    e: &Event,
    before: &Facts,
    tz: &TimeZone,
    cfg: &Config,
) -> Option<Slip> {
    let ctx = Ctx {
        f: before,
        now: e.at,
        tz,
        cfg,
        holds: before.holds(),
        days: None,
        weeks: Default::default(),
    };
    let gate = gates::outreach(&ctx);
    (!gate.open).then(|| Slip {
        id: e.id.clone(),
        at: e.at,
        what: e
            .data
            .outbound_channel()
            .map(|ch| ch.to_string())
            .unwrap_or_default(),
        methods: gate.reasons.iter().map(|r| r.method).collect(),
    })
}

fn phase(c: &Ctx, outreach: &Gate, walk: &WalkAway, move_on: &MoveOn, safety: &Safety) -> Phase {
    let f = c.f;
    if safety.user_harmed {
        return Phase::Support;
    }
    if safety.stop {
        return Phase::SafetyStop;
    }
    if move_on.active {
        return Phase::MoveOn;
    }
    if !c.intake_done() {
        return Phase::Intake;
    }
    // Suggested and not yet answered since the latest sign.
    let latest_sign = f.last_stop().max(f.last_out().map(|o| o.at));
    let assessed = f
        .walkaway
        .as_ref()
        .is_some_and(|(t, _)| latest_sign.is_none_or(|s| *t >= s));
    if walk.suggested && !assessed {
        return Phase::WalkAway;
    }
    if !c.workbook_done() {
        return Phase::Workbook;
    }
    if f.reentry().is_some() {
        return Phase::Rebuilding;
    }
    if f.reengaged().is_some() {
        let apologised = f
            .outs
            .iter()
            .any(|o| matches!(o.draft, Some(DraftKind::Apology | DraftKind::Email)));
        if matches!(f.path(), Path::Harm | Path::Unclear) && !apologised {
            return Phase::Apology;
        }
        return Phase::Listening;
    }
    if outreach.open {
        return Phase::ReContact;
    }
    let paused = !c.holds.is_empty()
        || outreach
            .reasons
            .iter()
            .any(|r| matches!(r.method, "SAFE-5" | "PP-5"));
    if paused {
        return Phase::Patience;
    }
    Phase::NoContact
}

fn no_contact(c: &Ctx, outbound_slips: Vec<Slip>) -> NoContact {
    let f = c.f;
    let start = f.nc_start(c.tz);
    let mut points: Vec<Timestamp> = f.outs.iter().map(|o| o.at).collect();
    points.extend(f.slip_events.iter().map(|s| s.0));
    points.sort();
    let mut longest = 0;
    let mut prev = start;
    for &p in &points {
        if let Some(s) = prev
            && p > s
        {
            longest = longest.max(days_between(s, p, c.tz));
        }
        prev = Some(prev.map_or(p, |s| s.max(p)));
    }
    let since = prev;
    let days = since.map_or(0, |s| days_between(s, c.now, c.tz).max(0));
    longest = longest.max(days);

    let mut slips = outbound_slips;
    for (at, what, id) in &f.slip_events {
        slips.push(Slip {
            id: id.to_string(),
            at: *at,
            what: what.to_string(),
            methods: vec![if *what == SlipKind::CheckedProfile {
                "SAFE-7"
            } else {
                "NC-1"
            }],
        });
    }
    slips.sort_by_key(|s| s.at);

    let d7 = add_days(c.now, -7, c.tz);
    let d30 = add_days(c.now, -30, c.tz);
    let urges_30: Vec<u8> = f
        .urges
        .iter()
        .filter(|(t, _)| *t > d30)
        .map(|(_, i)| *i)
        .collect();
    NoContact {
        counted_from: start,
        since,
        days,
        longest_days: longest,
        target_days: c
            .allows(Capability::Countdown)
            .then_some(c.cfg.no_contact_days),
        slips,
        urges_7: f.urges.iter().filter(|(t, _)| *t > d7).count(),
        urge_intensity_30: if urges_30.is_empty() {
            None
        } else {
            Some(
                (urges_30.iter().map(|&i| f64::from(i)).sum::<f64>() / urges_30.len() as f64
                    * 10.0)
                    .round()
                    / 10.0,
            )
        },
        urges_30: urges_30.len(),
    }
}

fn pct(x: f64) -> u8 {
    (x.clamp(0.0, 1.0) * 100.0).round() as u8
}

fn scores(c: &Ctx, days: i64) -> Scores {
    let cfg = c.cfg;
    let from = add_days(c.now, -days, c.tz);
    let window: Vec<_> =
        c.f.habits
            .iter()
            .filter(|h| h.at > from && h.at <= c.now)
            .collect();
    let weeks = days as f64 / 7.0;

    // SI-3: one value per night; a second entry for the same night replaces the first.
    let mut nights: std::collections::BTreeMap<jiff::civil::Date, f64> = Default::default();
    for h in window.iter().filter(|h| h.kind == HabitKind::Sleep) {
        nights.insert(local_date(h.at, c.tz), h.value);
    }
    let in_band = nights
        .values()
        .filter(|&&v| v >= cfg.sleep_min_hours && v <= cfg.sleep_max_hours)
        .count();
    let sleep = Sleep {
        nights: nights.len(),
        average_hours: if nights.is_empty() {
            None
        } else {
            Some((nights.values().sum::<f64>() / nights.len() as f64 * 10.0).round() / 10.0)
        },
        nights_in_band: in_band,
        band: [cfg.sleep_min_hours, cfg.sleep_max_hours],
        score: pct(in_band as f64 / days as f64),
    };

    let tracker = |kind: HabitKind, method: &'static str, target: Option<f64>| {
        let entries: Vec<_> = window.iter().filter(|h| h.kind == kind).collect();
        // fold from +0.0: `Sum` for f64 starts at -0.0, which showed as "-0" on an empty window.
        let total: f64 = entries.iter().fold(0.0, |acc, h| acc + h.value);
        let achieved = match kind {
            // SI-1: days that met the meals target.
            HabitKind::Meals => {
                let mut per_day: std::collections::BTreeMap<jiff::civil::Date, f64> =
                    Default::default();
                for h in &entries {
                    *per_day.entry(local_date(h.at, c.tz)).or_default() += h.value;
                }
                per_day
                    .values()
                    .filter(|&&v| v >= cfg.meals_per_day)
                    .count() as f64
            }
            // SI-2: sessions, whatever their length.
            HabitKind::Exercise => entries.len() as f64,
            _ => total,
        };
        Tracker {
            habit: kind,
            method,
            entries: entries.len(),
            total,
            target,
            score: target.map(|t| pct(achieved / t)),
        }
    };
    let trackers = vec![
        tracker(
            HabitKind::Exercise,
            "SI-2",
            Some(cfg.exercise_per_week * weeks),
        ),
        tracker(HabitKind::Meals, "SI-1", Some(days as f64)),
        tracker(HabitKind::Hobby, "SI-7", Some(cfg.hobby_per_week * weeks)),
        tracker(HabitKind::Social, "SI-8", Some(cfg.social_per_week * weeks)),
        tracker(
            HabitKind::Therapy,
            "SI-4",
            Some(cfg.therapy_per_week * weeks),
        ),
        tracker(HabitKind::Step, "SI-9", None),
        tracker(HabitKind::Practice, "DMG-9", None),
    ];
    let scored: Vec<u8> = std::iter::once(sleep.score)
        .chain(trackers.iter().filter_map(|t| t.score))
        .collect();
    let overall =
        (scored.iter().map(|&s| f64::from(s)).sum::<f64>() / scored.len() as f64).round() as u8;
    Scores {
        days,
        sleep,
        trackers,
        overall,
    }
}

fn self_work(c: &Ctx) -> SelfWork {
    let d30 = add_days(c.now, -30, c.tz);
    SelfWork {
        last_7: scores(c, 7),
        last_30: scores(c, 30),
        weeks_with_data: c.habit_weeks(),
        weeks_needed: c.cfg.habit_weeks,
        prevention: c
            .f
            .preventions
            .iter()
            .map(|(id, behaviour, tracked)| PreventionHabit {
                id: id.to_string(),
                behaviour: behaviour.to_string(),
                tracked: *tracked,
                practised_30: c
                    .f
                    .habits
                    .iter()
                    // A plan switched to "tracked" is a correction with a new id; practice
                    // logged against the old id still counts for it.
                    .filter(|h| {
                        h.kind == HabitKind::Practice
                            && h.plan.as_deref().map(|p| c.f.current_id(p)) == Some(id.as_str())
                            && h.at > d30
                    })
                    .count(),
            })
            .collect(),
    }
}

fn promises(c: &Ctx) -> Promises {
    let items: Vec<PromiseEntry> =
        c.f.promises
            .iter()
            .map(|p| {
                let status = match p.outcome {
                    None => PromiseStatus::Open,
                    Some(PromiseOutcome::Kept) => PromiseStatus::Kept,
                    Some(_) => PromiseStatus::Broken,
                };
                PromiseEntry {
                    id: p.id.to_string(),
                    text: p.text.to_string(),
                    made_at: p.made_at,
                    due: p.due,
                    overdue: status == PromiseStatus::Open && p.due.is_some_and(|d| d < c.now),
                    status,
                    renegotiated: p.renegotiated,
                }
            })
            .collect();
    let count = |s: PromiseStatus| items.iter().filter(|p| p.status == s).count();
    let (open, kept, broken) = (
        count(PromiseStatus::Open),
        count(PromiseStatus::Kept),
        count(PromiseStatus::Broken),
    );
    Promises {
        reliability_pct: (kept + broken > 0).then(|| pct(kept as f64 / (kept + broken) as f64)),
        // Issue 12: no new promise to them under a stop or a pause.
        can_add: open < c.cfg.max_open_promises && c.allows(Capability::Promise),
        renegotiated: items.iter().map(|p| p.renegotiated).sum(),
        items,
        open,
        max_open: c.cfg.max_open_promises,
        kept,
        broken,
    }
}

fn checkins(c: &Ctx) -> CheckIns {
    let f = c.f;
    // Issue 12: an agreement logged after a stop or during a pause does not bring check-ins
    // back; only what lifts the hold does (an invitation, or their contact for a pause).
    let agreed_at = f
        .latest(|s| s == crate::event::Signal::AgreedToCheckIns)
        .map(|(t, _)| t)
        .filter(|t| f.last_stop().is_none_or(|stop| stop < *t))
        .filter(|_| c.allows(Capability::CheckIn));
    let last = agreed_at.and_then(|a| f.checkins.iter().copied().filter(|&t| t >= a).max());
    CheckIns {
        agreed: agreed_at.is_some(),
        every_days: c.cfg.checkin_every_days,
        last,
        next_due: agreed_at.map(|a| add_days(last.unwrap_or(a), c.cfg.checkin_every_days, c.tz)),
    }
}

fn move_on(c: &Ctx, walk: &WalkAway) -> MoveOn {
    let f = c.f;
    let mut reasons = Vec::new();
    let reason = |method: &'static str, text: &str, hold: Option<Hold>| Reason {
        method,
        text: text.into(),
        until: None,
        hold,
        code: None,
    };
    if !f.danger.is_empty() {
        reasons.push(reason(
            "SAFE-2",
            "After harm that made them unsafe, the path is changing the behaviour and building \
             your own life.",
            Some(Hold::Danger),
        ));
    }
    if walk.decision.as_deref() == Some("move-on")
        && f.walkaway
            .as_ref()
            .is_some_and(|(t, _)| !f.contact_in_after(*t))
    {
        reasons.push(reason("WA-7", "You chose to accept it and move on.", None));
    }
    let holding = |h: Hold| c.holds.iter().any(|a| a.hold == h);
    if holding(Hold::ProtectiveOrder) {
        reasons.push(reason(
            "SAFE-1",
            "A protective order stands; your own life is the path now.",
            Some(Hold::ProtectiveOrder),
        ));
    } else if let Some(h) = [
        Hold::Declined,
        Hold::AskedNoContact,
        Hold::Blocked,
        Hold::WalkawayNo,
    ]
    .into_iter()
    .find(|h| holding(*h))
    {
        reasons.push(reason(
            "SAFE-1",
            "Their answer was no. Accepting it is where your own life picks up again.",
            Some(h),
        ));
    }
    if let Some(h) = [Hold::NewPartner, Hold::MovedOn]
        .into_iter()
        .find(|h| holding(*h))
    {
        reasons.push(reason(
            "WA-3",
            "They have moved on. Letting them go, and building your own life, is the path now.",
            Some(h),
        ));
    }
    MoveOn {
        active: !reasons.is_empty(),
        reasons,
        reflection_done: f.reflection.is_some(),
    }
}

fn evidence(c: &Ctx, outreach: &Gate) -> Evidence {
    let f = c.f;
    let therapy_first = f
        .habits
        .iter()
        .filter(|h| h.kind == HabitKind::Therapy)
        .map(|h| h.at)
        .min();
    let today = local_date(c.now, c.tz);
    let mut channels_today: Vec<String> = f
        .outs
        .iter()
        .filter(|o| local_date(o.at, c.tz) == today)
        .map(|o| o.channel.to_string())
        .collect();
    channels_today.sort();
    channels_today.dedup();
    Evidence {
        therapy_sessions: gates::therapy_sessions(c),
        therapy_first_session_days_ago: therapy_first.map(|t| days_between(t, c.now, c.tz)),
        steps: f
            .habits
            .iter()
            .filter(|h| h.kind == HabitKind::Step)
            .map(|h| StepEvidence {
                label: h.note.as_deref().unwrap_or("step").to_string(),
                days_ago: days_between(h.at, c.now, c.tz),
            })
            .collect(),
        times_happened: f.times_happened,
        days_since_last_outbound: f.last_out().map(|o| days_between(o.at, c.now, c.tz)),
        unanswered_outbound: f.unanswered().len(),
        channels_today,
        // PP-3's gap is left out: the coach states it itself from days_since_last_outbound
        // (L-16), and saying it twice, once as "a line they have drawn", misled.
        outreach_locked: {
            let rest: Vec<String> = outreach
                .reasons
                .iter()
                .filter(|r| r.method != "PP-3")
                .map(|r| format!("{}: {}", r.method, r.text))
                .collect();
            (!outreach.open && !rest.is_empty()).then(|| rest.join(" "))
        },
        gift_cost_limit: c.cfg.gesture_cost_limit,
    }
}
