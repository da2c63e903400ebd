//! Words and phrase syntax: canonical spellings, the written forms of a word, and the
//! expansion of a lexicon phrase (`( | )`, ` ... `, `*`) into literal forms.
//!
//! Std only, because the build script compiles this same file (`#[path]`) to expand every
//! phrase ahead of time (see `build.rs`); the engine then loads the result instead of doing
//! the work at start-up. One source for both keeps the two from ever disagreeing.

/// The canonical spellings of words as people type them in messages: missing apostrophes,
/// texting forms and US spellings, as (written, canonical). Applied to the text and to lexicon
/// phrases alike, so a phrase needs only one written form (and the phrase tables stay small).
/// A table, not a `match`, so that the build script can lay its words into the hash table a
/// check looks every word up in (`folds.rs`), beside the typo folds: one probe a word instead
/// of a chain of string comparisons. No written form appears twice.
pub const CANONICAL: &[(&str, &str)] = &[
    ("dont", "don't"),
    ("cant", "can't"),
    ("wont", "won't"),
    ("im", "i'm"),
    ("ive", "i've"),
    ("ill", "i'll"),
    ("id", "i'd"),
    ("youre", "you're"),
    ("youll", "you'll"),
    ("youve", "you've"),
    ("youd", "you'd"),
    ("didnt", "didn't"),
    ("wasnt", "wasn't"),
    ("isnt", "isn't"),
    ("doesnt", "doesn't"),
    ("havent", "haven't"),
    ("hasnt", "hasn't"),
    ("hadnt", "hadn't"),
    ("shouldnt", "shouldn't"),
    ("wouldnt", "wouldn't"),
    ("couldnt", "couldn't"),
    ("arent", "aren't"),
    ("werent", "weren't"),
    ("thats", "that's"),
    ("whats", "what's"),
    ("theres", "there's"),
    ("theyre", "they're"),
    ("its", "it's"),
    ("lets", "let's"),
    ("u", "you"),
    ("w", "with"),
    ("wiv", "with"),
    ("ya", "you"),
    ("ur", "your"),
    ("pls", "please"),
    ("plz", "please"),
    ("pleaseee", "please"),
    ("pleasee", "please"),
    ("cuz", "because"),
    ("coz", "because"),
    ("bc", "because"),
    ("tho", "though"),
    ("ok", "okay"),
    ("tonite", "tonight"),
    ("rly", "really"),
    ("realy", "really"),
    ("smth", "something"),
    ("wat", "what"),
    ("kno", "know"),
    ("apologize", "apologise"),
    ("apologized", "apologised"),
    ("apologizing", "apologising"),
    ("apologizes", "apologises"),
    ("criticize", "criticise"),
    ("criticized", "criticised"),
    ("criticizing", "criticising"),
    ("realize", "realise"),
    ("realized", "realised"),
    ("jewelry", "jewellery"),
    ("defense", "defence"),
    ("mom", "mum"),
    ("favorite", "favourite"),
    ("counselor", "counsellor"),
    ("counseling", "counselling"),
    // Typos of the words a crisis is said in (L-28, SAFE-3): a missed letter must not hide
    // "I don't want to be alive anymore".
    ("alvie", "alive"),
    ("alve", "alive"),
    ("aliev", "alive"),
    ("aliv", "alive"),
    ("alivee", "alive"),
    ("allive", "alive"),
    ("anymroe", "anymore"),
    ("anymor", "anymore"),
    ("anymre", "anymore"),
    ("anymoar", "anymore"),
    ("nemore", "anymore"),
    ("myslef", "myself"),
    ("mysefl", "myself"),
    ("mysef", "myself"),
    ("myselft", "myself"),
    ("myelf", "myself"),
    ("mysel", "myself"),
    ("evryone", "everyone"),
    ("everyon", "everyone"),
    ("evreyone", "everyone"),
    ("everyne", "everyone"),
    ("every1", "everyone"),
    ("evry1", "everyone"),
    ("evrything", "everything"),
    ("everythin", "everything"),
    ("everyting", "everything"),
    ("evrythin", "everything"),
    ("wuld", "would"),
    ("wud", "would"),
    ("woud", "would"),
    ("woudl", "would"),
    ("wouldve", "would've"),
    ("theyd", "they'd"),
    ("theyll", "they'll"),
    ("theyve", "they've"),
    ("tmrw", "tomorrow"),
    ("tmr", "tomorrow"),
    ("tomoz", "tomorrow"),
    ("2moro", "tomorrow"),
    ("2morrow", "tomorrow"),
    ("tomorow", "tomorrow"),
    ("tommorow", "tomorrow"),
    ("tommorrow", "tomorrow"),
    ("tonigt", "tonight"),
    ("tnight", "tonight"),
    ("2nite", "tonight"),
    ("2night", "tonight"),
    ("livin", "living"),
    ("dyin", "dying"),
    ("nothin", "nothing"),
    ("wana", "wanna"),
    ("gona", "gonna"),
    ("sucide", "suicide"),
    ("suicde", "suicide"),
    ("suiside", "suicide"),
    ("sucidal", "suicide"),
    ("suicdal", "suicide"),
    ("beter", "better"),
    ("witout", "without"),
    ("wihtout", "without"),
    ("withou", "without"),
    ("wthout", "without"),
    ("anyomre", "anymore"),
    ("bout", "about"),
    ("abt", "about"),
    ("b", "be"),
    ("bf", "boyfriend"),
    ("gf", "girlfriend"),
    ("dnt", "don't"),
    ("jus", "just"),
    ("nite", "night"),
    ("imma", "i'm gonna"),
    ("ima", "i'm gonna"),
    ("i'ma", "i'm gonna"),
    ("ima'", "i'm gonna"),
];

