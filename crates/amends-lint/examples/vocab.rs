//! Writes `model/vocab.txt`: the words the training corpus uses most, as the engine tokenises
//! them, most frequent first. The scorer adds up the weights of each of these words' own
//! features (the word and its four-letter pieces) once, when it loads, and reads one row per
//! word instead of six scattered ones (see `model::Rows`). The list only decides what is
//! precomputed, never a score: a word missing from it is scored feature by feature, to the
//! same sum. `scripts/train-coach` runs it after training.
//!
//! `vocab [--top N]` (default 4,096), from `crates/amends-lint`.

// A developer tool around the pure crate: it reads the corpus and writes a file, which
// clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::HashMap;
use std::process::ExitCode;

use amends_lint::Document;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let top = match args.as_slice() {
        [] => 4096,
        [flag, n] if flag == "--top" => match n.parse() {
            Ok(n) => n,
            Err(e) => {
                eprintln!("--top {n}: {e}");
                return ExitCode::from(64);
            }
        },
        _ => {
            eprintln!("usage: vocab [--top N]");
            return ExitCode::from(64);
        }
    };
    let mut files: Vec<_> = match std::fs::read_dir("corpus/train") {
        Ok(d) => d.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("corpus/train: {e} (run from crates/amends-lint)");
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "jsonl"))
    {
        let Ok(src) = std::fs::read_to_string(f) else {
            eprintln!("{}: unreadable", f.display());
            return ExitCode::FAILURE;
        };
        for line in src.lines().filter(|l| !l.trim().is_empty()) {
            let Some(text) = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v["text"].as_str().map(str::to_owned))
            else {
                eprintln!("{}: a line without a text", f.display());
                return ExitCode::FAILURE;
            };
            let doc = Document::new(&text);
            for t in 0..doc.tokens().len() {
                *counts.entry(doc.token_text(t).to_owned()).or_default() += 1;
            }
        }
    }
    let mut words: Vec<(String, u64)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out = String::from(
        "# The training corpus's most frequent words, written by examples/vocab.rs; see there.\n",
    );
    for (w, _) in words.into_iter().take(top) {
        out.push_str(&w);
        out.push('\n');
    }
    if let Err(e) = std::fs::write("model/vocab.txt", out) {
        eprintln!("model/vocab.txt: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
