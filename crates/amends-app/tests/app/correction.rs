//! Corrections: checked like a new entry of their kind, made once per entry, and never undoing
//! a safety fact (SAFE-1, SAFE-2, SAFE-8).

use amends_app::AppError;
use amends_core::{
    Answer, Answers, Danger, EventData, FormId, HabitKind, Signal, YesNoUnsure, effective,
};

use crate::{Fixture, day, fixture};

fn act(text: &str, danger: Vec<Danger>) -> EventData {
    EventData::WorkbookAct {
        act: text.into(),
        impact: "You felt watched in your own home".into(),
        feelings: vec!["betrayed".into()],
        their_shoes: "I would feel spied on".into(),
        times: None,
        danger,
    }
}

fn assessment(form: FormId, answers: Answers) -> EventData {
    EventData::Assessment { form, answers }
}

/// A correction of `id` into `data`, asked the day after, must be refused as a typo to fix,
/// saying `words`.
async fn invalid_fix(f: &Fixture, id: &str, data: EventData, words: &str) {
    let err = f.correct(id, data, 1.0, 2.0).await.unwrap_err();
    invalid(&err, words);
}

fn invalid(err: &AppError, words: &str) {
    assert!(
        matches!(err, AppError::Invalid { .. } | AppError::Answers(_)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(words),
        "{err} should say {words:?}"
    );
}

fn refused(err: &AppError, words: &str) {
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    assert!(
        err.to_string().contains(words),
        "{err} should say {words:?}"
    );
}

#[tokio::test]
async fn a_correction_is_checked_like_a_new_entry_and_tidied_like_one() {
    let f = fixture().await;
    let urge = f
        .app
        .log_urge(&f.case, 5, "went for a walk", None, day(1.0), day(1.0))
        .await
        .unwrap();
    let urge_as = |intensity: u8, instead: &str| EventData::Urge {
        intensity,
        instead: instead.into(),
        note: None,
    };
    for (data, words) in [
        (urge_as(11, "ran"), "1 (faint) to 10"),
        (urge_as(0, "ran"), "1 (faint) to 10"),
        (urge_as(7, "  "), "what you did instead"),
    ] {
        invalid_fix(&f, &urge.id, data, words).await;
    }
    invalid_fix(
        &f,
        &urge.id,
        EventData::Signal {
            signal: Signal::WarmReply,
            note: None,
        },
        "a correction must be one too",
    )
    .await;
    assert_eq!(f.rows().await, 1, "nothing was stored");

    let id = f
        .correct(
            &urge.id,
            EventData::Urge {
                intensity: 7,
                instead: " went for a run ".into(),
                note: Some("  ".into()),
            },
            1.0,
            2.0,
        )
        .await
        .unwrap();
    let history = f.app.history(&f.case).await.unwrap();
    let now = effective(&history);
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].id, id);
    assert_eq!(now[0].supersedes.as_deref(), Some(urge.id.as_str()));
    assert_eq!(
        now[0].data,
        EventData::Urge {
            intensity: 7,
            instead: "went for a run".into(),
            note: None
        },
        "tidied as a new entry is"
    );

    // The other kinds keep their own rules.
    let sleep = f
        .app
        .log_habit(
            &f.case,
            HabitKind::Sleep,
            7.0,
            None,
            None,
            day(1.0),
            day(1.0),
        )
        .await
        .unwrap();
    let habit = |value: f64, plan: Option<&str>| EventData::Habit {
        habit: HabitKind::Sleep,
        value,
        note: None,
        plan: plan.map(str::to_string),
    };
    invalid_fix(&f, &sleep.id, habit(30.0, None), "0 to 20").await;
    invalid_fix(
        &f,
        &sleep.id,
        habit(7.0, Some("nope")),
        "no prevention plan",
    )
    .await;
    let gift = f
        .app
        .gesture_add(&f.case, "a plant", 8.0, None, day(1.0), day(1.0))
        .await
        .unwrap();
    invalid_fix(
        &f,
        &gift.id,
        EventData::Gesture {
            what: "a plant".into(),
            cost: -1.0,
            preference: None,
        },
        "-1",
    )
    .await;
    let journal = f.journal("A long day.", day(1.0), day(1.0)).await;
    let err = f
        .correct(
            &journal,
            EventData::Journal { text: " \n".into() },
            1.0,
            2.0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::EmptyText), "{err:?}");
    let done = f.signal(Signal::WarmReply, day(1.0), day(1.0)).await;
    let err = f
        .correct(
            &done.id,
            EventData::Signal {
                signal: Signal::AgreedToTalk,
                note: None,
            },
            3.0,
            2.0,
        )
        .await
        .unwrap_err();
    invalid(&err, "future");
    // Five entries logged, and the one good correction.
    assert_eq!(f.rows().await, 6);
}

