//! The report: the stable JSON contract of DESIGN.md ("The check output").

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the draft is for. Decides which rules run (METHOD.md, "Message linter rules").
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Kind {
    /// The first, short message after no contact (RC-3, L-26).
    First,
    /// An apology (AP-*).
    Apology,
    /// The long explanatory letter (EM-*).
    Email,
    /// Asking for another chance (RC-7..RC-9, L-24).
    Ask,
    /// The note that goes with a small kind gesture (KG-*, L-27).
    Gift,
    /// Never sent: only the safety check (L-28, SAFE-3) runs.
    Journal,
}

impl Kind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [Kind; 6] = [
        Kind::First,
        Kind::Apology,
        Kind::Email,
        Kind::Ask,
        Kind::Gift,
        Kind::Journal,
    ];

    /// The name used in JSON, on the command line and in lexicon files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::First => "first",
            Kind::Apology => "apology",
            Kind::Email => "email",
            Kind::Ask => "ask",
            Kind::Gift => "gift",
            Kind::Journal => "journal",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a string names no [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {given:?}; the kinds are first, apology, email, ask, gift, journal")]
pub struct UnknownKind {
    /// What was given.
    pub given: String,
}

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind {
                given: s.to_owned(),
            })
    }
}

/// How much a finding matters. Ordered: `Advise < Warn < Block`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A checklist hint; does not change the verdict.
    Advise,
    /// Explanation and rewrite direction; the verdict becomes `revise`.
    Warn,
    /// The draft can't be marked sent; the verdict becomes `do-not-send`.
    Block,
}

impl Severity {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advise => "advise",
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }
}

/// The overall outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No block or warn finding (advisories may remain).
    Ready,
    /// At least one warn finding and no block.
    Revise,
    /// At least one block finding.
    DoNotSend,
}

impl Verdict {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Revise => "revise",
            Verdict::DoNotSend => "do-not-send",
        }
    }
}

/// A byte range into the checked text, end-exclusive, always on char boundaries.
/// Serialised as `[start, end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "[usize; 2]", into = "[usize; 2]")]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// `[start, end]`, as serde writes it.
impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "description": "[start, end]: byte offsets into the UTF-8 text, end-exclusive, on \
                character boundaries.",
            "prefixItems": [
                { "type": "integer", "minimum": 0 },
                { "type": "integer", "minimum": 0 }
            ],
            "minItems": 2,
            "maxItems": 2,
            "items": false
        })
    }
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for an empty span.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<[usize; 2]> for Span {
    fn from(v: [usize; 2]) -> Span {
        Span::new(v[0], v[1])
    }
}

impl From<Span> for [usize; 2] {
    fn from(s: Span) -> [usize; 2] {
        [s.start, s.end]
    }
}

/// One element a good message of this kind shows, with the evidence for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Component", deny_unknown_fields)]
pub struct ComponentReport {
    /// `specific_action`, `impact`, `remorse`, `responsibility`, `repair`, `respectful_close`,
    /// and for `ask` also `clear_wish`, `acknowledges_hesitation`, `self_work_regardless`,
    /// `invites_needs`.
    pub id: Cow<'static, str>,
    /// True only when `spans` is not empty: a component needs evidence.
    pub present: bool,
    /// Where the evidence is.
    pub spans: Vec<Span>,
}

impl ComponentReport {
    /// The component in plain words, for people (the id is for programs).
    pub fn label(&self) -> &str {
        component_label(&self.id)
    }
}

/// Plain names for the component ids (DESIGN.md fixes the ids); an unknown id is its own name.
pub fn component_label(id: &str) -> &str {
    match id {
        "specific_action" => "The specific thing you did",
        "impact" => "What it did to them",
        "remorse" => "That you are sorry",
        "responsibility" => "That it was your doing",
        "repair" => "What you are doing to put it right",
        "commitment" => "What you will do differently",
        "respectful_close" => "A close that leaves the decision to them",
        "clear_wish" => "What you hope for, said plainly",
        "acknowledges_hesitation" => "Room for them to hesitate or say no",
        "self_work_regardless" => "Your self-work goes on either way",
        "invites_needs" => "An invitation to say what they need",
        other => other,
    }
}

/// What a finding is about: some words of the draft, or the message as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The words under its span.
    Phrase,
    /// The whole message (a missing part, the cadence, the length, the shape): its span is
    /// not the problem, and marking it would hide the phrases that are.
    WholeMessage,
}

/// The rules about the message as a whole.
const WHOLE_MESSAGE_RULES: &[&str] = &[
    "frequency",
    "missing-impact",
    "apology-elements",
    "request-elements",
    "email-closing",
    "first-message-shape",
    "dwelling",
    "expensive-gift",
];

impl Finding {
    /// Whether the finding is about its words or about the whole message.
    pub fn scope(&self) -> Scope {
        if WHOLE_MESSAGE_RULES.contains(&self.rule.as_ref()) {
            Scope::WholeMessage
        } else {
            Scope::Phrase
        }
    }
}

/// One problem, with the exact words and why it matters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Finding {
    /// Rule id in kebab case (`blame-shift`).
    pub rule: Cow<'static, str>,
    /// The METHOD.md linter ID (`L-4`).
    pub method: Cow<'static, str>,
    /// How much it matters.
    pub severity: Severity,
    /// The words objected to.
    pub span: Span,
    /// The text of `span`.
    pub excerpt: String,
    /// What the problem is and why it matters to the reader.
    pub message: Cow<'static, str>,
    /// Which way to rewrite it (never the rewrite itself).
    pub suggestion: Cow<'static, str>,
}

/// The result of checking one draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Report {
    /// What the draft was checked as.
    pub kind: Kind,
    /// `ready`, `revise` or `do-not-send`.
    pub verdict: Verdict,
    /// The elements of a good message of this kind (empty for `first`, `gift`, `journal`).
    pub components: Vec<ComponentReport>,
    /// Problems, in text order.
    pub findings: Vec<Finding>,
    /// True when self-harm language was found (L-28, SAFE-3): pause and show crisis resources.
    pub crisis: bool,
}

impl Report {
    /// The report as the JSON of DESIGN.md.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings, numbers and enums can't fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The component with this id, if it is reported for this kind.
    pub fn component(&self, id: &str) -> Option<&ComponentReport> {
        self.components.iter().find(|c| c.id == id)
    }

    /// True when some finding has this rule id.
    pub fn has_rule(&self, rule: &str) -> bool {
        self.finding(rule).is_some()
    }

    /// The first finding of this rule id, in report order.
    pub fn finding(&self, rule: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.rule == rule)
    }
}
