//! Expands every lexicon phrase ahead of time and writes the phrase tables (patterns, phrases,
//! the byte trie) to `OUT_DIR/phrase_tables.bin`, which the engine embeds. Doing this at
//! start-up cost about 30 ms, the whole of a cold `amends check` (issue 4).
//!
//! It compiles the crate's own `src/words.rs` (phrase syntax), `src/table_builder.rs` and
//! `src/tables.rs` (the tables and their format) and `src/lexicon_files.rs` (the file list),
//! so the build and the crate cannot disagree about them. Only the reading of the TOML is its
//! own (plain `toml::Value`, to need no crate types); a unit test in `src/engine.rs` rebuilds
//! the tables from the lexicons as the crate parses them and compares the bytes. It reads
//! only files in this crate: no network.

// The build script is the one place the crate does IO: it reads the lexicon files and writes
// the tables to OUT_DIR, which clippy.toml forbids the library itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

#[allow(dead_code)]
#[path = "src/lexicon_files.rs"]
mod lexicon_files;
#[allow(dead_code)]
#[path = "src/spelling.rs"]
mod spelling;
#[path = "src/table_builder.rs"]
mod table_builder;
#[allow(dead_code)]
#[path = "src/tables.rs"]
mod tables;
#[allow(dead_code)]
#[path = "src/words.rs"]
mod words;

use toml::Value;

/// The phrases of one lexicon file in the order `lexicon::load` gives them: each group's
/// phrases in turn, then the exceptions (the file's own first, then each group's) as one more
/// group; for the markers file, "reported", "hypothetical", then "reported_own".
fn phrases(file: &str, src: &str) -> Result<table_builder::LexiconPhrases, String> {
    let doc: toml::Table = toml::from_str(src).map_err(|e| format!("lexicon {file}: {e}"))?;
    let strings = |v: Option<&Value>, what: &str| -> Result<Vec<String>, String> {
        match v {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("lexicon {file}: `{what}` holds a non-string"))
                })
                .collect(),
            Some(_) => Err(format!("lexicon {file}: `{what}` is not a list")),
        }
    };
    let mut out = Vec::new();
    if file.starts_with("markers") {
        out.extend(
            strings(doc.get("reported"), "reported")?
                .into_iter()
                .map(|p| (0u16, p, 8)),
        );
        out.extend(
            strings(doc.get("hypothetical"), "hypothetical")?
                .into_iter()
                .map(|p| (1u16, p, 8)),
        );
        out.extend(
            strings(doc.get("reported_own"), "reported_own")?
                .into_iter()
                .map(|p| (2u16, p, 8)),
        );
        return Ok(out);
    }
    let mut exceptions = strings(doc.get("exceptions"), "exceptions")?;
    let groups = match doc.get("group") {
        None => &Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(format!("lexicon {file}: `group` is not a list of tables")),
    };
    for (gi, g) in groups.iter().enumerate() {
        let gi = u16::try_from(gi).map_err(|_| format!("lexicon {file}: too many groups"))?;
        let gap = match g.get("gap") {
            None => 8,
            Some(v) => v
                .as_integer()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("lexicon {file}: `gap` is not a count"))?,
        };
        exceptions.extend(strings(g.get("exceptions"), "exceptions")?);
        out.extend(
            strings(g.get("phrases"), "phrases")?
                .into_iter()
                .map(|p| (gi, p, gap)),
        );
    }
    if !exceptions.is_empty() {
        let gi =
            u16::try_from(groups.len()).map_err(|_| format!("lexicon {file}: too many groups"))?;
        out.extend(exceptions.into_iter().map(|p| (gi, p, 8)));
    }
    Ok(out)
}

fn main() -> Result<(), String> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=lexicons");
    for f in [
        "src/lexicon_files.rs",
        "src/table_builder.rs",
        "src/tables.rs",
        "src/words.rs",
        "src/spelling.rs",
    ] {
        println!("cargo::rerun-if-changed={f}");
    }
    let mut lexicons = Vec::new();
    for (file, src) in lexicon_files::LEXICON_FILES {
        lexicons.push((*file, phrases(file, src)?));
    }
    let built = table_builder::build(&lexicons)?;
    let out = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let path = std::path::Path::new(&out).join("phrase_tables.bin");
    std::fs::write(&path, table_builder::encode(&built))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let path = std::path::Path::new(&out).join("folds.rs");
    std::fs::write(&path, folds(&lexicons)?).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// Slots of the typo-fold hash table (a power of two, about three times the folds, so that a
