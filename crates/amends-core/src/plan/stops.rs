//! The one table of what their wishes and safety close, and what lifts each (issue 12).
//!
//! A *hold* is anything about the other person that closes part of amends: their "no", a block,
//! a protective order, a new partner, dangerous harm in the history (the *stops*), or a request
//! for space, anger, silence (the *pauses*). [`HOLDS`] says, for each, its METHOD id, which
//! [`Capability`]s it closes and what [`Lift`]s it. The gates, the capabilities of the plan, the
//! app's use cases and every front end read this table; nothing else decides it.
//!
//! The decisions it encodes (DESIGN principle 1, SAFE-1, SAFE-2, SAFE-8, WA-3):
//! - a passive sign (a like, a view, word passed on) lifts nothing; it is not even contact;
//! - a stop lifts only when they get in touch directly *and* invite contact, recorded in their
//!   own words; a block needs them to have unblocked too, a new partner needs them to say that
//!   relationship has ended; violence and a protective order never lift inside amends;
//! - under a stop nothing aims at them: no contact, drafts (practice included), asks, gestures,
//!   amends offers, promises, check-ins, follow-ups, countdowns or next steps about them;
//! - a pause closes what would reach them until they get in touch directly; practice drafts and
//!   the user's own track stay open.

use jiff::Timestamp;
use serde::Serialize;

use super::facts::Facts;
use crate::event::Signal;
use crate::forms::Answer;

/// What amends can do towards the other person. Everything else (journal, self-work, the
/// moving-on path, help) is the user's own track and is never closed by a hold.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Contact the user starts, on any channel (NC-1).
    Contact,
    /// Marking a draft as sent.
    SendDraft,
    /// Writing a draft to them at all, even as practice.
    PracticeDraft,
    /// Asking for another chance (RC-7).
    Ask,
    /// Gifts and kind gestures (KG-*).
    Gesture,
    /// Recording an amends request to work on (AM-2).
    AmendsOffer,
    /// Making a new promise to them (TR-3).
    Promise,
    /// Agreed check-ins and their calendar dates (TR-5).
    CheckIn,
    /// The optional follow-up about a month after re-entry (TR-8, C9).
    FollowUp,
    /// Day counts towards a date when something opens (NC-2, SAFE-5, PP-3).
    Countdown,
    /// Next steps that involve them (their questions, amends, check-ins).
    StepsAboutThem,
}

impl Capability {
    pub const ALL: [Capability; 11] = [
        Capability::Contact,
        Capability::SendDraft,
        Capability::PracticeDraft,
        Capability::Ask,
        Capability::Gesture,
        Capability::AmendsOffer,
        Capability::Promise,
        Capability::CheckIn,
        Capability::FollowUp,
        Capability::Countdown,
        Capability::StepsAboutThem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Contact => "contact",
            Capability::SendDraft => "send-draft",
            Capability::PracticeDraft => "practice-draft",
            Capability::Ask => "ask",
            Capability::Gesture => "gesture",
            Capability::AmendsOffer => "amends-offer",
            Capability::Promise => "promise",
            Capability::CheckIn => "check-in",
            Capability::FollowUp => "follow-up",
            Capability::Countdown => "countdown",
            Capability::StepsAboutThem => "steps-about-them",
        }
    }

    /// What it is, for a sentence that says it is closed.
    pub fn describe(self) -> &'static str {
        match self {
            Capability::Contact => "getting in touch",
            Capability::SendDraft => "marking a message as sent",
            Capability::PracticeDraft => "writing drafts to them",
            Capability::Ask => "asking for another chance",
            Capability::Gesture => "gifts and gestures",
            Capability::AmendsOffer => "amends offers",
            Capability::Promise => "new promises to them",
            Capability::CheckIn => "check-ins",
            Capability::FollowUp => "the follow-up",
            Capability::Countdown => "countdowns",
            Capability::StepsAboutThem => "next steps about them",
        }
    }
}

/// Whether a hold closes everything aimed at them, for good unless lifted, or pauses what would
/// reach them until they get in touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HoldClass {
    Stop,
    Pause,
}

