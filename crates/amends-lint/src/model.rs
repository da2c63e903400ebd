//! The learned scorer (issue 10): a per-sentence linear model beside the phrase rules.
//!
//! The rules know the wording someone listed; real people say the same things in words no table
//! holds ("I mishandled it", "the pain and embarrassment I caused"). For each component and each
//! rule that judges meaning, a logistic model scores every sentence from features that do not
//! depend on a phrase being listed:
//!
//! - the sentence's words, word pairs, and four-letter pieces of its words (so a
//!   typo or an inflection still counts), words after a negator marked as negated;
//! - the engine's own signals: which lexicons (and groups) hit in the sentence, in the sentences
//!   before and after it, and anywhere in the draft;
//! - its shape: where it sits (first, last), how long it is, whether it asks a question, and
//!   who it talks about (I, we, you, they).
//!
//! Features are hashed (FNV-1a) into `2^bits` buckets; the weights are trained by
//! `examples/train.rs` on the corpus (`corpus/`), quantised to one byte each, and compiled into
//! the binary from `model/coach.bin`, like the phrase tables.
//!
//! How rule and model evidence combine is one rule, chosen per label on held-out writers by the
//! training script and stored in the model ([`Mode`]): `union` keeps every rule hit and adds the
//! sentences the model scores at or above its threshold; `model` lets the model decide, with the
//! rule's hit as one of its features. Safety rules (L-11, L-28) are never taken away: the model
//! is not used for them (issue 10, point 4).

use std::borrow::Cow;

use crate::doc::{Document, NEGATOR};
use crate::engine::Hits;
use crate::lexicon::Lexicon;
use crate::report::Span;

/// The model file compiled into the binary. Empty before the first training; then the engine
/// runs on its rules alone.
const MODEL_FILE: &[u8] = include_bytes!("../model/coach.bin");

/// The training corpus's most frequent words (`examples/vocab.rs`), whose own features
/// [`Rows`] adds up once at load.
const VOCAB: &str = include_str!("../model/vocab.txt");

const MAGIC: &[u8; 4] = b"AMCM";
const VERSION: u32 = 1;

/// How the model and the rule combine for one label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The rule's hits stand; the model adds sentences at or above its threshold.
    Union,
    /// The model decides; a rule hit in a sentence the model scores below its threshold is
    /// dropped.
    Model,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Union => "union",
            Mode::Model => "model",
        }
    }

    fn from_byte(b: u8) -> Option<Mode> {
        match b {
            0 => Some(Mode::Union),
            1 => Some(Mode::Model),
            _ => None,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Mode::Union => 0,
            Mode::Model => 1,
        }
    }
}

/// One label the model scores: a component or a rule id.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelModel {
    pub id: String,
    pub bias: f32,
    /// Weight of one quantised step.
    pub scale: f32,
    /// Probability at or above which a sentence has the label.
    pub threshold: f32,
    pub mode: Mode,
}

/// A trained model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub bits: u8,
    pub labels: Vec<LabelModel>,
    /// `weights[bucket * labels.len() + label]`, quantised.
    pub weights: Vec<i8>,
    /// What it was trained on (a digest of the corpus files), for the freshness test.
    pub corpus_digest: String,
}

/// A malformed model file.
#[derive(Debug, thiserror::Error)]
#[error("the model file is damaged: {0}")]
pub struct ModelError(pub String);

