//! Makes the phrase tables that `tables.rs` reads: expands every phrase, interns the literal
//! forms, and lays out the phrases and the byte trie as one little-endian blob.
//!
//! The build script runs it (`build.rs` compiles this file); in the crate it exists only for
//! the test that rebuilds the tables from the lexicons as the crate parses them. Std only.

use std::collections::HashMap;

/// The phrases of one lexicon, in the order `lexicon::load` returns them:
/// `(group index, phrase source, gap)`.
pub type LexiconPhrases = Vec<(u16, String, usize)>;

/// One expanded phrase: its lexicon and group, its gap, and the pattern ids of each segment
/// after the first (sorted, de-duplicated).
#[derive(Debug, PartialEq, Eq)]
pub struct PhraseRow {
    pub lex: u16,
    pub group: u16,
    pub gap: usize,
    pub rest: Vec<Vec<u32>>,
}

/// The tables as the builder makes them (build script, and tests that rebuild them).
#[derive(Debug, Default)]
pub struct Built {
    /// Literal patterns, by id.
    pub patterns: Vec<String>,
    /// Whether the pattern's last word may continue (`*`).
    pub pat_prefix: Vec<bool>,
    /// For each pattern, the phrases whose first segment it is, ascending.
    pub starts: Vec<Vec<u32>>,
    pub phrases: Vec<PhraseRow>,
    /// Phrase sources per lexicon: the engine checks these against the lexicons it loads.
    pub sources: Vec<u32>,
    pat_ids: HashMap<(String, bool), u32>,
}

impl Built {
    fn intern(&mut self, form: &str, prefix: bool) -> Result<u32, String> {
        let key = (form.to_owned(), prefix);
        if let Some(&id) = self.pat_ids.get(&key) {
            return Ok(id);
        }
        if form.is_empty() {
            return Err("an empty pattern".into());
        }
        let id = u32::try_from(self.patterns.len()).map_err(|_| "too many patterns")?;
        self.patterns.push(form.to_owned());
        self.pat_prefix.push(prefix);
        self.starts.push(Vec::new());
        self.pat_ids.insert(key, id);
        Ok(id)
    }
}

