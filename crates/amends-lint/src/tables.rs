//! The phrase tables: every phrase of every lexicon expanded into literal patterns, the phrases
//! they start, and a byte trie over the patterns that the scan walks from each word start.
//! This file reads them; `table_builder.rs` makes them.
//!
//! Expanding 920 phrase sources into 13,900 patterns and building an automaton over them took
//! about 30 ms, the whole of a cold `amends check`. So the build script does it (`build.rs`,
//! which compiles this same file) and writes the result as one flat little-endian blob into
//! `OUT_DIR`; the engine embeds it with `include_bytes!` and only copies it into vectors at
//! start-up. Std only, for the build script.
//!
//! The trie replaced an Aho-Corasick automaton and reports exactly what its overlapping search
//! kept: every pattern that occurs at a word start. Only matches that start a word ever
//! counted, so a walk from each word finds them all without Aho-Corasick's failure links,
//! which were most of its construction time; a plain trie is ready as soon as it is read. The
//! walks revisit a few bytes per word, which costs a check about 3% against the single pass.

/// First bytes of the blob, with the format version: a blob from another layout fails to load
/// instead of being misread.
pub const MAGIC: u32 = 0x414d_4c31; // "AML1"

/// The tables as the engine uses them, read from the blob.
#[derive(Debug)]
pub struct Tables {
    /// Phrase sources per lexicon.
    pub sources: Vec<u32>,
    /// Per pattern: 1 if its last word may continue (`*`).
    pub pat_prefix: Vec<u8>,
    starts_off: Vec<u32>,
    starts: Vec<u32>,
    /// Per phrase: `lex << 16 | group`.
    lex_group: Vec<u32>,
    gap: Vec<u32>,
    rest_off: Vec<u32>,
    seg_off: Vec<u32>,
    seg_pats: Vec<u32>,
    child_off: Vec<u32>,
    label: Vec<u8>,
    out_off: Vec<u32>,
    out: Vec<u32>,
    /// The root's child for each byte (0: none), so the first step is one load.
    root: Vec<u32>,
}

struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.b.len() < n {
            return Err("the phrase tables are truncated".into());
        }
        let (head, tail) = self.b.split_at(n);
        self.b = tail;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let h = self.take(4)?;
        Ok(u32::from_le_bytes([h[0], h[1], h[2], h[3]]))
    }
    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let n = self.u32()? as usize;
        let bytes = self.take(n * 4)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
    fn u8s(&mut self) -> Result<Vec<u8>, String> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }
}

/// Checks that an offset array is well formed over `len` items, so lookups stay in range.
fn check_offsets(off: &[u32], count: usize, len: usize, what: &str) -> Result<(), String> {
    let ok = off.len() == count + 1
        && off.first() == Some(&0)
        && off.last().map(|&l| l as usize) == Some(len)
        && off.windows(2).all(|w| w[0] <= w[1]);
    if ok {
        Ok(())
    } else {
        Err(format!("the phrase tables are inconsistent ({what})"))
    }
}

impl Tables {
    /// Reads the blob written by `table_builder::encode`, checking that every index in it is
    /// in range, so a lookup can never go out of bounds.
    pub fn decode(blob: &[u8]) -> Result<Tables, String> {
        let mut r = Reader { b: blob };
        if r.u32()? != MAGIC {
            return Err("the phrase tables have an unknown format".into());
        }
        let t = Tables {
            sources: r.u32s()?,
            pat_prefix: r.u8s()?,
            starts_off: r.u32s()?,
            starts: r.u32s()?,
            lex_group: r.u32s()?,
            gap: r.u32s()?,
            rest_off: r.u32s()?,
            seg_off: r.u32s()?,
            seg_pats: r.u32s()?,
            child_off: r.u32s()?,
            label: r.u8s()?,
            out_off: r.u32s()?,
            out: r.u32s()?,
            root: Vec::new(),
        };
        if !r.b.is_empty() {
            return Err("the phrase tables have trailing bytes".into());
        }
        let pats = t.pat_prefix.len();
        let phrases = t.lex_group.len();
        let nodes = t.label.len();
        let segs = t.seg_off.len().saturating_sub(1);
        check_offsets(&t.starts_off, pats, t.starts.len(), "starts")?;
        check_offsets(&t.rest_off, phrases, segs, "segments")?;
        check_offsets(&t.seg_off, segs, t.seg_pats.len(), "segment patterns")?;
        check_offsets(&t.out_off, nodes, t.out.len(), "outputs")?;
        let ok = t.gap.len() == phrases
            && t.starts.iter().all(|&p| (p as usize) < phrases)
            && t.seg_pats.iter().all(|&p| (p as usize) < pats)
            && t.out.iter().all(|&p| (p as usize) < pats)
            && t.child_off.len() == nodes + 1
            && t.child_off.last().map(|&l| l as usize) == Some(nodes)
            && t.child_off.windows(2).all(|w| w[0] <= w[1])
            && t.child_off.iter().skip(1).all(|&c| c as usize >= 1);
        if !ok || nodes == 0 {
            return Err("the phrase tables are inconsistent (trie)".into());
        }
        let mut root = vec![0u32; 256];
        for c in t.child_off[0]..t.child_off[1] {
            root[usize::from(t.label[c as usize])] = c;
        }
        Ok(Tables { root, ..t })
    }

    /// Number of patterns.
    pub fn pattern_count(&self) -> usize {
        self.pat_prefix.len()
    }

    /// The phrases a pattern starts, ascending.
    pub fn starts(&self, pat: u32) -> &[u32] {
        let p = pat as usize;
        &self.starts[self.starts_off[p] as usize..self.starts_off[p + 1] as usize]
    }

    /// Lexicon, group and gap of a phrase.
    pub fn phrase(&self, pi: u32) -> (u16, u16, usize) {
        let lg = self.lex_group[pi as usize];
        (
            (lg >> 16) as u16,
            (lg & 0xffff) as u16,
            self.gap[pi as usize] as usize,
        )
    }

    /// The segments of a phrase after the first: each a sorted list of pattern ids.
    pub fn rest(&self, pi: u32) -> impl Iterator<Item = &[u32]> {
        let p = pi as usize;
        (self.rest_off[p]..self.rest_off[p + 1]).map(|s| {
            let s = s as usize;
            &self.seg_pats[self.seg_off[s] as usize..self.seg_off[s + 1] as usize]
        })
    }

    /// Calls `f(pattern, end)` for every pattern that occurs in `text` at `start`, shortest
    /// first: a walk down the trie until the text leaves it.
    pub fn matches_at(&self, text: &[u8], start: usize, mut f: impl FnMut(u32, usize)) {
        let Some(&b) = text.get(start) else {
            return;
        };
        let mut node = self.root[usize::from(b)] as usize;
        let mut at = start + 1;
        while node != 0 {
            for &p in &self.out[self.out_off[node] as usize..self.out_off[node + 1] as usize] {
                f(p, at);
            }
            let Some(&b) = text.get(at) else {
                return;
            };
            let (lo, hi) = (
                self.child_off[node] as usize,
                self.child_off[node + 1] as usize,
            );
            let labels = &self.label[lo..hi];
            // Children are few below the first couple of bytes; a scan beats a binary search.
            node = match labels.iter().position(|&l| l >= b) {
                Some(i) if labels[i] == b => lo + i,
                _ => 0,
            };
            at += 1;
        }
    }
}
