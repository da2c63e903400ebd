//! The facts a plan is derived from: one pass over the history up to a moment.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::event::{
    AmendsStatus, Answers, Bounds, Channel, Danger, Direction, DraftKind, Event, EventData,
    HabitKind, PromiseOutcome, Settings, Signal, SlipKind, YesNoUnsure,
};
use crate::forms::{Answer, FormId, WEAK_MOTIVES};

/// Which track the intake put the user on (GO-4, C5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Path {
    /// The intake is not done yet.
    Unknown,
    /// GO-4: they were hurt; an apology comes first.
    Harm,
    /// GO-5, C5: nobody was at fault; no apology is written.
    NoFault,
    /// C5: the user thinks they did nothing wrong but they named a hurt, or the user is
    /// unsure. The workbook has to look at it from the user's side first.
    Unclear,
}

#[derive(Clone, Debug)]
pub(crate) struct Outbound {
    pub at: Timestamp,
    pub channel: Channel,
    pub draft: Option<DraftKind>,
}

#[derive(Clone, Debug)]
pub(crate) struct PromiseFact {
    pub id: String,
    pub text: String,
    pub made_at: Timestamp,
    pub due: Option<Timestamp>,
    pub outcome: Option<PromiseOutcome>,
    pub resolved_at: Option<Timestamp>,
    pub renegotiated: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct AmendsFact {
    pub id: String,
    pub request: String,
    pub bounds: Bounds,
    pub at: Timestamp,
    pub status: AmendsStatus,
}

#[derive(Clone, Debug)]
pub(crate) struct GestureFact {
    pub id: String,
    pub at: Timestamp,
    pub what: String,
    pub cost: f64,
}

/// SAFE-1: they got in touch directly and invited contact (the only thing that lifts a stop).
#[derive(Clone, Copy, Debug)]
pub(crate) struct InvitationFact {
    pub at: Timestamp,
    pub unblocked: bool,
    pub partner_ended: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct HabitFact {
    pub at: Timestamp,
    pub kind: HabitKind,
    pub value: f64,
    pub note: Option<String>,
    pub plan: Option<String>,
}

/// Everything known at one moment. Built from events sorted by time; events after the moment
/// are ignored, so `--at` shows the plan as it stood then.
///
/// It owns what it keeps (a copy of the few words it needs), so it can be kept up to date
/// event by event next to a history held in memory (see `fold.rs`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    pub first_event: Option<Timestamp>,
    pub intake: Option<(Timestamp, Answers)>,
    pub readiness: Option<(Timestamp, Answers)>,
    pub walkaway: Option<(Timestamp, Answers)>,
    /// SAFE-1: every walk-away check that recorded their "no". A later check with other
    /// answers does not take it back; only contact they start does.
    pub walkaway_no: Vec<Timestamp>,
    pub reflection: Option<Timestamp>,
    /// LS-2, LS-4, LS-5: the latest look back on a conversation.
    pub review: Option<(Timestamp, Answers)>,
    /// SAFE-2: from every event, corrected ones included: a correction cannot undo it.
    pub danger: Vec<Danger>,
    /// SAFE-8: likewise.
    pub harmed: Vec<Danger>,
    /// When danger or harm was first recorded.
    pub danger_since: Option<Timestamp>,
    /// SAFE-1: their invitations (corrections applied).
    pub invitations: Vec<InvitationFact>,
    pub acts: usize,
    pub acts_complete: usize,
    pub times_happened: Option<u32>,
    pub loss: bool,
    pub whys: usize,
    pub again: Option<YesNoUnsure>,
    pub respect: Option<YesNoUnsure>,
    pub preventions: Vec<(String, String, bool)>,
    pub failures: bool,
    pub outs: Vec<Outbound>,
    pub slip_events: Vec<(Timestamp, SlipKind, String)>,
    pub ins: Vec<Timestamp>,
    pub signals: Vec<(Timestamp, Signal)>,
    /// In time order (they are folded in chronologically), which `Ctx::habit_weeks` uses.
    pub habits: Vec<HabitFact>,
    pub urges: Vec<(Timestamp, u8)>,
    pub promises: Vec<PromiseFact>,
    pub checkins: Vec<Timestamp>,
    pub amends: Vec<AmendsFact>,
    pub gestures: Vec<GestureFact>,
    pub questions_unanswered: usize,
    pub settings: Settings,
    /// Which event replaced which (old id to its correction), so references to an entry that
    /// was later corrected (a practice log naming a prevention plan) still find it.
    pub replaced_by: std::collections::HashMap<String, String>,
}

impl Facts {
    /// The id an entry has now, after every correction of it. Bounded, so a malformed loop of
    /// corrections cannot hang the plan.
    pub fn current_id<'s>(&'s self, mut id: &'s str) -> &'s str {
        for _ in 0..64 {
            match self.replaced_by.get(id) {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }
}

/// Sorts events by when they happened, then by when they were written down.
pub(crate) fn chronological(events: &[&Event]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..events.len()).collect();
    idx.sort_by(|&a, &b| {
        let (ea, eb) = (events[a], events[b]);
        (ea.at, ea.recorded_at, &ea.id).cmp(&(eb.at, eb.recorded_at, &eb.id))
    });
    idx
}

impl Facts {
    /// `effective` are the events that still count (corrections applied), `all` every event
    /// ever recorded; both sorted by time and cut off at the moment of interest.
    pub fn build(effective: &[&Event], all: &[&Event]) -> Self {
        let mut f = Facts::default();
        for e in all {
            if let Some(old) = e.supersedes.as_deref() {
                f.replaced_by.insert(old.to_string(), e.id.clone());
            }
        }
        // Safety facts are sticky: a "no" or a danger, once recorded, stays (SAFE-1, SAFE-2).
        for e in all {
            f.add_sticky(e);
        }
        for e in effective {
            f.add_effective(e);
        }
        f.signals.sort_by_key(|(t, _)| *t);
        f.danger.sort();
        f.danger.dedup();
        f.harmed.sort();
        f.harmed.dedup();
        f
    }

