//! amends-core's one integration-test binary: the plan derived from event histories.
//!
//! Times are given as day offsets from a fixed start, so each scenario reads like a diary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken setup

mod dst;
mod fold;
mod property;
mod scenarios;
mod stops;
mod stops_oracle;

use amends_core::{
    Answer, Answers, Channel, Config, Direction, DraftKind, Event, EventData, FormId, Gate, GateId,
    HabitKind, Plan, PromiseOutcome, Signal, SlipKind,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// The first day of every scenario, 10:00 UTC on 1 January 2024.
pub fn t0() -> Timestamp {
    "2024-01-01T10:00:00Z".parse().unwrap()
}

/// `day` days (fractions allowed) after the start, in exact hours (the scenarios run in UTC).
pub fn day(day: f64) -> Timestamp {
    t0() + SignedDuration::from_secs_f64(day * 86_400.0)
}

pub struct History {
    pub events: Vec<Event>,
    pub tz: TimeZone,
    pub config: Config,
}

impl Default for History {
    fn default() -> Self {
        Self::new()
    }
}

impl History {
    pub fn new() -> Self {
        Self {
            events: Vec::new(),
            tz: TimeZone::UTC,
            config: Config::default(),
        }
    }

    pub fn add_at(&mut self, at: Timestamp, data: EventData) -> String {
        let id = format!("e{}", self.events.len() + 1);
        self.events.push(Event {
            id: id.clone(),
            at,
            recorded_at: at,
            supersedes: None,
            data,
        });
        id
    }

    pub fn add(&mut self, d: f64, data: EventData) -> String {
        self.add_at(day(d), data)
    }

    pub fn correct(&mut self, d: f64, old: &str, data: EventData) -> String {
        let id = self.add(d, data);
        self.events.last_mut().unwrap().supersedes = Some(old.to_string());
        id
    }

    pub fn plan(&self, d: f64) -> Plan {
        Plan::at(&self.events, day(d), &self.tz, &self.config)
    }

    pub fn out(&mut self, d: f64) -> String {
        self.add(
            d,
            EventData::Contact {
                dir: Direction::Out,
                channel: Channel::Text,
                note: None,
            },
        )
    }

    pub fn into_contact(&mut self, d: f64) -> String {
        self.add(
            d,
            EventData::Contact {
                dir: Direction::In,
                channel: Channel::Text,
                note: None,
            },
        )
    }

    /// A message out on day `d`, their reply half a day later and the `signal` it gave.
    pub fn exchange(&mut self, d: f64, signal: Signal) {
        self.out(d);
        self.reply(d + 0.5, signal);
    }

    /// A message from them on day `d`, and the `signal` it gave.
    pub fn reply(&mut self, d: f64, signal: Signal) {
        self.into_contact(d);
        self.signal(d, signal);
    }

    /// SAFE-1: they got in touch by text and invited contact.
    pub fn invite(&mut self, d: f64, unblocked: bool, partner_ended: bool) -> String {
        self.add(
            d,
            EventData::Invitation {
                channel: Channel::Text,
                words: "I'd like to talk, call me".into(),
                unblocked,
                partner_ended,
            },
        )
    }

    pub fn passive(&mut self, d: f64, what: amends_core::Passive) -> String {
        self.add(d, EventData::Passive { what, note: None })
    }

    pub fn signal(&mut self, d: f64, signal: Signal) -> String {
        self.add(d, EventData::Signal { signal, note: None })
    }

    pub fn sent(&mut self, d: f64, draft: DraftKind) -> String {
        self.add(
            d,
            EventData::DraftSent {
                draft,
                channel: Channel::Email,
                text: None,
            },
        )
    }

    pub fn intake(&mut self, d: f64, overrides: &[(&str, Answer)]) -> String {
        let mut a = intake_answers();
        for (k, v) in overrides {
            a.insert(k.to_string(), v.clone());
        }
        let data = amends_core::forms::assessment_event(FormId::Intake, a).unwrap();
        self.add(d, data)
    }

    /// An intake whose multiple-choice `question` lists the one option `picked` (dangerous
    /// harm done, harm suffered ...).
    pub fn intake_listing(&mut self, d: f64, question: &str, picked: &str) -> String {
        self.intake(d, &[(question, Answer::List(vec![picked.into()]))])
    }

    pub fn workbook(&mut self, d: f64) {
        use amends_core::forms::{workbook_event, workbook_section};
        let rows: &[(&str, &[(&str, &str)])] = &[
            (
                "act",
                &[
                    ("act", "I read your messages without asking"),
                    ("impact", "You stopped feeling safe with your own phone"),
                    ("feelings", "betrayed\nwatched"),
                    ("their_shoes", "I would feel spied on"),
                ],
            ),
            ("loss", &[("text", "Two years of trust")]),
            (
                "why",
                &[("chain", "I was jealous\nI was afraid of being left")],
            ),
            ("again", &[("answer", "no")]),
            ("respect", &[("answer", "yes")]),
            (
                "prevention",
                &[
                    ("behaviour", "jealousy"),
                    ("plan", "talk it through in therapy"),
                ],
            ),
            (
                "failures",
                &[("text", "I broke your trust in private things")],
            ),
        ];
        for (section, fields) in rows {
            let answers: Answers = fields
                .iter()
                .map(|(k, v)| (k.to_string(), Answer::Text(v.to_string())))
                .collect();
            let data = workbook_event(workbook_section(section).unwrap(), answers).unwrap();
            self.add(d, data);
        }
    }

    pub fn habits(&mut self, from: i64, to: i64) {
        for d in from..=to {
            self.sleep(d as f64 + 0.4);
        }
    }

    /// A promise made on day `d`, due on day `due` if it has a date (TR-4).
    pub fn promise(&mut self, d: f64, text: &str, due: Option<f64>) -> String {
        self.add(
            d,
            EventData::PromiseMade {
                text: text.into(),
                due: due.map(day),
            },
        )
    }

    /// Promise `promise` settled on day `d` as kept or broken.
    pub fn settle(&mut self, d: f64, promise: &str, outcome: PromiseOutcome) -> String {
        self.add(
            d,
            EventData::PromiseUpdate {
                promise: promise.to_string(),
                outcome,
                due: None,
                note: None,
            },
        )
    }

    /// A good night's sleep logged as self-work.
    pub fn sleep(&mut self, d: f64) -> String {
        self.add(
            d,
            EventData::Habit {
                habit: HabitKind::Sleep,
                value: 8.0,
                note: None,
                plan: None,
            },
        )
    }

    /// A no-contact slip: the user checked their profile.
    pub fn slip(&mut self, d: f64) -> String {
        self.add(
            d,
            EventData::Slip {
                what: SlipKind::CheckedProfile,
                note: None,
            },
        )
    }

    /// A correction of the `i`-th event (counted round the history) into a warm reply: what
    /// someone rewriting the record to reopen outreach would try.
    pub fn correct_to_warm(&mut self, d: f64, i: usize) -> String {
        let target = self.events[i % self.events.len()].id.clone();
        self.correct(
            d,
            &target,
            EventData::Signal {
                signal: Signal::WarmReply,
                note: None,
            },
        )
    }

    /// The days a property is checked at: the day of every event, and each probe (0 to 1)
    /// placed between `from` and `to`.
    pub fn moments(&self, probes: &[f64], from: f64, to: f64) -> Vec<f64> {
        let mut days: Vec<f64> = self
            .events
            .iter()
            .map(|e| (e.at - t0()).as_secs_f64() / 86_400.0)
            .collect();
        days.extend(probes.iter().map(|p| from + p * (to - from)));
        days
    }

    pub fn readiness(&mut self, d: f64) -> String {
        self.readiness_with(d, &[])
    }

    /// The readiness self-check, every answer ready unless `overrides` says otherwise.
    pub fn readiness_with(&mut self, d: f64, overrides: &[(&str, Answer)]) -> String {
        let mut a: Answers = [
            (
                "motives_now",
                Answer::List(vec!["put-right".into(), "this-person".into()]),
            ),
            ("good_place", Answer::Number(4.0)),
            ("want_not_comfort", Answer::Text("yes".into())),
            ("accept_any_answer", Answer::Text("yes".into())),
            ("apologise_anyway", Answer::Text("yes".into())),
            ("their_moment", Answer::Text("yes".into())),
            ("no_cornering", Answer::Bool(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in overrides {
            a.insert(k.to_string(), v.clone());
        }
        let data = amends_core::forms::assessment_event(FormId::Readiness, a).unwrap();
        self.add(d, data)
    }

    /// A user who did everything the method asks: intake on day 0 (last contact that day),
    /// the workbook on day 1, sleep logged every day up to day 60, and the readiness
    /// self-check on day 31. Outreach opens on day 31.
    pub fn prepared() -> Self {
        let mut h = History::new();
        h.intake(0.0, &[]);
        h.workbook(1.0);
        h.habits(0, 60);
        h.readiness(31.0);
        h
    }
}

pub fn intake_answers() -> Answers {
    [
        (
            "motives",
            Answer::List(vec!["put-right".into(), "this-person".into()]),
        ),
        ("breakup_reason", Answer::Text("I broke their trust".into())),
        ("breakup_resolved", Answer::Text("unresolved".into())),
        ("severity", Answer::Text("serious".into())),
        ("dangerous_harm", Answer::List(vec![])),
        ("harmed_by_them", Answer::List(vec![])),
        ("did_harm", Answer::Text("yes".into())),
        ("commitment", Answer::Number(5.0)),
        ("good_times_only", Answer::Bool(false)),
        ("issues_fixed", Answer::Text("yes".into())),
        ("apologise_anyway", Answer::Text("yes".into())),
        ("earlier_attempts", Answer::Text("none".into())),
        ("last_contact", Answer::Text("2024-01-01".into())),
        ("no_guarantee", Answer::Bool(true)),
        ("honest", Answer::Bool(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub fn methods(gate: &Gate) -> Vec<&'static str> {
    gate.reasons.iter().map(|r| r.method).collect()
}

pub fn outreach(plan: &Plan) -> &Gate {
    plan.gate(GateId::Outreach)
}
