//! What the engine may know about the user's records, for the checks that need them
//! (L-13 dishonesty against the trackers, L-16 cadence, L-21 gift cost).
//!
//! The engine stays pure: it never reads a clock or a file. The app layer (`amends-app`) fills a
//! [`Context`] from the plan and passes it in. Every field has a neutral default, so a caller can
//! fill only what it knows; a field left at its default never produces a finding on its own.

use serde::{Deserialize, Serialize};

/// The gift cost threshold used when the user set none: a small treat (L-21, ours), in the
/// user's own currency units.
pub const DEFAULT_GIFT_THRESHOLD: u32 = 30;

/// The user's records, as far as the message checks need them.
///
/// All durations are whole days counted back from "now", which the caller decides; the engine
/// never reads the clock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Context {
    /// Therapy or counselling sessions logged in HABITS (SI-4). A draft that claims therapy
    /// ("months of therapy", "I've been seeing a counsellor") while this is 0 gets an L-13
    /// finding. Only consulted when [`Context::records_known`] is true.
    pub therapy_sessions: u32,
    /// Days since the first logged therapy session, if any. A claim of "months" of therapy
    /// needs at least 60 days here, "a year" at least 330, "weeks" at least 14 (L-13).
    pub therapy_first_session_days_ago: Option<u32>,
    /// Concrete self-work steps logged with their label and age (SI-9), e.g.
    /// `{ label: "anger management course", days_ago: 40 }`. A draft may cite only logged steps:
    /// a claim such as "I've been going to AA" with no step whose label matches gets L-13.
    pub steps: Vec<LoggedStep>,
    /// True when the caller filled `therapy_sessions` and `steps` from real records. With
    /// `false` (the default) the claim checks stay off, so an empty record is never read as
    /// "the user did nothing".
    pub records_known: bool,
    /// From the workbook: how many times the act happened, if the user wrote it down (DMG-1).
    /// A draft that minimises ("it was only once") when this is above 1 gets L-13.
    pub times_happened: Option<u32>,
    /// Days since the last outbound contact item of any kind (message, call, gift), if any was
    /// logged. Under 7 blocks the send (L-16, PP-3, C10).
    pub days_since_last_outbound: Option<u32>,
    /// Outbound messages still unanswered. Any unanswered earlier message blocks (L-16,
    /// SAFE-5).
    pub unanswered_outbound: u32,
    /// Channels (labels such as "text", "email", "instagram") already used for outbound
    /// contact today. Sending on a further channel the same day blocks (L-16, RC-5).
    pub channels_today: Vec<String>,
    /// The channel this draft would go out on, if known. When it is already in
    /// `channels_today` the same-day gap rule applies instead of the several-channels rule.
    pub channel: Option<String>,
    /// `Some(reason)` when outreach is locked by the plan (SAFE-1, SAFE-5, RC-10, AP-14, NC-2...),
    /// with the plain reason to show, e.g. "they asked for space on 3 May". Any send blocks.
    pub outreach_locked: Option<String>,
    /// The user's gift cost threshold in their currency units; `None` means
    /// [`DEFAULT_GIFT_THRESHOLD`] (L-21).
    pub gift_cost_threshold: Option<u32>,
    /// What the gesture that goes with a `gift` note costs, in the same units (L-21, KG-3).
    pub gift_cost: Option<u32>,
}

/// One concrete self-work step the user logged (SI-9).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoggedStep {
    /// The user's label for it, e.g. "anger management course", "therapy", "AA meeting".
    pub label: String,
    /// Days since it was logged or started.
    pub days_ago: u32,
}

impl Context {
    /// The gift threshold in force.
    pub fn gift_threshold(&self) -> u32 {
        self.gift_cost_threshold.unwrap_or(DEFAULT_GIFT_THRESHOLD)
    }
}
