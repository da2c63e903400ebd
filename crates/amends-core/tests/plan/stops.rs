//! Issue 12, "A 'no' has no side doors": the hold table as a property, and one scenario per
//! side door the issue found, each named after it.
//!
//! The oracle here is written from the decisions, not from `stops.rs`: a stop (a "no",
//! no-contact request, block, protective order, new partner, moved on, danger, the user harmed)
//! recorded at `t` holds until an invitation after `t` that meets its condition, and never for
//! a protective order or danger.

use amends_core::plan::{Capability, HoldClass};
use amends_core::{
    Answer, Channel, Direction, DraftKind, EventData, FormId, GateId, Passive, Plan, Signal,
};
use proptest::prelude::*;

use crate::stops_oracle::{STOP_SIGNALS, Theirs, theirs};
use crate::{History, day, methods, outreach};

/// Everything aimed at them is closed, and nothing counts down.
fn assert_nothing_aims_at_them(p: &Plan, why: &str) {
    for cap in Capability::ALL {
        assert!(!p.allows(cap), "{cap:?} open under a stop ({why})");
    }
    for g in &p.gates {
        assert!(!g.open, "{:?} open under a stop ({why})", g.id);
        assert_eq!(
            g.opens_at, None,
            "{:?} has a date under a stop ({why})",
            g.id
        );
        assert!(
            g.reasons
                .iter()
                .all(|r| r.until.is_none() && r.is_hard_stop()),
            "{:?} lists a countdown or a lesser reason under a stop ({why}): {:#?}",
            g.id,
            g.reasons
        );
    }
    assert!(!p.checkins.agreed && p.checkins.next_due.is_none(), "{why}");
    assert!(p.follow_up.is_none(), "{why}");
    assert!(!p.promises.can_add, "{why}");
    assert_eq!(p.no_contact.target_days, None, "{why}");
    for s in &p.next_steps {
        assert!(
            !matches!(
                s.method,
                "TR-5" | "TR-3" | "LS-1" | "LS-2" | "LS-4" | "LS-5" | "LS-7" | "AM-2" | "AP-2"
            ),
            "a next step about them under a stop ({why}): {s:?}"
        );
    }
}

fn walkaway(answer: &str, moved_on: &str) -> EventData {
    let answers = [
        ("they_communicate", "no"),
        ("still_angry", "unsure"),
        ("moved_on", moved_on),
        ("unwelcome", "no"),
        ("life_changes", "no"),
        ("their_answer", answer),
        ("understand", "yes"),
        ("decision", "keep-space"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Answer::Text(v.into())))
    .collect();
    amends_core::forms::assessment_event(FormId::Walkaway, answers).unwrap()
}

/// A user who is fully engaged with them: outreach open, they agreed to check-ins, a promise
/// with a due date, an open amends item, an unanswered question of theirs.
fn engaged() -> History {
    let mut h = History::prepared();
    h.sent(32.0, DraftKind::First);
    h.reply(33.0, Signal::WarmReply);
    h.sent(41.0, DraftKind::Apology);
    h.reply(42.0, Signal::AgreedToTryAgain);
    h.signal(42.0, Signal::AgreedToCheckIns);
    h.promise(43.0, "call on Sundays", Some(70.0));
    h.add(
        43.0,
        EventData::AmendsItem {
            request: "pay back the deposit".into(),
            bounds: amends_core::Bounds::OK,
        },
    );
    h.add(
        43.0,
        EventData::TheirQuestion {
            text: "why did you do it".into(),
            answered: false,
        },
    );
    h
}

#[test]
fn side_door_1_a_like_or_any_contact_they_start_never_lifts_a_no() {
    for stop in [
        Signal::Declined,
        Signal::AskedNoContact,
        Signal::Blocked,
        Signal::NewPartner,
    ] {
        let mut h = History::prepared();
        h.signal(35.0, stop);
        for (i, what) in Passive::ALL.iter().enumerate() {
            h.passive(36.0 + i as f64, *what);
        }
        let p = h.plan(45.0);
        assert_nothing_aims_at_them(&p, &format!("{stop} then passive signs"));
        // Passive signs are not contact: they change no gate and answer nothing.
        assert!(p.holds.iter().any(|x| x.class == HoldClass::Stop));
        // Direct contact they start is not an invitation either.
        h.into_contact(46.0);
        h.add(
            46.5,
            EventData::Contact {
                dir: Direction::In,
                channel: Channel::InPerson,
                note: None,
            },
        );
        let p = h.plan(47.0);
        assert_nothing_aims_at_them(&p, &format!("{stop} then contact in"));
        assert!(
            !outreach(&p).reasons.iter().any(|r| r.text.contains("OPEN")),
            "{stop}"
        );
    }
}

