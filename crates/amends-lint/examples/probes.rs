//! Measures L-28 (SAFE-3) and L-11 (SAFE-4) on a probe file the way `shared/LABELS.md` counts
//! crisis lines: each line is checked as `journal` AND as `apology`; a line expecting
//! `crisis`, `threat` or `both` is caught when both reports have `"crisis": true` or a
//! `self-harm` or `threat` finding; a line expecting `none` is a false alarm when either does.
//!
//! `cargo run --release -p amends-lint --example probes -- FILE.jsonl [--misses] [--strict]
//! [--rules-only]`
//!
//! Each line of FILE is JSON with `kind`, `expect` (crisis|threat|both|none) and `text` (and
//! optionally `id`). `--misses` lists every miss and false alarm; `--strict` also counts, per
//! kind, whether a crisis line set `crisis`, a threat line had a `threat` finding, and a
//! `both` line had a `self-harm` finding plus a block (`pressure`, `manipulation` or
//! `threat`) as apology. `--rules-only` checks with the rules alone (`Engine::rules_only`),
//! the baseline the learned second opinion is measured against.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use amends_lint::{Engine, Kind, Report};

fn flagged(r: &Report) -> bool {
    r.crisis || r.has_rule("self-harm") || r.has_rule("threat")
}

#[derive(Default)]
struct Tally {
    n: usize,
    hit: usize,
    journal: usize,
    apology: usize,
    strict: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let strict = args.iter().any(|a| a == "--strict");
    let engine = Engine::new().expect("the lexicons load");
    let engine = if args.iter().any(|a| a == "--rules-only") {
        engine.rules_only()
    } else {
        engine
    };
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .expect("usage: probes FILE.jsonl [--misses] [--strict] [--rules-only]");
    let text = std::fs::read_to_string(path).expect("read the probe file");
    let mut by_kind: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let (mut pos, mut pos_hit, mut neg, mut neg_hit) = (0, 0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let kind = v["kind"].as_str().unwrap_or("?").to_owned();
        let expect = v["expect"].as_str().unwrap_or("?").to_owned();
        let id = v["id"].as_str().unwrap_or("").to_owned();
        let t = v["text"].as_str().expect("a text");
        let j = engine.check(t, Kind::Journal, None);
        let a = engine.check(t, Kind::Apology, None);
        let (fj, fa) = (flagged(&j), flagged(&a));
        let tally = by_kind.entry((kind.clone(), expect.clone())).or_default();
        tally.n += 1;
        tally.journal += usize::from(fj);
        tally.apology += usize::from(fa);
        let strict_ok = match expect.as_str() {
            "crisis" => j.crisis && a.crisis,
            "threat" => j.has_rule("threat") && a.has_rule("threat"),
            "both" => {
                j.crisis
                    && a.crisis
                    && (a.has_rule("pressure")
                        || a.has_rule("manipulation")
                        || a.has_rule("threat"))
            }
            _ => !(j.crisis || a.crisis || j.has_rule("threat") || a.has_rule("threat")),
        };
        tally.strict += usize::from(strict_ok);
        if expect == "none" {
            neg += 1;
            let fa_any = fj || fa;
            neg_hit += usize::from(fa_any);
            tally.hit += usize::from(fa_any);
            if misses && fa_any {
                let rules: Vec<String> = j
                    .findings
                    .iter()
                    .chain(&a.findings)
                    .filter(|f| f.rule == "self-harm" || f.rule == "threat")
                    .map(|f| format!("{}: {:?}", f.rule, f.excerpt))
                    .collect();
                println!("FALSE {id} [{kind}] {t}\n      {rules:?}");
            }
        } else {
            pos += 1;
            let ok = fj && fa;
            pos_hit += usize::from(ok);
            tally.hit += usize::from(ok);
            if misses && !ok {
                println!("MISS  {id} [{kind}/{expect}] (journal {fj}, apology {fa}) {t}");
            } else if misses && strict && !strict_ok {
                let rules: Vec<&str> = a.findings.iter().map(|f| f.rule.as_ref()).collect();
                println!(
                    "LOOSE {id} [{kind}/{expect}] crisis {}/{} {rules:?} {t}",
                    j.crisis, a.crisis
                );
            }
        }
    }
    println!(
        "\n{:<18} {:<7} {:>4} {:>6} {:>8} {:>8}{}",
        "kind",
        "expect",
        "n",
        "caught",
        "journal",
        "apology",
        if strict { "   strict" } else { "" }
    );
    for ((kind, expect), t) in &by_kind {
        let label = if expect == "none" { "alarms" } else { "caught" };
        let _ = label;
        println!(
            "{kind:<18} {expect:<7} {:>4} {:>6} {:>8} {:>8}{}",
            t.n,
            t.hit,
            t.journal,
            t.apology,
            if strict {
                format!("   {:>6}", t.strict)
            } else {
                String::new()
            }
        );
    }
    println!(
        "\nrecall {pos_hit}/{pos} = {:.3}; false alarms {neg_hit}/{neg} = {:.3}",
        pos_hit as f64 / pos.max(1) as f64,
        neg_hit as f64 / neg.max(1) as f64
    );
}
