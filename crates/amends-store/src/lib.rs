//! Storage for amends: cases and their append-only, dated events, sealed at rest.
//!
//! The store knows nothing of the method. An event is a kind, a time, an optional pointer to the
//! event it corrects, and an opaque payload that is always sealed (XChaCha20-Poly1305, see
//! [`crypto`]). The domain lives in `amends-core`; `amends-app` translates between the two.

mod chain;
mod crypto;
mod sqlite;

use std::path::PathBuf;

use jiff::Timestamp;

pub use crypto::{DataKey, KdfParams, Passphrase};
pub use sqlite::{DB_FILE, SqliteStore};

/// The largest payload the store accepts. Front ends enforce their own, smaller limits with
/// friendlier words; this is the backstop.
pub const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(pub String);

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub String);

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The unlocked store: proof that the passphrase was right, holding the data key.
#[derive(Clone)]
pub struct Vault {
    key: DataKey,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<unlocked>)")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: CaseId,
    /// Position in creation order, starting at 1: a short handle for the command line.
    pub number: i64,
    pub relationship: String,
    pub name: String,
    pub created_at: Timestamp,
}

/// An event to append. `payload` is plaintext here and sealed before it reaches the disk.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub kind: String,
    pub occurred_at: Timestamp,
    pub supersedes: Option<EventId>,
    pub payload: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: EventId,
    pub case_id: CaseId,
    pub kind: String,
    pub occurred_at: Timestamp,
    pub recorded_at: Timestamp,
    pub supersedes: Option<EventId>,
    pub payload: Vec<u8>,
}

/// Something wrong with a case's history, found when it was read: what the front ends report
/// and the export lists. Never holds the user's words, except the still-readable content of an
/// entry whose metadata was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// The entry's words did not open (changed, cut short, or sealed for another place). Its
    /// kind and date are as stored, and the chain vouches for them.
    Unreadable {
        id: EventId,
        kind: String,
        occurred_at: String,
    },
    /// The entry's kind, dates, place or predecessor are not what amends wrote, or amends never
    /// wrote it. If its words still open they are in `readable`, but its date cannot be
    /// trusted.
    Altered {
        id: EventId,
        kind: String,
        occurred_at: String,
        readable: Option<Box<StoredEvent>>,
    },
    /// `count` entries were removed: just before `before`, or the newest ones.
    Missing { count: u64, before: Option<EventId> },
    /// The link from the entry before `at` to `at` is broken: an entry was put in, taken out
    /// or moved there.
    Relinked { at: EventId },
    /// The case's record of how many entries it has, and of the newest one, was changed or
    /// removed: entries may have been removed or added.
    HeadChanged,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = |n: &u64| {
            if *n == 1 {
                "1 entry was".to_string()
            } else {
                format!("{n} entries were")
            }
        };
        match self {
            Damage::Unreadable {
                id,
                kind,
                occurred_at,
            } => write!(
                f,
                "entry {id} ({kind}, {occurred_at}) cannot be read: its contents were changed or \
                 cut short"
            ),
            Damage::Altered {
                id,
                kind,
                occurred_at,
                ..
            } => write!(
                f,
                "entry {id} ({kind}, {occurred_at} as stored) was changed outside amends: its \
                 kind, dates or place in the history are not what amends wrote"
            ),
            Damage::Missing {
                count,
                before: Some(id),
            } => write!(f, "{} removed just before entry {id}", entries(count)),
            Damage::Missing {
                count,
                before: None,
            } => write!(f, "the newest {} removed", entries(count)),
            Damage::Relinked { at } => write!(
                f,
                "the history was changed just before entry {at}: an entry was added, removed or \
                 moved there"
            ),
            Damage::HeadChanged => f.write_str(
                "the record of how many entries there are was changed outside amends, so entries \
                 may have been removed or added",
            ),
        }
    }
}

/// A mark of everything committed to a store, as one handle on it sees it: it changes whenever
/// anything other than that handle (another process, another connection, a hand-edited row)
/// commits, and only then. A caller may keep what it read while the mark stays the same, and
/// must read again once it changes (see [`Store::version`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Version(pub(crate) i64);

/// What [`Store::append_after`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The new event exactly as reading it back would give it (payload in plaintext).
    pub event: StoredEvent,
    /// `Some(v)` when the store was still at the version the caller knew as the append began,
    /// so what the caller read then, plus `event`, is the whole history now, known as `v`.
    /// `None` when anything else committed in between, or the caller knew no version: then
    /// what it read is stale and must be read again.
    pub after: Option<Version>,
}

