//! amends-app's one integration-test binary: the use cases on a real, encrypted store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken setup

mod calendar;
mod coach;
mod correction;
mod demo;
mod hardening;
mod kept;
mod method;
mod records;
mod stops;
mod views;

use amends_app::{App, AppError, CaseSummary, KdfParams, Logged, Passphrase};
use amends_core::{DraftKind, EventData, Relationship, Signal};
use jiff::{SignedDuration, Timestamp};

/// Cheap key derivation: these tests are about the use cases, not Argon2.
const FAST: KdfParams = KdfParams {
    m_cost_kib: 8,
    t_cost: 1,
    p_cost: 1,
};

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub app: App,
    pub case: CaseSummary,
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::new("a test passphrase").unwrap();
    let app = App::init(&dir.path().join("data"), &pass, FAST)
        .await
        .unwrap();
    app.set_time_zone("UTC").await.unwrap();
    let case = app
        .create_case("Robin", Relationship::Partner)
        .await
        .unwrap();
    Fixture {
        _dir: dir,
        app,
        case,
    }
}

impl Fixture {
    /// Stores `data` as having happened on day `d`, recorded the same day, straight through
    /// `record`: for tests about what becomes of a row, not about the use case that logs it.
    pub async fn stored(&self, d: f64, data: EventData) -> String {
        self.app
            .record(&self.case, day(d), day(d), data, None)
            .await
            .unwrap()
    }

    /// Asks to correct entry `id` into `data`, dated day `at` and asked on day `now`.
    pub async fn correct(
        &self,
        id: &str,
        data: EventData,
        at: f64,
        now: f64,
    ) -> Result<String, AppError> {
        self.app
            .correct(&self.case, id, data, day(at), day(now))
            .await
    }

    /// Adds a journal entry written at `at`.
    pub async fn journal(&self, text: &str, at: Timestamp, now: Timestamp) -> String {
        self.app
            .journal_add(&self.case, text, at, now)
            .await
            .unwrap()
    }

    /// Logs `signal`, without a note, as given at `at`.
    pub async fn signal(&self, signal: Signal, at: Timestamp, now: Timestamp) -> Logged {
        self.app
            .log_signal(&self.case, signal, None, at, now)
            .await
            .unwrap()
    }

    /// Logs a need they said they have, as said at `at`.
    pub async fn need(&self, text: &str, at: Timestamp, now: Timestamp) -> Logged {
        self.app.log_need(&self.case, text, at, now).await.unwrap()
    }

    /// The working draft of this kind as stored.
    pub async fn draft(&self, kind: DraftKind) -> String {
        self.app.working_draft(&self.case, kind).await.unwrap()
    }

    /// Saves the working draft of this kind.
    pub async fn save_draft(&self, kind: DraftKind, text: &str, now: Timestamp) {
        self.app
            .save_working_draft(&self.case, kind, text, now)
            .await
            .unwrap();
    }

    /// How many rows the case's history holds, corrections and corrected rows included.
    pub async fn rows(&self) -> usize {
        self.app.history(&self.case).await.unwrap().len()
    }
}

/// The use case was refused, and its message says `words`.
pub fn fails_saying<T: std::fmt::Debug>(result: Result<T, AppError>, words: &str) -> AppError {
    let err = result.unwrap_err();
    assert!(err.to_string().contains(words), "{err}");
    err
}

pub fn t0() -> Timestamp {
    "2024-01-01T10:00:00Z".parse().unwrap()
}

pub fn day(d: f64) -> Timestamp {
    t0() + SignedDuration::from_secs_f64(d * 86_400.0)
}

/// A fixture in Tokyo's time zone with a safety plan written, for the page frame's tests.
pub async fn with_a_safety_plan() -> (Fixture, amends_app::safety::SafetyPlan) {
    let f = fixture().await;
    f.app.set_time_zone("Asia/Tokyo").await.unwrap();
    let plan = amends_app::safety::SafetyPlan {
        what_calms_me: "walking the dog".into(),
        ..Default::default()
    };
    f.app.set_safety_plan(&plan).await.unwrap();
    (f, plan)
}

/// The data folder of a fixture, for tests that go behind amends' back.
pub fn data_dir(f: &Fixture) -> std::path::PathBuf {
    f._dir.path().join("data")
}
