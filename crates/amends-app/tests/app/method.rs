//! Recording with validation, and the plan the app derives.

use amends_core::{
    Answer, Answers, Bounds, Channel, Direction, FormId, GateId, HabitKind, PromiseOutcome, Signal,
};

use jiff::Timestamp;

use crate::{day, fails_saying, fixture};

#[tokio::test]
async fn a_contact_while_outreach_is_closed_is_recorded_with_the_reasons() {
    let f = fixture().await;
    let logged = f
        .app
        .log_contact(
            &f.case,
            Direction::Out,
            Channel::Social,
            Some("liked a post"),
            day(1.0),
            day(1.0),
        )
        .await
        .unwrap();
    assert!(logged.slip);
    let before = logged.outreach_before.unwrap();
    assert!(!before.open);
    assert!(before.reasons.iter().any(|r| r.method == "GO-8"));
    let plan = f.app.plan(&f.case, day(2.0)).await.unwrap();
    assert_eq!(plan.no_contact.slips.len(), 1, "the slip is never hidden");
    assert_eq!(plan.no_contact.slips[0].id, logged.id);
}

#[tokio::test]
async fn future_times_and_absurd_values_are_refused_and_nothing_is_stored() {
    let f = fixture().await;
    let (app, case, now) = (&f.app, &f.case, day(5.0));
    fails_saying(
        app.log_signal(case, Signal::WarmReply, None, day(6.0), now)
            .await,
        "future",
    );
    fails_saying(
        app.log_habit(case, HabitKind::Sleep, 30.0, None, None, now, now)
            .await,
        "0 to 20",
    );
    fails_saying(
        app.gesture_add(case, "flowers", -5.0, None, now, now).await,
        "-5",
    );
    fails_saying(
        app.log_urge(case, 11, "went running", None, now, now).await,
        "1 (faint) to 10",
    );
    fails_saying(
        app.log_habit(case, HabitKind::Step, 1.0, None, None, now, now)
            .await,
        "description",
    );
    assert!(app.history(case).await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_promise_ids_are_reported_and_tr_4_caps_open_promises() {
    let f = fixture().await;
    let now = day(1.0);
    let err = f
        .app
        .promise_update(&f.case, "nope", PromiseOutcome::Kept, None, None, now, now)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no promise with id \"nope\""), "{err}");
    let mut ids = Vec::new();
    for text in ["call on Sunday", "be on time", "go to therapy"] {
        ids.push(
            f.app
                .promise_add(&f.case, text, None, now, now)
                .await
                .unwrap()
                .id,
        );
    }
    fails_saying(
        f.app.promise_add(&f.case, "one more", None, now, now).await,
        "TR-4",
    );
    f.app
        .promise_update(&f.case, &ids[0], PromiseOutcome::Kept, None, None, now, now)
        .await
        .unwrap();
    fails_saying(
        f.app
            .promise_update(
                &f.case,
                &ids[0],
                PromiseOutcome::Broken,
                None,
                None,
                now,
                now,
            )
            .await,
        "already settled",
    );
    let plan = f.app.plan(&f.case, now).await.unwrap();
    assert_eq!(plan.promises.reliability_pct, Some(100));
    assert!(plan.promises.can_add);
}

#[tokio::test]
async fn assessments_are_validated_against_their_questions() {
    let f = fixture().await;
    let mut a = Answers::new();
    a.insert("commitment".into(), Answer::Number(9.0));
    let err = f
        .app
        .assess(&f.case, FormId::Intake, a, day(0.0), day(0.0))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("commitment"), "{text}");
    assert!(text.contains("motives: missing"), "{text}");
    // The same problems, one per question, for forms that show each next to its question.
    let amends_app::AppError::Answers(problems) = err else {
        panic!("{err:?}");
    };
    assert!(
        problems.iter().any(|p| p.starts_with("commitment: ")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("honest: ")),
        "{problems:?}"
    );
    // DMG-1 is refused by the section, named by its field.
    let mut a = Answers::new();
    for (k, v) in [
        ("act", "everything"),
        ("impact", "x"),
        ("feelings", "hurt"),
        ("their_shoes", "x"),
    ] {
        a.insert(k.into(), Answer::Text(v.into()));
    }
    let err = f
        .app
        .workbook(&f.case, "act", a, day(0.0), day(0.0))
        .await
        .unwrap_err();
    let amends_app::AppError::Answers(problems) = err else {
        panic!("{err:?}");
    };
    assert!(
        problems[0].starts_with("act: ") && problems[0].contains("DMG-1"),
        "{problems:?}"
    );
    assert!(f.app.history(&f.case).await.unwrap().is_empty());
}

