//! The text as the rules see it: a normalised copy for matching, tokens, clauses, sentences and
//! paragraphs, every one of them mapped back to byte spans of the original.
//!
//! Normalising lowercases, folds curly apostrophes to `'`, and turns every run of punctuation,
//! whitespace and emoji into one space, so "I’m SORRY, but…" and "im sorry but" meet the same
//! phrase. The original spans are kept through a byte map, so findings point at the user's
//! own characters.

use crate::folds::respell;
use crate::lookup::{
    ALWAYS_SUBJECT, CONDITIONAL, CONJUNCTION, FINITE_AFTER_YOU, Found, KNOWN, NEGATES,
    NEGATES_SHORT, PLAIN, WordTable,
};
use crate::model::word_hash;
use crate::report::Span;

/// Token flag: the token negates what follows ("not", "never", "don't").
pub const NEGATOR: u8 = 1;
/// Token flag: the token is inside double quotes.
pub const QUOTED: u8 = 2;
/// Token flag: a determiner negator ("no", "nothing") that negates only the next word or two:
/// "no excuse for what I said" does not negate "what I said".
pub const NEG_SHORT: u8 = 4;
/// Token flag: the word opens a conditional ("if", "unless", "until"). A negator inside the
/// condition ("if you don't reply") negates the condition, not the clause that answers it.
pub const CONDITION: u8 = 8;
/// Token flag: the word can only be the subject of a new clause ("I'll", "we", "you'll",
/// "you" before a verb). After a condition, it marks where the main clause starts, even with
/// no comma: "if you don't reply I'll know you never cared".
pub const SUBJECT: u8 = 16;

/// One word of the normalised text.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    /// Byte range in the normalised text.
    pub norm_start: usize,
    /// End (exclusive) in the normalised text.
    pub norm_end: usize,
    /// Byte span in the original text.
    pub span: Span,
    /// Index of the sentence holding it.
    pub sentence: usize,
    /// Clause number, increasing through the text; a clause ends at punctuation, a sentence end
    /// or a conjunction such as "but" or "because". Negation and reported speech reach only to
    /// the end of their clause.
    pub clause: usize,
    /// [`NEGATOR`] | [`QUOTED`].
    pub flags: u8,
}

/// One sentence of the original text (Unicode sentence boundaries; a line break also ends one).
#[derive(Clone, Copy, Debug)]
pub struct Sentence {
    /// Trimmed byte span in the original.
    pub span: Span,
    /// First token index.
    pub first_token: usize,
    /// One past the last token index.
    pub end_token: usize,
    /// Index of the paragraph (blocks separated by a blank line).
    pub paragraph: usize,
}

/// The text prepared for the rules.
#[derive(Debug)]
pub struct Document<'a> {
    text: &'a str,
    norm: String,
    /// For each byte of `norm`, the byte offset in `text` of the char it came from.
    map: Vec<usize>,
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    paragraphs: usize,
    /// Per token, what the engine's word table has for its word, when the document was built
    /// with one ([`Document::with_words`]) and the word is as the user wrote it; empty
    /// otherwise.
    found: Vec<Option<Found>>,
}

/// Per byte: its lower case if it is an ASCII letter or digit, 0 otherwise.
static ALNUM_LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

fn is_clause_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '.'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '"'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2014}'
            | '\u{2013}'
            | '\u{2026}'
            | '\n'
            | '\r'
    )
}

/// Words that begin a new clause: negation and reported speech stop before them.
fn is_conjunction(w: &str) -> bool {
    matches!(
        w,
        "but"
            | "and"
            | "so"
            | "because"
            | "cause"
            | "cuz"
            | "coz"
            | "though"
            | "although"
            | "yet"
            | "or"
            | "while"
            | "whereas"
            | "however"
            | "except"
            | "plus"
            | "then"
    )
}

fn is_negator(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "never"
            | "nor"
            | "without"
            | "cannot"
            | "neither"
            | "dont"
            | "cant"
            | "wont"
            | "didnt"
            | "isnt"
            | "wasnt"
            | "arent"
            | "werent"
            | "shouldnt"
            | "wouldnt"
            | "couldnt"
            | "havent"
            | "hasnt"
            | "doesnt"
            | "aint"
            | "stop"
            | "stopped"
            | "quit"
    ) || w.ends_with("n't")
}

