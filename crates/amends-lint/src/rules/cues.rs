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

/// Every co-occurrence of the lexicon's `[[combine]]` tables in the draft, in text order, one
/// per place (a place already covered by an earlier table or anchor is not reported twice).
/// Each span runs from the first word of the first hit to the last word of the last, in the
/// original text.
pub(crate) fn co_occurrences(cx: &Cx<'_>) -> Vec<Span> {
    let lexicon = cx.lexicon;
    let own = cx.own_hits();
    // Every place of the list below is filled; the first hit only stands in until then.
    let Some(first) = own.first() else {
        return Vec::new();
    };
    if lexicon.combines.is_empty() {
        return Vec::new();
    }
    // Hits per class, in text order (the engine sorts a lexicon's hits by start), and the
    // longest hit of each class in words, which bounds how far back a near one can start.
    // Counted first, then placed in one list (a list per class grew push by push, most of
    // this function's time; issue 10, round 10 part 2).
    let classes = lexicon.cue_classes.len();
    let class_of = |h: &Hit| {
        lexicon
            .groups
            .get(usize::from(h.group))
            .and_then(|g| g.cue)
            .map(usize::from)
            .filter(|&c| c < classes)
    };
    let mut off = vec![0usize; classes + 1];
    let mut longest = vec![0usize; classes];
    for h in own {
        if let Some(c) = class_of(h) {
            off[c + 1] += 1;
            longest[c] = longest[c].max(h.last_token - h.first_token);
        }
    }
    for c in 0..classes {
        off[c + 1] += off[c];
    }
    let mut flat: Vec<&Hit> = vec![first; off[classes]];
    let mut fill = off.clone();
    for h in own {
        if let Some(c) = class_of(h) {
            flat[fill[c]] = h;
            fill[c] += 1;
        }
    }
    let by_class = Classes {
        hits: &flat,
        off,
        longest,
    };
    let mut out: Vec<Span> = Vec::new();
    let mut chosen: Vec<&Hit> = Vec::new();
    for combine in &lexicon.combines {
        let Some((first, rest)) = combine.all.split_first() else {
            continue;
        };
        let anchors = first.iter().flat_map(|&c| by_class.of(c).iter());
        for &anchor in anchors {
            chosen.clear();
            chosen.push(anchor);
            if !complete(&by_class, combine, rest, &mut chosen) {
                continue;
            }
            let span = Span::new(
                chosen.iter().map(|h| h.span.start).min().unwrap_or(0),
                chosen.iter().map(|h| h.span.end).max().unwrap_or(0),
            );
            if let Some(at) = free_slot(&out, span) {
                out.insert(at, span);
            }
        }
    }
    out
}

/// Where `span` goes in `spans` (sorted, none overlapping) if it overlaps none of them: a
/// binary search, so a long text with thousands of findings stays fast.
pub(crate) fn free_slot(spans: &[Span], span: Span) -> Option<usize> {
    let at = spans.partition_point(|o| o.end <= span.start);
    match spans.get(at) {
        Some(o) if o.start < span.end => None,
        _ => Some(at),
    }
}

/// Extends `chosen` with one hit for each entry of `entries` (of any of the entry's classes)
/// so that all of them fit in the table's window, share no words and have no everyday reason
/// next to them; backtracks over the candidates near the ones already chosen, so a defused
/// pairing ("motorway" near "traffic") does not hide a good one ("oncoming traffic").
fn complete<'h>(
    by_class: &Classes<'h>,
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
        let hits = by_class.of(class);
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
    by_class: &Classes<'_>,
    combine: &Combine,
    chosen: &[&Hit],
    lo: usize,
    hi: usize,
) -> bool {
    let window = combine.window;
    combine.unless.iter().any(|&c| {
        let hits = by_class.of(c);
        let c = usize::from(c);
        // Hits are in text order: a near one starts after `lo - window - longest` and before
        // `hi + window`, so a long text full of everyday words costs two binary searches.
        let reach = window + by_class.longest[c];
        let start = hits.partition_point(|h| h.first_token + reach < lo);
        let end = hits.partition_point(|h| h.first_token <= hi + window);
        hits[start..end.max(start)]
            .iter()
            .any(|h| h.last_token + window >= lo && !shares_words(chosen, h))
    })
}

/// The rule's cue hits by class.
struct Classes<'h> {
    /// Hits of each class, in text order: class `c`'s are `hits[off[c]..off[c + 1]]`.
    hits: &'h [&'h Hit],
    off: Vec<usize>,
    /// The longest hit of each class, in words after its first.
    longest: Vec<usize>,
}

impl<'h> Classes<'h> {
    /// The hits of class `c`, in text order (none for a class the lexicon does not have).
    fn of(&self, c: u16) -> &'h [&'h Hit] {
        let c = usize::from(c);
        match (self.off.get(c), self.off.get(c + 1)) {
            (Some(&a), Some(&b)) => &self.hits[a..b],
            _ => &[],
        }
    }
}
