//! One scenario per gate rule of the issue, each named after the METHOD rule it proves.

use amends_core::plan::{Action, Path};
use amends_core::{
    Answer, Bounds, Channel, DraftKind, EventData, FormId, GateId, HabitKind, Phase, Plan,
    PromiseOutcome, Signal,
};

use crate::{History, day, methods, outreach};

#[test]
fn prepared_user_has_outreach_open_on_day_31_and_not_before() {
    let h = History::prepared();
    let early = h.plan(29.5);
    assert!(!outreach(&early).open);
    assert_eq!(
        methods(outreach(&early)),
        ["RC-1", "NC-2"],
        "{:#?}",
        outreach(&early)
    );
    let p = h.plan(31.5);
    assert!(outreach(&p).open, "{:#?}", outreach(&p).reasons);
    assert_eq!(p.phase, Phase::ReContact);
    assert_eq!(outreach(&p).opens_at, None);
}

#[test]
fn nc_2_outreach_closed_until_30_days_after_the_last_contact_out_and_a_slip_restarts() {
    let mut h = History::prepared();
    let slip = h.out(10.0);
    // Readiness on day 31 is after the slip; only the restarted count holds outreach now.
    let p = h.plan(35.0);
    let gate = outreach(&p);
    assert!(!gate.open);
    assert_eq!(methods(gate), ["SAFE-5", "NC-2"]);
    let nc2 = gate.reasons.iter().find(|r| r.method == "NC-2").unwrap();
    assert_eq!(nc2.until, Some(day(40.0)));
    assert_eq!(gate.opens_at, Some(day(40.0)));
    // The slip is listed, the count restarted, and nothing before it was wiped.
    assert_eq!(p.no_contact.slips.len(), 1);
    assert_eq!(p.no_contact.slips[0].id, slip);
    assert!(p.no_contact.slips[0].methods.contains(&"NC-2"));
    assert_eq!(p.no_contact.days, 25);
    assert_eq!(p.no_contact.longest_days, 25);
    let later = h.plan(40.5);
    assert!(outreach(&later).open, "{:#?}", outreach(&later).reasons);
    assert_eq!(later.no_contact.days, 30);
    assert_eq!(later.no_contact.slips.len(), 1, "a slip is never hidden");
}

#[test]
fn nc_2_the_longest_stretch_survives_a_slip() {
    let mut h = History::prepared();
    h.out(20.0);
    let p = h.plan(25.0);
    assert_eq!(p.no_contact.days, 5);
    assert_eq!(p.no_contact.longest_days, 20);
}

#[test]
fn safe_7_checking_their_profile_is_a_slip_that_restarts_the_count() {
    let mut h = History::prepared();
    h.slip(20.0);
    let p = h.plan(40.0);
    assert!(!outreach(&p).open);
    assert!(methods(outreach(&p)).contains(&"NC-2"));
    assert_eq!(outreach(&p).opens_at, Some(day(50.0)));
    assert_eq!(p.no_contact.slips.len(), 1);
    assert_eq!(p.no_contact.slips[0].methods, ["SAFE-7"]);
    assert_eq!(p.no_contact.slips[0].what, "checked-profile");
}

#[test]
fn go_8_no_outreach_before_the_intake() {
    let mut h = History::new();
    h.workbook(1.0);
    h.habits(0, 60);
    h.readiness(31.0);
    let p = h.plan(45.0);
    assert!(methods(outreach(&p)).contains(&"GO-8"));
    assert_eq!(p.phase, Phase::Intake);
    assert_eq!(outreach(&p).opens_at, None);
}

#[test]
fn dmg_11_no_outreach_and_no_drafts_before_the_workbook_is_done() {
    let mut h = History::new();
    h.intake(0.0, &[]);
    h.habits(0, 60);
    h.readiness(31.0);
    let p = h.plan(45.0);
    assert!(methods(outreach(&p)).contains(&"DMG-11"));
    assert_eq!(methods(p.gate(GateId::Composer)), ["DMG-11"]);
    assert!(methods(p.gate(GateId::Gestures)).contains(&"KG-7"));
    assert_eq!(p.phase, Phase::Workbook);
    let missing: Vec<&str> = p.workbook.missing.iter().map(|g| g.method).collect();
    assert_eq!(
        missing,
        [
            "DMG-1", "DMG-4", "DMG-6", "DMG-7", "DMG-8", "DMG-9", "DMG-10"
        ]
    );
}