impl<'a> Document<'a> {
    /// Prepares `text`. Cost is linear in its length.
    pub fn new(text: &'a str) -> Document<'a> {
        Document::build(text, None)
    }

    /// [`Self::new`], looking every word up in `words` once as it is read: a word the table
    /// says is spelled as the lexicons spell it ([`PLAIN`]) is not looked up in the folds,
    /// and what the table has for each word is kept for the scan and the model
    /// ([`Self::found`]). The same document as [`Self::new`] gives.
    pub fn with_words(text: &'a str, words: &WordTable) -> Document<'a> {
        Document::build(text, Some(words))
    }

    fn build(text: &'a str, words: Option<&WordTable>) -> Document<'a> {
        let mut norm = String::with_capacity(text.len() + 1);
        let mut found: Vec<Option<Found>> = Vec::new();
        // Per token, its kinds of word (`word_classes`).
        let mut classes: Vec<u8> = Vec::with_capacity(text.len() / 5 + 1);
        if words.is_some() {
            found.reserve(text.len() / 5 + 1);
        }
        let mut map: Vec<usize> = Vec::with_capacity(text.len() + 1);
        let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);

        let mut in_word = false;
        let mut word_start_norm = 0usize;
        let mut word_start_orig = 0usize;
        let mut word_end_orig = 0usize;
        let mut word_last_char = 0usize;
        let mut pending_break = true;
        let mut in_quote = false;
        let mut word_quoted = false;
        let mut clause = 0usize;
        // Ends the word being read: at a separator and at the end of the text alike.
        macro_rules! close_word {
            () => {
                // Whether the folds replaced the word: only a replacement can hold a space.
                let mut respelled = false;
                let seen = match words {
                    Some(table) => {
                        let raw = &norm.as_bytes()[word_start_norm..];
                        let f = table.find(word_hash(raw), raw);
                        // `respell` has nothing for a plain word: canonicalising it changes
                        // nothing. What the table has holds for the word unless it changes.
                        if f.flags & PLAIN == 0 {
                            respelled =
                                canonicalise(&mut norm, &mut map, word_start_norm, word_last_char);
                        }
                        (!respelled).then_some(f)
                    }
                    None => {
                        respelled =
                            canonicalise(&mut norm, &mut map, word_start_norm, word_last_char);
                        None
                    }
                };
                // The kinds of a word the table knows, unless the folds changed it.
                let known = seen.filter(|f| f.flags & KNOWN != 0).map(|f| f.flags);
                push_tokens(
                    &mut tokens,
                    &mut classes,
                    known,
                    (&norm, respelled),
                    word_start_norm,
                    Span::new(word_start_orig, word_end_orig),
                    &mut pending_break,
                    &mut clause,
                    word_quoted,
                );
                if words.is_some() {
                    found.resize(tokens.len(), seen);
                }
            };
        }

        let bytes = text.as_bytes();
        let mut i = 0usize;
        while i < bytes.len() {
            // A run of ASCII letters and digits, most of any text, in one step: each of its
            // chars would take the general path below as a letter of the word (lowercased, one
            // byte of the map each), so the result is the same, without decoding and testing
            // every char on its own (that was most of building the document).
            if ALNUM_LOWER[usize::from(bytes[i])] != 0 {
                if !in_word {
                    in_word = true;
                    word_start_norm = norm.len();
                    word_start_orig = i;
                    word_quoted = in_quote;
                }
                // Read, lowered and mapped byte by byte in one loop, with one table lookup a
                // byte: finding the run's end, copying it, lowering it and mapping it were four
                // passes, about a twentieth of a check (issue 10, round 10).
                let mut run = i;
                while let Some(&b) = bytes.get(run) {
                    let lower = ALNUM_LOWER[usize::from(b)];
                    if lower == 0 {
                        break;
                    }
                    norm.push(char::from(lower));
                    map.push(run);
                    run += 1;
                }
                word_end_orig = run;
                word_last_char = run - 1;
                i = run;
                continue;
            }
            // An ASCII separator (a space, most punctuation) that can neither stand for a
            // letter nor join a word: the general path below would close the word and collapse
            // it into a space, so it does that here without decoding this char and the next.
            let b = bytes[i];
            if b.is_ascii() && !matches!(b, b'@' | b'$' | b'\'' | b'`') {
                if in_word {
                    in_word = false;
                    close_word!();
                }
                if b == b'"' {
                    in_quote = !in_quote;
                }
                if is_clause_punct(char::from(b)) {
                    pending_break = true;
                }
                if !norm.is_empty() && !norm.ends_with(' ') {
                    norm.push(' ');
                    map.push(i);
                }
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let at = i;
            i += c.len_utf8();
            let peek = text[i..].chars().next();
            // "h@rm", "$uicide": a symbol standing for a letter, between or before letters,
            // stays in the word so that it can be read (`folds::respell`).
            let letter_symbol =
                ((c == '@' && in_word) || c == '$') && peek.is_some_and(char::is_alphabetic);
            if c.is_alphanumeric() || letter_symbol {
                if !in_word {
                    in_word = true;
                    word_start_norm = norm.len();
                    word_start_orig = at;
                    word_quoted = in_quote;
                }
                if c.is_ascii() {
                    norm.push(c.to_ascii_lowercase());
                    map.push(at);
                } else {
                    for l in c.to_lowercase() {
                        let before = norm.len();
                        norm.push(l);
                        map.extend(std::iter::repeat_n(at, norm.len() - before));
                    }
                }
                word_end_orig = at + c.len_utf8();
                word_last_char = at;
                continue;
            }
            let next_is_word = peek.is_some_and(char::is_alphanumeric);
            if is_apostrophe(c) && in_word && next_is_word {
                norm.push('\'');
                map.push(at);
                continue;
            }
            // A separator: close the word, collapse runs into one space.
            if in_word {
                in_word = false;
                close_word!();
            }
            // ASCII '"' never reaches here: the separator path above toggles it.
            match c {
                '\u{201C}' | '\u{00AB}' => in_quote = true,
                '\u{201D}' | '\u{00BB}' => in_quote = false,
                _ => {}
            }
            if is_clause_punct(c) {
                pending_break = true;
            }
            if !norm.is_empty() && !norm.ends_with(' ') {
                norm.push(' ');
                map.push(at);
            }
        }
        if in_word {
            close_word!();
        }
        map.push(text.len());
        mark_subjects(&norm, &mut tokens, &classes);

        let (sentences, paragraphs) = split_sentences(text, &mut tokens);
        // A new sentence always opens a new clause.
        let mut last_sentence = usize::MAX;
        let mut bump = 0usize;
        for t in &mut tokens {
            if t.sentence != last_sentence {
                last_sentence = t.sentence;
                bump += 1;
            }
            t.clause += bump;
        }
        Document {
            text,
            norm,
            map,
            tokens,
            sentences,
            paragraphs,
            found,
        }
    }

    /// What the word table has for token `t`'s word, if the document was built with one and
    /// the word is as the user wrote it ([`Self::with_words`]).
    pub(crate) fn found(&self, t: usize) -> Option<Found> {
        self.found.get(t).copied().flatten()
    }

    /// Who token `t`'s word says a sentence is about (`model::person`), from the word table
    /// when it knows the word.
    pub(crate) fn person(&self, t: usize) -> Option<&'static str> {
        crate::lookup::person_of(self.person_code(t))
    }

    /// [`Self::person`] as `lookup::person_code` gives it (0 for none).
    pub(crate) fn person_code(&self, t: usize) -> u8 {
        match self.found(t) {
            Some(f) if f.flags & KNOWN != 0 => f.person,
            _ => crate::lookup::person_code(crate::model::person(self.token_text(t))),
        }
    }

    /// The original text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The normalised text (lowercase, straight apostrophes, single spaces).
    pub fn norm(&self) -> &str {
        &self.norm
    }

    /// The words.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The sentences.
    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    /// How many paragraphs hold at least one sentence.
    pub fn paragraph_count(&self) -> usize {
        self.paragraphs
    }

    /// The normalised text of token `i`.
    pub fn token_text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.norm[t.norm_start..t.norm_end]
    }

    /// The normalised bytes of token `i`: [`Self::token_text`] without the check that its
    /// ends are char boundaries (they are), for the model's hashing of every word.
    pub fn token_bytes(&self, i: usize) -> &[u8] {
        let t = &self.tokens[i];
        &self.norm.as_bytes()[t.norm_start..t.norm_end]
    }

    /// Maps a byte range of the normalised text back to the original, on char boundaries.
    pub fn orig_span(&self, norm_start: usize, norm_end: usize) -> Span {
        if norm_end <= norm_start || norm_start >= self.map.len() {
            let at = self.map.get(norm_start).copied().unwrap_or(self.text.len());
            return Span::new(at, at);
        }
        let start = self.map[norm_start];
        let last = self.map[norm_end - 1];
        let end = last + self.text[last..].chars().next().map_or(0, char::len_utf8);
        Span::new(start, end)
    }

    /// The index of the token starting at normalised byte `pos`, if any.
    pub fn token_starting_at(&self, pos: usize) -> Option<usize> {
        self.tokens
            .binary_search_by(|t| t.norm_start.cmp(&pos))
            .ok()
    }

    /// The index of the token ending at normalised byte `pos`, if any.
    pub fn token_ending_at(&self, pos: usize) -> Option<usize> {
        self.tokens.binary_search_by(|t| t.norm_end.cmp(&pos)).ok()
    }

    /// The text of a span of the original.
    pub fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }
}

