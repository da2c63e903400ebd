//! LS-1: their questions, and whether each has had a full, honest answer.

use amends_core::{EventData, GateId, effective};
use jiff::Timestamp;
use serde::Serialize;
use tracing::instrument;

use crate::method::{Logged, log_use_cases};
use crate::{App, AppError, CaseSummary, Result};

/// A question they asked (LS-1), and whether it has had a full, honest answer.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "TheirQuestion", deny_unknown_fields)]
pub struct Question {
    pub id: String,
    #[schemars(with = "amends_core::schema::Time")]
    pub at: Timestamp,
    pub text: String,
    pub answered: bool,
}

/// LS-1: a question is kept as they asked it; an empty one says nothing.
pub(crate) fn question_text(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "the question is empty; write it as they asked it".into(),
        ));
    }
    Ok(crate::text::check_entry(text)?.to_string())
}

impl App {
    log_use_cases! {
        /// A question they asked, in their words (LS-1).
        #[instrument(skip_all)]
        fn log_question(&self, case, text: &str; at, now) {
            EventData::TheirQuestion { text: question_text(text)?, answered: false }
        }
    }

    /// Marks a question answered. The history keeps that it was once open.
    pub async fn answer_question(
        &self,
        case: &CaseSummary,
        id: &str,
        now: Timestamp,
    ) -> Result<Logged> {
        let question = self
            .questions(case)
            .await?
            .into_iter()
            .find(|q| q.id == id.trim())
            .ok_or_else(|| AppError::NotFound {
                what: "question",
                id: id.to_string(),
                hint: "",
            })?;
        let data = EventData::TheirQuestion {
            text: question.text,
            answered: true,
        };
        let id = self
            .correct(case, &question.id, data, question.at, now)
            .await?;
        let outreach_now = self.plan(case, now).await?.gate(GateId::Outreach).clone();
        Ok(Logged {
            id,
            kind: "their-question",
            at: question.at,
            outreach_before: None,
            slip: false,
            outreach_now,
            safety: Default::default(),
        })
    }

    /// The question `id` is, or became: marking a question answered (or correcting it) gives
    /// it a new id, and the old one still finds it, so a second "answered" can say it already
    /// is (issue 14, defect 12) instead of that there is no such question.
    pub async fn question(&self, case: &CaseSummary, id: &str) -> Result<Option<Question>> {
        let history = self.history(case).await?;
        let mut current = id.trim().to_string();
        // Each step moves to a later entry, so this ends; the bound is for a damaged history.
        for _ in 0..history.len() {
            match history
                .iter()
                .find(|e| e.supersedes.as_deref() == Some(current.as_str()))
            {
                Some(next) => current = next.id.clone(),
                None => break,
            }
        }
        Ok(self
            .questions(case)
            .await?
            .into_iter()
            .find(|q| q.id == current))
    }

    /// Their questions, oldest first, in their latest state.
    pub async fn questions(&self, case: &CaseSummary) -> Result<Vec<Question>> {
        let history = self.history(case).await?;
        let mut out: Vec<Question> = effective(&history)
            .into_iter()
            .filter_map(|e| match &e.data {
                EventData::TheirQuestion { text, answered } => Some(Question {
                    id: e.id.clone(),
                    at: e.at,
                    text: text.clone(),
                    answered: *answered,
                }),
                _ => None,
            })
            .collect();
        out.sort_by_key(|q| q.at);
        Ok(out)
    }
}