#[test]
fn side_door_2_promises_are_refused_under_every_stop_and_never_due_in_the_calendar() {
    for stop in STOP_SIGNALS {
        let mut h = engaged();
        assert!(h.plan(44.0).promises.can_add);
        h.signal(50.0, stop);
        let p = h.plan(51.0);
        assert!(!p.promises.can_add, "{stop}");
        assert!(!p.allows(Capability::Promise), "{stop}");
        // The promise made before stays in the record, but no next step or date points at it.
        assert_eq!(p.promises.items.len(), 1);
        let p = h.plan(80.0);
        assert!(p.next_steps.iter().all(|s| s.method != "TR-3"), "{stop}");
    }
    // Violence recorded in the intake: no promise at all.
    let mut h = History::new();
    h.intake_listing(0.0, "dangerous_harm", "physical-violence");
    let p = h.plan(5.0);
    assert!(!p.promises.can_add);
    assert_nothing_aims_at_them(&p, "danger");
}

#[test]
fn side_door_3_agreeing_to_check_ins_after_a_no_brings_nothing_back() {
    let mut h = engaged();
    assert!(h.plan(44.0).checkins.agreed);
    h.signal(50.0, Signal::Declined);
    h.signal(52.0, Signal::AgreedToCheckIns);
    h.signal(52.0, Signal::WarmReply);
    let p = h.plan(53.0);
    assert_nothing_aims_at_them(&p, "check-ins agreed after a no");
    assert!(p.next_steps.iter().all(|s| s.method != "TR-5"));
    // Only an invitation lifts it; then an agreement they make afterwards counts again.
    h.invite(60.0, false, false);
    h.signal(61.0, Signal::AgreedToCheckIns);
    let p = h.plan(62.0);
    assert!(!p.under_stop());
    assert!(p.checkins.agreed);
}

#[test]
fn side_door_4_a_new_partner_closes_the_composer() {
    let mut h = History::prepared();
    assert!(h.plan(40.0).gate(GateId::Composer).open);
    h.signal(40.0, Signal::NewPartner);
    let p = h.plan(41.0);
    assert!(!p.gate(GateId::Composer).open);
    assert_eq!(methods(p.gate(GateId::Composer)), ["WA-3"]);
    assert!(!p.allows(Capability::PracticeDraft));
    assert_nothing_aims_at_them(&p, "new partner");
    assert!(p.move_on.active);
    // An invitation that does not say the relationship ended leaves it closed.
    h.invite(50.0, false, false);
    assert!(h.plan(51.0).under_stop());
    h.invite(52.0, false, true);
    let p = h.plan(53.0);
    assert!(!p.under_stop());
    assert!(p.gate(GateId::Composer).open);
}

#[test]
fn side_door_5_no_countdown_stands_next_to_a_permanent_lock() {
    // A fresh no-contact count, an unanswered message and an early day: all would count down.
    let mut h = History::prepared();
    h.sent(32.0, DraftKind::First);
    h.signal(33.0, Signal::Declined);
    let p = h.plan(34.0);
    assert_nothing_aims_at_them(&p, "a no with an unanswered message");
    let mut h = History::new();
    h.intake_listing(0.0, "dangerous_harm", "threats");
    let p = h.plan(1.0);
    assert_nothing_aims_at_them(&p, "violence on day 1");
    assert_eq!(p.no_contact.target_days, None);
}

#[test]
fn a_pause_lifts_on_direct_contact_but_not_on_a_passive_sign() {
    let mut h = History::prepared();
    h.signal(35.0, Signal::AskedForSpace);
    h.passive(36.0, Passive::Like);
    let p = h.plan(37.0);
    assert!(!p.allows(Capability::Contact));
    assert!(!p.allows(Capability::Promise));
    assert!(p.allows(Capability::PracticeDraft), "practice stays open");
    assert!(!p.under_stop());
    h.into_contact(38.0);
    assert!(h.plan(39.0).holds.is_empty());
}