#[tokio::test]
async fn check_ins_need_their_agreement_tr_5() {
    let f = fixture().await;
    fails_saying(
        f.app.checkin(&f.case, None, day(1.0), day(1.0)).await,
        "TR-5",
    );
    f.signal(Signal::AgreedToCheckIns, day(1.0), day(1.0)).await;
    f.app
        .checkin(&f.case, None, day(2.0), day(2.0))
        .await
        .unwrap();
    let plan = f.app.plan(&f.case, day(3.0)).await.unwrap();
    assert_eq!(plan.checkins.next_due, Some(day(16.0)));
}

#[tokio::test]
async fn a_signal_changes_the_outreach_gate_at_once() {
    let f = fixture().await;
    let logged = f.signal(Signal::NewPartner, day(1.0), day(1.0)).await;
    assert!(
        logged
            .outreach_now
            .reasons
            .iter()
            .any(|r| r.method == "WA-3")
    );
    assert!(!logged.slip);
}

#[tokio::test]
async fn the_time_zone_is_a_sealed_setting_and_unknown_zones_are_refused() {
    let f = fixture().await;
    assert_eq!(
        f.app.set_time_zone("Europe/Berlin").await.unwrap(),
        "Europe/Berlin"
    );
    assert_eq!(f.app.time_zone().await.iana_name(), Some("Europe/Berlin"));
    fails_saying(f.app.set_time_zone("Mars/Olympus").await, "IANA");
}

#[tokio::test]
async fn amends_items_keep_their_bounds_and_unknown_ids_are_reported() {
    let f = fixture().await;
    let item = f
        .app
        .amends_add(&f.case, "Return the books", Bounds::OK, day(1.0), day(1.0))
        .await
        .unwrap();
    f.app
        .amends_update(
            &f.case,
            &item.id,
            amends_core::AmendsStatus::Done,
            None,
            day(2.0),
            day(2.0),
        )
        .await
        .unwrap();
    fails_saying(
        f.app
            .amends_update(
                &f.case,
                "x",
                amends_core::AmendsStatus::Done,
                None,
                day(2.0),
                day(2.0),
            )
            .await,
        "no amends item",
    );
    let plan = f.app.plan(&f.case, day(3.0)).await.unwrap();
    assert_eq!(plan.amends[0].status, amends_core::AmendsStatus::Done);
    assert_eq!(plan.gate(GateId::Outreach).id, GateId::Outreach);
}

#[tokio::test]
async fn a_no_cannot_be_corrected_away_safe_1() {
    let f = fixture().await;
    let no = f.signal(Signal::Blocked, day(1.0), day(1.0)).await;
    let err = f
        .correct(
            &no.id,
            amends_core::EventData::Signal {
                signal: Signal::WarmReply,
                note: None,
            },
            2.0,
            2.0,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, amends_app::AppError::Refused(_)),
        "a refusal, not a typo to fix: {err:?}"
    );
    assert!(err.to_string().contains("SAFE-1"), "{err}");
    assert_eq!(f.app.history(&f.case).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_workbook_waits_for_the_intake_go_8() {
    let f = fixture().await;
    let a: amends_core::Answers = [(
        "text".to_string(),
        amends_core::Answer::Text("Two years of trust".into()),
    )]
    .into_iter()
    .collect();
    fails_saying(
        f.app.workbook(&f.case, "loss", a, day(0.0), day(0.0)).await,
        "GO-8",
    );
    assert!(
        f.app.history(&f.case).await.unwrap().is_empty(),
        "nothing was stored"
    );
}

/// Regression: three weeks of self-work (RC-1) could be back-dated in one sitting, opening
/// the re-contact gate minutes after the case was made. An entry may now be a week late.
#[tokio::test]
async fn self_work_can_be_logged_up_to_a_week_late_rc_1() {
    let f = fixture().await;
    let now = jiff::Timestamp::now();
    let days = |d: i64| now - jiff::SignedDuration::from_hours(24 * d);
    f.app
        .log_habit(&f.case, HabitKind::Sleep, 7.5, None, None, days(6), now)
        .await
        .unwrap();
    let err = f
        .app
        .log_habit(&f.case, HabitKind::Sleep, 7.5, None, None, days(8), now)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("up to 7 days") && err.contains("RC-1"),
        "{err}"
    );
    for d in 8..30 {
        let _ = f
            .app
            .log_habit(&f.case, HabitKind::Exercise, 30.0, None, None, days(d), now)
            .await;
    }
    let plan = f.app.plan(&f.case, now).await.unwrap();
    assert!(
        plan.self_work.weeks_with_data <= 1,
        "{}",
        plan.self_work.weeks_with_data
    );
}

