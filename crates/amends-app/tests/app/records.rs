//! The record lists asked of one reading of a case (issue 13): what counts now, in order.

use amends_core::EventData;

use crate::{day, fixture};

#[tokio::test]
async fn a_corrected_entry_is_listed_once_as_its_correction() {
    let f = fixture().await;
    let first = f.need("time on their own", day(2.0), day(2.0)).await;
    f.need("fewer calls", day(1.0), day(2.0)).await;
    let fixed = f
        .correct(
            &first.id,
            EventData::TheirNeed {
                text: "a quiet week on their own".into(),
            },
            2.0,
            3.0,
        )
        .await
        .unwrap();
    let records = f.app.records(&f.case).await.unwrap();
    // Oldest first by when it happened, and the correction stands in for the first entry.
    let needs: Vec<String> = records.their_needs().into_iter().map(|n| n.1).collect();
    assert_eq!(needs, ["fewer calls", "a quiet week on their own"]);
    assert_eq!(records.current_of_kind(Some("their-need")).len(), 2);
    assert_eq!(
        records.history().len(),
        3,
        "the history keeps both versions"
    );
    assert_eq!(
        records.corrected_by(&first.id).map(|e| e.id.as_str()),
        Some(fixed.as_str())
    );
    assert!(
        records.entry(&first.id).is_some(),
        "the old one can still be read"
    );
    assert!(records.current_of_kind(Some("journal")).is_empty());
}