impl Model {
    /// The embedded model, if one has been trained.
    pub fn embedded() -> Result<Option<Model>, ModelError> {
        if MODEL_FILE.is_empty() {
            return Ok(None);
        }
        Model::decode(MODEL_FILE).map(Some)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.weights.len() + 256);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.bits);
        let digest = self.corpus_digest.as_bytes();
        out.push(u8::try_from(digest.len()).unwrap_or(0));
        out.extend_from_slice(&digest[..digest.len().min(255)]);
        out.extend_from_slice(&u16::try_from(self.labels.len()).unwrap_or(0).to_le_bytes());
        for l in &self.labels {
            let id = l.id.as_bytes();
            out.push(u8::try_from(id.len()).unwrap_or(0));
            out.extend_from_slice(&id[..id.len().min(255)]);
            out.extend_from_slice(&l.bias.to_le_bytes());
            out.extend_from_slice(&l.scale.to_le_bytes());
            out.extend_from_slice(&l.threshold.to_le_bytes());
            out.push(l.mode.byte());
        }
        out.extend(self.weights.iter().map(|w| w.to_le_bytes()[0]));
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ModelError("not a model file".into()));
        }
        let version = u32::from_le_bytes(r.array()?);
        if version != VERSION {
            return Err(ModelError(format!("version {version}, expected {VERSION}")));
        }
        let bits = r.byte()?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError(format!("{bits} hash bits")));
        }
        let n = usize::from(r.byte()?);
        let corpus_digest = String::from_utf8_lossy(r.take(n)?).into_owned();
        let count = usize::from(u16::from_le_bytes(r.array()?));
        if count > ROW {
            return Err(ModelError(format!("{count} labels, at most {ROW}")));
        }
        let mut labels = Vec::with_capacity(count);
        for _ in 0..count {
            let n = usize::from(r.byte()?);
            let id = String::from_utf8_lossy(r.take(n)?).into_owned();
            let bias = f32::from_le_bytes(r.array()?);
            let scale = f32::from_le_bytes(r.array()?);
            let threshold = f32::from_le_bytes(r.array()?);
            let mode = Mode::from_byte(r.byte()?)
                .ok_or_else(|| ModelError(format!("label {id}: unknown mode")))?;
            labels.push(LabelModel {
                id,
                bias,
                scale,
                threshold,
                mode,
            });
        }
        let want = (1usize << bits) * count;
        let rest = r.take(want)?;
        if r.at != bytes.len() {
            return Err(ModelError("trailing bytes".into()));
        }
        Ok(Model {
            bits,
            labels,
            weights: rest.iter().map(|&b| i8::from_le_bytes([b])).collect(),
            corpus_digest,
        })
    }

    pub fn label(&self, id: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.id == id)
    }

    /// The raw score (log-odds) of every label for one sentence's features.
    pub fn logits(&self, feats: &[Feature]) -> Vec<f32> {
        let n = self.labels.len();
        let mut acc = vec![0i32; n];
        let mask = (1usize << self.bits) - 1;
        for f in feats {
            let row = (f.hash as usize & mask) * n;
            for (a, w) in acc.iter_mut().zip(&self.weights[row..row + n]) {
                *a += i32::from(*w);
            }
        }
        self.labels
            .iter()
            .zip(acc)
            .map(|(l, a)| l.bias + a as f32 * l.scale)
            .collect()
    }

    /// The weights laid out for scoring. A model has at most [`ROW`] labels (`decode` says
    /// so); more are cut off here.
    pub fn rows(&self) -> Rows {
        let n = self.labels.len().clamp(1, ROW);
        let rows = self
            .weights
            .chunks_exact(self.labels.len().max(1))
            .map(|w| &w[..n.min(w.len())])
            .map(|w| {
                let mut row = [0i8; ROW];
                row[..w.len()].copy_from_slice(w);
                Aligned(row)
            })
            .collect();
        let base: Vec<(f32, f32, f32)> = self
            .labels
            .iter()
            .take(ROW)
            .map(|l| (l.bias, l.scale, l.threshold))
            .collect();
        let mut r = Rows {
            mask: (1usize << self.bits) - 1,
            rows,
            words: Words::default(),
            cuts: base.iter().map(|&b| Cut::new(b)).collect(),
            base,
        };
        r.words = Words::new(&r, VOCAB.lines().filter(|w| !w.starts_with('#')));
        r
    }
}

/// Labels per row of [`Rows`].
pub const ROW: usize = 32;

#[derive(Clone, Copy)]
#[repr(align(32))]
struct Aligned([i8; ROW]);

/// The model's weights with every bucket's row padded to 32 bytes and aligned: one row is one
/// half cache line, never split over two, and adding it is a few vector instructions. The rows
/// are scattered over a megabyte, so reading them is most of the model's cost.
pub struct Rows {
    mask: usize,
    rows: Vec<Aligned>,
    words: Words,
    /// (bias, scale, threshold) per label.
    base: Vec<(f32, f32, f32)>,
    /// Per label, the sums that reach its threshold without computing the probability.
    cuts: Vec<Cut>,
}

/// Where a label's summed weights certainly reach its threshold, and where they certainly do
/// not: a sentence's label is decided by comparing two integers, and the probability (an
/// exponential per label and sentence, a fiftieth of a check) is computed only for sums in
/// between, close to the threshold. The decision is the same as comparing the probability:
/// the logistic rises with the sum, and the margin between `lo` and `hi` (checked in f64 when
/// the cut is made) is thousands of times wider than the rounding of the f32 probability.
#[derive(Clone, Copy, Debug)]
struct Cut {
    /// Sums under `lo` never reach the threshold.
    lo: i32,
    /// Sums at or over `hi` always do.
    hi: i32,
}

impl Cut {
    /// Sums this far either side of the crossing point are decided by the probability itself.
    const MARGIN: i32 = 16;

    /// No shortcut: every sum's probability is computed.
    const EXACT: Cut = Cut {
        lo: i32::MIN,
        hi: i32::MAX,
    };

    fn new((bias, scale, threshold): (f32, f32, f32)) -> Cut {
        let (bias, scale, t) = (f64::from(bias), f64::from(scale), f64::from(threshold));
        if !(scale > 0.0 && t > 0.0 && t < 1.0 && bias.is_finite()) {
            return Cut::EXACT;
        }
        // The sum at which the exact logistic crosses the threshold.
        let cross = ((t / (1.0 - t)).ln() - bias) / scale;
        if !cross.is_finite() || cross.abs() > 1e7 {
            return Cut::EXACT;
        }
        let cross = cross.round() as i32;
        let (lo, hi) = (cross - Cut::MARGIN, cross + Cut::MARGIN);
        let exact = |a: i32| 1.0 / (1.0 + (-(bias + f64::from(a) * scale)).exp());
        // The f32 probability is within a few units in the last place (about 1e-7) of the
        // exact one; 1e-4 either side leaves no doubt.
        if exact(lo) < t - 1e-4 && exact(hi) > t + 1e-4 {
            Cut { lo, hi }
        } else {
            Cut::EXACT
        }
    }
}

#[derive(Clone, Copy)]
#[repr(align(64))]
struct WordRow([i16; ROW]);

/// The summed weights of a frequent word's own features: the word and its four-letter pieces,
/// which depend on nothing but the word. They were five or six reads of rows scattered over a
/// megabyte for every word of a draft, and the training corpus's 4,096 most frequent words are
/// about nine words in ten of a draft; for those it is one read, found by the word's hash (and
/// its letters, so a hash collision cannot swap two words). The sums are exact (integers), so
/// scores and narrowing are the same as feature by feature.
#[derive(Default)]
struct Words {
    /// Open addressing on the word's hash.
    slots: Vec<Slot>,
    rows: Vec<WordRow>,
}

