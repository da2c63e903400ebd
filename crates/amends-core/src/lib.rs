//! The domain of amends, as pure code.
//!
//! A case (one relationship) is an append-only list of dated [`Event`]s. Everything else is
//! derived from them at a moment the caller passes in: the core never reads the clock, a file or
//! the network.

pub mod event;

pub use event::{Event, EventData, Relationship, effective};
