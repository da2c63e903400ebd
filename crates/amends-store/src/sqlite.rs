//! The SQLite backend: one file per data directory, WAL, foreign keys on, full sync.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, Row};

use crate::chain::{self, GENESIS, Head, Link, Meta};
use crate::crypto::{self, CHAINED, DataKey, KdfParams, Passphrase, WrappedKey};
use crate::{
    Appended, CaseId, CaseLog, CaseRecord, Damage, EventId, MAX_PAYLOAD_BYTES, NewEvent, Result,
    Store, StoreError, StoredEvent, Vault, Version, case_name_aad, event_aad, setting_aad,
};

pub const DB_FILE: &str = "amends.db";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another process holding the lock before giving up. Two `amends`
/// processes on one store therefore queue instead of failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// This store's own connection, apart from the pool: every event is appended through it,
    /// and its `PRAGMA data_version` is the store's [`Version`]. SQLite changes a connection's
    /// data_version when, and only when, another connection has committed to the file since
    /// that connection last looked; its own commits leave it as it was. So while the version
    /// holds, nothing but this store's own appends has changed the file: no other process, no
    /// other connection (the pool's writes of settings and cases count as others, which only
    /// costs a fresh read), and no row changed, removed, reordered or redated by hand through
    /// SQLite. That is what lets the app keep a case's history in memory between requests
    /// without weakening the tamper checks: anything that could fail them changes the version
    /// first. (Bytes edited in the file without SQLite, while it is open, are no commit; SQLite's
    /// own page cache does not notice them either, and the next unlock reads everything.)
    /// `None` once closed.
    own: Arc<tokio::sync::Mutex<Option<SqliteConnection>>>,
    path: PathBuf,
    /// The database file this store opened (device and inode), to notice when it is deleted
    /// or replaced under a running process (`amends wipe` while the server is unlocked).
    file: Option<(u64, u64)>,
}

impl SqliteStore {
    pub fn db_path(dir: &Path) -> PathBuf {
        dir.join(DB_FILE)
    }