/// The longest word [`Words`] holds. A longer one is scored feature by feature, which gives
/// the same sums.
const SLOT_WORD: usize = 19;

/// One slot of [`Words`]: the word's hash and letters beside its row's index, so a probe
/// reads one half cache line (from four arrays it was up to four misses a word).
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    hash: u64,
    /// Index + 1 into `rows`, 0 for an empty slot.
    row: u32,
    len: u8,
    word: [u8; SLOT_WORD],
}

impl Words {
    fn new<'w>(rows: &Rows, vocab: impl Iterator<Item = &'w str>) -> Words {
        let mut w = Words::default();
        let mut held = Vec::new();
        for word in vocab.filter(|v| v.len() <= SLOT_WORD) {
            let mut sum = [0i32; ROW];
            word_features(word.as_bytes(), &mut |h: Fnv| {
                rows.add(&mut sum, h.finish())
            });
            // A sum too large for the table's i16 (never with today's model) stays out.
            let Ok(row) = sum
                .iter()
                .map(|&v| i16::try_from(v))
                .collect::<Result<Vec<_>, _>>()
            else {
                continue;
            };
            let mut r = [0i16; ROW];
            r.copy_from_slice(&row);
            w.rows.push(WordRow(r));
            let mut slot = Slot {
                hash: Fnv::new(b'w').bytes(word.as_bytes()).finish(),
                row: w.rows.len() as u32,
                len: word.len() as u8,
                word: [0; SLOT_WORD],
            };
            slot.word[..word.len()].copy_from_slice(word.as_bytes());
            held.push(slot);
        }
        let size = (w.rows.len() * 2).next_power_of_two().max(2);
        w.slots = vec![Slot::default(); size];
        for slot in held {
            let mut s = slot.hash as usize & (size - 1);
            while w.slots[s].row != 0 {
                s = (s + 1) & (size - 1);
            }
            w.slots[s] = slot;
        }
        w
    }

    fn find(&self, hash: u64, word: &[u8]) -> Option<u32> {
        let size = self.slots.len();
        if size == 0 {
            return None;
        }
        let mut s = hash as usize & (size - 1);
        loop {
            let slot = &self.slots[s];
            let i = slot.row.checked_sub(1)?;
            if slot.hash == hash
                && usize::from(slot.len) == word.len()
                && slot.word.iter().zip(word).all(|(a, b)| a == b)
            {
                return Some(i);
            }
            s = (s + 1) & (size - 1);
        }
    }
}

/// Where a gathered feature's weights are: a bucket of the model (the hash already masked),
/// or a frequent word's sum.
#[derive(Clone, Copy, Debug)]
enum Src {
    Bucket(u32),
    Word(u32),
}

/// A gathered feature: where its weights are and the tokens it covers. 16 bytes, not 32: a
/// draft's features are kept until its spans are narrowed.
type Feat = (Src, (u32, u32));

/// A token index as [`Feat`] keeps it (a draft has far fewer than 2^32 words).
fn tok(t: usize) -> u32 {
    u32::try_from(t).unwrap_or(u32::MAX)
}

/// What [`Featurizer::emit`] hands its features to.
pub trait Sink {
    /// One feature: its hash and the tokens it covers (empty for features that are not words).
    fn feature(&mut self, hash: u64, tokens: (usize, usize));
    /// The word of token `t` with its hash: when this returns true, the word's own features (it
    /// and its four-letter pieces) are taken as one and not emitted one by one.
    fn word(&mut self, _hash: u64, _word: &[u8], _t: usize) -> bool {
        false
    }
}

impl<F: FnMut(u64, (usize, usize))> Sink for F {
    fn feature(&mut self, hash: u64, tokens: (usize, usize)) {
        self(hash, tokens)
    }
}

/// A sentence's features as scoring gathers them.
struct Gather<'r> {
    words: &'r Words,
    /// The model's bucket mask.
    mask: usize,
    feats: Vec<Feat>,
}

impl Sink for Gather<'_> {
    fn feature(&mut self, hash: u64, (a, b): (usize, usize)) {
        // The mask is at most 24 bits (`Model::decode`), so the bucket fits.
        let bucket = (hash as usize & self.mask) as u32;
        self.feats.push((Src::Bucket(bucket), (tok(a), tok(b))));
    }
    fn word(&mut self, hash: u64, word: &[u8], t: usize) -> bool {
        match self.words.find(hash, word) {
            Some(i) => {
                self.feats.push((Src::Word(i), (tok(t), tok(t + 1))));
                true
            }
            None => false,
        }
    }
}

/// A word's own features, each as its hash state: the word, then its four-letter pieces with
/// its edges marked ("<" + word + ">") when it has three letters or more.
fn word_features(w: &[u8], push: &mut impl FnMut(Fnv)) {
    push(Fnv::new(b'w').bytes(w));
    if w.len() >= 3 {
        let padded = |i: usize| match i {
            0 => b'<',
            i if i <= w.len() => w[i - 1],
            _ => b'>',
        };
        for g in 0..w.len() - 1 {
            push(
                Fnv::new(b'c')
                    .byte(padded(g))
                    .byte(padded(g + 1))
                    .byte(padded(g + 2))
                    .byte(padded(g + 3)),
            );
        }
    }
}

