//! What the user records. Each variant is one kind of event; its serde tag is the `kind` stored
//! next to the sealed payload, so renaming a tag is a data migration.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::forms::{Answer, FormId};

/// Who the other person is to the user (GO-12: the wording adjusts to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    Partner,
    Spouse,
    Friend,
    Family,
}

impl Relationship {
    pub const ALL: [Relationship; 4] = [
        Relationship::Partner,
        Relationship::Spouse,
        Relationship::Friend,
        Relationship::Family,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Partner => "partner",
            Relationship::Spouse => "spouse",
            Relationship::Friend => "friend",
            Relationship::Family => "family",
        }
    }
}

impl std::str::FromStr for Relationship {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Relationship::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!("unknown relationship {s:?}; use one of: partner, spouse, friend, family")
            })
    }
}

/// A closed vocabulary that the command line and JSON spell in kebab case. Parsing an unknown
/// word lists the valid ones, so a typo is never stored as something else.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Every valid spelling, comma-separated, for error messages and help.
            pub fn valid() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        /// The words, in the order `ALL` lists them (the API's document and its messages).
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                schemars::json_schema!({ "type": "string", "enum": words })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| format!("unknown {} {s:?}; use one of: {}", $what, Self::valid()))
            }
        }
    };
}

vocabulary! {
    /// Who started a contact.
    Direction, "direction" {
        /// The user reached them. Every kind counts, likes and reactions included (NC-1).
        Out => "out",
        /// They reached the user.
        In => "in",
    }
}

vocabulary! {
    /// How a contact happened (NC-1: every channel counts, likes and reactions too).
    Channel, "channel" {
        Text => "text",
        Call => "call",
        Email => "email",
        /// Social media, likes and reactions included.
        Social => "social",
        InPerson => "in-person",
        Gift => "gift",
    }
}

vocabulary! {
    /// What the other person showed or said. The names are a stable contract on the command line
    /// and in JSON.
    Signal, "signal" {
        /// RC-10: honoured until they get in touch.
        AskedForSpace => "asked-for-space",
        /// SAFE-1: final.
        AskedNoContact => "asked-no-contact",
        /// SAFE-1: final.
        Blocked => "blocked",
        /// SAFE-1: final, and never lifted while it exists.
        ProtectiveOrder => "protective-order",
        /// WA-3: locks at once.
        NewPartner => "new-partner",
        /// WA-5: locks at once.
        MajorLifeChange => "major-life-change",
        /// WA-2, C11: pauses outreach.
        Angry => "angry",
        /// WA-1: pauses outreach and suggests the walk-away assessment.
        UnwillingToTalk => "unwilling-to-talk",
        /// SAFE-1, WA-6: a "no" is final.
        Declined => "declined",
        /// WA-6: friendship only; asking for more stays off.
        FriendsOnly => "friends-only",
        WarmReply => "warm-reply",
        AgreedToTalk => "agreed-to-talk",
        /// TR-8: re-entry.
        AgreedToTryAgain => "agreed-to-try-again",
        /// TR-5: switches on the fortnightly check-in.
        AgreedToCheckIns => "agreed-to-check-ins",
        /// C3: they asked for an explanation. Only then may the long letter (`email`) be sent.
        AskedForExplanation => "asked-for-explanation",
    }
}

impl Signal {
    /// SAFE-1: a "no" that only they can lift, by starting contact themselves.
    pub fn is_final_no(self) -> bool {
        matches!(
            self,
            Signal::AskedNoContact | Signal::Blocked | Signal::Declined | Signal::ProtectiveOrder
        )
    }

    /// A sign that they are engaging warmly (C10: the only state in which a cadence applies).
    pub fn is_warm(self) -> bool {
        matches!(
            self,
            Signal::WarmReply
                | Signal::AgreedToTalk
                | Signal::AgreedToTryAgain
                | Signal::AgreedToCheckIns
                | Signal::AskedForExplanation
        )
    }

    /// Signs that contact is unwelcome for now or for good (WA-1 to WA-6, RC-10, SAFE-1).
    pub fn is_stop(self) -> bool {
        !self.is_warm() && self != Signal::FriendsOnly
    }
}

