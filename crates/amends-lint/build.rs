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

#[allow(dead_code)]
#[path = "src/lexicon_files.rs"]
mod lexicon_files;
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
    Ok(())
}