/// A case's history as far as it can be read: the entries that passed every check, in the
/// order they were recorded, and what is wrong with the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseLog {
    pub events: Vec<StoredEvent>,
    pub damage: Vec<Damage>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no amends data in {}. Run `amends init` to set it up.", dir.display())]
    NotInitialized { dir: PathBuf },

    #[error(
        "amends is already set up in {}. Nothing was changed. To start again, delete the old data \
         first with `amends wipe`.",
        dir.display()
    )]
    AlreadyInitialized { dir: PathBuf },

    #[error(
        "{} is not a readable amends database ({detail}). It was left untouched. Restore it from a \
         backup, or move it aside and run `amends init` to start afresh.",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "{} was written by a newer version of amends (data format {found}; this version knows up to \
         {known}). Update amends to open it. Nothing was changed.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error(
        "that passphrase does not open this data. Nothing was changed. Check the keyboard layout and \
         caps lock and try again; a forgotten passphrase cannot be recovered."
    )]
    WrongPassphrase,

    #[error(
        "the key record asks for key-derivation settings amends never writes ({detail}), so it was \
         changed outside amends and was not used. Nothing was changed. Restore the data folder \
         from a backup."
    )]
    UnsafeKdf { detail: String },

    #[error("the passphrase is empty. Choose one with at least one character that is not a space.")]
    EmptyPassphrase,

    #[error(
        "{what} failed its integrity check: it was changed, cut short or moved outside amends, so it \
         cannot be trusted or opened. The other entries are not affected. Restore a backup to recover it."
    )]
    Integrity { what: String },

    /// A case's history failed its checks (see [`Damage`]): deriving anything from what is left
    /// could unlock what a missing entry forbade (SAFE-1), so it is refused.
    #[error(
        "part of this case's history failed its integrity check: {}. Nothing was changed. amends \
         will not work out what is allowed from an incomplete history, because a missing entry \
         could be a \"no\" (SAFE-1). `amends export` still writes out everything that can be \
         read; restore a backup of the data folder to get the rest back.",
        .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    Damaged { problems: Vec<Damage> },

    #[error(
        "cannot write to {}: {detail}. Choose another folder with --data-dir (or AMENDS_DATA_DIR), or \
         make this one writable.",
        dir.display()
    )]
    NotWritable { dir: PathBuf, detail: String },

    #[error("there is no case with id {0}")]
    UnknownCase(String),

    #[error("there is no event with id {0}")]
    UnknownEvent(String),

    #[error("the entry is {size} bytes; the most the store takes is {limit} bytes")]
    TooLarge { size: usize, limit: usize },

    #[error("{0}")]
    Crypto(String),

    #[error("the database reported an error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("a stored date could not be read: {0}")]
    BadTimestamp(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What every backend offers. SQLite implements it now; PostgreSQL will with the hosted mode, and
/// one conformance suite runs against both.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Checks the passphrase and returns the unlocked vault.
    async fn unlock(&self, passphrase: &Passphrase) -> Result<Vault>;
    /// Wraps the same data key under a new passphrase. Nothing else is re-encrypted.
    async fn change_passphrase(&self, vault: &Vault, new: &Passphrase) -> Result<()>;
    async fn create_case(
        &self,
        vault: &Vault,
        relationship: &str,
        name: &str,
    ) -> Result<CaseRecord>;
    async fn cases(&self, vault: &Vault) -> Result<Vec<CaseRecord>>;
    async fn append(&self, vault: &Vault, case: &CaseId, event: NewEvent) -> Result<EventId> {
        Ok(self.append_after(vault, case, event, None).await?.event.id)
    }
    /// Appends like [`Store::append`], and says whether the store was still at `known` (a
    /// [`Store::version`] read earlier) when the append began: then what the caller read at
    /// `known` plus the new event is the case's history now, and need not be read again.
    async fn append_after(
        &self,
        vault: &Vault,
        case: &CaseId,
        event: NewEvent,
        known: Option<Version>,
    ) -> Result<Appended>;
    /// The store's version as this handle sees it now, or `None` when the backend cannot tell
    /// what others commit (then nothing read may be kept across calls). Read it *before*
    /// reading what is to be kept, so a commit in between makes the kept copy look stale, never
    /// fresh.
    async fn version(&self) -> Result<Option<Version>> {
        Ok(None)
    }
    /// Every event of a case in the order it was recorded. Fails with [`StoreError::Damaged`],
    /// naming every problem, if any row fails its integrity check or the chain shows a row
    /// removed, moved or redated: a plan derived from a partial history could unlock something
    /// the missing row forbade.
    async fn events(&self, vault: &Vault, case: &CaseId) -> Result<Vec<StoredEvent>> {
        let log = self.case_log(vault, case).await?;
        if log.damage.is_empty() {
            Ok(log.events)
        } else {
            Err(StoreError::Damaged {
                problems: log.damage,
            })
        }
    }
    /// The same, reading past damage: every entry that passed its checks, and what is wrong
    /// with the rest. For reading and rescuing, never for deciding what is allowed.
    async fn case_log(&self, vault: &Vault, case: &CaseId) -> Result<CaseLog>;
    /// One event, opened on its own.
    async fn event(&self, vault: &Vault, id: &EventId) -> Result<StoredEvent>;
    async fn setting(&self, vault: &Vault, key: &str) -> Result<Option<Vec<u8>>>;
    /// Several settings at once, in the order of `keys` (`None` for one never set). A backend
    /// that can should read them in one query, so a request that needs a few of them (every
    /// page's frame: the time zone and the safety notes, issue 13) costs one round trip and
    /// sees them as of one moment.
    async fn settings(&self, vault: &Vault, keys: &[&str]) -> Result<Vec<Option<Vec<u8>>>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            out.push(self.setting(vault, key).await?);
        }
        Ok(out)
    }
    async fn set_setting(&self, vault: &Vault, key: &str, value: &[u8]) -> Result<()>;
}

fn event_aad(case: &str, id: &str, kind: &str) -> Vec<u8> {
    format!("amends:event:v1\0{case}\0{id}\0{kind}").into_bytes()
}

fn case_name_aad(case: &str) -> Vec<u8> {
    format!("amends:case-name:v1\0{case}").into_bytes()
}

fn setting_aad(key: &str) -> Vec<u8> {
    format!("amends:setting:v1\0{key}").into_bytes()
}
