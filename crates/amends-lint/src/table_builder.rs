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

/// The byte trie over the patterns, nodes numbered breadth first so that each node's children
/// are consecutive ids: `child_off[n]..child_off[n + 1]`, with their bytes in `label`
/// (ascending). Node 0 is the root.
struct TrieOut {
    child_off: Vec<u32>,
    label: Vec<u8>,
    out_off: Vec<u32>,
    out: Vec<u32>,
}

fn trie(patterns: &[String]) -> TrieOut {
    // Insertion trie first (children kept sorted), then renumbered breadth first.
    let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
    let mut outputs: Vec<Vec<u32>> = vec![Vec::new()];
    for (id, p) in patterns.iter().enumerate() {
        let mut node = 0usize;
        for &b in p.as_bytes() {
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
    let mut order = vec![0u32];
    let mut label = vec![0u8];
    let mut child_off = Vec::with_capacity(children.len() + 1);
    let mut i = 0;
    while i < order.len() {
        child_off.push(order.len() as u32);
        for &(b, c) in &children[order[i] as usize] {
            order.push(c);
            label.push(b);
        }
        i += 1;
    }
    child_off.push(order.len() as u32);
    let outs: Vec<Vec<u32>> = order.iter().map(|&n| outputs[n as usize].clone()).collect();
    TrieOut {
        child_off,
        label,
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
    put_u32s(&mut out, t.child_off.into_iter());
    put_u8s(&mut out, &t.label);
    put_u32s(&mut out, t.out_off.into_iter());
    put_u32s(&mut out, t.out.into_iter());
    out
}
