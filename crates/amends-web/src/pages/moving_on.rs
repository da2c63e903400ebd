//! Moving on (Phase 11, MO-1 to MO-6): the track after a "no", or whenever the user chooses
//! it. Accepting a no and moving on is a complete, good outcome, not a failure (principle 5,
//! WA-10); the page says so plainly and never counts it as a loss.

use amends_app::views::FormView;
use amends_core::guidance::{self, Card};
use amends_core::{Answers, FormId, Plan};
use askama::Template;

use super::assess::latest;
use super::{Answer, Ctx};
use crate::views::{Page, render};

#[derive(Template)]
#[template(path = "moving_on.html")]
pub struct MovingOnPage {
    pub page: Page,
    pub plan: Plan,
    /// MO-1, MO-5, MO-6 in full, then WA-10.
    pub cards: Vec<&'static Card>,
    /// The MO-4 reflection as written: (question, answer), and when.
    pub reflection: Vec<(&'static str, String)>,
    pub reflected_at: Option<String>,
    /// The MO-4 form, when nothing is written yet.
    pub form: Option<FormView>,
}

pub async fn show(ctx: Ctx) -> Answer {
    let plan = ctx.plan().await?;
    let def = FormId::Reflection.form();
    let page = ctx.page("Moving on", "moving-on");
    let (reflection, reflected_at, form) = match latest(&ctx, FormId::Reflection).await? {
        Some((at, answers)) => (
            def.questions
                .iter()
                .filter_map(|q| answers.get(q.id).map(|a| (q.prompt, a.to_string())))
                .collect(),
            Some(page.when(&at)),
            None,
        ),
        None => {
            let form = FormView::new(
                def,
                "/assess/reflection",
                "reflection",
                &Answers::new(),
                &[],
            );
            (Vec::new(), None, Some(form.submit("Keep my reflection")))
        }
    };
    let cards = ["MO-1", "MO-5", "MO-6", "WA-10"];
    Ok(render(&MovingOnPage {
        page,
        plan,
        cards: cards
            .iter()
            .filter_map(|id| guidance::card_for(id))
            .collect(),
        reflection,
        reflected_at,
        form,
    }))
}
