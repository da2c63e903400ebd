//! A commented skeleton for writing a new rule. Nothing here is compiled into the registry.
//!
//! 1. Write the lexicon: `lexicons/rules/<id>.toml`.
//!
//! ```toml
//! rule = "my-rule"            # kebab case; also the `rule` field of every finding
//! method = "L-99"             # the METHOD.md linter ID it implements
//! kinds = ["apology", "ask"]  # message types it applies to (journal only for safety)
//! severity = "warn"           # block | warn | advise
//! # severity_by_kind = { first = "block" }
//! # ignore_when = ["negated", "quoted", "reported", "hypothetical"]  (the default)
//! # own_reported_counts = true   # the user's own "I said..." still counts (specific_action)
//! message = "One or two plain sentences: what is wrong and why it matters to the reader (L-99)."
//! suggestion = "Which way to rewrite, never the rewrite itself."
//!
//! [[group]]
//! name = "main"
//! phrases = ["some (phrase|wording)", "with a ... gap", "prefix*"]
//! # message / suggestion / ignore_when / gap may be set per group; `gap = 0` joins the parts
//! # of a long family word to word ("(subjects) ... (verbs)"), which keeps the tables small
//! # (every form of each part is tried, so the family matches what it would written whole;
//! # `joined_to = "<group>"` makes such a group count as the group it was split from)
//!
//! # Cue classes (see `cues.rs`): a group with `cue = "class"` is evidence, never a finding on
//! # its own; a `[[combine]]` table makes a finding when one hit of each `all` entry ("a|b":
//! # either class) lies within `window` words, sharing no words, with no `unless` hit that
//! # close. A rule that uses them calls `cues::co_occurrences` (as `crisis.rs` does). Every
//! # class a table names needs a group, and every class needs a table (`hoard` and
//! # `everyday` would be groups of their own here).
//! [[group]]
//! name = "means"
//! cue = "pills"
//! phrases = ["(pills|tablets)"]
//!
//! [[combine]]
//! name = "pills kept back"
//! all = ["pills", "hoard"]
//! unless = ["everyday"]
//! window = 14
//!
//! exceptions = ["some phrase that looks alike but is fine"]
//!
//! [examples]
//! kind = "apology"
//! positive = ["at least 12 sentences that must trigger it", ...]
//! negative = ["at least 8 near misses that must not: negated, quoted, reported, ...", ...]
//! ```
//!
//! 2. If the rule is "every surviving hit is a finding", register
//!    `Box::new(PhraseRule("my-rule"))` in [`super::registry`] and you are done. Otherwise write
//!    a struct:
//!
//! ```ignore
//! /// L-99 (AP-?): why this rule exists, in one line.
//! pub struct MyRule;
//!
//! impl Rule for MyRule {
//!     fn id(&self) -> &'static str {
//!         "my-rule" // must equal the lexicon's `rule`
//!     }
//!
//!     fn check(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
//!         // Hits of the rule's own lexicon, already filtered for negation, quotes, reported
//!         // speech, hypotheticals and exceptions, in text order.
//!         for h in cx.own_hits() {
//!             // Decide with the document (`cx.doc`), components (`cx.has_component`),
//!             // other lexicons (`cx.hits_of("impact")`) or records (`cx.context`).
//!             cx.emit(out, h.span, Some(h.group));
//!         }
//!     }
//! }
//! ```
//!
//! 3. Add the file to `LEXICON_FILES` in `lexicon_files.rs` and the struct to
//!    [`super::registry`]. The build script expands its phrases with the others.
//! 4. Add labelled messages to `tests/eval/` and run `cargo test -p amends-lint`; the lexicon
//!    examples run as tests on their own.
