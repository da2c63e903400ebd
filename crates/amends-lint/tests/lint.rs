//! The one integration-test binary of amends-lint. Submodules live in `tests/lint/`; the
//! labelled evaluation set lives in `tests/eval/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