/// word that is no slip, which is nearly every word, mostly meets an empty slot at once).
const FOLD_SLOTS: usize = 1 << 15;

/// The typo folds of the crisis and threat key words (`src/spelling.rs`), as Rust source for
/// `src/folds.rs` to include: `FOLDS` (spelling, what it stands for) and `KEYS`, both sorted,
/// and `FOLD_SLOTS`, an open-addressing hash table over `FOLDS` (index + 1, 0 for empty, home
/// slot `words::fold_slot`, linear probing): a word is looked up once per word of every
/// check, and a binary search over 10,000 spellings was a fifth of a check's time.
/// A word of any lexicon phrase, one the canonical table knows, or one of the file's
/// `real_words` is never folded.
fn folds(lexicons: &[(&str, table_builder::LexiconPhrases)]) -> Result<String, String> {
    const FILE: &str = "lexicons/spelling.toml";
    let src = std::fs::read_to_string(FILE).map_err(|e| format!("{FILE}: {e}"))?;
    let doc: toml::Table = toml::from_str(&src).map_err(|e| format!("{FILE}: {e}"))?;
    let list = |key: &str| -> Result<Vec<String>, String> {
        doc.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{FILE}: `{key}` is not a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_lowercase)
                    .ok_or_else(|| format!("{FILE}: `{key}` holds a non-string"))
            })
            .collect()
    };
    let mut keys = list("keys")?;
    keys.sort();
    keys.dedup();
    let joins = list("joins")?;
    let mut known: std::collections::BTreeSet<String> = list("real_words")?.into_iter().collect();
    for (_, phrases) in lexicons {
        for (_, p, _) in phrases {
            let lower = p.to_lowercase();
            known.extend(
                lower
                    .split(|c: char| !(c.is_alphanumeric() || c == '\''))
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    let table = spelling::folds(&keys, &joins, |w| {
        known.contains(w) || words::canonical(w).is_some()
    });
    let mut rs = String::from("pub static FOLDS: &[(&str, &str)] = &[\n");
    for (from, to) in &table {
        rs.push_str(&format!("    ({from:?}, {to:?}),\n"));
    }
    rs.push_str("];\npub static KEYS: &[&str] = &[\n");
    for k in &keys {
        rs.push_str(&format!("    {k:?},\n"));
    }
    rs.push_str("];\n");
    // The canonical spellings share the table, after the folds (index + 1 past them): a
    // word is looked up once for both. A word is never both, which the lookup relies on.
    if let Some((from, _)) = table
        .iter()
        .find(|(from, _)| words::canonical(from).is_some())
    {
        return Err(format!(
            "{from} is both a typo fold and a canonical spelling"
        ));
    }
    let entries = table.len() + words::CANONICAL.len();
    if entries * 2 > FOLD_SLOTS || entries >= usize::from(u16::MAX) {
        return Err(format!(
            "{} typo folds and {} canonical spellings: too many for the {FOLD_SLOTS}-slot table",
            table.len(),
            words::CANONICAL.len()
        ));
    }
    let mask = FOLD_SLOTS - 1;
    let mut slots = vec![0u16; FOLD_SLOTS];
    let froms = table
        .iter()
        .map(|(from, _)| from.as_str())
        .chain(words::CANONICAL.iter().map(|&(from, _)| from));
    for (i, from) in froms.enumerate() {
        let mut s = words::fold_slot(from, mask);
        while slots[s] != 0 {
            s = (s + 1) & mask;
        }
        slots[s] = u16::try_from(i + 1).map_err(|_| "too many typo folds")?;
    }
    rs.push_str(&format!("pub static FOLD_SLOTS: [u16; {FOLD_SLOTS}] = ["));
    for (i, s) in slots.iter().enumerate() {
        if i % 24 == 0 {
            rs.push_str("\n   ");
        }
        rs.push_str(&format!(" {s},"));
    }
    rs.push_str("\n];\n");
    Ok(rs)
}
