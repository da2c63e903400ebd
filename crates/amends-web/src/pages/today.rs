//! Today: the phase, every gate with its reasons and opening date, the no-contact count and the
//! next steps. Nothing here ever prompts the user to reach out (SAFE-6).

use amends_app::views::{labels, pages};
use amends_core::plan::Action;
use amends_core::{FormId, Gate, Plan};
use askama::Template;

use super::{Answer, Ctx};
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    pub page: Page,
    pub plan: Plan,
}

/// The page a next step leads to; the Today screen when it has none.
pub fn step_href(action: &Option<Action>) -> &'static str {
    match action {
        None => "/",
        Some(Action::Assess(FormId::Reflection)) => "/moving-on",
        Some(Action::Assess(FormId::ConversationReview)) => "/assess/review",
        Some(Action::Assess(FormId::Walkaway)) => "/assess/walkaway",
        Some(Action::Assess(FormId::Readiness)) => "/assess/readiness",
        Some(Action::Assess(FormId::Intake)) => "/assess/intake",
        Some(Action::Workbook(section)) => match *section {
            "act" => "/workbook#wb-act",
            "loss" => "/workbook#wb-loss",
            "why" => "/workbook#wb-why",
            "again" => "/workbook#wb-again",
            "respect" => "/workbook#wb-respect",
            "prevention" => "/workbook#wb-prevention",
            "failures" => "/workbook#wb-failures",
            _ => "/workbook",
        },
        Some(Action::Habit(_)) => "/self-work",
        Some(Action::LogUrge) => "/no-contact",
        Some(Action::PromiseList) => "/promises",
        Some(Action::AmendsList) => "/amends",
        Some(Action::JournalAdd) => "/journal",
    }
}

impl TodayPage {
    pub fn gate_title(&self, gate: &Gate) -> &'static str {
        labels::gate_title(gate.id)
    }

    pub fn gate_open_text(&self, gate: &Gate) -> &'static str {
        labels::gate_open(gate.id)
    }

    pub fn hard_stop(&self, gate: &Gate) -> bool {
        pages::hard_stop(gate)
    }

    pub fn lifts(&self, gate: &Gate) -> Vec<&'static str> {
        pages::lifts(gate)
    }

    pub fn href(&self, action: &Option<Action>) -> &'static str {
        step_href(action)
    }
}

pub async fn show(ctx: Ctx) -> Answer {
    let plan = ctx.plan().await?;
    Ok(render(&TodayPage {
        page: ctx.page("Today", "today"),
        plan,
    }))
}
