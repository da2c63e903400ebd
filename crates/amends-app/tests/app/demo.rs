//! The demo case tells the story its comment promises, so every screen shows something real.

use amends_app::demo;
use amends_core::{DraftKind, GateId};
use jiff::Timestamp;

#[tokio::test]
async fn the_demo_case_is_mid_journey_with_each_gate_explained() {
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let app = demo::create(&dir.path().join("demo"), now).await.unwrap();
    let case = app.case(None).await.unwrap();
    assert_eq!(case.name, "Jordan");
    let plan = app.plan(&case, now).await.unwrap();
    assert!(
        plan.intake_done && plan.workbook.done,
        "{:?}",
        plan.workbook
    );
    assert_eq!(
        plan.no_contact.slips.len(),
        1,
        "the profile check is on record"
    );

    let outreach = plan.gate(GateId::Outreach);
    assert!(!outreach.open);
    assert!(
        outreach.reasons.iter().any(|r| r.method == "PP-3"),
        "{:?}",
        outreach.reasons
    );
    assert!(outreach.opens_at.is_some());

    let composer = plan.gate(GateId::Composer);
    assert!(composer.open, "{:?}", composer.reasons);
    assert!(
        composer.allows.contains(&DraftKind::Apology),
        "{:?}",
        composer.allows
    );

    let ask = plan.gate(GateId::Ask);
    assert!(!ask.open);
    assert!(
        ask.reasons.iter().any(|r| r.method == "AP-1"),
        "{:?}",
        ask.reasons
    );

    assert!(plan.self_work.weeks_with_data >= 3);
    assert_eq!(plan.promises.open, 1);
    assert_eq!(plan.unanswered_questions, 1);
    assert_eq!(app.journal(&case).await.unwrap().len(), 4);
    let series = app.chart_series(&case, now, 30).await.unwrap();
    assert!(
        series
            .days
            .iter()
            .filter(|d| d.sleep_hours.is_some())
            .count()
            >= 28
    );
}
