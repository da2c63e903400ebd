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

/// The story the demo tells at a fixed moment, with no ids or clock of its own: each entry's
/// time and content in order, and the plan, an entry's id written as its place in the history.
async fn demo_story(now: Timestamp) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let app = demo::create(&dir.path().join("demo"), now).await.unwrap();
    let case = app.case(None).await.unwrap();
    let history = app.history(&case).await.unwrap();
    let plan = app.plan(&case, now).await.unwrap();
    let entries: Vec<_> = history
        .iter()
        .map(|e| {
            assert_eq!(e.supersedes, None, "the demo corrects nothing");
            serde_json::json!({ "at": e.at, "entry": e.data })
        })
        .collect();
    let mut story =
        serde_json::to_string_pretty(&serde_json::json!({ "history": entries, "plan": plan }))
            .unwrap();
    for (i, e) in history.iter().enumerate() {
        story = story.replace(&e.id, &format!("entry-{i}"));
    }
    serde_json::from_str(&story).unwrap()
}

/// The story as the demo told it when it was written as code (issue 13 moved it into
/// demo.toml): the same entries at the same times, and so the same plan. Written once from the
/// code with AMENDS_WRITE_DEMO_STORY=1; a change to the story is a change to this file.
#[tokio::test]
async fn the_demo_story_is_the_one_it_was_when_written_as_code() {
    let now: Timestamp = "2026-11-24T10:30:00Z".parse().unwrap();
    let story = demo_story(now).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app/demo_story.json");
    if std::env::var_os("AMENDS_WRITE_DEMO_STORY").is_some() {
        let text = serde_json::to_string_pretty(&story).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(story["history"], kept["history"]);
    assert_eq!(story["plan"], kept["plan"]);
}
