//! The tamper-evident log (issue 14, defect 6).
//!
//! A payload's seal already binds its words to its case, id and kind. The chain adds what the
//! seal does not cover. Each event's row tag is an HMAC of its case, its place in the case, its
//! id, kind and dates and the event it supersedes, so a redated or relabelled row fails on its
//! own. Its chain tag is an HMAC of its row tag and the chain tag before it, and the places run
//! 0, 1, 2 ..., so a removed or moved row shows as a gap and a broken link, without casting
//! doubt on the rows around it. Each case's head (how many events, the newest chain tag, and a
//! tag over both) shows the newest rows being removed. Nothing here touches the database.

use crate::crypto::{DataKey, TAG_LEN_CHAIN, same_tag};
use crate::{Damage, EventId};

/// The chain tag "before" a case's first event.
pub(crate) const GENESIS: [u8; TAG_LEN_CHAIN] = [0; TAG_LEN_CHAIN];

/// What a row tag covers, as the row stores it.
pub(crate) struct Meta<'a> {
    pub case_id: &'a str,
    pub position: i64,
    pub id: &'a str,
    pub kind: &'a str,
    pub occurred_at: &'a str,
    pub recorded_at: &'a str,
    pub supersedes: Option<&'a str>,
}

pub(crate) fn row_tag(key: &DataKey, m: &Meta<'_>) -> [u8; TAG_LEN_CHAIN] {
    let (has_supersedes, supersedes) = match m.supersedes {
        Some(s) => (1u8, s),
        None => (0u8, ""),
    };
    key.chain_tag(
        "amends:event-row:v1",
        &[
            m.case_id.as_bytes(),
            &m.position.to_be_bytes(),
            m.id.as_bytes(),
            m.kind.as_bytes(),
            m.occurred_at.as_bytes(),
            m.recorded_at.as_bytes(),
            &[has_supersedes],
            supersedes.as_bytes(),
        ],
    )
}

pub(crate) fn chain_tag(key: &DataKey, row_tag: &[u8], prev: &[u8]) -> [u8; TAG_LEN_CHAIN] {
    key.chain_tag("amends:event-chain:v1", &[row_tag, prev])
}

pub(crate) fn head_tag(
    key: &DataKey,
    case_id: &str,
    count: i64,
    last: &[u8],
) -> [u8; TAG_LEN_CHAIN] {
    key.chain_tag(
        "amends:chain-head:v1",
        &[case_id.as_bytes(), &count.to_be_bytes(), last],
    )
}

/// Both tags of a new row.
pub(crate) fn tags(
    key: &DataKey,
    m: &Meta<'_>,
    prev: &[u8],
) -> ([u8; TAG_LEN_CHAIN], [u8; TAG_LEN_CHAIN]) {
    let row = row_tag(key, m);
    let chain = chain_tag(key, &row, prev);
    (row, chain)
}

/// One stored row, as far as the chain is concerned.
pub(crate) struct Link<'a> {
    pub meta: Meta<'a>,
    /// `(row tag, chain tag)`; `None` when the row has no place or tags: amends did not write
    /// it.
    pub tags: Option<(&'a [u8], &'a [u8])>,
}

/// A case's head as stored.
pub(crate) struct Head {
    pub count: i64,
    pub last_tag: Vec<u8>,
    pub tag: Vec<u8>,
}

/// Walks a case's rows in the order they were recorded. Returns, for each row, whether its
/// metadata and place are what amends wrote, and every gap, broken link and head problem.
pub(crate) fn verify(
    key: &DataKey,
    case_id: &str,
    links: &[Link<'_>],
    head: Option<&Head>,
) -> (Vec<bool>, Vec<Damage>) {
    let mut intact = Vec::with_capacity(links.len());
    let mut damage = Vec::new();
    let mut prev: &[u8] = &GENESIS;
    let mut prev_intact = true;
    let mut expected: i64 = 0;
    for link in links {
        let Some((row, chain)) = link.tags else {
            intact.push(false);
            prev_intact = false;
            continue;
        };
        let position = link.meta.position;
        let genuine = same_tag(&row_tag(key, &link.meta), row);
        let gap = position > expected;
        if gap {
            damage.push(Damage::Missing {
                count: u64::try_from(position - expected).unwrap_or(u64::MAX),
                before: Some(EventId(link.meta.id.to_string())),
            });
        }
        let in_place = position >= expected;
        // A broken link with no gap and a sound row before it: something was put in or taken
        // out here that the places alone do not show.
        let linked = same_tag(&chain_tag(key, row, prev), chain);
        if !linked && !gap && prev_intact && genuine && in_place {
            damage.push(Damage::Relinked {
                at: EventId(link.meta.id.to_string()),
            });
        }
        let ok = genuine && in_place;
        intact.push(ok);
        // Go on from the row as stored, so one changed row is reported alone.
        prev = chain;
        prev_intact = ok;
        expected = expected.max(position.saturating_add(1));
    }
    match head {
        None => damage.push(Damage::HeadChanged),
        Some(h) if !same_tag(&head_tag(key, case_id, h.count, &h.last_tag), &h.tag) => {
            damage.push(Damage::HeadChanged)
        }
        Some(h) if h.count > expected => damage.push(Damage::Missing {
            count: u64::try_from(h.count - expected).unwrap_or(u64::MAX),
            before: None,
        }),
        Some(h) if h.count < expected || !same_tag(&h.last_tag, prev) => {
            damage.push(Damage::HeadChanged)
        }
        Some(_) => {}
    }
    (intact, damage)
}
