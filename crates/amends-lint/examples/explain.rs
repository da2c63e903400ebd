//! Prints the report for one text, for working on lexicons:
//! `cargo run -p amends-lint --example explain -- KIND "text"`; with `AMENDS_HITS=self-harm`
//! (any lexicon id) it also lists that lexicon's phrase and cue hits.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let mut args = std::env::args().skip(1);
    let kind: amends_lint::Kind = args
        .next()
        .unwrap_or_else(|| "apology".into())
        .parse()
        .unwrap();
    let text = args.next().unwrap_or_default();
    let report = amends_lint::check(&text, kind, None).unwrap();
    // AMENDS_HITS=self-harm (or threat, ...) also lists that lexicon's hits, cues included.
    if let Ok(id) = std::env::var("AMENDS_HITS") {
        for (group, words) in amends_lint::engine().unwrap().hits_of(&text, &id) {
            println!("  hit {group}: {words:?}");
        }
    }
    println!("verdict {}", report.verdict.as_str());
    for c in &report.components {
        let ev: Vec<&str> = c.spans.iter().map(|s| &text[s.start..s.end]).collect();
        println!(
            "  [{}] {} {:?}",
            if c.present { "x" } else { " " },
            c.id,
            ev
        );
    }
    for f in &report.findings {
        println!(
            "  {} {} {:?}: {}",
            f.severity.as_str(),
            f.rule,
            f.excerpt,
            f.message
        );
    }
}
