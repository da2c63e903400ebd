//! One lookup a word for what the check asks of it (see [`WordTable`]).

use crate::model::pair_start;

/// The longest word a [`WordTable`] holds.
pub const TABLE_WORD: usize = 13;

/// Flag of a [`WordTable`] entry: the word is as the lexicons spell it (`folds::respell`
/// has nothing for it), so building the document need not look it up in the folds.
pub const PLAIN: u8 = 1;
/// Flags of what kind of word it is, as `doc::word_classes` finds them: a conjunction that
/// opens a clause, a negator, a short negator ("no"), a word that opens a condition, a word
/// that is always a subject, a verb or modal after which "you" is a subject.
pub const CONJUNCTION: u8 = 2;
pub const NEGATES: u8 = 4;
pub const NEGATES_SHORT: u8 = 8;
pub const CONDITIONAL: u8 = 16;
pub const ALWAYS_SUBJECT: u8 = 32;
pub const FINITE_AFTER_YOU: u8 = 64;
/// Set for every word the table holds: its flags and person are known (a word it does not
/// hold has all zero, which says nothing).
pub const KNOWN: u8 = 128;

/// The words the check looks every word up in, once (building the document does, see
/// `Document::with_words`), for three answers: whether the word is spelled as the lexicons
/// spell it ([`PLAIN`]), a frequent word's summed row for the model (`model::Words`), and the
/// node of the phrase trie a walk reaches by reading the word whole (`Tables::first_words`).
/// The document looked every word up in the folds, the model hashed every word to find its
/// row and the scan walked the trie byte by byte through every word; one probe now answers
/// all three for the words it holds.
#[derive(Default)]
pub struct WordTable {
    /// Open addressing on `model::word_hash`.
    slots: Vec<WordSlot>,
}

/// What a [`WordTable`] has for a word (all zero for a word it does not hold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// Index + 1 into the model's word rows; 0: none.
    pub row: u32,
    /// The trie node reached by reading the word; 0: none.
    pub node: u32,
    /// The model's word-pair hash state after this word and the space (`model::pair_start`),
    /// so a pair's hash starts there instead of hashing the word again; 0: not known (a
    /// word the table does not hold).
    pub pair: u64,
    /// [`PLAIN`], the kinds of word, [`KNOWN`].
    pub flags: u8,
    /// Who the word says a sentence is about (`model::person`): 0 none, then 1 to 4 for
    /// "i", "we", "you", "they".
    pub person: u8,
}

/// One slot of [`WordTable`], a half cache line (an empty word marks an empty slot).
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
struct WordSlot {
    /// [`Found::pair`]. (The slot held the word's hash here, compared before the letters; a
    /// probe now compares the length and then the letters, which left room for this.)
    pair: u64,
    /// Index + 1 into the model's word rows; 0: none.
    row: u32,
    /// The trie node reached by reading the word; 0: none.
    node: u32,
    len: u8,
    flags: u8,
    person: u8,
    word: [u8; TABLE_WORD],
}

impl WordTable {
    /// A table of the words of `trie` (word, node) and `rows` (word, row + 1), each at most
    /// once in each; `describe` gives a word's flags and person. Words longer than
    /// [`TABLE_WORD`] bytes, and empty ones, are left out.
    pub fn new<'w>(
        trie: impl ExactSizeIterator<Item = (&'w [u8], u32)>,
        rows: impl ExactSizeIterator<Item = (&'w [u8], u32)>,
        describe: impl Fn(&[u8]) -> (u8, u8),
    ) -> WordTable {
        let size = ((trie.len() + rows.len()) * 2).next_power_of_two().max(2);
        let mut table = WordTable {
            slots: vec![WordSlot::default(); size],
        };
        for (word, node) in trie {
            if let Some(slot) = table.slot_for(word) {
                slot.node = node;
            }
        }
        for (word, row) in rows {
            if let Some(slot) = table.slot_for(word) {
                slot.row = row;
            }
        }
        for slot in table.slots.iter_mut().filter(|s| s.len != 0) {
            let (flags, person) = describe(&slot.word[..usize::from(slot.len)]);
            slot.flags = flags | KNOWN;
            slot.person = person;
        }
        table
    }

    /// The slot of `word`, taken for it if it has none yet; `None` for a word the table does
    /// not hold. The table is at most half full, so a free slot is always found.
    fn slot_for(&mut self, word: &[u8]) -> Option<&mut WordSlot> {
        if word.is_empty() || word.len() > TABLE_WORD {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut s = crate::model::word_hash(word) as usize & mask;
        loop {
            let slot = &self.slots[s];
            if slot.len == 0 {
                break;
            }
            if slot.word[..usize::from(slot.len)] == *word {
                return Some(&mut self.slots[s]);
            }
            s = (s + 1) & mask;
        }
        let slot = &mut self.slots[s];
        slot.pair = pair_start(word);
        slot.len = word.len() as u8;
        slot.word[..word.len()].copy_from_slice(word);
        Some(slot)
    }

    /// What the table has for `word`, whose `model::word_hash` is `hash`.
    #[inline]
    pub fn find(&self, hash: u64, word: &[u8]) -> Found {
        let size = self.slots.len();
        if size == 0 || word.is_empty() || word.len() > TABLE_WORD {
            return Found::default();
        }
        let mut s = hash as usize & (size - 1);
        loop {
            let slot = &self.slots[s];
            if slot.len == 0 {
                return Found::default();
            }
            if usize::from(slot.len) == word.len() && slot.word[..word.len()] == *word {
                return Found {
                    row: slot.row,
                    node: slot.node,
                    pair: slot.pair,
                    flags: slot.flags,
                    person: slot.person,
                };
            }
            s = (s + 1) & (size - 1);
        }
    }
}

/// [`Found::person`] of `model::person`'s answer.
pub fn person_code(p: Option<&str>) -> u8 {
    match p {
        Some("i") => 1,
        Some("we") => 2,
        Some("you") => 3,
        Some(_) => 4,
        None => 0,
    }
}

/// `model::person`'s answer of a [`Found::person`].
pub fn person_of(code: u8) -> Option<&'static str> {
    match code {
        1 => Some("i"),
        2 => Some("we"),
        3 => Some("you"),
        4 => Some("they"),
        _ => None,
    }
}
