//! Rules about what a draft holds as a whole: missing elements, length, proportions.

use super::{Cx, Rule};
use crate::report::{Finding, Span};

/// L-2 (AP-2, AP-3): the act is named but nothing says what it did to them.
pub struct MissingImpact;

impl Rule for MissingImpact {
    fn id(&self) -> &'static str {
        "missing-impact"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        if cx.has_component("impact") {
            return;
        }
        if let Some(span) = cx
            .component("specific_action")
            .and_then(|c| c.spans.first().copied())
        {
            cx.emit(out, span, None);
        }
    }
}

/// L-8 (EM-3): retelling the wrong. A sentence retells when it holds a narrative cue ("that
/// night", "and then", "at the hotel"). The rule fires at three retelling sentences, or at two
/// when they make up more than a quarter of the text (the threshold is ours, METHOD.md L-8).
pub struct Dwelling;

impl Rule for Dwelling {
    fn id(&self) -> &'static str {
        "dwelling"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let sentences = cx.doc.sentences();
        if sentences.is_empty() {
            return;
        }
        let mut retelling: Vec<usize> = cx.own_hits().iter().map(|h| h.sentence).collect();
        retelling.dedup();
        let total: usize = sentences.iter().map(|s| s.span.len()).sum();
        let told: usize = retelling.iter().map(|&i| sentences[i].span.len()).sum();
        let n = retelling.len();
        if n >= 3 || (n >= 2 && told * 4 > total) {
            let first = sentences[retelling[0]].span;
            let pct = told * 100 / total.max(1);
            let msg = format!(
                "{} sentences ({pct}% of the text) retell what happened. {}",
                n, cx.lexicon.message
            );
            cx.emit_message(out, first, None, msg);
        }
    }
}

/// Lists the labels of missing items, joined for a sentence.
fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => (*a).to_owned(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

/// One finding at `span` listing what is `missing` in the rule's message; none when nothing is.
fn emit_missing(cx: &Cx<'_>, out: &mut Vec<Finding>, span: Span, missing: &[&str]) {
    if missing.is_empty() {
        return;
    }
    let msg = cx.lexicon.message.replace("{missing}", &join(missing));
    cx.emit_message(out, span, None, msg);
}

/// L-23 (AP-2..AP-6, AP-11): the elements of an apology. Impact is listed here only when the
/// act is missing too; otherwise L-2 already says it, more strongly.
pub struct ApologyElements;

impl Rule for ApologyElements {
    fn id(&self) -> &'static str {
        "apology-elements"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let has_act = cx.has_component("specific_action");
        let mut missing = Vec::new();
        if !has_act {
            missing.push("the specific thing you did");
            if !cx.has_component("impact") {
                missing.push("how it affected them");
            }
        }
        if !cx.has_component("remorse") {
            missing.push("regret, or what you would do differently");
        }
        if !cx.has_component("responsibility") {
            missing.push("plain ownership (it was your doing, without excuse)");
        }
        // Issue 10: a promise not to repeat it, or a plan of steps, is the change AP-11 asks
        // for as much as an offer to put it right.
        if !cx.has_component("repair") && !cx.has_component("commitment") {
            missing.push("a concrete step you have taken or an offer to make it right");
        }
        emit_missing(cx, out, cx.lead_span(), &missing);
    }
}

/// L-24 (RC-7, RC-8, RC-9, TR-7): the elements of asking for another chance.
pub struct RequestElements;

impl Rule for RequestElements {
    fn id(&self) -> &'static str {
        "request-elements"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let mut missing = Vec::new();
        if !cx.has_component("clear_wish") {
            missing.push("a plain statement of what you hope for");
        }
        if !cx.has_component("impact") {
            missing.push("the hurt you caused");
        }
        if !cx.has_component("acknowledges_hesitation") {
            missing.push("room for them to need time or to say no");
        }
        if !cx.has_component("self_work_regardless") {
            missing.push("that your self-work goes on whatever they decide");
        }
        if !cx.has_component("invites_needs") {
            missing.push("an invitation to say what they would need");
        }
        emit_missing(cx, out, cx.lead_span(), &missing);
    }
}