/// One sentence as the model scores it.
pub struct SentenceScore {
    /// Every label's probability.
    pub probs: Vec<f32>,
    /// For each label at or above its threshold: the run of tokens that weighed most for it
    /// (what a finding points at), as a token range.
    pub narrowed: Vec<(usize, (usize, usize))>,
}

/// Every sentence of a draft as the model scores it ([`Rows::score_draft`]).
pub struct Scores<'r> {
    rows: &'r Rows,
    labels: usize,
    /// The summed weights, `sums[sentence * labels + label]`: the probabilities follow.
    sums: Vec<i32>,
    kept: Vec<Kept>,
    /// The gathered features of the sentences with a label at or above its threshold.
    feats: Vec<Feat>,
}

/// One sentence of [`Scores`]: its range in `feats` (empty when no label reached its
/// threshold) and its tokens.
struct Kept {
    feats: (usize, usize),
    tokens: (usize, usize),
}

impl Scores<'_> {
    /// How many sentences.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether the draft has no sentence.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Every label's probability for sentence `si`.
    pub fn probs(&self, si: usize) -> Vec<f32> {
        (0..self.labels).map(|l| self.prob(si, l)).collect()
    }

    /// Label `label`'s probability for sentence `si`.
    pub fn prob(&self, si: usize, label: usize) -> f32 {
        let (bias, scale, _) = self.rows.base[label];
        sigmoid(bias + self.sums[si * self.labels + label] as f32 * scale)
    }

    /// Whether label `label`'s probability for sentence `si` is at or above its threshold
    /// (the same as comparing [`Self::prob`], see [`Cut`]).
    pub fn reaches(&self, si: usize, label: usize) -> bool {
        self.rows
            .reaches(label, self.sums[si * self.labels + label])
    }

    /// The run of tokens of sentence `si` that weighed most for `label` (what a finding
    /// points at), for a label at or above its threshold there; the whole sentence otherwise.
    pub fn narrowed(&self, si: usize, label: usize) -> (usize, usize) {
        let k = &self.kept[si];
        let (first, end) = k.tokens;
        if !self.reaches(si, label) {
            return (first, end);
        }
        self.rows
            .narrow(&self.feats[k.feats.0..k.feats.1], label, first, end)
    }
}

impl Rows {
    /// The same weights without the frequent words' sums: every word scored feature by
    /// feature, as the sums must match (see the engine's tests).
    pub fn without_word_sums(&self) -> Rows {
        Rows {
            mask: self.mask,
            rows: self.rows.clone(),
            words: Words::default(),
            base: self.base.clone(),
            cuts: self.cuts.clone(),
        }
    }

    /// Whether summed weights `sum` reach label `label`'s threshold: `sigmoid(bias + sum *
    /// scale) >= threshold`, computed only near the threshold ([`Cut`]).
    fn reaches(&self, label: usize, sum: i32) -> bool {
        let c = self.cuts[label];
        if sum >= c.hi {
            return true;
        }
        if sum < c.lo {
            return false;
        }
        let (bias, scale, threshold) = self.base[label];
        sigmoid(bias + sum as f32 * scale) >= threshold
    }

    /// How many words have their sums precomputed.
    pub fn word_sums(&self) -> usize {
        self.words.rows.len()
    }

    fn row(&self, hash: u64) -> &[i8; ROW] {
        &self.rows[hash as usize & self.mask].0
    }

    fn add(&self, acc: &mut [i32; ROW], hash: u64) {
        for (a, &w) in acc.iter_mut().zip(self.row(hash)) {
            *a += i32::from(w);
        }
    }

    /// Every sentence of a draft scored: each label's probability, and for the labels at or
    /// above their threshold the words that weighed most ([`SentenceScore`]). For tests and
    /// tools; the check uses [`Self::score_draft`], which narrows only where a span is needed.
    pub fn score(&self, fz: &Featurizer<'_, '_>) -> Vec<SentenceScore> {
        let scores = self.score_draft(fz);
        (0..scores.len())
            .map(|si| {
                let probs = scores.probs(si);
                let narrowed = (0..probs.len())
                    .filter(|&l| scores.reaches(si, l))
                    .map(|l| (l, scores.narrowed(si, l)))
                    .collect();
                SentenceScore { probs, narrowed }
            })
            .collect()
    }

