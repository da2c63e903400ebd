//! How long building the engine takes, and where (for work on start-up time).
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
    for kind in [
        None,
        Some(AhoCorasickKind::NoncontiguousNFA),
        Some(AhoCorasickKind::ContiguousNFA),
        Some(AhoCorasickKind::DFA),
    ] {
        let t = Instant::now();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&forms);
        println!(
            "{kind:?}: build {:?} ({:?})",
            t.elapsed(),
            ac.map(|a| a.kind()).ok()
        );
    }
    let t = Instant::now();
    match amends_lint::Engine::new() {
        Ok(e) => println!("engine {:?}; {} patterns", t.elapsed(), e.pattern_count()),
        Err(e) => eprintln!("{e}"),
    }
}
