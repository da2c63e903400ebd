//! Prints the report for a fixed, deterministic set of texts, one line each, so two builds of
//! the engine can be compared byte for byte (`scripts/lint-equivalence`).
//!
//! `dump_reports [--synthetic N] [--write-texts FILE] [--texts FILE]...`
//!
//! The texts: every message of the evaluation sets (`tests/eval/*.toml` and the crisis probe
//! lines of `tests/eval/crisis-r3-dev.jsonl`, with their own kind and records), every lexicon
//! example, the benchmark corpus (`benches/corpus.rs`, seed 4, the same 1,000 drafts as
//! `scripts/bench-lint`), N synthetic drafts (default 3,000) made of random phrase forms from
//! the lexicons glued with random punctuation, casing and word endings, so that nearly every
//! pattern and its word-boundary cases are exercised, and every distinct phrase form of the
//! lexicons, ten to a text, one sentence each. Each text is checked as every kind with no
//! records, and also with its own kind and records where it has them. It uses only the public
//! API, so it also builds against older revisions.
//!
//! The synthetic drafts and the phrase forms come from the lexicons of the build, so two
//! builds whose phrases expand differently (a family split into joined parts) would check
//! different texts. `--write-texts FILE` writes them (JSON lines) and exits; `--texts FILE`,
//! repeatable, checks the texts of such files instead of making its own.
//! `scripts/lint-equivalence` has both builds write theirs and both check all of them.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

#[path = "../benches/corpus.rs"]
mod corpus;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use amends_lint::{Context, Kind, engine};

const EVAL_FILES: &[(&str, &str)] = &[
    ("messages", include_str!("../tests/eval/messages.toml")),
    ("holdout", include_str!("../tests/eval/holdout.toml")),
    ("holdout2", include_str!("../tests/eval/holdout2.toml")),
];

/// Crisis probe sets: TOML `[[case]]` tables with a `text`, and JSON lines with a `text`.
const CRISIS_TOML: &[(&str, &str)] = &[
    ("crisis-dev", include_str!("../tests/eval/crisis-dev.toml")),
    (
        "crisis-held",
        include_str!("../tests/eval/crisis-held.toml"),
    ),
];
const CRISIS_JSONL: &[(&str, &str)] = &[(
    "crisis-r3-dev",
    include_str!("../tests/eval/crisis-r3-dev.jsonl"),
)];

struct Text {
    id: String,
    text: String,
    own: Option<(Kind, Option<Context>)>,
}

/// The `[[key]]` tables of one probe file.
fn tables(name: &str, src: &str, key: &str) -> Result<Vec<toml::Value>, String> {
    let mut file: toml::Table = toml::from_str(src).map_err(|e| format!("{name}: {e}"))?;
    match file.remove(key) {
        Some(toml::Value::Array(tables)) => Ok(tables),
        _ => Err(format!("{name}: no [[{key}]] tables")),
    }
}

/// The `text` of table `i` of a probe file.
fn text_of<'a>(name: &str, i: usize, table: &'a toml::Value) -> Result<&'a str, String> {
    table
        .get("text")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("{name} #{i}: no text"))
}

fn eval_texts(out: &mut Vec<Text>) -> Result<(), String> {
    for (name, src) in EVAL_FILES {
        for (i, m) in tables(name, src, "m")?.iter().enumerate() {
            let text = text_of(name, i, m)?;
            let kind: Option<Kind> = m
                .get("kind")
                .and_then(toml::Value::as_str)
                .and_then(|k| k.parse().ok());
            let context: Option<Context> = match m.get("context") {
                Some(c) => Some(
                    c.clone()
                        .try_into()
                        .map_err(|e| format!("{name} #{i}: {e}"))?,
                ),
                None => None,
            };
            out.push(Text {
                id: format!("eval:{name}:{i}"),
                text: text.to_owned(),
                own: kind.map(|k| (k, context)),
            });
        }
    }
    for (name, src) in CRISIS_TOML {
        for (i, c) in tables(name, src, "case")?.iter().enumerate() {
            let text = text_of(name, i, c)?;
            out.push(Text {
                id: format!("eval:{name}:{i}"),
                text: text.to_owned(),
                own: None,
            });
        }
    }
    for (name, src) in CRISIS_JSONL {
        for (i, line) in src.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{name} line {i}: {e}"))?;
            let text = v["text"]
                .as_str()
                .ok_or_else(|| format!("{name} line {i}: no text"))?;
            out.push(Text {
                id: format!("eval:{name}:{i}"),
                text: text.to_owned(),
                own: None,
            });
        }
    }
    Ok(())
}

fn example_texts(out: &mut Vec<Text>) -> Result<(), String> {
    let engine = engine().map_err(|e| e.to_string())?;
    for lex in engine.lexicons() {
        let kind = lex.example_kind();
        let all = lex
            .examples
            .positive
            .iter()
            .map(|e| ("pos", e))
            .chain(lex.examples.negative.iter().map(|e| ("neg", e)));
        for (i, (sign, ex)) in all.enumerate() {
            out.push(Text {
                id: format!("example:{}:{sign}:{i}", lex.id),
                text: ex.text().to_owned(),
                own: Some((ex.kind().unwrap_or(kind), ex.context().cloned())),
            });
        }
    }
    Ok(())
}

