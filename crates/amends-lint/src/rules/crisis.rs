//! L-28 (SAFE-3): self-harm language sets `crisis`, in every kind, the journal included.
//! L-11 (SAFE-4): threats to the person, to people and animals around them, to their things,
//! job or name, in every kind, the journal included.

use super::phrase::emit_all;
use super::{Cx, Rule, cues};
use crate::report::{Finding, Span};

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
///
/// Self-harm used as leverage ("if you leave I'll...", "block me and I'll take every pill")
/// is also pressure (L-9): a `leverage` cue within a sentence of a self-harm finding adds a
/// `pressure` finding on the leverage words, in the kinds L-9 checks (it blocks sending).
pub struct SelfHarm;

impl Rule for SelfHarm {
    fn id(&self) -> &'static str {
        "self-harm"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let before = out.len();
        phrases_and_cues(cx, out);
        let found: Vec<Span> = out[before..].iter().map(|f| f.span).collect();
        leverage(cx, &found, out);
    }
}

/// L-11 (SAFE-4): threats, ultimatums and blackmail. Phrases ("you'll regret it", "I know
/// where you live") and cue classes that only threaten together (a first-person intent, an
/// act of violence or damage, and someone or something of theirs: "imma kill him", "your car
/// I will destroy it"), from `lexicons/rules/threat.toml`. Runs on the journal too, so the app
/// can offer the help that fits someone worried about their own anger (never sent, but it
/// blocks like everywhere else).
pub struct Threat;

impl Rule for Threat {
    fn id(&self) -> &'static str {
        "threat"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        phrases_and_cues(cx, out);
    }
}

/// Every phrase hit, then one finding per cue co-occurrence that no phrase finding covers.
fn phrases_and_cues(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let before = out.len();
    emit_all(cx, out, |_| true);
    // The phrase findings, in text order; `emit_all` already skipped overlapping hits.
    let mut shown: Vec<_> = out[before..].iter().map(|f| f.span).collect();
    shown.sort_by_key(|s| (s.start, s.end));
    for span in cues::co_occurrences(cx) {
        // Words a phrase already flagged need no second finding.
        if let Some(at) = cues::free_slot(&shown, span) {
            shown.insert(at, span);
            cx.emit(out, span, None);
        }
    }
}

/// Sentences either side of a self-harm finding that a leverage cue may sit in.
const LEVERAGE_REACH: usize = 1;

/// Adds a `pressure` finding (L-9) for each `leverage` cue within [`LEVERAGE_REACH`]
/// sentences of a self-harm finding, when the kind is one L-9 checks.
fn leverage(cx: &Cx<'_>, found: &[Span], out: &mut Vec<Finding>) {
    if found.is_empty() {
        return;
    }
    let Some(class) = cx.lexicon.cue_classes.iter().position(|c| c == "leverage") else {
        return;
    };
    let sentences = cx.doc.sentences();
    let sentence_of = |at: usize| sentences.partition_point(|s| s.span.end <= at);
    let crisis: Vec<usize> = found.iter().map(|s| sentence_of(s.start)).collect();
    let mut last_end = 0;
    for h in cx.own_hits() {
        let is_leverage = cx
            .lexicon
            .groups
            .get(usize::from(h.group))
            .and_then(|g| g.cue)
            .is_some_and(|c| usize::from(c) == class);
        if !is_leverage || h.span.start < last_end {
            continue;
        }
        if crisis
            .iter()
            .any(|&s| s.abs_diff(h.sentence) <= LEVERAGE_REACH)
        {
            cx.emit_for(out, "pressure", h.span, "leverage");
            last_end = h.span.end;
        }
    }
}