/// Issue 14, defect 3: a due date of "today" was the end of 9999-12-31, because the
/// "future allowed" parse counted today from the end of time.
#[test]
fn due_today_is_the_end_of_today_not_of_the_year_9999() {
    let tz = jiff::tz::TimeZone::UTC;
    let now: Timestamp = "2024-05-10T08:00:00Z".parse().unwrap();
    let due = amends_app::method::parse_moment("today", &tz, now).unwrap();
    assert_eq!(due, "2024-05-10T23:59:59Z".parse::<Timestamp>().unwrap());
    let due = amends_app::method::parse_moment("yesterday", &tz, now).unwrap();
    assert_eq!(due, "2024-05-09T23:59:59Z".parse::<Timestamp>().unwrap());
    let due = amends_app::method::parse_moment("2024-06-01", &tz, now).unwrap();
    assert_eq!(due, "2024-06-01T23:59:59Z".parse::<Timestamp>().unwrap());
    // The plan's moment: today is now, a later date stays in the future.
    assert_eq!(amends_app::parse_at("today", &tz, now).unwrap(), now);
    let later = amends_app::method::parse_moment("2024-06-01", &tz, now).unwrap();
    assert!(later > now);
}

/// Issue 14, defect 4: `--case 1` picked whichever case came first among case number 1 and a
/// case named "1", and two cases with one name resolved silently to the first. New names
/// that would be ambiguous are refused; old stores that hold them get an error naming each
/// case and its id.
#[tokio::test]
async fn case_selector_that_could_mean_two_cases_is_refused() {
    use amends_store::{SqliteStore, Store};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pass = amends_app::Passphrase::new("a test passphrase").unwrap();
    let cheap = amends_app::KdfParams {
        m_cost_kib: 8,
        t_cost: 1,
        p_cost: 1,
    };
    let app = amends_app::App::init(&data, &pass, cheap).await.unwrap();
    let robin = app
        .create_case("Robin", amends_core::Relationship::Partner)
        .await
        .unwrap();
    let alex = app
        .create_case("Alex", amends_core::Relationship::Friend)
        .await
        .unwrap();
    for name in ["1", "007", " robin ", "ALEX"] {
        let err = app
            .create_case(name, amends_core::Relationship::Friend)
            .await
            .unwrap_err();
        assert!(
            matches!(err, amends_app::AppError::Invalid { .. }),
            "{name:?}: {err}"
        );
    }
    assert_eq!(app.cases().await.unwrap().len(), 2);

    // An older version accepted such names: write them past today's checks.
    let store = SqliteStore::open(&data).await.unwrap();
    let vault = store.unlock(&pass).await.unwrap();
    let named_one = store.create_case(&vault, "friend", "1").await.unwrap();
    let second_alex = store.create_case(&vault, "friend", "alex").await.unwrap();
    store.close().await;

    for (selector, meant) in [
        ("1", [&robin.id, &named_one.id.0]),
        ("Alex", [&alex.id, &second_alex.id.0]),
    ] {
        let err = app.case(Some(selector)).await.unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, amends_app::AppError::CaseSelectorAmbiguous { .. }),
            "{selector}: {msg}"
        );
        for id in meant {
            assert!(msg.contains(id.as_str()), "{selector}: {msg}");
        }
        assert!(msg.contains("--case"), "{msg}");
    }
    // Ids and unambiguous numbers still work.
    assert_eq!(
        app.case(Some(&second_alex.id.0)).await.unwrap().name,
        "alex"
    );
    assert_eq!(app.case(Some("2")).await.unwrap().id, alex.id);
    assert_eq!(app.case(Some("robin")).await.unwrap().id, robin.id);
}
