//! The models of the screens that need more than the plan: the workbook as rows, the contact
//! log, the settings as they stand, the draft split by findings,
//! and the small rules each screen applies (a step counts as one, the honest check of an
//! amends request, the activity offered against an urge). Pure: a plan, records or input in,
//! a model out.

use std::collections::HashMap;

use amends_core::forms::{self, Answer, WORKBOOK, WorkbookSection};
use amends_core::{
    Answers, Bounds, Direction, DraftKind, EventData, Gate, GateId, HabitKind, Plan, Reason,
    Settings, SlipKind,
};
use jiff::Timestamp;

use super::FormView;
use super::labels;
use crate::coach::{Finding, Severity};
use crate::records::Records;
use crate::{JournalEntry, Logged};

// --- The workbook (Phase 1, DMG-1 to DMG-10, C7) -----------------------------------------------

/// One value of a written row, under its short label: the core's reading of a workbook entry,
/// shared with the export (`forms::workbook_fields`).
pub type Field = forms::WorkbookField;

pub struct Row {
    pub id: String,
    pub at: Timestamp,
    pub fields: Vec<Field>,
    /// Prevention plans only: whether it is tracked as a habit (DMG-9).
    pub habit: Option<bool>,
}

pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub method: &'static str,
    /// `missing`, `done`, `not-needed` (on the no-fault path) or `optional` (their part).
    pub status: &'static str,
    pub rows: Vec<Row>,
    pub form: FormView,
    /// The form starts unfolded when nothing is written yet or it came back with a problem.
    pub open: bool,
    /// Their part (SAFE-10, EM-4): shown only here, never exported, never in a draft.
    pub private: bool,
}

/// What a section's form shows after a failed save: the section, what was typed, the problems.
pub struct Failed {
    pub section: &'static str,
    pub answers: Answers,
    pub problems: Vec<String>,
}

/// A written row: each answer under its short label, choices in their own words.
fn row(section: &WorkbookSection, id: String, at: Timestamp, answers: &Answers) -> Row {
    let fields = forms::workbook_fields(section, answers);
    Row {
        id,
        at,
        fields,
        habit: (section.id == "prevention")
            .then(|| answers.get("habit").and_then(Answer::as_bool))
            .flatten(),
    }
}

/// A section's form, with what was typed and the problems its checks found.
pub fn workbook_form(
    section: &'static WorkbookSection,
    action: String,
    answers: &Answers,
    problems: &[String],
) -> FormView {
    FormView::new(
        &section.form,
        action,
        &super::steps::workbook_anchor(section.id),
        answers,
        problems,
    )
}

/// SAFE-2: whether the answers record an act that involved dangerous harm.
pub fn danger_recorded(answers: &Answers) -> bool {
    answers
        .get("danger")
        .is_some_and(|d| !d.as_list().is_empty())
}

/// Every section with its rows as they stand, its progress and its form; `failed` puts a
/// form that came back with problems back as it was typed.
pub fn workbook(plan: &Plan, records: &Records, failed: Option<&Failed>) -> Vec<Section> {
    let mut rows: HashMap<&'static str, Vec<Row>> = HashMap::new();
    for r in records.workbook_rows() {
        if let Ok(section) = forms::workbook_section(r.section) {
            let row = row(section, r.id, r.at, &r.answers);
            rows.entry(section.id).or_default().push(row);
        }
    }
    WORKBOOK
        .iter()
        .map(|s| {
            let mine = rows.remove(s.id).unwrap_or_default();
            let private = s.id == "their-part";
            let missing = plan.workbook.missing.iter().any(|g| g.section == s.id);
            let status = match (private, missing, mine.is_empty()) {
                (true, _, _) => "optional",
                (_, true, _) => "missing",
                (_, false, false) => "done",
                (_, false, true) => "not-needed",
            };
            let (answers, problems) = match failed {
                Some(f) if f.section == s.id => (f.answers.clone(), f.problems.clone()),
                _ => (Answers::new(), Vec::new()),
            };
            let open = !problems.is_empty() || (mine.is_empty() && status == "missing");
            let form = workbook_form(s, format!("/workbook/{}", s.id), &answers, &problems).submit(
                if private {
                    "Keep this private note"
                } else {
                    "Add to the workbook"
                },
            );
            Section {
                id: s.id,
                title: s.form.title,
                method: s.form.method,
                status,
                rows: mine,
                form,
                open,
                private,
            }
        })
        .collect()
}

