//! How long building the engine takes, and what the alternatives would cost (for work on
//! start-up time; the figures behind "Cold start" in `docs/lint-benchmark.md`): parsing the
//! lexicon TOML, expanding the phrases at run time (now done by `build.rs`), building an
//! Aho-Corasick automaton over the forms with each kind and option set (what the engine did
//! before the build-time trie; the DFA is left out: about 60 ms and 30 MB), and
//! `Engine::new` as it is.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

fn main() {
    let t = Instant::now();
    let mut sources = Vec::new();
    for (file, src) in amends_lint::LEXICON_FILES {
        if let Ok(l) = amends_lint::lexicon::load(file, src) {
            sources.extend(l.phrases.into_iter().map(|(_, p, _)| p));
        }
    }
    println!(
        "toml parse {:?} ({} phrase sources)",
        t.elapsed(),
        sources.len()
    );
    if std::env::var_os("PER_PHRASE").is_some() {
        let mut per: Vec<(usize, &String)> = sources
            .iter()
            .map(|p| {
                let n: usize = amends_lint::lexicon::expand(p)
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.iter().map(|s| s.forms.len()).sum::<usize>())
                    .sum();
                (n, p)
            })
            .collect();
        per.sort();
        for (n, p) in per.iter().rev().take(20) {
            println!("{n:>6} {p}");
        }
    }
    let t = Instant::now();
    let mut forms = Vec::new();
    for p in &sources {
        for alt in amends_lint::lexicon::expand(p).unwrap_or_default() {
            for seg in alt {
                forms.extend(seg.forms);
            }
        }
    }
    println!("expand {:?} ({} forms)", t.elapsed(), forms.len());
    forms.sort();
    forms.dedup();
    println!(
        "{} distinct forms, {} bytes",
        forms.len(),
        forms.iter().map(String::len).sum::<usize>()
    );
    // Best of 5 per option set: the machine is shared, single runs drift by 50%.
    for kind in [
        None,
        Some(AhoCorasickKind::NoncontiguousNFA),
        Some(AhoCorasickKind::ContiguousNFA),
    ] {
        for (prefilter, classes, dense) in [
            (true, true, 3),
            (false, true, 3),
            (false, false, 3),
            (false, true, 0),
            (false, true, 2),
            (false, true, 4),
            (false, true, 6),
        ] {
            let mut best = std::time::Duration::MAX;
            let mut got = None;
            for _ in 0..5 {
                let t = Instant::now();
                let ac = AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(kind)
                    .prefilter(prefilter)
                    .byte_classes(classes)
                    .dense_depth(dense)
                    .build(&forms);
                best = best.min(t.elapsed());
                got = ac.map(|a| (a.kind(), a.memory_usage())).ok();
            }
            println!(
                "{kind:?} prefilter={prefilter} byte_classes={classes} dense_depth={dense}: \
                 build {best:?} ({got:?})"
            );
        }
    }
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        match amends_lint::Engine::new() {
            Ok(e) => {
                best = best.min(t.elapsed());
                std::hint::black_box(e);
            }
            Err(e) => {
                eprintln!("{e}");
                return;
            }
        }
    }
    println!("Engine::new {best:?} (best of 5)");
}
