//! What the user records. Each variant is one kind of event; its serde tag is the `kind` stored
//! next to the sealed payload, so renaming a tag is a data migration.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who the other person is to the user (GO-12: the wording adjusts to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    Partner,
    Spouse,
    Friend,
    Family,
}

impl Relationship {
    pub const ALL: [Relationship; 4] = [
        Relationship::Partner,
        Relationship::Spouse,
        Relationship::Friend,
        Relationship::Family,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Partner => "partner",
            Relationship::Spouse => "spouse",
            Relationship::Friend => "friend",
            Relationship::Family => "family",
        }
    }
}

impl std::str::FromStr for Relationship {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Relationship::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!("unknown relationship {s:?}; use one of: partner, spouse, friend, family")
            })
    }
}

/// One recorded event, as the core sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// When it happened (the user may log it late).
    pub at: Timestamp,
    /// When it was written down.
    pub recorded_at: Timestamp,
    /// The event this one corrects; the corrected event no longer counts.
    pub supersedes: Option<String>,
    pub data: EventData,
}

/// The payload of an event. The tag is the stored `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EventData {
    /// MO-2: a private journal entry. It has no send function, anywhere.
    Journal { text: String },
}

impl EventData {
    /// The stored kind, the same string serde writes as the tag.
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::Journal { .. } => "journal",
        }
    }

    /// A short heading for exports and lists.
    pub fn title(&self) -> &'static str {
        match self {
            EventData::Journal { .. } => "Journal",
        }
    }

    /// The event in plain words, for exports. May span several lines.
    pub fn describe(&self) -> String {
        match self {
            EventData::Journal { text } => text.clone(),
        }
    }

    /// SAFE-10: private notes about the other person never leave the store, not even in an
    /// export the user asks for.
    pub fn exportable(&self) -> bool {
        match self {
            EventData::Journal { .. } => true,
        }
    }
}

/// Drops every event that a later event supersedes, keeping order.
pub fn effective(events: &[Event]) -> Vec<&Event> {
    let superseded: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| e.supersedes.as_deref())
        .collect();
    events
        .iter()
        .filter(|e| !superseded.contains(e.id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_matches_the_serde_tag() {
        let data = EventData::Journal { text: "x".into() };
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["kind"], data.kind());
    }

    #[test]
    fn superseded_events_drop_out() {
        let t = Timestamp::UNIX_EPOCH;
        let ev = |id: &str, sup: Option<&str>| Event {
            id: id.into(),
            at: t,
            recorded_at: t,
            supersedes: sup.map(Into::into),
            data: EventData::Journal { text: id.into() },
        };
        let events = vec![ev("a", None), ev("b", None), ev("c", Some("a"))];
        let ids: Vec<_> = effective(&events).iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn relationships_parse_and_list_the_valid_ones_on_error() {
        assert_eq!(
            "Spouse".parse::<Relationship>().unwrap(),
            Relationship::Spouse
        );
        let err = "cousin".parse::<Relationship>().unwrap_err();
        assert!(err.contains("partner, spouse, friend, family"));
    }
}
