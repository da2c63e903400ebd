//! The use cases the CLI and the web app share. Front ends parse input and render output; every
//! decision and every write goes through here.
//!
//! Nothing in this crate logs the user's words: functions that touch them are instrumented with
//! `skip_all`, and errors name sizes and offsets, never contents.

mod calendar;
pub mod charts;
pub mod coach;
pub mod command;
mod correction;
pub mod demo;
mod error;
mod export;
pub mod help;
mod json;
pub mod listening;
pub mod method;
mod paths;
pub mod records;
pub mod safety;
mod text;
mod throttle;
pub mod views;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use amends_core::plan::Fold;
use amends_core::{Config, Event, EventData, Gate, Plan, Relationship};
use amends_store::{
    CaseId, CaseRecord, EventId, NewEvent, SqliteStore, Store, StoreError, StoredEvent, Vault,
    Version,
};
use jiff::Timestamp;
use tracing::instrument;

pub use error::{AppError, ErrorClass, Refusal, reason_line};
pub use export::ExportFormat;
pub use json::parse_json_strict;
pub use method::{
    CaseSnapshot, Logged, UserZone, ZoneSource, answer_from_input, answers_from_document,
    answers_from_fields, parse_at,
};
pub use paths::{DATA_DIR_ENV, resolve_data_dir};
pub use text::{MAX_TEXT_BYTES, printable, text_from_bytes};
pub use throttle::{FREE_TRIES, THROTTLE_FILE, UnlockThrottle, unlock_wait, wait_in_words};

// Front ends reach the store only through this crate.
pub use amends_store::{KdfParams, Passphrase, StoreError as StorageError};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A case as the front ends show it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "Case", deny_unknown_fields)]
pub struct CaseSummary {
    pub number: i64,
    pub id: String,
    pub name: String,
    #[schemars(with = "amends_core::Relationship")]
    pub relationship: String,
    #[schemars(with = "amends_core::schema::Time")]
    pub created_at: Timestamp,
}

impl From<CaseRecord> for CaseSummary {
    fn from(c: CaseRecord) -> Self {
        Self {
            number: c.number,
            id: c.id.0,
            name: c.name,
            relationship: c.relationship,
            created_at: c.created_at,
        }
    }
}

/// An unlocked store and the use cases on it.
pub struct App {
    store: SqliteStore,
    vault: Vault,
    dir: PathBuf,
    /// Each case's history as this app last read or wrote it, by case id (see [`Kept`]). It
    /// lives and dies with the unlocked app: locking or closing drops it with the key.
    kept: tokio::sync::Mutex<HashMap<String, Kept>>,
}

/// A case's history kept in memory while the app is unlocked (issue 13), so a request does not
/// read, check, decrypt and decode the whole history again.
///
/// Why this keeps every integrity check: only a history that passed them all (no damage of any
/// kind) is kept, and only under the store's [`Version`], read *before* the history was. The
/// version changes whenever anything but this app's own appends commits to the store (another
/// process, another connection, a row changed, removed, moved or redated behind amends' back;
/// see `SqliteStore::own`), and every use first compares it: on any change the history is read
/// and checked again from the store, exactly as before. An append by this app is added only
/// when the store reports it followed the kept version with nothing in between
/// ([`amends_store::Appended::after`]); the entry added is the stored one as reading it back
/// would give it. A failed append, or one that followed anything else, drops what was kept.
/// Damaged histories are never kept, so they are reported as before.
struct Kept {
    version: Version,
    events: Vec<Event>,
    /// The plan's facts over `events`, made on first use and extended with each append.
    fold: Option<Fold>,
}

impl Kept {
    /// The plan's facts over the events, made on first use.
    fn fold(&mut self) -> (&mut Fold, &[Event]) {
        let events = &self.events;
        (self.fold.get_or_insert_with(|| Fold::new(events)), events)
    }

    /// The outreach gate at `at`: `Plan::at(events, at)`'s, from the facts kept up to date.
    fn outreach(&mut self, at: Timestamp, tz: &jiff::tz::TimeZone) -> Gate {
        let (fold, events) = self.fold();
        fold.outreach(events, at, tz, &Config::default())
    }

    /// The plan at `at`: `Plan::at(events, at)`, from the facts kept up to date.
    fn plan(&mut self, at: Timestamp, tz: &jiff::tz::TimeZone) -> Plan {
        let (fold, events) = self.fold();
        fold.plan(events, at, tz, &Config::default())
    }
}