    /// Folds in one more event, later than every event in these facts (by time, then by when it
    /// was recorded, then by id), that corrects none and that none corrects: the facts are then
    /// exactly what [`Facts::build`] gives for the history with it (`fold.rs` checks the
    /// conditions; a property test holds the two together).
    pub fn push(&mut self, e: &Event) {
        debug_assert!(e.supersedes.is_none());
        let signals = self.signals.len();
        self.add_sticky(e);
        self.add_effective(e);
        // `build` sorts the signals by time, stably, after taking the final noes from every
        // event and then the rest from the effective ones: at one moment the final noes come
        // first. The new event is the latest, so its signal goes after everything of its own
        // group at its moment.
        if self.signals.len() > signals
            && let Some((t, s)) = self.signals.pop()
        {
            let at = self.signals.partition_point(|&(t2, s2)| {
                t2 < t || (t2 == t && (s2.is_final_no() || !s.is_final_no()))
            });
            self.signals.insert(at, (t, s));
        }
        self.danger.sort();
        self.danger.dedup();
        self.harmed.sort();
        self.harmed.dedup();
    }

    /// What every event, corrected or not, adds: the safety facts.
    fn add_sticky(&mut self, e: &Event) {
        let f = self;
        match &e.data {
            EventData::Assessment {
                form: FormId::Intake,
                answers,
            } => {
                let (d, h) = (
                    dangers(answers.get("dangerous_harm")),
                    dangers(answers.get("harmed_by_them")),
                );
                if !d.is_empty() || !h.is_empty() {
                    f.danger_since.get_or_insert(e.at);
                }
                f.danger.extend(d);
                f.harmed.extend(h);
            }
            EventData::WorkbookAct { danger, .. } => {
                if !danger.is_empty() {
                    f.danger_since.get_or_insert(e.at);
                }
                f.danger.extend(danger.iter().copied())
            }
            EventData::Signal { signal, .. } if signal.is_final_no() => {
                f.signals.push((e.at, *signal))
            }
            _ => {}
        }
    }

