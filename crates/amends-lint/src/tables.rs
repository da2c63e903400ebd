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
pub const MAGIC: u32 = 0x414d_4c33; // "AML3"

/// The tables as the engine uses them, read from the blob.
#[derive(Debug)]
pub struct Tables<'b> {
    /// Phrase sources per lexicon.
    pub sources: Vec<u32>,
    /// Per pattern: where its phrases start in `starts`, with [`PREFIX`] set when its last
    /// word may continue (`*`). The walk reads both for every pattern it finds, and from two
    /// arrays that was two cache misses a hit instead of one.
    starts_off: Vec<u32>,
    /// The phrases each pattern starts, each written out in place: `lex << 16 | group`, its
    /// gap, and where its segments after the first start and end in `seg_off`, side by side.
    /// The blob has a list of phrase ids and the phrases as four arrays; each hit read the id,
    /// then all four for every phrase its pattern starts (a chain of dependent cache misses,
    /// the largest single cost of joining the hits). A phrase started by several patterns is
    /// copied for each (about one phrase in nine).
    starts: Vec<[u32; 4]>,
    seg_off: Vec<u32>,
    seg_pats: Vec<u32>,
    /// Each byte's place in the alphabet of the patterns ([`NO_CLASS`] for bytes none has):
    /// an array, so that the walk's lookup by byte needs no bounds check.
    class: [u8; 256],
    /// The trie (see `table_builder::trie`), with one node more at the end that ends the last
    /// node's outputs: 16 bytes a node as [`Node`] lays them out, read in place from the
    /// blob. (A copy on the heap doubled the trie's memory, 7.5 MB, and the peak memory of a
    /// cold check went over its 30 MB target.)
    nodes: &'b [[u8; 16]],
    out: Vec<u32>,
    /// The root's child for each byte (0: none), so the first step is one load.
    root: Vec<u32>,
}

/// One node of the trie as the walk reads it: which bytes have a child (bit `class[byte]`),
/// where its children start, and where its outputs start (they end where the next node's
/// start). Reading a node is one load instead of four from four arrays, and finding a child is
/// a bit test and a count instead of a scan of its labels: the scan and its cache misses were
/// half of the walk, which was a fifth of a check.
#[derive(Clone, Copy, Debug)]
struct Node {
    bits: u64,
    child: u32,
    out: u32,
}

/// The longest word [`Tables::first_words`] gives.
pub const WORD: usize = 16;

/// A short word in place (its bytes, then its length), so that listing thousands of them
/// allocates nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Word(pub [u8; WORD], pub u8);

impl Word {
    /// The word's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0[..usize::from(self.1)]
    }
}

/// One phrase as [`Tables::starts`] holds it (see there).
pub type Phrase = [u32; 4];

/// The bit of a `starts_off` entry that says its pattern's last word may continue.
const PREFIX: u32 = 1 << 31;

/// The class of a byte that no pattern has.
pub const NO_CLASS: u8 = u8::MAX;

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
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
    /// The trie's nodes, 16 bytes each: as fixed-size records, so that reading one checks
    /// one index, not a range and then each field.
    fn nodes(&mut self) -> Result<&'a [[u8; 16]], String> {
        let n = self.u32()? as usize;
        let (nodes, rest) = self.take(n)?.as_chunks::<16>();
        if !rest.is_empty() {
            return Err("the phrase tables are inconsistent (nodes)".into());
        }
        Ok(nodes)
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

