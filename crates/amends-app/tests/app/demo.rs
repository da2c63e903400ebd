//! The demo case tells the story its comment promises, so every screen shows something real.

use amends_app::demo;
use amends_core::{DraftKind, Gate, GateId};
use jiff::Timestamp;

/// The gate is closed, and one of its reasons cites `method`.
fn closed_citing(gate: &Gate, method: &str) {
    assert!(!gate.open, "{:?}", gate.id);
    assert!(
        gate.reasons.iter().any(|r| r.method == method),
        "{:?}",
        gate.reasons
    );
}

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
    closed_citing(outreach, "PP-3");
    assert!(outreach.opens_at.is_some());

    let composer = plan.gate(GateId::Composer);
    assert!(composer.open, "{:?}", composer.reasons);
    assert!(
        composer.allows.contains(&DraftKind::Apology),
        "{:?}",
        composer.allows
    );

    closed_citing(plan.gate(GateId::Ask), "AP-1");

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
