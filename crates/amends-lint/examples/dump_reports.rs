//! Prints the report for a fixed, deterministic set of texts, one line each, so two builds of
//! the engine can be compared byte for byte (`scripts/lint-equivalence`).
//!
//! `dump_reports [--synthetic N]`
//!
//! The texts: every message of the evaluation sets (`tests/eval/*.toml`, with their own kind
//! and records), every lexicon example, the benchmark corpus (`benches/corpus.rs`, seed 4,
//! the same 1,000 drafts as `scripts/bench-lint`), and N synthetic drafts (default 3,000) made
//! of random phrase forms from the lexicons glued with random punctuation, casing and word
//! endings, so that nearly every pattern and its word-boundary cases are exercised. Each text
//! is checked as every kind with no records, and also with its own kind and records where it
//! has them. It uses only the public API, so it also builds against older revisions.

#[path = "../benches/corpus.rs"]
mod corpus;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use amends_lint::{Context, Kind, engine};

const EVAL_FILES: &[(&str, &str)] = &[
    ("messages", include_str!("../tests/eval/messages.toml")),
    ("holdout", include_str!("../tests/eval/holdout.toml")),
];

const KINDS: [Kind; 6] = [
    Kind::First,
    Kind::Apology,
    Kind::Email,
    Kind::Ask,
    Kind::Gift,
    Kind::Journal,
];

struct Text {
    id: String,
    text: String,
    own: Option<(Kind, Option<Context>)>,
}

fn eval_texts(out: &mut Vec<Text>) -> Result<(), String> {
    for (name, src) in EVAL_FILES {
        let v: toml::Value = toml::from_str(src).map_err(|e| format!("{name}: {e}"))?;
        let Some(ms) = v.get("m").and_then(toml::Value::as_array) else {
            return Err(format!("{name}: no [[m]] tables"));
        };
        for (i, m) in ms.iter().enumerate() {
            let text = m
                .get("text")
                .and_then(toml::Value::as_str)
                .ok_or_else(|| format!("{name} #{i}: no text"))?;
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
fn synthetic_texts(n: usize, out: &mut Vec<Text>) {
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

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut synthetic = 3000usize;
    while let Some(a) = args.next() {
        match (a.as_str(), args.next().and_then(|v| v.parse().ok())) {
            ("--synthetic", Some(n)) => synthetic = n,
            _ => {
                eprintln!("usage: dump_reports [--synthetic N]");
                return ExitCode::from(64);
            }
        }
    }
    let mut texts = Vec::new();
    let loaded = eval_texts(&mut texts).and_then(|()| example_texts(&mut texts));
    if let Err(e) = loaded {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    corpus_texts(&mut texts);
    synthetic_texts(synthetic, &mut texts);
    let Ok(engine) = engine() else {
        eprintln!("the engine did not build");
        return ExitCode::FAILURE;
    };
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    for t in &texts {
        for kind in KINDS {
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
