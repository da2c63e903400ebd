//! Decrypted exports. They leave the encrypted store on purpose, so the front ends warn about it;
//! SAFE-10 notes about the other person are left out even here.

use amends_core::{DraftKind, Event};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::{AppError, CaseSummary, Damage, Result};

/// One case as it is exported: the entries that can be read, and what is wrong with the rest.
pub(crate) struct CaseExport {
    pub case: CaseSummary,
    pub history: Vec<Event>,
    pub damage: Vec<Damage>,
    /// The drafts being written in the composer, by kind (not yet in the history).
    pub drafts: Vec<(DraftKind, String)>,
}

/// json or markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    #[serde(alias = "md")]
    Markdown,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "markdown" | "md" => Ok(Self::Markdown),
            other => Err(format!(
                "unknown export format {other:?}; use json or markdown"
            )),
        }
    }
}

pub(crate) fn render(
    format: ExportFormat,
    cases: &[CaseExport],
    local_help: Option<&str>,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<String> {
    match format {
        ExportFormat::Json => json_export(cases, local_help, now),
        ExportFormat::Markdown => Ok(markdown_export(cases, local_help, now, tz)),
    }
}

fn json_export(cases: &[CaseExport], local_help: Option<&str>, now: Timestamp) -> Result<String> {
    let cases: Vec<Value> = cases
        .iter()
        .map(
            |CaseExport {
                 case,
                 history: events,
                 damage,
                 drafts,
             }| {
                let (kept, withheld): (Vec<&Event>, Vec<&Event>) =
                    events.iter().partition(|e| e.data.exportable());
                let events: Vec<Value> = kept
                    .into_iter()
                    .map(|e| {
                        let mut v = serde_json::to_value(&e.data).unwrap_or(Value::Null);
                        if let Value::Object(map) = &mut v {
                            map.insert("id".into(), json!(e.id));
                            map.insert("at".into(), json!(e.at));
                            map.insert("recorded_at".into(), json!(e.recorded_at));
                            map.insert("supersedes".into(), json!(e.supersedes));
                        }
                        v
                    })
                    .collect();
                json!({
                    "number": case.number,
                    "id": case.id,
                    "name": case.name,
                    "relationship": case.relationship,
                    "created_at": case.created_at,
                    "events": events,
                    "withheld_private_notes": withheld.len(),
                    "damaged": damage.iter().map(damaged_json).collect::<Vec<_>>(),
                    "drafts_in_progress": drafts
                        .iter()
                        .map(|(kind, text)| json!({ "draft": kind, "text": text }))
                        .collect::<Vec<_>>(),
                })
            },
        )
        .collect();
    let doc = json!({
        "format": "amends-export",
        "version": 1,
        "exported_at": now,
        "encrypted": false,
        "local_help": local_help,
        "cases": cases,
    });
    serde_json::to_string_pretty(&doc)
        .map_err(|e| AppError::invalid(format!("could not write JSON: {e}")))
}

/// A damaged entry in the JSON export: what is wrong and what is known, and its words when they
/// still open (SAFE-10 notes about the other person stay out, as everywhere).
fn damaged_json(d: &Damage) -> Value {
    let mut v = json!({
        "problem": d.problem,
        "id": d.id,
        "kind": d.kind,
        "stored_at": d.at,
    });
    if let (Some(e), Value::Object(map)) = (&d.readable, &mut v)
        && e.data.exportable()
    {
        map.insert(
            "content".into(),
            serde_json::to_value(&e.data).unwrap_or(Value::Null),
        );
        map.insert("dates_unverified".into(), json!(true));
    }
    v
}

fn markdown_export(
    cases: &[CaseExport],
    local_help: Option<&str>,
    now: Timestamp,
    tz: &TimeZone,
) -> String {
    let when = |t: Timestamp| {
        t.to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut out = String::new();
    out.push_str("# amends export\n\n");
    out.push_str(&format!(
        "Exported {}. **This file is not encrypted.** Keep it somewhere only you can reach, \
         and delete it when you no longer need it.\n",
        when(now)
    ));
    if let Some(help) = local_help {
        out.push_str("\n## Your local help\n\n");
        for line in help.lines() {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
    if cases.is_empty() {
        out.push_str("\nThere are no cases yet.\n");
    }
    for CaseExport {
        case,
        history: events,
        damage,
        drafts,
    } in cases
    {
        out.push_str(&format!(
            "\n## {} ({})\n\n",
            crate::printable(&case.name),
            case.relationship
        ));
        out.push_str(&format!(
            "Case {}, started {}.\n",
            case.number,
            when(case.created_at)
        ));
        let mut events: Vec<&Event> = events.iter().filter(|e| e.data.exportable()).collect();
        events.sort_by_key(|e| e.at);
        let superseded: std::collections::HashSet<&str> = events
            .iter()
            .filter_map(|e| e.supersedes.as_deref())
            .collect();
        if events.is_empty() {
            out.push_str("\nNothing recorded yet.\n");
        }
        for e in events {
            let note = if superseded.contains(e.id.as_str()) {
                " (corrected later)"
            } else {
                ""
            };
            out.push_str(&format!(
                "\n### {} · {}{}\n\n",
                when(e.at),
                e.data.title(),
                note
            ));
            for line in e.data.describe().lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
        }
        if !drafts.is_empty() {
            out.push_str("\n### Drafts in progress\n");
            for (kind, text) in drafts {
                out.push_str(&format!("\nThe {kind} draft:\n\n"));
                for line in text.lines() {
                    out.push_str("> ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        if !damage.is_empty() {
            out.push_str(
                "\n### Entries that failed their integrity check\n\nThey were changed, cut short \
                 or removed outside amends. What can still be read of them is below; their dates \
                 cannot be trusted.\n",
            );
            for d in damage {
                out.push_str(&format!("\n- {}\n", d.problem));
                if let Some(e) = d.readable.as_ref().filter(|e| e.data.exportable()) {
                    for line in e.data.describe().lines() {
                        out.push_str("  > ");
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}
