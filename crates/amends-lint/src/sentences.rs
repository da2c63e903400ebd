//! Unicode sentence boundaries (UAX #29), the same as `unicode_segmentation`'s
//! `split_sentence_bound_indices`, found without looking up every character.
//!
//! The crate looks up each character's sentence-break class in a table by binary search. On a
//! draft that is a sixth of a whole check, and it is almost all wasted: a boundary can only
//! fall right after a terminator (`.`, `!`, `?`, or a non-ASCII one), a line break, or the
//! closing quotes, spaces and paragraph separator that follow a terminator (rules SB4, SB9 to
//! SB11). So this scans the bytes for the few that can start such a run (`.`, `!`, `?`, CR,
//! LF and every non-ASCII byte, since a non-ASCII character may be a terminator, a separator
//! or a mark that rule SB5 attaches to the one before it) and hands the crate only a small
//! window around each: from the character before the run (rule SB7 looks at it) to the first
//! ASCII letter after it (rule SB8 looks ahead to the next letter; a letter ends that look).
//! Windows that would overlap are one window. Inside a window the crate decides with the same
//! context it has on the whole text, so the boundaries are the same; the test below compares
//! the two on random text built from the characters each rule is about, and on the corpora.

use unicode_segmentation::UnicodeSegmentation;

/// Bytes at which a run that may end a sentence can start.
fn may_start_a_break(b: u8) -> bool {
    matches!(b, b'.' | b'!' | b'?' | b'\n' | b'\r') || b >= 0x80
}

/// The index of the first byte of `bytes` that [`may_start_a_break`], eight bytes a step: the
/// byte-by-byte search was three quarters of this file's work, a thirtieth of a check (issue
/// 10, round 10). In each word the bytes equal to one of the five are found by the usual test
/// for a zero byte after an XOR (it may also flag bytes above a true match, never below one, so
/// the lowest flag is the first match), and the non-ASCII ones by their high bit.
fn next_break_start(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut x = [0u8; 8];
        x.copy_from_slice(w);
        let x = u64::from_le_bytes(x);
        let found = (x & HIGH)
            | zero(x ^ (ONES * u64::from(b'.')))
            | zero(x ^ (ONES * u64::from(b'!')))
            | zero(x ^ (ONES * u64::from(b'?')))
            | zero(x ^ (ONES * u64::from(b'\n')))
            | zero(x ^ (ONES * u64::from(b'\r')));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let tail = words.remainder();
    tail.iter()
        .position(|&b| may_start_a_break(b))
        .map(|i| at + i)
}

/// The longest window [`shape`] gives a shape to.
const SHAPE: usize = 24;

/// A window with its ASCII letters and digits replaced by one of each kind (`a`, `A`, `0`),
/// every other byte kept (a non-ASCII character as it is, so it keeps its class); `None` for a
/// longer window. (Until round 9 of issue 10 a window with a non-ASCII character went to the
/// crate every time: "I’m", with a curly apostrophe, is one; 5,000 calls over the peer
/// corpus.)
///
/// The rules decide by each character's sentence-break class alone, and every ASCII
/// lowercase letter has the same class (Lower), every uppercase one (Upper) and every digit
/// (Numeric); so two windows of one shape have the same boundaries. A draft's windows come in
/// a handful of shapes ("a. A", "a! A", "a.\n\nA"), and the crate, at a few thousand
/// instructions a window, was a twentieth of a check: it now decides each shape once a draft.
fn shape(window: &str) -> Option<Shape> {
    let w = window.as_bytes();
    if w.len() > SHAPE {
        return None;
    }
    let mut key = [0u8; SHAPE];
    for (k, &b) in key.iter_mut().zip(w) {
        *k = match b {
            b'a'..=b'z' => b'a',
            b'A'..=b'Z' => b'A',
            b'0'..=b'9' => b'0',
            b => b,
        };
    }
    Some((key, w.len()))
}

/// The shapes most windows have (issue 10, round 9: on the peer corpus these hold 31,000 of
/// its 34,000 windows), each with the boundaries inside it, decided once a process. A draft's own list of shapes started empty, so every draft asked the crate
/// about its first "a. A" again: 4,800 calls over the corpus, about 2% of a check. Each is its
/// own shape (letters `a`, `A`, digits `0`), so the crate decides it as it would any window of
/// that shape.
static COMMON: std::sync::LazyLock<Vec<(Shape, Vec<usize>)>> = std::sync::LazyLock::new(|| {
    COMMON_WINDOWS
        .into_iter()
        .filter_map(|w| Some((shape(w)?, inner_bounds(w))))
        .collect()
});

/// The windows of [`COMMON`], each written as its own shape (a test checks it).
const COMMON_WINDOWS: [&str; 27] = [
    "a. A",
    "a! A",
    "a? A",
    "a.\n\nA",
    "a!\n\nA",
    "a?\n\nA",
    ",\nA",
    ",\n\nA",
    "a\n",
    "a\n\nA",
    "a\nA",
    "a.\nA",
    "a.",
    "a!",
    "a?",
    "0. A",
    "0! A",
    "0.\n\nA",
    "A. A",
    "A.A",
    "a. a",
    "a... A",
    "a...",
    "a.\r\n\r\nA",
    "a\r\n",
    "a\u{2019}a",
    "A\u{2019}a",
];

/// A window's shape ([`shape`]): its bytes, padded with zeros, and its length. Compared as a
/// whole array (a few word compares), where comparing slices called `memcmp` for every shape a
/// draft had seen, at every window (issue 10, round 10).
type Shape = ([u8; SHAPE], usize);