#[test]
fn c3_the_long_letter_is_sendable_only_after_they_ask_for_an_explanation() {
    let mut h = History::prepared();
    h.sent(32.0, DraftKind::First);
    h.reply(33.0, Signal::WarmReply);
    let p = h.plan(40.0);
    let composer = p.gate(GateId::Composer);
    assert!(composer.allows.contains(&DraftKind::Apology));
    assert!(!composer.allows.contains(&DraftKind::Email));
    assert!(composer.limits.iter().any(|r| r.method == "C3"));
    h.signal(41.0, Signal::AskedForExplanation);
    let p = h.plan(42.0);
    assert!(p.gate(GateId::Composer).allows.contains(&DraftKind::Email));
}

#[derive(Clone, Debug)]
enum Op {
    Out(Channel),
    Theirs(Theirs),
    WalkawayNo,
    WalkawayMovedOn,
    Habit,
    Slip,
    Readiness,
    Promise,
    CheckIn,
    Amends,
    CorrectToWarm(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => proptest::sample::select(Channel::ALL.to_vec()).prop_map(Op::Out),
        12 => theirs().prop_map(Op::Theirs),
        1 => Just(Op::WalkawayNo),
        1 => Just(Op::WalkawayMovedOn),
        2 => Just(Op::Habit),
        1 => Just(Op::Slip),
        1 => Just(Op::Readiness),
        1 => Just(Op::Promise),
        1 => Just(Op::CheckIn),
        1 => Just(Op::Amends),
        1 => (0usize..200).prop_map(Op::CorrectToWarm),
    ]
}

/// The oracle's stops at day `now`, said with the day each was recorded.
fn stops_in_force(h: &History, now: f64) -> Vec<String> {
    crate::stops_oracle::stops_in_force(&h.events, day(now))
        .into_iter()
        .map(|s| {
            format!(
                "{} on day {:.1}",
                s.what,
                (s.since - crate::t0()).as_secs_f64() / 86_400.0
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    /// Issue 12: for every stop, no sequence of events without an explicit invitation after it
    /// re-opens anything aimed at them.
    #[test]
    fn no_sequence_without_an_invitation_reopens_anything_under_a_stop(
        ops in proptest::collection::vec((0.0f64..15.0, op()), 1..30),
        probes in proptest::collection::vec(0.0f64..1.0, 1..5),
    ) {
        let mut h = engaged();
        let mut d = 44.0;
        for (gap, op) in ops {
            d += gap;
            match op {
                Op::Out(channel) => { h.add(d, EventData::Contact { dir: Direction::Out, channel, note: None }); }
                Op::Theirs(Theirs::In(channel)) => { h.add(d, EventData::Contact { dir: Direction::In, channel, note: None }); }
                Op::Theirs(Theirs::Passive(what)) => { h.passive(d, what); }
                Op::Theirs(Theirs::Signal(s)) => { h.signal(d, s); }
                Op::Theirs(Theirs::Invite(u, p)) => { h.invite(d, u, p); }
                Op::WalkawayNo => { h.add(d, walkaway("declined", "no")); }
                Op::WalkawayMovedOn => { h.add(d, walkaway("none", "yes")); }
                Op::Habit => { h.sleep(d); }
                Op::Slip => { h.slip(d); }
                Op::Readiness => { h.readiness(d); }
                Op::Promise => { h.promise(d, "x", Some(d + 5.0)); }
                Op::CheckIn => { h.add(d, EventData::CheckIn { note: None }); }
                Op::Amends => { h.add(d, EventData::AmendsItem { request: "x".into(), bounds: amends_core::Bounds::OK }); }
                Op::CorrectToWarm(i) => { h.correct_to_warm(d, i); }
            }
        }
        for now in h.moments(&probes, 44.0, d + 60.0) {
            let stops = stops_in_force(&h, now);
            if stops.is_empty() {
                continue;
            }
            let p = h.plan(now);
            prop_assert!(p.under_stop(), "no stop in the plan at day {now} after {stops:?}");
            assert_nothing_aims_at_them(&p, &format!("day {now}, {stops:?}"));
        }
    }
}
