//! Issue 12's oracle, "A 'no' has no side doors": the stops a history holds at a moment,
//! written from the decisions, not from the core's hold table (`plan/stops.rs`). A stop
//! (a "no", a no-contact request, a block, a protective order, a new partner, a walk-away "no")
//! recorded at `t` holds until an invitation after `t` that meets its condition, and a
//! protective order never lifts.
//!
//! One definition for two test binaries: the plan's property test here, and amends-app's use
//! cases on a real store, which includes this file with `#[path]` (issue 13). Both generate what
//! the other person does ([`Theirs`]) the same way, and add what the user does on their side.

use amends_core::{Answer, Channel, Event, EventData, FormId, Passive, Signal};
use jiff::Timestamp;
use proptest::prelude::*;

/// The signals that are stops by the decisions: a "no", a no-contact request, a block,
/// a new partner (each lifted by an invitation that meets its condition) and a protective order
/// (never lifted). [`stops_in_force`] classifies the same ones.
pub const STOP_SIGNALS: [Signal; 5] = [
    Signal::Declined,
    Signal::AskedNoContact,
    Signal::Blocked,
    Signal::NewPartner,
    Signal::ProtectiveOrder,
];

/// What the other person does in a generated story: what starts a stop and what may lift one.
#[derive(Clone, Debug)]
pub enum Theirs {
    /// They got in touch, by this channel.
    In(Channel),
    /// A passive sign (a like, a view): never a lift.
    Passive(Passive),
    Signal(Signal),
    /// An invitation with (unblocked, partner ended).
    Invite(bool, bool),
}

/// [`Theirs`], weighted towards signals, the stops' source.
pub fn theirs() -> impl Strategy<Value = Theirs> {
    prop_oneof![
        3 => proptest::sample::select(Channel::ALL.to_vec()).prop_map(Theirs::In),
        2 => proptest::sample::select(Passive::ALL.to_vec()).prop_map(Theirs::Passive),
        5 => proptest::sample::select(Signal::ALL.to_vec()).prop_map(Theirs::Signal),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(u, p)| Theirs::Invite(u, p)),
    ]
}

/// A stop in force: what it is, and when it was recorded.
#[derive(Debug)]
pub struct StopInForce {
    pub what: &'static str,
    pub since: Timestamp,
}

/// Which invitations (by unblocked, partner ended) lift a stop; `None` for one that never lifts.
type Lift = Option<fn(bool, bool) -> bool>;

/// The stops recorded up to `now` that no qualifying invitation has lifted, oldest first.
pub fn stops_in_force(events: &[Event], now: Timestamp) -> Vec<StopInForce> {
    let superseded = |id: &str| events.iter().any(|x| x.supersedes.as_deref() == Some(id));
    let invitations: Vec<_> = events
        .iter()
        .filter(|e| e.at <= now && !superseded(&e.id))
        .filter_map(|e| match &e.data {
            EventData::Invitation {
                unblocked,
                partner_ended,
                ..
            } => Some((e.at, *unblocked, *partner_ended)),
            _ => None,
        })
        .collect();
    let invited_after = |t, need: fn(bool, bool) -> bool| {
        invitations.iter().any(|&(at, u, p)| at > t && need(u, p))
    };
    let any: Lift = Some(|_, _| true);
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.at <= now) {
        let stop: Option<(&'static str, Lift)> = match &e.data {
            // A "no" counts even when it was corrected (SAFE-1).
            EventData::Signal { signal, .. } => match signal {
                Signal::ProtectiveOrder => Some(("order", None)),
                Signal::Declined | Signal::AskedNoContact => Some(("no", any)),
                Signal::Blocked => Some(("blocked", Some(|u, _| u))),
                Signal::NewPartner if !superseded(&e.id) => Some(("partner", Some(|_, p| p))),
                _ => None,
            },
            EventData::Assessment {
                form: FormId::Walkaway,
                answers,
            } if !superseded(&e.id) => (answers.get("their_answer").and_then(Answer::as_text)
                == Some("declined"))
            .then_some(("walk-away no", any)),
            _ => None,
        };
        if let Some((what, lift)) = stop
            && !lift.is_some_and(|need| invited_after(e.at, need))
        {
            out.push(StopInForce { what, since: e.at });
        }
    }
    out
}