    /// Every sentence of a draft scored, each label's probability, in one flat table. The
    /// features all sentences share are added once; a sentence's hashes are gathered first and
    /// their rows read after, in a tight loop (the rows are scattered over a megabyte, and
    /// reads that do not wait on hashing overlap their cache misses). The gathered features of
    /// a sentence with a label at or above its threshold are kept, so that the words that
    /// weighed most ([`Scores::narrowed`]) are found only for the sentences a finding or a
    /// component points at: most such labels are already covered by a rule's own span, and
    /// narrowing them all, with two lists a sentence, was a twentieth of a check.
    pub fn score_draft(&self, fz: &Featurizer<'_, '_>) -> Scores<'_> {
        let mut shared = [0i32; ROW];
        fz.emit_draft(&mut |hash, _| self.add(&mut shared, hash));
        let labels = self.base.len();
        let n = fz.len();
        // Every sentence's features go into one list; a sentence's are dropped again at once
        // when none of its labels reaches its threshold.
        let mut g = Gather {
            words: &self.words,
            mask: self.mask,
            // About two features a word (its own, frequent words' summed, and a pair), and a
            // few of the sentence: reserved, as growing the list was a fiftieth of a check.
            feats: Vec::with_capacity(3 * fz.words + 24 * n),
        };
        let mut sums = Vec::with_capacity(n * labels);
        let mut kept = Vec::with_capacity(n);
        for si in 0..n {
            let (_, first, end) = fz.sentence(si);
            let at = g.feats.len();
            fz.emit(si, false, &mut g);
            let mut acc = shared;
            for &(src, _) in &g.feats[at..] {
                match src {
                    Src::Bucket(b) => self.add_bucket(&mut acc, b),
                    Src::Word(i) => {
                        let row = &self.words.rows[i as usize].0;
                        for (a, &w) in acc.iter_mut().zip(row) {
                            *a += i32::from(w);
                        }
                    }
                }
            }
            // Taken by value, as a whole: indexing the sums in place kept them out of vector
            // registers and made every row's addition scalar (the model's part of a check
            // grew by half).
            let from = sums.len();
            sums.extend(acc.into_iter().take(labels));
            let any = sums[from..]
                .iter()
                .enumerate()
                .any(|(l, &sum)| self.reaches(l, sum));
            if !any {
                g.feats.truncate(at);
            }
            kept.push(Kept {
                feats: (at, g.feats.len()),
                tokens: (first, end),
            });
        }
        Scores {
            rows: self,
            labels,
            sums,
            kept,
            feats: g.feats,
        }
    }

    fn add_bucket(&self, acc: &mut [i32; ROW], bucket: u32) {
        for (a, &w) in acc.iter_mut().zip(&self.rows[bucket as usize].0) {
            *a += i32::from(w);
        }
    }

    fn weight(&self, src: Src, label: usize) -> i32 {
        match src {
            Src::Bucket(b) => i32::from(self.rows[b as usize].0[label]),
            Src::Word(i) => i32::from(self.words.rows[i as usize].0[label]),
        }
    }

    /// The words of a sentence that weighed most for `label`: the run of tokens whose summed
    /// contribution is largest (the reason a finding points at), as a token range. A
    /// feature's weight is shared among the tokens it covers. Counted in whole integers (half
    /// weights: a feature covers one token or two), so a frequent word's summed row and its
    /// features one by one give the same run.
    fn narrow(&self, feats: &[Feat], label: usize, first: usize, end: usize) -> (usize, usize) {
        if end <= first {
            return (first, end);
        }
        let mut halves = vec![0i32; end - first];
        for &(src, (a, b)) in feats {
            let (a, b) = (a as usize, b as usize);
            if b <= a {
                continue;
            }
            let w = self.weight(src, label);
            // Features cover at most two tokens (a word pair); a wider one is shared evenly.
            let share = 2 * w / (b - a) as i32;
            for t in a..b {
                if let Some(p) = t.checked_sub(first).and_then(|i| halves.get_mut(i)) {
                    *p += share;
                }
            }
        }
        let scale = self.base[label].1;
        let per: Vec<f32> = halves.iter().map(|&h| h as f32 * scale).collect();
        heaviest_run(&per, first, end)
    }
}

/// The contiguous run of tokens with the largest summed weight (Kadane), as a token range;
/// the whole sentence `first..end` when no run weighs anything. `per[i]` is token `first + i`.
fn heaviest_run(per: &[f32], first: usize, end: usize) -> (usize, usize) {
    let (mut best, mut best_range) = (f32::MIN, (0, per.len()));
    let (mut sum, mut start) = (0f32, 0);
    for (i, &v) in per.iter().enumerate() {
        if sum <= 0.0 {
            sum = v;
            start = i;
        } else {
            sum += v;
        }
        if sum > best {
            best = sum;
            best_range = (start, i + 1);
        }
    }
    if best <= 0.0 {
        return (first, end);
    }
    (first + best_range.0, first + best_range.1)
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| ModelError("truncated".into()))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
}

/// One hashed feature, and the tokens it covers (empty for features that are not words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    pub hash: u64,
    pub tokens: (usize, usize),
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and every Rust version, so the
/// weights trained once keep meaning the same features.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(namespace: u8) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325).byte(namespace)
    }

    fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
    }

    fn bytes(self, s: &[u8]) -> Fnv {
        s.iter().fold(self, |h, &b| h.byte(b))
    }

    fn finish(self) -> u64 {
        // Fold the high bits in, so a mask of the low bits sees all of them.
        self.0 ^ (self.0 >> 29) ^ (self.0 >> 47)
    }
}

/// The hashes of every engine-signal feature a hit of lexicon `id` gives (each namespace of
/// [`LEX_NAMESPACES`], and each of its `groups`), for training a head that must not lean on
/// that lexicon: the safety heads (issue 11) learn the words, not the rule they back up.
pub fn lexicon_signal_hashes(id: &str, groups: usize) -> Vec<u64> {
    let ns = LEX_NAMESPACES.map(|ns| Fnv::new(ns).bytes(id.as_bytes()));
    let mut out: Vec<u64> = ns.iter().map(|h| h.finish()).collect();
    for g in 0..u16::try_from(groups).unwrap_or(u16::MAX) {
        out.push(ns[1].byte(b'/').bytes(&g.to_le_bytes()).finish());
    }
    out
}

/// The features of every sentence of a draft.
pub struct SentenceFeatures {
    pub span: Span,
    pub first_token: usize,
    pub end_token: usize,
    pub features: Vec<Feature>,
}