fn corpus_texts(out: &mut Vec<Text>) {
    for d in corpus::generate(4, 600, 300, 100) {
        out.push(Text {
            id: format!("corpus:{}", d.id),
            own: d.kind.parse().ok().map(|k| (k, None)),
            text: d.text,
        });
    }
}

/// Random phrase forms from the lexicons, glued with separators that sit on and off word
/// boundaries ("sorry" + "ing", apostrophes, curly quotes, line breaks, capitals, accents).
/// Every distinct written form of every phrase part of the lexicons, sorted.
fn phrase_forms() -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    for (file, src) in amends_lint::LEXICON_FILES {
        let Ok(l) = amends_lint::lexicon::load(file, src) else {
            continue;
        };
        for (_, p, _) in &l.phrases {
            for alt in amends_lint::lexicon::expand(p).unwrap_or_default() {
                for seg in alt {
                    forms.extend(seg.forms);
                }
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Every phrase form, ten to a text, each its own sentence.
fn form_texts(forms: &[String], out: &mut Vec<Text>) {
    for (i, chunk) in forms.chunks(10).enumerate() {
        out.push(Text {
            id: format!("forms:{i}"),
            text: chunk.join(". "),
            own: None,
        });
    }
}

fn synthetic_texts(n: usize, forms: &[String], out: &mut Vec<Text>) {
    if forms.is_empty() {
        return;
    }
    let seps: &[&str] = &[
        " ",
        " ",
        " ",
        " ",
        ", ",
        ". ",
        "! ",
        "? ",
        "\n",
        "\n\n",
        " but ",
        " and ",
        " not ",
        " \u{201C}",
        "\u{201D} ",
        " \"",
        "\" ",
        "ing ",
        "s ",
        "'",
        "\u{2019}",
        "-",
        " you said ",
        " what if ",
        " \u{1F622} ",
        " caf\u{e9} ",
        " \u{130}",
        "\u{2026} ",
    ];
    let mut rng = corpus::Lcg::new(9);
    for i in 0..n {
        let words = 4 + (rng.next_u64() as usize) % 40;
        let mut text = String::new();
        for _ in 0..words {
            let f = &forms[(rng.next_u64() as usize) % forms.len()];
            match rng.next_u64() % 8 {
                0 => text.push_str(&f.to_uppercase()),
                1 => {
                    let mut c = f.chars();
                    if let Some(first) = c.next() {
                        text.extend(first.to_uppercase());
                        text.push_str(c.as_str());
                    }
                }
                _ => text.push_str(f),
            }
            text.push_str(rng.pick(seps));
        }
        out.push(Text {
            id: format!("synthetic:{i}"),
            text,
            own: None,
        });
    }
}

/// Reads texts written by `--write-texts` (JSON lines with `id` and `text`); the ids get the
/// file's position as a prefix so two files cannot collide.
fn read_texts(file: usize, path: &str, out: &mut Vec<Text>) -> Result<(), String> {
    let src = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    for (i, line) in src.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path} line {i}: {e}"))?;
        let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) else {
            return Err(format!("{path} line {i}: no id or text"));
        };
        out.push(Text {
            id: format!("t{file}:{id}"),
            text: text.to_owned(),
            own: None,
        });
    }
    Ok(())
}

fn main() -> ExitCode {
    const USAGE: &str =
        "usage: dump_reports [--synthetic N] [--write-texts FILE] [--texts FILE]...";
    let mut args = std::env::args().skip(1);
    let mut synthetic = 3000usize;
    let mut write_texts: Option<String> = None;
    let mut read: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--synthetic", Some(n)) if n.parse::<usize>().is_ok() => {
                synthetic = n.parse().unwrap_or(synthetic);
            }
            ("--write-texts", Some(f)) => write_texts = Some(f),
            ("--texts", Some(f)) => read.push(f),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(64);
            }
        }
    }
    let mut made = Vec::new();
    if read.is_empty() {
        let forms = phrase_forms();
        synthetic_texts(synthetic, &forms, &mut made);
        form_texts(&forms, &mut made);
    }
    if let Some(path) = write_texts {
        let mut s = String::new();
        for t in &made {
            s.push_str(&serde_json::json!({ "id": t.id, "text": t.text }).to_string());
            s.push('\n');
        }
        if let Err(e) = std::fs::write(&path, s) {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    let mut texts = Vec::new();
    let loaded = eval_texts(&mut texts).and_then(|()| example_texts(&mut texts));
    if let Err(e) = loaded {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    corpus_texts(&mut texts);
    texts.append(&mut made);
    for (i, path) in read.iter().enumerate() {
        if let Err(e) = read_texts(i, path, &mut texts) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    let Ok(engine) = engine() else {
        eprintln!("the engine did not build");
        return ExitCode::FAILURE;
    };
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    for t in &texts {
        for kind in Kind::ALL {
            let r = engine.check(&t.text, kind, None);
            if writeln!(w, "{}\t{kind:?}\t{}", t.id, r.to_json()).is_err() {
                return ExitCode::FAILURE;
            }
        }
        if let Some((kind, Some(ctx))) = &t.own {
            let r = engine.check(&t.text, *kind, Some(ctx));
            if writeln!(w, "{}\t{kind:?}+records\t{}", t.id, r.to_json()).is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    if w.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