/// The boundaries the crate finds inside `window` (not its start), as offsets into it.
fn inner_bounds(window: &str) -> Vec<usize> {
    window
        .split_sentence_bound_indices()
        .skip(1)
        .map(|(i, _)| i)
        .collect()
}

/// The text split into sentences, each with its byte offset: what
/// `text.split_sentence_bound_indices()` yields.
pub(crate) fn sentence_bound_indices(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut starts: Vec<usize> = vec![0];
    // The windows decided so far, by their shape, with the boundaries inside them.
    let mut seen: Vec<(Shape, Vec<usize>)> = Vec::new();
    let mut at = 0usize;
    while let Some(off) = next_break_start(&bytes[at..]) {
        let first = at + off;
        // The character before the run is ASCII: any non-ASCII one would have started it.
        let from = first.saturating_sub(1);
        let to = bytes[first + 1..]
            .iter()
            .position(u8::is_ascii_alphabetic)
            .map_or(bytes.len(), |i| first + 1 + i + 1);
        let window = &text[from..to];
        match shape(window) {
            Some(key) => {
                let i = match seen.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        let bounds = match COMMON.iter().find(|(k, _)| *k == key) {
                            Some((_, b)) => b.clone(),
                            None => inner_bounds(window),
                        };
                        seen.push((key, bounds));
                        seen.len() - 1
                    }
                };
                starts.extend(seen[i].1.iter().map(|&i| from + i));
            }
            None => starts.extend(inner_bounds(window).into_iter().map(|i| from + i)),
        }
        if to == bytes.len() {
            break;
        }
        // The window ended on a letter, which no boundary follows; the next run starts after
        // it, and may take it as the character before.
        at = to;
    }
    if text.is_empty() {
        return Vec::new();
    }
    starts.push(text.len());
    starts
        .windows(2)
        .map(|w| (w[0], &text[w[0]..w[1]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_the_crate(text: &str) -> Vec<(usize, &str)> {
        text.split_sentence_bound_indices().collect()
    }

    #[test]
    fn the_word_search_finds_the_first_break_start() {
        // Every byte at every place of texts of one word, two and a tail, with a '.' after it
        // (a later match the search must not report instead) or not.
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 23, 31] {
            for fill in [b'a', b' ', b'Z', 0, 0x7f, b'-'] {
                for at in 0..len {
                    for b in 0..=255u8 {
                        for dot_after in [false, true] {
                            let mut text = vec![fill; len];
                            text[at] = b;
                            if dot_after && at + 1 < len {
                                text[at + 1] = b'.';
                            }
                            let want = text.iter().position(|&b| may_start_a_break(b));
                            assert_eq!(next_break_start(&text), want, "{text:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn plain_cases_match_the_crate() {
        for text in [
            "",
            ".",
            "a",
            "I'm sorry. I was wrong!",
            "Mr. Smith met Dr. Jones. they talked",
            "It cost 3.50 today. Fine",
            "e.g. this one. And this.",
            "really?! yes... ok.\n\nNext para\r\nline",
            "She said \"stop.\" Then left.",
            "(I know.) Sorry \u{1F62C}. Really \u{2019}sorry\u{2019}.",
            "Caf\u{e9}. \u{c9}t\u{e9}. e\u{301}. A\u{2029}B",
            "\u{3002}\u{4e2d}\u{6587}\u{3002} ok",
        ] {
            assert_eq!(sentence_bound_indices(text), by_the_crate(text), "{text:?}");
        }
    }

    /// Characters from every sentence-break class, ASCII and not, weighted towards the ones
    /// the rules are about.
    fn tricky_char() -> impl Strategy<Value = char> {
        prop::sample::select(vec![
            'a',
            'b',
            'z',
            'A',
            'B',
            'Z',
            '1',
            '9',
            '.',
            '.',
            '.',
            '!',
            '?',
            ' ',
            ' ',
            ' ',
            '\t',
            '\n',
            '\r',
            '"',
            '\'',
            '(',
            ')',
            '[',
            ']',
            ',',
            ';',
            ':',
            '-',
            '#',
            '&',
            '/',
            '\u{a0}',
            '\u{85}',
            '\u{2028}',
            '\u{2029}',
            '\u{2019}',
            '\u{201c}',
            '\u{201d}',
            '\u{ab}',
            '\u{bb}',
            '\u{e9}',
            '\u{c9}',
            '\u{df}',
            '\u{3b1}',
            '\u{391}',
            '\u{4e2d}',
            '\u{3002}',
            '\u{ff01}',
            '\u{203c}',
            '\u{61f}',
            '\u{964}',
            '\u{2026}',
            '\u{301}',
            '\u{200d}',
            '\u{ad}',
            '\u{1F62C}',
            '\u{2764}',
            '\u{fe0f}',
            '\u{ff0e}',
            '\u{2e}',
            '\u{2024}',
            '\u{fe52}',
            '\u{3001}',
            '\u{ff0c}',
            '\u{2e3c}',
            '\u{1d400}',
        ])
    }

    /// Issue 10, round 9: each common shape is written as a shape (letters `a`, `A`, digits
    /// `0`), so that windows of that shape find it.
    #[test]
    fn the_common_shapes_are_written_as_shapes() {
        assert_eq!(COMMON.len(), COMMON_WINDOWS.len());
        for (text, (key, bounds)) in COMMON_WINDOWS.into_iter().zip(COMMON.iter()) {
            let (bytes, len) = shape(text).unwrap();
            assert_eq!(&bytes[..len], text.as_bytes(), "{text:?}");
            assert_eq!(*key, (bytes, len));
            assert_eq!(*bounds, inner_bounds(text));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_windows_find_what_the_crate_finds(chars in prop::collection::vec(tricky_char(), 0..40)) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(sentence_bound_indices(&text), by_the_crate(&text));
        }
    }
}