/// Replaces the word at `norm[start..]` by its canonical spelling (or the key word a slip of
/// the fingers stands for, see `folds::respell`), keeping the byte map pointing at the
/// original word: every new byte maps to the word's first char, the last one to its last
/// char, so spans still cover exactly the user's characters. A joined form ("killmyself")
/// becomes several words, which [`push_tokens`] makes tokens of. Whether it replaced the word.
fn canonicalise(norm: &mut String, map: &mut Vec<usize>, start: usize, last_char: usize) -> bool {
    let Some(c) = respell(&norm[start..]) else {
        return false;
    };
    let first = map[start];
    norm.truncate(start);
    map.truncate(start);
    norm.push_str(c);
    map.extend(std::iter::repeat_n(first, c.len()));
    if let Some(m) = map.last_mut() {
        *m = last_char;
    }
    true
}

/// Pushes the token(s) of the word at `norm[start..]`: one, or one per word of a joined form
/// read apart ("kill myself" from "killmyself"), each spanning the whole original word.
#[allow(clippy::too_many_arguments)]
fn push_tokens(
    tokens: &mut Vec<Token>,
    classes: &mut Vec<u8>,
    known: Option<u8>,
    (norm, respelled): (&str, bool),
    start: usize,
    span: Span,
    pending_break: &mut bool,
    clause: &mut usize,
    quoted: bool,
) {
    // Nearly every word is one token: no split for it (the split's search was a sixth of
    // pushing a word). A word as the user wrote it has no space; only the folds' replacement
    // of it may (and the search for one, a call to `memchr` a word, was another sixth).
    if !respelled || !norm.as_bytes()[start..].contains(&b' ') {
        let end = norm.len();
        let kinds = known.unwrap_or_else(|| word_classes(&norm[start..end]));
        classes.push(kinds);
        push_token(
            tokens,
            kinds,
            (start, end),
            span,
            pending_break,
            clause,
            quoted,
        );
        return;
    }
    let mut from = start;
    for part in norm[start..].split(' ') {
        let end = from + part.len();
        let kinds = word_classes(part);
        classes.push(kinds);
        push_token(
            tokens,
            kinds,
            (from, end),
            span,
            pending_break,
            clause,
            quoted,
        );
        from = end + 1;
    }
}