    /// Sets up a new store in `dir` (created if missing) and returns it unlocked. Refuses if a
    /// store is already there: an existing file is never overwritten.
    ///
    /// The database is built whole under a temporary name and only then linked into place, so a
    /// crash or `kill -9` at any moment leaves either no store (and `amends init` can run
    /// again) or a complete one, never a half-made file that init refuses and nothing opens
    /// (issue 14, defect 10).
    pub async fn create(
        dir: &Path,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(Self, Vault)> {
        params.check_bounds()?;
        create_private_dir(dir)?;
        tighten(dir);
        check_writable(dir)?;
        let path = Self::db_path(dir);
        if path.exists() {
            return Err(StoreError::AlreadyInitialized {
                dir: dir.to_path_buf(),
            });
        }
        remove_stale_partials(dir);

        // Derive first: if this fails, nothing is written.
        let key = DataKey::generate()?;
        let wrapped = crypto::wrap_off_thread(&key, passphrase, params).await?;

        let partial = dir.join(format!(
            "{PARTIAL_PREFIX}{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let published = match build(&partial, &wrapped).await {
            Ok(()) => publish(&partial, &path, dir),
            Err(e) => Err(e),
        };
        remove_partial(&partial);
        published?;

        let pool = pool_for(&path).await?;
        let own = own_connection(&path).await?;
        let file = file_identity(&path);
        Ok((
            Self {
                pool,
                own,
                path,
                file,
            },
            Vault { key },
        ))
    }

    /// Opens an existing store. Checks that the file is an amends database this version can read
    /// before anything is written to it.
    pub async fn open(dir: &Path) -> Result<Self> {
        let path = Self::db_path(dir);
        if !path.exists() {
            return Err(StoreError::NotInitialized {
                dir: dir.to_path_buf(),
            });
        }
        check_header(&path)?;

        // Validate over one connection before running any migration, so a foreign SQLite file
        // that happens to sit here is read but never modified.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect_options(&path))
            .await
            .map_err(|e| classify(e, &path))?;
        let checked = validate(&pool, &path).await;
        pool.close().await;
        let pending = checked?;
        // An amends store: make it private (issue 14, defect 8), before the pool's connections
        // create the WAL and shared-memory files, which take the database's permissions.
        tighten(dir);

        let pool = pool_for(&path).await?;
        if pending {
            MIGRATOR
                .run(&pool)
                .await
                .map_err(|e| migrate_error(e, &path))?;
        }
        let own = own_connection(&path).await?;
        let file = file_identity(&path);
        Ok(Self {
            pool,
            own,
            path,
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the database file is still the one this store opened. False once it has been
    /// deleted (`amends wipe` from another process) or replaced: whoever holds this store must
    /// stop using it, or it would go on writing to, and reading from, a file nobody can see
    /// (issue 14, defect 7).
    pub fn still_on_disk(&self) -> bool {
        self.file.is_some() && file_identity(&self.path) == self.file
    }

    /// Flushes the WAL into the main file and closes every connection.
    pub async fn close(self) {
        if let Some(own) = self.own.lock().await.take() {
            let _ = own.close().await;
        }
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }

    /// `PRAGMA integrity_check`, for tests and `amends doctor`-style checks.
    pub async fn integrity_check(&self) -> Result<String> {
        let row = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<String, _>(0)?)
    }

    /// Deletes the store's files in `dir`. The directory itself is removed only if nothing else
    /// is left in it, so a data dir shared with other files is never emptied.
    pub fn wipe(dir: &Path) -> Result<Vec<PathBuf>> {
        let mut removed = Vec::new();
        for name in [
            DB_FILE.to_string(),
            format!("{DB_FILE}-wal"),
            format!("{DB_FILE}-shm"),
        ] {
            let p = dir.join(&name);
            match std::fs::remove_file(&p) {
                Ok(()) => removed.push(p),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(not_writable(dir, &e)),
            }
        }
        // What a killed `amends init` left: it holds a wrapped key too.
        for p in partials(dir) {
            match std::fs::remove_file(&p) {
                Ok(()) => removed.push(p),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(not_writable(dir, &e)),
            }
        }
        let _ = std::fs::remove_dir(dir);
        Ok(removed)
    }

    async fn wrapped_key(&self) -> Result<WrappedKey> {
        let row = sqlx::query(
            "SELECT m_cost_kib, t_cost, p_cost, salt, wrapped_key, format FROM keyring WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| classify(e, &self.path))?
        .ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            detail: "the key record is missing".into(),
        })?;
        let param = |name: &str| -> Result<u32> {
            let v: i64 = row.try_get(name)?;
            u32::try_from(v).map_err(|_| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("the key record has an impossible {name}"),
            })
        };
        Ok(WrappedKey {
            params: KdfParams {
                m_cost_kib: param("m_cost_kib")?,
                t_cost: param("t_cost")?,
                p_cost: param("p_cost")?,
            },
            salt: row.try_get("salt")?,
            blob: row.try_get("wrapped_key")?,
            format: u8::try_from(row.try_get::<i64, _>("format")?).map_err(|_| {
                StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: "the key record has an impossible format".into(),
                }
            })?,
        })
    }

    /// Gives the events of a store written before the chain existed their places and tags, and
    /// the cases their heads, then marks the store as chained in the wrapped key (which needs
    /// the passphrase, so it happens on the first unlock). One transaction: a crash leaves the
    /// store as it was, and another process doing the same waits, then finds it done.
    async fn chain_old_events(
        &self,
        vault: &Vault,
        passphrase: &Passphrase,
        old: &WrappedKey,
    ) -> Result<()> {
        let rewrapped = crypto::wrap_off_thread(&vault.key, passphrase, old.params).await?;
        let db = |e| classify(e, &self.path);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let format: i64 = sqlx::query_scalar("SELECT format FROM keyring WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        if format >= i64::from(CHAINED) {
            tx.commit().await.map_err(db)?;
            return Ok(());
        }
        let cases: Vec<String> = sqlx::query_scalar("SELECT id FROM cases ORDER BY seq")
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let mut chained = 0usize;
        for case in &cases {
            let rows = sqlx::query(
                "SELECT seq, id, kind, occurred_at, recorded_at, supersedes FROM events
                 WHERE case_id = ? ORDER BY seq",
            )
            .bind(case)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
            let mut prev = GENESIS;
            let mut position: i64 = 0;
            for row in &rows {
                let (id, kind): (String, String) = (row.try_get("id")?, row.try_get("kind")?);
                let occurred_at: String = row.try_get("occurred_at")?;
                let recorded_at: String = row.try_get("recorded_at")?;
                let supersedes: Option<String> = row.try_get("supersedes")?;
                let (row_tag, tag) = chain::tags(
                    &vault.key,
                    &Meta {
                        case_id: case,
                        position,
                        id: &id,
                        kind: &kind,
                        occurred_at: &occurred_at,
                        recorded_at: &recorded_at,
                        supersedes: supersedes.as_deref(),
                    },
                    &prev,
                );
                sqlx::query(
                    "UPDATE events SET position = ?, row_tag = ?, chain_tag = ? WHERE seq = ?",
                )
                .bind(position)
                .bind(&row_tag[..])
                .bind(&tag[..])
                .bind(row.try_get::<i64, _>("seq")?)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                prev = tag;
                position += 1;
            }
            chained += rows.len();
            set_head(&mut tx, &vault.key, case, position, &prev)
                .await
                .map_err(db)?;
        }
        sqlx::query(
            "UPDATE keyring SET format = ?, salt = ?, wrapped_key = ?, updated_at = ? WHERE id = 1",
        )
        .bind(i64::from(rewrapped.format))
        .bind(&rewrapped.salt)
        .bind(&rewrapped.blob)
        .bind(Timestamp::now().to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::info!(
            cases = cases.len(),
            events = chained,
            "chained the events of a store written before the tamper-evident log"
        );
        Ok(())
    }

    fn decode_event(&self, vault: &Vault, row: &sqlx::sqlite::SqliteRow) -> Result<StoredEvent> {
        let id: String = row.try_get("id")?;
        let case_id: String = row.try_get("case_id")?;
        let kind: String = row.try_get("kind")?;
        let blob: Vec<u8> = row.try_get("payload")?;
        let payload = vault
            .key
            .open(&event_aad(&case_id, &id, &kind), &blob)
            .map_err(|_| StoreError::Integrity {
                what: format!("event {id}"),
            })?;
        Ok(StoredEvent {
            occurred_at: parse_ts(row.try_get("occurred_at")?)?,
            recorded_at: parse_ts(row.try_get("recorded_at")?)?,
            supersedes: row.try_get::<Option<String>, _>("supersedes")?.map(EventId),
            id: EventId(id),
            case_id: CaseId(case_id),
            kind,
            payload,
        })
    }
}

impl Store for SqliteStore {
    async fn unlock(&self, passphrase: &Passphrase) -> Result<Vault> {
        let wrapped = self.wrapped_key().await?;
        let key = crypto::unwrap_off_thread(&wrapped, passphrase).await?;
        let vault = Vault { key };
        if wrapped.format < CHAINED {
            self.chain_old_events(&vault, passphrase, &wrapped).await?;
        }
        Ok(vault)
    }

    async fn change_passphrase(&self, vault: &Vault, new: &Passphrase) -> Result<()> {
        let params = self.wrapped_key().await?.params.max(KdfParams::DEFAULT);
        let wrapped = crypto::wrap_off_thread(&vault.key, new, params).await?;
        // One statement, so the old and new wrapping can never both be half-written.
        sqlx::query(
            "UPDATE keyring SET m_cost_kib = ?, t_cost = ?, p_cost = ?, salt = ?, wrapped_key = ?,
                    updated_at = ?, format = ? WHERE id = 1",
        )
        .bind(i64::from(wrapped.params.m_cost_kib))
        .bind(i64::from(wrapped.params.t_cost))
        .bind(i64::from(wrapped.params.p_cost))
        .bind(&wrapped.salt)
        .bind(&wrapped.blob)
        .bind(Timestamp::now().to_string())
        .bind(i64::from(wrapped.format))
        .execute(&self.pool)
        .await
        .map_err(|e| classify(e, &self.path))?;
        Ok(())
    }

    async fn create_case(
        &self,
        vault: &Vault,
        relationship: &str,
        name: &str,
    ) -> Result<CaseRecord> {
        let id = uuid::Uuid::new_v4().to_string();
        let created_at = Timestamp::now();
        let sealed = vault.key.seal(&case_name_aad(&id), name.as_bytes())?;
        let db = |e| classify(e, &self.path);
        // The case and its empty chain land together.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let row = sqlx::query(
            "INSERT INTO cases (id, relationship, name, created_at) VALUES (?, ?, ?, ?) RETURNING seq",
        )
        .bind(&id)
        .bind(relationship)
        .bind(sealed)
        .bind(created_at.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        set_head(&mut tx, &vault.key, &id, 0, &GENESIS)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(CaseRecord {
            id: CaseId(id),
            number: row.try_get("seq")?,
            relationship: relationship.to_string(),
            name: name.to_string(),
            created_at,
        })
    }

    async fn cases(&self, vault: &Vault) -> Result<Vec<CaseRecord>> {
        let rows =
            sqlx::query("SELECT seq, id, relationship, name, created_at FROM cases ORDER BY seq")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| classify(e, &self.path))?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let blob: Vec<u8> = row.try_get("name")?;
                let name = vault.key.open(&case_name_aad(&id), &blob).map_err(|_| {
                    StoreError::Integrity {
                        what: format!("the name of case {id}"),
                    }
                })?;
                Ok(CaseRecord {
                    number: row.try_get("seq")?,
                    relationship: row.try_get("relationship")?,
                    name: String::from_utf8_lossy(&name).into_owned(),
                    created_at: parse_ts(row.try_get("created_at")?)?,
                    id: CaseId(id),
                })
            })
            .collect()
    }

    async fn append_after(
        &self,
        vault: &Vault,
        case: &CaseId,
        event: NewEvent,
        known: Option<Version>,
    ) -> Result<Appended> {
        if event.payload.len() > MAX_PAYLOAD_BYTES {
            return Err(StoreError::TooLarge {
                size: event.payload.len(),
                limit: MAX_PAYLOAD_BYTES,
            });
        }
        let id = uuid::Uuid::new_v4().to_string();
        let sealed = vault
            .key
            .seal(&event_aad(&case.0, &id, &event.kind), &event.payload)?;
        let db = |e| classify(e, &self.path);
        // Through the store's own connection (see `own`), so this commit leaves the version
        // as it was and a caller's kept history stays good with the new event added.
        let mut own = self.own.lock().await;
        let conn = own.as_mut().ok_or_else(closed)?;
        // One IMMEDIATE transaction: read the case's head, add the event chained to it, move
        // the head on. It lands whole or not at all, and a second process waits on the busy
        // timeout instead of chaining to the same head.
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        // Holding the write lock, nobody else can commit until this transaction ends: the
        // version read here is the one the new event follows.
        let before = data_version(&mut tx).await.map_err(db)?;
        let head = sqlx::query("SELECT count, last_tag FROM chain_heads WHERE case_id = ?")
            .bind(&case.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let (position, prev): (i64, Vec<u8>) = match head {
            Some(row) => (row.try_get("count")?, row.try_get("last_tag")?),
            None => (0, GENESIS.to_vec()),
        };
        let occurred_at = event.occurred_at.to_string();
        let recorded_at = Timestamp::now().to_string();
        let supersedes = event.supersedes.as_ref().map(|e| e.0.clone());
        let (row_tag, tag) = chain::tags(
            &vault.key,
            &Meta {
                case_id: &case.0,
                position,
                id: &id,
                kind: &event.kind,
                occurred_at: &occurred_at,
                recorded_at: &recorded_at,
                supersedes: supersedes.as_deref(),
            },
            &prev,
        );
        sqlx::query(
            "INSERT INTO events (id, case_id, kind, occurred_at, recorded_at, supersedes, payload,
                                 position, row_tag, chain_tag)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&case.0)
        .bind(&event.kind)
        .bind(&occurred_at)
        .bind(&recorded_at)
        .bind(&supersedes)
        .bind(sealed)
        .bind(position)
        .bind(&row_tag[..])
        .bind(&tag[..])
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref d) if d.is_foreign_key_violation() => match &event.supersedes
            {
                Some(s) => StoreError::UnknownEvent(format!("{s} (or case {case})")),
                None => StoreError::UnknownCase(case.0.clone()),
            },
            other => classify(other, &self.path),
        })?;
        set_head(&mut tx, &vault.key, &case.0, position + 1, &tag)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        // The event as reading it back gives it: the dates parsed from what was stored.
        let event = StoredEvent {
            occurred_at: parse_ts(occurred_at)?,
            recorded_at: parse_ts(recorded_at)?,
            supersedes: event.supersedes,
            id: EventId(id),
            case_id: case.clone(),
            kind: event.kind,
            payload: event.payload,
        };
        Ok(Appended {
            event,
            // This connection's own commit leaves its data_version as it was.
            after: known.filter(|k| *k == before),
        })
    }

    async fn version(&self) -> Result<Option<Version>> {
        let mut own = self.own.lock().await;
        let conn = own.as_mut().ok_or_else(closed)?;
        let v = data_version(conn)
            .await
            .map_err(|e| classify(e, &self.path))?;
        Ok(Some(v))
    }

    async fn case_log(&self, vault: &Vault, case: &CaseId) -> Result<CaseLog> {
        let rows = sqlx::query(
            "SELECT id, case_id, kind, occurred_at, recorded_at, supersedes, payload, position,
                    row_tag, chain_tag
             FROM events WHERE case_id = ? ORDER BY seq",
        )
        .bind(&case.0)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| classify(e, &self.path))?;
        let head = sqlx::query("SELECT count, last_tag, tag FROM chain_heads WHERE case_id = ?")
            .bind(&case.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| classify(e, &self.path))?
            .map(|row| -> Result<Head> {
                Ok(Head {
                    count: row.try_get("count")?,
                    last_tag: row.try_get("last_tag")?,
                    tag: row.try_get("tag")?,
                })
            })
            .transpose()?;
        let stored: Vec<ChainRow> = rows.iter().map(ChainRow::read).collect::<Result<_>>()?;
        let links: Vec<Link<'_>> = stored.iter().map(|r| r.link(&case.0)).collect();
        let (intact, mut damage) = chain::verify(&vault.key, &case.0, &links, head.as_ref());
        let mut events = Vec::with_capacity(rows.len());
        let mut rows_damage = Vec::new();
        for ((row, stored), intact) in rows.iter().zip(&stored).zip(intact) {
            let opened = match self.decode_event(vault, row) {
                Ok(ev) => Some(ev),
                Err(StoreError::Integrity { .. } | StoreError::BadTimestamp(_)) => None,
                Err(other) => return Err(other),
            };
            match (intact, opened) {
                (true, Some(ev)) => events.push(ev),
                (true, None) => rows_damage.push(Damage::Unreadable {
                    id: EventId(stored.id.clone()),
                    kind: stored.kind.clone(),
                    occurred_at: stored.occurred_at.clone(),
                }),
                (false, readable) => rows_damage.push(Damage::Altered {
                    id: EventId(stored.id.clone()),
                    kind: stored.kind.clone(),
                    occurred_at: stored.occurred_at.clone(),
                    readable: readable.map(Box::new),
                }),
            }
        }
        rows_damage.append(&mut damage);
        Ok(CaseLog {
            events,
            damage: rows_damage,
        })
    }

    async fn event(&self, vault: &Vault, id: &EventId) -> Result<StoredEvent> {
        let row = sqlx::query(
            "SELECT id, case_id, kind, occurred_at, recorded_at, supersedes, payload, position,
                    row_tag, chain_tag
             FROM events WHERE id = ?",
        )
        .bind(&id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| classify(e, &self.path))?
        .ok_or_else(|| StoreError::UnknownEvent(id.0.clone()))?;
        // The row's own tag: its kind, dates and place are what amends wrote. (Rows removed
        // around it show when the whole case is read.)
        let stored = ChainRow::read(&row)?;
        let case_id: String = row.try_get("case_id")?;
        let link = stored.link(&case_id);
        let intact = link
            .tags
            .is_some_and(|(tag, _)| crypto::same_tag(&chain::row_tag(&vault.key, &link.meta), tag));
        if !intact {
            return Err(StoreError::Integrity {
                what: format!("event {}", id.0),
            });
        }
        self.decode_event(vault, &row)
    }

    async fn setting(&self, vault: &Vault, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.settings(vault, &[key]).await?.pop().flatten())
    }

    async fn settings(&self, vault: &Vault, keys: &[&str]) -> Result<Vec<Option<Vec<u8>>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // One statement, so the values are read as of one moment.
        let mut query = sqlx::QueryBuilder::new("SELECT key, value FROM settings WHERE key IN (");
        let mut list = query.separated(", ");
        for key in keys {
            list.push_bind(*key);
        }
        query.push(")");
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| classify(e, &self.path))?;
        let mut sealed: HashMap<String, Vec<u8>> = HashMap::with_capacity(rows.len());
        for row in rows {
            sealed.insert(row.try_get("key")?, row.try_get("value")?);
        }
        keys.iter()
            .map(|key| {
                let Some(blob) = sealed.get(*key) else {
                    return Ok(None);
                };
                let value =
                    vault
                        .key
                        .open(&setting_aad(key), blob)
                        .map_err(|_| StoreError::Integrity {
                            what: format!("setting {key}"),
                        })?;
                Ok(Some(value))
            })
            .collect()
    }

    async fn set_setting(&self, vault: &Vault, key: &str, value: &[u8]) -> Result<()> {
        let sealed = vault.key.seal(&setting_aad(key), value)?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(sealed)
        .bind(Timestamp::now().to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| classify(e, &self.path))?;
        Ok(())
    }
}

