//! `amends serve --demo`: a throwaway store with a realistic, made-up case, so a newcomer sees
//! every screen populated. Nothing in it is about a real person.

use std::path::{Path, PathBuf};

use amends_core::{EventData, Relationship};
use jiff::{SignedDuration, Timestamp};

use crate::{App, KdfParams, Passphrase, Result};

/// The demo's passphrase, shown on its unlock page.
pub const DEMO_PASSPHRASE: &str = "demo";

/// A cheap key derivation: the demo protects nothing real and should start at once.
const DEMO_COST: KdfParams = KdfParams {
    m_cost_kib: 8 * 1024,
    t_cost: 1,
    p_cost: 1,
};

/// A fresh folder under the system's temporary directory.
pub fn demo_dir() -> PathBuf {
    let nanos = Timestamp::now().as_nanosecond();
    std::env::temp_dir().join(format!("amends-demo-{}-{nanos:x}", std::process::id()))
}

/// Creates the demo store in `dir` and fills it with the sample case as it stands at `now`.
pub async fn create(dir: &Path, now: Timestamp) -> Result<App> {
    let pass = Passphrase::new(DEMO_PASSPHRASE)?;
    let app = App::init(dir, &pass, DEMO_COST).await?;
    seed(&app, now).await?;
    Ok(app)
}

fn days_ago(now: Timestamp, days: i64, hour: i64) -> Timestamp {
    now.checked_sub(SignedDuration::from_hours(days * 24 - hour))
        .unwrap_or(now)
}

async fn seed(app: &App, now: Timestamp) -> Result<()> {
    let case = app.create_case("Jordan", Relationship::Partner).await?;
    let journal = [
        (
            40,
            "The first night on my own in the flat. I keep replaying the argument and every time I hear myself I wince.",
        ),
        (
            33,
            "Talked to my sister. She didn't take my side, which stung, and she was right not to.",
        ),
        (
            21,
            "Three weeks without texting. Wanted to send a long message tonight; wrote it here instead and felt calmer after.",
        ),
        (
            6,
            "Second session with the counsellor. We got to the part about why I go quiet instead of saying I'm scared.",
        ),
    ];
    for (days, text) in journal {
        let at = days_ago(now, days, 9);
        app.record(
            &case,
            at,
            now,
            EventData::Journal { text: text.into() },
            None,
        )
        .await?;
    }
    Ok(())
}
