//! The OpenAPI 3.1 document of the API, generated from [`super::ops`] (paths, parameters,
//! request bodies, security, answers) and the schemas written out below (what comes back).

use std::sync::LazyLock;

use axum::Json;
use serde_json::{Map, Value, json};

use super::input::{Field, Ty};
use super::{Access, Op, Out, PREFIX, Verb, ops, path_values};

static DOCUMENT: LazyLock<Value> = LazyLock::new(document);

pub async fn serve() -> Json<Value> {
    Json(DOCUMENT.clone())
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in ops() {
        let item = paths
            .entry(format!("{PREFIX}{}", op.path))
            .or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(op.verb.as_str().to_string(), operation(&op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "amends local API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of the local amends app: the same use cases as its \
                pages. It answers on 127.0.0.1 only. Set up with POST /api/v1/setup on first \
                run, later unlock with POST /api/v1/unlock: both set the session cookie and \
                return csrf_token; send that token in X-CSRF-Token on every POST and PUT \
                (except /setup, /unlock and /check) along with the cookies. Bodies \
                are JSON (Content-Type: application/json), at most 1 MiB of text each. Every \
                error is {\"error\": code, \"message\": plain words}, with \"field\" when one \
                field is to blame. Times are RFC 3339; where you give one, a plain date \
                (YYYY-MM-DD), \"today\" or \"yesterday\" also work, in your time zone.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "servers": [ { "url": "/" } ],
        "tags": tags(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey", "in": "cookie", "name": "amends_session",
                    "description": "Set by POST /api/v1/unlock (HttpOnly, SameSite=Strict)."
                },
                "csrf": {
                    "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "The csrf_token of the current session: POST \
                        /api/v1/unlock and /api/v1/setup return it (and set the amends_csrf \
                        cookie to it). It is derived from the session, so a new one comes with \
                        every unlock and passphrase change."
                }
            },
            "schemas": schemas(),
        }
    })
}

fn tags() -> Value {
    let mut seen: Vec<&str> = Vec::new();
    for op in ops() {
        if !seen.contains(&op.meta.tag) {
            seen.push(op.meta.tag);
        }
    }
    Value::Array(seen.into_iter().map(|t| json!({ "name": t })).collect())
}

fn field_schema(f: &Field) -> Value {
    let mut s = match f.ty {
        Ty::Str => json!({ "type": "string" }),
        Ty::Text => json!({ "type": "string", "description": "" }),
        Ty::Number => json!({ "type": "number" }),
        Ty::Integer => json!({ "type": "integer" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Time => json!({
            "type": "string",
            "examples": ["2024-05-03", "today", "yesterday", "2024-05-03T18:30:00+02:00"]
        }),
        Ty::Instant => json!({ "type": "string", "format": "date-time" }),
        Ty::Lines => json!({ "type": "array", "items": { "type": "string" } }),
        Ty::OneOf(values) => json!({ "type": "string", "enum": values() }),
        Ty::ListOf(values) => json!({
            "type": "array", "items": { "type": "string", "enum": values() }
        }),
        Ty::Object(name) => json!({ "$ref": format!("#/components/schemas/{name}") }),
    };
    let about = match f.ty {
        Ty::Text => format!("{}. Up to 1 MiB of UTF-8.", f.about),
        _ => f.about.to_string(),
    };
    if let Value::Object(m) = &mut s {
        m.insert("description".into(), json!(about));
    }
    s
}

fn object_schema(fields: &[Field]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.to_string(), field_schema(f)))
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The `{name}` segments of a path.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn status_text(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Recorded",
        400 => "The body or query is not valid JSON or cannot be read; the message says where",
        401 => "Locked (error \"locked\"), or the passphrase is wrong (\"wrong-passphrase\")",
        403 => "The CSRF token is missing or does not match (error \"csrf\")",
        404 => "No such id, kind or form (error \"not-found\"); the message lists the valid ones",
        409 => {
            "Not possible in the current state: no case yet (\"no-case\"), not set up \
                (\"not-initialised\"), set up already (\"already-set-up\"), not sendable \
                (\"not-sendable\", with reasons) or refused by a rule of the method \
                (\"refused\"); the message says which and why"
        }
        413 => "Over the limit, which the message states (error \"too-large\")",
        415 => "The body is not sent as application/json",
        422 => "A field is missing, unknown or unusable (error \"invalid\", with field)",
        429 => {
            "Too many wrong passphrases in a row (error \"too-many-attempts\", with \
                retry_after_seconds); nothing was tried"
        }
        _ => "Error",
    }
}

