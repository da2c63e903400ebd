//! The one integration-test binary of amends-lint. Submodules live in `tests/lint/`; the
//! labelled evaluation set lives in `tests/eval/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The tests read their fixture files (the corpus, the evaluation sets); clippy.toml's IO
// bans are for the library.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use amends_lint::{Context, Kind, check};

/// Whether `rule` fires on `text` as a draft of `kind`, with no records.
pub(crate) fn has(text: &str, kind: Kind, rule: &str) -> bool {
    check(text, kind, None).unwrap().has_rule(rule)
}

/// Whether `rule` fires on `text` as a draft of `kind`, checked against the records in `ctx`.
pub(crate) fn has_with(text: &str, kind: Kind, ctx: &Context, rule: &str) -> bool {
    check(text, kind, Some(ctx)).unwrap().has_rule(rule)
}

/// `rule` fires on every text of `caught` and on none of `cleared`, each a draft of `kind`.
pub(crate) fn fires_on(rule: &str, kind: Kind, caught: &[&str], cleared: &[&str]) {
    for text in caught {
        assert!(has(text, kind, rule), "{rule} missed in {text:?}");
    }
    for text in cleared {
        assert!(!has(text, kind, rule), "{rule} fired on {text:?}");
    }
}

#[path = "lint/lexicons.rs"]
mod lexicons;

#[path = "lint/eval.rs"]
mod eval;

#[path = "lint/safety.rs"]
mod safety;

#[path = "lint/behaviour.rs"]
mod behaviour;

#[path = "lint/props.rs"]
mod props;

#[path = "lint/regressions.rs"]
mod regressions;

#[path = "lint/crisis.rs"]
mod crisis;

#[path = "lint/model.rs"]
mod model;
