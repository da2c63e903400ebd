//! Issue 14: a tampered or damaged history in the use cases. Rows are changed behind amends'
//! back, on the real SQLite file, as an attacker with the file (or a bad disk) would.

use amends_app::{AppError, ExportFormat, StorageError};
use amends_core::{GateId, Signal};
use jiff::Timestamp;

use crate::{Fixture, data_dir, day, fails_saying, fixture};

/// A connection of its own to the store's file, with the append-only triggers dropped.
pub async fn raw(f: &Fixture) -> sqlx::SqlitePool {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data_dir(f).join("amends.db"))
        .busy_timeout(std::time::Duration::from_secs(10));
    let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
    for sql in [
        "DROP TRIGGER IF EXISTS events_are_append_only_update",
        "DROP TRIGGER IF EXISTS events_are_append_only_delete",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool
}

/// The JSON export of everything, parsed.
async fn export_json(f: &Fixture, now: Timestamp) -> serde_json::Value {
    serde_json::from_str(&f.app.export(ExportFormat::Json, now).await.unwrap()).unwrap()
}

/// Flips one bit of a row's sealed words, as a bad disk would.
async fn flip_a_bit(f: &Fixture, id: &str) {
    let pool = raw(f).await;
    let mut blob: Vec<u8> = sqlx::query_scalar("SELECT payload FROM events WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    blob[30] ^= 1;
    sqlx::query("UPDATE events SET payload = ? WHERE id = ?")
        .bind(blob)
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// Runs one statement about row `id` on the file, as someone with the file would.
async fn tamper(f: &Fixture, sql: &'static str, id: &str) {
    let pool = raw(f).await;
    sqlx::query(sql).bind(id).execute(&pool).await.unwrap();
    pool.close().await;
}

/// Whatever would decide from a damaged history refuses, and says what to do.
pub async fn refuses_to_decide(f: &Fixture, now: Timestamp) {
    let err = f.app.history(&f.case).await.unwrap_err();
    assert!(
        matches!(err, AppError::Store(StorageError::Damaged { .. })),
        "{err}"
    );
    fails_saying(
        f.app
            .log_signal(&f.case, Signal::WarmReply, None, day(3.0), now)
            .await,
        "amends export",
    );
}

/// Issue 14, defect 6: deleting a "no" dropped the SAFE-1 lock silently. Now the removal is
/// reported and every gate stays closed, with the reason and what to do.
#[tokio::test]
async fn deleting_a_no_keeps_outreach_closed_and_says_why() {
    let f = fixture().await;
    let now = Timestamp::now();
    f.journal("before the no", day(0.5), now).await;
    let no = f.signal(Signal::Blocked, day(1.0), now).await.id;
    f.journal("after the no", day(2.0), now).await;
    tamper(&f, "DELETE FROM events WHERE id = ?", &no).await;

    let plan = f.app.plan(&f.case, now).await.unwrap();
    for gate in &plan.gates {
        assert!(!gate.open, "{:?} opened after a row was removed", gate.id);
        assert_eq!(gate.reasons[0].method, "SAFE-1");
        assert!(
            gate.reasons[0].text.contains("removed"),
            "{}",
            gate.reasons[0].text
        );
    }
    assert!(plan.gate(GateId::Outreach).opens_at.is_none());
    // Every capability towards them is closed too (promises, check-ins, countdowns ...), and
    // the one next step is to rescue and restore.
    for cap in &plan.capabilities {
        assert!(!cap.open, "{:?} stayed open", cap.capability);
        assert_eq!(cap.reasons[0].method, "SAFE-1");
    }
    assert_eq!(plan.next_steps.len(), 1);
    assert!(plan.next_steps[0].text.contains("Export"));
    refuses_to_decide(&f, now).await;
    // What is intact can still be read.
    let journal = f.app.journal(&f.case).await.unwrap();
    assert_eq!(journal.len(), 2);
    let damage = f.app.damage(&f.case).await.unwrap();
    assert_eq!(damage.len(), 1, "{damage:?}");
}

/// Issue 14, defect 9: one damaged row made journal, status and export fail for the whole
/// case. It is now skipped and reported, and the export rescues everything else.
#[tokio::test]
async fn one_damaged_row_is_skipped_and_reported() {
    let f = fixture().await;
    let now = Timestamp::now();
    let mut ids = Vec::new();
    for (i, text) in ["first words", "second words", "third words"]
        .iter()
        .enumerate()
    {
        ids.push(f.journal(text, day(i as f64), now).await);
    }
    flip_a_bit(&f, &ids[1]).await;

    let journal = f.app.journal(&f.case).await.unwrap();
    let texts: Vec<&str> = journal.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["first words", "third words"]);
    let damage = f.app.damage(&f.case).await.unwrap();
    assert_eq!(damage.len(), 1);
    assert_eq!(damage[0].id.as_deref(), Some(ids[1].as_str()));
    assert_eq!(damage[0].kind.as_deref(), Some("journal"));
    assert!(
        damage[0].problem.contains("cannot be read"),
        "{}",
        damage[0].problem
    );

    let plan = f.app.plan(&f.case, now).await.unwrap();
    assert!(plan.gates.iter().all(|g| !g.open));

    let json = export_json(&f, now).await;
    let case = &json["cases"][0];
    let exported: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert_eq!(exported, ["first words", "third words"]);
    assert_eq!(case["damaged"][0]["id"], ids[1].as_str());
    assert_eq!(case["damaged"][0]["kind"], "journal");
    let md = f.app.export(ExportFormat::Markdown, now).await.unwrap();
    assert!(md.contains("third words") && md.contains("failed their integrity check"));
    assert!(md.contains(&ids[1]));
}

/// Issue 14, defect 6: a redated entry is reported, and its words are offered to the export
/// with a warning that its date cannot be trusted; the plan is not derived from it.
#[tokio::test]
async fn a_redated_entry_is_reported_and_its_words_rescued() {
    let f = fixture().await;
    let now = Timestamp::now();
    let id = f.journal("words worth keeping", day(1.0), now).await;
    tamper(
        &f,
        "UPDATE events SET occurred_at = '2023-01-01T00:00:00Z' WHERE id = ?",
        &id,
    )
    .await;
    assert!(f.app.journal(&f.case).await.unwrap().is_empty());
    let json = export_json(&f, now).await;
    let damaged = &json["cases"][0]["damaged"][0];
    assert_eq!(damaged["id"], id.as_str());
    assert_eq!(damaged["content"]["text"], "words worth keeping");
    assert_eq!(damaged["dates_unverified"], true);
    assert!(
        damaged["problem"]
            .as_str()
            .unwrap()
            .contains("changed outside amends")
    );
}

/// Issue 14, defect 12: the export left out the drafts being written and the user's own local
/// help number, both the user's words.
#[tokio::test]
async fn export_leaves_out_drafts_and_the_local_help_number_no_more() {
    use amends_core::DraftKind;
    let f = fixture().await;
    let now = Timestamp::now();
    f.save_draft(DraftKind::Email, "half a letter\nsecond line", now)
        .await;
    f.app.set_local_help("Samaritans: 116 123").await.unwrap();
    let json = export_json(&f, now).await;
    assert_eq!(json["local_help"], "Samaritans: 116 123");
    let drafts = &json["cases"][0]["drafts_in_progress"];
    assert_eq!(drafts[0]["draft"], "email");
    assert_eq!(drafts[0]["text"], "half a letter\nsecond line");
    let md = f.app.export(ExportFormat::Markdown, now).await.unwrap();
    assert!(md.contains("Samaritans: 116 123"), "{md}");
    assert!(md.contains("> half a letter\n> second line"), "{md}");
}

/// A case with a safety plan and the zone Asia/Tokyo, crisis words in the journal just now, and
/// then the sealed setting `key` overwritten behind amends' back with bytes that no longer open.
async fn in_crisis_with_a_damaged_setting(key: &str) -> (Fixture, Timestamp) {
    let (f, _) = crate::with_a_safety_plan().await;
    let now = Timestamp::now();
    f.journal("i keep thinking about killing myself tonight", now, now)
        .await;
    tamper(
        &f,
        "UPDATE settings SET value = x'00112233445566778899aabbccddeeff00112233445566778899' \
         WHERE key = ?",
        key,
    )
    .await;
    (f, now)
}

/// SAFE-3 with issue 13's one-query page frame: a safety plan that no longer opens (changed
/// behind amends' back) makes that one query fail, yet the crisis help and the time zone are
/// still read, each on its own; only the plan is left out.
#[tokio::test]
async fn a_damaged_safety_plan_does_not_hide_the_crisis_help() {
    let (f, now) = in_crisis_with_a_damaged_setting("safety.plan").await;
    assert!(
        f.app.safety_plan().await.is_err(),
        "the plan no longer opens"
    );
    let frame = f.app.frame(now).await;
    assert!(frame.safety.crisis, "the help stays in front");
    assert_eq!(frame.zone.tz.iana_name(), Some("Asia/Tokyo"));
    assert!(frame.safety_plan.is_none());
}

/// Issue 13: the saved time zone is read one way everywhere. Damaged behind amends' back, it
/// used to stop the plan, `--at` and every page that builds a plan with an error, while the
/// page frame quietly fell back. Now everything counts days in the system's zone until the user
/// saves theirs again, the frame says the saved one is unusable (the settings page shows it),
/// and the crisis help stays in front (SAFE-3).
#[tokio::test]
async fn a_damaged_time_zone_falls_back_to_the_systems_everywhere_and_is_reported() {
    let (f, now) = in_crisis_with_a_damaged_setting("time_zone").await;
    let system = jiff::tz::TimeZone::system();
    let frame = f.app.frame(now).await;
    assert!(frame.safety.crisis, "the help stays in front");
    assert_eq!(frame.zone.source, amends_app::ZoneSource::Unusable);
    assert!(frame.zone.unusable());
    assert_eq!(frame.zone.tz, system);
    let zone = f.app.zone().await;
    assert_eq!(zone.source, amends_app::ZoneSource::Unusable);
    // The plan, the snapshot and `--at` go on, in the same zone as the frame.
    let snap = f.app.snapshot(&f.case, now).await.unwrap();
    assert_eq!(snap.tz, system);
    f.app.plan(&f.case, now).await.unwrap();
    f.app.when(Some("yesterday"), now).await.unwrap();
    // Saving the zone again fixes it.
    f.app.set_time_zone("Asia/Tokyo").await.unwrap();
    let frame = f.app.frame(now).await;
    assert_eq!(frame.zone.source, amends_app::ZoneSource::Saved);
    assert_eq!(frame.zone.tz.iana_name(), Some("Asia/Tokyo"));
}
