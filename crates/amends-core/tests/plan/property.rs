//! SAFE-1 as a property: whatever happened, outreach is never open after a "no" unless they
//! started contact later, and never while a protective order exists.

use amends_core::{Channel, Direction, EventData, GateId, Signal};
use proptest::prelude::*;

use crate::{History, day};

#[derive(Clone, Debug)]
enum Op {
    Out(Channel),
    In,
    Signal(Signal),
    Habit,
    Slip,
    Readiness,
    /// A correction of an earlier event into a warm reply.
    CorrectToWarm(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => proptest::sample::select(Channel::ALL.to_vec()).prop_map(Op::Out),
        2 => Just(Op::In),
        4 => proptest::sample::select(Signal::ALL.to_vec()).prop_map(Op::Signal),
        3 => Just(Op::Habit),
        1 => Just(Op::Slip),
        1 => Just(Op::Readiness),
        1 => (0usize..200).prop_map(Op::CorrectToWarm),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn safe_1_outreach_never_open_after_a_no_without_a_later_contact_in(
        ops in proptest::collection::vec((0.0f64..20.0, op()), 1..40),
        probes in proptest::collection::vec(0.0f64..1.0, 1..6),
    ) {
        // Start from a user whose outreach is open, so a lock is the rule's doing.
        let mut h = History::prepared();
        let mut d = 31.0;
        for (gap, op) in ops {
            d += gap;
            match op {
                Op::Out(channel) => {
                    h.add(d, EventData::Contact { dir: Direction::Out, channel, note: None });
                }
                Op::In => {
                    h.into_contact(d);
                }
                Op::Signal(s) => {
                    h.signal(d, s);
                }
                Op::Habit => { h.sleep(d); }
                Op::Slip => { h.slip(d); }
                Op::Readiness => {
                    h.readiness(d);
                }
                Op::CorrectToWarm(i) => { h.correct_to_warm(d, i); }
            }
        }
        for now in h.moments(&probes, 31.0, d + 40.0) {
            let plan = h.plan(now);
            let gate = plan.gate(GateId::Outreach);
            let t_now = day(now);
            // Every signal ever logged counts here, corrected ones included.
            let signals: Vec<_> = h.events.iter().filter_map(|e| match &e.data {
                EventData::Signal { signal, .. } if e.at <= t_now => Some((e.at, *signal)),
                _ => None,
            }).collect();
            let ins: Vec<_> = h.events.iter().filter(|e| {
                e.at <= t_now
                    && matches!(e.data, EventData::Contact { dir: Direction::In, .. })
                    && !h.events.iter().any(|x| x.supersedes.as_deref() == Some(e.id.as_str()))
            }).map(|e| e.at).collect();
            for (at, s) in &signals {
                if *s == Signal::ProtectiveOrder {
                    prop_assert!(!gate.open, "open under a protective order at day {now}");
                    prop_assert_eq!(gate.opens_at, None);
                }
                if s.is_final_no() && !ins.iter().any(|i| i > at) {
                    prop_assert!(!gate.open, "open after {s} with no later contact in, at day {now}");
                    prop_assert_eq!(gate.opens_at, None);
                }
            }
        }
    }
}