/// A case as read: kept (and so undamaged), or read from the store without being kept.
enum Reading<'k> {
    Kept(&'k mut Kept),
    Read {
        events: Vec<Event>,
        damage: Vec<Damage>,
        /// What [`App::history`] fails with for this reading, if anything.
        error: Option<AppError>,
    },
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The fewest characters a newly chosen passphrase may have. It guards everything written
/// here and there is no reset, so "abc" is refused; a few words you will remember are best.
/// Unlocking with an existing passphrase is never refused for its length.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Refuses a new passphrase that is too short to protect anything.
pub fn check_new_passphrase(passphrase: &Passphrase) -> Result<()> {
    if passphrase.chars() < MIN_PASSPHRASE_CHARS {
        return Err(AppError::invalid(format!(
            "that passphrase is too short to protect what you write here: use at least \
             {MIN_PASSPHRASE_CHARS} characters. A few words you will remember, such as a line \
             of a song, work well"
        )));
    }
    Ok(())
}

impl App {
    /// Sets up a new, empty store in `dir`.
    pub async fn init(dir: &Path, passphrase: &Passphrase, cost: KdfParams) -> Result<Self> {
        check_new_passphrase(passphrase)?;
        let (store, vault) = SqliteStore::create(dir, passphrase, cost).await?;
        Ok(Self {
            store,
            vault,
            dir: dir.to_path_buf(),
            kept: Default::default(),
        })
    }

    /// Opens and unlocks an existing store. A wrong passphrase changes nothing.
    pub async fn open(dir: &Path, passphrase: &Passphrase) -> Result<Self> {
        let store = SqliteStore::open(dir).await?;
        let vault = match store.unlock(passphrase).await {
            Ok(v) => v,
            Err(e) => {
                store.close().await;
                return Err(e.into());
            }
        };
        Ok(Self {
            store,
            vault,
            dir: dir.to_path_buf(),
            kept: Default::default(),
        })
    }

    /// Whether a store exists in `dir` (without opening it).
    pub fn exists(dir: &Path) -> bool {
        SqliteStore::db_path(dir).exists()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn db_path(&self) -> PathBuf {
        SqliteStore::db_path(&self.dir)
    }

    /// Whether the store's file is still the one that was unlocked: false once `amends wipe` (or
    /// anything else) deleted or replaced it. Then this App must be dropped, not used.
    pub fn still_on_disk(&self) -> bool {
        self.store.still_on_disk()
    }

    /// Flushes and closes the store.
    pub async fn close(self) {
        self.store.close().await;
    }

    /// Checks a passphrase against the store without changing anything (e.g. before a change).
    pub async fn check_passphrase(&self, passphrase: &Passphrase) -> Result<()> {
        self.store.unlock(passphrase).await?;
        Ok(())
    }

    /// Wraps the data key under a new passphrase; the data itself is not re-encrypted.
    pub async fn change_passphrase(&self, new: &Passphrase) -> Result<()> {
        check_new_passphrase(new)?;
        self.store.change_passphrase(&self.vault, new).await?;
        Ok(())
    }

    /// Deletes the store in `dir`. Needs no passphrase: someone who forgot it must still be able
    /// to start over.
    pub fn wipe(dir: &Path) -> Result<Vec<PathBuf>> {
        throttle::clear(dir);
        Ok(SqliteStore::wipe(dir)?)
    }

    #[instrument(skip_all)]
    pub async fn create_case(&self, name: &str, relationship: Relationship) -> Result<CaseSummary> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::EmptyName);
        }
        if name.len() > 200 {
            return Err(AppError::invalid(
                "the name is over 200 bytes; a first name or a label is enough".into(),
            ));
        }
        // A name is printed on terminals: a newline or an escape sequence in it would act there.
        if name.chars().any(text::acts_on_terminal) {
            return Err(AppError::invalid(format!(
                "the name {} holds a line break or another control character; use letters, \
                 digits, spaces and punctuation",
                printable(name)
            )));
        }
        // `--case 2` means case number 2; a case named "2" could never be told apart from it.
        if name.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::invalid(format!(
                "a name made only of digits ({name:?}) would be taken for a case number; add a \
                 letter, e.g. \"{name} A\", or use their initial"
            )));
        }
        if let Some(same) = self
            .cases()
            .await?
            .into_iter()
            .find(|c| same_name(&c.name, name))
        {
            return Err(AppError::invalid(format!(
                "there is already a case named {:?} (case {}); give this one a name you can tell \
                 apart, e.g. with an initial",
                same.name, same.number
            )));
        }
        Ok(self
            .store
            .create_case(&self.vault, relationship.as_str(), name)
            .await?
            .into())
    }

    pub async fn cases(&self) -> Result<Vec<CaseSummary>> {
        Ok(self
            .store
            .cases(&self.vault)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Finds the case a command is about: by number, id or name; with no selector, the only case.
    pub async fn case(&self, selector: Option<&str>) -> Result<CaseSummary> {
        let cases = self.cases().await?;
        let choices = || {
            cases
                .iter()
                .map(|c| format!("{} {} ({})", c.number, printable(&c.name), c.relationship))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match selector.map(str::trim) {
            None | Some("") => match cases.len() {
                0 => Err(AppError::NoCase),
                1 => Ok(cases[0].clone()),
                _ => Err(AppError::AmbiguousCase { choices: choices() }),
            },
            Some(sel) => {
                // Every case the selector could mean, by number, id or name: more than one is
                // refused, never resolved to the first (issue 14, defect 4).
                let found: Vec<&CaseSummary> = cases
                    .iter()
                    .filter(|c| {
                        c.number.to_string() == sel || c.id == sel || same_name(&c.name, sel)
                    })
                    .collect();
                match found.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] if cases.is_empty() => Err(AppError::NoCase),
                    [] => Err(AppError::UnknownCase {
                        selector: sel.into(),
                        choices: choices(),
                    }),
                    several => Err(AppError::CaseSelectorAmbiguous {
                        selector: sel.into(),
                        matches: several
                            .iter()
                            .map(|c| format!("case {} {} (id {})", c.number, c.name, c.id))
                            .collect::<Vec<_>>()
                            .join(", "),
                        example: several[0].id.clone(),
                    }),
                }
            }
        }
    }

    /// Appends one event. Past events may be logged late, never in the future.
    #[instrument(skip_all, fields(kind = data.kind()))]
    pub async fn record(
        &self,
        case: &CaseSummary,
        at: Timestamp,
        now: Timestamp,
        data: EventData,
        supersedes: Option<&str>,
    ) -> Result<String> {
        let mut kept = self.kept.lock().await;
        self.record_kept(&mut kept, case, at, now, data, supersedes)
            .await
    }

    /// [`App::record`] with the kept histories already locked: the append and the kept
    /// history change together, so the kept entries are in the order the store has them.
    async fn record_kept(
        &self,
        kept: &mut HashMap<String, Kept>,
        case: &CaseSummary,
        at: Timestamp,
        now: Timestamp,
        data: EventData,
        supersedes: Option<&str>,
    ) -> Result<String> {
        if at > now {
            return Err(AppError::invalid(format!(
                "the time {at} is in the future; events are logged when they have happened"
            )));
        }
        let payload = serde_json::to_vec(&data)
            .map_err(|e| AppError::invalid(format!("could not encode the entry: {e}")))?;
        let known = kept.get(&case.id).map(|k| k.version);
        let appended = self
            .store
            .append_after(
                &self.vault,
                &CaseId(case.id.clone()),
                NewEvent {
                    kind: data.kind().to_string(),
                    occurred_at: at,
                    supersedes: supersedes.map(|s| EventId(s.to_string())),
                    payload,
                },
                known,
            )
            .await;
        let appended = match appended {
            Ok(a) => a,
            Err(e) => {
                // It may have landed or not: read it from the store next time.
                kept.remove(&case.id);
                return Err(e.into());
            }
        };
        let id = appended.event.id.0.clone();
        match (appended.after, kept.get_mut(&case.id)) {
            (Some(version), Some(k)) => match decode(appended.event) {
                Ok(event) => {
                    k.events.push(event);
                    k.version = version;
                }
                Err(_) => {
                    kept.remove(&case.id);
                }
            },
            _ => {
                kept.remove(&case.id);
            }
        }
        Ok(id)
    }

    /// The case's history: what is kept, while the store shows no change since (see [`Kept`]),
    /// else read from the store, checked, decoded and, when nothing is damaged, kept.
    async fn reading<'k>(
        &self,
        kept: &'k mut HashMap<String, Kept>,
        case: &CaseSummary,
    ) -> Result<Reading<'k>> {
        // Before the read: a commit from now on makes what is read look stale, never fresh.
        let version = self.store.version().await?;
        let slot = match kept.entry(case.id.clone()) {
            Entry::Occupied(k) if Some(k.get().version) == version => {
                return Ok(Reading::Kept(k.into_mut()));
            }
            // A stale entry is replaced or removed below; its version never matches again
            // (SQLite's data_version only grows), so it is never used meanwhile.
            slot => slot,
        };
        let log = self
            .store
            .case_log(&self.vault, &CaseId(case.id.clone()))
            .await?;
        let mut damage: Vec<Damage> = Vec::new();
        let mut unreadable = None;
        let mut events = Vec::with_capacity(log.events.len());
        for s in log.events {
            let (id, kind, at) = (s.id.0.clone(), s.kind.clone(), s.occurred_at.to_string());
            match decode(s) {
                Ok(e) => events.push(e),
                Err(detail) => {
                    damage.push(Damage {
                        problem: printable(&format!(
                            "entry {id} ({kind}, {at}) could not be read ({detail}); it may have \
                             been written by a newer version of amends"
                        ))
                        .into_owned(),
                        id: Some(id.clone()),
                        kind: Some(kind),
                        at: Some(at),
                        readable: None,
                    });
                    unreadable.get_or_insert(AppError::UnreadableEvent { id, detail });
                }
            }
        }
        // What `history` fails with: the store's own damage first, then the first entry that
        // could not be decoded.
        let error = if log.damage.is_empty() {
            unreadable
        } else {
            Some(
                StoreError::Damaged {
                    problems: log.damage.clone(),
                }
                .into(),
            )
        };
        damage.extend(log.damage.into_iter().map(Damage::from));
        match version {
            Some(version) if damage.is_empty() => Ok(Reading::Kept(
                slot.insert_entry(Kept {
                    version,
                    events,
                    fold: None,
                })
                .into_mut(),
            )),
            _ => {
                if let Entry::Occupied(stale) = slot {
                    stale.remove();
                }
                Ok(Reading::Read {
                    events,
                    damage,
                    error,
                })
            }
        }
    }

    /// The whole history of a case, decoded, in the order it was recorded. Fails if any entry
    /// failed its integrity check or was removed, moved or redated (see [`App::readable_history`]
    /// for reading past that): everything that decides what is allowed starts here.
    pub async fn history(&self, case: &CaseSummary) -> Result<Vec<Event>> {
        let mut kept = self.kept.lock().await;
        match self.reading(&mut kept, case).await? {
            Reading::Kept(k) => Ok(k.events.clone()),
            Reading::Read {
                error: Some(error), ..
            } => Err(error),
            Reading::Read { events, .. } => Ok(events),
        }
    }

    /// The history of a case as far as it can be read, and what is wrong with the rest: for
    /// showing, exporting and rescuing (issue 14, defect 9). A damaged entry is skipped and
    /// reported instead of blocking the whole case. Never decide what is allowed from this
    /// alone: [`App::plan`] closes every gate when anything is damaged.
    pub async fn readable_history(&self, case: &CaseSummary) -> Result<(Vec<Event>, Vec<Damage>)> {
        let mut kept = self.kept.lock().await;
        match self.reading(&mut kept, case).await? {
            Reading::Kept(k) => Ok((k.events.clone(), Vec::new())),
            Reading::Read { events, damage, .. } => Ok((events, damage)),
        }
    }

    /// What is wrong with a case's history; empty when nothing is.
    pub async fn damage(&self, case: &CaseSummary) -> Result<Vec<Damage>> {
        Ok(self.readable_history(case).await?.1)
    }

    /// MO-2: writes a private journal entry. Journals are never sendable.
    #[instrument(skip_all)]
    pub async fn journal_add(
        &self,
        case: &CaseSummary,
        text: &str,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<String> {
        let text = text::check_entry(text)?;
        let data = EventData::Journal {
            text: text.to_string(),
        };
        // SAFE-3, SAFE-4: help is kept in front after crisis or threat words (issue 11).
        self.note_safety(safety::scan_event(&data), now).await?;
        self.record(case, at, now, data, None).await
    }

    /// The journal, from every entry that can be read (a damaged one is skipped; see
    /// [`App::damage`]).
    pub async fn journal(&self, case: &CaseSummary) -> Result<Vec<JournalEntry>> {
        let (history, _) = self.readable_history(case).await?;
        let mut entries: Vec<JournalEntry> = amends_core::effective(&history)
            .into_iter()
            .filter_map(|e| match &e.data {
                EventData::Journal { text } => Some(JournalEntry {
                    id: e.id.clone(),
                    at: e.at,
                    text: text.clone(),
                }),
                #[allow(unreachable_patterns)]
                _ => None,
            })
            .collect();
        entries.sort_by_key(|e| e.at);
        Ok(entries)
    }

    /// A decrypted export of every case. The caller must warn that the result is not encrypted.
    /// Rescues what it can: a damaged entry is listed with what is known of it, never allowed
    /// to stop the rest from being written out (issue 14, defect 9).
    pub async fn export(&self, format: ExportFormat, now: Timestamp) -> Result<String> {
        let mut cases = Vec::new();
        for case in self.cases().await? {
            let (history, mut damage) = self.readable_history(&case).await?;
            // The drafts being written are the user's words too (issue 14, defect 12).
            let mut drafts = Vec::new();
            for &kind in amends_core::DraftKind::ALL {
                match self.working_draft(&case, kind).await {
                    Ok(text) if !text.is_empty() => drafts.push((kind, text)),
                    Ok(_) => {}
                    Err(AppError::Store(StoreError::Integrity { what })) => damage.push(Damage {
                        problem: format!("{what} (the {kind} draft being written) cannot be read"),
                        id: None,
                        kind: Some(format!("{kind} draft")),
                        at: None,
                        readable: None,
                    }),
                    Err(e) => return Err(e),
                }
            }
            cases.push(export::CaseExport {
                case,
                history,
                damage,
                drafts,
            });
        }
        // The user's own local help number, added on the help page.
        let local_help = match self.local_help().await {
            Ok(help) => help,
            Err(AppError::Store(StoreError::Integrity { .. })) => None,
            Err(e) => return Err(e),
        };
        export::render(
            format,
            &cases,
            local_help.as_deref(),
            now,
            &self.time_zone().await,
        )
    }
}