/// The columns of an event row the chain covers, read once.
struct ChainRow {
    id: String,
    kind: String,
    occurred_at: String,
    recorded_at: String,
    supersedes: Option<String>,
    position: Option<i64>,
    row_tag: Option<Vec<u8>>,
    chain_tag: Option<Vec<u8>>,
}

impl ChainRow {
    fn read(row: &sqlx::sqlite::SqliteRow) -> Result<Self> {
        Ok(Self {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            occurred_at: row.try_get("occurred_at")?,
            recorded_at: row.try_get("recorded_at")?,
            supersedes: row.try_get("supersedes")?,
            position: row.try_get("position")?,
            row_tag: row.try_get("row_tag")?,
            chain_tag: row.try_get("chain_tag")?,
        })
    }

    fn link<'a>(&'a self, case_id: &'a str) -> Link<'a> {
        Link {
            meta: Meta {
                case_id,
                position: self.position.unwrap_or(-1),
                id: &self.id,
                kind: &self.kind,
                occurred_at: &self.occurred_at,
                recorded_at: &self.recorded_at,
                supersedes: self.supersedes.as_deref(),
            },
            tags: match (self.position, &self.row_tag, &self.chain_tag) {
                (Some(_), Some(row), Some(chain)) => Some((row.as_slice(), chain.as_slice())),
                _ => None,
            },
        }
    }
}

