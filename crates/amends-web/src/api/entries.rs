//! Entries as the API shows and takes them: an event's payload in the tagged shape the JSON
//! export writes, `{"kind": "signal", "signal": "warm-reply", "note": "..."}`.
//!
//! Each kind's fields are declared once, below. The same rows check the entry of a correction
//! (naming the field at fault, `entry.note`) and describe it in the OpenAPI document; the tests
//! hold them to the core's own serde shape, so neither can drift from what is stored.

use amends_core::EventData;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::handlers as h;
use super::input::{ApiError, Field, Fields, Ty, opt, req};

/// One kind of entry and the fields it has.
pub struct EntryKind {
    pub kind: &'static str,
    pub about: &'static str,
    pub fields: &'static [Field],
}

const NOTE: Field = opt("note", Ty::Text, "a note in your own words");
const TEXT: Field = req("text", Ty::Text, "the text, in your own words");

const fn kind(kind: &'static str, about: &'static str, fields: &'static [Field]) -> EntryKind {
    EntryKind {
        kind,
        about,
        fields,
    }
}

/// Every kind the core stores, in the core's order.
pub static ENTRY_KINDS: &[EntryKind] = &[
    kind("journal", "MO-2: a private journal entry", &[TEXT]),
    kind(
        "assessment",
        "Answers to a questionnaire; a correction answers the same one",
        &[
            req("form", Ty::OneOf(h::form_ids), "the questionnaire"),
            req("answers", Ty::Object("Answers"), "question id to answer"),
        ],
    ),
    kind(
        "workbook-act",
        "DMG-1 to DMG-3: one act, its impact, their feelings, their side",
        &[
            req("act", Ty::Text, "one specific thing you did"),
            req("impact", Ty::Text, "what it did to them"),
            req("feelings", Ty::Lines, "what they likely felt, one per item"),
            req("their_shoes", Ty::Text, "how you would feel in their place"),
            opt("times", Ty::Integer, "how many times it happened"),
            opt(
                "danger",
                Ty::ListOf(h::dangers),
                "SAFE-2: dangerous harm it involved; once recorded it cannot be corrected away",
            ),
        ],
    ),
    kind("workbook-loss", "DMG-4: what they lost", &[TEXT]),
    kind(
        "workbook-why",
        "DMG-6: the need behind the act, at least two levels deep",
        &[
            opt("act", Ty::Text, "which act it is about"),
            req("chain", Ty::Lines, "why, then why you needed that, ..."),
        ],
    ),
    kind(
        "workbook-again",
        "DMG-7: could it happen again?",
        &[
            req("answer", Ty::OneOf(h::yes_no_unsure), "the answer"),
            NOTE,
        ],
    ),
    kind(
        "workbook-respect",
        "DMG-8: do you respect them?",
        &[
            req("answer", Ty::OneOf(h::yes_no_unsure), "the answer"),
            NOTE,
        ],
    ),
    kind(
        "workbook-prevention",
        "DMG-9: the plan for one behaviour",
        &[
            req("behaviour", Ty::Text, "the behaviour"),
            req("plan", Ty::Text, "what you will do differently"),
            opt("habit", Ty::Bool, "tracked as a habit (default false)"),
        ],
    ),
    kind(
        "workbook-failures",
        "DMG-10: where you failed them",
        &[TEXT],
    ),
    kind(
        "their-part",
        "C7, SAFE-10: a private note on their part; never exported, never in a draft",
        &[TEXT],
    ),
    kind(
        "contact",
        "NC-1: a contact, either way",
        &[
            req("dir", Ty::OneOf(h::directions), "who started it"),
            req("channel", Ty::OneOf(h::channels), "how"),
            NOTE,
        ],
    ),
    kind(
        "signal",
        "What they showed or said; a \"no\" (SAFE-1) cannot be corrected",
        &[req("signal", Ty::OneOf(h::signals), "the signal"), NOTE],
    ),
    kind(
        "passive",
        "A passive sign of theirs: no reply expected, no gate changes (issue 12)",
        &[req("what", Ty::OneOf(h::passives), "what they did"), NOTE],
    ),
    kind(
        "invitation",
        "SAFE-1: they got in touch and invited contact; it cannot be corrected",
        &[
            req("channel", Ty::OneOf(h::channels), "how they got in touch"),
            req("words", Ty::Text, "what they said"),
            opt("unblocked", Ty::Bool, "they unblocked you"),
            opt(
                "partner_ended",
                Ty::Bool,
                "their new relationship has ended",
            ),
        ],
    ),
    kind(
        "slip",
        "SAFE-7: a no-contact slip that was not a message",
        &[req("what", Ty::OneOf(h::slip_kinds), "what happened"), NOTE],
    ),
    kind(
        "urge",
        "NC-6: an urge, and what you did instead",
        &[
            req("intensity", Ty::Integer, "1 (faint) to 10 (overwhelming)"),
            req("instead", Ty::Text, "what you did instead"),
            NOTE,
        ],
    ),
    kind(
        "habit",
        "SI-1 to SI-9, DMG-9: a self-work entry",
        &[
            req("habit", Ty::OneOf(h::habits), "the tracker"),
            req(
                "value",
                Ty::Number,
                "hours, minutes, meals, sessions or contacts",
            ),
            NOTE,
            opt(
                "plan",
                Ty::Str,
                "the id of the prevention plan it practises",
            ),
        ],
    ),
    kind(
        "promise-made",
        "TR-3, TR-4: a promise",
        &[
            req("text", Ty::Text, "the promise"),
            opt("due", Ty::Instant, "when it is due"),
        ],
    ),
    kind(
        "promise-update",
        "TR-3: what became of a promise",
        &[
            req("promise", Ty::Str, "the id of the promise"),
            req("outcome", Ty::OneOf(h::outcomes), "what became of it"),
            opt(
                "due",
                Ty::Instant,
                "the new date, for a renegotiated promise",
            ),
            NOTE,
        ],
    ),
    kind("check-in", "TR-5: a check-in they agreed to", &[NOTE]),
    kind(
        "amends-item",
        "AM-2, SAFE-9: what they asked for",
        &[
            req("request", Ty::Text, "what they asked for, in their words"),
            req("bounds", Ty::Object("Bounds"), "your own check"),
        ],
    ),
    kind(
        "amends-update",
        "AM-2: where an amends item stands",
        &[
            req("item", Ty::Str, "the id of the amends item"),
            req("status", Ty::OneOf(h::amends_statuses), "where it stands"),
            NOTE,
        ],
    ),
    kind(
        "gesture",
        "KG-1, KG-3: a kind gesture",
        &[
            req("what", Ty::Text, "the gesture"),
            req("cost", Ty::Number, "what it cost, 0 or more"),
            opt(
                "preference",
                Ty::Text,
                "the preference of theirs it answers",
            ),
        ],
    ),
    kind(
        "draft-saved",
        "A draft kept for later",
        &[
            req("draft", Ty::OneOf(h::draft_kinds), "the kind of message"),
            TEXT,
        ],
    ),
    kind(
        "draft-sent",
        "A draft you sent yourself",
        &[
            req("draft", Ty::OneOf(h::draft_kinds), "the kind of message"),
            req("channel", Ty::OneOf(h::channels), "how you sent it"),
            opt("text", Ty::Text, "what was sent"),
        ],
    ),
    kind(
        "their-need",
        "LS-6 to LS-8: what they said they need",
        &[TEXT],
    ),
    kind(
        "their-question",
        "LS-1: a question they asked",
        &[
            req("text", Ty::Text, "the question, as they asked it"),
            req(
                "answered",
                Ty::Bool,
                "whether it has had a full, honest answer",
            ),
        ],
    ),
    kind(
        "settings",
        "Settings that tune METHOD defaults",
        &[req("settings", Ty::Object("Settings"), "the targets")],
    ),
];

