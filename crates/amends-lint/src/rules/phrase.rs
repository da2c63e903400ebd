//! Rules that are their lexicon: every surviving phrase hit is a finding.

use super::{Cx, Rule};
use crate::report::Finding;

/// A rule whose findings are exactly the hits of its lexicon: L-3 excuse, L-4 blame-shift,
/// L-5, L-6, L-7, L-9, L-10, L-12, L-14, L-15, L-17, L-18, L-19, L-20, L-22, L-27
/// (L-11 and L-28 are `crisis::Threat` and `crisis::SelfHarm`: phrases plus cue classes).
/// The lexicon file decides what counts; negation, quotation, reported speech and
/// hypotheticals are filtered by the engine according to the file's `ignore_when`.
pub struct PhraseRule(pub &'static str);

impl Rule for PhraseRule {
    fn id(&self) -> &'static str {
        self.0
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        emit_all(cx, out, |_| true);
    }
}

/// Emits one finding per hit that `keep` accepts, skipping hits that overlap the previous one
/// (two groups matching the same words make one finding, with the first group's message).
/// Hits of cue groups are evidence for `[[combine]]` tables, never findings on their own
/// (see `cues.rs`).
pub(crate) fn emit_all(cx: &Cx<'_>, out: &mut Vec<Finding>, keep: impl Fn(u16) -> bool) -> bool {
    let mut last_end = 0usize;
    let mut any = false;
    for h in cx.own_hits() {
        let cue = cx
            .lexicon
            .groups
            .get(usize::from(h.group))
            .is_some_and(|g| g.cue.is_some());
        if cue || !keep(h.group) || (any && h.norm_start < last_end) {
            continue;
        }
        cx.emit(out, h.span, Some(h.group));
        last_end = h.norm_end;
        any = true;
    }
    any
}

/// L-1 (AP-2): "sorry for everything" and friends always; softer vague admissions ("I messed
/// up") only when no concrete act is named anywhere; and a bare "sorry" when the draft never
/// says what for.
pub struct VagueApology;

impl Rule for VagueApology {
    fn id(&self) -> &'static str {
        "vague-apology"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let has_act = cx.has_component("specific_action");
        let soft = cx.group("soft");
        let fired = emit_all(cx, out, |g| !(Some(g) == soft && has_act));
        // With the learned scorer compiled in, a bare "sorry" is read in context by the model
        // (issue 10): the rule keeps its phrases, and the model adds the bare case.
        if !fired
            && !cx.engine.has_model()
            && !has_act
            && let Some(span) = cx
                .component("remorse")
                .and_then(|c| c.spans.first().copied())
        {
            cx.emit(out, span, cx.group("bare"));
        }
    }
}