/// Words that say who a sentence is about (also the crisis rule's test of whose crisis it is).
pub(crate) fn person(w: &str) -> Option<&'static str> {
    // Most words are none of these: a test of the length and the first letter turns them
    // away before the string comparisons (a word in two of a sentence's features).
    let first = w.as_bytes().first()?;
    if w.len() > 9
        || !matches!(
            first,
            b'h' | b'i' | b'm' | b'o' | b's' | b't' | b'u' | b'w' | b'y'
        )
    {
        return None;
    }
    Some(match w {
        "i" | "i'm" | "im" | "i've" | "ive" | "i'd" | "id" | "i'll" | "ill" | "me" | "my"
        | "myself" | "mine" => "i",
        "we" | "we're" | "we've" | "we'll" | "we'd" | "us" | "our" | "ours" | "ourselves" => "we",
        "you" | "you're" | "youre" | "you've" | "you'll" | "you'd" | "your" | "yours" | "u"
        | "ur" | "yourself" => "you",
        "he" | "she" | "him" | "her" | "his" | "hers" | "they" | "them" | "their" | "he's"
        | "she's" | "they're" => "they",
        _ => return None,
    })
}

/// The namespaces of the engine's own signals, in [`LexHashes`] order: a hit in the sentence,
/// its group, a hit in the sentence before, after, and anywhere in the draft.
const LEX_NAMESPACES: [u8; 5] = [b'h', b'g', b'p', b'n', b'd'];

/// The hash states of one lexicon's id in each namespace of [`LEX_NAMESPACES`], computed once
/// instead of once per hit and sentence.
type LexHashes = [Fnv; 5];

/// The lexicons' ids as the features hash them ([`LexHashes`], by lexicon): the same for every
/// draft, so the engine computes them once (hashing every id five times was a few
/// microseconds of every check). Also the (lexicon, group) pairs whose hits are not signals
/// at all ([`crate::lexicon::NOT_MODEL_SIGNALS`]).
pub struct LexIds(Vec<LexHashes>, Vec<(u16, u16)>);

impl LexIds {
    /// The hash states of `lexicons`' ids, indexed like them.
    pub fn new(lexicons: &[Lexicon]) -> LexIds {
        let mut hidden = Vec::new();
        for (li, l) in lexicons.iter().enumerate() {
            for (gi, g) in l.groups.iter().enumerate() {
                let class = g.cue.and_then(|c| l.cue_classes.get(usize::from(c)));
                let hidden_class =
                    class.is_some_and(|c| crate::lexicon::NOT_MODEL_SIGNALS.contains(&c.as_str()));
                let hidden_group = crate::lexicon::NOT_MODEL_GROUPS.contains(&g.name.as_str());
                if (hidden_class || hidden_group)
                    && let (Ok(li), Ok(gi)) = (u16::try_from(li), u16::try_from(gi))
                {
                    hidden.push((li, gi));
                }
            }
        }
        LexIds(
            lexicons
                .iter()
                .map(|l| LEX_NAMESPACES.map(|ns| Fnv::new(ns).bytes(l.id.as_bytes())))
                .collect(),
            hidden,
        )
    }
}

/// What the features of a draft's sentences are computed from: the draft and the engine's hits,
/// gathered once. Features are emitted to a sink rather than collected, so that scoring adds
/// each feature's weights as it goes and keeps no list (the list cost as much as the scoring).
pub struct Featurizer<'d, 't> {
    doc: &'d Document<'t>,
    /// Lexicon hits per sentence, as (lexicon, group) pairs: sentence `si`'s are
    /// `hit_pairs[hit_off[si]..hit_off[si + 1]]` (one list for the draft, not one a sentence).
    hit_pairs: Vec<(u16, u16)>,
    hit_off: Vec<u32>,
    /// The lexicons that hit anywhere in the draft.
    anywhere: Vec<u16>,
    lex: Cow<'d, [LexHashes]>,
    words: usize,
}

impl<'d, 't> Featurizer<'d, 't> {
    /// `lexicons` are the engine's, indexed like the hits.
    pub fn new(doc: &'d Document<'t>, hits: &Hits, lexicons: &[Lexicon]) -> Self {
        let ids = LexIds::new(lexicons);
        Self::build(doc, hits, Cow::Owned(ids.0), &ids.1)
    }

    /// [`Self::new`] with the lexicons' ids hashed ahead ([`LexIds::new`] over the same
    /// lexicons).
    pub fn with_ids(doc: &'d Document<'t>, hits: &Hits, ids: &'d LexIds) -> Self {
        Self::build(doc, hits, Cow::Borrowed(&ids.0), &ids.1)
    }

