//! The plan's facts kept up to date event by event, next to a history held in memory (issue 13).
//!
//! `Plan::at` folds the whole history into its facts on every call: over 20,000 events that is
//! most of a write's cost once the history itself is kept in memory. A write needs only the
//! outreach gate, before and after the new entry. A [`Fold`] keeps the facts of the whole
//! history and folds each appended event in, so the gate at a moment after the latest event
//! costs the rules alone. It gives exactly what `Plan::at` gives, or it does not answer from
//! its own facts: an event that is not the latest (logged late), a correction, or a moment
//! before the latest event makes it start again from the whole history (or ask `Plan::at`).
//! The rules themselves are the same functions `Plan::at` runs.

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::facts::Facts;
use super::gates::{self, Ctx, Gate, GateId, HabitDays};
use super::{Plan, Slip, derive, in_order, outbound_slip, outbound_slips};
use crate::config::Config;
use crate::event::{Event, EventData};

/// Where an event stands in the order the facts are folded: when it happened, then when it was
/// recorded, then its id (`facts::chronological`).
type Key = (Timestamp, Timestamp, String);

fn key(e: &Event) -> Key {
    (e.at, e.recorded_at, e.id.clone())
}

fn later(e: &Event, than: &Key) -> bool {
    (e.at, e.recorded_at, &e.id) > (than.0, than.1, &than.2)
}

/// The facts of a whole history, kept up to date as events are appended to it.
#[derive(Clone, Debug)]
pub struct Fold {
    facts: Facts,
    /// How many events of the history are folded in: the history's first `len`.
    len: usize,
    /// The latest of them, in the folding order.
    latest: Option<Key>,
    /// Every id some event corrects: such an event no longer counts.
    superseded: HashSet<String>,
    /// The habits' local dates, in the last time zone asked for.
    days: Option<HabitDays>,
    /// The outbound contact that was a slip, as judged in the last time zone and config a
    /// plan was asked for (see `outbound_slips`).
    slips: Option<Slips>,
}

/// Outbound contact judged a slip, each by the facts just before it, in `tz` with `cfg`. An
/// appended outbound contact is judged by the fold's facts before it is folded in; a change of
/// settings changes `cfg` for all of them, so it drops this.
#[derive(Clone, Debug)]
struct Slips {
    tz: TimeZone,
    cfg: Config,
    slips: Vec<Slip>,
}

impl Fold {
    /// The facts of every event of `history`.
    pub fn new(history: &[Event]) -> Self {
        // Every event: none is after the end of time.
        let (all, effective) = in_order(history, Timestamp::MAX);
        Self {
            facts: Facts::build(&effective, &all),
            len: history.len(),
            latest: all.last().map(|e| key(e)),
            superseded: history
                .iter()
                .filter_map(|e| e.supersedes.clone())
                .collect(),
            days: None,
            slips: None,
        }
    }

    /// How many events are folded in.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Folds in the events of `history` past the ones already folded. `history` must be the
    /// history this fold was made from with events appended to it, never changed otherwise
    /// (the app keeps the two together and drops both when the store changes).
    pub fn update(&mut self, history: &[Event]) {
        if history.len() < self.len {
            *self = Self::new(history);
            return;
        }
        for e in &history[self.len..] {
            // Folding in is exact only for the latest event that corrects nothing and that
            // nothing corrects (see `Facts::push`); anything else starts again from the whole.
            let latest = self.latest.as_ref().is_none_or(|l| later(e, l));
            if !latest || e.supersedes.is_some() || self.superseded.contains(&e.id) {
                *self = Self::new(history);
                return;
            }
            if let Some(memo) = &mut self.slips {
                if matches!(e.data, EventData::Settings { .. }) {
                    self.slips = None;
                } else if e.data.outbound_channel().is_some() {
                    memo.slips
                        .extend(outbound_slip(e, &self.facts, &memo.tz, &memo.cfg));
                }
            }
            self.facts.push(e);
            if let Some(days) = &mut self.days {
                for h in &self.facts.habits[days.len()..] {
                    days.push(h.at);
                }
            }
            self.latest = Some(key(e));
            self.len += 1;
        }
    }

    /// The outreach gate at `now`: exactly `Plan::at(history, now, tz, config)`'s, after
    /// folding in what was appended to `history`. At a moment before the latest event the plan
    /// leaves the later events out, so that one is derived from the history as `Plan::at` does.
    pub fn outreach(
        &mut self,
        history: &[Event],
        now: Timestamp,
        tz: &TimeZone,
        config: &Config,
    ) -> Gate {
        self.update(history);
        if self.latest.as_ref().is_some_and(|l| l.0 > now) {
            return Plan::at(history, now, tz, config)
                .gate(GateId::Outreach)
                .clone();
        }
        let facts = &self.facts;
        let days = match &mut self.days {
            Some(days) if days.tz == *tz => days,
            slot => slot.insert(HabitDays::new(facts.habits.iter().map(|h| h.at), tz)),
        };
        // The same context and rule as in `Plan::at`.
        let cfg = config.with_settings(&facts.settings).effective();
        let c = Ctx {
            f: facts,
            now,
            tz,
            cfg: &cfg,
            holds: facts.holds(),
            days: Some(days),
            weeks: Default::default(),
        };
        gates::outreach(&c)
    }