#[test]
fn rc_1_self_work_must_be_real_three_weeks_of_habit_data() {
    let mut h = History::new();
    h.intake(0.0, &[]);
    h.workbook(1.0);
    h.habits(25, 40); // about two weeks only
    h.readiness(39.0);
    let p = h.plan(40.5);
    let gate = outreach(&p);
    assert!(!gate.open);
    assert_eq!(methods(gate), ["RC-1"]);
    assert!(
        gate.reasons[0].text.contains("2 so far"),
        "{}",
        gate.reasons[0].text
    );
    assert_eq!(gate.opens_at, None, "it depends on the user, so no date");
    h.habits(41, 50);
    assert!(outreach(&h.plan(47.5)).open);
}

#[test]
fn rc_1_the_readiness_self_check_is_needed_and_goes_stale_after_a_slip() {
    let mut h = History::new();
    h.intake(0.0, &[]);
    h.workbook(1.0);
    h.habits(0, 80);
    let p = h.plan(35.0);
    assert_eq!(methods(outreach(&p)), ["RC-1"]);
    assert!(
        p.next_steps
            .iter()
            .any(|s| s.action == Some(Action::Assess(FormId::Readiness)))
    );
    h.readiness(36.0);
    assert!(outreach(&h.plan(36.5)).open);
    h.out(37.0);
    let p = h.plan(70.0);
    // The message of day 37 was allowed; the check of day 36 predates it and needs redoing.
    assert_eq!(p.no_contact.slips.len(), 0);
    assert_eq!(methods(outreach(&p)), ["RC-1"]);
    assert!(outreach(&p).reasons[0].text.contains("out of date"));
}

#[test]
fn go_6_low_commitment_keeps_outreach_closed() {
    let mut h = History::new();
    h.intake(0.0, &[("commitment", Answer::Number(2.0))]);
    h.workbook(1.0);
    h.habits(0, 60);
    h.readiness(31.0);
    assert_eq!(methods(outreach(&h.plan(40.0))), ["GO-6"]);
}

#[test]
fn dmg_7_if_it_could_happen_again_outreach_stays_closed() {
    let mut h = History::prepared();
    h.add(
        2.0,
        EventData::WorkbookAgain {
            answer: amends_core::YesNoUnsure::Unsure,
            note: None,
        },
    );
    let p = h.plan(40.0);
    assert_eq!(methods(outreach(&p)), ["DMG-7"]);
    assert!(p.next_steps.iter().any(|s| s.method == "DMG-7"));
}

#[test]
fn pp_3_and_c10_seven_days_between_contacts_and_only_while_they_reply_warmly() {
    let mut h = History::prepared();
    h.exchange(31.5, Signal::WarmReply); // the first message, while outreach was open
    let p = h.plan(35.0);
    assert_eq!(p.no_contact.slips.len(), 0, "an allowed message is no slip");
    let gate = outreach(&p);
    assert_eq!(methods(gate), ["PP-3"]);
    assert_eq!(gate.opens_at, Some(day(38.5)));
    assert!(outreach(&h.plan(38.6)).open);
    // A second message; until they reply warmly again, nothing more, with no date.
    h.out(39.0);
    let p = h.plan(47.0);
    let gate = outreach(&p);
    assert!(methods(gate).contains(&"C10"), "{:#?}", gate.reasons);
    assert!(methods(gate).contains(&"SAFE-5"));
    assert_eq!(gate.opens_at, None);
    h.reply(48.0, Signal::WarmReply);
    assert!(outreach(&h.plan(48.5)).open);
}

#[test]
fn safe_5_after_an_unanswered_first_message_nothing_for_30_days() {
    let mut h = History::prepared();
    h.out(31.5);
    let p = h.plan(40.0);
    let gate = outreach(&p);
    assert!(methods(gate).contains(&"SAFE-5"));
    let safe5 = gate.reasons.iter().find(|r| r.method == "SAFE-5").unwrap();
    assert_eq!(safe5.until, Some(day(61.5)));
    assert_eq!(p.phase, Phase::Patience);
    assert!(!p.walk_away.suggested);
}

#[test]
fn safe_5_a_second_unanswered_message_locks_outreach_and_opens_walk_away() {
    let mut h = History::prepared();
    h.habits(61, 200);
    h.out(31.5);
    h.readiness(62.0);
    h.out(62.5);
    let p = h.plan(150.0);
    let gate = outreach(&p);
    assert!(!gate.open);
    assert!(methods(gate).contains(&"SAFE-5"));
    assert_eq!(gate.opens_at, None);
    assert!(p.walk_away.suggested);
    assert!(p.walk_away.reasons.iter().any(|r| r.method == "SAFE-5"));
    assert_eq!(p.phase, Phase::WalkAway);
    // If they get in touch, the silence is over.
    h.into_contact(151.0);
    let p = h.plan(152.0);
    assert!(!methods(outreach(&p)).contains(&"SAFE-5"));
}

