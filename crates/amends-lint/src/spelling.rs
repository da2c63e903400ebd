//! Typo, text-speak and joined spellings of the words a crisis or a threat is said in (L-28,
//! SAFE-3; L-11, SAFE-4): "kil myself", "i wnat to die", "killmyself", "su1cide".
//!
//! Listing misspellings by hand only catches the ones someone thought of. Instead the build
//! script takes a short list of key words (`lexicons/spelling.toml`) and derives, for each,
//! the spellings one slip of the fingers away: a letter left out, two swapped, one doubled,
//! a neighbouring key or a vowel for a vowel, a neighbouring key added, "-in" for "-ing".
//! Any such spelling that is itself a word is dropped: a word of any lexicon phrase, a word
//! the canonical table knows, or one of the file's `real_words` (English words one edit from
//! a key word, listed from a dictionary when the key words change; see the file). A spelling
//! two key words share is dropped too. The joined forms of a few phrases ("selfharm",
//! "killmyself") map to the phrase. The result is a sorted table that `Document` looks words
//! up in (a binary search), so the phrases need only their right spelling and nothing is
//! computed at start-up.
//!
//! Digits and symbols standing for letters ("su1cide", "k1ll", "h@rm", "$uicide") are read as
//! the letters when the word they make is a key word or one of its spellings (`src/folds.rs`).
//!
//! Std only: the build script compiles this file (`#[path]`); in the crate it exists only for
//! its tests.

/// Keys next to each letter on a QWERTY keyboard (same row and the rows above and below).
fn neighbours(c: u8) -> &'static [u8] {
    match c {
        b'q' => b"wa",
        b'w' => b"qeas",
        b'e' => b"wrsd",
        b'r' => b"etdf",
        b't' => b"ryfg",
        b'y' => b"tugh",
        b'u' => b"yihj",
        b'i' => b"uojk",
        b'o' => b"ipkl",
        b'p' => b"ol",
        b'a' => b"qwsz",
        b's' => b"awedzx",
        b'd' => b"serfxc",
        b'f' => b"drtgcv",
        b'g' => b"ftyhvb",
        b'h' => b"gyujbn",
        b'j' => b"huiknm",
        b'k' => b"jiolm",
        b'l' => b"kop",
        b'z' => b"asx",
        b'x' => b"zsdc",
        b'c' => b"xdfv",
        b'v' => b"cfgb",
        b'b' => b"vghn",
        b'n' => b"bhjm",
        b'm' => b"njk",
        _ => b"",
    }
}

const VOWELS: &[u8] = b"aeiouy";

/// The spellings one slip away from `word` (lowercase ASCII letters), without `word` itself.
/// Short words get fewer kinds of slip, since most of their one-edit neighbours are words:
/// three letters only swapped or doubled, four also missing, swapped for a neighbouring key
/// or a vowel, five and more also with a neighbouring key added.
pub fn slips(word: &str) -> Vec<String> {
    let w = word.as_bytes();
    let n = w.len();
    let mut out: Vec<Vec<u8>> = Vec::new();
    if n < 3 || !w.iter().all(u8::is_ascii_lowercase) {
        return Vec::new();
    }
    // Two letters swapped.
    for i in 0..n - 1 {
        if w[i] != w[i + 1] {
            let mut v = w.to_vec();
            v.swap(i, i + 1);
            out.push(v);
        }
    }
    // A letter doubled.
    for i in 0..n {
        let mut v = w.to_vec();
        v.insert(i, w[i]);
        out.push(v);
    }
    if n >= 4 {
        // A letter left out.
        for i in 0..n {
            let mut v = w.to_vec();
            v.remove(i);
            out.push(v);
        }
        // A neighbouring key, or a vowel for a vowel ("lyfe", "kil"), instead of a letter.
        for i in 0..n {
            let vowel = VOWELS.contains(&w[i]);
            let others = neighbours(w[i])
                .iter()
                .chain(if vowel { VOWELS } else { b"" })
                .copied();
            for c in others {
                if c != w[i] {
                    let mut v = w.to_vec();
                    v[i] = c;
                    out.push(v);
                }
            }
        }
    }
    if n >= 5 {
        // A neighbouring key of the letter before or after, added.
        for i in 0..=n {
            let near = i
                .checked_sub(1)
                .map(|j| w[j])
                .into_iter()
                .chain(w.get(i).copied());
            for k in near {
                for &c in neighbours(k) {
                    let mut v = w.to_vec();
                    v.insert(i, c);
                    out.push(v);
                }
            }
        }
    }
    // "-in" for "-ing".
    if n >= 5 && word.ends_with("ing") {
        out.push(w[..n - 1].to_vec());
    }
    let mut out: Vec<String> = out
        .into_iter()
        .filter_map(|v| String::from_utf8(v).ok())
        .filter(|v| v != word)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The fold table: `(spelling, key word or phrase)`, sorted by spelling. `keys` are the key
/// words, `joins` phrases whose joined form ("killmyself") maps to them, and `is_word` says
/// whether a spelling is a real word (never folded).
pub fn folds(
    keys: &[String],
    joins: &[String],
    is_word: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    use std::collections::BTreeMap;
    // None marks a spelling two key words share.
    let mut map: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut add = |from: String, to: &str| {
        if is_word(&from) || keys.contains(&from) {
            return;
        }
        match map.get(&from) {
            None => {
                map.insert(from, Some(to.to_owned()));
            }
            Some(Some(t)) if t == to => {}
            Some(_) => {
                map.insert(from, None);
            }
        }
    };
    for k in keys {
        for s in slips(k) {
            add(s, k);
        }
    }
    for j in joins {
        let joined: String = j.split_whitespace().collect();
        add(joined, j);
    }
    map.into_iter()
        .filter_map(|(from, to)| to.map(|t| (from, t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_cover_the_usual_typos() {
        let s = slips("kill");
        assert!(s.contains(&"kil".to_owned()));
        assert!(s.contains(&"kiill".to_owned()));
        let s = slips("want");
        assert!(s.contains(&"wnat".to_owned()));
        let s = slips("myself");
        assert!(s.contains(&"myslef".to_owned()));
        assert!(s.contains(&"mysefl".to_owned()));
        let s = slips("life");
        assert!(s.contains(&"lyfe".to_owned()));
        let s = slips("thinking");
        assert!(s.contains(&"thinkin".to_owned()));
        // Three letters: only swapped or doubled.
        let s = slips("die");
        assert!(s.contains(&"dei".to_owned()));
        assert!(!s.contains(&"di".to_owned()));
    }

    #[test]
    fn real_words_and_shared_spellings_are_not_folded() {
        let keys = vec!["kill".to_owned(), "will".to_owned()];
        let f = folds(&keys, &["kill myself".to_owned()], |w| w == "kilt");
        let get = |w: &str| f.iter().find(|(a, _)| a == w).map(|(_, b)| b.as_str());
        assert_eq!(get("kil"), Some("kill"));
        assert_eq!(get("kilt"), None);
        // "wil" is one slip from "will" and "kill" is not, but "kll"/"wll"... "ill" is shared.
        assert_eq!(get("ill"), None);
        assert_eq!(get("killmyself"), Some("kill myself"));
    }
}