pub fn kinds() -> Vec<&'static str> {
    ENTRY_KINDS.iter().map(|k| k.kind).collect()
}

/// What the export writes beside an entry; not part of it.
const METADATA: &[&str] = &["id", "at", "recorded_at", "supersedes"];

fn invalid(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(&format!("entry.{field}"), message)
}

/// The entry of a correction, checked field by field; every problem names its field.
pub fn parse(entry: &Value) -> Result<EventData, ApiError> {
    let Value::Object(map) = entry else {
        return Err(ApiError::invalid(
            "entry",
            "give the entry as a JSON object with its kind and fields",
        ));
    };
    let valid = || kinds().join(", ");
    let kind = match map.get("kind") {
        Some(Value::String(k)) => k.as_str(),
        Some(_) => return Err(invalid("kind", format!("give one of: {}", valid()))),
        None => {
            return Err(invalid(
                "kind",
                format!("this field is missing; give one of: {}", valid()),
            ));
        }
    };
    let Some(spec) = ENTRY_KINDS.iter().find(|k| k.kind == kind) else {
        return Err(invalid(
            "kind",
            format!("unknown kind {kind:?}; use one of: {}", valid()),
        ));
    };
    // Null counts as left out, as everywhere in the API.
    let fields: Map<String, Value> = map
        .iter()
        .filter(|(k, v)| *k != "kind" && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(meta) = fields.keys().find(|k| METADATA.contains(&k.as_str())) {
        return Err(invalid(
            meta,
            "an exported event's id, at, recorded_at and supersedes are not part of the entry: \
             the id goes in the path, and a corrected time beside the entry as \"at\"",
        ));
    }
    Fields::nested(
        fields.clone(),
        spec.fields,
        "entry.",
        &format!("a {kind} entry"),
    )?;
    // Stored words are spelled exactly; the core's lenient parsing is for people typing.
    for f in spec.fields {
        let words = match (f.ty, fields.get(f.name)) {
            (Ty::OneOf(values), Some(v)) => (values, vec![v]),
            (Ty::ListOf(values), Some(Value::Array(items))) => (values, items.iter().collect()),
            (Ty::Instant, Some(Value::String(s))) => {
                if s.parse::<Timestamp>().is_err() {
                    return Err(invalid(f.name, format!("give {}", Ty::Instant.expected())));
                }
                continue;
            }
            _ => continue,
        };
        let (values, given) = words;
        let known = values();
        if let Some(bad) = given
            .into_iter()
            .filter_map(Value::as_str)
            .find(|w| !known.contains(w))
        {
            return Err(invalid(
                f.name,
                format!("unknown value {bad:?}; use one of: {}", known.join(", ")),
            ));
        }
    }
    let mut tagged = fields.clone();
    tagged.insert("kind".into(), Value::String(kind.to_string()));
    let data: EventData =
        serde_json::from_value(Value::Object(tagged)).map_err(|e| ApiError::invalid("entry", e))?;
    unknown_inside(spec, &fields, &data)?;
    Ok(data)
}

/// A field given inside an object (the settings, the bounds) that the entry does not keep:
/// serde would drop it without a word, and with it what the user meant.
fn unknown_inside(
    spec: &EntryKind,
    given: &Map<String, Value>,
    data: &EventData,
) -> Result<(), ApiError> {
    let stored = serde_json::to_value(data).map_err(|e| ApiError::invalid("entry", e))?;
    for f in spec.fields {
        let (Ty::Object(name), Some(Value::Object(inner))) = (f.ty, given.get(f.name)) else {
            continue;
        };
        let Some(kept) = stored[f.name].as_object() else {
            continue;
        };
        if let Some(k) = inner
            .iter()
            .find(|(k, v)| !v.is_null() && !kept.contains_key(*k))
            .map(|(k, _)| k)
        {
            let names: Vec<&str> = kept.keys().map(String::as_str).collect();
            return Err(invalid(
                &format!("{}.{k}", f.name),
                format!(
                    "there is no such field in {name}; it takes: {}",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    /// A value of the declared type, the way a client would send it.
    fn sample(f: &Field) -> Value {
        match f.ty {
            Ty::Str => json!("an-id"),
            Ty::Text => json!("some words"),
            Ty::Number => json!(2.5),
            Ty::Integer => json!(3),
            Ty::Bool => json!(true),
            Ty::Time | Ty::Instant => json!("2024-05-03T18:30:00Z"),
            Ty::OneOf(values) => json!(values()[0]),
            Ty::ListOf(values) => json!([values()[0]]),
            Ty::Lines => json!(["a line", "another"]),
            Ty::Object("Answers") => json!({ "a_question": "an answer" }),
            Ty::Object("Bounds") => json!({ "affordable": true, "legal": true, "safe": true }),
            Ty::Object("Settings") => json!({ "meals_per_day": 3.0 }),
            Ty::Object(other) => panic!("no sample for {other}"),
        }
    }

    fn entry(k: &EntryKind, with: impl Fn(&Field) -> bool) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!(k.kind));
        for f in k.fields.iter().filter(|f| with(f)) {
            m.insert(f.name.into(), sample(f));
        }
        Value::Object(m)
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    /// The rows say what the core stores: every field, each required one required, and no
    /// field the core does not write back.
    #[test]
    fn every_kind_is_the_cores_own_shape() {
        for k in ENTRY_KINDS {
            let full = entry(k, |_| true);
            let data: EventData =
                serde_json::from_value(full.clone()).unwrap_or_else(|e| panic!("{}: {e}", k.kind));
            assert_eq!(data.kind(), k.kind);
            let back = serde_json::to_value(&data).unwrap();
            assert_eq!(keys(&back), keys(&full), "{}", k.kind);
            assert_eq!(parse(&full).unwrap(), data, "{}", k.kind);

            let minimal = entry(k, |f| f.required);
            assert!(
                serde_json::from_value::<EventData>(minimal.clone()).is_ok(),
                "{}: the optional fields are optional",
                k.kind
            );
            for f in k.fields.iter().filter(|f| f.required) {
                let mut without = minimal.clone();
                without.as_object_mut().unwrap().remove(f.name);
                assert!(
                    serde_json::from_value::<EventData>(without.clone()).is_err(),
                    "{}.{} is required by the core",
                    k.kind,
                    f.name
                );
                let e = parse(&without).unwrap_err();
                assert_eq!(e.extra["field"], format!("entry.{}", f.name));
            }
        }
    }

    /// The kinds are exactly the core's: serde lists them when it meets one it does not know.
    #[test]
    fn the_kinds_are_exactly_the_cores() {
        let err = serde_json::from_value::<EventData>(json!({ "kind": "no-such-kind" }))
            .unwrap_err()
            .to_string();
        let (_, expected) = err.split_once("expected one of").unwrap();
        let core: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        assert!(core.len() > 20, "{err}");
        assert_eq!(kinds(), core);
    }

    fn refused(entry: Value, field: &str, words: &str) {
        let e = parse(&entry).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.extra["field"], field, "{}", e.message);
        assert!(
            e.message.contains(words),
            "{:?} should contain {words:?}",
            e.message
        );
    }

    #[test]
    fn a_bad_entry_is_refused_naming_its_field() {
        refused(
            json!({ "kind": "poem" }),
            "entry.kind",
            "journal, assessment",
        );
        refused(json!({ "signal": "blocked" }), "entry.kind", "missing");
        refused(json!({ "kind": 3 }), "entry.kind", "signal");
        refused(
            json!({ "kind": "signal", "signal": "blocked", "nte": "x" }),
            "entry.nte",
            "a signal entry takes: signal, note",
        );
        refused(
            json!({ "kind": "signal", "signal": "Blocked" }),
            "entry.signal",
            "asked-no-contact",
        );
        refused(
            json!({ "kind": "urge", "intensity": "high", "instead": "ran" }),
            "entry.intensity",
            "whole number",
        );
        refused(
            json!({ "kind": "workbook-act", "act": "a", "impact": "b", "feelings": ["c"],
                    "their_shoes": "d", "danger": ["threats", "shouting"] }),
            "entry.danger",
            "physical-violence",
        );
        refused(
            json!({ "kind": "promise-made", "text": "x", "due": "next week" }),
            "entry.due",
            "RFC 3339",
        );
        refused(
            json!({ "kind": "journal", "text": "x", "id": "abc" }),
            "entry.id",
            "goes in the path",
        );
        refused(
            json!({ "kind": "journal", "text": "x", "at": "2024-05-03T18:30:00Z" }),
            "entry.at",
            "beside the entry",
        );
        refused(
            json!({ "kind": "settings", "settings": { "meals_per_dya": 3 } }),
            "entry.settings.meals_per_dya",
            "meals_per_day",
        );
        refused(
            json!({ "kind": "urge", "intensity": 300, "instead": "ran" }),
            "entry",
            "u8",
        );
        // Null is left out, as everywhere in the API.
        let data = parse(&json!({ "kind": "signal", "signal": "warm-reply", "note": null }));
        assert_eq!(
            data.unwrap(),
            EventData::Signal {
                signal: amends_core::Signal::WarmReply,
                note: None
            }
        );
    }
}