#[test]
fn safe_1_a_no_locks_outreach_permanently_until_they_invite_contact() {
    for signal in [Signal::AskedNoContact, Signal::Blocked, Signal::Declined] {
        let mut h = History::prepared();
        h.habits(61, 400);
        h.signal(20.0, signal);
        let p = h.plan(380.0);
        let gate = outreach(&p);
        assert!(!gate.open, "{signal}");
        assert!(methods(gate).contains(&"SAFE-1"), "{signal}");
        assert_eq!(gate.opens_at, None, "a no never expires on a timer");
        for g in [GateId::Composer, GateId::Ask, GateId::Gestures] {
            assert!(methods(p.gate(g)).contains(&"SAFE-1"), "{signal} {g:?}");
        }
        assert!(p.move_on.active);
        // Contact they start is not enough by itself (issue 12): only an invitation lifts it.
        h.into_contact(381.0);
        let p = h.plan(381.5);
        assert!(methods(outreach(&p)).contains(&"SAFE-1"), "{signal}");
        // A block needs them to have unblocked as well.
        h.invite(382.0, false, false);
        let p = h.plan(382.5);
        assert_eq!(
            methods(outreach(&p)).contains(&"SAFE-1"),
            signal == Signal::Blocked,
            "{signal}"
        );
        h.invite(383.0, true, false);
        let p = h.plan(383.5);
        assert!(!methods(outreach(&p)).contains(&"SAFE-1"), "{signal}");
        assert!(!p.under_stop(), "{signal}");
    }
}

#[test]
fn safe_1_a_protective_order_never_lifts() {
    let mut h = History::prepared();
    h.signal(20.0, Signal::ProtectiveOrder);
    h.reply(40.0, Signal::WarmReply);
    let p = h.plan(100.0);
    assert!(!outreach(&p).open);
    assert!(methods(outreach(&p)).contains(&"SAFE-1"));
    assert_eq!(outreach(&p).opens_at, None);
}

#[test]
fn safe_1_a_no_cannot_be_corrected_away() {
    let mut h = History::prepared();
    let no = h.signal(20.0, Signal::Blocked);
    h.correct(
        21.0,
        &no,
        EventData::Signal {
            signal: Signal::WarmReply,
            note: None,
        },
    );
    assert!(methods(outreach(&h.plan(50.0))).contains(&"SAFE-1"));
}

#[test]
fn wa_3_and_wa_5_a_new_partner_or_a_major_life_change_lock_at_once() {
    for (signal, method) in [
        (Signal::NewPartner, "WA-3"),
        (Signal::MajorLifeChange, "WA-5"),
    ] {
        let mut h = History::prepared();
        assert!(outreach(&h.plan(40.0)).open);
        h.signal(40.0, signal);
        let p = h.plan(40.0);
        assert!(!outreach(&p).open, "{signal}");
        assert_eq!(methods(outreach(&p)), [method]);
        assert_eq!(outreach(&p).opens_at, None);
        assert!(p.walk_away.suggested);
    }
}

#[test]
fn rc_10_and_wa_2_space_or_anger_pause_outreach_until_they_get_in_touch() {
    for (signal, method) in [(Signal::AskedForSpace, "RC-10"), (Signal::Angry, "WA-2")] {
        let mut h = History::prepared();
        h.habits(61, 210);
        h.signal(35.0, signal);
        let p = h.plan(40.0);
        assert_eq!(methods(outreach(&p)), [method], "{signal}");
        assert_eq!(p.phase, Phase::Patience, "{signal}");
        // Months later nothing has changed: it waits for them, with no date.
        let p = h.plan(200.0);
        assert!(methods(outreach(&p)).contains(&method), "{signal}");
        assert_eq!(outreach(&p).opens_at, None);
        h.into_contact(201.0);
        let p = h.plan(201.5);
        assert!(!methods(outreach(&p)).contains(&method), "{signal}");
    }
}

#[test]
fn c11_lasting_anger_without_engagement_suggests_walking_away() {
    let mut h = History::prepared();
    h.signal(35.0, Signal::Angry);
    assert!(!h.plan(60.0).walk_away.suggested);
    let p = h.plan(96.0);
    assert!(p.walk_away.reasons.iter().any(|r| r.method == "C11"));
    assert!(p.guidance.iter().any(|c| c.method == "DMG-5"));
}

#[test]
fn safe_2_dangerous_harm_in_the_intake_closes_every_gate_for_good() {
    let mut h = History::prepared();
    let intake = h.intake_listing(0.5, "dangerous_harm", "threats");
    let p = h.plan(100.0);
    for g in &p.gates {
        assert!(!g.open, "{:?}", g.id);
        assert!(methods(g).contains(&"SAFE-2"), "{:?}", g.id);
        assert_eq!(g.opens_at, None);
    }
    assert_eq!(p.phase, Phase::SafetyStop);
    assert!(p.safety.stop);
    assert!(p.move_on.active);
    assert!(!p.safety.resources.is_empty());
    assert!(p.next_steps.iter().any(|s| s.method == "SAFE-2"));
    // A correction cannot undo it.
    h.correct(1.0, &intake, EventData::Journal { text: "x".into() });
    let p = h.plan(100.0);
    assert!(methods(outreach(&p)).contains(&"SAFE-2"));
}