// --- The contact log (NC-1, SAFE-1, WA-*, RC-10) ------------------------------------------------

pub struct LogRow {
    pub at: Timestamp,
    pub what: String,
    pub note: Option<String>,
    /// Contact the user started while outreach was closed: kept, and shown as a slip.
    pub slip: bool,
}

/// Every contact, signal, invitation, draft sent, gesture and check-in that counts now,
/// newest first.
pub fn contact_log(records: &Records, plan: &Plan) -> Vec<LogRow> {
    let mut rows: Vec<LogRow> = records
        .current()
        .into_iter()
        .filter_map(|e| {
            let (what, note) = match &e.data {
                EventData::Contact { dir, channel, note } => {
                    let who = if *dir == Direction::Out {
                        "You"
                    } else {
                        "They"
                    };
                    (format!("{who} got in touch ({channel})"), note.clone())
                }
                EventData::Signal { signal, note } => {
                    (labels::signal(*signal).to_string(), note.clone())
                }
                EventData::Passive { what, note } => (
                    format!(
                        "{} (no reply expected; changes nothing)",
                        labels::passive(*what)
                    ),
                    note.clone(),
                ),
                EventData::Invitation { channel, words, .. } => (
                    format!("They got in touch ({channel}) and invited contact"),
                    Some(words.clone()),
                ),
                EventData::DraftSent { draft, channel, .. } => {
                    (format!("You sent a {draft} message ({channel})"), None)
                }
                EventData::Gesture { what, .. } => (format!("A gesture: {what}"), None),
                EventData::CheckIn { note } => ("A check-in".to_string(), note.clone()),
                _ => return None,
            };
            Some(LogRow {
                at: e.at,
                what,
                note,
                slip: plan.no_contact.slips.iter().any(|s| s.id == e.id),
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.at));
    rows
}

/// NC-2, C10: what a contact the user logged while outreach was closed is, with the reasons
/// that held; empty when it was no slip.
pub fn contact_slip(logged: &Logged) -> Vec<String> {
    if !logged.slip {
        return Vec::new();
    }
    let intro = "Recorded. Outreach was closed when this happened, so it counts as a slip; the \
                 truth matters more than a clean record. The reasons that held:";
    std::iter::once(intro.to_string())
        .chain(reasons(logged.outreach_before.as_ref()))
        .collect()
}

/// NC-2, KG-7, C10: a gesture while outreach is closed is recorded, and said to be a slip
/// with the reasons that stood, their wishes first.
pub fn gesture_slip(plan: &Plan) -> String {
    let reasons: Vec<String> = reasons(Some(plan.gate(GateId::Outreach))).collect();
    format!(
        "Recorded, because the truth matters. A gesture is contact you start, and getting in \
         touch is closed, so it counts as a slip (KG-7, C10). {}",
        reasons.join(" ")
    )
    .trim_end()
    .to_string()
}

fn reasons(gate: Option<&Gate>) -> impl Iterator<Item = String> + '_ {
    gate.into_iter()
        .flat_map(|g| g.reasons.iter().map(ToString::to_string))
}

/// A slip is either a kind of slip or the channel of a message; both read better in words.
pub fn slip_what(what: &str) -> String {
    match what.parse::<SlipKind>() {
        Ok(kind) => forms::slip_label(kind).to_string(),
        Err(_) => format!("a contact you started ({what})"),
    }
}

/// What lifts the stops on a gate, from the core's table (issue 12), each once.
pub fn lifts(gate: &Gate) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for h in gate
        .reasons
        .iter()
        .filter_map(|r| r.hold)
        .filter(|h| h.is_stop())
    {
        let text = h.rule().lifted_by.describe();
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// SAFE-1, SAFE-2, SAFE-8: a stop on this gate that no date, habit or answer changes.
pub fn hard_stop(gate: &Gate) -> bool {
    gate.reasons.iter().any(Reason::is_hard_stop)
}

// --- No contact (NC-6) ---------------------------------------------------------------------------

/// Things to do instead of reaching out (NC-6, SI-7, SI-8), offered in turn.
const ACTIVITIES: &[&str] = &[
    "Call or message a friend or someone in your family, about anything at all.",
    "Go outside for a twenty-minute walk, without your phone in your hand.",
    "Do something with your hands: cook, tidy a drawer, draw, fix something.",
    "Write it all on the pad below. It goes nowhere.",
    "Move your body for ten minutes: stretch, dance, run up and down the stairs.",
    "Make a warm drink and sit with the feeling for five minutes; urges rise and fall.",
];

/// NC-6: something to do instead, a different one each urge. Their own hobby, when they
/// logged one with a name, is the best suggestion of all.
pub fn urge_activity(records: &Records) -> String {
    let urges = records.urges();
    match records.latest_hobby() {
        Some(h) if urges % 2 == 1 => format!("Spend some time on something of your own: {h}."),
        _ => ACTIVITIES[urges % ACTIVITIES.len()].to_string(),
    }
}

// --- Self-work, promises, amends -----------------------------------------------------------------

/// The value of a self-work entry as typed. A concrete step is described in words; its value
/// is one step (SI-9).
pub fn habit_value(habit: HabitKind, raw: &str) -> Result<f64, String> {
    let raw = raw.trim();
    if habit == HabitKind::Step && raw.is_empty() {
        return Ok(1.0);
    }
    raw.parse::<f64>().map_err(|_| {
        format!(
            "\u{201c}{raw}\u{201d} is not a number. Give the {} as a number, e.g. 7.5.",
            habit.unit()
        )
    })
}

/// An amount as typed: "4,50" is how much of the world writes one.
pub fn amount(raw: &str) -> Result<f64, String> {
    let raw = raw.trim();
    raw.replace(',', ".").parse::<f64>().map_err(|_| {
        format!("\u{201c}{raw}\u{201d} is not an amount. Give what it cost as a number, e.g. 4.50.")
    })
}

/// SAFE-9, AM-3: the user's own check of an amends request, answered yes or no each time;
/// none is assumed, and a "no" means amends won't help with it.
pub fn bounds(
    affordable: Option<&str>,
    legal: Option<&str>,
    safe: Option<&str>,
) -> Result<Bounds, String> {
    let mut missing = Vec::new();
    let mut answer = |a: Option<&str>, question: &'static str| match a {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            missing.push(question);
            false
        }
    };
    let bounds = Bounds {
        affordable: answer(affordable, "can you afford it"),
        legal: answer(legal, "is it legal"),
        safe: answer(safe, "is it safe"),
    };
    if missing.is_empty() {
        Ok(bounds)
    } else {
        Err(format!(
            "Answer the honest check for this request: {}? (AM-3, SAFE-9)",
            missing.join(", ")
        ))
    }
}