vocabulary! {
    /// A sign from them that asks nothing and expects no reply: it is logged as what it is and
    /// changes no gate. It never lifts a stop and never answers an unanswered message (SAFE-1,
    /// SAFE-5; the consent-lock decision of issue 12).
    Passive, "passive sign" {
        /// A like on something the user posted.
        Like => "like",
        /// An emoji reaction.
        Reaction => "reaction",
        /// They viewed a story or a profile.
        StoryView => "story-view",
        /// A follow or a friend request accepted.
        Follow => "follow",
        /// Something they said, passed on by someone else.
        PassedOn => "passed-on",
        /// The user saw them somewhere, by chance.
        Seen => "seen",
    }
}

impl Channel {
    /// Channels that a direct contact can come by: a message, a call, a letter, a meeting. A
    /// gift is not a direct contact (NC-1 still logs it).
    pub fn is_direct(self) -> bool {
        !matches!(self, Channel::Gift)
    }
}

vocabulary! {
    /// A self-work tracker (SI-1 to SI-9, DMG-9).
    HabitKind, "habit" {
        /// SI-3: hours slept last night.
        Sleep => "sleep",
        /// SI-2: one session, value in minutes.
        Exercise => "exercise",
        /// SI-1: nutritious meals eaten that day.
        Meals => "meals",
        /// SI-7: one hobby or class session.
        Hobby => "hobby",
        /// SI-8: time with friends or family; value is how many people or meetings.
        Social => "social",
        /// SI-4: one therapy, counselling or coaching session.
        Therapy => "therapy",
        /// SI-9: a concrete step, described in the note.
        Step => "step",
        /// DMG-9: practising a prevention plan; the note or `plan` says which.
        Practice => "practice",
    }
}

impl HabitKind {
    /// The unit the value is given in, for prompts and errors.
    pub fn unit(self) -> &'static str {
        match self {
            HabitKind::Sleep => "hours",
            HabitKind::Exercise => "minutes",
            HabitKind::Meals => "meals",
            HabitKind::Social => "contacts",
            HabitKind::Hobby | HabitKind::Therapy | HabitKind::Practice => "sessions",
            HabitKind::Step => "steps",
        }
    }

    /// The largest believable value for one entry. Above it the entry is refused, not clipped.
    pub fn max_value(self) -> f64 {
        match self {
            HabitKind::Sleep => 20.0,
            HabitKind::Exercise => 600.0,
            HabitKind::Meals => 10.0,
            HabitKind::Social => 50.0,
            HabitKind::Hobby | HabitKind::Therapy | HabitKind::Practice | HabitKind::Step => 10.0,
        }
    }
}

vocabulary! {
    /// Message types of the composer (METHOD: FIRST, APOL, EMAIL, ASK, GIFT).
    DraftKind, "draft kind" {
        First => "first",
        Apology => "apology",
        Email => "email",
        Ask => "ask",
        Gift => "gift",
    }
}

vocabulary! {
    /// What happened to a promise (TR-3).
    PromiseOutcome, "promise outcome" {
        Kept => "kept",
        Broken => "broken",
        /// Agreed anew with them, usually with a new due date; the promise stays open.
        Renegotiated => "renegotiated",
    }
}

vocabulary! {
    /// Where an amends item stands (AM-2).
    AmendsStatus, "amends status" {
        Open => "open",
        InProgress => "in-progress",
        Done => "done",
        /// C8, SAFE-9: declined honestly because it is unaffordable, illegal or unsafe.
        DeclinedHonestly => "declined-honestly",
        /// They withdrew the request.
        Withdrawn => "withdrawn",
    }
}

vocabulary! {
    /// No-contact slips that are not a message (SAFE-7: watching them counts).
    SlipKind, "slip" {
        CheckedProfile => "checked-profile",
        WentWhereTheyAre => "went-where-they-are",
        AskedAboutThem => "asked-about-them",
        Other => "other",
    }
}

vocabulary! {
    /// Dangerous harm (SAFE-2, SAFE-8). Any of these in the history stops the re-contact track.
    Danger, "kind of harm" {
        PhysicalViolence => "physical-violence",
        SexualViolence => "sexual-violence",
        Threats => "threats",
        Stalking => "stalking",
        Monitoring => "monitoring",
        CoerciveControl => "coercive-control",
        /// They are afraid of the user.
        Fear => "fear",
    }
}