#[test]
fn safe_2_dangerous_harm_in_the_workbook_counts_too() {
    let mut h = History::prepared();
    h.add(
        2.0,
        EventData::WorkbookAct {
            act: "I followed them home".into(),
            impact: "They were frightened".into(),
            feelings: vec!["afraid".into()],
            their_shoes: "terrified".into(),
            times: None,
            danger: vec![amends_core::Danger::Stalking],
        },
    );
    let p = h.plan(100.0);
    assert!(p.gates.iter().all(|g| !g.open));
    assert_eq!(p.phase, Phase::SafetyStop);
}

#[test]
fn safe_8_when_the_user_was_harmed_the_path_is_support() {
    let mut h = History::prepared();
    h.intake_listing(0.5, "harmed_by_them", "physical-violence");
    let p = h.plan(100.0);
    assert_eq!(p.phase, Phase::Support);
    assert!(p.safety.user_harmed);
    for g in &p.gates {
        assert!(methods(g).contains(&"SAFE-8"), "{:?}", g.id);
    }
    assert!(
        p.safety
            .resources
            .iter()
            .any(|r| r.contains("not your fault"))
    );
}

#[test]
fn ap_1_ask_stays_closed_until_an_apology_was_sent_on_the_harm_path() {
    let mut h = History::prepared();
    h.exchange(31.5, Signal::WarmReply);
    let p = h.plan(40.0);
    assert_eq!(p.phase, Phase::Apology);
    assert_eq!(methods(p.gate(GateId::Ask)), ["AP-1"]);
    h.sent(40.0, DraftKind::Apology);
    let p = h.plan(41.0);
    assert!(!methods(p.gate(GateId::Ask)).contains(&"AP-1"));
    // AP-14: after the apology, time and distance until they reply.
    assert!(methods(outreach(&p)).contains(&"AP-14"));
    h.reply(45.0, Signal::AgreedToTalk);
    let p = h.plan(48.0);
    assert!(
        p.gate(GateId::Ask).open,
        "{:#?}",
        p.gate(GateId::Ask).reasons
    );
    assert!(p.gate(GateId::Composer).allows.contains(&DraftKind::Ask));
    assert_eq!(p.phase, Phase::Listening);
}

/// GO-4, GO-5: an intake on the no-fault path ("I did not hurt them"), whether they named a
/// hurt (C5), what drew the two apart, whether that has changed and whether both are willing.
fn no_fault_intake(h: &mut History, named_hurt: bool, cause: &str, changed: &str, willing: &str) {
    let text = |s: &str| Answer::Text(s.into());
    h.intake(
        0.0,
        &[
            ("did_harm", text("no")),
            ("they_named_hurt", Answer::Bool(named_hurt)),
            ("nofault_cause", text(cause)),
            ("nofault_changed", text(changed)),
            ("both_willing", text(willing)),
        ],
    );
}

#[test]
fn go_4_and_c5_harm_path_versus_no_fault_path() {
    let mut h = History::new();
    h.intake(0.0, &[]);
    assert_eq!(h.plan(1.0).path, Path::Harm);

    let mut nofault = History::new();
    no_fault_intake(&mut nofault, false, "we drifted", "changed", "yes");
    nofault.workbook(1.0);
    nofault.habits(0, 60);
    nofault.readiness(31.0);
    nofault.exchange(31.5, Signal::WarmReply);
    let p = nofault.plan(40.0);
    assert_eq!(p.path, Path::NoFault);
    let composer = p.gate(GateId::Composer);
    assert!(composer.open);
    assert!(
        !composer.allows.contains(&DraftKind::Apology),
        "C5: no hollow apology"
    );
    assert!(composer.limits.iter().any(|l| l.method == "C5"));
    assert!(!methods(p.gate(GateId::Ask)).contains(&"AP-1"));
    assert!(
        p.gate(GateId::Ask).open,
        "{:#?}",
        p.gate(GateId::Ask).reasons
    );

    // C5: "I did nothing wrong" but they named a hurt: unclear until the workbook owns an act.
    let mut unclear = History::new();
    no_fault_intake(&mut unclear, true, "x", "changed", "yes");
    assert_eq!(unclear.plan(1.0).path, Path::Unclear);
    unclear.workbook(1.0);
    assert_eq!(unclear.plan(2.0).path, Path::Harm);
}

