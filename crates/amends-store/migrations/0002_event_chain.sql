-- Schema v2: a tamper-evident log (issue 14). Never edit a migration once it has landed.
--
-- Each event gets its place in its case (0, 1, 2 ...) and two HMACs under a key derived from
-- the data key: a row tag over its case, place, id, kind, dates and the event it supersedes,
-- and a chain tag over its row tag and the chain tag of the event before it. A redated or
-- relabelled row fails its own tag; a removed or moved row leaves a gap in the places and a
-- broken link, and is reported as such without casting doubt on the rows around it. Each
-- case's head holds how many events it has and the newest chain tag, with a tag of its own,
-- so removing the newest rows shows too.
--
-- Rows written before this migration get their place and tag once, on the first unlock (the
-- key is needed); the keyring's format then goes from 1 to 2, and the format is bound into
-- the wrapped key, so a chained store cannot be made to look unchained again.
ALTER TABLE events ADD COLUMN position INTEGER;
ALTER TABLE events ADD COLUMN row_tag BLOB;
ALTER TABLE events ADD COLUMN chain_tag BLOB;
ALTER TABLE keyring ADD COLUMN format INTEGER NOT NULL DEFAULT 1;

CREATE TABLE chain_heads (
    case_id  TEXT    PRIMARY KEY REFERENCES cases(id),
    count    INTEGER NOT NULL,
    last_tag BLOB    NOT NULL,
    tag      BLOB    NOT NULL
);

-- Events stay append-only. The one update allowed is the one-time backfill: giving a row that
-- has no place and tags yet its place and tags, and changing nothing else.
DROP TRIGGER events_are_append_only_update;
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
WHEN NOT (
    OLD.position IS NULL AND OLD.row_tag IS NULL AND OLD.chain_tag IS NULL
    AND NEW.position IS NOT NULL AND NEW.row_tag IS NOT NULL AND NEW.chain_tag IS NOT NULL
    AND NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id
    AND NEW.kind IS OLD.kind AND NEW.occurred_at IS OLD.occurred_at
    AND NEW.recorded_at IS OLD.recorded_at AND NEW.supersedes IS OLD.supersedes
    AND NEW.payload IS OLD.payload
)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
