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
//! - its context, for the labels only (round 9; the safety heads never see it): the groups and
//!   first words of the sentences before and after it, which third of a longer draft it sits
//!   in, and the draft's shape (how many sentences, "we" voice, all lower case, a greeting).
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

    /// Per lane, all ones where a label sees the features [`hidden_from_heads`] and zero for
    /// the safety heads: a hidden feature's row is added through this mask.
    fn hidden_lanes(&self) -> [i8; ROW] {
        let mut m = [-1i8; ROW];
        for (lane, l) in m.iter_mut().zip(&self.labels) {
            if crate::engine::SAFETY_HEADS.contains(&l.id.as_str()) {
                *lane = 0;
            }
        }
        m
    }

    /// The raw score (log-odds) of every label for one sentence's features, as training sees
    /// them: the safety heads without the features [`hidden_from_heads`].
    pub fn logits(&self, feats: &[Feature]) -> Vec<f32> {
        let n = self.labels.len();
        let mut acc = vec![0i32; n];
        let mask = (1usize << self.bits) - 1;
        let lanes = self.hidden_lanes();
        for f in feats {
            let row = (f.hash as usize & mask) * n;
            for ((a, &w), &lane) in acc.iter_mut().zip(&self.weights[row..row + n]).zip(&lanes) {
                *a += i32::from(if f.heads { w } else { w & lane });
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
            hidden_lanes: self.hidden_lanes(),
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
    /// [`Model::hidden_lanes`].
    hidden_lanes: [i8; ROW],
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
    /// Each row's largest weight, as a size (see [`Rows::sum`]).
    most: Vec<i32>,
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
            // A sum too large for the table's i16 (never with today's model) stays out, and so
            // does one whose largest weight leaves no room in [`Rows::sum`]'s 16 bits.
            let Some(row) = sum
                .iter()
                .map(|&v| i16::try_from(v).ok().filter(|&v| v > i16::MIN))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let mut r = [0i16; ROW];
            r.copy_from_slice(&row);
            w.rows.push(WordRow(r));
            w.most
                .push(r.iter().map(|&v| i32::from(v).abs()).max().unwrap_or(0));
            let mut slot = Slot {
                hash: word_hash(word.as_bytes()),
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

/// The hash of a word's own feature, which also finds it in [`Words`] and the engine's
/// `WordTable`.
#[inline]
pub fn word_hash(w: &[u8]) -> u64 {
    Fnv::new(b'w').bytes(w).finish()
}

/// The hash state of a word pair's feature after its first word `w` and the space: the pair's
/// hash goes on from here with the second word. The engine's `WordTable` keeps it for the
/// words it holds, so a draft's pairs do not hash their first words again.
pub fn pair_start(w: &[u8]) -> u64 {
    Fnv::new(b'b').bytes(w).byte(b' ').0
}

/// Where a gathered feature's weights are: a bucket of the model (the hash already masked),
/// or a frequent word's sum.
#[derive(Clone, Copy, Debug)]
enum Src {
    Bucket(u32),
    Word(u32),
    /// A bucket of a feature the safety heads do not see ([`hidden_from_heads`]): its weights
    /// count for every lane but theirs.
    Hidden(u32),
}

/// A gathered feature: where its weights are and the tokens it covers. 16 bytes, not 32: a
/// draft's features are kept until its spans are narrowed.
type Feat = (Src, (u32, u32));

/// The most a bucket's weight (an `i8`) can move a 16-bit sum ([`Rows::sum`]).
const BUCKET_NEED: i32 = 128;

/// A token index as [`Feat`] keeps it (a draft has far fewer than 2^32 words).
fn tok(t: usize) -> u32 {
    u32::try_from(t).unwrap_or(u32::MAX)
}

/// What [`Featurizer::emit`] hands its features to.
pub trait Sink {
    /// One feature: its hash and the tokens it covers (empty for features that are not words).
    fn feature(&mut self, hash: u64, tokens: (usize, usize));
    /// An engine signal the safety heads do not see ([`hidden_from_heads`]): a feature of every
    /// other label.
    fn hidden_from_heads(&mut self, hash: u64);
    /// A feature of the labels' alone (round 9's context features): the safety heads are
    /// issue 11's, trained and measured apart, and never see it.
    fn label_only(&mut self, hash: u64) {
        self.hidden_from_heads(hash);
    }
    /// The word of token `t` with its hash: when this returns true, the word's own features (it
    /// and its four-letter pieces) are taken as one and not emitted one by one.
    fn word(&mut self, _hash: u64, _word: &[u8], _t: usize) -> bool {
        false
    }
    /// The summed row (index into the frequent words' rows) of token `t`'s word, found ahead
    /// ([`Featurizer::with_word_rows`]): taken as the word's own features.
    fn word_row(&mut self, _row: u32, _t: usize) {}
}

/// Every feature in one list, each marked with whether the safety heads see it (training,
/// narrowing, and the tests' whole-list scores).
struct Collect(Vec<Feature>);

impl Sink for Collect {
    fn feature(&mut self, hash: u64, tokens: (usize, usize)) {
        self.0.push(Feature {
            hash,
            tokens,
            heads: true,
        });
    }
    fn hidden_from_heads(&mut self, hash: u64) {
        self.0.push(Feature {
            hash,
            tokens: (0, 0),
            heads: false,
        });
    }
}

/// The features every sentence of a draft shares, summed once ([`Rows::score_draft`]).
struct Shared<'r> {
    rows: &'r Rows,
    acc: [i32; ROW],
}

impl Sink for Shared<'_> {
    fn feature(&mut self, hash: u64, _: (usize, usize)) {
        self.rows.add(&mut self.acc, hash);
    }
    fn hidden_from_heads(&mut self, hash: u64) {
        let bucket = (hash as usize & self.rows.mask) as u32;
        self.rows.add_hidden(&mut self.acc, bucket);
    }
}

/// A sentence's features as scoring gathers them.
struct Gather<'r> {
    words: &'r Words,
    /// The model's bucket mask.
    mask: usize,
    feats: Vec<Feat>,
    /// The room the features gathered since it was last reset take in [`Rows::sum`]'s 16-bit
    /// sums (what `need` there gives for each): when the whole sentence fits, its features are
    /// added in one run without measuring them again.
    need: i32,
}

impl Sink for Gather<'_> {
    fn feature(&mut self, hash: u64, (a, b): (usize, usize)) {
        // The mask is at most 24 bits (`Model::decode`), so the bucket fits.
        let bucket = (hash as usize & self.mask) as u32;
        self.feats.push((Src::Bucket(bucket), (tok(a), tok(b))));
        self.need = self.need.saturating_add(BUCKET_NEED);
    }
    fn hidden_from_heads(&mut self, hash: u64) {
        let bucket = (hash as usize & self.mask) as u32;
        self.feats.push((Src::Hidden(bucket), (0, 0)));
        self.need = self.need.saturating_add(BUCKET_NEED);
    }
    fn word_row(&mut self, row: u32, t: usize) {
        self.feats.push((Src::Word(row), (tok(t), tok(t + 1))));
        let most = self
            .words
            .most
            .get(row as usize)
            .copied()
            .unwrap_or(i32::MAX);
        self.need = self.need.saturating_add(most);
    }
    fn word(&mut self, hash: u64, word: &[u8], t: usize) -> bool {
        match self.words.find(hash, word) {
            Some(i) => {
                self.feats.push((Src::Word(i), (tok(t), tok(t + 1))));
                let most = self.words.most.get(i as usize).copied().unwrap_or(i32::MAX);
                self.need = self.need.saturating_add(most);
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
            hidden_lanes: self.hidden_lanes,
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

    /// The frequent words with their summed rows, as (word, index + 1 into the rows): for
    /// the engine's `WordTable`.
    pub fn word_rows(&self) -> impl Iterator<Item = (&[u8], u32)> {
        self.words
            .slots
            .iter()
            .filter(|s| s.row != 0)
            .map(|s| (&s.word[..usize::from(s.len)], s.row))
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
        let mut shared = Shared {
            rows: self,
            acc: [0i32; ROW],
        };
        fz.emit_draft(&mut shared);
        let shared = shared.acc;
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
            need: 0,
        };
        let mut sums = Vec::with_capacity(n * labels);
        let mut kept = Vec::with_capacity(n);
        for si in 0..n {
            let (_, first, end) = fz.sentence(si);
            let at = g.feats.len();
            g.need = 0;
            fz.emit(si, false, &mut g);
            let acc = self.sum(shared, &g.feats[at..], g.need);
            // Taken by value, as a whole: indexing the sums in place kept them out of vector
            // registers and made every row's addition scalar (the model's part of a check
            // grew by half).
            let from = sums.len();
            sums.extend(acc.into_iter().take(labels));
            // Most sentences reach no label: every sum under its label's `lo` says so in one
            // pass of compares, before any label is asked in full.
            let near = sums[from..]
                .iter()
                .zip(&self.cuts)
                .any(|(&sum, c)| sum >= c.lo);
            let any = near
                && sums[from..]
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

    /// Adds the weights of bucket `b` to every lane but the safety heads' ([`Src::Hidden`]).
    #[inline]
    fn add_hidden(&self, acc: &mut [i32; ROW], b: u32) {
        let row = self.rows[b as usize].0.iter().zip(&self.hidden_lanes);
        for (a, (&w, &m)) in acc.iter_mut().zip(row) {
            *a += i32::from(w & m);
        }
    }

    /// `acc` plus the weights of `feats`. Added in 16 bits, half the lanes of 32 (the sixteen
    /// bit sums fit in registers, and widening a row is half the work), and moved into `acc`
    /// before they could overflow: each feature's largest weight (128 for a bucket, a word's
    /// own for a frequent word's sum) is taken from the room left. Integer sums, so the
    /// result is exactly the 32-bit one.
    ///
    /// `total` is the room all of `feats` take together (as [`Gather::need`] counts it, or
    /// more): when it fits, they are added as one run without measuring each again (that
    /// measuring was a twelfth of the scoring, issue 10, round 10 part 2). However the
    /// features are split into runs, the integer sums are the same.
    fn sum(&self, mut acc: [i32; ROW], feats: &[Feat], total: i32) -> [i32; ROW] {
        const ROOM: i32 = i16::MAX as i32;
        if total <= ROOM {
            let part = self.sum_run(feats);
            for (a, &p) in acc.iter_mut().zip(&part) {
                *a += i32::from(p);
            }
            return acc;
        }
        let need = |src: Src| match src {
            Src::Bucket(_) | Src::Hidden(_) => BUCKET_NEED,
            Src::Word(i) => self.words.most[i as usize],
        };
        let mut rest = feats;
        while !rest.is_empty() {
            // The longest run of features that fits in the 16-bit sums (at least one), added
            // in a loop with no test of the room left, then moved into `acc`: the test and the
            // move inside the loop kept the sums out of registers (issue 10, round 10).
            let mut room = ROOM;
            let mut take = 0;
            for &(src, _) in rest {
                let n = need(src);
                if n > room && take > 0 {
                    break;
                }
                room -= n;
                take += 1;
            }
            let (run, after) = rest.split_at(take);
            rest = after;
            let part = self.sum_run(run);
            for (a, &p) in acc.iter_mut().zip(&part) {
                *a += i32::from(p);
            }
        }
        acc
    }

    /// The weights of a run of features that fits in 16 bits ([`Self::sum`]).
    #[inline(always)]
    fn sum_run(&self, run: &[Feat]) -> [i16; ROW] {
        let mut part = [0i16; ROW];
        for &(src, _) in run {
            match src {
                Src::Bucket(b) => {
                    for (p, &w) in part.iter_mut().zip(&self.rows[b as usize].0) {
                        *p += i16::from(w);
                    }
                }
                // A signal the safety heads are trained without: their lanes masked out
                // (`hidden_from_heads`), as in training.
                Src::Hidden(b) => {
                    let row = self.rows[b as usize].0.iter().zip(&self.hidden_lanes);
                    for (p, (&w, &m)) in part.iter_mut().zip(row) {
                        *p += i16::from(w & m);
                    }
                }
                Src::Word(i) => {
                    for (p, &w) in part.iter_mut().zip(&self.words.rows[i as usize].0) {
                        *p += w;
                    }
                }
            }
        }
        part
    }

    fn weight(&self, src: Src, label: usize) -> i32 {
        match src {
            Src::Bucket(b) => i32::from(self.rows[b as usize].0[label]),
            Src::Word(i) => i32::from(self.words.rows[i as usize].0[label]),
            Src::Hidden(b) => i32::from(self.rows[b as usize].0[label] & self.hidden_lanes[label]),
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
            // (The two usual widths without a division: 2w / 2 is w exactly.)
            let share = match b - a {
                1 => 2 * w,
                2 => w,
                n => 2 * w / n as i32,
            };
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
    /// Whether the safety heads see it: false for the engine's signals of their own rules'
    /// lexicons ([`hidden_from_heads`]) and for the labels' own context features
    /// ([`Sink::label_only`]). Training leaves these out of the heads' lists, and scoring adds
    /// them to every lane but the heads'.
    pub heads: bool,
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and every Rust version, so the
/// weights trained once keep meaning the same features.
#[derive(Clone, Copy)]
struct Fnv(u64);

// `const`, so that the shape flags' hashes are computed when the crate is compiled (they were
// hashed again for every sentence, a tenth of emitting its features).
impl Fnv {
    const fn new(namespace: u8) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325).byte(namespace)
    }

    const fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
    }

    const fn bytes(self, s: &[u8]) -> Fnv {
        let mut h = self;
        let mut i = 0;
        while i < s.len() {
            h = h.byte(s[i]);
            i += 1;
        }
        h
    }

    const fn finish(self) -> u64 {
        // Fold the high bits in, so a mask of the low bits sees all of them.
        self.0 ^ (self.0 >> 29) ^ (self.0 >> 47)
    }
}

/// The hash of a shape flag, computed when the crate is compiled: `fh!(b"first")`.
macro_rules! fh {
    ($name:expr) => {
        const { flag_hash($name) }
    };
}

/// Whether the safety heads (issue 11: `self-harm`, `threat`) are kept from the engine's
/// signals of lexicon `id`: the hits of their own rules' lexicons, here, nearby or anywhere in
/// the draft. With them the heads learn to repeat the rule, which is already there, instead of
/// the words that say it without the listed phrases. The one definition training and scoring
/// both read: the featurizer marks these features ([`Sink::hidden_from_heads`],
/// [`Feature::heads`]), training leaves them out of the heads' lists, and scoring adds them to
/// every lane but the heads'. The other labels keep them.
pub fn hidden_from_heads(id: &str) -> bool {
    crate::engine::SAFETY_HEADS.contains(&id)
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

/// The namespaces of the engine's own signals: a hit in the sentence, its group, a hit in the
/// sentence before, after, and anywhere in the draft.
const LEX_NAMESPACES: [u8; 5] = [b'h', b'g', b'p', b'n', b'd'];

/// One lexicon's signal features, hashed once (hashing every id five times was a few
/// microseconds of every check).
#[derive(Clone, Debug)]
pub struct LexSignals {
    /// A hit in the sentence, the sentence before, after, and anywhere in the draft.
    here: u64,
    before: u64,
    after: u64,
    anywhere: u64,
    /// A hit of each group (indexed like [`Lexicon::groups`]), by the group's stable key
    /// ([`Lexicon::group_keys`]), never its index: adding a group leaves the others' alone.
    groups: Vec<u64>,
    /// [`hidden_from_heads`].
    hidden: bool,
    /// Per group (indexed like `groups`), whether its hits are no signal at all
    /// ([`LexIds::new`]): one index a hit, where a search of every such (lexicon, group) pair
    /// for every hit of a draft was a twentieth of a check (issue 10, round 10).
    silent: Vec<bool>,
}

impl LexSignals {
    fn new(l: &Lexicon) -> LexSignals {
        let [h, g, p, n, d] = LEX_NAMESPACES.map(|ns| Fnv::new(ns).bytes(l.id.as_bytes()));
        LexSignals {
            here: h.finish(),
            before: p.finish(),
            after: n.finish(),
            anywhere: d.finish(),
            groups: l
                .group_keys()
                .iter()
                .map(|k| g.byte(b'/').bytes(k.as_bytes()).finish())
                .collect(),
            hidden: hidden_from_heads(&l.id),
            silent: vec![false; l.groups.len()],
        }
    }

    /// Whether the hits of group `g` are signals (not silenced by [`LexIds::new`]).
    #[inline]
    fn signals(&self, g: u16) -> bool {
        !self.silent.get(usize::from(g)).copied().unwrap_or(false)
    }

    /// Every hash a hit of this lexicon can give (for tests and tools).
    pub fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        [self.here, self.before, self.after, self.anywhere]
            .into_iter()
            .chain(self.groups.iter().copied())
    }

    /// The feature of a hit of group `g`.
    pub fn group(&self, g: usize) -> Option<u64> {
        self.groups.get(g).copied()
    }
}

/// The lexicons' signal features ([`LexSignals`], by lexicon): the same for every draft, so the
/// engine computes them once. Each also marks the groups whose hits are not signals at all
/// ([`crate::lexicon::NOT_MODEL_SIGNALS`], [`crate::lexicon::Group::signal`]).
pub struct LexIds(Vec<LexSignals>);

impl LexIds {
    /// The signal features of `lexicons`, indexed like them, each with the groups whose hits
    /// are no signal ([`LexSignals::silent`]).
    pub fn new(lexicons: &[Lexicon]) -> LexIds {
        let mut ids: Vec<LexSignals> = lexicons.iter().map(LexSignals::new).collect();
        for (l, sig) in lexicons.iter().zip(&mut ids) {
            for (g, silent) in l.groups.iter().zip(&mut sig.silent) {
                let class = g.cue.and_then(|c| l.cue_classes.get(usize::from(c)));
                let hidden_class =
                    class.is_some_and(|c| crate::lexicon::NOT_MODEL_SIGNALS.contains(&c.as_str()));
                *silent = hidden_class || !g.signal;
            }
        }
        LexIds(ids)
    }

    /// Lexicon `li`'s signal features.
    pub fn lexicon(&self, li: usize) -> Option<&LexSignals> {
        self.0.get(li)
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
    /// The draft's shape as a few features, every sentence's (round 9): how many sentences,
    /// "we" voice, all in lower case, a greeting.
    draft_shape: [u64; 4],
    /// Per token, whom its word is about (`lookup::person_code` of `person`): found once a
    /// draft, where the draft's shape and every sentence asked it by token, as a string.
    persons: Vec<u8>,
    lex: Cow<'d, [LexSignals]>,
    words: usize,
    /// Per token, the index + 1 of its word's summed row, or 0 (see [`Self::with_word_rows`]).
    word_rows: Option<&'d [u32]>,
    /// Per token, [`pair_start`] of its word, or 0 where it is not known (see
    /// [`Self::with_word_rows`]).
    pair_starts: Option<&'d [u64]>,
}

impl<'d, 't> Featurizer<'d, 't> {
    /// `lexicons` are the engine's, indexed like the hits.
    pub fn new(doc: &'d Document<'t>, hits: &Hits, lexicons: &[Lexicon]) -> Self {
        let ids = LexIds::new(lexicons);
        Self::build(doc, hits, Cow::Owned(ids.0))
    }

    /// [`Self::new`] with the lexicons' ids hashed ahead ([`LexIds::new`] over the same
    /// lexicons).
    pub fn with_ids(doc: &'d Document<'t>, hits: &Hits, ids: &'d LexIds) -> Self {
        Self::build(doc, hits, Cow::Borrowed(&ids.0))
    }

    fn build(doc: &'d Document<'t>, hits: &Hits, lex: Cow<'d, [LexSignals]>) -> Self {
        let n = doc.sentences().len();
        let mut anywhere: Vec<u16> = Vec::new();
        // The markers (reported speech, hypotheticals) count too: they say a sentence is not a
        // claim of the user's own, which the rules use as filters. Counted first, then placed,
        // each sentence's pairs in lexicon order and each lexicon's in text order.
        let lexicons = || (0..lex.len()).filter_map(|li| u16::try_from(li).ok());
        let mut hit_off = vec![0u32; n + 1];
        let signals = |li: u16| {
            let sig = &lex[usize::from(li)];
            hits.of(li).iter().filter(move |h| sig.signals(h.group))
        };
        for li in lexicons() {
            let mut any = false;
            for h in signals(li) {
                if h.sentence < n {
                    hit_off[h.sentence + 1] += 1;
                }
                any = true;
            }
            if any {
                anywhere.push(li);
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
        let persons: Vec<u8> = (0..doc.tokens().len())
            .map(|t| doc.person_code(t))
            .collect();
        let draft_shape = draft_shape(doc, &persons);
        Featurizer {
            doc,
            hit_pairs,
            hit_off,
            anywhere,
            draft_shape,
            persons,
            lex,
            words: doc.word_count(),
            word_rows: None,
            pair_starts: None,
        }
    }

    /// The same, with every token's word already looked up in the frequent words' rows of the
    /// [`Rows`] that will score it (index + 1, or 0 for none, by token; the engine's scan finds
    /// them in its `WordTable`): the words are not hashed and looked up again. Only for
    /// scoring with those rows ([`Rows::score_draft`]); a sink without rows would miss the
    /// frequent words' features.
    ///
    /// `pairs` are the words' [`pair_start`]s (0 for a word whose start is not known, which is
    /// then hashed here), so each word pair hashes only its second word.
    pub fn with_word_rows(mut self, rows: &'d [u32], pairs: &'d [u64]) -> Self {
        let n = self.doc.tokens().len();
        if rows.len() == n {
            self.word_rows = Some(rows);
        }
        if pairs.len() == n {
            self.pair_starts = Some(pairs);
        }
        self
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
        let mut f = Collect(Vec::with_capacity(16 * (b - a) + 32));
        self.emit(si, true, &mut f);
        f.0
    }

    /// One engine signal of lexicon `li`, hidden from the safety heads when
    /// [`hidden_from_heads`] says so.
    #[inline]
    fn signal(&self, li: u16, hash: u64, sink: &mut impl Sink) {
        if self.lex[usize::from(li)].hidden {
            sink.hidden_from_heads(hash);
        } else {
            sink.feature(hash, (0, 0));
        }
    }

    /// The features every sentence of the draft shares: the lexicons that hit anywhere, the
    /// draft's length and its shape. Scoring adds their weights once per draft.
    pub fn emit_draft(&self, sink: &mut impl Sink) {
        for &li in &self.anywhere {
            self.signal(li, self.lex[usize::from(li)].anywhere, sink);
        }
        sink.feature(self.draft_length(), (0, 0));
        for &h in self.draft_shape.iter().filter(|&&h| h != 0) {
            sink.label_only(h);
        }
    }

    /// The draft's length as a flag's hash.
    fn draft_length(&self) -> u64 {
        match self.words {
            0..=20 => fh!(b"doc-short"),
            21..=80 => fh!(b"doc-mid"),
            81..=300 => fh!(b"doc-long"),
            _ => fh!(b"doc-very-long"),
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
        // A feature of the sentence's shape, by its hash ([`fh!`]).
        macro_rules! flag {
            ($hash:expr) => {
                sink.feature($hash, (0, 0))
            };
        }
        let word = |t: usize| doc.token_bytes(t);
        // Words and word pairs, with the sentence's edges as words of their own. (Triples
        // cost a fifth of the scoring time and, held out by writer, added nothing: 0.775
        // with them, 0.780 without.)
        for t in a..b {
            let w = word(t);
            let known = match self.word_rows {
                Some(rows) if rows[t] != 0 => {
                    sink.word_row(rows[t] - 1, t);
                    true
                }
                Some(_) => false,
                None => sink.word(word_hash(w), w, t),
            };
            if !known {
                word_features(w, &mut |h| sink.feature(h.finish(), (t, t + 1)));
            }
            if t + 1 < b {
                let start = match self.pair_starts {
                    Some(p) if p[t] != 0 => Fnv(p[t]),
                    _ => Fnv(pair_start(w)),
                };
                let pair = start.bytes(word(t + 1));
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
        let lex = |li: u16| &self.lex[usize::from(li)];
        for &(li, g) in self.per_sentence(si) {
            self.signal(li, lex(li).here, sink);
            if let Some(h) = lex(li).group(usize::from(g)) {
                self.signal(li, h, sink);
            }
        }
        if si > 0 {
            for &(li, _) in self.per_sentence(si - 1) {
                self.signal(li, lex(li).before, sink);
            }
        }
        // Round 9, context: the neighbours' groups (not only their lexicons) and first words,
        // and where in a longer draft the sentence sits.
        if draft {
            for &h in self.draft_shape.iter().filter(|&&h| h != 0) {
                sink.label_only(h);
            }
        }
        for (near, ns) in [
            (si.checked_sub(1), b'P'),
            ((si + 1 < n).then_some(si + 1), b'N'),
        ] {
            let Some(near) = near else { continue };
            for &(li, g) in self.per_sentence(near) {
                if let Some(h) = lex(li).group(usize::from(g)) {
                    sink.label_only(h.rotate_left(u32::from(ns) % 61) ^ u64::from(ns));
                }
            }
            let (_, na, nb) = self.sentence(near);
            if na < nb {
                sink.label_only(Fnv::new(ns).bytes(word(na)).finish());
            }
        }
        if n >= 4 {
            let third = 3 * si / n;
            sink.label_only([fh!(b"pos-early"), fh!(b"pos-mid"), fh!(b"pos-late")][third.min(2)]);
        }
        if si + 1 < n {
            for &(li, _) in self.per_sentence(si + 1) {
                self.signal(li, lex(li).after, sink);
            }
        }
        if draft {
            for &li in &self.anywhere {
                self.signal(li, lex(li).anywhere, sink);
            }
        }
        // Shape.
        if si == 0 {
            flag!(fh!(b"first"));
        }
        if si + 1 == n {
            flag!(fh!(b"last"));
        }
        if n >= 3 && si + 2 == n {
            flag!(fh!(b"second-last"));
        }
        if n == 1 {
            flag!(fh!(b"only"));
        }
        flag!(match b - a {
            0..=3 => fh!(b"len-tiny"),
            4..=8 => fh!(b"len-short"),
            9..=20 => fh!(b"len-mid"),
            _ => fh!(b"len-long"),
        });
        if draft {
            flag!(self.draft_length());
        }
        let text = doc.slice(span);
        // Counted byte by byte (decoding every char was a fifth of emitting a sentence's
        // features), with the question and exclamation marks in the same pass (two searches
        // of their own before), then the few non-ASCII chars, decoded where they are ("I’m"
        // has one).
        let ascii = ascii_counts(text.as_bytes());
        if ascii.question {
            flag!(fh!(b"question"));
        }
        if ascii.exclaim {
            flag!(fh!(b"exclaim"));
        }
        let (mut letters, mut upper) = (ascii.letters, ascii.upper);
        let mut rest = text;
        while let Some(i) = rest.bytes().position(|b| !b.is_ascii()) {
            let Some(c) = rest[i..].chars().next() else {
                break;
            };
            if c.is_alphabetic() {
                letters += 1;
                upper += usize::from(c.is_uppercase());
            }
            rest = &rest[i + c.len_utf8()..];
        }
        if letters >= 6 && upper == letters {
            flag!(fh!(b"shouting"));
        }
        if letters >= 6 && upper == 0 {
            flag!(fh!(b"lowercase"));
        }
        // Whom the words are about, by `lookup::person_code` (1 "i", 2 "we", 3 "you", 4 the
        // others), found once a draft ([`Self::persons`]).
        let mut seen: [bool; 5] = [false; 5];
        for &p in &self.persons[a..b] {
            if p != 0 && !seen[usize::from(p.min(4))] {
                seen[usize::from(p.min(4))] = true;
                flag!(match p {
                    1 => fh!(b"about-i"),
                    2 => fh!(b"about-we"),
                    3 => fh!(b"about-you"),
                    _ => fh!(b"about-they"),
                });
            }
        }
        if let Some(&p) = self.persons.get(a).filter(|&&p| p != 0 && a < b) {
            flag!(match p {
                1 => fh!(b"opens-i"),
                2 => fh!(b"opens-we"),
                3 => fh!(b"opens-you"),
                _ => fh!(b"opens-they"),
            });
        }
    }
}

/// The hash of a shape flag ("sents-2-3", "pos-early", "doc-we").
const fn flag_hash(name: &[u8]) -> u64 {
    Fnv::new(b'x').bytes(name).finish()
}

/// [`Featurizer::draft_shape`]: the hashes of the draft's shape features (0 for none), from the
/// draft and whom each of its words is about ([`Featurizer::persons`]).
fn draft_shape(doc: &Document<'_>, persons: &[u8]) -> [u64; 4] {
    let flag = flag_hash;
    let sents = doc.sentences();
    let count = flag(match sents.len() {
        0..=1 => b"sents-1".as_slice(),
        2..=3 => b"sents-2-3",
        4..=7 => b"sents-4-7",
        8..=15 => b"sents-8-15",
        _ => b"sents-16+",
    });
    let (mut we, mut i) = (0usize, 0usize);
    for &p in persons {
        match p {
            2 => we += 1,
            1 => i += 1,
            _ => {}
        }
    }
    let voice = if we >= 2 && we >= i {
        flag(b"doc-we")
    } else {
        0
    };
    let ascii = ascii_counts(doc.text().as_bytes());
    let lower = if ascii.letters >= 20 && ascii.upper == 0 {
        flag(b"doc-lower")
    } else {
        0
    };
    let greet = match doc.tokens().first().map(|_| doc.token_bytes(0)) {
        Some(b"dear") => flag(b"greet-dear"),
        Some(b"hi" | b"hey" | b"hello") => flag(b"greet-hi"),
        _ => 0,
    };
    [count, voice, lower, greet]
}

/// What [`ascii_counts`] counts in a text's bytes.
#[derive(Debug, PartialEq, Eq)]
struct AsciiCounts {
    /// ASCII letters (bytes of other characters are none).
    letters: usize,
    /// Of those, upper case.
    upper: usize,
    /// Whether a `?` is there, and a `!`.
    question: bool,
    exclaim: bool,
}

/// The ASCII letters of `bytes`, upper-case ones and question and exclamation marks, counted
/// 255 bytes at a time in byte-wide sums: a loop the compiler turns into vector compares and
/// adds on the base x86-64 target. `is_ascii_alphabetic`'s match, summed into a `usize`, stayed
/// one byte a step, and reading every sentence and the whole draft so was a twentieth of a
/// check (issue 10, round 10).
fn ascii_counts(bytes: &[u8]) -> AsciiCounts {
    let (mut letters, mut upper, mut question, mut exclaim) = (0usize, 0usize, false, false);
    for chunk in bytes.chunks(255) {
        let (mut l, mut u, mut q, mut e) = (0u8, 0u8, 0u8, 0u8);
        for &c in chunk {
            let up = c.wrapping_sub(b'A') < 26;
            let low = c.wrapping_sub(b'a') < 26;
            l += u8::from(up | low);
            u += u8::from(up);
            q += u8::from(c == b'?');
            e += u8::from(c == b'!');
        }
        letters += usize::from(l);
        upper += usize::from(u);
        question |= q != 0;
        exclaim |= e != 0;
    }
    AsciiCounts {
        letters,
        upper,
        question,
        exclaim,
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

    /// Issue 10, round 8: a lexicon's groups were hashed by their index, so inserting a group
    /// shifted every later group's feature and changed what the trained weights meant without
    /// a word. By the group's key, an edit touches only its own group.
    #[test]
    fn adding_a_group_to_a_lexicon_leaves_every_other_groups_feature_alone() {
        let src = include_str!("../tests/data/cue-test.toml");
        let first = "[[group]]\nname = \"means\"";
        assert!(src.contains(first));
        let added = src.replacen(
            first,
            &format!("[[group]]\nname = \"added\"\nphrases = [\"a listed word\"]\n\n{first}"),
            1,
        );
        let before = crate::lexicon::load("rules/cue-test.toml", src)
            .unwrap()
            .lexicon;
        let after = crate::lexicon::load("rules/cue-test.toml", &added)
            .unwrap()
            .lexicon;
        assert_eq!(after.groups.len(), before.groups.len() + 1);
        let (b, a) = (LexSignals::new(&before), LexSignals::new(&after));
        let mut moved = 0;
        for (gi, g) in before.groups.iter().enumerate() {
            let ai = usize::from(after.group_index(&g.name).unwrap());
            moved += usize::from(ai != gi);
            assert_eq!(b.group(gi), a.group(ai), "{}", g.name);
        }
        assert_eq!(
            moved,
            before.groups.len() - 1,
            "every group after the new one moved"
        );
        let new = a.group(usize::from(after.group_index("added").unwrap()));
        assert!(b.hashes().all(|h| Some(h) != new));
        // The lexicon's own features are the same too.
        assert_eq!(
            b.hashes().take(4).collect::<Vec<_>>(),
            a.hashes().take(4).collect::<Vec<_>>()
        );
    }

    /// Issue 10, round 9: self-harm had two groups named `tidy` (the first empty), told apart
    /// only by a `#2` on the second's key, so swapping them would have swapped what their
    /// weights meant. The loader now refuses a repeated name, naming the lexicon and the
    /// group, and a group's key is its name.
    #[test]
    fn a_lexicon_with_two_groups_of_one_name_is_refused() {
        let src = include_str!("../tests/data/cue-test.toml");
        let twice = src.replace("\"kept too\"", "\"kept\"");
        assert_ne!(twice, src);
        let err = match crate::lexicon::load("rules/cue-test.toml", &twice) {
            Ok(_) => panic!("two groups named `kept` were loaded"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("cue-test"), "{err}");
        assert!(err.contains("\"kept\""), "{err}");
        let l = crate::lexicon::load("rules/cue-test.toml", src)
            .unwrap()
            .lexicon;
        assert_eq!(
            l.group_keys(),
            ["said outright", "means", "kept", "kept too", "everyday"]
        );
    }

    /// Issue 11, round 8: the safety heads are trained without the engine's signals of their
    /// own rules' lexicons, so the check must score them without those signals too, and every
    /// other label with them. A model with a weight in every bucket and lane (so nothing
    /// hides behind a zero) scores a draft with self-harm and threat hits; each lane must be
    /// the sum of the features training gives it.
    #[test]
    fn the_heads_are_scored_without_the_signals_they_were_trained_without() {
        let e = crate::Engine::new().unwrap();
        let lexicons = e.lexicons();
        let example = |id: &str| {
            let l = lexicons.iter().find(|l| l.id == id).unwrap();
            l.examples.positive[0].text().to_string()
        };
        let text = format!("{} {}", example("self-harm"), example("threat"));
        let doc = crate::doc::Document::new(&text);
        let hits = e.scan(&doc);
        let fz = Featurizer::new(&doc, &hits, lexicons);
        let ids = LexIds::new(lexicons);
        let hidden: Vec<u64> = lexicons
            .iter()
            .enumerate()
            .filter(|(_, l)| hidden_from_heads(&l.id))
            .flat_map(|(li, _)| ids.lexicon(li).unwrap().hashes().collect::<Vec<_>>())
            .collect();
        assert_eq!(
            lexicons.iter().filter(|l| hidden_from_heads(&l.id)).count(),
            crate::engine::SAFETY_HEADS.len()
        );
        let labels = ["remorse", "self-harm", "threat"];
        let m = Model {
            bits: 10,
            labels: labels
                .iter()
                .map(|id| LabelModel {
                    id: (*id).into(),
                    bias: -0.5,
                    scale: 0.01,
                    threshold: 0.5,
                    mode: Mode::Union,
                })
                .collect(),
            weights: (0..(1usize << 10) * labels.len())
                .map(|i| ((i * 37 % 251) as i8).saturating_sub(125) | 1)
                .collect(),
            corpus_digest: String::new(),
        };
        let rows = m.rows();
        let scores = rows.score_draft(&fz);
        let mut hidden_seen = 0;
        for si in 0..fz.len() {
            let feats = fz.features(si);
            let mut only = LabelOnly(Vec::new());
            fz.emit(si, true, &mut only);
            for f in &feats {
                // Marked hidden exactly when it is a signal of a head's own lexicon or one of
                // the labels' own context features (round 9).
                assert_eq!(
                    !f.heads,
                    hidden.contains(&f.hash) || only.0.contains(&f.hash),
                    "{f:?}"
                );
                hidden_seen += usize::from(!f.heads);
            }
            for (l, id) in labels.iter().enumerate() {
                let head = crate::engine::SAFETY_HEADS.contains(id);
                let sum: i32 = feats
                    .iter()
                    .filter(|f| f.heads || !head)
                    .map(|f| i32::from(m.weights[(f.hash as usize & 1023) * labels.len() + l]))
                    .sum();
                let want = sigmoid(-0.5 + sum as f32 * 0.01);
                assert!(
                    (scores.prob(si, l) - want).abs() < 1e-6,
                    "{id}, sentence {si}"
                );
                let whole = sigmoid(m.logits(&feats)[l]);
                assert!((whole - want).abs() < 1e-6, "{id}, sentence {si}");
            }
        }
        assert!(hidden_seen > 0, "the draft hides nothing from the heads");
    }

    /// The features a sink is given as the labels' own ([`Sink::label_only`]).
    struct LabelOnly(Vec<u64>);

    impl Sink for LabelOnly {
        fn feature(&mut self, _: u64, _: (usize, usize)) {}
        fn hidden_from_heads(&mut self, _: u64) {}
        fn label_only(&mut self, hash: u64) {
            self.0.push(hash);
        }
    }

    /// Issue 10, round 9: a sentence is read with its neighbours (their first words and their
    /// lexicon groups) and the draft's shape, for the labels only: the safety heads, trained
    /// apart (issue 11), see none of it, so their held-out recall cannot move with it.
    #[test]
    fn context_features_reach_the_labels_and_never_the_heads() {
        let e = crate::Engine::new().unwrap();
        let text = "We are writing to you today. We let you down. Please call us.";
        let doc = crate::doc::Document::new(text);
        let hits = e.scan(&doc);
        let fz = Featurizer::new(&doc, &hits, e.lexicons());
        let feats = fz.features(1);
        let mut only = LabelOnly(Vec::new());
        fz.emit(1, true, &mut only);
        let flag = flag_hash;
        for h in [
            Fnv::new(b'P').bytes(b"we").finish(),
            Fnv::new(b'N').bytes(b"please").finish(),
            flag(b"doc-we"),
            flag(b"sents-2-3"),
        ] {
            assert!(only.0.contains(&h), "{h:x} is not a label-only feature");
            let f = feats
                .iter()
                .find(|f| f.hash == h)
                .expect("a context feature");
            assert!(!f.heads, "the heads see a context feature");
        }
    }

    #[test]
    fn ascii_counts_count_as_the_byte_tests_do() {
        let texts = [
            "",
            "I'm SORRY, but… ok",
            "[at] the `end` {of} @ZZ az AZ",
            "really?! yes",
            "caf\u{e9}? \u{c9}t\u{e9}!",
            &"Mixed Case words and 123 digits. ".repeat(40),
        ];
        for text in texts {
            let b = text.as_bytes();
            let want = AsciiCounts {
                letters: b.iter().filter(|c| c.is_ascii_alphabetic()).count(),
                upper: b.iter().filter(|c| c.is_ascii_uppercase()).count(),
                question: text.contains('?'),
                exclaim: text.contains('!'),
            };
            assert_eq!(ascii_counts(b), want, "{text:?}");
        }
        let every: Vec<u8> = (0..=255u8).collect();
        let all = ascii_counts(&every);
        assert_eq!(
            (all.letters, all.upper, all.question, all.exclaim),
            (52, 26, true, true)
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
