//! Issue 13: a case's history kept in memory while the app is unlocked. What is kept must be
//! exactly what reading the store gives, and anything that changes the store other than this
//! app's own writes must be noticed by the next request, as if nothing were kept.

use amends_app::{App, AppError, Passphrase};
use amends_core::{Channel, Config, Direction, EventData, GateId, HabitKind, Plan, Signal};
use jiff::Timestamp;

use crate::{Fixture, data_dir, day, fixture};

/// Another handle on the same store, as a second process would have.
async fn second(f: &Fixture) -> App {
    App::open(&data_dir(f), &Passphrase::new("a test passphrase").unwrap())
        .await
        .unwrap()
}

/// A journal entry written here on day `d`.
async fn journal(f: &Fixture, text: &str, d: f64) {
    f.app
        .journal_add(&f.case, text, day(d), Timestamp::now())
        .await
        .unwrap();
}

/// A case with one journal entry written here on day 1, its history read (and so kept).
async fn kept_with_one_entry(text: &str) -> Fixture {
    let f = fixture().await;
    journal(&f, text, 1.0).await;
    assert_eq!(f.app.history(&f.case).await.unwrap().len(), 1);
    f
}

/// What a fresh reading of the store gives for the case: the history and the plan at `now`.
async fn fresh(f: &Fixture, now: Timestamp) -> (Vec<amends_core::Event>, Plan) {
    let other = second(f).await;
    let history = other.history(&f.case).await.unwrap();
    let plan = other.plan(&f.case, now).await.unwrap();
    other.close().await;
    (history, plan)
}

/// The kept history is what a fresh reading of the store gives, `len` entries long.
async fn assert_kept_is_fresh(f: &Fixture, now: Timestamp, len: usize) {
    let (history, _) = fresh(f, now).await;
    assert_eq!(history.len(), len);
    assert_eq!(f.app.history(&f.case).await.unwrap(), history);
}

/// Every write adds to the kept history what the store holds, and the gates a write reports
/// are the ones a plan over a fresh reading gives: in time order, at one moment, logged late,
/// corrected.
#[tokio::test]
async fn what_is_kept_is_what_the_store_holds_after_every_kind_of_write() {
    let f = fixture().await;
    let now = day(40.0);
    let app = &f.app;
    // Read once, so everything below goes through the kept history.
    assert!(app.history(&f.case).await.unwrap().is_empty());
    let mut gates = Vec::new();
    for d in 0..10 {
        let at = day(f64::from(d));
        app.log_habit(
            &f.case,
            HabitKind::Sleep,
            7.5,
            None,
            None,
            at,
            at + jiff::SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
    }
    // A contact on day `d`, logged now.
    let contact = async |dir, channel, d| {
        let logged = app.log_contact(&f.case, dir, channel, None, day(d), now);
        logged.await.unwrap()
    };
    let out = contact(Direction::Out, Channel::Text, 12.0).await;
    gates.push((day(12.0), out.outreach_before.clone().unwrap()));
    gates.push((now, out.outreach_now.clone()));
    // At the same moment as the last entry, then logged late (before it).
    let same = contact(Direction::In, Channel::Text, 12.0).await;
    gates.push((now, same.outreach_now.clone()));
    let late = app
        .log_signal(&f.case, Signal::AskedForSpace, None, day(11.0), now)
        .await
        .unwrap();
    gates.push((now, late.outreach_now.clone()));
    let sent = contact(Direction::Out, Channel::Email, 11.5).await;
    gates.push((day(11.5), sent.outreach_before.clone().unwrap()));
    gates.push((now, sent.outreach_now.clone()));
    // A correction: the corrected entry stops counting.
    app.correct(
        &f.case,
        &late.id,
        EventData::Signal {
            signal: Signal::WarmReply,
            note: None,
        },
        day(11.0),
        now,
    )
    .await
    .unwrap();
    let after = contact(Direction::Out, Channel::Call, 13.0).await;
    gates.push((now, after.outreach_now.clone()));

    let (history, plan) = fresh(&f, now).await;
    assert_eq!(app.history(&f.case).await.unwrap(), history);
    assert_eq!(app.plan(&f.case, now).await.unwrap(), plan);
    // Each reported gate is the plan's over the history as it stood when it was reported.
    let tz = jiff::tz::TimeZone::UTC;
    let last = gates.last().unwrap().1.clone();
    assert_eq!(
        Plan::at(&history, now, &tz, &Config::default()).gate(GateId::Outreach),
        &last
    );
    assert_eq!(plan.gate(GateId::Outreach), &last);
}

/// A row redated behind amends' back after the history was kept: the next request reads the
/// store again, finds it, and refuses to decide anything from it.
#[tokio::test]
async fn a_row_changed_after_the_history_was_kept_is_noticed() {
    let f = fixture().await;
    let now = Timestamp::now();
    let no = f
        .app
        .log_signal(&f.case, Signal::Declined, None, day(1.0), now)
        .await
        .unwrap();
    journal(&f, "kept in memory now", 2.0).await;
    assert_eq!(f.app.history(&f.case).await.unwrap().len(), 2);

    let pool = crate::hardening::raw(&f).await;
    sqlx::query("UPDATE events SET occurred_at = '2020-01-01T00:00:00Z' WHERE id = ?")
        .bind(&no.id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    crate::hardening::refuses_to_decide(&f, now).await;
    assert_eq!(f.app.damage(&f.case).await.unwrap().len(), 1);
    let plan = f.app.plan(&f.case, now).await.unwrap();
    assert!(plan.gates.iter().all(|g| !g.open));
}

/// What another process writes is in the next reading, and a write here after it chains on
/// and is kept with it.
#[tokio::test]
async fn another_writer_is_seen_by_the_next_request() {
    let f = kept_with_one_entry("from here").await;
    let now = Timestamp::now();
    let other = second(&f).await;
    other
        .journal_add(&f.case, "from elsewhere", day(2.0), now)
        .await
        .unwrap();
    other.close().await;
    assert_eq!(f.app.history(&f.case).await.unwrap().len(), 2);
    f.app
        .log_contact(&f.case, Direction::In, Channel::Text, None, day(3.0), now)
        .await
        .unwrap();
    assert_kept_is_fresh(&f, now, 3).await;
}

/// A refused append leaves nothing behind: the kept history is still the store's.
#[tokio::test]
async fn a_failed_append_keeps_nothing_of_it() {
    let f = kept_with_one_entry("the first").await;
    let now = Timestamp::now();
    let err = f
        .app
        .record(
            &f.case,
            day(2.0),
            now,
            EventData::Journal {
                text: "a correction of nothing".into(),
            },
            Some("no-such-entry"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Store(_)), "{err}");
    assert_kept_is_fresh(&f, now, 1).await;
}