/// What lifts a hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Lift {
    /// Nothing inside amends.
    Never,
    /// An invitation: they got in touch directly and invited contact.
    Invitation,
    /// An invitation made after they unblocked the user.
    InvitationUnblocked,
    /// An invitation in which they say they are no longer with the new partner.
    InvitationPartnerEnded,
    /// Any direct contact they start (not a passive sign).
    TheirContact,
}

impl Lift {
    /// In plain words, for pages that explain a stop.
    pub fn describe(self) -> &'static str {
        match self {
            Lift::Never => "Nothing inside amends lifts this.",
            Lift::Invitation => {
                "Only they can change this: if they get in touch themselves and invite contact, \
                 you can record that, with what they said."
            }
            Lift::InvitationUnblocked => {
                "Only they can change this: if they unblock you, get in touch themselves and \
                 invite contact, you can record that, with what they said."
            }
            Lift::InvitationPartnerEnded => {
                "Only they can change this: if they get in touch themselves, invite contact and \
                 tell you that relationship has ended, you can record that, with what they said."
            }
            Lift::TheirContact => "It lifts when they get in touch with you directly.",
        }
    }
}

/// Every hold amends knows.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Hold {
    /// SAFE-8: the user was the one harmed.
    UserHarmed,
    /// SAFE-2: dangerous harm in the history.
    Danger,
    /// SAFE-1: a legal or protective order.
    ProtectiveOrder,
    /// SAFE-1: the walk-away check recorded their "no".
    WalkawayNo,
    /// SAFE-1: they said no.
    Declined,
    /// SAFE-1: they asked for no contact.
    AskedNoContact,
    /// SAFE-1: they blocked the user.
    Blocked,
    /// WA-3: a new partner.
    NewPartner,
    /// WA-3: the walk-away check noted they have moved on.
    MovedOn,
    /// WA-5: absorbed in a major change of life.
    MajorLifeChange,
    /// RC-10: they asked for space.
    AskedForSpace,
    /// WA-2, C11: they were angry.
    Angry,
    /// WA-1: they won't talk about it.
    UnwillingToTalk,
    /// WA-4: the walk-away check noted signs that contact is unwelcome.
    Unwelcome,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HoldRule {
    pub hold: Hold,
    pub class: HoldClass,
    pub method: &'static str,
    pub closes: &'static [Capability],
    pub lifted_by: Lift,
}

/// Everything aimed at them.
const ALL: &[Capability] = &Capability::ALL;

/// What a pause closes: whatever would reach them. Practice drafts, amends records they asked
/// for and the user's own track stay open; a countdown is not a nudge while its date is real.
const REACHING_THEM: &[Capability] = &[
    Capability::Contact,
    Capability::SendDraft,
    Capability::Ask,
    Capability::Gesture,
    Capability::Promise,
    Capability::CheckIn,
    Capability::FollowUp,
];

