//! Throughput and latency of the message coach over a corpus (issue 4, "Speed").
//!
//! `bench CORPUS_DIR --passes P --warmup W [--ceiling | --rules-only]`
//!
//! Reads `CORPUS_DIR/manifest.tsv` (header, then `id kind bytes chars words path`), builds the
//! engine once (`init_ms`), runs W unmeasured passes and P measured ones, timing each
//! document's single check with a monotonic clock, and prints one JSON line. With `--ceiling`
//! it times a plain scan instead: Aho-Corasick over about 2,000 phrases (leftmost-longest,
//! ASCII case-insensitive) plus a handful of regexes: the floor any real engine sits above.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use amends_lint::{Engine, Kind};
use regex::Regex;

struct Args {
    dir: PathBuf,
    passes: usize,
    warmup: usize,
    ceiling: bool,
    /// Without the learned scorer: the before/after of issue 10 in one run.
    rules_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut dir = None;
    let (mut passes, mut warmup, mut ceiling, mut rules_only) = (5usize, 1usize, false, false);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--passes" => passes = it.next().and_then(|v| v.parse().ok()).ok_or("--passes N")?,
            "--warmup" => warmup = it.next().and_then(|v| v.parse().ok()).ok_or("--warmup N")?,
            "--ceiling" => ceiling = true,
            "--rules-only" => rules_only = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    Ok(Args {
        dir: dir
            .ok_or("usage: bench CORPUS_DIR --passes P --warmup W [--ceiling | --rules-only]")?,
        passes: passes.max(1),
        warmup,
        ceiling,
        rules_only,
    })
}

fn load(dir: &Path) -> Result<Vec<(Kind, String)>, String> {
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("manifest.tsv").display()))?;
    let mut docs = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, kind, _, _, _, path] = cols[..] else {
            return Err(format!("bad manifest line: {line}"));
        };
        let kind: Kind = kind.parse().map_err(|e| format!("{e}"))?;
        let text = std::fs::read_to_string(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        docs.push((kind, text));
    }
    Ok(docs)
}

/// The ceiling: a plain scan with no filters, components or rules.
struct Ceiling {
    ac: AhoCorasick,
    regexes: Vec<Regex>,
}

impl Ceiling {
    fn new() -> Result<Ceiling, String> {
        // About 2,000 real phrases, taken from the lexicons' own expansions.
        let mut phrases: Vec<String> = Vec::new();
        'files: for (_, src) in amends_lint::LEXICON_FILES {
            for line in src.lines() {
                let line = line.trim();
                let Some(p) = line.strip_prefix('"').and_then(|l| l.strip_suffix("\",")) else {
                    continue;
                };
                if p.contains("...") || p.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
                for alt in amends_lint::lexicon::expand(p).unwrap_or_default() {
                    if let Some(seg) = alt.first() {
                        phrases.extend(seg.forms.iter().take(2).cloned());
                    }
                    if phrases.len() >= 2000 {
                        break 'files;
                    }
                }
            }
        }
        phrases.sort();
        phrases.dedup();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&phrases)
            .map_err(|e| e.to_string())?;
        let regexes = [
            r"[$£€]\s?\d+",
            r"\b\d{1,2}\s?(?:am|pm)\b",
            r"(?i)\b(?:you|u)\s+(?:never|always)\s+\w+",
            r"[!?]{2,}",
            r"(?i)\bplease\b(?:\W+please\b)+",
        ]
        .iter()
        .map(|r| Regex::new(r).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Ceiling { ac, regexes })
    }

    fn scan(&self, text: &str) -> usize {
        self.ac.find_iter(text).count()
            + self
                .regexes
                .iter()
                .map(|r| r.find_iter(text).count())
                .sum::<usize>()
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(64);
        }
    };
    let docs = match load(&args.dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(64);
        }
    };
    let t0 = Instant::now();
    let (engine, ceiling) = if args.ceiling {
        match Ceiling::new() {
            Ok(c) => (None, Some(c)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        match Engine::new() {
            Ok(e) if args.rules_only => (Some(e.rules_only()), None),
            Ok(e) => (Some(e), None),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let init_ms = t0.elapsed().as_secs_f64() * 1e3;

    let run_one = |kind: Kind, text: &str| -> usize {
        match (&engine, &ceiling) {
            (Some(e), _) => e.check(text, kind, None).findings.len(),
            (_, Some(c)) => c.scan(text),
            _ => 0,
        }
    };
    for _ in 0..args.warmup {
        for (kind, text) in &docs {
            std::hint::black_box(run_one(*kind, text));
        }
    }
    let mut times = Vec::with_capacity(docs.len() * args.passes);
    let mut diags = 0usize;
    for pass in 0..args.passes {
        for (kind, text) in &docs {
            let start = Instant::now();
            let n = std::hint::black_box(run_one(*kind, std::hint::black_box(text)));
            times.push(start.elapsed().as_secs_f64());
            if pass == 0 {
                diags += n;
            }
        }
    }
    let total: f64 = times.iter().sum();
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    times.sort_by(f64::total_cmp);
    let ms = |s: f64| (s * 1e6).round() / 1e3;
    let line = serde_json::json!({
        "tool": if args.ceiling {
            "ceiling"
        } else if args.rules_only {
            "amends-lint (rules only)"
        } else {
            "amends-lint"
        },
        "docs": docs.len(),
        "passes": args.passes,
        "bytes": bytes,
        "init_ms": (init_ms * 1e3).round() / 1e3,
        "mb_s": ((bytes * args.passes) as f64 / 1e6 / total * 100.0).round() / 100.0,
        "docs_s": ((docs.len() * args.passes) as f64 / total).round(),
        "p50_ms": ms(percentile(&times, 0.50)),
        "p90_ms": ms(percentile(&times, 0.90)),
        "p99_ms": ms(percentile(&times, 0.99)),
        "max_ms": ms(times.last().copied().unwrap_or(0.0)),
        "diags": diags,
        "peak_rss_kb": peak_rss_kb(),
    });
    println!("{line}");
    ExitCode::SUCCESS
}
