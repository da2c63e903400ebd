//! The record lists the front ends show, asked of one reading of a case's history. The pages,
//! the API and the CLI used to filter the raw history each in their own way (issue 13); the
//! rules live here once: what counts now (a correction stands in for what it corrected), in
//! which order, and how a workbook entry reads as its section's answers.

use amends_core::forms;
use amends_core::{Answers, Event, EventData, FormId, HabitKind, effective};
use jiff::Timestamp;

use crate::{App, CaseSummary, Result};

/// A case's history, strictly read (any damage refuses, see [`App::history`]), and the lists
/// asked of it.
#[derive(Clone, Debug)]
pub struct Records {
    history: Vec<Event>,
}

/// One row of the workbook: an entry as its section's answers.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkbookRow {
    pub id: String,
    pub at: Timestamp,
    pub section: &'static str,
    pub answers: Answers,
}

impl Records {
    pub fn new(history: Vec<Event>) -> Self {
        Self { history }
    }

    /// Every entry, corrected ones too, in the order they were recorded.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// The entries that count now, oldest first (by when they happened, then when they were
    /// recorded).
    pub fn current(&self) -> Vec<&Event> {
        let mut current = effective(&self.history);
        current.sort_by_key(|e| (e.at, e.recorded_at));
        current
    }

    /// The entries of one kind (`EventData::kind`) that count now, oldest first; all of them
    /// without a kind.
    pub fn current_of_kind(&self, kind: Option<&str>) -> Vec<&Event> {
        let mut current = self.current();
        current.retain(|e| kind.is_none_or(|k| e.data.kind() == k));
        current
    }

    /// Any entry by id, corrected or not.
    pub fn entry(&self, id: &str) -> Option<&Event> {
        self.history.iter().find(|e| e.id == id)
    }

    /// The correction that replaced entry `id`, if one did.
    pub fn corrected_by(&self, id: &str) -> Option<&Event> {
        self.history
            .iter()
            .find(|e| e.supersedes.as_deref() == Some(id))
    }

    /// The latest answers to `form` that still count, and when they were given (the plan reads
    /// the latest by time too).
    pub fn latest_answers(&self, form: FormId) -> Option<(Timestamp, Answers)> {
        self.current()
            .into_iter()
            .filter_map(|e| match &e.data {
                EventData::Assessment { form: f, answers } if *f == form => {
                    Some((e.at, answers.clone()))
                }
                _ => None,
            })
            .max_by_key(|(at, _)| *at)
    }

    /// The workbook as it stands, oldest first: every entry as its section's answers.
    pub fn workbook_rows(&self) -> Vec<WorkbookRow> {
        self.current()
            .into_iter()
            .filter_map(|e| {
                forms::workbook_answers(&e.data).map(|(section, answers)| WorkbookRow {
                    id: e.id.clone(),
                    at: e.at,
                    section,
                    answers,
                })
            })
            .collect()
    }

    /// One workbook row that counts now, by id.
    pub fn workbook_row(&self, id: &str) -> Option<WorkbookRow> {
        self.workbook_rows().into_iter().find(|r| r.id == id)
    }

    /// LS-6 to LS-8: what they said they need, oldest first.
    pub fn their_needs(&self) -> Vec<(Timestamp, String)> {
        self.current()
            .into_iter()
            .filter_map(|e| match &e.data {
                EventData::TheirNeed { text } => Some((e.at, text.clone())),
                _ => None,
            })
            .collect()
    }

    /// NC-6: the acts of the workbook and how they hurt, the user's own reasons to hold on.
    pub fn acts_and_impacts(&self) -> Vec<(String, String)> {
        self.current()
            .into_iter()
            .filter_map(|e| match &e.data {
                EventData::WorkbookAct { act, impact, .. } => Some((act.clone(), impact.clone())),
                _ => None,
            })
            .collect()
    }

    /// How many urges were logged.
    pub fn urges(&self) -> usize {
        self.current_of_kind(Some("urge")).len()
    }

    /// The latest hobby the user named when logging one.
    pub fn latest_hobby(&self) -> Option<String> {
        self.current()
            .into_iter()
            .rev()
            .find_map(|e| match &e.data {
                EventData::Habit {
                    habit: HabitKind::Hobby,
                    note: Some(n),
                    ..
                } => Some(n.clone()),
                _ => None,
            })
    }
}

impl App {
    /// The record lists of a case, from one strict reading of its history.
    pub async fn records(&self, case: &CaseSummary) -> Result<Records> {
        Ok(Records::new(self.history(case).await?))
    }
}