/// Sets a case's head: how many events it has and the newest tag, under a tag of its own.
async fn set_head(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    key: &DataKey,
    case_id: &str,
    count: i64,
    last_tag: &[u8],
) -> std::result::Result<(), sqlx::Error> {
    let tag = chain::head_tag(key, case_id, count, last_tag);
    sqlx::query(
        "INSERT INTO chain_heads (case_id, count, last_tag, tag) VALUES (?, ?, ?, ?)
         ON CONFLICT(case_id) DO UPDATE SET
             count = excluded.count, last_tag = excluded.last_tag, tag = excluded.tag",
    )
    .bind(case_id)
    .bind(count)
    .bind(last_tag)
    .bind(&tag[..])
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl PartialOrd for KdfParams {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KdfParams {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.m_cost_kib, self.t_cost, self.p_cost).cmp(&(
            other.m_cost_kib,
            other.t_cost,
            other.p_cost,
        ))
    }
}

/// The store's own connection (see `SqliteStore::own`).
async fn own_connection(path: &Path) -> Result<Arc<tokio::sync::Mutex<Option<SqliteConnection>>>> {
    let conn = connect_options(path)
        .connect()
        .await
        .map_err(|e| classify(e, path))?;
    Ok(Arc::new(tokio::sync::Mutex::new(Some(conn))))
}