#[tokio::test]
async fn workbook_and_questionnaire_corrections_pass_their_forms() {
    let f = fixture().await;
    // Stored directly: these tests are about the correction, not the intake that GO-8 wants.
    let row = f.stored(1.0, act("I read your messages", vec![])).await;
    invalid_fix(&f, &row, act("everything", vec![]), "DMG-1").await;
    let why = f
        .stored(
            1.0,
            EventData::WorkbookWhy {
                act: None,
                chain: vec!["wanted to feel wanted".into(), "felt unsure".into()],
            },
        )
        .await;
    invalid_fix(
        &f,
        &why,
        EventData::WorkbookWhy {
            act: None,
            chain: vec!["wanted to feel wanted".into()],
        },
        "chain: give at least 2",
    )
    .await;
    let again = f
        .stored(
            1.0,
            EventData::WorkbookAgain {
                answer: YesNoUnsure::Unsure,
                note: None,
            },
        )
        .await;
    f.correct(
        &again,
        EventData::WorkbookAgain {
            answer: YesNoUnsure::No,
            note: Some("I have a plan now".into()),
        },
        1.0,
        2.0,
    )
    .await
    .unwrap();
    let intake = f
        .stored(1.0, assessment(FormId::Intake, Answers::new()))
        .await;
    for (form, words) in [
        (FormId::Walkaway, "the same one"),
        (FormId::Intake, "motives"),
    ] {
        invalid_fix(&f, &intake, assessment(form, Answers::new()), words).await;
    }
    assert_eq!(f.rows().await, 5, "only the workbook-again correction");
}

#[tokio::test]
async fn an_entry_is_corrected_once_then_its_correction_is() {
    let f = fixture().await;
    let need = f.need("time", day(1.0), day(1.0)).await;
    let said = |t: &str| EventData::TheirNeed { text: t.into() };
    let first = f
        .correct(&need.id, said("time to think"), 1.0, 2.0)
        .await
        .unwrap();
    let err = f
        .correct(&need.id, said("space"), 1.0, 2.0)
        .await
        .unwrap_err();
    refused(&err, &first);
    f.correct(&first, said("time to think, alone"), 1.0, 2.0)
        .await
        .unwrap();
    let history = f.app.history(&f.case).await.unwrap();
    let needs: Vec<_> = effective(&history);
    assert_eq!(needs.len(), 1, "never two versions that both count");
    assert_eq!(needs[0].data, said("time to think, alone"));
}

#[tokio::test]
async fn dangerous_harm_cannot_be_corrected_away_safe_2() {
    let f = fixture().await;
    let both = vec![Danger::Threats, Danger::Monitoring];
    let row = f
        .stored(1.0, act("I tracked your phone", both.clone()))
        .await;
    for kept in [vec![], vec![Danger::Threats]] {
        let err = f
            .correct(&row, act("I tracked your phone", kept), 1.0, 2.0)
            .await
            .unwrap_err();
        refused(&err, "SAFE-2");
        assert!(err.to_string().contains("monitoring"), "{err}");
    }
    assert_eq!(f.rows().await, 1);
    // The rest of the row can still be put right.
    f.correct(&row, act("I tracked your phone for months", both), 1.0, 2.0)
        .await
        .unwrap();
    assert_eq!(f.rows().await, 2);
}

#[tokio::test]
async fn harm_done_to_the_user_cannot_be_corrected_away_safe_8() {
    let f = fixture().await;
    let mut answers = Answers::new();
    answers.insert(
        "harmed_by_them".into(),
        Answer::List(vec!["stalking".into()]),
    );
    let intake = f.stored(1.0, assessment(FormId::Intake, answers)).await;
    let mut none = Answers::new();
    none.insert("harmed_by_them".into(), Answer::List(vec![]));
    let err = f
        .correct(&intake, assessment(FormId::Intake, none), 1.0, 2.0)
        .await
        .unwrap_err();
    refused(&err, "SAFE-8");
    assert!(err.to_string().contains("stalking"), "{err}");
    assert_eq!(f.rows().await, 1);
}
