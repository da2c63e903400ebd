//! Checks every document of corpus files and prints one JSON line per document: its id and the
//! report (DESIGN.md's contract), for `corpus/tools/score.py`.
//!
//! `corpus_reports [--kind K] [--rules-only] FILE.jsonl...` (default kind `apology`, as
//! `amends check`). `--rules-only` leaves the learned scorer out: the rule engine's figure.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use amends_lint::{Engine, Kind};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut kind = Kind::Apology;
    if let Some(i) = args.iter().position(|a| a == "--kind") {
        if i + 1 >= args.len() {
            eprintln!("--kind needs a value");
            return ExitCode::from(64);
        }
        match args[i + 1].parse::<Kind>() {
            Ok(k) => kind = k,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(64);
            }
        }
        args.drain(i..=i + 1);
    }
    let rules_only = args.iter().any(|a| a == "--rules-only");
    args.retain(|a| a != "--rules-only");
    let engine = match Engine::new() {
        Ok(e) if rules_only => e.rules_only(),
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    for path in &args {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let Ok(line) = line else {
                eprintln!("{path}:{}: not UTF-8", n + 1);
                return ExitCode::FAILURE;
            };
            if line.trim().is_empty() {
                continue;
            }
            let doc: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("{path}:{}: {e}", n + 1);
                    return ExitCode::FAILURE;
                }
            };
            let text = doc["text"].as_str().unwrap_or_default();
            let report = engine.check(text, kind, None);
            let line = serde_json::json!({ "id": doc["id"], "report": report });
            if writeln!(out, "{line}").is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