/// `PRAGMA data_version` of one connection: it changes when another connection commits.
async fn data_version(conn: &mut SqliteConnection) -> std::result::Result<Version, sqlx::Error> {
    let v: i64 = sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(conn)
        .await?;
    Ok(Version(v))
}

/// A store used after `close` (through a clone kept past it): what its closed pool says too.
fn closed() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        // FULL: a journal that says it kept an entry must still have it after a power cut.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
}

async fn pool(opts: SqliteConnectOptions) -> std::result::Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(opts)
        .await
}

async fn pool_for(path: &Path) -> Result<SqlitePool> {
    pool(connect_options(path))
        .await
        .map_err(|e| classify(e, path))
}

/// The first column of every row a query returns, for the checks made before the file is
/// trusted; a failure is classified against the file (`path`) like any other open error.
async fn first_column<T>(pool: &SqlitePool, path: &Path, sql: &'static str) -> Result<Vec<T>>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    let rows = sqlx::query(sql)
        .fetch_all(pool)
        .await
        .map_err(|e| classify(e, path))?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<T, _>(0))
        .collect::<std::result::Result<_, _>>()?)
}

/// Returns whether migrations are pending. Errors if this is not an amends database or is from
/// a newer version.
async fn validate(pool: &SqlitePool, path: &Path) -> Result<bool> {
    let corrupt = |detail: &str| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    let check: String = sqlx::query("PRAGMA quick_check")
        .fetch_one(pool)
        .await
        .map_err(|e| classify(e, path))?
        .try_get(0)?;
    if check != "ok" {
        return Err(corrupt("SQLite's consistency check failed"));
    }
    const TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table'";
    let tables: Vec<String> = first_column(pool, path, TABLES).await?;
    if tables.is_empty() {
        // What an `amends init` killed halfway left, before init was made atomic.
        return Err(corrupt(
            "it is empty: an earlier `amends init` was interrupted before it finished",
        ));
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") || !tables.iter().any(|t| t == "keyring") {
        return Err(corrupt("it is an SQLite file, but not one amends wrote"));
    }
    const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success = 1";
    let applied: Vec<i64> = first_column(pool, path, APPLIED).await?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let found = applied.iter().copied().max().unwrap_or(0);
    if found > known {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    Ok(MIGRATOR.iter().any(|m| !applied.contains(&m.version)))
}

fn check_header(path: &Path) -> Result<()> {
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    match read {
        Ok(()) if &header == b"SQLite format 3\0" => Ok(()),
        Ok(()) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "it does not start like an SQLite database".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "the file is too short to be a database".into(),
        }),
        Err(e) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
    }
}