    /// What an event that still counts (not corrected) adds.
    fn add_effective(&mut self, e: &Event) {
        let f = self;
        f.first_event = Some(f.first_event.map_or(e.at, |t| t.min(e.at)));
        match &e.data {
            EventData::Journal { .. }
            | EventData::TheirPart { .. }
            | EventData::DraftSaved { .. }
            | EventData::TheirNeed { .. }
            // Issue 12: a passive sign is not contact and changes nothing.
            | EventData::Passive { .. } => {}
            EventData::Invitation {
                unblocked,
                partner_ended,
                ..
            } => {
                // An invitation is direct contact they started (it answers silence and
                // lifts pauses) as well as the lift of a stop.
                f.ins.push(e.at);
                f.invitations.push(InvitationFact {
                    at: e.at,
                    unblocked: *unblocked,
                    partner_ended: *partner_ended,
                });
            }
            EventData::Assessment { form, answers } => match form {
                FormId::Intake => f.intake = Some((e.at, answers.clone())),
                FormId::Readiness => f.readiness = Some((e.at, answers.clone())),
                FormId::Walkaway => {
                    if answers.get("their_answer").and_then(Answer::as_text) == Some("declined")
                    {
                        f.walkaway_no.push(e.at);
                    }
                    f.walkaway = Some((e.at, answers.clone()));
                }
                FormId::Reflection => f.reflection = Some(e.at),
                FormId::ConversationReview => f.review = Some((e.at, answers.clone())),
            },
            EventData::WorkbookAct {
                feelings,
                their_shoes,
                impact,
                times,
                ..
            } => {
                f.acts += 1;
                if !feelings.is_empty()
                    && !impact.trim().is_empty()
                    && !their_shoes.trim().is_empty()
                {
                    f.acts_complete += 1;
                }
                if let Some(t) = times {
                    f.times_happened = Some(f.times_happened.unwrap_or(0).max(*t));
                }
            }
            EventData::WorkbookLoss { text } => f.loss |= !text.trim().is_empty(),
            EventData::WorkbookWhy { chain, .. } => {
                if chain.iter().filter(|c| !c.trim().is_empty()).count() >= 2 {
                    f.whys += 1;
                }
            }
            EventData::WorkbookAgain { answer, .. } => f.again = Some(*answer),
            EventData::WorkbookRespect { answer, .. } => f.respect = Some(*answer),
            EventData::WorkbookPrevention {
                behaviour, habit, ..
            } => f.preventions.push((e.id.clone(), behaviour.clone(), *habit)),
            EventData::WorkbookFailures { text } => f.failures |= !text.trim().is_empty(),
            EventData::Contact {
                dir: Direction::In, ..
            } => f.ins.push(e.at),
            EventData::Contact {
                dir: Direction::Out,
                channel,
                ..
            } => f.outs.push(Outbound {
                at: e.at,
                channel: *channel,
                draft: None,
            }),
            EventData::DraftSent { draft, channel, .. } => f.outs.push(Outbound {
                at: e.at,
                channel: *channel,
                draft: Some(*draft),
            }),
            EventData::Gesture { what, cost, .. } => {
                f.outs.push(Outbound {
                    at: e.at,
                    channel: Channel::Gift,
                    draft: None,
                });
                f.gestures.push(GestureFact {
                    id: e.id.clone(),
                    at: e.at,
                    what: what.clone(),
                    cost: *cost,
                });
            }
            EventData::Signal { signal, .. } => {
                // Final noes were already taken from the full history.
                if !signal.is_final_no() {
                    f.signals.push((e.at, *signal));
                }
            }
            EventData::Slip { what, .. } => f.slip_events.push((e.at, *what, e.id.clone())),
            EventData::Urge { intensity, .. } => f.urges.push((e.at, *intensity)),
            EventData::Habit {
                habit,
                value,
                note,
                plan,
            } => f.habits.push(HabitFact {
                at: e.at,
                kind: *habit,
                value: *value,
                note: note.clone(),
                plan: plan.clone(),
            }),
            EventData::PromiseMade { text, due } => f.promises.push(PromiseFact {
                id: e.id.clone(),
                text: text.clone(),
                made_at: e.at,
                due: *due,
                outcome: None,
                resolved_at: None,
                renegotiated: 0,
            }),
            EventData::PromiseUpdate {
                promise,
                outcome,
                due,
                ..
            } => {
                if let Some(p) = f.promises.iter_mut().find(|p| p.id == *promise) {
                    match outcome {
                        PromiseOutcome::Renegotiated => {
                            p.renegotiated += 1;
                            if due.is_some() {
                                p.due = *due;
                            }
                        }
                        PromiseOutcome::Kept | PromiseOutcome::Broken => {
                            p.outcome = Some(*outcome);
                            p.resolved_at = Some(e.at);
                        }
                    }
                }
            }
            EventData::CheckIn { .. } => f.checkins.push(e.at),
            EventData::AmendsItem { request, bounds } => f.amends.push(AmendsFact {
                id: e.id.clone(),
                request: request.clone(),
                bounds: *bounds,
                at: e.at,
                status: AmendsStatus::Open,
            }),
            EventData::AmendsUpdate { item, status, .. } => {
                if let Some(a) = f.amends.iter_mut().find(|a| a.id == *item) {
                    a.status = *status;
                }
            }
            EventData::TheirQuestion { answered, .. } => {
                if !answered {
                    f.questions_unanswered += 1;
                }
            }
            EventData::Settings { settings } => merge_settings(&mut f.settings, settings),
        }
    }

