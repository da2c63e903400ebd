//! Prints the learned scorer's probabilities for each sentence of a text (for error analysis):
//! `model_probe "text"`; every label at or above half its threshold is shown.

// A developer tool around the pure crate: it reads corpora and its command line, writes
// files and times itself, all of which clippy.toml forbids the crate itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use amends_lint::model::sigmoid;
use amends_lint::{Engine, engine};

fn main() {
    let text = std::env::args().nth(1).unwrap_or_default();
    let Ok(e) = engine() else { return };
    let Some(m) = e.model() else {
        println!("no model compiled in");
        return;
    };
    let plain: &Engine = e;
    for s in plain.sentence_features(&text) {
        println!("{:?}", &text[s.span.start..s.span.end]);
        let logits = m.logits(&s.features);
        for (l, z) in m.labels.iter().zip(logits) {
            let p = sigmoid(z);
            if p >= l.threshold * 0.5 {
                println!("  {:22} p {:.3} (threshold {:.3})", l.id, p, l.threshold);
            }
        }
    }
}