/// The name a new database is built under before it is linked into place (see `create`).
const PARTIAL_PREFIX: &str = ".amends.db.init-";
/// The file that checks a folder is writable.
const PROBE_PREFIX: &str = ".amends-write-test-";

/// Builds a complete store (schema and key record) in `partial`, a file of its own.
async fn build(partial: &Path, wrapped: &WrappedKey) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = partial.parent().unwrap_or(partial);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(partial)
        .map_err(|e| not_writable(dir, &e))?;
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(connect_options(partial))
        .await
        .map_err(|e| classify(e, partial))?;
    let result: Result<()> = async {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| migrate_error(e, partial))?;
        let now = Timestamp::now().to_string();
        sqlx::query(
            "INSERT INTO keyring (id, kdf, m_cost_kib, t_cost, p_cost, salt, wrapped_key, created_at, updated_at, format)
             VALUES (1, 'argon2id', ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(i64::from(wrapped.params.m_cost_kib))
        .bind(i64::from(wrapped.params.t_cost))
        .bind(i64::from(wrapped.params.p_cost))
        .bind(&wrapped.salt)
        .bind(&wrapped.blob)
        .bind(&now)
        .bind(&now)
        .bind(i64::from(wrapped.format))
        .execute(&pool)
        .await
        .map_err(|e| classify(e, partial))?;
        // WAL is a property of the file: set once here, where nothing else can have it open,
        // never on later opens, because switching needs an exclusive lock that the busy timeout
        // cannot wait for.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await
            .map_err(|e| classify(e, partial))?;
        Ok(())
    }
    .await;
    // Closing the last connection checkpoints the WAL into the file and removes it.
    pool.close().await;
    result?;
    if sidecar(partial, "-wal").exists() {
        return Err(StoreError::NotWritable {
            dir: dir.to_path_buf(),
            detail: "the new database could not be finished (its journal was left behind)".into(),
        });
    }
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| not_writable(dir, &e))?;
    Ok(())
}