#[test]
fn go_5_an_unchanged_cause_on_the_no_fault_path_leads_to_walk_away() {
    let mut h = History::new();
    no_fault_intake(
        &mut h,
        false,
        "we want different lives",
        "unchanged",
        "unsure",
    );
    let p = h.plan(1.0);
    assert!(methods(outreach(&p)).contains(&"GO-5"));
    assert!(p.walk_away.reasons.iter().any(|r| r.method == "GO-5"));
    assert_eq!(p.phase, Phase::WalkAway);
}

#[test]
fn go_9_no_apology_composer_when_it_would_only_be_a_move() {
    let mut h = History::prepared();
    h.intake(0.5, &[("apologise_anyway", Answer::Text("no".into()))]);
    // The readiness check of day 31 asked again and said yes; a later one says no.
    h.readiness_with(
        32.0,
        &[
            ("motives_now", Answer::List(vec!["put-right".into()])),
            ("good_place", Answer::Number(5.0)),
            ("apologise_anyway", Answer::Text("no".into())),
        ],
    );
    let p = h.plan(33.0);
    let composer = p.gate(GateId::Composer);
    assert!(composer.open);
    assert_eq!(composer.allows, [DraftKind::First]);
    assert!(composer.limits.iter().any(|l| l.method == "GO-9"));
}

#[test]
fn kg_7_and_c10_no_gestures_before_the_workbook_and_before_they_re_engage() {
    let mut h = History::new();
    h.intake(0.0, &[]);
    let p = h.plan(5.0);
    let g = p.gate(GateId::Gestures);
    assert!(methods(g).contains(&"KG-7"));
    assert!(methods(g).contains(&"C10"));
    let mut h = History::prepared();
    let p = h.plan(40.0);
    assert_eq!(methods(p.gate(GateId::Gestures)), ["C10"]);
    h.out(40.0);
    h.reply(41.0, Signal::WarmReply);
    let p = h.plan(48.0);
    let g = p.gate(GateId::Gestures);
    assert!(g.open, "{:#?}", g.reasons);
    assert!(g.limits.iter().any(|l| l.method == "C14"));
}

#[test]
fn wa_6_friends_only_keeps_ask_closed() {
    let mut h = History::prepared();
    h.exchange(31.5, Signal::FriendsOnly);
    let p = h.plan(50.0);
    assert!(methods(p.gate(GateId::Ask)).contains(&"WA-6"));
    assert!(p.walk_away.reasons.iter().any(|r| r.method == "WA-6"));
}

#[test]
fn wa_7_choosing_to_move_on_starts_the_moving_on_track() {
    let mut h = History::prepared();
    let mut a = amends_core::Answers::new();
    for (k, v) in [
        ("they_communicate", "no"),
        ("still_angry", "unsure"),
        ("moved_on", "unsure"),
        ("unwelcome", "no"),
        ("life_changes", "no"),
        ("their_answer", "none"),
        ("understand", "yes"),
        ("decision", "move-on"),
    ] {
        a.insert(k.into(), Answer::Text(v.into()));
    }
    h.add(
        40.0,
        amends_core::forms::assessment_event(amends_core::FormId::Walkaway, a).unwrap(),
    );
    let p = h.plan(41.0);
    assert_eq!(p.phase, Phase::MoveOn);
    assert!(p.move_on.active);
    assert!(methods(outreach(&p)).contains(&"WA-7"));
    assert!(p.next_steps.iter().any(|s| s.method == "MO-4"));
    assert!(p.guidance.iter().any(|c| c.method == "MO-6"));
}

#[test]
fn tr_4_at_most_three_open_promises_and_reliability() {
    let mut h = History::prepared();
    let a = h.promise(50.0, "Call when I said I would", Some(55.0));
    let b = h.promise(50.0, "Be on time", None);
    h.promise(50.0, "Go to therapy weekly", None);
    let p = h.plan(51.0);
    assert_eq!(p.promises.open, 3);
    assert!(!p.promises.can_add);
    assert_eq!(p.promises.reliability_pct, None);
    h.settle(52.0, &b, PromiseOutcome::Kept);
    let p = h.plan(56.0);
    assert!(p.promises.can_add);
    assert_eq!(p.promises.reliability_pct, Some(100));
    assert!(p.promises.items.iter().any(|i| i.id == a && i.overdue));
    assert!(p.next_steps.iter().any(|s| s.method == "TR-3"));
    h.settle(57.0, &a, PromiseOutcome::Broken);
    assert_eq!(h.plan(58.0).promises.reliability_pct, Some(50));
}

