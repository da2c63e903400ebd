//! What a correction may change. A correction is a new entry that replaces an old one of the
//! same kind; the history keeps both. Since it replaces the entry in the plan, it passes the
//! same checks as a new entry of its kind, and it may not undo what the method treats as a
//! fact for good: a "no" (SAFE-1), dangerous harm (SAFE-2), harm done to the user (SAFE-8).

use amends_core::forms::{self, Answer};
use amends_core::{Danger, Event, EventData, FormId};
use jiff::Timestamp;

use crate::listening::question_text;
use crate::method::{
    check_cost, check_due, check_habit, check_intensity, check_plan, check_renegotiation,
    check_settings, clean_note, required_text,
};
use crate::text::check_entry;
use crate::{AppError, Refusal, Result};

/// Checks a correction of `old` (already known to be of the same kind) against the whole
/// `history`, and returns the entry to store, tidied as a new one would be.
pub(crate) fn check(
    history: &[Event],
    old: &Event,
    data: EventData,
    at: Timestamp,
) -> Result<EventData> {
    // Two corrections of one entry would both count, and the entry would be there twice.
    if let Some(newer) = history
        .iter()
        .find(|e| e.supersedes.as_deref() == Some(old.id.as_str()))
    {
        return Err(AppError::Refused(Refusal::AlreadyCorrected {
            id: old.id.clone(),
            by: newer.id.clone(),
        }));
    }
    if let EventData::Signal { signal, .. } = &old.data
        && signal.is_final_no()
    {
        return Err(AppError::Refused(Refusal::FinalNo));
    }
    keeps_safety_facts(old, &data)?;
    content(history, old, data, at)
}

/// SAFE-2, SAFE-8: the plan keeps recorded danger even from corrected entries, so a correction
/// that drops it would say one thing and change nothing. It is refused instead, plainly.
fn keeps_safety_facts(old: &Event, new: &EventData) -> Result<()> {
    let (did_before, suffered_before) = dangers(&old.data);
    let (did_now, suffered_now) = dangers(new);
    let dropped = |before: &[Danger], now: &[Danger]| -> Vec<&'static str> {
        before
            .iter()
            .filter(|d| !now.contains(d))
            .map(|d| d.as_str())
            .collect()
    };
    let did = dropped(&did_before, &did_now);
    if !did.is_empty() {
        return Err(AppError::Refused(Refusal::DangerRecorded {
            id: old.id.clone(),
            dangers: did,
        }));
    }
    let suffered = dropped(&suffered_before, &suffered_now);
    if !suffered.is_empty() {
        return Err(AppError::Refused(Refusal::HarmToYouRecorded {
            id: old.id.clone(),
            dangers: suffered,
        }));
    }
    Ok(())
}

/// The danger an entry records: (harm the user did, harm done to the user).
fn dangers(data: &EventData) -> (Vec<Danger>, Vec<Danger>) {
    let listed = |a: Option<&Answer>| -> Vec<Danger> {
        a.map(|a| a.as_list().iter().filter_map(|d| d.parse().ok()).collect())
            .unwrap_or_default()
    };
    match data {
        EventData::WorkbookAct { danger, .. } => (danger.clone(), Vec::new()),
        EventData::Assessment {
            form: FormId::Intake,
            answers,
        } => (
            listed(answers.get("dangerous_harm")),
            listed(answers.get("harmed_by_them")),
        ),
        _ => (Vec::new(), Vec::new()),
    }
}

