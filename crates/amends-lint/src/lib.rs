//! # amends-lint: the message coach
//!
//! A pure engine: text in, [`Report`] out. No IO, no clock, no network. It checks a draft the
//! user wants to send to the person they hurt, rule by rule, and says which exact words it
//! objects to, why (citing `METHOD.md`), and which way to rewrite them. It never writes the
//! message for the user.
//!
//! ```
//! use amends_lint::{check, Kind, Verdict};
//! let report = check("sorry if you were hurt, but you made me do it", Kind::Apology, None)
//!     .expect("embedded lexicons load");
//! assert_eq!(report.verdict, Verdict::DoNotSend);
//! assert!(report.has_rule("blame-shift"));
//! println!("{}", report.to_json());
//! ```
//!
//! ## How it works
//! - [`Document`] normalises the text (lowercase, curly apostrophes folded, punctuation and
//!   emoji collapsed to spaces) and keeps a byte map back to the original, so every span points
//!   at the user's own characters. It splits words, clauses, sentences (Unicode rules, line
//!   breaks) and paragraphs.
//! - Every phrase of every lexicon (`lexicons/**/*.toml`, embedded with `include_str!`) is
//!   expanded into literal patterns at build time (`build.rs`), laid out as one byte trie that
//!   the engine embeds, so [`Engine::new`] (or [`check`], lazily) only parses the lexicon
//!   files and reads the tables. A check walks the trie from each word of the normalised text.
//! - Hits are filtered by context: negation ("I'm not blaming you"; a negator inside a
//!   condition stops where the main clause starts: "if you don't reply I'll know you never
//!   cared" still counts), double quotes, reported speech ("you said I never listened"; the
//!   user's own "I said I was sorry for cheating" still names the act), hypotheticals ("what
//!   if I had..."), and per-lexicon exceptions ("you made me laugh"). Who the subject is and what follows "but" are written
//!   into the phrases themselves ("you made me" vs "I made you"; "sorry, but I was stressed"
//!   vs "sorry, but I know that's no excuse").
//! - Components are the hits of the component lexicons; a component is present only with a
//!   span of evidence.
//! - Each rule is a small struct implementing [`Rule`] (see `rules/skeleton.rs`).
//!
//! ## Rule ids and METHOD.md
//!
//! | METHOD | rule id | kinds | severity |
//! |---|---|---|---|
//! | L-1 | `vague-apology` | apology, email, ask | warn |
//! | L-2 | `missing-impact` | apology, email | warn |
//! | L-3 | `excuse` | apology, email, ask | warn |
//! | L-4 | `blame-shift` | all but journal | block |
//! | L-5 | `blame-circumstances` | apology, email, ask | warn |
//! | L-6 | `non-apology` | apology, email, ask | warn |
//! | L-7 | `self-focus` | all but journal | warn |
//! | L-8 | `dwelling` | apology, email | warn |
//! | L-9 | `pressure` | all but journal | block |
//! | L-10 | `jealousy-bait` | all but journal | block |
//! | L-11 | `threat` | every kind, journal too | block (SAFE-4); `crisis` stays false |
//! | L-12 | `pleading` | all but journal | warn |
//! | L-13 | `dishonesty` | all but journal | warn |
//! | L-14 | `manipulation` | all but journal | warn |
//! | L-15 | `surveillance` | all but journal | block |
//! | L-16 | `frequency` | all but journal (needs a [`Context`]) | block |
//! | L-17 | `over-promise` | apology, ask | warn |
//! | L-18 | `rushing` | first, apology, email, gift | block in first and gift, else warn |
//! | L-19 | `hollow` | apology, ask | warn |
//! | L-20 | `invalidation` | all but journal | warn |
//! | L-21 | `expensive-gift` | gift | warn |
//! | L-22 | `closure-demand` | apology, ask, gift | warn |
//! | L-23 | `apology-elements` | apology, email | advise |
//! | L-24 | `request-elements` | ask | advise |
//! | L-25 | `email-closing` | email | advise |
//! | L-26 | `first-message-shape` | first | warn |
//! | L-27 | `gift-tone` | gift | warn |
//! | L-28 | `self-harm` | every kind, journal too | block, sets `crisis` (SAFE-3) |
//!
//! DESIGN.md names no ids for L-2, L-16, L-23, L-24 and L-25; the ones above are ours. The
//! missing elements of L-23 and L-24 are also visible as the report's `components`.
//!
//! L-28 has two layers (`rules/crisis.rs`): phrases that say it, and cue classes that only say
//! it together (a way to die and lingering near it, pills and keeping them back), combined per
//! check by the lexicon's `[[combine]]` tables (`rules/cues.rs`, [`lexicon::Combine`]). L-11
//! has the same two layers (an intent and an act, with someone or something of theirs). Self-
//! harm used as leverage ("if you leave I'll...") also reports L-9 `pressure` in the kinds L-9
//! checks. Slips of the fingers on the key words of both ("kil", "wnat", "killmyself",
//! "su1cide") are folded back as the text is read (`lexicons/spelling.toml`).
//!
//! Components (DESIGN.md): `specific_action`, `impact`, `remorse`, `responsibility`, `repair`,
//! `respectful_close` for apology, email and ask; ask adds `clear_wish`,
//! `acknowledges_hesitation`, `self_work_regardless`, `invites_needs`. `first`, `gift` and
//! `journal` report no components: their shape rules (L-26, L-27) say what matters there.
//!
//! The verdict is `do-not-send` with any block finding, `revise` with any warn finding, and
//! `ready` otherwise (advisories are checklist hints).
//!
//! ## Records
//! L-13 and L-16 compare the draft with the user's records. The engine stays pure: the caller
//! passes a [`Context`] (see its fields). Without one, L-13 flags absolutes only and L-16 does
//! nothing; L-21 uses [`DEFAULT_GIFT_THRESHOLD`].

mod context;
mod doc;
mod engine;
mod folds;
pub mod lexicon;
mod lexicon_files;
mod lookup;
pub mod model;
mod report;
pub mod rules;
mod sentences;
#[cfg(test)]
mod spelling;
#[cfg(test)]
mod table_builder;
mod tables;
mod words;

use std::sync::LazyLock;

pub use context::{Context, DEFAULT_GIFT_THRESHOLD, LoggedStep};
pub use doc::{Document, Sentence, Token};
pub use engine::{Engine, Hit, Hits, SAFETY_HEADS};
pub use lexicon::{Lexicon, LexiconError};
pub use report::{
    ComponentReport, Finding, Kind, Report, Scope, Severity, Span, UnknownKind, Verdict,
    component_label,
};
pub use rules::{Cx, Rule};

pub use lexicon_files::LEXICON_FILES;

static ENGINE: LazyLock<Result<Engine, LexiconError>> = LazyLock::new(Engine::new);

/// The shared engine, built on first use. Fails only if an embedded lexicon is broken, which
/// the test suite rules out.
pub fn engine() -> Result<&'static Engine, &'static LexiconError> {
    ENGINE.as_ref()
}

/// Checks one draft as `kind`, with the user's records if the caller has them.
pub fn check(
    text: &str,
    kind: Kind,
    context: Option<&Context>,
) -> Result<Report, &'static LexiconError> {
    Ok(engine()?.check(text, kind, context))
}