/// Expands every phrase of every lexicon and interns the literal forms. Ids follow first use,
/// lexicon by lexicon and phrase by phrase, so the tables are the same on every build.
/// Errors name the lexicon file.
pub fn build(lexicons: &[(&str, LexiconPhrases)]) -> Result<Built, String> {
    let mut b = Built::default();
    for (lex, (file, phrases)) in lexicons.iter().enumerate() {
        let lex = u16::try_from(lex).map_err(|_| "too many lexicons")?;
        b.sources
            .push(u32::try_from(phrases.len()).map_err(|_| "too many phrases")?);
        for (group, src, gap) in phrases {
            u32::try_from(*gap).map_err(|_| format!("lexicon {file}: gap {gap} is too large"))?;
            let alts = crate::words::expand(src).map_err(|e| format!("lexicon {file}: {e}"))?;
            for segs in alts {
                let pi = u32::try_from(b.phrases.len()).map_err(|_| "too many phrases")?;
                let mut first = Vec::new();
                let mut rest = Vec::new();
                for (k, seg) in segs.iter().enumerate() {
                    let mut ids = Vec::with_capacity(seg.forms.len());
                    for form in &seg.forms {
                        ids.push(
                            b.intern(form, seg.prefix)
                                .map_err(|e| format!("lexicon {file}: {e} in {src:?}"))?,
                        );
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    if k == 0 {
                        first = ids;
                    } else {
                        rest.push(ids);
                    }
                }
                for id in first {
                    if let Some(s) = b.starts.get_mut(id as usize) {
                        s.push(pi);
                    }
                }
                b.phrases.push(PhraseRow {
                    lex,
                    group: *group,
                    gap: *gap,
                    rest,
                });
            }
        }
    }
    let mut used = [false; 256];
    for p in &b.patterns {
        for &c in p.as_bytes() {
            used[usize::from(c)] = true;
        }
    }
    let bytes = used.iter().filter(|&&u| u).count();
    if bytes > 64 {
        return Err(format!(
            "the phrases use {bytes} different bytes; a trie node marks its children in 64 bits \
             (tables::Node), so either fold the new characters in Document's normalisation or \
             widen the node"
        ));
    }
    Ok(b)
}

fn put_u32s(out: &mut Vec<u8>, v: impl ExactSizeIterator<Item = u32>) {
    out.extend((v.len() as u32).to_le_bytes());
    for x in v {
        out.extend(x.to_le_bytes());
    }
}

fn put_u8s(out: &mut Vec<u8>, v: &[u8]) {
    out.extend((v.len() as u32).to_le_bytes());
    out.extend(v);
}

/// Offsets of a list of lists (`off[i]..off[i + 1]` is list `i`).
fn offsets<T>(lists: &[Vec<T>]) -> Vec<u32> {
    let mut off = Vec::with_capacity(lists.len() + 1);
    let mut n = 0u32;
    off.push(0);
    for l in lists {
        n += l.len() as u32;
        off.push(n);
    }
    off
}

/// The byte trie over the patterns, as the walk reads it (`tables::Node`): per node the set
/// of its children's bytes as bits of their class (the byte's rank in the alphabet the
/// patterns use), its first child, and where its outputs start in `out`; one node more at
/// the end ends the last outputs. Node 0 is the root.
///
/// A node's children have consecutive ids in ascending byte order, so a child is found by its
/// rank among the set bits. The ids are given depth first, a node's children as one block when
/// the node is reached: a chain of single children (most of the trie: the long phrases) then
/// lies in consecutive nodes, and the walk reads on along a cache line instead of jumping across
/// the table at every byte, as it did with ids given breadth first. The nodes of the first two
/// words of the patterns are numbered before all others (see below).
struct TrieOut {
    class: Vec<u8>,
    bits: Vec<u64>,
    child: Vec<u32>,
    out_off: Vec<u32>,
    out: Vec<u32>,
}

fn trie(patterns: &[String]) -> TrieOut {
    // Insertion trie first (children kept sorted), then renumbered.
    let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
    let mut outputs: Vec<Vec<u32>> = vec![Vec::new()];
    let mut class = vec![crate::tables::NO_CLASS; 256];
    for (id, p) in patterns.iter().enumerate() {
        let mut node = 0usize;
        for &b in p.as_bytes() {
            class[usize::from(b)] = 0;
            let next = match children[node].binary_search_by_key(&b, |&(l, _)| l) {
                Ok(i) => children[node][i].1 as usize,
                Err(i) => {
                    let n = children.len();
                    children[node].insert(i, (b, n as u32));
                    children.push(Vec::new());
                    outputs.push(Vec::new());
                    n
                }
            };
            node = next;
        }
        outputs[node].push(id as u32);
    }
    // Classes in byte order (`build` checked there are at most 64).
    for (next, c) in class.iter_mut().filter(|c| **c == 0).enumerate() {
        *c = next as u8;
    }
    let n = children.len();
    // New id -> old id; a node's block of children is numbered when it is taken off the stack.
    let mut order = vec![0u32];
    let mut bits = vec![0u64; n];
    let mut child = vec![0u32; n];
    // Spaces on the way to each node (by new id): its word, counted from the pattern's start.
    let mut words = vec![0u8; n];
    // The nodes of the first two words of every pattern are numbered first, depth first among
    // themselves, and the rest after: nearly every walk ends in the second word, so the nodes
    // walks visit share cache lines with each other rather than with the long tails of phrases
    // that few walks reach.
    let (mut stack, mut later) = (vec![0usize], Vec::new());
    while let Some(id) = stack.pop().or_else(|| {
        stack.append(&mut later);
        stack.pop()
    }) {
        let kids = &children[order[id] as usize];
        if kids.is_empty() {
            continue;
        }
        let start = order.len();
        child[id] = start as u32;
        for &(b, c) in kids {
            bits[id] |= 1 << class[usize::from(b)];
            order.push(c);
            words[order.len() - 1] = words[id].saturating_add(u8::from(b == b' '));
        }
        // The first child is numbered next.
        for k in (start..order.len()).rev() {
            if words[k] <= 1 || words[id] > 1 {
                stack.push(k);
            } else {
                later.push(k);
            }
        }
    }
    let outs: Vec<Vec<u32>> = order.iter().map(|&n| outputs[n as usize].clone()).collect();
    TrieOut {
        class,
        bits,
        child,
        out_off: offsets(&outs),
        out: outs.into_iter().flatten().collect(),
    }
}

/// The blob the build script writes: magic, then length-prefixed arrays in a fixed order.
pub fn encode(b: &Built) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(crate::tables::MAGIC.to_le_bytes());
    put_u32s(&mut out, b.sources.iter().copied());
    let prefix: Vec<u8> = b.pat_prefix.iter().map(|&p| u8::from(p)).collect();
    put_u8s(&mut out, &prefix);
    put_u32s(&mut out, offsets(&b.starts).into_iter());
    put_u32s(
        &mut out,
        b.starts
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .into_iter(),
    );
    put_u32s(
        &mut out,
        b.phrases
            .iter()
            .map(|p| (u32::from(p.lex) << 16) | u32::from(p.group)),
    );
    put_u32s(&mut out, b.phrases.iter().map(|p| p.gap as u32));
    let rests: Vec<Vec<Vec<u32>>> = b.phrases.iter().map(|p| p.rest.clone()).collect();
    put_u32s(&mut out, offsets(&rests).into_iter());
    let segs: Vec<Vec<u32>> = rests.into_iter().flatten().collect();
    put_u32s(&mut out, offsets(&segs).into_iter());
    put_u32s(
        &mut out,
        segs.into_iter().flatten().collect::<Vec<_>>().into_iter(),
    );
    let t = trie(&b.patterns);
    put_u8s(&mut out, &t.class);
    // The nodes as `tables::Node` lays them out, the sentinel last, so that reading them is a
    // copy (the first version computed the bits at start-up: 15 ms of a cold check).
    let mut nodes = Vec::with_capacity(16 * (t.bits.len() + 1));
    for (i, &off) in t.out_off.iter().enumerate() {
        nodes.extend(t.bits.get(i).copied().unwrap_or(0).to_le_bytes());
        nodes.extend(t.child.get(i).copied().unwrap_or(0).to_le_bytes());
        nodes.extend(off.to_le_bytes());
    }
    put_u8s(&mut out, &nodes);
    put_u32s(&mut out, t.out.into_iter());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trie node marks its children in 64 bits (`tables::Node`): phrases that use more than
    /// 64 different bytes must stop the build with a message, not wrap a shift.
    #[test]
    fn more_than_64_different_bytes_fail_the_build_with_a_reason() {
        let words = |chars: &mut dyn Iterator<Item = char>| -> LexiconPhrases {
            chars.map(|c| (0, format!("a{c}"), 0)).collect()
        };
        let fits = build(&[("small", words(&mut ('a'..='z').chain('0'..='9')))]);
        assert!(fits.is_ok(), "{:?}", fits.err());
        // Each accented letter adds a byte of its own after the shared lead byte.
        let many = ('a'..='z')
            .chain('0'..='9')
            .chain('\u{e0}'..='\u{ff}')
            .filter(|c| c.is_lowercase() || c.is_ascii_digit());
        let Err(err) = build(&[("wide", words(&mut many.into_iter()))]) else {
            panic!("more than 64 different bytes were accepted");
        };
        assert!(err.contains("different bytes"), "{err}");
    }
}
