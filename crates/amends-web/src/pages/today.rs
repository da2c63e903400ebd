//! Today: the phase, every gate with its reasons and opening date, the no-contact count and the
//! next steps. Nothing here ever prompts the user to reach out (SAFE-6).

use amends_core::plan::Action;
use amends_core::{FormId, Gate, GateId, Plan, Reason};
use askama::Template;
use axum::response::Response;
use jiff::Timestamp;

use super::Ctx;
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    pub page: Page,
    pub plan: Plan,
}

/// Where a next step's action leads in the web app.
pub fn action_href(action: Action) -> &'static str {
    match action {
        Action::Assess(FormId::Walkaway) => "/assess/walkaway",
        Action::Assess(FormId::Readiness) => "/assess/readiness",
        Action::Assess(FormId::Reflection) => "/moving-on",
        Action::Assess(FormId::ConversationReview) => "/assess/review",
        Action::Assess(FormId::Intake) => "/assess/intake",
        Action::Workbook(section) => match section {
            "act" => "/workbook#wb-act",
            "loss" => "/workbook#wb-loss",
            "why" => "/workbook#wb-why",
            "again" => "/workbook#wb-again",
            "respect" => "/workbook#wb-respect",
            "prevention" => "/workbook#wb-prevention",
            "failures" => "/workbook#wb-failures",
            _ => "/workbook",
        },
        Action::Habit(_) => "/self-work",
        Action::LogUrge => "/no-contact",
        Action::PromiseList => "/promises",
        Action::AmendsList => "/amends",
        Action::JournalAdd => "/journal",
    }
}

/// The page a next step leads to; the Today screen when it has none.
pub fn step_href(action: &Option<Action>) -> &'static str {
    action.map_or("/", action_href)
}

impl TodayPage {
    pub fn gate_title(&self, gate: &Gate) -> &'static str {
        match gate.id {
            GateId::Outreach => "Getting in touch",
            GateId::Composer => "Writing a message to send",
            GateId::Ask => "Asking for another chance",
            GateId::Gestures => "Amends and kind gestures",
        }
    }

    pub fn gate_open_text(&self, gate: &Gate) -> &'static str {
        match gate.id {
            // SAFE-6: an open gate is permission, never a prompt.
            GateId::Outreach => {
                "Nothing in the method stands in the way. That is not a reason to reach out: whether and when is yours to weigh, and theirs to answer."
            }
            GateId::Composer => {
                "You can draft messages and have each one checked before you decide anything."
            }
            GateId::Ask => {
                "If the conversation is going well, asking is possible. Their answer is theirs to give."
            }
            GateId::Gestures => {
                "Small, welcome gestures and the amends they asked for are possible."
            }
        }
    }

    pub fn when(&self, t: &Timestamp) -> String {
        crate::fmt::local(*t, &self.page.tz)
    }

    /// SAFE-1, SAFE-2, SAFE-8: a stop that no date, habit or workbook answer changes.
    pub fn hard_stop(&self, gate: &Gate) -> bool {
        gate.reasons.iter().any(Reason::is_hard_stop)
    }

    /// The reasons to show. Under a hard stop the core lists only the stop itself (issue 12).
    pub fn shown_reasons<'g>(&self, gate: &'g Gate) -> Vec<&'g Reason> {
        gate.reasons.iter().collect()
    }

    /// What lifts the stops on this gate, from the core's table (issue 12), each once.
    pub fn lifts(&self, gate: &Gate) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for r in &gate.reasons {
            if let Some(h) = r.hold.filter(|h| h.is_stop()) {
                let text = h.rule().lifted_by.describe();
                if !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out
    }

    pub fn href(&self, action: &Option<Action>) -> &'static str {
        step_href(action)
    }
}

pub async fn show(ctx: Ctx) -> Response {
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    match ctx.app.plan(&case, Timestamp::now()).await {
        Ok(plan) => render(&TodayPage {
            page: ctx.page("Today", "today"),
            plan,
        }),
        Err(e) => ctx.error(&e),
    }
}