    pub fn intake_answer(&self, id: &str) -> Option<&Answer> {
        self.intake.as_ref().and_then(|(_, a)| a.get(id))
    }

    pub fn intake_text(&self, id: &str) -> Option<&str> {
        self.intake_answer(id).and_then(Answer::as_text)
    }

    pub fn path(&self) -> Path {
        let Some(did) = self.intake_text("did_harm") else {
            return if self.intake.is_some() {
                Path::Harm
            } else {
                Path::Unknown
            };
        };
        let named = self
            .intake_answer("they_named_hurt")
            .and_then(Answer::as_bool)
            .unwrap_or(false);
        match did {
            "yes" => Path::Harm,
            "no" if !named => Path::NoFault,
            // C5: the workbook tests "I did nothing wrong"; an act the user owns there puts
            // them on the harm path.
            _ if self.acts > 0 => Path::Harm,
            _ => Path::Unclear,
        }
    }

    /// The latest moment the user started contact or slipped (NC-2 restarts from here).
    pub fn last_restart(&self) -> Option<Timestamp> {
        let out = self.outs.iter().map(|o| o.at).max();
        let slip = self.slip_events.iter().map(|s| s.0).max();
        out.max(slip)
    }

    pub fn last_out(&self) -> Option<&Outbound> {
        self.outs.iter().max_by_key(|o| o.at)
    }

    pub fn last_in(&self) -> Option<Timestamp> {
        self.ins.iter().copied().max()
    }

    /// Whether they started direct contact after `t` (lifts a pause, never a stop).
    pub fn contact_in_after(&self, t: Timestamp) -> bool {
        self.ins.iter().any(|&i| i > t)
    }

    /// The latest signal matching `pred` that has not been lifted by the rule the hold table
    /// gives it (a signal that starts no hold is lifted by any direct contact of theirs).
    pub fn unlifted(&self, pred: impl Fn(Signal) -> bool) -> Option<(Timestamp, Signal)> {
        self.signals
            .iter()
            .filter(|(t, s)| {
                let lift = super::stops::Hold::from_signal(*s)
                    .map_or(super::stops::Lift::TheirContact, |h| h.rule().lifted_by);
                pred(*s) && !self.lifted(*t, lift)
            })
            .max_by_key(|(t, _)| *t)
            .copied()
    }

