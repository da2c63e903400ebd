//! Today: the phase, every gate with its reasons and opening date, the no-contact count and the
//! next steps. Nothing here ever prompts the user to reach out (SAFE-6).

use amends_app::views::{StepPage, labels, pages};
use amends_core::plan::Action;
use amends_core::{Gate, Plan};
use askama::Template;

use super::{Answer, Ctx};
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    pub page: Page,
    pub plan: Plan,
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

    pub fn href(&self, action: &Option<Action>) -> StepPage {
        StepPage::of(*action)
    }
}

pub async fn show(ctx: Ctx) -> Answer {
    let plan = ctx.plan().await?;
    Ok(render(&TodayPage {
        page: ctx.page("Today", "today"),
        plan,
    }))
}