#[test]
fn tr_5_check_ins_every_14_days_only_once_they_agreed() {
    let mut h = History::prepared();
    assert!(!h.plan(40.0).checkins.agreed);
    assert_eq!(h.plan(40.0).checkins.next_due, None);
    h.out(31.5);
    h.into_contact(32.0);
    h.signal(33.0, Signal::AgreedToCheckIns);
    let p = h.plan(34.0);
    assert!(p.checkins.agreed);
    assert_eq!(p.checkins.next_due, Some(day(47.0)));
    h.add(46.0, EventData::CheckIn { note: None });
    assert_eq!(h.plan(47.0).checkins.next_due, Some(day(60.0)));
}

#[test]
fn tr_8_the_optional_follow_up_comes_about_30_days_after_re_entry() {
    let mut h = History::prepared();
    h.out(31.5);
    h.into_contact(32.0);
    h.signal(40.0, Signal::AgreedToTryAgain);
    let p = h.plan(41.0);
    assert_eq!(p.phase, Phase::Rebuilding);
    let f = p.follow_up.unwrap();
    assert_eq!(f.method, "TR-8");
    assert_eq!(f.around, day(70.0));
    assert!(f.text.contains("may say no"));
}

#[test]
fn si_3_sleep_is_scored_against_the_7_to_9_hour_band() {
    let mut h = History::new();
    for (d, hours) in [
        (0, 8.0),
        (1, 6.0),
        (2, 7.0),
        (3, 9.5),
        (4, 9.0),
        (5, 4.0),
        (6, 8.5),
    ] {
        h.add(
            d as f64,
            EventData::Habit {
                habit: HabitKind::Sleep,
                value: hours,
                note: None,
                plan: None,
            },
        );
    }
    let p = h.plan(6.5);
    let sleep = &p.self_work.last_7.sleep;
    assert_eq!(sleep.nights, 7);
    assert_eq!(sleep.nights_in_band, 4);
    assert_eq!(sleep.score, 57);
    assert_eq!(sleep.band, [7.0, 9.0]);
    assert_eq!(p.self_work.last_30.sleep.nights, 7);
}

#[test]
fn amends_and_gestures_carry_bounds_and_cost() {
    let mut h = History::prepared();
    h.add(
        50.0,
        EventData::AmendsItem {
            request: "Pay back the money".into(),
            bounds: Bounds {
                affordable: false,
                legal: true,
                safe: true,
            },
        },
    );
    h.add(
        50.0,
        EventData::Gesture {
            what: "A trip to Paris".into(),
            cost: 900.0,
            preference: None,
        },
    );
    let p = h.plan(51.0);
    assert!(!p.amends[0].within_bounds);
    assert!(p.next_steps.iter().any(|s| s.method == "SAFE-9"));
    assert!(p.gestures.items[0].over_limit);
    assert_eq!(p.evidence.channels_today, Vec::<String>::new());
    assert_eq!(p.evidence.days_since_last_outbound, Some(1));
}

#[test]
fn a_gesture_while_outreach_is_closed_is_a_slip() {
    let mut h = History::prepared();
    h.add(
        10.0,
        EventData::Gesture {
            what: "flowers".into(),
            cost: 10.0,
            preference: None,
        },
    );
    let p = h.plan(12.0);
    assert_eq!(p.no_contact.slips.len(), 1);
    assert_eq!(p.no_contact.slips[0].what, Channel::Gift.to_string());
}

#[test]
fn the_plan_at_an_earlier_moment_ignores_later_events() {
    let mut h = History::prepared();
    h.signal(50.0, Signal::Blocked);
    assert!(outreach(&h.plan(45.0)).open);
    assert!(!outreach(&h.plan(50.0)).open);
}

#[test]
fn safe_6_no_next_step_nudges_contact() {
    let banned = [
        "reach out",
        "contact them",
        "message them",
        "text them",
        "call them",
        "send",
        "get in touch with",
        "time to",
        "write to them",
    ];
    let mut scenarios: Vec<Plan> = Vec::new();
    let mut h = History::new();
    scenarios.push(h.plan(0.0));
    h.intake(0.0, &[]);
    scenarios.push(h.plan(1.0));
    let h = History::prepared();
    for d in [10.0, 31.5, 100.0] {
        scenarios.push(h.plan(d));
    }
    let mut h = History::prepared();
    h.out(31.5);
    scenarios.push(h.plan(35.0));
    h.reply(36.0, Signal::WarmReply);
    scenarios.push(h.plan(44.0));
    h.sent(44.0, DraftKind::Apology);
    h.reply(45.0, Signal::AgreedToCheckIns);
    scenarios.push(h.plan(46.0));
    h.signal(50.0, Signal::AgreedToTryAgain);
    scenarios.push(h.plan(90.0));
    h.signal(95.0, Signal::Declined);
    scenarios.push(h.plan(96.0));
    for p in &scenarios {
        for s in &p.next_steps {
            let t = s.text.to_lowercase();
            for b in banned {
                assert!(
                    !t.contains(b),
                    "{:?} next step {:?} contains {b:?}",
                    p.phase,
                    s.text
                );
            }
        }
        assert!(
            !p.next_steps.is_empty() || p.phase == Phase::ReContact,
            "{:?} has no next step",
            p.phase
        );
    }
}