/// The kinds of word `w` is (the flags of `lookup`: [`CONJUNCTION`], [`NEGATES`], ...), which
/// the word table also holds for the words it knows.
pub(crate) fn word_classes(w: &str) -> u8 {
    let mut kinds = 0u8;
    if is_conjunction(w) {
        kinds |= CONJUNCTION;
    }
    if is_negator(w) {
        kinds |= NEGATES;
    }
    if matches!(w, "no" | "nothing" | "none") {
        kinds |= NEGATES_SHORT;
    }
    if matches!(w, "if" | "unless" | "until" | "till") {
        kinds |= CONDITIONAL;
    }
    if is_subject(w) {
        kinds |= ALWAYS_SUBJECT;
    }
    if is_finite_after_you(w) {
        kinds |= FINITE_AFTER_YOU;
    }
    kinds
}

/// Pushes one token, whose word is of the kinds `kinds` ([`word_classes`]).
fn push_token(
    tokens: &mut Vec<Token>,
    kinds: u8,
    (start, end): (usize, usize),
    span: Span,
    pending_break: &mut bool,
    clause: &mut usize,
    quoted: bool,
) {
    if *pending_break || kinds & CONJUNCTION != 0 {
        *clause += 1;
    }
    *pending_break = false;
    let mut flags = 0u8;
    if kinds & NEGATES != 0 {
        flags |= NEGATOR;
    } else if kinds & NEGATES_SHORT != 0 {
        flags |= NEG_SHORT;
    } else if kinds & CONDITIONAL != 0 {
        flags |= CONDITION;
    }
    if quoted {
        flags |= QUOTED;
    }
    tokens.push(Token {
        norm_start: start,
        norm_end: end,
        span,
        sentence: 0,
        clause: *clause,
        flags,
    });
}