/// The canonical spelling of `w`, if it is written otherwise ([`CANONICAL`]).
pub fn canonical(w: &str) -> Option<&'static str> {
    CANONICAL
        .iter()
        .find(|(from, _)| *from == w)
        .map(|&(_, to)| to)
}

/// The home slot of a word in the typo-fold hash table (`folds.rs`, `FOLD_SLOTS`; `mask` is
/// its length less one): FNV-1a over the bytes. The build script lays the table out with this
/// same function, so the two cannot disagree.
pub fn fold_slot(word: &str, mask: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in word.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize & mask
}

/// Normalises a phrase the way `Document` normalises text (apart from the `( | )`,
/// `...` and `*` syntax).
fn normalise_phrase(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '`' => '\'',
            c => c,
        };
        if c.is_alphanumeric() || matches!(c, '\'' | '(' | ')' | '|' | '.' | '*') {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// Expands `( | )` alternatives (they may nest).
fn expand_alternatives(p: &str, out: &mut Vec<String>) -> Result<(), String> {
    let Some(open) = p.find('(') else {
        if p.contains(')') {
            return Err(format!("stray ')' in {p:?}"));
        }
        out.push(p.split_whitespace().collect::<Vec<_>>().join(" "));
        return Ok(());
    };
    let mut depth = 0usize;
    let mut close = None;
    let mut cuts = Vec::new();
    for (i, c) in p.char_indices().skip_while(|&(i, _)| i < open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            '|' if depth == 1 => cuts.push(i),
            _ => {}
        }
    }
    let close = close.ok_or_else(|| format!("unclosed '(' in {p:?}"))?;
    let mut from = open + 1;
    cuts.push(close);
    for cut in cuts {
        let alt = &p[from..cut];
        from = cut + 1;
        let next = format!("{} {} {}", &p[..open], alt, &p[close + 1..]);
        expand_alternatives(&next, out)?;
    }
    Ok(())
}

/// The written forms a single word of a phrase may take in real messages, beyond what
/// [`canonical`] already folds in the text (missing apostrophes, "u", "pls"...):
/// contractions written out, and "your" typed for "you're".
pub fn word_variants(w: &str) -> Vec<String> {
    let w = canonical(w).unwrap_or(w);
    let mut v = vec![w.to_owned()];
    let extra: &[&str] = match w {
        "i'm" => &["i am"],
        "you're" => &["your", "you are"],
        "don't" => &["do not"],
        "won't" => &["will not"],
        "can't" => &["cannot", "can not"],
        "i'll" => &["i will"],
        "it's" => &["it is"],
        "didn't" => &["did not"],
        "wasn't" => &["was not"],
        "i've" => &["i have"],
        "i'd" => &["i would", "i had"],
        "isn't" => &["is not"],
        "you'll" => &["you will"],
        "that's" => &["that is"],
        "we're" => &["we are"],
        "they're" => &["they are"],
        "you've" => &["you have"],
        "haven't" => &["have not"],
        "shouldn't" => &["should not"],
        "wouldn't" => &["would not"],
        "couldn't" => &["could not"],
        "doesn't" => &["does not"],
        "aren't" => &["are not"],
        "weren't" => &["were not"],
        "you'd" => &["you would", "you had"],
        "hadn't" => &["had not"],
        "there's" => &["there is"],
        "we've" => &["we have"],
        "we'll" => &["we will"],
        "she's" => &["she is", "she has"],
        "he's" => &["he is", "he has"],
        "let's" => &["let us"],
        "mum" => &["mother"],
        "anymore" => &["any more"],
        // Split by a slip of the space bar (L-28, SAFE-3): "kill my self".
        "myself" => &["my self"],
        "yourself" => &["your self"],
        _ => &[],
    };
    v.extend(extra.iter().map(|s| (*s).to_owned()));
    v
}

