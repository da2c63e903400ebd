//! The rules. Each is a small struct implementing [`Rule`]; [`registry`] lists them all. A rule
//! reads the phrase hits of its own lexicon (`lexicons/rules/<id>.toml`), the components, the
//! document and, for L-13/L-16/L-21, the optional [`Context`]; it pushes [`Finding`]s.
//!
//! To add a rule, start from `skeleton.rs` in this folder.

mod crisis;
mod cues;
mod phrase;
mod records;
mod shape;
pub mod skeleton;

use std::borrow::Cow;

use crate::context::Context;
use crate::doc::Document;
use crate::engine::{Engine, Hit, Hits};
use crate::lexicon::Lexicon;
use crate::report::{ComponentReport, Finding, Kind, Span};

/// The components of every kind that has components (apology, email and ask), in report order
/// (DESIGN.md). Each has a lexicon in `lexicons/components/`, which lists the kinds it is
/// reported for. The learned scorer (`examples/train.rs`) scores these, not the ask's own.
pub const SHARED_COMPONENTS: [&str; 7] = [
    "specific_action",
    "impact",
    "remorse",
    "responsibility",
    "repair",
    "commitment",
    "respectful_close",
];

/// The components only an ask reports (L-24), after [`SHARED_COMPONENTS`].
pub const ASK_COMPONENTS: [&str; 4] = [
    "clear_wish",
    "acknowledges_hesitation",
    "self_work_regardless",
    "invites_needs",
];

/// Component ids in report order: [`SHARED_COMPONENTS`], then [`ASK_COMPONENTS`].
pub const COMPONENT_ORDER: [&str; SHARED_COMPONENTS.len() + ASK_COMPONENTS.len()] =
    concat_ids(SHARED_COMPONENTS, ASK_COMPONENTS);

/// `a` then `b`, at compile time (the length is checked where the constant is declared).
const fn concat_ids<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// One linter rule.
pub trait Rule: Send + Sync {
    /// The rule id (kebab case), also the `rule` key of its lexicon file. The lexicon decides
    /// METHOD ID, kinds, severity and explanations.
    fn id(&self) -> &'static str;
    /// Looks at the draft and pushes findings. Only called for kinds the lexicon lists.
    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>);
}

/// Everything a rule may look at.
pub struct Cx<'a> {
    /// The draft.
    pub doc: &'a Document<'a>,
    /// What it is checked as.
    pub kind: Kind,
    /// Phrase hits of every lexicon.
    pub hits: &'a Hits,
    /// Components found (already computed for this kind).
    pub components: &'a [ComponentReport],
    /// The user's records, when the caller passed them.
    pub context: Option<&'a Context>,
    /// The rule's own lexicon.
    pub lexicon: &'a Lexicon,
    /// Its index.
    pub lex: u16,
    pub(crate) engine: &'a Engine,
    /// For the safety rules (L-28, L-11): the spans the learned scorer flags, one per
    /// sentence, that the rule adds where it found nothing itself (issue 11). Empty otherwise.
    pub(crate) learned: &'a [Span],
}

impl Cx<'_> {
    /// Hits of the rule's own lexicon.
    pub fn own_hits(&self) -> &[Hit] {
        self.hits.of(self.lex)
    }

    /// Hits of another lexicon (a rule or a component) by id.
    pub fn hits_of(&self, id: &str) -> &[Hit] {
        match self.engine.lexicon_by_id(id) {
            Some(l) => self.hits.of(l),
            None => &[],
        }
    }

    /// Index of a group of the rule's own lexicon.
    pub fn group(&self, name: &str) -> Option<u16> {
        self.lexicon.group_index(name)
    }

    /// The name of group `g`.
    pub fn group_name(&self, g: u16) -> &str {
        self.lexicon
            .groups
            .get(usize::from(g))
            .map_or("", |g| g.name.as_str())
    }

    /// Is the component present (and reported for this kind)?
    pub fn has_component(&self, id: &str) -> bool {
        self.components.iter().any(|c| c.id == id && c.present)
    }

    /// The component, if reported for this kind.
    pub fn component(&self, id: &str) -> Option<&ComponentReport> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Span of the first sentence, for findings about the draft as a whole.
    pub fn lead_span(&self) -> Span {
        self.doc
            .sentences()
            .first()
            .map_or(Span::new(0, 0), |s| s.span)
    }

    /// Pushes a finding with the explanation of group `group` (or the lexicon's default).
    pub fn emit(&self, out: &mut Vec<Finding>, span: Span, group: Option<u16>) {
        out.push(
            self.engine
                .finding(self.lex, self.kind, self.doc, span, group),
        );
    }

    /// Pushes a finding of another rule (by id), with the explanation of its group `group`,
    /// if that rule checks this kind: L-28 reports self-harm used as leverage as L-9
    /// pressure.
    pub fn emit_for(&self, out: &mut Vec<Finding>, rule: &str, span: Span, group: &str) {
        let Some(lex) = self.engine.lexicon_by_id(rule) else {
            return;
        };
        let lexicon = &self.engine.lexicons()[usize::from(lex)];
        if !lexicon.applies_to(self.kind) {
            return;
        }
        let g = lexicon.group_index(group);
        out.push(self.engine.finding(lex, self.kind, self.doc, span, g));
    }

    /// Pushes a finding with a message built at check time (e.g. listing what is missing).
    pub fn emit_message(
        &self,
        out: &mut Vec<Finding>,
        span: Span,
        group: Option<u16>,
        message: String,
    ) {
        let mut f = self
            .engine
            .finding(self.lex, self.kind, self.doc, span, group);
        f.message = Cow::Owned(message);
        out.push(f);
    }
}

/// All rules, in METHOD.md order.
pub fn registry() -> Vec<Box<dyn Rule>> {
    use phrase::PhraseRule;
    vec![
        Box::new(phrase::VagueApology),              // L-1
        Box::new(shape::MissingImpact),              // L-2
        Box::new(PhraseRule("excuse")),              // L-3
        Box::new(PhraseRule("blame-shift")),         // L-4
        Box::new(PhraseRule("blame-circumstances")), // L-5
        Box::new(PhraseRule("non-apology")),         // L-6
        Box::new(PhraseRule("self-focus")),          // L-7
        Box::new(shape::Dwelling),                   // L-8
        Box::new(PhraseRule("pressure")),            // L-9
        Box::new(PhraseRule("jealousy-bait")),       // L-10
        Box::new(crisis::Threat),                    // L-11
        Box::new(PhraseRule("pleading")),            // L-12
        Box::new(records::Dishonesty),               // L-13
        Box::new(PhraseRule("manipulation")),        // L-14
        Box::new(PhraseRule("surveillance")),        // L-15
        Box::new(records::Frequency),                // L-16
        Box::new(PhraseRule("over-promise")),        // L-17
        Box::new(PhraseRule("rushing")),             // L-18
        Box::new(PhraseRule("hollow")),              // L-19
        Box::new(PhraseRule("invalidation")),        // L-20
        Box::new(records::ExpensiveGift),            // L-21
        Box::new(PhraseRule("closure-demand")),      // L-22
        Box::new(shape::ApologyElements),            // L-23
        Box::new(shape::RequestElements),            // L-24
        Box::new(shape::EmailClosing),               // L-25
        Box::new(shape::FirstMessageShape),          // L-26
        Box::new(PhraseRule("gift-tone")),           // L-27
        Box::new(crisis::SelfHarm),                  // L-28
    ]
}
