//! Writes the benchmark corpus: `gen_corpus DIR [--short N] [--emails N] [--letters N] [--seed S]`.
//! DIR gets one `.txt` per draft and `manifest.tsv` (id, kind, bytes, chars, words, path).

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

#[path = "../benches/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_corpus DIR [--short N] [--emails N] [--letters N] [--seed S]");
        return ExitCode::from(64);
    };
    let (mut short, mut emails, mut letters, mut seed) = (600usize, 300usize, 100usize, 4u64);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        let Some(v) = value else {
            eprintln!("{flag} needs a number");
            return ExitCode::from(64);
        };
        match flag.as_str() {
            "--short" => short = v as usize,
            "--emails" => emails = v as usize,
            "--letters" => letters = v as usize,
            "--seed" => seed = v,
            _ => {
                eprintln!("unknown option {flag}");
                return ExitCode::from(64);
            }
        }
    }
    match write(&dir, seed, short, emails, letters) {
        Ok(n) => {
            println!("wrote {n} documents to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(dir: &std::path::Path, seed: u64, s: usize, e: usize, l: usize) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir.join("docs"))?;
    let docs = corpus::generate(seed, s, e, l);
    let mut manifest = std::fs::File::create(dir.join("manifest.tsv"))?;
    writeln!(manifest, "id\tkind\tbytes\tchars\twords\tpath")?;
    for d in &docs {
        let rel = format!("docs/{}.txt", d.id);
        std::fs::write(dir.join(&rel), &d.text)?;
        writeln!(
            manifest,
            "{}\t{}\t{}\t{}\t{}\t{}",
            d.id,
            d.kind,
            d.text.len(),
            d.text.chars().count(),
            d.text.split_whitespace().count(),
            rel
        )?;
    }
    Ok(docs.len())
}