/// Maximum written forms per phrase segment; past this, rarer combinations are dropped.
const MAX_VARIANTS: usize = 96;

/// Written forms of one segment (a run of words with no gap).
fn segment_variants(seg: &str) -> Vec<String> {
    let mut acc: Vec<String> = vec![String::new()];
    for w in seg.split_whitespace() {
        let forms = word_variants(w);
        let mut next = Vec::with_capacity(acc.len() * forms.len());
        'outer: for f in &forms {
            for a in &acc {
                if next.len() >= MAX_VARIANTS {
                    break 'outer;
                }
                if a.is_empty() {
                    next.push(f.clone());
                } else {
                    next.push(format!("{a} {f}"));
                }
            }
        }
        acc = next;
    }
    acc.sort();
    acc.dedup();
    acc
}

/// One segment: its literal forms, and whether its last word may continue (`*`).
pub struct Segment {
    /// Written forms.
    pub forms: Vec<String>,
    /// Prefix match on the last word.
    pub prefix: bool,
}

/// Splits a normalised phrase at the gaps (` ... `) that sit outside every parenthesis. `None`
/// when a gap sits inside one (`(a ... b|c)`): its parts then depend on each other.
fn top_level_parts(norm: &str) -> Option<Vec<&str>> {
    let mut depth = 0usize;
    let mut parts = Vec::new();
    let mut from = 0usize;
    let bytes = norm.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'.' if bytes[i..].starts_with(b"...") => {
                if depth > 0 {
                    return None;
                }
                parts.push(&norm[from..i]);
                i += 3;
                from = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&norm[from..]);
    Some(parts)
}

/// A phrase whose gaps all sit outside parentheses, as ONE alternative whose segments hold
/// every form of their part: `(a|b) ... (c|d)` is one phrase row (first a or b, then c or d)
/// rather than four. The matches are the same, and the tables stay small however many
/// alternatives each part lists (issue 4). `None` when the phrase has no such gap, or when
/// the alternatives of a part disagree about a trailing `*`.
fn expand_by_part(norm: &str, src: &str) -> Result<Option<Vec<Vec<Segment>>>, String> {
    let Some(parts) = top_level_parts(norm) else {
        return Ok(None);
    };
    if parts.len() < 2 {
        return Ok(None);
    }
    let mut segs = Vec::with_capacity(parts.len());
    for part in parts {
        let mut alts = Vec::new();
        expand_alternatives(part, &mut alts)?;
        let mut forms: Vec<String> = Vec::new();
        let mut prefix = None;
        for alt in alts {
            let alt = alt.trim();
            if alt.is_empty() {
                return Err(format!("empty part in {src:?}"));
            }
            let p = alt.ends_with('*');
            if prefix.is_some_and(|q| q != p) {
                return Ok(None);
            }
            prefix = Some(p);
            let alt = alt.trim_end_matches('*').trim();
            check_part(alt, src)?;
            forms.extend(segment_variants(alt));
        }
        forms.sort();
        forms.dedup();
        segs.push(Segment {
            forms,
            prefix: prefix.unwrap_or(false),
        });
    }
    Ok(Some(vec![segs]))
}

/// Rejects leftover syntax in one expanded part.
fn check_part(part: &str, src: &str) -> Result<(), String> {
    if part.contains(['(', ')', '|', '*', '.']) {
        return Err(format!("stray syntax in {src:?}"));
    }
    // "i ('ve|have)" expands to "i 've", which no text contains: write "(i've|i have)".
    if part.split_whitespace().any(|w| w.starts_with('\'')) {
        return Err(format!("a word starts with an apostrophe in {src:?}"));
    }
    Ok(())
}

/// Expands a phrase source into alternatives, each a list of gap-separated segments.
pub fn expand(src: &str) -> Result<Vec<Vec<Segment>>, String> {
    let norm = normalise_phrase(src);
    if let Some(one) = expand_by_part(&norm, src)? {
        return Ok(one);
    }
    let mut alts = Vec::new();
    expand_alternatives(&norm, &mut alts)?;
    let mut out = Vec::with_capacity(alts.len());
    for alt in alts {
        let mut segs = Vec::new();
        for part in alt.split("...") {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("empty part in {src:?}"));
            }
            let prefix = part.ends_with('*');
            let part = part.trim_end_matches('*').trim();
            check_part(part, src)?;
            segs.push(Segment {
                forms: segment_variants(part),
                prefix,
            });
        }
        out.push(segs);
    }
    Ok(out)
}