/// "beyond your means and not safe": the bounds a request is outside, in words.
pub fn outside(bounds: &Bounds) -> String {
    let words: Vec<&str> = [
        (!bounds.affordable, "beyond your means"),
        (!bounds.legal, "not legal"),
        (!bounds.safe, "not safe"),
    ]
    .into_iter()
    .filter_map(|(out, w)| out.then_some(w))
    .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// L-17 on a promise: the coach's over-promise rule, run on the promise's own words.
pub fn over_promises(text: &str) -> bool {
    crate::coach::check_text(text, crate::coach::Kind::Apology)
        .is_ok_and(|r| r.findings.iter().any(|f| f.rule == "over-promise"))
}

/// SAFE-3: help stays in front for a week after words about self-harm in the journal, not
/// only on the answer to the save: the person may come back on a worse night. `entries` are
/// newest first.
pub fn recent_crisis(entries: &[JournalEntry], now: Timestamp) -> bool {
    let week_ago = now - jiff::SignedDuration::from_hours(24 * 7);
    entries
        .iter()
        .take_while(|e| e.at >= week_ago)
        .any(|e| crate::coach::crisis_language(&e.text))
}

/// Issue 14, defect 9: a damaged entry is left out of a list, and said to be.
pub fn damage_notice(damage: &[crate::Damage]) -> Option<String> {
    (!damage.is_empty()).then(|| {
        let problems: Vec<&str> = damage.iter().map(|d| d.problem.as_str()).collect();
        format!(
            "Part of this case's history failed its integrity check and is left out here ({}). \
             Settings \u{2192} Export writes out everything that can still be read; restore a \
             backup of the data folder to get the rest back.",
            problems.join("; ")
        )
    })
}

// --- Settings -------------------------------------------------------------------------------------

/// Each tracker with its prompt and whether its reminder is on.
pub fn reminders(plan: Option<&Plan>) -> Vec<(&'static str, &'static str, bool)> {
    let Some(plan) = plan else { return Vec::new() };
    HabitKind::ALL
        .iter()
        .map(|h| {
            (
                h.as_str(),
                forms::habit_prompt(*h),
                plan.reminders.contains(h),
            )
        })
        .collect()
}

/// The targets a form may set, each by its name in [`Settings`]: (field, label, the tracker
/// whose weekly target shows it).
#[rustfmt::skip]
const TARGETS: &[(&str, &str, Option<HabitKind>)] = &[
    ("exercise_per_week", "Exercise sessions a week (SI-2)", Some(HabitKind::Exercise)),
    ("hobby_per_week", "Hobby sessions a week (SI-7)", Some(HabitKind::Hobby)),
    ("social_per_week", "Time with friends or family, times a week (SI-8)", Some(HabitKind::Social)),
    ("therapy_per_week", "Therapy sessions a week (SI-4)", Some(HabitKind::Therapy)),
    ("meals_per_day", "Nutritious meals a day (SI-1)", Some(HabitKind::Meals)),
    ("gesture_cost_limit", "The most a gesture should cost (KG-3)", None),
];

/// The targets as they stand, read back from the 7-day window (SI-1 to SI-8), and the gesture
/// limit (KG-3, L-21): (field name, label, current value).
pub fn targets(plan: Option<&Plan>) -> Vec<(&'static str, &'static str, String)> {
    let Some(plan) = plan else { return Vec::new() };
    let week = |h: HabitKind| {
        plan.self_work
            .last_7
            .trackers
            .iter()
            .find(|t| t.habit == h)
            .and_then(|t| t.target)
    };
    TARGETS
        .iter()
        .map(|(field, label, habit)| {
            let value = match habit {
                // Meals are a daily target, tracked by the week.
                Some(HabitKind::Meals) => week(HabitKind::Meals).map(|w| w / 7.0),
                Some(h) => week(*h),
                None => Some(plan.gestures.cost_limit),
            };
            (
                *field,
                *label,
                value.map(|v| v.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

/// The method settings from a form's fields: each target a number (empty leaves it as it
/// is), and the reminders ticked. Fields it does not know are passed over.
pub fn settings_from_fields(fields: &[(String, String)]) -> Result<Settings, String> {
    let mut reminders = Vec::new();
    let mut targets = serde_json::Map::new();
    for (key, value) in fields {
        let value = value.trim();
        if key == "reminder" {
            reminders.push(value.parse::<HabitKind>()?);
        } else if TARGETS.iter().any(|t| t.0 == key) && !value.is_empty() {
            // JSON has no infinity, and no target is one.
            let n = value.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| {
                format!("\u{201c}{value}\u{201d} is not a number (in the field \u{201c}{key}\u{201d}).")
            })?;
            targets.insert(key.clone(), n.into());
        }
    }
    // The targets go by their names in the settings, so the table above is the only list.
    let settings = serde_json::from_value(targets.into()).map_err(|e| e.to_string())?;
    Ok(Settings {
        reminders: Some(reminders),
        ..settings
    })
}

// --- The composer ---------------------------------------------------------------------------------

/// Every kind of draft with its name and whether the composer gate allows it now.
pub fn draft_kinds(plan: &Plan) -> Vec<(DraftKind, &'static str, bool)> {
    let composer = plan.gate(GateId::Composer);
    DraftKind::ALL
        .iter()
        .map(|k| (*k, labels::draft_kind(*k), composer.allows_kind(*k)))
        .collect()
}

/// A run of the draft with the findings that cover it.
pub struct Segment {
    pub text: String,
    /// The highest severity over this run, if any finding covers it.
    pub severity: Option<&'static str>,
    /// Indexes into the findings list, for `aria-describedby`.
    pub findings: Vec<usize>,
}

/// Splits the text at every phrase finding's boundary so overlapping findings all show.
pub fn segments(text: &str, all: &[Finding]) -> Vec<Segment> {
    let findings: Vec<(usize, &Finding)> = all
        .iter()
        .enumerate()
        .filter(|(_, f)| f.scope() == amends_lint::Scope::Phrase)
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (_, f) in &findings {
        cuts.push(f.span.start.min(text.len()));
        cuts.push(f.span.end.min(text.len()));
    }
    cuts.retain(|c| text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| {
            let covering: Vec<usize> = findings
                .iter()
                .filter(|(_, f)| {
                    f.span.start <= w[0] && w[1] <= f.span.end && f.span.start < f.span.end
                })
                .map(|(i, _)| *i)
                .collect();
            let severity = covering
                .iter()
                .map(|i| all[*i].severity)
                .max()
                .map(Severity::as_str);
            Segment {
                text: text[w[0]..w[1]].to_string(),
                severity,
                findings: covering,
            }
        })
        .collect()
}
