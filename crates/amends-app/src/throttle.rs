//! Guessing at the passphrase is slowed down. The web server keeps its count in memory; the
//! command line starts afresh with every run, so it keeps the count in a small file next to
//! the store (issue 14, defect 12: 20 wrong passphrases took 0.2 s each). The policy is the
//! same for both: five tries free for typos and caps lock, then each try waits, the wait
//! doubling from 30 seconds up to 15 minutes; the right passphrase starts the count again.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{App, AppError, Passphrase, Result, StorageError};

/// Wrong passphrases allowed in a row before any wait.
pub const FREE_TRIES: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(30);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// The file the command line keeps its count in. Its name starts like the store's, so wipe
/// and the permission checks treat it as part of the store.
pub const THROTTLE_FILE: &str = "amends.db-throttle";

/// How long a guess must wait after `failures` wrong passphrases in a row.
pub fn unlock_wait(failures: u32) -> Option<Duration> {
    let extra = failures.checked_sub(FREE_TRIES)?;
    Some(
        FIRST_WAIT
            .saturating_mul(1u32 << extra.min(10))
            .min(LONGEST_WAIT),
    )
}

/// "30 seconds" / "2 minutes": a wait in words, rounded up.
pub fn wait_in_words(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if secs < 90 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        format!("{} minutes", secs.div_ceil(60))
    }
}

/// The count a long-running server keeps in memory, for the page and the API alike. Pure:
/// every call takes `now`.
#[derive(Debug, Default)]
pub struct UnlockThrottle {
    failures: u32,
    wait_until: Option<std::time::Instant>,
}

impl UnlockThrottle {
    /// `Err(wait)` while a guess has to wait.
    pub fn check(&self, now: std::time::Instant) -> std::result::Result<(), Duration> {
        match self.wait_until {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    pub fn failed(&mut self, now: std::time::Instant) {
        self.failures = self.failures.saturating_add(1);
        if let Some(wait) = unlock_wait(self.failures) {
            self.wait_until = Some(now + wait);
        }
    }

    pub fn succeeded(&mut self) {
        *self = Self::default();
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Count {
    failures: u32,
    /// Seconds since the Unix epoch before which no guess is tried.
    until: u64,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(THROTTLE_FILE)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn read(dir: &Path) -> Count {
    let Ok(text) = std::fs::read_to_string(path(dir)) else {
        return Count::default();
    };
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.trim().parse().ok())
    };
    Count {
        failures: field("failures").map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        until: field("until").unwrap_or(0),
    }
}

fn write(dir: &Path, count: &Count) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path(dir))
        .and_then(|mut f| writeln!(f, "failures={}\nuntil={}", count.failures, count.until));
    if let Err(e) = written {
        tracing::warn!(error = %e, "could not keep the count of wrong passphrases");
    }
}

/// Forgets the count (the right passphrase, or a wipe).
pub(crate) fn clear(dir: &Path) {
    let _ = std::fs::remove_file(path(dir));
}

impl App {
    /// [`App::open`], slowed down after wrong passphrases in a row, the count kept on disk so
    /// that it holds across runs of the command line. A guess that has to wait is not tried.
    pub async fn open_throttled(dir: &Path, passphrase: &Passphrase) -> Result<Self> {
        let count = read(dir);
        let now = now();
        if count.until > now {
            return Err(AppError::TooManyTries {
                wait: wait_in_words(Duration::from_secs(count.until - now)),
            });
        }
        match App::open(dir, passphrase).await {
            Ok(app) => {
                clear(dir);
                Ok(app)
            }
            Err(e @ AppError::Store(StorageError::WrongPassphrase)) => {
                let failures = count.failures.saturating_add(1);
                let until = unlock_wait(failures).map_or(0, |w| now + w.as_secs());
                write(dir, &Count { failures, until });
                Err(e)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tries_are_free_then_the_wait_doubles_up_to_fifteen_minutes() {
        assert_eq!(unlock_wait(4), None);
        assert_eq!(unlock_wait(5), Some(Duration::from_secs(30)));
        assert_eq!(unlock_wait(6), Some(Duration::from_secs(60)));
        assert_eq!(unlock_wait(40), Some(Duration::from_secs(15 * 60)));
        assert_eq!(wait_in_words(Duration::from_millis(200)), "1 second");
        assert_eq!(wait_in_words(Duration::from_secs(120)), "2 minutes");
    }

    #[test]
    fn the_count_survives_a_round_trip_and_garbage_reads_as_none() {
        let tmp = tempfile::tempdir().unwrap();
        let count = Count {
            failures: 7,
            until: 12345,
        };
        write(tmp.path(), &count);
        assert_eq!(read(tmp.path()), count);
        std::fs::write(path(tmp.path()), "nonsense").unwrap();
        assert_eq!(read(tmp.path()), Count::default());
    }
}
