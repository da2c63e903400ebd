-- Schema v1. Never edit a migration once it has landed: add a new one.

-- The data key, wrapped by a key derived from the passphrase. One row only.
CREATE TABLE keyring (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    kdf         TEXT    NOT NULL CHECK (kdf = 'argon2id'),
    m_cost_kib  INTEGER NOT NULL,
    t_cost      INTEGER NOT NULL,
    p_cost      INTEGER NOT NULL,
    salt        BLOB    NOT NULL,
    wrapped_key BLOB    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- One relationship. The other person's name is sealed.
CREATE TABLE cases (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    relationship TEXT    NOT NULL,
    name         BLOB    NOT NULL,
    created_at   TEXT    NOT NULL
);

-- The append-only history of a case. Every payload is sealed; its associated data binds it to
-- (case_id, id, kind), so a row moved to another case or relabelled fails to open.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    case_id     TEXT    NOT NULL REFERENCES cases(id),
    kind        TEXT    NOT NULL,
    occurred_at TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    supersedes  TEXT    REFERENCES events(id),
    payload     BLOB    NOT NULL
);
CREATE INDEX events_by_case ON events(case_id, seq);

-- A correction is a new event that supersedes an old one; history is never rewritten.
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- Settings that belong to the whole store (time zone, crisis numbers ...). Values are sealed.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
