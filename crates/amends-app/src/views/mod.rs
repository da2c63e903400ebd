//! Page models: what each screen of a front end shows, built from a [`crate::CaseSnapshot`] or
//! from the core's definitions, so a front end only maps a request onto one call here and the
//! answer onto a template (issue 13). Nothing here knows about HTML; the wording the pages and
//! the API share lives here once.

pub mod charts;
pub mod form;
pub mod frame;
pub mod labels;
pub mod outcomes;
pub mod pages;
pub mod steps;

pub use form::{FormView, form_by_slug, slug};
pub use frame::Frame;
pub use steps::StepPage;

/// An error from below as a sentence for a page: capitalised, with a full stop. The app's
/// messages are written to be read after "error:" on a terminal, in lower case.
pub fn sentence(e: &impl std::fmt::Display) -> String {
    let mut out = capitalise(e.to_string().trim());
    if !out.is_empty() && !out.ends_with(['.', '!', '?', ')', '"', '\u{201d}']) {
        out.push('.');
    }
    out
}

/// The same words with a capital first letter.
pub fn capitalise(s: &str) -> String {
    crate::error::capitalise(s)
}
