//! amends-app's one integration-test binary: the use cases on a real, encrypted store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken setup

mod calendar;
mod coach;
mod correction;
mod demo;
mod hardening;
mod method;
mod records;
mod stops;
mod views;

use amends_app::{App, CaseSummary, KdfParams, Passphrase};
use amends_core::Relationship;
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

pub fn t0() -> Timestamp {
    "2024-01-01T10:00:00Z".parse().unwrap()
}

pub fn day(d: f64) -> Timestamp {
    t0() + SignedDuration::from_secs_f64(d * 86_400.0)
}

/// The data folder of a fixture, for tests that go behind amends' back.
pub fn data_dir(f: &Fixture) -> std::path::PathBuf {
    f._dir.path().join("data")
}