#[test]
fn plan_json_has_the_documented_shape() {
    let h = History::prepared();
    let v = serde_json::to_value(h.plan(35.0)).unwrap();
    assert!(v["phase"].is_string());
    let gate = &v["gates"][0];
    assert_eq!(gate["id"], "outreach");
    assert!(gate["open"].is_boolean());
    assert!(gate["reasons"].is_array());
    assert!(gate.get("opens_at").is_some());
    assert!(v["no_contact"]["days"].is_i64());
    assert!(v["no_contact"]["longest_days"].is_i64());
    assert!(v["no_contact"]["slips"].is_array());
    assert!(v["next_steps"][0]["method"].is_string());
    assert!(v["next_steps"][0]["text"].is_string());
}

#[test]
fn every_question_id_the_gates_read_exists_in_its_form() {
    // The gates read answers by id; a renamed question would silently stop a rule.
    use amends_core::FormId;
    let used: &[(FormId, &[&str])] = &[
        (
            FormId::Intake,
            &[
                "motives",
                "did_harm",
                "they_named_hurt",
                "nofault_changed",
                "both_willing",
                "commitment",
                "apologise_anyway",
                "last_contact",
                "dangerous_harm",
                "harmed_by_them",
            ],
        ),
        (
            FormId::Readiness,
            &[
                "motives_now",
                "good_place",
                "want_not_comfort",
                "accept_any_answer",
                "apologise_anyway",
                "their_moment",
            ],
        ),
        (
            FormId::Walkaway,
            &[
                "moved_on",
                "unwelcome",
                "life_changes",
                "their_answer",
                "decision",
            ],
        ),
    ];
    for (form, ids) in used {
        for id in *ids {
            assert!(
                form.form().question(id).is_some(),
                "{} lacks {id}",
                form.as_str()
            );
        }
    }
}

/// Regression: switching a prevention plan to "tracked" is a correction with a new id, and the
/// practice logged against the old id stopped counting (DMG-9).
#[test]
fn practice_logged_before_a_plan_was_corrected_still_counts() {
    let mut h = History::new();
    let plan = h.add(
        1.0,
        EventData::WorkbookPrevention {
            behaviour: "going silent".into(),
            plan: "ask for a break, then come back".into(),
            habit: false,
        },
    );
    h.add(
        2.0,
        EventData::Habit {
            habit: HabitKind::Practice,
            value: 1.0,
            note: None,
            plan: Some(plan.clone()),
        },
    );
    h.correct(
        3.0,
        &plan,
        EventData::WorkbookPrevention {
            behaviour: "going silent".into(),
            plan: "ask for a break, then come back".into(),
            habit: true,
        },
    );
    let p = h.plan(4.0);
    assert_eq!(p.self_work.prevention.len(), 1);
    let current = &p.self_work.prevention[0];
    assert_ne!(current.id, plan, "the correction has its own id");
    assert!(current.tracked);
    assert_eq!(current.practised_30, 1, "the earlier practice still counts");
}

/// Regression: `Iterator::sum` over no f64 values is -0.0, so an empty week showed "-0"
/// steps on the self-work page and `"total_cost": -0.0` in the JSON.
#[test]
fn empty_totals_are_positive_zero_not_negative_zero() {
    let h = History::new();
    let p = h.plan(1.0);
    for t in p.self_work.last_7.trackers.iter() {
        assert_eq!(t.entries, 0);
        assert!(
            t.total.is_sign_positive(),
            "{:?} total is {}",
            t.habit,
            t.total
        );
    }
    assert!(p.gestures.total_cost.is_sign_positive());
    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("-0.0"), "negative zero in the plan JSON");
}

