//! The words a screen uses for the method's vocabularies: each signal, passive sign, kind of
//! draft and gate, in the user's words, with the METHOD ids behind them.

use amends_core::{DraftKind, GateId, Passive, Signal};

/// What each signal means, in the user's words.
pub fn signal(s: Signal) -> &'static str {
    match s {
        Signal::AskedForSpace => "They asked for time or space",
        Signal::AskedNoContact => "They asked me not to contact them",
        Signal::Blocked => "They blocked me",
        Signal::ProtectiveOrder => "There is a legal or protective order",
        Signal::NewPartner => "They have a new partner",
        Signal::MajorLifeChange => {
            "They are going through a big change (a move, a loss, a new job)"
        }
        Signal::Angry => "They are angry with me",
        Signal::UnwillingToTalk => "They won't talk about it",
        Signal::Declined => "They said no",
        Signal::FriendsOnly => "They want friendship only",
        Signal::WarmReply => "They replied warmly",
        Signal::AgreedToTalk => "They agreed to talk",
        Signal::AgreedToTryAgain => "They agreed to try again",
        Signal::AgreedToCheckIns => "They agreed to regular check-ins",
        Signal::AskedForExplanation => "They asked me to explain what happened",
    }
}

/// What each passive sign is, in the user's words.
pub fn passive(p: Passive) -> &'static str {
    match p {
        Passive::Like => "They liked something of mine",
        Passive::Reaction => "They reacted to something of mine",
        Passive::StoryView => "They viewed my story or profile",
        Passive::Follow => "They followed me or accepted a request",
        Passive::PassedOn => "Someone passed on something they said",
        Passive::Seen => "I saw them somewhere by chance",
    }
}

/// The name of a kind of draft.
pub fn draft_kind(kind: DraftKind) -> &'static str {
    match kind {
        DraftKind::First => "First message",
        DraftKind::Apology => "Apology",
        DraftKind::Email => "Letter",
        DraftKind::Ask => "Asking for a chance",
        DraftKind::Gift => "Gift note",
    }
}

/// What each kind of draft is for, in our words, with the METHOD ids behind it.
pub fn draft_intro(kind: DraftKind) -> &'static str {
    match kind {
        DraftKind::First => {
            "The first message after no contact: short and light, a good memory or a kind wish, and no question they must answer (RC-3, L-26). Nothing about the relationship yet."
        }
        DraftKind::Apology => {
            "Name what you did and what it did to them, say you are sorry and that it was your doing, and what you are changing. No excuses, no \"but\" (AP-2 to AP-11)."
        }
        DraftKind::Email => {
            "The longer letter, only if they said they would like one: why it happened, what was going on in you, and what you have changed, without retelling the hurt (EM-1 to EM-6)."
        }
        DraftKind::Ask => {
            "Only if the conversation is going well: what you hope for, said plainly, with room for them to hesitate or say no, and your self-work going on either way (RC-7 to RC-9)."
        }
        DraftKind::Gift => {
            "A note with a small, welcome gesture: light and kind, with no request, no guilt and no mention of the hurt (KG-6, L-27)."
        }
    }
}

/// The title of a gate.
pub fn gate_title(gate: GateId) -> &'static str {
    match gate {
        GateId::Outreach => "Getting in touch",
        GateId::Composer => "Writing a message to send",
        GateId::Ask => "Asking for another chance",
        GateId::Gestures => "Amends and kind gestures",
    }
}

/// What an open gate allows. SAFE-6: an open gate is permission, never a prompt.
pub fn gate_open(gate: GateId) -> &'static str {
    match gate {
        GateId::Outreach => {
            "Nothing in the method stands in the way. That is not a reason to reach out: whether and when is yours to weigh, and theirs to answer."
        }
        GateId::Composer => {
            "You can draft messages and have each one checked before you decide anything."
        }
        GateId::Ask => {
            "If the conversation is going well, asking is possible. Their answer is theirs to give."
        }
        GateId::Gestures => "Small, welcome gestures and the amends they asked for are possible.",
    }
}