fn operation(op: &Op) -> Value {
    let m = &op.meta;
    let csrf = op.verb != Verb::Get && !m.csrf_exempt;

    let mut parameters: Vec<Value> = path_params(op.path)
        .into_iter()
        .map(|name| {
            let mut schema = json!({ "type": "string" });
            if let Some(values) = path_values(name) {
                schema["enum"] = json!(values);
            }
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect();
    parameters.extend(m.query.iter().map(|f| {
        json!({
            "name": f.name, "in": "query", "required": f.required,
            "description": f.about, "schema": field_schema(f),
        })
    }));

    let mut errors: Vec<u16> = m.errors.to_vec();
    if m.access == Access::Session {
        errors.push(401);
    }
    if csrf {
        errors.push(403);
    }
    if m.body.is_some() {
        errors.extend([400, 413, 415, 422]);
    }
    if !m.query.is_empty() {
        errors.extend([400, 422]);
    }
    errors.sort_unstable();
    errors.dedup();

    let mut responses = Map::new();
    let (status, ok) = match m.out {
        Out::Json(status, schema) => (
            status,
            json!({
                "description": status_text(status),
                "content": { "application/json": {
                    "schema": { "$ref": format!("#/components/schemas/{schema}") }
                } }
            }),
        ),
        Out::File(types, what) => {
            let content: Map<String, Value> = types
                .iter()
                .map(|t| (t.to_string(), json!({ "schema": { "type": "string" } })))
                .collect();
            (200, json!({ "description": what, "content": content }))
        }
    };
    responses.insert(status.to_string(), ok);
    for code in errors {
        responses.insert(
            code.to_string(),
            json!({
                "description": status_text(code),
                "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Error" }
                } }
            }),
        );
    }

    let security = match (m.access, csrf) {
        (Access::Public, false) => json!([]),
        (Access::Public, true) => json!([{ "csrf": [] }]),
        (Access::Either, _) => json!([{}, { "session": [] }]),
        (Access::Session, false) => json!([{ "session": [] }]),
        (Access::Session, true) => json!([{ "session": [], "csrf": [] }]),
    };
    let public = m.public();
    let mut out = json!({
        "operationId": m.id,
        "tags": [m.tag],
        "summary": m.summary,
        "security": security,
        "parameters": parameters,
        "responses": responses,
        "x-works-while-locked": public,
    });
    if !m.about.is_empty() {
        out["description"] = json!(m.about);
    }
    if let Some(fields) = m.body {
        out["requestBody"] = json!({
            "required": fields.iter().any(|f| f.required),
            "content": { "application/json": { "schema": object_schema(fields) } }
        });
    }
    out
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn arr(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

/// An object with exactly these properties; all required unless listed in `optional`.
fn closed(properties: Value, optional: &[&str]) -> Value {
    let required: Vec<&String> = properties
        .as_object()
        .map(|m| {
            m.keys()
                .filter(|k| !optional.contains(&k.as_str()))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn time_or_null() -> Value {
    json!({ "type": ["string", "null"], "format": "date-time" })
}

const PHASES: &[&str] = &[
    "intake",
    "workbook",
    "no-contact",
    "re-contact",
    "patience",
    "apology",
    "listening",
    "rebuilding",
    "walk-away",
    "move-on",
    "safety-stop",
    "support",
];

/// The report of DESIGN.md ("The check output"), exactly; `extra` adds the records answers.
fn report(extra: Option<Value>) -> Value {
    let mut properties = json!({
        "kind": { "type": "string", "enum": super::handlers::kinds() },
        "verdict": { "type": "string", "enum": ["ready", "revise", "do-not-send"] },
        "components": arr(r("Component")),
        "findings": arr(r("Finding")),
        "crisis": {
            "type": "boolean",
            "description": "Self-harm language was found (L-28, SAFE-3): pause and show the \
                crisis resources."
        },
        "findings_not_shown": {
            "type": "integer",
            "minimum": 1,
            "description": "Present when findings were left out: the answer lists at most 20 \
                findings of each rule (the verdict counts them all), excerpts of at most 200 \
                bytes and 20 spans per component."
        }
    });
    let mut optional = vec!["findings_not_shown"];
    if let (Some(Value::Object(extra)), Value::Object(p)) = (extra, &mut properties) {
        for (k, v) in extra {
            p.insert(k, v);
        }
        optional.extend(["can_mark_sent", "blocked_because"]);
    }
    closed(properties, &optional)
}

/// An entry: one object per kind, told apart by `kind`, each with exactly its fields.
fn entry_schema() -> Value {
    let variants: Vec<Value> = super::entries::ENTRY_KINDS
        .iter()
        .map(|k| {
            let mut s = object_schema(k.fields);
            s["properties"]["kind"] = json!({ "const": k.kind });
            if let Some(required) = s["required"].as_array_mut() {
                required.insert(0, json!("kind"));
            }
            s["title"] = json!(k.kind);
            s["description"] = json!(k.about);
            s
        })
        .collect();
    json!({
        "description": "An entry in the shape the JSON export writes (without the id and \
            times beside it): its kind, and that kind's fields.",
        "oneOf": variants,
        "discriminator": { "propertyName": "kind" }
    })
}

/// A JSON object from `key => value` pairs: `json!` cannot nest this deep.
macro_rules! object {
    ($($k:literal => $v:expr),* $(,)?) => {{
        let mut m = Map::new();
        $(m.insert($k.to_string(), $v);)*
        Value::Object(m)
    }};
}

fn schemas() -> Value {
    let span = json!({
        "type": "array",
        "description": "[start, end]: byte offsets into the UTF-8 text, end-exclusive, on \
            character boundaries.",
        "prefixItems": [
            { "type": "integer", "minimum": 0 },
            { "type": "integer", "minimum": 0 }
        ],
        "minItems": 2,
        "maxItems": 2,
        "items": false
    });
    let logged_note = "The outreach gate just before (only for contact you started) and now. \
        slip is true when contact you started happened while outreach was closed: it is \
        recorded all the same.";
    object! {
        "Error" => closed(json!({
            "error": { "type": "string", "description": "A stable code, e.g. invalid, locked, csrf" },
            "message": { "type": "string", "description": "What went wrong and what to do" },
            "field": { "type": "string", "description": "The field to blame, when there is one" },
            "reasons": arr(json!({ "type": "string" })),
            "verdict": { "type": "string" }
        }), &["field", "reasons", "verdict"]),
        "OpenApi" => json!({ "type": "object", "required": ["openapi", "info", "paths"] }),
        "Unlocked" => closed(json!({
            "unlocked": { "const": true },
            "csrf_token": { "type": "string", "description": "Send it back in X-CSRF-Token" }
        }), &[]),
        "Locked" => closed(json!({ "unlocked": { "const": false } }), &[]),
        "SetUp" => closed(json!({
            "unlocked": { "const": true },
            "csrf_token": { "type": "string", "description": "Send it back in X-CSRF-Token" },
            "warning": {
                "type": "string",
                "description": "Show it: a forgotten passphrase cannot be recovered"
            }
        }), &[]),
        "PassphraseChanged" => closed(json!({
            "changed": { "const": true },
            "csrf_token": {
                "type": "string",
                "description": "The new session's token: send it from now on"
            },
            "warning": {
                "type": "string",
                "description": "Show it: a forgotten passphrase cannot be recovered"
            }
        }), &[]),
        "Wiped" => closed(json!({
            "deleted": { "const": true },
            "unlocked": { "const": false }
        }), &[]),
        "Session" => closed(json!({
            "unlocked": { "type": "boolean" },
            "initialised": { "type": "boolean", "description": "A passphrase has been set" },
            "demo": { "type": "boolean" },
            "case": { "oneOf": [ r("Case"), { "type": "null" } ] }
        }), &[]),
        "Report" => report(None),
        "CheckResult" => report(Some(json!({
            "can_mark_sent": {
                "type": "boolean",
                "description": "With records: whether this draft may be logged as sent now"
            },
            "blocked_because": {
                "type": "array", "items": { "type": "string" },
                "description": "With records: why not, each with its METHOD id"
            }
        }))),
        "Component" => closed(json!({
            "id": { "type": "string", "enum": amends_lint::rules::COMPONENT_ORDER },
            "present": { "type": "boolean", "description": "True only when spans is not empty" },
            "spans": arr(span.clone())
        }), &[]),
        "Finding" => closed(json!({
            "rule": { "type": "string", "pattern": "^[a-z]+(-[a-z]+)*$" },
            "method": { "type": "string", "description": "The METHOD.md id, e.g. L-4" },
            "severity": { "type": "string", "enum": ["block", "warn", "advise"] },
            "span": span,
            "excerpt": { "type": "string" },
            "message": { "type": "string" },
            "suggestion": { "type": "string" }
        }), &[]),
        "Case" => closed(json!({
            "number": { "type": "integer" },
            "id": { "type": "string" },
            "name": { "type": "string" },
            "relationship": { "type": "string", "enum": super::handlers::relationships() },
            "created_at": time()
        }), &[]),
        "CaseList" => closed(json!({
            "cases": arr(r("Case")),
            "current": nullable("string")
        }), &[]),
        "Reason" => closed(json!({
            "method": { "type": "string" },
            "text": { "type": "string" },
            "until": time_or_null(),
            "hold": { "type": "string", "description": "The hold of the table this reason stands for (issue 12)" }
        }), &["hold"]),
        "ActiveHold" => closed(json!({
            "hold": { "type": "string" },
            "class": { "type": "string", "enum": ["stop", "pause"] },
            "method": { "type": "string" },
            "since": time_or_null(),
            "lifted_by": { "type": "string", "enum": ["never", "invitation", "invitation-unblocked", "invitation-partner-ended", "their-contact"] }
        }), &[]),
        "CapabilityState" => closed(json!({
            "capability": { "type": "string" },
            "open": { "type": "boolean" },
            "reasons": arr(r("Reason"))
        }), &[]),
        "Gate" => closed(json!({
            "id": { "type": "string", "enum": ["outreach", "composer", "ask", "gestures"] },
            "open": { "type": "boolean" },
            "reasons": arr(r("Reason")),
            "opens_at": {
                "type": ["string", "null"], "format": "date-time",
                "description": "null while open, and when a reason has no known end (SAFE-1)"
            },
            "allows": arr(json!({ "type": "string", "enum": super::handlers::draft_kinds() })),
            "limits": arr(r("Reason"))
        }), &["allows", "limits"]),
        "NextStep" => closed(json!({
            "method": { "type": "string" },
            "text": { "type": "string" },
            "action": { "type": "string", "description": "The matching CLI command" }
        }), &["action"]),
        "Slip" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "what": { "type": "string" },
            "methods": arr(json!({ "type": "string" }))
        }), &[]),
        "NoContact" => closed(json!({
            "counted_from": time_or_null(),
            "since": time_or_null(),
            "days": { "type": "integer" },
            "longest_days": { "type": "integer" },
            "target_days": nullable("integer"),
            "slips": arr(r("Slip")),
            "urges_7": { "type": "integer" },
            "urges_30": { "type": "integer" },
            "urge_intensity_30": nullable("number")
        }), &[]),
        "Plan" => closed(json!({
            "at": time(),
            "time_zone": { "type": "string" },
            "phase": { "type": "string", "enum": PHASES },
            "phase_number": { "type": "integer" },
            "phase_title": { "type": "string" },
            "path": { "type": "string", "enum": ["unknown", "harm", "no-fault", "unclear"] },
            "intake_done": { "type": "boolean" },
            "workbook": { "type": "object" },
            "gates": arr(r("Gate")),
            "holds": arr(r("ActiveHold")),
            "capabilities": arr(r("CapabilityState")),
            "no_contact": r("NoContact"),
            "self_work": { "type": "object" },
            "promises": r("Promises"),
            "amends": arr(r("AmendsEntry")),
            "gestures": r("Gestures"),
            "checkins": { "type": "object" },
            "follow_up": { "type": ["object", "null"] },
            "walk_away": { "type": "object" },
            "move_on": { "type": "object" },
            "safety": { "type": "object" },
            "unanswered_questions": { "type": "integer" },
            "evidence": { "type": "object" },
            "next_steps": arr(r("NextStep")),
            "reminders": arr(json!({ "type": "string", "enum": super::handlers::habits() })),
            "guidance": arr(json!({ "type": "object" }))
        }), &[]),
        "Logged" => json!({
            "description": logged_note,
            "type": "object",
            "properties": {
                "id": { "type": "string" },
                "kind": { "type": "string", "description": "The kind of entry stored" },
                "at": time(),
                "outreach_before": r("Gate"),
                "slip": { "type": "boolean" },
                "outreach_now": r("Gate"),
                "safety": {
                    "description": "SAFE-3, SAFE-4 (issue 11): crisis or threat language in what was written; when either is true, put the help lines in front",
                    "type": "object",
                    "properties": { "crisis": { "type": "boolean" }, "threat": { "type": "boolean" } },
                    "required": ["crisis", "threat"],
                    "additionalProperties": false
                }
            },
            "required": ["id", "kind", "at", "slip", "outreach_now", "safety"],
            "additionalProperties": false
        }),
        "PromiseEntry" => closed(json!({
            "id": { "type": "string" },
            "text": { "type": "string" },
            "made_at": time(),
            "due": time_or_null(),
            "status": { "type": "string", "enum": ["open", "kept", "broken"] },
            "renegotiated": { "type": "integer" },
            "overdue": { "type": "boolean" }
        }), &[]),
        "Promises" => closed(json!({
            "items": arr(r("PromiseEntry")),
            "open": { "type": "integer" },
            "max_open": { "type": "integer" },
            "kept": { "type": "integer" },
            "broken": { "type": "integer" },
            "renegotiated": { "type": "integer" },
            "reliability_pct": nullable("integer"),
            "can_add": { "type": "boolean" }
        }), &[]),
        "Bounds" => closed(json!({
            "affordable": { "type": "boolean" },
            "legal": { "type": "boolean" },
            "safe": { "type": "boolean" }
        }), &[]),
        "AmendsEntry" => closed(json!({
            "id": { "type": "string" },
            "request": { "type": "string" },
            "at": time(),
            "status": { "type": "string", "enum": super::handlers::amends_statuses() },
            "bounds": r("Bounds"),
            "within_bounds": { "type": "boolean" }
        }), &[]),
        "GestureEntry" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "what": { "type": "string" },
            "cost": { "type": "number" },
            "over_limit": { "type": "boolean" }
        }), &[]),
        "Gestures" => closed(json!({
            "items": arr(r("GestureEntry")),
            "total_cost": { "type": "number" },
            "cost_limit": { "type": "number" }
        }), &[]),
        "AmendsList" => closed(json!({
            "items": arr(r("AmendsEntry")),
            "gestures": r("Gestures")
        }), &[]),
        "JournalEntry" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "text": { "type": "string" }
        }), &[]),
        "JournalList" => closed(json!({ "entries": arr(r("JournalEntry")) }), &[]),
        "HelpResource" => closed(json!({
            "region": { "type": "string" },
            "name": { "type": "string" },
            "contact": { "type": "string" },
            "when": { "type": "string" },
            "source": { "type": "string" },
            "checked": { "type": "string", "format": "date" },
            "source_page": { "type": "string", "description": "The public page the number was checked against (issue 11)" },
            "copied": { "type": "string", "description": "The date of the copy read" },
            "confirmed": { "type": "boolean", "description": "Whether that page states exactly this number" },
            "note": { "type": ["string", "null"], "description": "What could not be confirmed" },
            "tel": { "type": ["string", "null"], "description": "Digits for a tel: link" }
        }), &[]),
        "Help" => closed(json!({
            "crisis": {
                "type": "array", "items": r("HelpResource"),
                "description": "SAFE-3: for anyone thinking about hurting themselves"
            },
            "behaviour_change": {
                "type": "array", "items": r("HelpResource"),
                "description": "SAFE-2: for someone who harmed a partner and wants to change"
            },
            "support": {
                "type": "array", "items": r("HelpResource"),
                "description": "SAFE-8: for someone who was harmed"
            },
            "anger": {
                "type": "array", "items": r("HelpResource"),
                "description": "SAFE-4: for someone worried about their own anger or violence"
            },
            "local": {
                "type": ["string", "null"],
                "description": "Your own number for where you live; null while locked or unset"
            }
        }), &[]),
        "TheirQuestion" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "text": { "type": "string" },
            "answered": { "type": "boolean" }
        }), &[]),
        "QuestionList" => closed(json!({ "questions": arr(r("TheirQuestion")) }), &[]),
        "Recorded" => closed(json!({
            "id": { "type": "string", "description": "The id of the new entry" },
            "kind": { "type": "string", "description": "The kind of entry stored" },
            "at": time()
        }), &[]),
        "Entry" => entry_schema(),
        "EventRecord" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "recorded_at": time(),
            "supersedes": {
                "type": ["string", "null"],
                "description": "The entry this one corrected"
            },
            "corrected_by": {
                "type": ["string", "null"],
                "description": "The correction that replaced it; null while it counts"
            },
            "entry": r("Entry")
        }), &[]),
        "EventList" => closed(json!({ "events": arr(r("EventRecord")) }), &[]),
        "Settings" => json!({
            "type": "object",
            "description": "Targets that tune METHOD defaults (never a SAFE rule); null or \
                left out keeps the default.",
            "properties": {
                "exercise_per_week": nullable("number"),
                "hobby_per_week": nullable("number"),
                "social_per_week": nullable("number"),
                "therapy_per_week": nullable("number"),
                "meals_per_day": nullable("number"),
                "gesture_cost_limit": nullable("number"),
                "reminders": {
                    "type": ["array", "null"],
                    "items": { "type": "string", "enum": super::handlers::habits() }
                }
            },
            "additionalProperties": false
        }),
        "JournalSaved" => closed(json!({
            "id": { "type": "string" },
            "at": time(),
            "crisis": { "type": "boolean" },
            "threat": { "type": "boolean", "description": "SAFE-4: a threat to someone else was found" },
            "help": {
                "type": "array", "items": r("HelpResource"),
                "description": "SAFE-3: crisis resources when crisis is true; SAFE-4: the anger lines when only threat is"
            }
        }), &["help"]),
        "Draft" => closed(json!({
            "kind": { "type": "string", "enum": super::handlers::draft_kinds() },
            "text": { "type": "string" }
        }), &[]),
        "DraftSaved" => closed(json!({
            "kind": { "type": "string", "enum": super::handlers::draft_kinds() },
            "saved": { "const": true },
            "bytes": { "type": "integer" }
        }), &[]),
        "Answers" => json!({
            "type": "object",
            "description": "Question id to answer: text, a number, true or false, or a list \
                of option ids or lines.",
            "additionalProperties": {
                "type": ["string", "number", "boolean", "array"],
                "items": { "type": "string" }
            }
        }),
        "Question" => json!({
            "type": "object",
            "required": ["id", "method", "prompt", "answer", "required"],
            "properties": {
                "id": { "type": "string" },
                "method": { "type": "string" },
                "prompt": { "type": "string" },
                "help": { "type": "string" },
                "answer": {
                    "type": "string",
                    "enum": ["boolean", "choice", "multi", "likert", "text", "lines", "count",
                             "date", "acknowledge"]
                },
                "options": arr(closed(json!({
                    "id": { "type": "string" }, "label": { "type": "string" }
                }), &[])),
                "required": { "type": "boolean" },
                "when": {
                    "type": "object",
                    "description": "Ask only when this question was answered so"
                },
                "min_items": { "type": "integer" }
            },
            "additionalProperties": false
        }),
        "FormEntry" => closed(json!({
            "id": { "type": "string" },
            "kind": { "type": "string", "enum": ["questionnaire", "workbook"] },
            "submit": { "type": "string", "description": "Where to POST the answers" },
            "method": { "type": "string" },
            "title": { "type": "string" },
            "intro": { "type": "string" },
            "questions": arr(r("Question"))
        }), &[]),
        "FormList" => closed(json!({ "forms": arr(r("FormEntry")) }), &[]),
        "DayPoint" => closed(json!({
            "date": { "type": "string", "format": "date" },
            "sleep_hours": nullable("number"),
            "exercise_minutes": { "type": "number" },
            "therapy_sessions": { "type": "integer" },
            "slip": { "type": "boolean" },
            "contact_out": { "type": "boolean" },
            "contact_in": { "type": "boolean" },
            "stretch_days": nullable("integer")
        }), &[]),
        "Series" => closed(json!({ "days": arr(r("DayPoint")) }), &[]),
        "SettingsState" => closed(json!({
            "time_zone": {
                "type": ["string", "null"],
                "description": "The IANA name; null when the system's zone has none"
            },
            "reminders": arr(json!({ "type": "string", "enum": super::handlers::habits() })),
            "gesture_cost_limit": nullable("number"),
            "changed": { "type": "boolean" }
        }), &[]),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeSet;

    use super::*;

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    /// The router is built from `ops()`, so its routes are exactly these; the document must
    /// list the same ones, no more and no fewer.
    #[test]
    fn every_route_is_in_the_document_and_nothing_else() {
        let doc = document();
        let from_doc: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.to_uppercase(), path.clone()))
            })
            .collect();
        let routes: Vec<(String, String)> = ops()
            .iter()
            .map(|op| (op.verb.method().to_string(), format!("{PREFIX}{}", op.path)))
            .collect();
        let from_router: BTreeSet<(String, String)> = routes.iter().cloned().collect();
        assert_eq!(from_router.len(), routes.len(), "a route is listed twice");
        assert_eq!(from_doc, from_router);
        // The endpoints the API promises.
        for (m, p) in [
            ("POST", "/setup"),
            ("POST", "/unlock"),
            ("POST", "/lock"),
            ("POST", "/passphrase"),
            ("POST", "/wipe"),
            ("GET", "/session"),
            ("POST", "/check"),
            ("GET", "/cases"),
            ("POST", "/cases"),
            ("POST", "/cases/{id}/select"),
            ("GET", "/status"),
            ("POST", "/contacts"),
            ("POST", "/signals"),
            ("POST", "/passive"),
            ("POST", "/invitations"),
            ("POST", "/slips"),
            ("POST", "/urges"),
            ("POST", "/habits"),
            ("POST", "/assessments/{form}"),
            ("POST", "/workbook/{section}"),
            ("GET", "/promises"),
            ("POST", "/promises"),
            ("POST", "/promises/{id}"),
            ("POST", "/checkins"),
            ("GET", "/amends"),
            ("POST", "/amends"),
            ("POST", "/amends/{id}"),
            ("POST", "/gestures"),
            ("POST", "/needs"),
            ("GET", "/questions"),
            ("POST", "/questions"),
            ("POST", "/questions/{id}/answered"),
            ("GET", "/events"),
            ("GET", "/events/{id}"),
            ("POST", "/events/{id}/correct"),
            ("GET", "/help"),
            ("PUT", "/help/local"),
            ("GET", "/journal"),
            ("POST", "/journal"),
            ("GET", "/drafts/{kind}"),
            ("PUT", "/drafts/{kind}"),
            ("POST", "/drafts/{kind}/sent"),
            ("GET", "/forms"),
            ("GET", "/forms/{id}"),
            ("GET", "/export"),
            ("GET", "/calendar.ics"),
            ("GET", "/charts"),
            ("GET", "/settings"),
            ("PUT", "/settings"),
            ("GET", "/openapi.json"),
        ] {
            assert!(
                from_doc.contains(&(m.to_string(), format!("{PREFIX}{p}"))),
                "{m} {p} is missing"
            );
        }
    }

    #[test]
    fn the_document_is_well_formed() {
        let doc = document();
        let text = serde_json::to_string(&doc).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(schemas.contains_key(name), "{r} does not resolve");
        }
        let mut ids = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap();
                assert!(!id.is_empty() && ids.insert(id.to_string()), "{id}");
                assert!(
                    !op["summary"].as_str().unwrap().is_empty(),
                    "{method} {path}"
                );
                let declared: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                let in_path: BTreeSet<&str> = path_params(path).into_iter().collect();
                assert_eq!(declared, in_path, "{method} {path}");
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|k| k.starts_with('2')),
                    "{method} {path} has no success answer"
                );
            }
        }
    }

    /// The document's "works while locked" and security come from the same rules the guard
    /// applies, and agree with how each operation is declared.
    #[test]
    fn access_in_the_document_matches_the_guard() {
        for op in ops() {
            let full = format!("{PREFIX}{}", op.path);
            let public = crate::security::is_public(&op.verb.method(), &full);
            assert_eq!(
                public,
                op.meta.access != Access::Session,
                "{:?} {full}",
                op.verb
            );
        }
        let doc = document();
        let check = &doc["paths"]["/api/v1/check"]["post"];
        assert_eq!(check["security"], json!([{}, { "session": [] }]));
        let contacts = &doc["paths"]["/api/v1/contacts"]["post"];
        assert_eq!(contacts["security"], json!([{ "session": [], "csrf": [] }]));
        assert!(contacts["responses"]["403"].is_object());
        for exempt in ["setup", "unlock", "check"] {
            let op = &doc["paths"][format!("/api/v1/{exempt}")]["post"];
            assert!(op["responses"]["403"].is_null(), "{exempt}");
        }
        assert_eq!(
            doc["paths"]["/api/v1/setup"]["post"]["security"],
            json!([]),
            "first run needs neither a session nor a token"
        );
        let wipe = &doc["paths"]["/api/v1/wipe"]["post"];
        assert_eq!(wipe["security"], json!([{ "session": [], "csrf": [] }]));
    }

    #[test]
    fn the_report_schema_is_design_md_exactly() {
        let doc = document();
        let s = &doc["components"]["schemas"];
        let keys = |name: &str| -> BTreeSet<String> {
            s[name]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        let set = |k: &[&str]| -> BTreeSet<String> { k.iter().map(|s| s.to_string()).collect() };
        // DESIGN.md's keys, and one optional key: findings_not_shown, there only when a huge
        // input's answer was cut down (issue 14, defect 12).
        assert_eq!(
            keys("Report"),
            set(&[
                "kind",
                "verdict",
                "components",
                "findings",
                "crisis",
                "findings_not_shown"
            ])
        );
        assert_eq!(s["Report"]["additionalProperties"], false);
        assert_eq!(
            s["Report"]["required"].as_array().unwrap().len(),
            5,
            "every key of DESIGN.md's report is always there"
        );
        assert_eq!(keys("Component"), set(&["id", "present", "spans"]));
        assert_eq!(
            keys("Finding"),
            set(&[
                "rule",
                "method",
                "severity",
                "span",
                "excerpt",
                "message",
                "suggestion"
            ])
        );
        assert_eq!(
            s["Report"]["properties"]["verdict"]["enum"],
            json!(["ready", "revise", "do-not-send"])
        );
        assert_eq!(
            s["Finding"]["properties"]["severity"]["enum"],
            json!(["block", "warn", "advise"])
        );
        assert_eq!(
            s["Report"]["properties"]["kind"]["enum"],
            json!(["first", "apology", "email", "ask", "gift", "journal"])
        );
    }
}
