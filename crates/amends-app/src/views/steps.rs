//! Where a next step of the plan leads (issue 13): the page of the web app each typed
//! [`Action`] opens, mapped here once so a front end only renders it. The CLI shows the same
//! action as its command (`Action`'s `Display`), so it needs no mapping of its own.

use amends_core::plan::Action;
use amends_core::{FormId, forms};

use super::slug;

/// The page a next step opens; the Today screen for a step with nothing to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepPage {
    Today,
    /// A questionnaire's form (the MO-4 reflection has its own page, [`StepPage::MovingOn`]).
    Form(FormId),
    MovingOn,
    /// The workbook, at the section to write when the step names one the core knows.
    Workbook(Option<&'static str>),
    SelfWork,
    NoContact,
    Promises,
    Amends,
    Journal,
}

impl StepPage {
    pub fn of(action: Option<Action>) -> StepPage {
        match action {
            None => StepPage::Today,
            Some(Action::Assess(FormId::Reflection)) => StepPage::MovingOn,
            Some(Action::Assess(form)) => StepPage::Form(form),
            Some(Action::Workbook(section)) => {
                StepPage::Workbook(forms::workbook_section(section).ok().map(|s| s.id))
            }
            Some(Action::Habit(_)) => StepPage::SelfWork,
            Some(Action::LogUrge) => StepPage::NoContact,
            Some(Action::PromiseList) => StepPage::Promises,
            Some(Action::AmendsList) => StepPage::Amends,
            Some(Action::JournalAdd) => StepPage::Journal,
        }
    }
}

/// The anchor of a workbook section's form on the workbook page.
pub fn workbook_anchor(section: &str) -> String {
    format!("wb-{section}")
}

/// The page's address, as a link's `href`.
impl std::fmt::Display for StepPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = match self {
            StepPage::Today => "/",
            StepPage::Form(form) => return write!(f, "/assess/{}", slug(*form)),
            StepPage::MovingOn => "/moving-on",
            StepPage::Workbook(Some(section)) => {
                return write!(f, "/workbook#{}", workbook_anchor(section));
            }
            StepPage::Workbook(None) => "/workbook",
            StepPage::SelfWork => "/self-work",
            StepPage::NoContact => "/no-contact",
            StepPage::Promises => "/promises",
            StepPage::Amends => "/amends",
            StepPage::Journal => "/journal",
        };
        f.write_str(path)
    }
}