/// The table. Order is the order reasons are listed in.
pub const HOLDS: &[HoldRule] = &[
    HoldRule {
        hold: Hold::UserHarmed,
        class: HoldClass::Stop,
        method: "SAFE-8",
        closes: ALL,
        lifted_by: Lift::Never,
    },
    HoldRule {
        hold: Hold::Danger,
        class: HoldClass::Stop,
        method: "SAFE-2",
        closes: ALL,
        lifted_by: Lift::Never,
    },
    HoldRule {
        hold: Hold::ProtectiveOrder,
        class: HoldClass::Stop,
        method: "SAFE-1",
        closes: ALL,
        lifted_by: Lift::Never,
    },
    HoldRule {
        hold: Hold::WalkawayNo,
        class: HoldClass::Stop,
        method: "SAFE-1",
        closes: ALL,
        lifted_by: Lift::Invitation,
    },
    HoldRule {
        hold: Hold::Declined,
        class: HoldClass::Stop,
        method: "SAFE-1",
        closes: ALL,
        lifted_by: Lift::Invitation,
    },
    HoldRule {
        hold: Hold::AskedNoContact,
        class: HoldClass::Stop,
        method: "SAFE-1",
        closes: ALL,
        lifted_by: Lift::Invitation,
    },
    HoldRule {
        hold: Hold::Blocked,
        class: HoldClass::Stop,
        method: "SAFE-1",
        closes: ALL,
        lifted_by: Lift::InvitationUnblocked,
    },
    HoldRule {
        hold: Hold::NewPartner,
        class: HoldClass::Stop,
        method: "WA-3",
        closes: ALL,
        lifted_by: Lift::InvitationPartnerEnded,
    },
    HoldRule {
        hold: Hold::MovedOn,
        class: HoldClass::Stop,
        method: "WA-3",
        closes: ALL,
        lifted_by: Lift::Invitation,
    },
    HoldRule {
        hold: Hold::MajorLifeChange,
        class: HoldClass::Pause,
        method: "WA-5",
        closes: REACHING_THEM,
        lifted_by: Lift::TheirContact,
    },
    HoldRule {
        hold: Hold::Unwelcome,
        class: HoldClass::Pause,
        method: "WA-4",
        closes: REACHING_THEM,
        lifted_by: Lift::TheirContact,
    },
    HoldRule {
        hold: Hold::AskedForSpace,
        class: HoldClass::Pause,
        method: "RC-10",
        closes: REACHING_THEM,
        lifted_by: Lift::TheirContact,
    },
    HoldRule {
        hold: Hold::Angry,
        class: HoldClass::Pause,
        method: "WA-2",
        closes: REACHING_THEM,
        lifted_by: Lift::TheirContact,
    },
    HoldRule {
        hold: Hold::UnwillingToTalk,
        class: HoldClass::Pause,
        method: "WA-1",
        closes: REACHING_THEM,
        lifted_by: Lift::TheirContact,
    },
];

impl Hold {
    /// This hold's row of [`HOLDS`].
    pub fn rule(self) -> &'static HoldRule {
        // Every hold has exactly one row (the test `every_hold_has_one_row` proves it); the
        // fallback is never taken.
        HOLDS.iter().find(|r| r.hold == self).unwrap_or(&HOLDS[0])
    }

    pub fn is_stop(self) -> bool {
        self.rule().class == HoldClass::Stop
    }

    pub fn closes(self, c: Capability) -> bool {
        self.rule().closes.contains(&c)
    }

    /// The hold a signal of theirs starts, if any.
    pub fn from_signal(s: Signal) -> Option<Hold> {
        Some(match s {
            Signal::ProtectiveOrder => Hold::ProtectiveOrder,
            Signal::Declined => Hold::Declined,
            Signal::AskedNoContact => Hold::AskedNoContact,
            Signal::Blocked => Hold::Blocked,
            Signal::NewPartner => Hold::NewPartner,
            Signal::MajorLifeChange => Hold::MajorLifeChange,
            Signal::AskedForSpace => Hold::AskedForSpace,
            Signal::Angry => Hold::Angry,
            Signal::UnwillingToTalk => Hold::UnwillingToTalk,
            Signal::FriendsOnly
            | Signal::WarmReply
            | Signal::AgreedToTalk
            | Signal::AgreedToTryAgain
            | Signal::AgreedToCheckIns
            | Signal::AskedForExplanation => return None,
        })
    }
}

/// A hold in force at the plan's moment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ActiveHold {
    pub hold: Hold,
    pub class: HoldClass,
    pub method: &'static str,
    /// When it began, where a moment is recorded (danger from the intake has one too).
    #[schemars(with = "Option<crate::schema::Time>")]
    pub since: Option<Timestamp>,
    pub lifted_by: Lift,
}

impl ActiveHold {
    fn new(hold: Hold, since: Option<Timestamp>) -> Self {
        let rule = hold.rule();
        ActiveHold {
            hold,
            class: rule.class,
            method: rule.method,
            since,
            lifted_by: rule.lifted_by,
        }
    }
}

impl Facts {
    /// Whether something recorded at `t` has been lifted, by the table's rule `lift`.
    pub fn lifted(&self, t: Timestamp, lift: Lift) -> bool {
        let invited = |ok: fn(&super::facts::InvitationFact) -> bool| {
            self.invitations.iter().any(|i| i.at > t && ok(i))
        };
        match lift {
            Lift::Never => false,
            Lift::Invitation => invited(|_| true),
            Lift::InvitationUnblocked => invited(|i| i.unblocked),
            Lift::InvitationPartnerEnded => invited(|i| i.partner_ended),
            Lift::TheirContact => self.contact_in_after(t),
        }
    }