/// An entry's payload as the domain's event; the error is serde's, for the message.
fn decode(s: StoredEvent) -> std::result::Result<Event, String> {
    let data: EventData = serde_json::from_slice(&s.payload).map_err(|e| e.to_string())?;
    Ok(Event {
        id: s.id.0,
        at: s.occurred_at,
        recorded_at: s.recorded_at,
        supersedes: s.supersedes.map(|e| e.0),
        data,
    })
}

/// Something wrong with a case's history, in plain words, with what is known of the entry.
/// Holds none of the user's words, except in `readable`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Damage {
    /// What went wrong, naming the entry; never the entry's words.
    pub problem: String,
    pub id: Option<String>,
    /// The kind and date as stored: vouched for by the chain when only the words are damaged.
    pub kind: Option<String>,
    pub at: Option<String>,
    /// An entry whose words still open though its date or place was changed: offered to the
    /// export, never to the plan.
    #[serde(skip)]
    pub readable: Option<Event>,
}

impl From<amends_store::Damage> for Damage {
    fn from(d: amends_store::Damage) -> Self {
        use amends_store::Damage as D;
        // The kind and date come from the file as it is now: whoever changed it chose them.
        let problem = printable(&d.to_string()).into_owned();
        match d {
            D::Unreadable {
                id,
                kind,
                occurred_at,
            } => Self {
                problem,
                id: Some(id.0),
                kind: Some(kind),
                at: Some(occurred_at),
                readable: None,
            },
            D::Altered {
                id,
                kind,
                occurred_at,
                readable,
            } => Self {
                problem,
                id: Some(id.0),
                kind: Some(kind),
                at: Some(occurred_at),
                readable: readable.and_then(|s| decode(*s).ok()),
            },
            D::Missing { .. } | D::Relinked { .. } | D::HeadChanged => Self {
                problem,
                id: None,
                kind: None,
                at: None,
                readable: None,
            },
        }
    }
}

/// Two names are the same case name when they differ only in case or surrounding spaces.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct JournalEntry {
    pub id: String,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
    pub text: String,
}