/// Words that are always the subject of a clause of their own.
fn is_subject(w: &str) -> bool {
    matches!(
        w,
        "i" | "i'll"
            | "i'm"
            | "i'd"
            | "i've"
            | "we"
            | "we'll"
            | "we're"
            | "we'd"
            | "you'll"
            | "you'd"
            | "he"
            | "she"
            | "they"
            | "they'll"
            | "it'll"
            | "that'll"
    )
}

/// Verbs and modals after which "you" is a subject ("you will regret it"), not an object.
fn is_finite_after_you(w: &str) -> bool {
    matches!(
        w,
        "will"
            | "would"
            | "won't"
            | "can"
            | "can't"
            | "could"
            | "should"
            | "must"
            | "might"
            | "may"
            | "are"
            | "were"
            | "know"
            | "need"
            | "never"
    )
}

/// Sets [`SUBJECT`] on the words that open a clause of their own (see [`is_subject`]).
fn mark_subjects(norm: &str, tokens: &mut [Token], classes: &[u8]) {
    for i in 0..tokens.len() {
        let w = &norm[tokens[i].norm_start..tokens[i].norm_end];
        let subject = classes[i] & ALWAYS_SUBJECT != 0
            || (w == "you"
                && classes
                    .get(i + 1)
                    .is_some_and(|&k| k & FINITE_AFTER_YOU != 0));
        if subject {
            tokens[i].flags |= SUBJECT;
        }
    }
}

/// Unicode sentence boundaries, with paragraphs counted at blank lines. Assigns each token its
/// sentence.
fn split_sentences(text: &str, tokens: &mut [Token]) -> (Vec<Sentence>, usize) {
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut paragraph = 0usize;
    let mut seen_in_paragraph = false;
    let mut newlines_since_text = 0usize;
    let mut ti = 0usize;
    for (off, s) in crate::sentences::sentence_bound_indices(text) {
        // Blank lines between sentences start a new paragraph.
        let lead = s.len() - s.trim_start().len();
        newlines_since_text += s[..lead].bytes().filter(|&b| b == b'\n').count();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            continue;
        }
        if newlines_since_text >= 2 && seen_in_paragraph {
            paragraph += 1;
        }
        let start = off + lead;
        let end = start + trimmed.len();
        let first = ti;
        while ti < tokens.len() && tokens[ti].span.start < end {
            tokens[ti].sentence = sentences.len();
            ti += 1;
        }
        sentences.push(Sentence {
            span: Span::new(start, end),
            first_token: first,
            end_token: ti,
            paragraph,
        });
        seen_in_paragraph = true;
        let tail = &s[lead + trimmed.len()..];
        newlines_since_text = tail.bytes().filter(|&b| b == b'\n').count();
    }
    let paragraphs = if sentences.is_empty() {
        0
    } else {
        paragraph + 1
    };
    (sentences, paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_apostrophes_fold_and_spans_stay_original() {
        let d = Document::new("I\u{2019}m SORRY, but\u{2026} ok");
        assert_eq!(d.norm(), "i'm sorry but okay");
        let s = d.orig_span(0, 3);
        assert_eq!(d.slice(s), "I\u{2019}m");
        assert_eq!(d.tokens().len(), 4);
    }

    #[test]
    fn clauses_split_at_but() {
        let d = Document::new("not you but me");
        let t = d.tokens();
        assert_eq!(t[0].clause, t[1].clause);
        assert_ne!(t[1].clause, t[2].clause);
    }

    #[test]
    fn paragraphs_counted_at_blank_lines() {
        let d = Document::new("Hi.\n\nI lied. Sorry.\n\nBye");
        assert_eq!(d.paragraph_count(), 3);
        assert_eq!(d.sentences().len(), 4);
    }

    #[test]
    fn quotes_mark_tokens() {
        let d = Document::new("you said \u{201C}calm down\u{201D} to me");
        assert_eq!(d.tokens()[2].flags & QUOTED, QUOTED);
        assert_eq!(d.tokens()[4].flags & QUOTED, 0);
    }
}
