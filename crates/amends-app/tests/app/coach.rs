//! The coach as a use case: records-aware checks (L-13, L-16) and "mark as sent", which only
//! an open outreach gate and a sendable verdict allow.

use amends_app::coach::{check_text, crisis_language};
use amends_app::demo;
use amends_core::{Channel, DraftKind, EventData};
use amends_lint::{Kind, Verdict};
use jiff::{SignedDuration, Timestamp};

use crate::fixture;

const CLAIM: &str =
    "I'm so sorry I lied to you about where I was. I've had months of therapy since then.";

#[tokio::test]
async fn claims_are_checked_against_the_records_only_when_a_case_is_given() {
    let f = fixture().await;
    let plain = check_text(CLAIM, Kind::Apology).unwrap();
    assert!(
        !plain.findings.iter().any(|x| x.rule == "dishonesty"),
        "no records, no claim check"
    );
    let now = Timestamp::now();
    let with = f
        .app
        .check_draft(&f.case, DraftKind::Apology, CLAIM, None, None, now)
        .await
        .unwrap();
    assert!(
        with.report
            .findings
            .iter()
            .any(|x| x.rule == "dishonesty" && x.method == "L-13"),
        "months of therapy with none logged: {:?}",
        with.report.findings
    );
}

#[tokio::test]
async fn a_draft_cannot_be_marked_sent_while_outreach_is_closed_and_nothing_is_logged() {
    let f = fixture().await;
    let now = Timestamp::now();
    let text = "Hi Robin, I saw the first snow today and thought of our walk by the river. I hope you're well.";
    let check = f
        .app
        .check_draft(
            &f.case,
            DraftKind::First,
            text,
            Some(Channel::Text),
            None,
            now,
        )
        .await
        .unwrap();
    assert!(!check.can_mark_sent);
    assert!(
        check
            .blocked_because
            .iter()
            .any(|r| r.contains("(GO-8)") || r.contains("(RC-1)") || r.contains("(NC-2)")),
        "{:?}",
        check.blocked_because
    );
    let err = f
        .app
        .mark_sent(&f.case, DraftKind::First, Channel::Text, text, now)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot be marked as sent"),
        "{err}"
    );
    let history = f.app.history(&f.case).await.unwrap();
    assert!(
        !history
            .iter()
            .any(|e| matches!(e.data, EventData::DraftSent { .. }))
    );
}

#[tokio::test]
async fn a_blocking_finding_stops_mark_as_sent_even_with_outreach_open() {
    let dir = tempfile::tempdir().unwrap();
    let start = Timestamp::now() - SignedDuration::from_hours(24 * 8);
    let app = demo::create(&dir.path().join("d"), start).await.unwrap();
    let case = app.case(None).await.unwrap();
    // Eight days after the demo's story the 7-day gap has passed.
    let now = Timestamp::now();
    let apology_by_email = |text: &'static str| {
        app.check_draft(
            &case,
            DraftKind::Apology,
            text,
            Some(Channel::Email),
            None,
            now,
        )
    };
    let threat = "I'm sorry I lied to you about the birthday. If you don't answer by Friday you'll regret it.";
    let check = apology_by_email(threat).await.unwrap();
    assert_eq!(check.report.verdict, Verdict::DoNotSend);
    assert!(!check.can_mark_sent);
    assert!(
        app.mark_sent(&case, DraftKind::Apology, Channel::Email, threat, now)
            .await
            .is_err()
    );

    let apology = "Jordan, I'm sorry I lied to you about where I was on the night of your sister's birthday. \
                   You defended me all evening and then learned the truth from a friend; that was humiliating, \
                   and it was my fault, not yours. I've started counselling to understand why I hide mistakes. \
                   You don't owe me a reply, and take all the time you need.";
    let check = apology_by_email(apology).await.unwrap();
    assert_ne!(
        check.report.verdict,
        Verdict::DoNotSend,
        "{:?}",
        check.report.findings
    );
    assert!(check.can_mark_sent, "{:?}", check.blocked_because);
    app.save_working_draft(&case, DraftKind::Apology, apology, now)
        .await
        .unwrap();
    let logged = app
        .mark_sent(&case, DraftKind::Apology, Channel::Email, apology, now)
        .await
        .unwrap();
    assert_eq!(logged.kind, "draft-sent");
    assert_eq!(
        app.working_draft(&case, DraftKind::Apology).await.unwrap(),
        "",
        "a sent draft is cleared"
    );
}

#[tokio::test]
async fn the_working_draft_survives_a_reopen() {
    let f = fixture().await;
    f.save_draft(DraftKind::Email, "half a letter", Timestamp::now())
        .await;
    assert_eq!(f.draft(DraftKind::Email).await, "half a letter");
    assert_eq!(f.draft(DraftKind::Apology).await, "");
}

#[test]
fn crisis_language_is_found_in_any_text_safe_3() {
    assert!(crisis_language("honestly i dont want to live anymore"));
    assert!(crisis_language(
        "You won't have to worry about me much longer."
    ));
    assert!(!crisis_language("I want to live a calmer, kinder life."));
}

/// SAFE-1, SAFE-2: once the composer is off for this person there is no practice space for
/// messages to them either; only clearing a draft is still allowed, and the journal stays open.
#[tokio::test]
async fn no_drafts_are_kept_once_they_asked_for_no_contact_safe_1() {
    let f = fixture().await;
    let now = Timestamp::now();
    f.save_draft(DraftKind::Apology, "a draft from before", now)
        .await;
    f.app
        .record(
            &f.case,
            now,
            now,
            EventData::Signal {
                signal: amends_core::Signal::AskedNoContact,
                note: None,
            },
            None,
        )
        .await
        .unwrap();
    let plan = f.app.plan(&f.case, now).await.unwrap();
    let off = amends_app::coach::composer_off(&plan);
    assert!(off.iter().any(|r| r.ends_with("(SAFE-1)")), "{off:?}");

    let err = f
        .app
        .save_working_draft(&f.case, DraftKind::Apology, "one more try", now)
        .await
        .unwrap_err();
    assert!(matches!(err, amends_app::AppError::Refused(_)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("SAFE-1") && msg.contains("journal"), "{msg}");
    assert_eq!(
        f.draft(DraftKind::Apology).await,
        "a draft from before",
        "a refused save changes nothing"
    );
    f.save_draft(DraftKind::Apology, "", now).await;
    assert_eq!(f.draft(DraftKind::Apology).await, "");
}