    fn build(
        doc: &'d Document<'t>,
        hits: &Hits,
        lex: Cow<'d, [LexHashes]>,
        hidden: &[(u16, u16)],
    ) -> Self {
        let n = doc.sentences().len();
        let mut anywhere: Vec<u16> = Vec::new();
        // The markers (reported speech, hypotheticals) count too: they say a sentence is not a
        // claim of the user's own, which the rules use as filters. Counted first, then placed,
        // each sentence's pairs in lexicon order and each lexicon's in text order.
        let lexicons = || (0..lex.len()).filter_map(|li| u16::try_from(li).ok());
        let mut hit_off = vec![0u32; n + 1];
        let signals = |li: u16| {
            hits.of(li)
                .iter()
                .filter(move |h| !hidden.contains(&(li, h.group)))
        };
        for li in lexicons() {
            for h in signals(li) {
                if h.sentence < n {
                    hit_off[h.sentence + 1] += 1;
                }
                if !anywhere.contains(&li) {
                    anywhere.push(li);
                }
            }
        }
        for si in 0..n {
            hit_off[si + 1] += hit_off[si];
        }
        let mut hit_pairs = vec![(0u16, 0u16); hit_off[n] as usize];
        let mut fill = hit_off.clone();
        for li in lexicons() {
            for h in signals(li).filter(|h| h.sentence < n) {
                hit_pairs[fill[h.sentence] as usize] = (li, h.group);
                fill[h.sentence] += 1;
            }
        }
        Featurizer {
            doc,
            hit_pairs,
            hit_off,
            anywhere,
            lex,
            words: doc.word_count(),
        }
    }

    /// How many sentences the draft has.
    pub fn len(&self) -> usize {
        self.hit_off.len() - 1
    }

    /// Whether the draft has no sentence.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The (lexicon, group) pairs of the hits in sentence `si`.
    fn per_sentence(&self, si: usize) -> &[(u16, u16)] {
        &self.hit_pairs[self.hit_off[si] as usize..self.hit_off[si + 1] as usize]
    }

    /// Sentence `si`'s span and token range.
    pub fn sentence(&self, si: usize) -> (Span, usize, usize) {
        let s = &self.doc.sentences()[si];
        (s.span, s.first_token, s.end_token)
    }

    /// Every feature of sentence `si`, in one list (for training and for narrowing a span).
    pub fn features(&self, si: usize) -> Vec<Feature> {
        let (_, a, b) = self.sentence(si);
        let mut f = Vec::with_capacity(16 * (b - a) + 32);
        self.emit(si, true, &mut |hash, tokens| {
            f.push(Feature { hash, tokens })
        });
        f
    }

    /// The features every sentence of the draft shares: the lexicons that hit anywhere and the
    /// draft's length. Scoring adds their weights once per draft.
    pub fn emit_draft(&self, sink: &mut impl Sink) {
        for &li in &self.anywhere {
            sink.feature(self.lex[usize::from(li)][4].finish(), (0, 0));
        }
        sink.feature(Fnv::new(b'x').bytes(self.draft_length()).finish(), (0, 0));
    }

    fn draft_length(&self) -> &'static [u8] {
        match self.words {
            0..=20 => b"doc-short",
            21..=80 => b"doc-mid",
            81..=300 => b"doc-long",
            _ => b"doc-very-long",
        }
    }

    /// Emits the features of sentence `si` as (hash, token range); the range is empty for
    /// features that are not words. With `draft` false, the ones [`Self::emit_draft`] emits
    /// are left out.
    pub fn emit(&self, si: usize, draft: bool, sink: &mut impl Sink) {
        let doc = self.doc;
        let tokens = doc.tokens();
        let n = self.len();
        let (span, a, b) = self.sentence(si);
        // One feature, by its hash state.
        macro_rules! push {
            ($h:expr, $tokens:expr $(,)?) => {
                sink.feature(Fnv::finish($h), $tokens)
            };
        }
        // A feature of the sentence's shape.
        macro_rules! flag {
            ($name:expr) => {
                push!(Fnv::new(b'x').bytes($name), (0, 0))
            };
        }
        let word = |t: usize| doc.token_bytes(t);
        // Words and word pairs, with the sentence's edges as words of their own. (Triples
        // cost a fifth of the scoring time and, held out by writer, added nothing: 0.775
        // with them, 0.780 without.)
        for t in a..b {
            let w = word(t);
            let whole = Fnv::new(b'w').bytes(w);
            if !sink.word(whole.finish(), w, t) {
                word_features(w, &mut |h| sink.feature(h.finish(), (t, t + 1)));
            }
            if t + 1 < b {
                let pair = Fnv::new(b'b').bytes(w).byte(b' ').bytes(word(t + 1));
                push!(pair, (t, t + 2));
            }
            // Negation scope: the next three words of the clause, marked.
            if tokens[t].flags & NEGATOR != 0 {
                for u in t + 1..(t + 4).min(b) {
                    if tokens[u].clause != tokens[t].clause {
                        break;
                    }
                    push!(Fnv::new(b'z').bytes(word(u)), (u, u + 1));
                }
            }
        }
        if a < b {
            push!(Fnv::new(b'f').bytes(word(a)), (a, a + 1));
            if a + 1 < b {
                push!(
                    Fnv::new(b'F').bytes(word(a)).byte(b' ').bytes(word(a + 1)),
                    (a, a + 2),
                );
            }
            push!(Fnv::new(b'e').bytes(word(b - 1)), (b - 1, b));
        }
        // The engine's own signals.
        let lex = |li: u16, ns: usize| self.lex[usize::from(li)][ns];
        for &(li, g) in self.per_sentence(si) {
            push!(lex(li, 0), (0, 0));
            push!(lex(li, 1).byte(b'/').bytes(&g.to_le_bytes()), (0, 0));
        }
        if si > 0 {
            for &(li, _) in self.per_sentence(si - 1) {
                push!(lex(li, 2), (0, 0));
            }
        }
        if si + 1 < n {
            for &(li, _) in self.per_sentence(si + 1) {
                push!(lex(li, 3), (0, 0));
            }
        }
        if draft {
            for &li in &self.anywhere {
                push!(lex(li, 4), (0, 0));
            }
        }
        // Shape.
        if si == 0 {
            flag!(b"first");
        }
        if si + 1 == n {
            flag!(b"last");
        }
        if n >= 3 && si + 2 == n {
            flag!(b"second-last");
        }
        if n == 1 {
            flag!(b"only");
        }
        flag!(match b - a {
            0..=3 => b"len-tiny",
            4..=8 => b"len-short",
            9..=20 => b"len-mid",
            _ => b"len-long",
        });
        if draft {
            flag!(self.draft_length());
        }
        let text = doc.slice(span);
        if text.contains('?') {
            flag!(b"question");
        }
        if text.contains('!') {
            flag!(b"exclaim");
        }
        let (mut letters, mut upper) = (0usize, 0usize);
        if text.is_ascii() {
            // Most sentences are ASCII: counted byte by byte, a loop the compiler vectorises,
            // where decoding every char was a fifth of emitting a sentence's features.
            for &c in text.as_bytes() {
                letters += usize::from(c.is_ascii_alphabetic());
                upper += usize::from(c.is_ascii_uppercase());
            }
        } else {
            for c in text.chars().filter(|c| c.is_alphabetic()) {
                letters += 1;
                upper += usize::from(c.is_uppercase());
            }
        }
        if letters >= 6 && upper == letters {
            flag!(b"shouting");
        }
        if letters >= 6 && upper == 0 {
            flag!(b"lowercase");
        }
        let mut seen: [bool; 4] = [false; 4];
        for t in a..b {
            if let Some(p) = person(doc.token_text(t)) {
                let i = match p {
                    "i" => 0,
                    "we" => 1,
                    "you" => 2,
                    _ => 3,
                };
                if !seen[i] {
                    seen[i] = true;
                    flag!(match i {
                        0 => b"about-i",
                        1 => b"about-we",
                        2 => b"about-you",
                        _ => b"about-they",
                    });
                }
            }
        }
        if let Some(p) = (a < b).then(|| person(doc.token_text(a))).flatten() {
            flag!(match p {
                "i" => b"opens-i",
                "we" => b"opens-we",
                "you" => b"opens-you",
                _ => b"opens-they",
            });
        }
    }
}

