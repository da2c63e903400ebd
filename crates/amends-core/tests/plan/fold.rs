//! Issue 13: the outreach gate and the plan from facts kept up to date event by event
//! (`plan::Fold`) are the ones `Plan::at` derives from the whole history, whatever is appended
//! and whenever they are asked.

use amends_core::plan::Fold;
use amends_core::{
    Channel, Direction, EventData, GateId, HabitKind, Plan, Settings, Signal, SlipKind,
};
use jiff::tz::TimeZone;
use proptest::prelude::*;

use crate::{History, day};

#[derive(Clone, Debug)]
enum Op {
    Out(Channel),
    In,
    Signal(Signal),
    Habit(HabitKind),
    Slip,
    Readiness,
    Invite(bool, bool),
    /// New targets for the habits (the config every slip is judged with changes).
    Settings(f64),
    /// A correction of an earlier event into a warm reply.
    CorrectToWarm(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => proptest::sample::select(Channel::ALL.to_vec()).prop_map(Op::Out),
        2 => Just(Op::In),
        3 => proptest::sample::select(Signal::ALL.to_vec()).prop_map(Op::Signal),
        4 => proptest::sample::select(HabitKind::ALL.to_vec()).prop_map(Op::Habit),
        1 => Just(Op::Slip),
        1 => Just(Op::Readiness),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(u, p)| Op::Invite(u, p)),
        1 => (1.0f64..7.0).prop_map(Op::Settings),
        1 => (0usize..300).prop_map(Op::CorrectToWarm),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn the_folded_outreach_gate_and_plan_are_plan_at_s(
        // (days since the last entry, negative: logged late; what)
        ops in proptest::collection::vec((-3.0f64..6.0, op()), 1..40),
        asks in proptest::collection::vec(-10.0f64..30.0, 1..4),
        berlin in any::<bool>(),
    ) {
        let mut h = History::prepared();
        if berlin {
            // Days across daylight saving time, where a day is not 24 hours.
            h.tz = TimeZone::get("Europe/Berlin").unwrap();
        }
        let mut fold = Fold::new(&h.events);
        let mut d = 31.0;
        for (gap, op) in ops {
            let at = d + gap;
            d = d.max(at);
            match op {
                Op::Out(channel) => { h.add(at, EventData::Contact { dir: Direction::Out, channel, note: None }); }
                Op::In => { h.into_contact(at); }
                Op::Signal(s) => { h.signal(at, s); }
                Op::Habit(habit) => {
                    h.add(at, EventData::Habit { habit, value: 1.0, note: Some("walked".into()), plan: None });
                }
                Op::Slip => { h.add(at, EventData::Slip { what: SlipKind::CheckedProfile, note: None }); }
                Op::Readiness => { h.readiness(at); }
                Op::Invite(u, p) => { h.invite(at, u, p); }
                Op::Settings(per_week) => {
                    let settings = Settings { exercise_per_week: Some(per_week), ..Settings::default() };
                    h.add(at, EventData::Settings { settings });
                }
                Op::CorrectToWarm(i) => {
                    let target = h.events[i % h.events.len()].id.clone();
                    h.correct(at, &target, EventData::Signal { signal: Signal::WarmReply, note: None });
                }
            }
            // Asked after each append: at the latest moment, later, and earlier.
            for ask in &asks {
                let now = day(d + ask);
                let folded = fold.outreach(&h.events, now, &h.tz, &h.config);
                let derived = Plan::at(&h.events, now, &h.tz, &h.config);
                prop_assert_eq!(&folded, derived.gate(GateId::Outreach), "at day {}", d + ask);
                // And the whole plan, slips, scores, steps and all.
                prop_assert_eq!(&fold.plan(&h.events, now, &h.tz, &h.config), &derived, "at day {}", d + ask);
            }
            prop_assert_eq!(fold.len(), h.events.len());
        }
    }
}
