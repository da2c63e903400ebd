//! `cargo bench -p amends-app` (or `scripts/bench-app`): what one write and one `status` cost as
//! a case's history grows (issue 13: a write at 20,000 events within 3 times its cost at 200).
//!
//! Each history is built once per size through the app's own API, on a real encrypted SQLite
//! store in a temporary folder: the demo case (intake, workbook, slip, first message, reply,
//! promise, habits) and then a day-by-day mix of what people log most (habits, urges, journal
//! entries, their messages, passive signs, saved drafts), dated before the benchmark's clock.
//!
//! A write bench appends to the history it measures, so it takes few samples (see
//! `WRITE_SAMPLES`); `status` runs first (divan goes in name order) on the exact sizes, and the
//! two write benches together leave the history of 200 at most about 10% longer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may panic on a broken setup

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use amends_app::{App, CaseSummary, demo};
use amends_core::{Channel, Direction, DraftKind, EventData, HabitKind, Passive};
use jiff::{SignedDuration, Timestamp};

fn main() {
    divan::main();
}

/// History lengths, in events.
const SIZES: &[usize] = &[200, 2_000, 20_000];

/// Samples of one write each; see the module comment.
const WRITE_SAMPLES: u32 = 10;

/// The benchmark's "now": fixed, so every run builds the same histories.
fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// One runtime for every store: a store's connection pool belongs to the runtime it was
/// opened on.
static RT: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    case: CaseSummary,
}

/// Histories by size, built on first use and shared by the write and status benches.
static FIXTURES: LazyLock<Mutex<HashMap<usize, &'static Fixture>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn fixture(size: usize) -> &'static Fixture {
    let mut map = FIXTURES.lock().unwrap();
    // Leaked on purpose: the fixtures live as long as the bench process.
    map.entry(size)
        .or_insert_with(|| Box::leak(Box::new(RT.block_on(build(size)))))
}

/// Times one call on the case of `size` events, run to its end on the store's runtime.
fn bench_on_case<T, E, F>(
    bencher: divan::Bencher,
    size: usize,
    call: impl Fn(&'static Fixture) -> F,
) where
    F: Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let f = fixture(size);
    bencher.bench_local(|| RT.block_on(call(f)).unwrap());
}

/// Self-work, logged without a prevention plan.
fn habit(habit: HabitKind, value: f64, note: Option<&str>) -> EventData {
    EventData::Habit {
        habit,
        value,
        note: note.map(str::to_string),
        plan: None,
    }
}

/// The mix logged on a day, in order: mostly self-work, then urges and journal entries, now
/// and then a message of theirs, a passive sign or a saved draft.
fn filler(i: usize) -> EventData {
    match i % 12 {
        0 => habit(HabitKind::Sleep, 6.5 + (i % 4) as f64 * 0.5, None),
        1 => habit(HabitKind::Meals, 3.0, None),
        2 => habit(
            HabitKind::Exercise,
            30.0 + (i % 5) as f64 * 10.0,
            Some("a run along the river before work"),
        ),
        3 => EventData::Urge {
            intensity: (i % 10 + 1) as u8,
            instead: "wrote it down here and called my brother".into(),
            note: None,
        },
        4 => EventData::Journal {
            text: "Today I noticed how often I wanted to explain myself instead of listening. \
                   I kept to the plan and went to the evening class."
                .into(),
        },
        5 => habit(HabitKind::Social, 2.0, None),
        6 => habit(HabitKind::Hobby, 1.0, Some("pottery")),
        7 => EventData::Contact {
            dir: Direction::In,
            channel: Channel::Text,
            note: Some("they asked how my mother is doing".into()),
        },
        8 => EventData::Passive {
            what: Passive::Like,
            note: None,
        },
        9 => habit(
            HabitKind::Step,
            1.0,
            Some("booked the first counselling session"),
        ),
        10 => EventData::DraftSaved {
            draft: DraftKind::Apology,
            text: "I lied to you about where I was, and you defended me to your family. I am \
                   sorry for that, and for leaving you to find out from someone else."
                .into(),
        },
        _ => EventData::Journal {
            text: "A harder day. I read old messages and put the phone away after a minute.".into(),
        },
    }
}

/// The demo case as it stood a while ago, then filler up to `size` events, spread evenly
/// up to an hour before `now()`.
async fn build(size: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    // About twelve entries a day: 20,000 events are four and a half years of use.
    let spacing = SignedDuration::from_hours(2);
    let fill = size.saturating_sub(demo_len().await);
    let start = now() - spacing * (fill as i32 + 1);
    let app = demo::create(&dir.path().join("data"), start).await.unwrap();
    let case = app.case(None).await.unwrap();
    for i in 0..fill {
        let at = start + spacing * (i as i32 + 1);
        app.record(&case, at, now(), filler(i), None).await.unwrap();
    }
    let len = app.history(&case).await.unwrap().len();
    assert_eq!(
        len,
        size.max(len),
        "history of {len} events for size {size}"
    );
    Fixture {
        _dir: dir,
        app,
        case,
    }
}

/// How many events the demo case has.
async fn demo_len() -> usize {
    static LEN: Mutex<Option<usize>> = Mutex::new(None);
    if let Some(n) = *LEN.lock().unwrap() {
        return n;
    }
    let dir = tempfile::tempdir().unwrap();
    let app = demo::create(&dir.path().join("data"), now()).await.unwrap();
    let case = app.case(None).await.unwrap();
    let n = app.history(&case).await.unwrap().len();
    app.close().await;
    *LEN.lock().unwrap() = Some(n);
    n
}

/// One write through a typical use case: a message from them, with a note, logged now. It
/// goes the whole way: checks, safety scan, sealing, the chained append, the outreach gate
/// reported back.
#[divan::bench(args = SIZES, sample_count = WRITE_SAMPLES, sample_size = 1)]
fn write_contact(bencher: divan::Bencher, size: usize) {
    bench_on_case(bencher, size, |f| {
        let note = Some("they wrote that the dog is better");
        f.app
            .log_contact(&f.case, Direction::In, Channel::Text, note, now(), now())
    });
}

/// One write of a journal entry: the simplest write there is.
#[divan::bench(args = SIZES, sample_count = WRITE_SAMPLES, sample_size = 1)]
fn write_journal(bencher: divan::Bencher, size: usize) {
    bench_on_case(bencher, size, |f| {
        let text = "Kept to the plan today and went for a long walk instead of checking my phone.";
        f.app.journal_add(&f.case, text, now(), now())
    });
}

/// `amends status`: the plan of the case now, derived from the whole history.
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn status(bencher: divan::Bencher, size: usize) {
    bench_on_case(bencher, size, |f| f.app.plan(&f.case, now()));
}

/// Where `status` spends its time, part one: reading the history (the store's query, the
/// chain check, decrypting and decoding every event).
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn status_read(bencher: divan::Bencher, size: usize) {
    bench_on_case(bencher, size, |f| f.app.readable_history(&f.case));
}

/// Part two: deriving the plan from the decoded history (the pure core alone).
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn status_derive(bencher: divan::Bencher, size: usize) {
    let f = fixture(size);
    let (history, _) = RT.block_on(f.app.readable_history(&f.case)).unwrap();
    let tz = jiff::tz::TimeZone::UTC;
    let config = amends_core::Config::default();
    bencher.bench_local(|| amends_core::Plan::at(&history, now(), &tz, &config));
}
