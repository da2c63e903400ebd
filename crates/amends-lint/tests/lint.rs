//! The one integration-test binary of amends-lint. Submodules live in `tests/lint/`; the
//! labelled evaluation set lives in `tests/eval/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The tests read their fixture files (the corpus, the evaluation sets); clippy.toml's IO
// bans are for the library.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

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