/// Paragraphs shorter than this at the end of a letter are sign-offs.
const SIGN_OFF_WORDS: usize = 6;

/// L-25 (EM-5): the closing of the explanatory email, checked in its last paragraph (or its
/// last four sentences when it has one paragraph).
pub struct EmailClosing;

impl Rule for EmailClosing {
    fn id(&self) -> &'static str {
        "email-closing"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let sentences = cx.doc.sentences();
        let Some(last) = sentences.last() else {
            return;
        };
        let first_closing = if cx.doc.paragraph_count() >= 2 {
            // A sign-off ("Alex", "Love, Sam") is not the closing: take the last paragraph
            // with some substance, and everything after it.
            let mut words = vec![0usize; last.paragraph + 1];
            for s in sentences {
                words[s.paragraph] += s.end_token - s.first_token;
            }
            let para = (0..=last.paragraph)
                .rev()
                .find(|&p| words[p] >= SIGN_OFF_WORDS)
                .unwrap_or(last.paragraph);
            sentences
                .iter()
                .position(|s| s.paragraph == para)
                .unwrap_or(0)
        } else {
            sentences.len().saturating_sub(4)
        };
        let mut missing = Vec::new();
        for (gi, g) in cx.lexicon.groups.iter().enumerate() {
            let Some(label) = g.label.as_deref() else {
                continue;
            };
            let present = cx
                .own_hits()
                .iter()
                .any(|h| usize::from(h.group) == gi && h.sentence >= first_closing);
            if !present {
                missing.push(label);
            }
        }
        let span = Span::new(sentences[first_closing].span.start, last.span.end);
        emit_missing(cx, out, span, &missing);
    }
}

/// Word limit for a first message (ours, L-26).
const FIRST_MESSAGE_WORDS: usize = 50;

/// L-26 (RC-3, C3): a first message after no contact is short, one paragraph, light, carries a
/// pleasant memory or good wish, asks nothing, apologises for nothing, and leaves the
/// relationship out.
pub struct FirstMessageShape;

impl Rule for FirstMessageShape {
    fn id(&self) -> &'static str {
        "first-message-shape"
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc;
        let sentences = doc.sentences();
        if sentences.is_empty() {
            return;
        }
        let words = doc.word_count();
        if words > FIRST_MESSAGE_WORDS {
            let from = doc.tokens()[FIRST_MESSAGE_WORDS].span.start;
            let end = sentences.last().map_or(from, |s| s.span.end);
            let msg = format!(
                "This first message is {words} words; {}",
                group_message(cx, "length")
            );
            cx.emit_message(out, Span::new(from, end), cx.group("length"), msg);
        }
        if doc.paragraph_count() > 1
            && let Some(s) = sentences.iter().find(|s| s.paragraph == 1)
        {
            cx.emit(out, s.span, cx.group("paragraphs"));
        }
        let question = cx.group("question");
        let goodwill = cx.group("goodwill");
        let mut asked: Vec<usize> = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            if doc.slice(s.span).contains('?') {
                asked.push(i);
                cx.emit(out, s.span, question);
            }
        }
        let mut has_goodwill = false;
        for h in cx.own_hits() {
            if Some(h.group) == goodwill {
                has_goodwill = true;
                continue;
            }
            if Some(h.group) == question && asked.contains(&h.sentence) {
                continue;
            }
            cx.emit(out, h.span, Some(h.group));
        }
        if !has_goodwill {
            cx.emit(out, cx.lead_span(), goodwill);
        }
    }
}

fn group_message(cx: &Cx<'_>, name: &str) -> String {
    cx.group(name)
        .and_then(|g| cx.lexicon.groups.get(usize::from(g)))
        .and_then(|g| g.message.clone())
        .unwrap_or_else(|| cx.lexicon.message.clone())
}