/// Puts the finished `partial` in place as `path`, atomically and never over a store made
/// meanwhile by another `amends init`.
fn publish(partial: &Path, path: &Path, dir: &Path) -> Result<()> {
    let taken = || StoreError::AlreadyInitialized {
        dir: dir.to_path_buf(),
    };
    match std::fs::hard_link(partial, path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(taken()),
        // A file system without hard links (FAT on a USB stick): rename is atomic too, but
        // would replace a store made in the moment between the look and the rename.
        Err(_) => {
            if path.exists() {
                return Err(taken());
            }
            std::fs::rename(partial, path).map_err(|e| not_writable(dir, &e))?;
        }
    }
    // The new name must survive a power cut too.
    let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    Ok(())
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a partial database and whatever SQLite kept next to it.
fn remove_partial(partial: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(partial, suffix));
    }
}

/// What a killed `amends init` can leave in `dir`: partial databases with their sidecars, and
/// the probe file of the writability check.
fn partials(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with(PARTIAL_PREFIX) || name.starts_with(PROBE_PREFIX)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Removes what a killed `amends init` left, once it is clearly not still running (a minute
/// old; an init takes a few seconds).
fn remove_stale_partials(dir: &Path) {
    for p in partials(dir) {
        let old = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(60));
        if old {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Creates the data folder, and any missing parent, readable by the user only (issue 14,
/// defect 8).
fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| not_writable(dir, &e))
}

/// Takes group and other permissions off the store's files (0600), and off the folder (0700)
/// when it holds nothing but amends' own files: a folder the user shares with other things
/// (their home, /tmp) is theirs to set, and the files are private either way. Failing to
/// is not fatal (a file owned by someone else); it is logged.
fn tighten(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let restrict = |path: &Path, keep: u32| {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o7777;
        if mode & !keep == 0 {
            return;
        }
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & keep))
        {
            tracing::warn!(path = %path.display(), error = %e, "could not make a file private");
        }
    };
    for suffix in ["", "-wal", "-shm"] {
        restrict(&sidecar(&dir.join(DB_FILE), suffix), 0o600);
    }
    let only_ours = std::fs::read_dir(dir).is_ok_and(|mut entries| {
        entries.all(|e| {
            e.is_ok_and(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(DB_FILE)
                    || name.starts_with(PARTIAL_PREFIX)
                    || name.starts_with(PROBE_PREFIX)
            })
        })
    });
    if only_ours {
        restrict(dir, 0o700);
    }
}

fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!("{PROBE_PREFIX}{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| not_writable(dir, &e))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn not_writable(dir: &Path, e: &std::io::Error) -> StoreError {
    StoreError::NotWritable {
        dir: dir.to_path_buf(),
        detail: e.to_string(),
    }
}

fn parse_ts(s: String) -> Result<Timestamp> {
    Timestamp::from_str(&s).map_err(|e| StoreError::BadTimestamp(format!("{s:?}: {e}")))
}

fn migrate_error(e: sqlx::migrate::MigrateError, path: &Path) -> StoreError {
    match e {
        sqlx::migrate::MigrateError::Execute(inner) => classify(inner, path),
        sqlx::migrate::MigrateError::VersionMissing(v) => StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: v,
            known: MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0),
        },
        other => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

/// Turns SQLite's result codes into errors that say what happened and what to do.
fn classify(e: sqlx::Error, path: &Path) -> StoreError {
    let dir = path.parent().unwrap_or(path).to_path_buf();
    if let sqlx::Error::Database(ref d) = e {
        let code = d.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0);
        // The low byte is the primary result code; the rest is the extended detail.
        match code & 0xff {
            11 | 26 => {
                return StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: d.message().to_string(),
                };
            }
            8 | 14 | 10 => {
                return StoreError::NotWritable {
                    dir,
                    detail: d.message().to_string(),
                };
            }
            _ => {}
        }
    }
    StoreError::Database(e)
}
