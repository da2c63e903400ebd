//! The domain of amends, as pure code.
//!
//! A case (one relationship) is an append-only list of dated [`Event`]s. Everything else is
//! derived from them at a moment the caller passes in: the core never reads the clock, a file or
//! the network. [`Plan::at`] turns the events into the phase, the gates with their reasons, the
//! counters, the scores and the next steps.

pub mod config;
pub mod event;
pub mod forms;
pub mod guidance;
pub mod plan;
pub mod schema;

pub use config::Config;
pub use event::{
    AmendsStatus, Answers, Bounds, Channel, Danger, Direction, DraftKind, Event, EventData,
    HabitKind, Passive, PromiseOutcome, Relationship, Settings, Signal, SlipKind, YesNoUnsure,
    effective,
};
pub use forms::{Answer, AnswerType, Form, FormId, Question, WORKBOOK, WorkbookSection};
pub use guidance::{CARDS, Card};
pub use plan::{Gate, GateId, NextStep, Phase, Plan, Reason};
