//! The typo folds of the crisis and threat key words, generated at build time from
//! `lexicons/spelling.toml` by `src/spelling.rs` (see there): a sorted table that
//! [`crate::Document`] looks each word up in.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/folds.rs"));
}

use generated::{FOLD_SLOTS, FOLDS, KEYS};

use crate::words::{CANONICAL, fold_slot};

/// What the hash table the build script laid out (`FOLD_SLOTS`) holds for a word: a slip of
/// the fingers (`FOLDS`) or a canonical spelling ([`CANONICAL`], indexed after the folds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Fold(&'static str),
    Canonical(&'static str),
}

/// One probe of the table, which for nearly every word ends at an empty slot without
/// comparing a string. No word is both a fold and a canonical spelling (the build script
/// checks), so the first match is the only one.
fn lookup(word: &str) -> Option<Entry> {
    let mask = FOLD_SLOTS.len() - 1;
    let mut slot = fold_slot(word, mask);
    loop {
        let i = usize::from(FOLD_SLOTS[slot]).checked_sub(1)?;
        let (from, entry) = match FOLDS.get(i) {
            Some(&(from, to)) => (from, Entry::Fold(to)),
            None => {
                let &(from, to) = CANONICAL.get(i - FOLDS.len())?;
                (from, Entry::Canonical(to))
            }
        };
        if from == word {
            return Some(entry);
        }
        slot = (slot + 1) & mask;
    }
}

/// What a slip of the fingers stands for ("kil" -> "kill", "killmyself" -> "kill myself").
fn fold(word: &str) -> Option<&'static str> {
    match lookup(word)? {
        Entry::Fold(to) => Some(to),
        Entry::Canonical(_) => None,
    }
}

/// The word as the lexicons spell it, if it is written otherwise: the canonical spelling
/// ("dont", "u"), a slip of a key word, or a key word (or slip) in digits and symbols
/// ("su1cide", "h@rm"). May be several words ("kill myself"). The canonical spelling comes
/// first and a slip needs three letters, as before the two shared one table.
pub(crate) fn respell(word: &str) -> Option<&'static str> {
    match lookup(word) {
        Some(Entry::Canonical(c)) => return Some(c),
        Some(Entry::Fold(f)) if word.len() >= 3 => return Some(f),
        _ => {}
    }
    if word.len() < 3 {
        return None;
    }
    if !word
        .bytes()
        .any(|b| b.is_ascii_digit() || b == b'@' || b == b'$' || b == b'!')
    {
        return None;
    }
    let plain = unleet(word)?;
    KEYS.binary_search(&plain.as_str())
        .ok()
        .map(|i| KEYS[i])
        .or_else(|| fold(&plain))
}

/// Reads digits and symbols standing for letters ("su1cide", "h@rm", "k1ll"); `None` when the
/// word has no letter or nothing to read.
pub fn unleet(word: &str) -> Option<String> {
    let has_letter = word.bytes().any(|b| b.is_ascii_lowercase());
    let mut changed = false;
    let out: String = word
        .chars()
        .map(|c| {
            let l = match c {
                '1' | '!' => 'i',
                '3' => 'e',
                '4' | '@' => 'a',
                '0' => 'o',
                '5' | '$' => 's',
                '7' => 't',
                c => return c,
            };
            changed = true;
            l
        })
        .collect();
    (has_letter && changed).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_folds_no_lexicon_word() {
        assert!(FOLDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(KEYS.windows(2).all(|w| w[0] < w[1]));
        for (from, _) in FOLDS {
            assert!(KEYS.binary_search(from).is_err(), "{from} is a key word");
        }
    }

    #[test]
    fn the_hash_table_finds_every_fold_and_nothing_else() {
        for (from, to) in FOLDS {
            assert_eq!(fold(from), Some(*to), "{from}");
        }
        let written: std::collections::BTreeSet<&str> = CANONICAL.iter().map(|c| c.0).collect();
        assert_eq!(
            written.len(),
            CANONICAL.len(),
            "a written form appears twice"
        );
        for (from, to) in CANONICAL {
            assert_eq!(lookup(from), Some(Entry::Canonical(to)), "{from}");
            assert_eq!(fold(from), None, "{from}");
        }
        let used = FOLD_SLOTS.iter().filter(|&&s| s != 0).count();
        assert_eq!(used, FOLDS.len() + CANONICAL.len());
        for w in ["kill", "the", "", "zzzz", "myself", "harm", "kills"] {
            assert_eq!(fold(w), None, "{w}");
        }
    }

    #[test]
    fn slips_joins_and_digits_fold() {
        assert_eq!(respell("kil"), Some("kill"));
        assert_eq!(respell("wnat"), Some("want"));
        assert_eq!(respell("myslef"), Some("myself"));
        assert_eq!(respell("killmyself"), Some("kill myself"));
        assert_eq!(respell("selfharm"), Some("self harm"));
        assert_eq!(respell("su1cide"), Some("suicide"));
        assert_eq!(respell("h@rm"), Some("harm"));
        // Real words stay.
        for w in [
            "will", "went", "dad", "life", "lie", "hug", "bet", "wash", "love",
        ] {
            assert_eq!(respell(w), None, "{w}");
        }
    }

    #[test]
    fn leet_reads_as_letters() {
        assert_eq!(unleet("su1cide").as_deref(), Some("suicide"));
        assert_eq!(unleet("h@rm").as_deref(), Some("harm"));
        assert_eq!(unleet("247"), None);
        assert_eq!(unleet("kill"), None);
    }
}