impl<'b> Tables<'b> {
    /// Reads the blob written by `table_builder::encode`, checking that every index in it is
    /// in range, so a lookup can never go out of bounds.
    pub fn decode(blob: &'b [u8]) -> Result<Tables<'b>, String> {
        let mut r = Reader { b: blob };
        if r.u32()? != MAGIC {
            return Err("the phrase tables have an unknown format".into());
        }
        let (sources, pat_prefix, starts_off, starts) = (r.u32s()?, r.u8s()?, r.u32s()?, r.u32s()?);
        let (lex_group, gap, rest_off) = (r.u32s()?, r.u32s()?, r.u32s()?);
        let t = Tables {
            sources,
            starts_off,
            starts: Vec::new(),
            seg_off: r.u32s()?,
            seg_pats: r.u32s()?,
            class: r
                .u8s()?
                .try_into()
                .map_err(|_| "the phrase tables are inconsistent (classes)".to_owned())?,
            nodes: r.nodes()?,
            out: r.u32s()?,
            root: Vec::new(),
        };
        if !r.b.is_empty() {
            return Err("the phrase tables have trailing bytes".into());
        }
        let pats = pat_prefix.len();
        let phrases = lex_group.len();
        let segs = t.seg_off.len().saturating_sub(1);
        check_offsets(&t.starts_off, pats, starts.len(), "starts")?;
        check_offsets(&rest_off, phrases, segs, "segments")?;
        check_offsets(&t.seg_off, segs, t.seg_pats.len(), "segment patterns")?;
        let ok = gap.len() == phrases
            && starts.len() < PREFIX as usize
            && starts.iter().all(|&p| (p as usize) < phrases)
            && t.seg_pats.iter().all(|&p| (p as usize) < pats)
            && t.out.iter().all(|&p| (p as usize) < pats);
        if !ok {
            return Err("the phrase tables are inconsistent".into());
        }
        // What keeps every step of the walk in range: each node's children lie after the root
        // and inside the trie, its outputs inside `out`, and the classes fit the bits.
        let nodes = t.nodes.len().saturating_sub(1);
        let trie_ok = t.class.iter().all(|&c| c < 64 || c == NO_CLASS)
            && nodes > 0
            && t.node(nodes).bits == 0
            && t.node(0).out == 0
            && t.node(nodes).out as usize == t.out.len()
            && (0..nodes).all(|i| {
                let (n, next) = (t.node(i), t.node(i + 1));
                n.out <= next.out
                    && (n.bits == 0
                        || (n.child >= 1
                            && n.child as usize + n.bits.count_ones() as usize <= nodes))
            });
        if !trie_ok {
            return Err("the phrase tables are inconsistent (trie)".into());
        }
        let mut root = vec![0u32; 256];
        for (b, r) in root.iter_mut().enumerate() {
            *r = t.child(0, b as u8) as u32;
        }
        let starts = starts
            .iter()
            .map(|&p| {
                let p = p as usize;
                [lex_group[p], gap[p], rest_off[p], rest_off[p + 1]]
            })
            .collect();
        let mut starts_off = t.starts_off;
        for (off, &prefix) in starts_off.iter_mut().zip(&pat_prefix) {
            if prefix != 0 {
                *off |= PREFIX;
            }
        }
        Ok(Tables {
            root,
            starts,
            starts_off,
            ..t
        })
    }

    /// Node `i`, read from the blob.
    #[inline]
    fn node(&self, i: usize) -> Node {
        let c = &self.nodes[i];
        Node {
            bits: u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
            child: u32::from_le_bytes([c[8], c[9], c[10], c[11]]),
            out: u32::from_le_bytes([c[12], c[13], c[14], c[15]]),
        }
    }

    /// Where the outputs of node `i` start (those of node `i - 1` end there).
    #[inline]
    fn out_start(&self, i: usize) -> u32 {
        let c = &self.nodes[i];
        u32::from_le_bytes([c[12], c[13], c[14], c[15]])
    }

    /// The child of `node` for byte `b`, or 0 (the root, never a child) when it has none.
    #[inline]
    fn child(&self, node: usize, b: u8) -> usize {
        self.child_of(self.node(node), b)
    }

    /// [`Self::child`] of a node already read.
    #[inline]
    fn child_of(&self, n: Node, b: u8) -> usize {
        let c = self.class[usize::from(b)];
        if c == NO_CLASS {
            return 0;
        }
        let bit = 1u64 << c;
        if n.bits & bit == 0 {
            return 0;
        }
        // The default x86-64 target has no popcount instruction, and counting bits in
        // software was a tenth of the walk. Most children the walk takes are first ones (a
        // single child, or the first of a few), which need no count.
        let below = n.bits & (bit - 1);
        n.child as usize
            + if below == 0 {
                0
            } else {
                below.count_ones() as usize
            }
    }

    /// Number of patterns.
    pub fn pattern_count(&self) -> usize {
        self.starts_off.len() - 1
    }

    /// Whether pattern `pat`'s last word may continue (`*`), and where the phrases it starts
    /// are in [`Self::starts`]: one read for both.
    #[inline]
    pub fn pattern(&self, pat: u32) -> (bool, (u32, u32)) {
        let p = pat as usize;
        let (a, b) = (self.starts_off[p], self.starts_off[p + 1]);
        (a & PREFIX != 0, (a & !PREFIX, b & !PREFIX))
    }

    /// The phrases of a range [`Self::pattern`] gave, ascending by phrase id.
    pub fn starts(&self, (a, b): (u32, u32)) -> &[Phrase] {
        &self.starts[a as usize..b as usize]
    }

    /// Lexicon, group and gap of a phrase.
    pub fn phrase(p: &Phrase) -> (u16, u16, usize) {
        let [lg, gap, _, _] = *p;
        ((lg >> 16) as u16, (lg & 0xffff) as u16, gap as usize)
    }

    /// The segments of a phrase after the first: each a sorted list of pattern ids.
    pub fn rest(&self, p: &Phrase) -> impl Iterator<Item = &[u32]> + Clone {
        let [_, _, lo, hi] = *p;
        (lo..hi).map(|s| {
            let s = s as usize;
            &self.seg_pats[self.seg_off[s] as usize..self.seg_off[s + 1] as usize]
        })
    }

    /// The words a walk can read whole from the root, each with the node it ends at: every
    /// path of up to `max_len` bytes without a space that ends at a node with outputs or with a
    /// space after it. A walk from a word start in the text that reads one of these words
    /// whole may start at its node instead (see the engine's scan), as long as no node before
    /// it has an output that may end inside a word (a `*` pattern): the other outputs it passes
    /// end inside the text's word, and the scan drops those. Paths with such an output are
    /// left out, so the walk from the root finds them as before.
    pub fn first_words(&self, max_len: usize) -> Vec<(Word, u32)> {
        let max_len = max_len.min(WORD);
        let mut byte_of = [0u8; 64];
        for (b, &c) in self.class.iter().enumerate() {
            if c != NO_CLASS {
                byte_of[usize::from(c)] = b as u8;
            }
        }
        let space = self.class[usize::from(b' ')];
        let outputs =
            |i: usize| &self.out[self.node(i).out as usize..self.out_start(i + 1) as usize];
        let mut words = Vec::new();
        // Depth first, (node, its last byte, its depth); only nodes with no prefix output above
        // them are pushed. `path` holds the word of the node being visited.
        let mut stack: Vec<(usize, u8, usize)> = Vec::new();
        let mut path: Vec<u8> = Vec::with_capacity(max_len);
        for b in (0..=255u8).rev() {
            let n = self.root[usize::from(b)] as usize;
            if n != 0 && b != b' ' {
                stack.push((n, b, 1));
            }
        }
        while let Some((i, b, depth)) = stack.pop() {
            path.truncate(depth - 1);
            path.push(b);
            let n = self.node(i);
            let spaced = space != NO_CLASS && n.bits & (1u64 << space) != 0;
            let outs = outputs(i);
            if spaced || !outs.is_empty() {
                let mut w = Word::default();
                w.0[..path.len()].copy_from_slice(&path);
                w.1 = path.len() as u8;
                words.push((w, i as u32));
            }
            if depth >= max_len || outs.iter().any(|&p| self.pattern(p).0) {
                continue;
            }
            // The children are consecutive, in the order of their classes.
            let mut bits = n.bits;
            let mut child = n.child as usize;
            while bits != 0 {
                let c = bits.trailing_zeros() as u8;
                bits &= bits - 1;
                if c != space {
                    stack.push((child, byte_of[usize::from(c)], depth + 1));
                }
                child += 1;
            }
        }
        words
    }

    /// Calls `f(pattern, end, spaces)` for every pattern that occurs in `text` at `start`,
    /// shortest first, with the number of spaces between `start` and `end` (in the normalised
    /// text, the number of word boundaries crossed): a walk down the trie until the text
    /// leaves it.
    pub fn matches_at(&self, text: &[u8], start: usize, f: impl FnMut(u32, usize, usize)) {
        let Some(&b) = text.get(start) else {
            return;
        };
        let node = self.root[usize::from(b)] as usize;
        self.matches_from(text, node, start + 1, usize::from(b == b' '), f);
    }

    /// [`Self::matches_at`] from a walk already at `node`, with the text read up to `at` and
    /// `spaces` crossed; `node` 0 finds nothing.
    pub fn matches_from(
        &self,
        text: &[u8],
        mut node: usize,
        mut at: usize,
        mut spaces: usize,
        mut f: impl FnMut(u32, usize, usize),
    ) {
        while node != 0 {
            // The node is read once, for its outputs and its child both.
            let n = self.node(node);
            let hi = self.out_start(node + 1);
            if hi > n.out {
                for &p in &self.out[n.out as usize..hi as usize] {
                    f(p, at, spaces);
                }
            }
            let Some(&b) = text.get(at) else {
                return;
            };
            spaces += usize::from(b == b' ');
            node = self.child_of(n, b);
            at += 1;
        }
    }
}