/// LS-2, LS-4, LS-5: once they talk, a look back is suggested after each conversation, and
/// what the user noted about themselves comes back as the next step. Nothing suggests a
/// conversation itself (SAFE-6).
#[test]
fn ls_4_the_conversation_review_shapes_the_next_steps() {
    let mut h = History::prepared();
    h.exchange(31.5, Signal::WarmReply);
    h.sent(40.0, DraftKind::Apology);
    h.reply(45.0, Signal::AgreedToTalk);
    let p = h.plan(46.0);
    assert_eq!(p.phase, Phase::Listening);
    let review_step = p
        .next_steps
        .iter()
        .find(|s| s.method == "LS-4")
        .expect("a look back is suggested");
    assert_eq!(
        review_step.action,
        Some(Action::Assess(FormId::ConversationReview))
    );

    let answers = [
        ("listened", "no"),
        ("defensive", "yes"),
        ("stayed_calm", "yes"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Answer::Text(v.into())))
    .collect();
    let data =
        amends_core::forms::assessment_event(amends_core::FormId::ConversationReview, answers)
            .unwrap();
    h.add(46.0, data);
    let p = h.plan(47.0);
    let methods: Vec<_> = p.next_steps.iter().map(|s| s.method).collect();
    assert!(
        methods.contains(&"LS-2") && methods.contains(&"LS-4"),
        "{methods:?}"
    );
    assert!(!methods.contains(&"LS-5"), "they stayed calm: {methods:?}");
    assert!(
        p.next_steps
            .iter()
            .all(|s| s.action != Some(Action::Assess(FormId::ConversationReview))),
        "reviewed already"
    );
    for s in &p.next_steps {
        let t = s.text.to_lowercase();
        assert!(
            !t.contains("reach out") && !t.contains("contact them"),
            "{}",
            s.text
        );
    }

    // A new conversation asks for a new look back.
    h.into_contact(50.0);
    let p = h.plan(51.0);
    assert!(
        p.next_steps
            .iter()
            .any(|s| s.action == Some(Action::Assess(FormId::ConversationReview)))
    );
}

/// Regression: under a protective order the next steps still said their questions deserve
/// answers and to be honest with them about a request, which points towards contact that the
/// order forbids (SAFE-1, SAFE-6).
#[test]
fn safe_1_no_next_step_points_towards_them_after_a_final_no() {
    for stop in [
        Signal::ProtectiveOrder,
        Signal::AskedNoContact,
        Signal::Blocked,
    ] {
        let mut h = History::prepared();
        h.exchange(31.5, Signal::AgreedToCheckIns);
        h.add(
            33.0,
            EventData::TheirQuestion {
                text: "Why did you lie?".into(),
                answered: false,
            },
        );
        for affordable in [true, false] {
            h.add(
                33.0,
                EventData::AmendsItem {
                    request: "Pay back what you borrowed".into(),
                    bounds: Bounds {
                        affordable,
                        legal: true,
                        safe: true,
                    },
                },
            );
        }
        let before: Vec<_> = h.plan(34.0).next_steps.iter().map(|s| s.method).collect();
        assert!(
            before.contains(&"LS-1") && before.contains(&"SAFE-9"),
            "{before:?}"
        );

        h.signal(35.0, stop);
        let p = h.plan(36.0);
        let after: Vec<_> = p.next_steps.iter().map(|s| s.method).collect();
        for towards in ["LS-1", "AM-2", "SAFE-9", "TR-5", "LS-4"] {
            assert!(!after.contains(&towards), "{stop:?}: {after:?}");
        }
    }
}

/// Regression: "they said no" answered in the walk-away check closed only outreach, left the
/// composer open, and a second check with other answers took it back. It is a SAFE-1 "no"
/// like the logged signal: it closes every gate, and only contact they start lifts it.
#[test]
fn safe_1_a_no_noted_in_the_walk_away_check_stays_until_they_invite_contact() {
    let walkaway = |their_answer: &str| {
        let answers = [
            ("they_communicate", "no"),
            ("still_angry", "unsure"),
            ("moved_on", "no"),
            ("unwelcome", "no"),
            ("life_changes", "no"),
            ("their_answer", their_answer),
            ("understand", "yes"),
            ("decision", "keep-space"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Answer::Text(v.into())))
        .collect();
        amends_core::forms::assessment_event(amends_core::FormId::Walkaway, answers)
    };
    let Ok(no) = walkaway("declined") else {
        // The form's own validation names what a test answer set lacks.
        panic!("{:?}", walkaway("declined").unwrap_err());
    };
    let mut h = History::prepared();
    h.add(40.0, no);
    let p = h.plan(41.0);
    for gate in [
        GateId::Outreach,
        GateId::Composer,
        GateId::Ask,
        GateId::Gestures,
    ] {
        assert!(methods(p.gate(gate)).contains(&"SAFE-1"), "{gate:?}");
    }
    h.add(42.0, walkaway("none").unwrap());
    let p = h.plan(43.0);
    assert!(
        methods(outreach(&p)).contains(&"SAFE-1"),
        "a later check does not undo it"
    );
    assert!(!p.gate(GateId::Composer).open);

    h.into_contact(50.0);
    let p = h.plan(51.0);
    assert!(
        methods(outreach(&p)).contains(&"SAFE-1"),
        "contact they start is not an invitation (issue 12)"
    );
    h.invite(52.0, false, false);
    let p = h.plan(53.0);
    assert!(
        !methods(outreach(&p)).contains(&"SAFE-1"),
        "lifted by their invitation"
    );
}