    /// Every hold in force, in the table's order; for a hold recorded several times, the
    /// latest that still holds.
    pub fn holds(&self) -> Vec<ActiveHold> {
        let mut found: Vec<ActiveHold> = Vec::new();
        let mut add = |hold: Hold, since: Option<Timestamp>| {
            if !self.lifted_or_never(hold, since) {
                match found.iter_mut().find(|h| h.hold == hold) {
                    Some(h) => h.since = h.since.max(since),
                    None => found.push(ActiveHold::new(hold, since)),
                }
            }
        };
        if !self.harmed.is_empty() {
            add(Hold::UserHarmed, self.danger_since);
        }
        if !self.danger.is_empty() {
            add(Hold::Danger, self.danger_since);
        }
        for &(t, s) in &self.signals {
            if let Some(h) = Hold::from_signal(s) {
                add(h, Some(t));
            }
        }
        for &t in &self.walkaway_no {
            add(Hold::WalkawayNo, Some(t));
        }
        // The latest walk-away check stands for their signs it noted (WA-3, WA-4, WA-5).
        if let Some((t, ref answers)) = self.walkaway {
            let yes = |id: &str| answers.get(id).and_then(Answer::as_text) == Some("yes");
            if yes("moved_on") {
                add(Hold::MovedOn, Some(t));
            }
            if yes("unwelcome") {
                add(Hold::Unwelcome, Some(t));
            }
            if yes("life_changes") {
                add(Hold::MajorLifeChange, Some(t));
            }
        }
        found.sort_by_key(|h| HOLDS.iter().position(|r| r.hold == h.hold));
        found
    }

    fn lifted_or_never(&self, hold: Hold, since: Option<Timestamp>) -> bool {
        match since {
            Some(t) => self.lifted(t, hold.rule().lifted_by),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hold_has_one_row() {
        let all = [
            Hold::UserHarmed,
            Hold::Danger,
            Hold::ProtectiveOrder,
            Hold::WalkawayNo,
            Hold::Declined,
            Hold::AskedNoContact,
            Hold::Blocked,
            Hold::NewPartner,
            Hold::MovedOn,
            Hold::MajorLifeChange,
            Hold::AskedForSpace,
            Hold::Angry,
            Hold::UnwillingToTalk,
            Hold::Unwelcome,
        ];
        assert_eq!(all.len(), HOLDS.len());
        for h in all {
            assert_eq!(HOLDS.iter().filter(|r| r.hold == h).count(), 1, "{h:?}");
        }
    }

    #[test]
    fn stops_close_everything_and_violence_never_lifts() {
        for r in HOLDS.iter().filter(|r| r.class == HoldClass::Stop) {
            assert_eq!(r.closes, ALL, "{:?}", r.hold);
            assert_ne!(r.lifted_by, Lift::TheirContact, "{:?}", r.hold);
        }
        for h in [Hold::Danger, Hold::UserHarmed, Hold::ProtectiveOrder] {
            assert_eq!(h.rule().lifted_by, Lift::Never);
        }
        assert_eq!(Hold::Blocked.rule().lifted_by, Lift::InvitationUnblocked);
        assert_eq!(
            Hold::NewPartner.rule().lifted_by,
            Lift::InvitationPartnerEnded
        );
    }

    #[test]
    fn pauses_close_what_reaches_them_and_leave_practice_open() {
        for r in HOLDS.iter().filter(|r| r.class == HoldClass::Pause) {
            assert!(r.closes.contains(&Capability::Contact));
            assert!(r.closes.contains(&Capability::Promise));
            assert!(!r.closes.contains(&Capability::PracticeDraft));
            assert_eq!(r.lifted_by, Lift::TheirContact);
        }
    }

    #[test]
    fn every_signal_that_is_a_stop_sign_starts_a_hold() {
        for &s in Signal::ALL {
            if s.is_stop() {
                assert!(Hold::from_signal(s).is_some(), "{s:?}");
            }
        }
    }
}