/// The checks a new entry of the kind passes when it is logged. Every kind is listed, so a new
/// kind cannot be corrected until someone decides what a correction of it must pass.
fn content(history: &[Event], old: &Event, data: EventData, at: Timestamp) -> Result<EventData> {
    let exists = |id: &str, kind: &str| {
        amends_core::effective(history)
            .iter()
            .any(|e| e.id == id && e.data.kind() == kind)
    };
    Ok(match data {
        // Questionnaires and the workbook check their answers against the form they came from
        // (DMG-1's vague acts, DMG-6's two levels, ...).
        EventData::Assessment { form, answers } => {
            if let EventData::Assessment { form: was, .. } = &old.data
                && *was != form
            {
                return Err(AppError::invalid(format!(
                    "entry {} answers the {} questionnaire; a correction must answer the same \
                     one (it was given {})",
                    old.id,
                    was.as_str(),
                    form.as_str()
                )));
            }
            crate::method::refuse_unknown_questions(form.form(), &answers)?;
            forms::assessment_event(form, answers).map_err(AppError::Answers)?
        }
        // The workbook's kinds pass their section's checks (DMG-1's vague acts, the why-chain's
        // two links ...) on the answers they would have been written from.
        amends_core::workbook_entry!() => {
            let Some((section, answers)) = forms::workbook_answers(&data) else {
                return Err(AppError::invalid(format!(
                    "entry {} cannot be read back as workbook answers",
                    old.id
                )));
            };
            let section = forms::workbook_section(section).map_err(AppError::invalid)?;
            forms::workbook_event(section, answers).map_err(AppError::Answers)?
        }
        EventData::Journal { text } => EventData::Journal {
            text: check_entry(&text)?.to_string(),
        },
        EventData::Contact { dir, channel, note } => EventData::Contact {
            dir,
            channel,
            note: clean_note(note.as_deref())?,
        },
        EventData::Signal { signal, note } => EventData::Signal {
            signal,
            note: clean_note(note.as_deref())?,
        },
        EventData::Slip { what, note } => EventData::Slip {
            what,
            note: clean_note(note.as_deref())?,
        },
        EventData::Passive { what, note } => EventData::Passive {
            what,
            note: clean_note(note.as_deref())?,
        },
        // SAFE-1 (issue 12): an invitation is what lifts a stop, so it is never rewritten
        // afterwards (a corrected "they unblocked you" would be a side door). A mistaken one is
        // undone by recording their wish again.
        EventData::Invitation { .. } => {
            return Err(AppError::Refused(Refusal::InvitationStands {
                id: old.id.clone(),
            }));
        }
        EventData::Urge {
            intensity,
            instead,
            note,
        } => EventData::Urge {
            intensity: check_intensity(intensity.into())?,
            instead: required_text("what you did instead", &instead)?,
            note: clean_note(note.as_deref())?,
        },
        EventData::Habit {
            habit,
            value,
            note,
            plan,
        } => {
            let note = clean_note(note.as_deref())?;
            check_habit(habit, value, note.as_deref())?;
            // The plan it named before may have been corrected since; the plan still follows it.
            let same_plan = matches!(&old.data, EventData::Habit { plan: p, .. } if *p == plan);
            if let Some(p) = &plan
                && !same_plan
            {
                check_plan(history, p)?;
            }
            EventData::Habit {
                habit,
                value,
                note,
                plan,
            }
        }
        EventData::PromiseMade { text, due } => {
            check_due(due, at)?;
            EventData::PromiseMade {
                text: required_text("promise", &text)?,
                due,
            }
        }
        EventData::PromiseUpdate {
            promise,
            outcome,
            due,
            note,
        } => {
            let same =
                matches!(&old.data, EventData::PromiseUpdate { promise: p, .. } if *p == promise);
            if !same && !exists(&promise, "promise-made") {
                return Err(AppError::invalid(format!(
                    "there is no promise with id {promise:?}; the promise list shows their ids"
                )));
            }
            check_renegotiation(outcome, due)?;
            EventData::PromiseUpdate {
                promise,
                outcome,
                due,
                note: clean_note(note.as_deref())?,
            }
        }
        EventData::CheckIn { note } => EventData::CheckIn {
            note: clean_note(note.as_deref())?,
        },
        EventData::AmendsItem { request, bounds } => EventData::AmendsItem {
            request: required_text("request", &request)?,
            bounds,
        },
        EventData::AmendsUpdate { item, status, note } => {
            let same = matches!(&old.data, EventData::AmendsUpdate { item: i, .. } if *i == item);
            if !same && !exists(&item, "amends-item") {
                return Err(AppError::invalid(format!(
                    "there is no amends item with id {item:?}; the amends list shows their ids"
                )));
            }
            EventData::AmendsUpdate {
                item,
                status,
                note: clean_note(note.as_deref())?,
            }
        }
        EventData::Gesture {
            what,
            cost,
            preference,
        } => {
            check_cost(cost)?;
            EventData::Gesture {
                what: required_text("gesture", &what)?,
                cost,
                preference: clean_note(preference.as_deref())?,
            }
        }
        EventData::DraftSaved { draft, text } => EventData::DraftSaved {
            draft,
            text: check_entry(&text)?.to_string(),
        },
        EventData::DraftSent {
            draft,
            channel,
            text,
        } => EventData::DraftSent {
            draft,
            channel,
            text: clean_note(text.as_deref())?,
        },
        EventData::TheirNeed { text } => EventData::TheirNeed {
            text: required_text("need", &text)?,
        },
        EventData::TheirQuestion { text, answered } => EventData::TheirQuestion {
            text: question_text(&text)?,
            answered,
        },
        EventData::Settings { settings } => {
            check_settings(&settings)?;
            EventData::Settings { settings }
        }
    })
}