/// Computes the features of every sentence, each in one list (for training).
pub fn sentence_features(
    doc: &Document<'_>,
    hits: &Hits,
    lexicons: &[Lexicon],
) -> Vec<SentenceFeatures> {
    let fz = Featurizer::new(doc, hits, lexicons);
    (0..fz.len())
        .map(|si| {
            let (span, first_token, end_token) = fz.sentence(si);
            SentenceFeatures {
                span,
                first_token,
                end_token,
                features: fz.features(si),
            }
        })
        .collect()
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c (the reference test vector), before our fold.
        let raw = "a"
            .bytes()
            .fold(Fnv(0xcbf2_9ce4_8422_2325), |h, b| h.byte(b));
        assert_eq!(raw.0, 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_model_file_reads_back() {
        let m = Model {
            bits: 8,
            labels: vec![
                LabelModel {
                    id: "remorse".into(),
                    bias: -1.5,
                    scale: 0.01,
                    threshold: 0.4,
                    mode: Mode::Union,
                },
                LabelModel {
                    id: "excuse".into(),
                    bias: -2.0,
                    scale: 0.02,
                    threshold: 0.6,
                    mode: Mode::Model,
                },
            ],
            weights: (0..512).map(|i| (i % 251) as i8).collect(),
            corpus_digest: "abc".into(),
        };
        let bytes = m.encode();
        assert_eq!(Model::decode(&bytes).unwrap(), m);
        assert!(Model::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::decode(b"nope").is_err());
    }

    /// The integer cut is a shortcut, never a change: for every label of the compiled-in model
    /// and every sum from far below its threshold to far above it, it decides as the
    /// probability does.
    #[test]
    fn the_cuts_decide_as_the_probabilities_do() {
        let Some(model) = Model::embedded().unwrap() else {
            return;
        };
        let rows = model.rows();
        let mut shortcuts = 0;
        for (l, &(bias, scale, threshold)) in rows.base.iter().enumerate() {
            let cut = rows.cuts[l];
            if cut.lo != i32::MIN {
                shortcuts += 1;
            }
            for sum in -30_000..30_000 {
                let by_prob = sigmoid(bias + sum as f32 * scale) >= threshold;
                assert_eq!(rows.reaches(l, sum), by_prob, "label {l}, sum {sum}");
            }
        }
        assert_eq!(
            shortcuts,
            rows.base.len(),
            "a label fell back to the probability"
        );
    }

    #[test]
    fn narrowing_picks_the_heaviest_run() {
        let m = Model {
            bits: 8,
            labels: vec![LabelModel {
                id: "x".into(),
                bias: 0.0,
                scale: 1.0,
                threshold: 0.5,
                mode: Mode::Union,
            }],
            weights: (0..256)
                .map(|i| if i == 7 || i == 8 { 5 } else { -1 })
                .collect(),
            corpus_digest: String::new(),
        };
        let feats = [
            (Src::Bucket(1), (0, 1)),
            (Src::Bucket(7), (1, 2)),
            (Src::Bucket(8), (2, 3)),
            (Src::Bucket(3), (3, 4)),
            (Src::Bucket(4), (4, 5)),
        ];
        assert_eq!(m.rows().narrow(&feats, 0, 0, 5), (1, 3));
    }
}
