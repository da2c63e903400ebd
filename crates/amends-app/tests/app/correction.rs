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

async fn stored(f: &Fixture) -> usize {
    f.app.history(&f.case).await.unwrap().len()
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
        let err = f
            .app
            .correct(&f.case, &urge.id, data, day(1.0), day(2.0))
            .await
            .unwrap_err();
        invalid(&err, words);
    }
    let err = f
        .app
        .correct(
            &f.case,
            &urge.id,
            EventData::Signal {
                signal: Signal::WarmReply,
                note: None,
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "a correction must be one too");
    assert_eq!(stored(&f).await, 1, "nothing was stored");

    let id = f
        .app
        .correct(
            &f.case,
            &urge.id,
            EventData::Urge {
                intensity: 7,
                instead: " went for a run ".into(),
                note: Some("  ".into()),
            },
            day(1.0),
            day(2.0),
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
    let err = f
        .app
        .correct(&f.case, &sleep.id, habit(30.0, None), day(1.0), day(2.0))
        .await
        .unwrap_err();
    invalid(&err, "0 to 20");
    let err = f
        .app
        .correct(
            &f.case,
            &sleep.id,
            habit(7.0, Some("nope")),
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "no prevention plan");
    let gift = f
        .app
        .gesture_add(&f.case, "a plant", 8.0, None, day(1.0), day(1.0))
        .await
        .unwrap();
    let err = f
        .app
        .correct(
            &f.case,
            &gift.id,
            EventData::Gesture {
                what: "a plant".into(),
                cost: -1.0,
                preference: None,
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "-1");
    let journal = f
        .app
        .journal_add(&f.case, "A long day.", day(1.0), day(1.0))
        .await
        .unwrap();
    let err = f
        .app
        .correct(
            &f.case,
            &journal,
            EventData::Journal { text: " \n".into() },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::EmptyText), "{err:?}");
    let done = f
        .app
        .log_signal(&f.case, Signal::WarmReply, None, day(1.0), day(1.0))
        .await
        .unwrap();
    let err = f
        .app
        .correct(
            &f.case,
            &done.id,
            EventData::Signal {
                signal: Signal::AgreedToTalk,
                note: None,
            },
            day(3.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "future");
    // Five entries logged, and the one good correction.
    assert_eq!(stored(&f).await, 6);
}

#[tokio::test]
async fn workbook_and_questionnaire_corrections_pass_their_forms() {
    let f = fixture().await;
    // Stored directly: these tests are about the correction, not the intake that GO-8 wants.
    let row = f
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            act("I read your messages", vec![]),
            None,
        )
        .await
        .unwrap();
    let err = f
        .app
        .correct(&f.case, &row, act("everything", vec![]), day(1.0), day(2.0))
        .await
        .unwrap_err();
    invalid(&err, "DMG-1");
    let why = f
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            EventData::WorkbookWhy {
                act: None,
                chain: vec!["wanted to feel wanted".into(), "felt unsure".into()],
            },
            None,
        )
        .await
        .unwrap();
    let err = f
        .app
        .correct(
            &f.case,
            &why,
            EventData::WorkbookWhy {
                act: None,
                chain: vec!["wanted to feel wanted".into()],
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "chain: give at least 2");
    let again = f
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            EventData::WorkbookAgain {
                answer: YesNoUnsure::Unsure,
                note: None,
            },
            None,
        )
        .await
        .unwrap();
    f.app
        .correct(
            &f.case,
            &again,
            EventData::WorkbookAgain {
                answer: YesNoUnsure::No,
                note: Some("I have a plan now".into()),
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap();
    let intake = f
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            EventData::Assessment {
                form: FormId::Intake,
                answers: Answers::new(),
            },
            None,
        )
        .await
        .unwrap();
    let err = f
        .app
        .correct(
            &f.case,
            &intake,
            EventData::Assessment {
                form: FormId::Walkaway,
                answers: Answers::new(),
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "the same one");
    let err = f
        .app
        .correct(
            &f.case,
            &intake,
            EventData::Assessment {
                form: FormId::Intake,
                answers: Answers::new(),
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    invalid(&err, "motives");
    assert_eq!(stored(&f).await, 5, "only the workbook-again correction");
}

#[tokio::test]
async fn an_entry_is_corrected_once_then_its_correction_is() {
    let f = fixture().await;
    let need = f
        .app
        .log_need(&f.case, "time", day(1.0), day(1.0))
        .await
        .unwrap();
    let said = |t: &str| EventData::TheirNeed { text: t.into() };
    let first = f
        .app
        .correct(&f.case, &need.id, said("time to think"), day(1.0), day(2.0))
        .await
        .unwrap();
    let err = f
        .app
        .correct(&f.case, &need.id, said("space"), day(1.0), day(2.0))
        .await
        .unwrap_err();
    refused(&err, &first);
    f.app
        .correct(
            &f.case,
            &first,
            said("time to think, alone"),
            day(1.0),
            day(2.0),
        )
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
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            act("I tracked your phone", both.clone()),
            None,
        )
        .await
        .unwrap();
    for kept in [vec![], vec![Danger::Threats]] {
        let err = f
            .app
            .correct(
                &f.case,
                &row,
                act("I tracked your phone", kept),
                day(1.0),
                day(2.0),
            )
            .await
            .unwrap_err();
        refused(&err, "SAFE-2");
        assert!(err.to_string().contains("monitoring"), "{err}");
    }
    assert_eq!(stored(&f).await, 1);
    // The rest of the row can still be put right.
    f.app
        .correct(
            &f.case,
            &row,
            act("I tracked your phone for months", both),
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap();
    assert_eq!(stored(&f).await, 2);
}

#[tokio::test]
async fn harm_done_to_the_user_cannot_be_corrected_away_safe_8() {
    let f = fixture().await;
    let mut answers = Answers::new();
    answers.insert(
        "harmed_by_them".into(),
        Answer::List(vec!["stalking".into()]),
    );
    let intake = f
        .app
        .record(
            &f.case,
            day(1.0),
            day(1.0),
            EventData::Assessment {
                form: FormId::Intake,
                answers,
            },
            None,
        )
        .await
        .unwrap();
    let mut none = Answers::new();
    none.insert("harmed_by_them".into(), Answer::List(vec![]));
    let err = f
        .app
        .correct(
            &f.case,
            &intake,
            EventData::Assessment {
                form: FormId::Intake,
                answers: none,
            },
            day(1.0),
            day(2.0),
        )
        .await
        .unwrap_err();
    refused(&err, "SAFE-8");
    assert!(err.to_string().contains("stalking"), "{err}");
    assert_eq!(stored(&f).await, 1);
}
