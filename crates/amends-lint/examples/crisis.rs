//! Checks each line of stdin as a journal entry and prints whether it raised `crisis`, with
//! the self-harm excerpts, for work on the L-28 lexicon:
//! `cargo run -p amends-lint --example crisis < lines.txt`. Lines starting with `#` and blank
//! lines are skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;

fn main() {
    let (mut n, mut crises) = (0usize, 0usize);
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let report = amends_lint::check(&line, amends_lint::Kind::Journal, None).unwrap();
        let ex: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.rule == "self-harm")
            .map(|f| f.excerpt.as_str())
            .collect();
        n += 1;
        crises += usize::from(report.crisis);
        println!(
            "{} {line}{}",
            if report.crisis { "CRISIS" } else { "  -   " },
            if ex.is_empty() {
                String::new()
            } else {
                format!("   <= {ex:?}")
            }
        );
    }
    println!("{crises} of {n} lines raised crisis");
}