    pub fn latest(&self, pred: impl Fn(Signal) -> bool) -> Option<(Timestamp, Signal)> {
        self.signals
            .iter()
            .filter(|(_, s)| pred(*s))
            .max_by_key(|(t, _)| *t)
            .copied()
    }

    /// The latest stop signal (any sign that contact is unwelcome).
    pub fn last_stop(&self) -> Option<Timestamp> {
        self.latest(Signal::is_stop).map(|(t, _)| t)
    }

    /// C10: they are engaging warmly: a warm signal or an invitation later than every stop.
    pub fn reengaged(&self) -> Option<Timestamp> {
        let invited = self.invitations.iter().map(|i| i.at).max();
        let warm = self.latest(Signal::is_warm).map(|(t, _)| t).max(invited)?;
        match self.last_stop() {
            Some(stop) if stop >= warm => None,
            _ => Some(warm),
        }
    }

    /// TR-8: they let the user back in, and nothing has stopped it since.
    pub fn reentry(&self) -> Option<Timestamp> {
        let yes = self.latest(|s| s == Signal::AgreedToTryAgain)?.0;
        match self.last_stop() {
            Some(stop) if stop >= yes => None,
            _ => Some(yes),
        }
    }

    /// Outbound messages since they last got in touch (SAFE-5).
    pub fn unanswered(&self) -> Vec<&Outbound> {
        let last_in = self.last_in();
        self.outs
            .iter()
            .filter(|o| last_in.is_none_or(|i| o.at > i))
            .collect()
    }

    /// The no-contact count starts from the intake's "last contact" day, else the first event.
    pub fn nc_start(&self, tz: &TimeZone) -> Option<Timestamp> {
        let from_intake = self
            .intake_text("last_contact")
            .and_then(|d| d.trim().parse::<jiff::civil::Date>().ok())
            .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
            .map(|z| z.timestamp());
        from_intake.or(self.first_event)
    }

    /// GO-9 as last asked (readiness asks it again, AP-10).
    pub fn apologise_anyway(&self) -> Option<&str> {
        let later = self
            .readiness
            .as_ref()
            .and_then(|(_, a)| a.get("apologise_anyway"))
            .and_then(Answer::as_text);
        later.or_else(|| self.intake_text("apologise_anyway"))
    }

    /// GO-1: motives (the latest answer), and whether any is sound.
    pub fn motives(&self) -> Vec<&str> {
        let later = self
            .readiness
            .as_ref()
            .and_then(|(_, a)| a.get("motives_now"))
            .map(Answer::as_list);
        later
            .or_else(|| self.intake_answer("motives").map(Answer::as_list))
            .unwrap_or_default()
    }

    pub fn weak_motives_only(&self) -> bool {
        let m = self.motives();
        !m.is_empty() && m.iter().all(|m| WEAK_MOTIVES.contains(m))
    }

    pub fn habit_count(&self, kind: HabitKind) -> usize {
        self.habits.iter().filter(|h| h.kind == kind).count()
    }
}

fn dangers(answer: Option<&Answer>) -> Vec<Danger> {
    answer
        .map(|a| {
            a.as_list()
                .iter()
                .filter_map(|d| d.parse::<Danger>().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn merge_settings(into: &mut Settings, from: &Settings) {
    macro_rules! take {
        ($($f:ident),*) => {$(
            if from.$f.is_some() {
                into.$f = from.$f.clone();
            }
        )*};
    }
    take!(
        exercise_per_week,
        hobby_per_week,
        social_per_week,
        therapy_per_week,
        meals_per_day,
        gesture_cost_limit,
        reminders
    );
}