    /// The plan at `now`: exactly `Plan::at(history, now, tz, config)`, after folding in what
    /// was appended to `history`, from the kept facts. What it costs grows with what the plan
    /// lists (every step logged, for one), no longer with reading and sorting every event.
    pub fn plan(
        &mut self,
        history: &[Event],
        now: Timestamp,
        tz: &TimeZone,
        config: &Config,
    ) -> Plan {
        self.update(history);
        if self.latest.as_ref().is_some_and(|l| l.0 > now) {
            return Plan::at(history, now, tz, config);
        }
        let cfg = config.with_settings(&self.facts.settings).effective();
        let slips = match &self.slips {
            Some(memo) if memo.tz == *tz && memo.cfg == cfg => memo.slips.clone(),
            _ => {
                let (all, effective) = in_order(history, now);
                let slips = outbound_slips(&effective, &all, tz, &cfg);
                self.slips = Some(Slips {
                    tz: tz.clone(),
                    cfg: cfg.clone(),
                    slips: slips.clone(),
                });
                slips
            }
        };
        let facts = &self.facts;
        let days = match &mut self.days {
            Some(days) if days.tz == *tz => days,
            slot => slot.insert(HabitDays::new(facts.habits.iter().map(|h| h.at), tz)),
        };
        derive(facts, slips, now, tz, &cfg, Some(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Channel, Direction, EventData, HabitKind, Signal};
    use proptest::prelude::*;

    fn t(hours: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + hours * 3600).unwrap()
    }

    fn event(i: usize, at: i64, data: EventData, supersedes: Option<String>) -> Event {
        Event {
            id: format!("e{i:04}"),
            at: t(at),
            // Recorded in the order appended; `at` may be earlier (logged late).
            recorded_at: t(10_000 + i as i64),
            supersedes,
            data,
        }
    }

    /// The facts as text, with the map of corrections in a fixed order (a `HashMap` prints in
    /// any order).
    fn shown(f: &Facts) -> String {
        let mut f = f.clone();
        let replaced: std::collections::BTreeMap<_, _> = f.replaced_by.drain().collect();
        format!("{f:?} {replaced:?}")
    }

    fn data(kind: u8, n: u8) -> EventData {
        match kind % 8 {
            0 => EventData::Habit {
                habit: HabitKind::ALL[usize::from(n) % HabitKind::ALL.len()],
                value: f64::from(n % 9),
                note: n.is_multiple_of(2).then(|| format!("note {n}")),
                plan: None,
            },
            1 => EventData::Contact {
                dir: if n.is_multiple_of(2) {
                    Direction::In
                } else {
                    Direction::Out
                },
                channel: Channel::ALL[usize::from(n) % Channel::ALL.len()],
                note: None,
            },
            2 | 3 => EventData::Signal {
                signal: Signal::ALL[usize::from(n) % Signal::ALL.len()],
                note: None,
            },
            4 => EventData::Urge {
                intensity: n % 10 + 1,
                instead: "walked".into(),
                note: None,
            },
            5 => EventData::PromiseMade {
                text: format!("promise {n}"),
                due: None,
            },
            6 => EventData::CheckIn { note: None },
            _ => EventData::Journal {
                text: format!("entry {n}"),
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Folding events in one at a time gives the facts `Facts::build` gives for the whole,
        /// whatever their order, ties and corrections.
        #[test]
        fn folding_in_equals_building_from_scratch(
            ops in proptest::collection::vec((0u8..8, any::<u8>(), 0i64..6, 0u8..12), 1..60),
            start in 0usize..60,
        ) {
            let mut history: Vec<Event> = Vec::new();
            let mut hour = 0;
            for (i, (kind, n, step, twist)) in ops.into_iter().enumerate() {
                // Mostly forward in time, sometimes at the same moment, now and then late.
                let at = if twist == 0 { hour - 20 } else { hour + step };
                hour = hour.max(at);
                let supersedes = (twist == 1 && !history.is_empty())
                    .then(|| history[usize::from(n) % history.len()].id.clone());
                history.push(event(i, at, data(kind, n), supersedes));
            }
            let cut = start.min(history.len());
            let mut fold = Fold::new(&history[..cut]);
            for n in cut + 1..=history.len() {
                fold.update(&history[..n]);
                let (all, eff) = in_order(&history[..n], Timestamp::MAX);
                prop_assert_eq!(shown(&fold.facts), shown(&Facts::build(&eff, &all)));
                prop_assert_eq!(fold.len(), n);
            }
        }
    }
}