vocabulary! {
    /// A three-way answer for the workbook's yes/no questions.
    YesNoUnsure, "answer" {
        Yes => "yes",
        No => "no",
        Unsure => "unsure",
    }
}

/// SAFE-9, AM-3: the user's own check on an amends request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Bounds {
    pub affordable: bool,
    pub legal: bool,
    pub safe: bool,
}

impl Bounds {
    pub const OK: Bounds = Bounds {
        affordable: true,
        legal: true,
        safe: true,
    };

    pub fn within(&self) -> bool {
        self.affordable && self.legal && self.safe
    }
}

/// Per-user settings that tune METHOD defaults (never a SAFE rule).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
#[schemars(deny_unknown_fields)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct Settings {
    /// SI-2: exercise sessions a week.
    #[cfg_attr(feature = "clap", arg(long))]
    pub exercise_per_week: Option<f64>,
    /// SI-7: hobby sessions a week.
    #[cfg_attr(feature = "clap", arg(long))]
    pub hobby_per_week: Option<f64>,
    /// SI-8: social contacts a week.
    #[cfg_attr(feature = "clap", arg(long))]
    pub social_per_week: Option<f64>,
    /// SI-4: therapy sessions a week.
    #[cfg_attr(feature = "clap", arg(long))]
    pub therapy_per_week: Option<f64>,
    /// SI-1: nutritious meals a day.
    #[cfg_attr(feature = "clap", arg(long))]
    pub meals_per_day: Option<f64>,
    /// L-21, KG-3: the most a gesture should cost, in the user's currency.
    #[cfg_attr(feature = "clap", arg(long))]
    pub gesture_cost_limit: Option<f64>,
    /// Habits the user wants a calendar reminder for (never a reminder to reach out, SAFE-6).
    // On the command line these are `--remind` and `--no-reminders` (see the CLI's settings).
    #[cfg_attr(feature = "clap", arg(skip))]
    pub reminders: Option<Vec<HabitKind>>,
}

/// One recorded event, as the core sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// When it happened (the user may log it late).
    pub at: Timestamp,
    /// When it was written down.
    pub recorded_at: Timestamp,
    /// The event this one corrects; the corrected event no longer counts.
    pub supersedes: Option<String>,
    pub data: EventData,
}

/// The answers to one questionnaire, by question id.
pub type Answers = BTreeMap<String, Answer>;

/// The kinds of entry the workbook writes ([`crate::forms::workbook_event`]), as a pattern, so
/// a `match` that treats them alike lists them once and stays exhaustive: a new workbook kind
/// goes here, and every such `match` then handles it.
#[macro_export]
macro_rules! workbook_entry {
    () => {
        $crate::EventData::WorkbookAct { .. }
            | $crate::EventData::WorkbookLoss { .. }
            | $crate::EventData::WorkbookWhy { .. }
            | $crate::EventData::WorkbookAgain { .. }
            | $crate::EventData::WorkbookRespect { .. }
            | $crate::EventData::WorkbookPrevention { .. }
            | $crate::EventData::WorkbookFailures { .. }
            | $crate::EventData::TheirPart { .. }
    };
}

