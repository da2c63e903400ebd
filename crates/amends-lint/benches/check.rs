//! `cargo bench -p amends-lint`: the check over the deterministic corpus, per document size.

#[path = "corpus.rs"]
mod corpus;

use std::sync::LazyLock;

use amends_lint::{Engine, Kind};

fn main() {
    divan::main();
}

static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| Engine::new().ok());
static DOCS: LazyLock<Vec<corpus::Doc>> = LazyLock::new(|| corpus::generate(4, 40, 20, 5));

fn docs(prefix: &str) -> Vec<(Kind, &'static str)> {
    DOCS.iter()
        .filter(|d| d.id.starts_with(prefix))
        .map(|d| (d.kind.parse().unwrap_or(Kind::Apology), d.text.as_str()))
        .collect()
}

#[divan::bench(args = ["short", "email", "letter"])]
fn check(bencher: divan::Bencher, size: &str) {
    let Some(engine) = ENGINE.as_ref() else {
        return;
    };
    let docs = docs(size);
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            for (kind, text) in &docs {
                divan::black_box(engine.check(divan::black_box(text), *kind, None));
            }
        });
}

#[divan::bench]
fn engine_build() -> Option<Engine> {
    Engine::new().ok()
}
