//! L-28 (SAFE-3): self-harm language sets `crisis`, in every kind, the journal included.

use super::phrase::emit_all;
use super::{Cx, Rule, cues};
use crate::report::Finding;

/// L-28 (SAFE-3): words suggesting the writer may harm themselves or not want to live. Two
/// layers, both from `lexicons/rules/self-harm.toml`:
///
/// - phrases that say it outright or nearly ("I want to die", "everyone would be better off
///   without me"): every hit is a finding, as for a [`super::phrase::PhraseRule`];
/// - cue classes that only say it together (a way to die and lingering near it, pills and
///   saving them up, a day named and "I won't be around for it" with no ordinary reason):
///   each `[[combine]]` co-occurrence is a finding, spanning the words that show it.
///
/// Biased to recall: a missed crisis costs far more than a gentle pause shown by mistake, so
/// no filter clears the phrases, and a co-occurrence is only set aside by an everyday reason
/// named right next to it ("...I'm working abroad that week").
pub struct SelfHarm;

impl Rule for SelfHarm {
    fn id(&self) -> &'static str {
        "self-harm"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let before = out.len();
        emit_all(cx, out, |_| true);
        // The phrase findings, in text order; `emit_all` already skipped overlapping hits.
        let mut shown: Vec<_> = out[before..].iter().map(|f| f.span).collect();
        shown.sort_by_key(|s| (s.start, s.end));
        for span in cues::co_occurrences(cx) {
            // Words a phrase already flagged need no second finding.
            if cues::free_slot(&shown, span).is_some() {
                cx.emit(out, span, None);
            }
        }
    }
}
