//! The cue-class layer (first used by L-28, SAFE-3): a lexicon's `cue` groups are evidence,
//! not findings, and its `[[combine]]` tables say which classes of evidence, close together,
//! make one. "A bridge" and "I slow down every time I cross it" are each harmless; within a
//! sentence of each other they are a person lingering at a way to die. Listing every such
//! sentence as a phrase generalises poorly (the lexicon only knows the sentences someone
//! thought of), and multiplying the classes out as phrase alternatives would blow up the
//! phrase tables; combining small classes per check does neither.
//!
//! Cost per check: one pass over the rule's own hits (already found by the trie walk), then,
//! for each hit of a table's first class, a binary search for the nearby hits of the others.
//! No regex, nothing built at start-up.

use super::Cx;
use crate::engine::Hit;
use crate::lexicon::Combine;
use crate::report::Span;

/// Every co-occurrence of the lexicon's `[[combine]]` tables in the draft, in table order,
/// one per place (a place already covered by an earlier one is not reported twice). Each
/// span runs from the first word of the first hit to the last word of the last, in the
/// original text.
pub(crate) fn co_occurrences(cx: &Cx<'_>) -> Vec<Span> {
    let lexicon = cx.lexicon;
    if lexicon.combines.is_empty() {
        return Vec::new();
    }
    // Hits per class, in text order (the engine sorts a lexicon's hits by start).
    let mut by_class: Vec<Vec<&Hit>> = vec![Vec::new(); lexicon.cue_classes.len()];
    for h in cx.own_hits() {
        if let Some(c) = lexicon.groups.get(usize::from(h.group)).and_then(|g| g.cue) {
            by_class[usize::from(c)].push(h);
        }
    }
    let mut out: Vec<Span> = Vec::new();
    for combine in &lexicon.combines {
        let Some((first, rest)) = combine.all.split_first() else {
            continue;
        };
        let anchors = first.iter().flat_map(|&c| by_class[usize::from(c)].iter());
        for &anchor in anchors {
            let mut chosen = vec![anchor];
            if !complete(&by_class, combine, rest, &mut chosen) {
                continue;
            }
            let span = Span::new(
                chosen.iter().map(|h| h.span.start).min().unwrap_or(0),
                chosen.iter().map(|h| h.span.end).max().unwrap_or(0),
            );
            if out.iter().any(|o| o.start < span.end && span.start < o.end) {
                continue;
            }
            out.push(span);
        }
    }
    out
}

/// Extends `chosen` with one hit for each entry of `entries` (of any of the entry's classes)
/// so that all of them fit in the table's window, share no words and have no everyday reason
/// next to them; backtracks over the candidates near the ones already chosen, so a defused
/// pairing ("motorway" near "traffic") does not hide a good one ("oncoming traffic").
fn complete<'h>(
    by_class: &[Vec<&'h Hit>],
    combine: &Combine,
    entries: &[Vec<u16>],
    chosen: &mut Vec<&'h Hit>,
) -> bool {
    let window = combine.window;
    let lo = chosen.iter().map(|h| h.first_token).min().unwrap_or(0);
    let hi = chosen.iter().map(|h| h.last_token).max().unwrap_or(0);
    let Some((entry, rest)) = entries.split_first() else {
        return !defused(by_class, combine, chosen, lo, hi);
    };
    for &class in entry {
        let hits = &by_class[usize::from(class)];
        // Candidates start no earlier than `window` words before the chosen ones end.
        let from = hits.partition_point(|h| h.first_token + window <= hi);
        for &h in &hits[from..] {
            if h.first_token >= lo + window {
                break;
            }
            let new_lo = lo.min(h.first_token);
            let new_hi = hi.max(h.last_token);
            if new_hi - new_lo + 1 > window || shares_words(chosen, h) {
                continue;
            }
            chosen.push(h);
            if complete(by_class, combine, rest, chosen) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}

/// Does `h` share a word with one of the chosen hits?
fn shares_words(chosen: &[&Hit], h: &Hit) -> bool {
    chosen
        .iter()
        .any(|c| c.first_token <= h.last_token && h.first_token <= c.last_token)
}

/// Is there a hit of one of the table's `unless` classes (an alibi, an everyday use) within
/// `window` words of the tokens `lo..=hi`? Such hits were already dropped when negated ("I'm
/// not working that week" is no alibi) by their groups' `ignore_when`. A hit on the cue's own
/// words does not count: "oncoming traffic" is a way to die, not a traffic jam.
fn defused(
    by_class: &[Vec<&Hit>],
    combine: &Combine,
    chosen: &[&Hit],
    lo: usize,
    hi: usize,
) -> bool {
    combine.unless.iter().any(|&c| {
        by_class[usize::from(c)].iter().any(|h| {
            h.last_token + combine.window >= lo
                && h.first_token <= hi + combine.window
                && !shares_words(chosen, h)
        })
    })
}