/// The payload of an event. The tag is the stored `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[schemars(rename = "Entry", deny_unknown_fields)]
pub enum EventData {
    /// MO-2: a private journal entry. It has no send function, anywhere.
    Journal { text: String },
    /// A completed questionnaire: intake (GO-*), walk-away (WA-*), readiness (RC-1, RC-2),
    /// the MO-4 reflection or a conversation self-review (LS-4, LS-5).
    Assessment { form: FormId, answers: Answers },
    /// DMG-1 to DMG-3: one thing the user did, its impact, the feelings it caused, and their
    /// side of it. These rows are the source the composer pre-fills an apology from (AP-3).
    WorkbookAct {
        act: String,
        impact: String,
        feelings: Vec<String>,
        their_shoes: String,
        /// How many times it happened, if the user counted (fills L-13's minimiser check).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        times: Option<u32>,
        /// SAFE-2: whether it involved dangerous harm.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        danger: Vec<Danger>,
    },
    /// DMG-4: what they lost.
    WorkbookLoss { text: String },
    /// DMG-6: the need behind the act, and the need behind that one. The explanatory letter
    /// draws its "why" from here (EM-1).
    WorkbookWhy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        act: Option<String>,
        chain: Vec<String>,
    },
    /// DMG-7: could it happen again?
    WorkbookAgain {
        answer: YesNoUnsure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// DMG-8: does the user respect them?
    WorkbookRespect {
        answer: YesNoUnsure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// DMG-9: the plan for one behaviour; each can become a habit.
    WorkbookPrevention {
        behaviour: String,
        plan: String,
        #[serde(default)]
        habit: bool,
    },
    /// DMG-10: where exactly the user failed them.
    WorkbookFailures { text: String },
    /// C7, EM-4, SAFE-10: private notes on their share. Never exported, never in a draft.
    TheirPart { text: String },
    /// A contact, either way (NC-1: every channel counts).
    Contact {
        dir: Direction,
        channel: Channel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// What they showed or said.
    Signal {
        signal: Signal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A passive sign from them (a like, a view, word passed on): no reply expected, no gate
    /// changes (issue 12).
    Passive {
        what: Passive,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// SAFE-1: they got in touch directly and invited contact, in their own words. It is the
    /// only thing that lifts a "no" or a no-contact request; a block only when they also
    /// unblocked, a new partner (WA-3) only when they said that relationship has ended.
    /// Violence (SAFE-2, SAFE-8) and a protective order never lift inside amends.
    Invitation {
        /// How they got in touch (a direct channel, not a gift).
        channel: Channel,
        /// What they said, in their words.
        words: String,
        #[serde(default)]
        unblocked: bool,
        #[serde(default)]
        partner_ended: bool,
    },
    /// SAFE-7: a no-contact slip that was not a message, such as checking their profile.
    Slip {
        what: SlipKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// NC-6: an urge to reach out, and what the user did instead.
    Urge {
        intensity: u8,
        instead: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// SI-1 to SI-9, DMG-9: one self-work entry.
    Habit {
        habit: HabitKind,
        value: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// The prevention plan (event id) this practises, for DMG-9.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
    },
    /// TR-3, TR-4: a promise, in the user's words.
    PromiseMade {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Option<crate::schema::Time>")]
        due: Option<Timestamp>,
    },
    /// TR-3: what became of a promise (by the id of its `promise-made` event).
    PromiseUpdate {
        promise: String,
        outcome: PromiseOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Option<crate::schema::Time>")]
        due: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// TR-5: a check-in they agreed to.
    CheckIn {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// AM-2, AM-3, SAFE-9: what they asked for, in their words.
    AmendsItem { request: String, bounds: Bounds },
    /// AM-2: progress on an amends item (by the id of its `amends-item` event).
    AmendsUpdate {
        item: String,
        status: AmendsStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// KG-1, KG-3: a kind gesture, which is also outbound contact.
    Gesture {
        what: String,
        cost: f64,
        /// KG-1: the preference of theirs it answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preference: Option<String>,
    },
    /// A draft kept for later; never sent from here.
    DraftSaved { draft: DraftKind, text: String },
    /// A draft the user sent themselves. It is outbound contact.
    DraftSent {
        draft: DraftKind,
        channel: Channel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// LS-6 to LS-8: what they said they need, in their words.
    TheirNeed { text: String },
    /// LS-1: a question they asked, and whether it has been answered.
    TheirQuestion { text: String, answered: bool },
    /// Settings that tune METHOD defaults.
    Settings { settings: Settings },
}

impl EventData {
    /// The stored kind, the same string serde writes as the tag.
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::Journal { .. } => "journal",
            EventData::Assessment { .. } => "assessment",
            EventData::WorkbookAct { .. } => "workbook-act",
            EventData::WorkbookLoss { .. } => "workbook-loss",
            EventData::WorkbookWhy { .. } => "workbook-why",
            EventData::WorkbookAgain { .. } => "workbook-again",
            EventData::WorkbookRespect { .. } => "workbook-respect",
            EventData::WorkbookPrevention { .. } => "workbook-prevention",
            EventData::WorkbookFailures { .. } => "workbook-failures",
            EventData::TheirPart { .. } => "their-part",
            EventData::Contact { .. } => "contact",
            EventData::Signal { .. } => "signal",
            EventData::Passive { .. } => "passive",
            EventData::Invitation { .. } => "invitation",
            EventData::Slip { .. } => "slip",
            EventData::Urge { .. } => "urge",
            EventData::Habit { .. } => "habit",
            EventData::PromiseMade { .. } => "promise-made",
            EventData::PromiseUpdate { .. } => "promise-update",
            EventData::CheckIn { .. } => "check-in",
            EventData::AmendsItem { .. } => "amends-item",
            EventData::AmendsUpdate { .. } => "amends-update",
            EventData::Gesture { .. } => "gesture",
            EventData::DraftSaved { .. } => "draft-saved",
            EventData::DraftSent { .. } => "draft-sent",
            EventData::TheirNeed { .. } => "their-need",
            EventData::TheirQuestion { .. } => "their-question",
            EventData::Settings { .. } => "settings",
        }
    }

    /// A short heading for exports and lists.
    pub fn title(&self) -> &'static str {
        match self {
            EventData::Journal { .. } => "Journal",
            EventData::Assessment { form, .. } => form.title(),
            EventData::WorkbookAct { .. } => "Workbook: what I did",
            EventData::WorkbookLoss { .. } => "Workbook: what they lost",
            EventData::WorkbookWhy { .. } => "Workbook: why I did it",
            EventData::WorkbookAgain { .. } => "Workbook: could it happen again",
            EventData::WorkbookRespect { .. } => "Workbook: respect",
            EventData::WorkbookPrevention { .. } => "Workbook: prevention plan",
            EventData::WorkbookFailures { .. } => "Workbook: where I failed them",
            EventData::TheirPart { .. } => "Private note on their part",
            EventData::Contact {
                dir: Direction::Out,
                ..
            } => "Contact I started",
            EventData::Contact {
                dir: Direction::In, ..
            } => "Contact they started",
            EventData::Signal { .. } => "Their signal",
            EventData::Passive { .. } => "A passive sign (no reply expected)",
            EventData::Invitation { .. } => "They invited contact",
            EventData::Slip { .. } => "No-contact slip",
            EventData::Urge { .. } => "Urge resisted",
            EventData::Habit { .. } => "Self-work",
            EventData::PromiseMade { .. } => "Promise made",
            EventData::PromiseUpdate { .. } => "Promise update",
            EventData::CheckIn { .. } => "Check-in",
            EventData::AmendsItem { .. } => "Amends requested",
            EventData::AmendsUpdate { .. } => "Amends update",
            EventData::Gesture { .. } => "Kind gesture",
            EventData::DraftSaved { .. } => "Draft saved",
            EventData::DraftSent { .. } => "Message sent",
            EventData::TheirNeed { .. } => "What they need",
            EventData::TheirQuestion { .. } => "Their question",
            EventData::Settings { .. } => "Settings",
        }
    }

    /// The event in plain words, for exports. May span several lines.
    pub fn describe(&self) -> String {
        let with_note = |head: String, note: &Option<String>| match note {
            Some(n) if !n.trim().is_empty() => format!("{head}\n{n}"),
            _ => head,
        };
        match self {
            EventData::Journal { text } | EventData::TheirNeed { text } => text.clone(),
            EventData::Assessment { form, answers } => {
                let mut out = Vec::new();
                for (id, answer) in answers {
                    let prompt = form
                        .form()
                        .question(id)
                        .map(|q| q.prompt)
                        .unwrap_or(id.as_str());
                    out.push(format!("{prompt}: {answer}"));
                }
                out.join("\n")
            }
            // Read as the workbook's rows are: its answers under their short labels.
            crate::workbook_entry!() => crate::forms::workbook_text(self).unwrap_or_default(),
            EventData::Contact { dir, channel, note } => {
                let head = match dir {
                    Direction::Out => format!("I contacted them ({channel})"),
                    Direction::In => format!("They contacted me ({channel})"),
                };
                with_note(head, note)
            }
            EventData::Signal { signal, note } => with_note(signal.to_string(), note),
            EventData::Passive { what, note } => {
                with_note(format!("{what} (no reply expected; changes nothing)"), note)
            }
            EventData::Invitation {
                channel,
                words,
                unblocked,
                partner_ended,
            } => {
                let mut out =
                    format!("They got in touch ({channel}) and invited contact:\n{words}");
                if *unblocked {
                    out.push_str("\n(they unblocked you)");
                }
                if *partner_ended {
                    out.push_str("\n(they said they are no longer with their new partner)");
                }
                out
            }
            EventData::Slip { what, note } => with_note(what.to_string(), note),
            EventData::Urge {
                intensity,
                instead,
                note,
            } => with_note(
                format!("Urge of {intensity}/10. Instead I: {instead}"),
                note,
            ),
            EventData::Habit {
                habit, value, note, ..
            } => with_note(format!("{habit}: {value} {}", habit.unit()), note),
            EventData::PromiseMade { text, due } => match due {
                Some(d) => format!("{text}\n(due {d})"),
                None => text.clone(),
            },
            EventData::PromiseUpdate {
                promise,
                outcome,
                due,
                note,
            } => {
                let mut head = format!("Promise {promise}: {outcome}");
                if let Some(d) = due {
                    head.push_str(&format!(" (now due {d})"));
                }
                with_note(head, note)
            }
            EventData::CheckIn { note } => with_note("Check-in held".into(), note),
            EventData::AmendsItem { request, bounds } => {
                if bounds.within() {
                    request.clone()
                } else {
                    format!("{request}\n(beyond what I can do safely, legally or affordably)")
                }
            }
            EventData::AmendsUpdate { item, status, note } => {
                with_note(format!("Amends {item}: {status}"), note)
            }
            EventData::Gesture {
                what,
                cost,
                preference,
            } => {
                let mut out = format!("{what} (cost {cost})");
                if let Some(p) = preference {
                    out.push_str(&format!("\nBecause they like: {p}"));
                }
                out
            }
            EventData::DraftSaved { draft, text } => format!("[{draft}]\n{text}"),
            EventData::DraftSent {
                draft,
                channel,
                text,
            } => match text {
                Some(t) => format!("[{draft}, by {channel}]\n{t}"),
                None => format!("[{draft}, by {channel}]"),
            },
            EventData::TheirQuestion { text, answered } => format!(
                "{text}\n({})",
                if *answered {
                    "answered"
                } else {
                    "not answered yet"
                }
            ),
            EventData::Settings { settings } => {
                serde_json::to_string(settings).unwrap_or_else(|_| "settings".into())
            }
        }
    }

    /// Everything the user wrote in their own words in this entry (SAFE-3, SAFE-4: each is
    /// checked for crisis and threat language, wherever it was written). Choices from a fixed
    /// list are not the user's words and are left out; free-text answers are included.
    pub fn texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        match self {
            EventData::Journal { text }
            | EventData::WorkbookLoss { text }
            | EventData::WorkbookFailures { text }
            | EventData::TheirPart { text }
            | EventData::TheirNeed { text }
            | EventData::TheirQuestion { text, .. }
            | EventData::PromiseMade { text, .. }
            | EventData::DraftSaved { text, .. } => out.push(text),
            EventData::Assessment { answers, .. } => {
                for a in answers.values() {
                    match a {
                        crate::forms::Answer::Text(t) => out.push(t),
                        crate::forms::Answer::List(l) => out.extend(l.iter().map(String::as_str)),
                        _ => {}
                    }
                }
            }
            EventData::WorkbookAct {
                act,
                impact,
                feelings,
                their_shoes,
                ..
            } => {
                out.extend([act.as_str(), impact.as_str(), their_shoes.as_str()]);
                out.extend(feelings.iter().map(String::as_str));
            }
            EventData::WorkbookWhy { act, chain } => {
                out.extend(act.as_deref());
                out.extend(chain.iter().map(String::as_str));
            }
            EventData::WorkbookAgain { note, .. }
            | EventData::WorkbookRespect { note, .. }
            | EventData::Contact { note, .. }
            | EventData::Signal { note, .. }
            | EventData::Passive { note, .. }
            | EventData::Slip { note, .. }
            | EventData::Habit { note, .. }
            | EventData::PromiseUpdate { note, .. }
            | EventData::CheckIn { note }
            | EventData::AmendsUpdate { note, .. } => out.extend(note.as_deref()),
            EventData::WorkbookPrevention {
                behaviour, plan, ..
            } => out.extend([behaviour.as_str(), plan.as_str()]),
            EventData::Urge { instead, note, .. } => {
                out.push(instead);
                out.extend(note.as_deref());
            }
            EventData::Invitation { words, .. } => out.push(words),
            EventData::AmendsItem { request, .. } => out.push(request),
            EventData::Gesture {
                what, preference, ..
            } => {
                out.push(what);
                out.extend(preference.as_deref());
            }
            EventData::DraftSent { text, .. } => out.extend(text.as_deref()),
            EventData::Settings { .. } => {}
        }
        out.retain(|t| !t.trim().is_empty());
        out
    }

    /// SAFE-10: private notes about the other person never leave the store, not even in an
    /// export the user asks for.
    pub fn exportable(&self) -> bool {
        !matches!(self, EventData::TheirPart { .. })
    }

    /// Contact the user started: a message, a call, a gesture or a sent draft (NC-1, PP-3).
    pub fn outbound_channel(&self) -> Option<Channel> {
        match self {
            EventData::Contact {
                dir: Direction::Out,
                channel,
                ..
            }
            | EventData::DraftSent { channel, .. } => Some(*channel),
            EventData::Gesture { .. } => Some(Channel::Gift),
            _ => None,
        }
    }
}

/// Drops every event that a later event supersedes, keeping order.
pub fn effective(events: &[Event]) -> Vec<&Event> {
    let superseded: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| e.supersedes.as_deref())
        .collect();
    events
        .iter()
        .filter(|e| !superseded.contains(e.id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_matches_the_serde_tag() {
        let samples = vec![
            EventData::Journal { text: "x".into() },
            EventData::Contact {
                dir: Direction::Out,
                channel: Channel::InPerson,
                note: None,
            },
            EventData::Signal {
                signal: Signal::AskedForSpace,
                note: None,
            },
            EventData::Habit {
                habit: HabitKind::Sleep,
                value: 7.5,
                note: None,
                plan: None,
            },
            EventData::TheirPart { text: "x".into() },
            EventData::DraftSent {
                draft: DraftKind::Apology,
                channel: Channel::Email,
                text: None,
            },
            EventData::Settings {
                settings: Settings::default(),
            },
        ];
        for data in samples {
            let json = serde_json::to_value(&data).unwrap();
            assert_eq!(json["kind"], data.kind());
            let back: EventData = serde_json::from_value(json).unwrap();
            assert_eq!(back, data);
        }
    }

    #[test]
    fn vocabulary_names_are_the_contract() {
        let names: Vec<&str> = Signal::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "asked-for-space",
                "asked-no-contact",
                "blocked",
                "protective-order",
                "new-partner",
                "major-life-change",
                "angry",
                "unwilling-to-talk",
                "declined",
                "friends-only",
                "warm-reply",
                "agreed-to-talk",
                "agreed-to-try-again",
                "agreed-to-check-ins",
                "asked-for-explanation",
            ]
        );
        let channels: Vec<&str> = Channel::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            channels,
            ["text", "call", "email", "social", "in-person", "gift"]
        );
        assert_eq!(
            serde_json::to_value(Signal::AskedNoContact).unwrap(),
            "asked-no-contact"
        );
    }

    #[test]
    fn unknown_words_list_the_valid_ones() {
        let err = "carrier-pigeon".parse::<Channel>().unwrap_err();
        assert!(
            err.contains("text, call, email, social, in-person, gift"),
            "{err}"
        );
        let err = "ghosted".parse::<Signal>().unwrap_err();
        assert!(err.contains("asked-for-space"), "{err}");
        assert_eq!("In_Person".parse::<Channel>().unwrap(), Channel::InPerson);
    }

    #[test]
    fn their_part_notes_are_never_exportable() {
        // SAFE-10, C7
        assert!(!EventData::TheirPart { text: "x".into() }.exportable());
        assert!(EventData::Journal { text: "x".into() }.exportable());
    }

    #[test]
    fn superseded_events_drop_out() {
        let t = Timestamp::UNIX_EPOCH;
        let ev = |id: &str, sup: Option<&str>| Event {
            id: id.into(),
            at: t,
            recorded_at: t,
            supersedes: sup.map(Into::into),
            data: EventData::Journal { text: id.into() },
        };
        let events = vec![ev("a", None), ev("b", None), ev("c", Some("a"))];
        let ids: Vec<_> = effective(&events).iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn relationships_parse_and_list_the_valid_ones_on_error() {
        assert_eq!(
            "Spouse".parse::<Relationship>().unwrap(),
            Relationship::Spouse
        );
        let err = "cousin".parse::<Relationship>().unwrap_err();
        assert!(err.contains("partner, spouse, friend, family"));
    }
}
