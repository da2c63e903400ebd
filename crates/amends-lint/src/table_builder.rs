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

fn trie(patterns: &[String], ids: &[u32]) -> TrieOut {
    // Insertion trie first (children kept sorted), then shared and renumbered.
    let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
    let mut outputs: Vec<Vec<u32>> = vec![Vec::new()];
    let mut class = vec![crate::tables::NO_CLASS; 256];
    for (p, &id) in patterns.iter().zip(ids) {
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
        // Two patterns merged into one id (`pattern_ids`) may end at the same node only if
        // they are the same text, which interning rules out; sorted and de-duplicated anyway.
        if let Err(i) = outputs[node].binary_search(&id) {
            outputs[node].insert(i, id);
        }
    }
    // Classes in byte order (`build` checked there are at most 64).
    for (next, c) in class.iter_mut().filter(|c| **c == 0).enumerate() {
        *c = next as u8;
    }
    // Equal subtries shared (issue 10, round 8): two nodes with the same outputs and the same
    // children (by byte, each child itself shared) are one node. A phrase written as a product
    // of alternatives ("(sorry|regret) (for|about) (the|that) (night|day) ...") expands into
    // hundreds of thousands of patterns whose tails are the same few words; as a tree they
    // made the trie 97 MB, as a graph it is the size of the phrase. Children are made after
    // their parent, so going backwards meets every child first.
    let n = children.len();
    let mut canon = vec![0u32; n];
    // A node's outputs and its children (byte, shared node).
    type Shape = (Vec<u32>, Vec<(u8, u32)>);
    let mut shared: HashMap<Shape, u32> = HashMap::new();
    let mut kids_of: Vec<Vec<(u8, u32)>> = Vec::new();
    let mut outs_of: Vec<Vec<u32>> = Vec::new();
    for i in (0..n).rev() {
        let kids: Vec<(u8, u32)> = children[i]
            .iter()
            .map(|&(b, c)| (b, canon[c as usize]))
            .collect();
        let key = (std::mem::take(&mut outputs[i]), kids);
        let next = kids_of.len() as u32;
        canon[i] = *shared.entry(key.clone()).or_insert_with(|| {
            outs_of.push(key.0);
            kids_of.push(key.1);
            next
        });
        children[i] = Vec::new();
    }
    drop(shared);
    // Laid out as before, each shared node's block of children once: a node reached by several
    // paths is written once per block it sits in (its outputs with it), and every copy points
    // to the same block of children.
    // New id -> shared node; a node's block of children is numbered when it is taken off the
    // stack.
    let mut order = vec![canon[0]];
    let mut bits = vec![0u64];
    let mut child = vec![0u32];
    let mut blocks: HashMap<u32, u32> = HashMap::new();
    // Spaces on the way to each node (by new id): its word, counted from the pattern's start.
    let mut words = vec![0u8];
    // The nodes of the first two words of every pattern are numbered first, depth first among
    // themselves, and the rest after: nearly every walk ends in the second word, so the nodes
    // walks visit share cache lines with each other rather than with the long tails of phrases
    // that few walks reach.
    let (mut stack, mut later) = (vec![0usize], Vec::new());
    while let Some(id) = stack.pop().or_else(|| {
        stack.append(&mut later);
        stack.pop()
    }) {
        let node = order[id];
        let kids = &kids_of[node as usize];
        if kids.is_empty() {
            continue;
        }
        for &(b, _) in kids {
            bits[id] |= 1 << class[usize::from(b)];
        }
        if let Some(&start) = blocks.get(&node) {
            child[id] = start;
            continue;
        }
        let start = order.len();
        child[id] = start as u32;
        blocks.insert(node, start as u32);
        for &(b, c) in kids {
            order.push(c);
            bits.push(0);
            child.push(0);
            words.push(words[id].saturating_add(u8::from(b == b' ')));
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
    let outs: Vec<Vec<u32>> = order.iter().map(|&n| outs_of[n as usize].clone()).collect();
    TrieOut {
        class,
        bits,
        child,
        out_off: offsets(&outs),
        out: outs.into_iter().flatten().collect(),
    }
}

/// The id each pattern has in the blob, and how many ids there are. Patterns that only start
/// phrases (none of a phrase's later parts, no `*`) and start phrases alike (the same
/// lexicon, group, gap and later parts, in the same order) do the same thing wherever they
/// match, so they share one id, the first's: the walk reports the shared id, and the joins read
/// the same phrases as before. Without this every pattern a product of alternatives expands
/// into ends in a leaf of its own, and the trie cannot share their tails (issue 10, round 8:
/// two such phrases made 677,000 of the 717,000 patterns).
pub fn pattern_ids(b: &Built) -> (Vec<u32>, usize) {
    let mut in_rest = vec![false; b.patterns.len()];
    for p in &b.phrases {
        for seg in &p.rest {
            for &id in seg {
                in_rest[id as usize] = true;
            }
        }
    }
    type Row<'a> = (u16, u16, usize, &'a [Vec<u32>]);
    let mut first: HashMap<Vec<Row<'_>>, u32> = HashMap::new();
    let mut ids = Vec::with_capacity(b.patterns.len());
    let mut next = 0u32;
    for (pat, starts) in b.starts.iter().enumerate() {
        let id = if b.pat_prefix[pat] || in_rest[pat] {
            None
        } else {
            let rows: Vec<Row<'_>> = starts
                .iter()
                .map(|&ph| {
                    let p = &b.phrases[ph as usize];
                    (p.lex, p.group, p.gap, p.rest.as_slice())
                })
                .collect();
            match first.get(&rows) {
                Some(&id) => Some(id),
                None => {
                    first.insert(rows, next);
                    None
                }
            }
        };
        ids.push(id.unwrap_or_else(|| {
            next += 1;
            next - 1
        }));
    }
    (ids, next as usize)
}

/// The blob the build script writes: magic, then length-prefixed arrays in a fixed order.
/// Patterns as [`pattern_ids`] numbers them, and only the phrases their starts name.
pub fn encode(b: &Built) -> Vec<u8> {
    let (ids, count) = pattern_ids(b);
    let mut prefix = vec![0u8; count];
    let mut starts: Vec<Option<&Vec<u32>>> = vec![None; count];
    for (pat, &id) in ids.iter().enumerate() {
        let id = id as usize;
        if starts[id].is_none() {
            starts[id] = Some(&b.starts[pat]);
            prefix[id] = u8::from(b.pat_prefix[pat]);
        }
    }
    // The phrases still named, renumbered in their order, so each pattern's list stays
    // ascending.
    let mut phrase_id = vec![u32::MAX; b.phrases.len()];
    for s in starts.iter().flatten() {
        for &ph in *s {
            phrase_id[ph as usize] = 0;
        }
    }
    let mut phrases = Vec::new();
    for (ph, new) in phrase_id.iter_mut().enumerate() {
        if *new == 0 {
            *new = phrases.len() as u32;
            phrases.push(&b.phrases[ph]);
        }
    }
    let starts: Vec<Vec<u32>> = starts
        .into_iter()
        .map(|s| {
            s.map(|s| s.iter().map(|&ph| phrase_id[ph as usize]).collect())
                .unwrap_or_default()
        })
        .collect();
    let mut out = Vec::new();
    out.extend(crate::tables::MAGIC.to_le_bytes());
    put_u32s(&mut out, b.sources.iter().copied());
    put_u8s(&mut out, &prefix);
    put_u32s(&mut out, offsets(&starts).into_iter());
    put_u32s(
        &mut out,
        starts
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .into_iter(),
    );
    put_u32s(
        &mut out,
        phrases
            .iter()
            .map(|p| (u32::from(p.lex) << 16) | u32::from(p.group)),
    );
    put_u32s(&mut out, phrases.iter().map(|p| p.gap as u32));
    // A later part's patterns keep ids of their own (`pattern_ids`), in the same order.
    let rests: Vec<Vec<Vec<u32>>> = phrases
        .iter()
        .map(|p| {
            p.rest
                .iter()
                .map(|seg| seg.iter().map(|&pat| ids[pat as usize]).collect())
                .collect()
        })
        .collect();
    put_u32s(&mut out, offsets(&rests).into_iter());
    let segs: Vec<Vec<u32>> = rests.into_iter().flatten().collect();
    put_u32s(&mut out, offsets(&segs).into_iter());
    put_u32s(
        &mut out,
        segs.into_iter().flatten().collect::<Vec<_>>().into_iter(),
    );
    let t = trie(&b.patterns, &ids);
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

    /// Issue 10, round 8: two phrases written as products of alternatives expanded into
    /// 677,000 patterns, and the trie over them, one leaf each, made the tables 127 MB, the
    /// binary 150 MB and a cold check's peak memory 206 MB. Patterns that only start the same
    /// phrases share an id, and equal subtries are one node, so such a phrase costs about its
    /// own size.
    #[test]
    fn a_product_of_alternatives_does_not_grow_the_tables_with_its_expansion() {
        let product = "(sorry|regret|ashamed) (for|about) (the|that) (night|day|week|time) \
                       (i said|i wrote|i texted) (i'd|i would) (leave|go|stop|quit|run)";
        let lexicons = [(
            "product",
            vec![(0u16, product.to_owned(), 8), (1, product.to_owned(), 8)],
        )];
        let built = build(&lexicons).expect("builds");
        // At least one pattern per combination (a word may have more than one written form).
        assert!(built.patterns.len() >= 3 * 2 * 2 * 4 * 3 * 2 * 5);
        // Patterns that start the same phrases share one id ("i'd" is also written "i would",
        // so some written-out forms start each phrase twice: a second id).
        let (_, count) = pattern_ids(&built);
        assert!(count <= 2, "{count} ids");
        let blob = encode(&built);
        assert!(blob.len() < 8_000, "{} bytes", blob.len());
        let tables = crate::tables::Tables::decode(&blob).expect("decodes");
        let text = b"regret about that week i texted i would quit";
        let mut found = Vec::new();
        tables.matches_at(text, 0, |p, e, _| found.push((p, e)));
        let [(pat, end)] = found[..] else {
            panic!("{found:?}");
        };
        assert_eq!(end, text.len());
        let mut groups: Vec<u16> = tables
            .starts(tables.pattern(pat).1)
            .iter()
            .map(|p| crate::tables::Tables::phrase(p).1)
            .collect();
        groups.dedup();
        assert_eq!(groups, [0, 1]);
    }

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
