//! Lexicon files: one TOML file per rule or component under `lexicons/`, embedded at build time.
//! Each file carries its phrases, its explanation, and its own positive and negative examples,
//! which the test suite runs (see `tests/lint/lexicons.rs`).
//!
//! Phrase syntax (all matching is on the normalised text, see [`crate::Document`]):
//! - words are matched whole, lowercase, punctuation ignored: `"sorry, but"` = `"sorry but"`;
//! - `(a|b|)` picks one alternative, an empty one makes the part optional;
//! - ` ... ` is a gap of up to `gap` words (default 8) inside one sentence; with `gap = 0` on
//!   the group it joins two parts word to word. Parts between gaps that sit outside every
//!   parenthesis expand on their own, so `(8 subjects) ... (100 verbs)` in a gap-0 group is
//!   one phrase row of 108 forms, not 800 rows: split long families there to keep the phrase
//!   tables small;
//! - a group with `joined_to = "<group>"` (and `gap = 0`) holds the widest families of that
//!   earlier group, split into parts joined word to word: it takes that group's settings (cue
//!   class, filters, message) and counts as that group wherever groups matter (overlapping
//!   hits of one group count once), so splitting a family changes no report. A gap-0 join
//!   tries every form of the next part ("i'll" and "i'll be able to"), so it matches what the
//!   phrase written out whole would; a join across a gap takes the first match of each part;
//! - a trailing `*` on the last word of a part matches any ending (`apologi*`);
//! - contractions and texting forms are added automatically: `i'm` also matches `im` and
//!   `i am`, `you're` also `youre`, `your`, `ur` and `you are`, `you` also `u`, `please` also
//!   `pls`, and so on (see [`word_variants`]).
//!
//! Cue classes (used by L-28, see `rules/crisis.rs`): a group may set `cue = "<class>"`. Its
//! hits are then never findings on their own; they are evidence that a `[[combine]]` table of
//! the same file weighs with other classes: `all = ["means", "hold"]` fires when one hit of
//! each class lies within `window` words (a sentence or the next one; hits may not share
//! words), unless a hit of an `unless` class lies within `window` words of them. An entry may
//! name alternatives (`"pills|lethal"`: either will do). A class alone may be enough
//! (`all = ["x"]`, with an `unless`). Several small classes that combine
//! catch wording that no single phrase lists, without multiplying phrases out.
//!
//! A lexicon file may set `own_reported_counts = true`: the user's own reported speech ("I
//! said I was sorry for cheating") then still counts for it, while other people's ("you said
//! I cheated") never does. Only `specific_action` sets it: the act the user reports having
//! apologised for is still named.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::context::Context;
use crate::report::{Kind, Severity};

pub use crate::words::{Segment, expand, word_variants};

/// Cue classes that rule code reads directly rather than through a `[[combine]]` table:
/// `rules/crisis.rs` sets aside the findings of a sentence told as past, and of a past-tense
/// sentence in a message that tells the crisis as over, and of someone else's crisis told by a
/// worried friend or relative (issue 11).
const READ_BY_RULES: &[&str] = &[
    "told-as-past",
    "still-now",
    "told-as-over",
    "past-tense",
    "someone-else",
    "me-too",
    "not-now",
    "topic",
    "now-strong",
    "media",
    "lawful",
    "better-now",
    "past-frame",
    "role-crisis",
];

/// Cue classes that are evidence for a rule's set-aside only, never signals of the learned
/// scorer (`model::Featurizer` skips their hits): the committed heads were trained before
/// they existed, and a hit of a new group lands in hashed buckets that other features trained
/// (round 7, issue 11: "myself" as `me-too` moved a head's score on a crisis line).
pub(crate) const NOT_MODEL_SIGNALS: &[&str] = &["someone-else", "me-too", "their-crisis"];

/// A lexicon file failed to load. Only possible if a lexicon file in the source tree is wrong;
/// the test suite loads every file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The TOML did not parse.
    #[error("lexicon {file}: {source}")]
    Toml {
        /// File name.
        file: &'static str,
        /// Parser error.
        source: toml::de::Error,
    },
    /// The file parsed but says something impossible.
    #[error("lexicon {file}: {problem}")]
    Invalid {
        /// File name.
        file: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The phrase tables (generated at build time from the lexicons) could not be loaded, or
    /// do not match the lexicons.
    #[error("phrase automaton: {0}")]
    Automaton(String),
}

/// When a phrase hit is not the user's own current claim, and so does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    /// A negator ("not", "never", "don't") up to four words before, in the same clause.
    Negated,
    /// Inside double quotes.
    Quoted,
    /// After "you said", "you told me", "people say"... in the same clause.
    Reported,
    /// After "what if", "imagine", "even if"... in the same clause.
    Hypothetical,
}

impl Filter {
    pub(crate) fn bit(self) -> u8 {
        match self {
            Filter::Negated => 1,
            Filter::Quoted => 2,
            Filter::Reported => 4,
            Filter::Hypothetical => 8,
        }
    }
}

/// The default: a phrase counts only when the user says it, now, in earnest.
pub(crate) const ALL_FILTERS: u8 = 1 | 2 | 4 | 8;

/// Filter bit, next to the [`Filter`] bits: the user's own reported speech ("I said...",
/// "I told you...") is not filtered as reported (`own_reported_counts` in the lexicon file).
pub(crate) const OWN_REPORTED_COUNTS: u8 = 16;

/// One example sentence or message from a lexicon file.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// Just the text, checked as the file's example kind with no context.
    Text(String),
    /// Text with its own kind and/or records.
    Full {
        /// The draft.
        text: String,
        /// Kind to check it as; defaults to the file's example kind.
        kind: Option<Kind>,
        /// Records to check it against.
        context: Option<Context>,
    },
}

impl Example {
    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::Full { text: t, .. } => t,
        }
    }
    /// The kind, if the example sets one.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Example::Text(_) => None,
            Example::Full { kind, .. } => *kind,
        }
    }
    /// The records, if the example sets them.
    pub fn context(&self) -> Option<&Context> {
        match self {
            Example::Text(_) => None,
            Example::Full { context, .. } => context.as_ref(),
        }
    }
}

/// The examples of a lexicon file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Kind to check the examples as (default: the first kind the file applies to).
    pub kind: Option<Kind>,
    /// Must trigger the rule (or show the component).
    #[serde(default)]
    pub positive: Vec<Example>,
    /// Must not.
    #[serde(default)]
    pub negative: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    name: String,
    #[serde(default)]
    phrases: Vec<String>,
    message: Option<String>,
    suggestion: Option<String>,
    label: Option<String>,
    ignore_when: Option<Vec<Filter>>,
    gap: Option<usize>,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    therapy: bool,
    #[serde(default)]
    min_days: u32,
    /// Exceptions may sit inside a group table (TOML puts keys after `[[group]]` there);
    /// they apply to the whole lexicon all the same.
    #[serde(default)]
    exceptions: Vec<String>,
    /// The cue class this group's hits belong to (see [`Combine`]).
    cue: Option<String>,
    /// The earlier group whose families this gap-0 group holds split into parts.
    joined_to: Option<String>,
    /// `false`: the learned scorer does not see this group's hits (see [`Group::signal`]).
    signal: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CombineFile {
    name: String,
    all: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    window: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    rule: Option<String>,
    component: Option<String>,
    method: Option<String>,
    kinds: Vec<Kind>,
    severity: Option<Severity>,
    #[serde(default)]
    severity_by_kind: BTreeMap<String, Severity>,
    ignore_when: Option<Vec<Filter>>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    suggestion: String,
    #[serde(default)]
    group: Vec<GroupFile>,
    #[serde(default)]
    exceptions: Vec<String>,
    /// The user's own reported speech ("I said I was sorry for cheating") still counts for this
    /// lexicon; other people's never does. See `markers.toml`.
    #[serde(default)]
    own_reported_counts: bool,
    #[serde(default)]
    combine: Vec<CombineFile>,
    #[serde(default)]
    examples: Examples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkerFile {
    reported: Vec<String>,
    hypothetical: Vec<String>,
    reported_own: Vec<String>,
}

/// What a lexicon is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexRole {
    /// A linter rule of METHOD.md.
    Rule,
    /// A component of DESIGN.md.
    Component,
    /// Reported-speech and hypothetical markers.
    Markers,
}

/// A named group of phrases inside a lexicon, with its own explanation if it has one.
#[derive(Clone, Debug)]
pub struct Group {
    /// Name used by the rule code.
    pub name: String,
    /// Message override.
    pub message: Option<String>,
    /// Suggestion override.
    pub suggestion: Option<String>,
    /// Short label used when a rule lists missing elements.
    pub label: Option<String>,
    /// Filter bits (see [`Filter`]; bit 16 keeps the user's own reported speech).
    pub filters: u8,
    /// Words that a logged step's label must contain to support this claim (L-13).
    pub labels: Vec<String>,
    /// The claim is about therapy, so logged sessions support it (L-13).
    pub therapy: bool,
    /// The claim needs at least this many days of record (L-13).
    pub min_days: u32,
    /// The cue class (index into [`Lexicon::cue_classes`]) when the group is cue evidence
    /// rather than a finding of its own.
    pub cue: Option<u16>,
    /// The group its hits count as when overlapping hits of one group are merged: its own
    /// index, or for a `joined_to` group the index of the group it was split from.
    pub dedup: u16,
    /// Whether the learned scorer sees this group's hits as a signal (`signal = false` in the
    /// file turns it off): set-aside evidence added after the committed model was trained
    /// (round 8, issue 11) is the rules' alone, since a hit of a group the model never saw
    /// lands in hashed buckets other features trained and would move scores nobody meant to
    /// change. Said on the group itself, so it cannot miss a renamed group or catch another
    /// lexicon's group of the same name.
    pub signal: bool,
}

impl Group {
    /// A group with nothing of its own: no message, label, filter, record claim or cue class.
    /// The marker lists and a rule's exceptions load as these; `dedup` is its own index.
    fn plain(name: &str, dedup: u16) -> Group {
        Group {
            name: name.to_owned(),
            message: None,
            suggestion: None,
            label: None,
            filters: 0,
            labels: Vec::new(),
            therapy: false,
            min_days: 0,
            cue: None,
            dedup,
            signal: true,
        }
    }
}

/// A co-occurrence of cue classes that makes a finding (the `[[combine]]` tables of a lexicon
/// file): one hit of every class in `all` within `window` words, the hits sharing no words,
/// and no hit of an `unless` class within `window` words of them.
#[derive(Clone, Debug)]
pub struct Combine {
    /// Name, for the file's readers and for test messages.
    pub name: String,
    /// What must all be present: for each entry, the classes any one of which will do
    /// (`"pills|lethal"` in the file), as indices into [`Lexicon::cue_classes`].
    pub all: Vec<Vec<u16>>,
    /// Classes that, nearby, mean the ordinary reading (an alibi, an everyday use).
    pub unless: Vec<u16>,
    /// Words from the first hit's first word to the last hit's last word, at most.
    pub window: usize,
}

/// A loaded lexicon.
#[derive(Clone, Debug)]
pub struct Lexicon {
    /// File name.
    pub file: &'static str,
    /// Rule or component id.
    pub id: String,
    /// What it is for.
    pub role: LexRole,
    /// METHOD.md ID (rules only).
    pub method: String,
    /// Bit set of kinds (see `Kind::bit`).
    pub kinds: u8,
    /// The kinds in file order.
    pub kind_list: Vec<Kind>,
    /// Default severity.
    pub severity: Severity,
    /// Per-kind severity overrides.
    pub severity_by_kind: Vec<(Kind, Severity)>,
    /// Default explanation.
    pub message: String,
    /// Default rewrite direction.
    pub suggestion: String,
    /// Phrase groups; the last group is the exception group when `has_exceptions`.
    pub groups: Vec<Group>,
    /// Names of the cue classes the groups' `cue` fields point into.
    pub cue_classes: Vec<String>,
    /// Co-occurrences of cue classes that make a finding.
    pub combines: Vec<Combine>,
    /// Examples.
    pub examples: Examples,
}

impl Lexicon {
    /// Severity for a kind.
    pub fn severity_for(&self, kind: Kind) -> Severity {
        self.severity_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.severity, |(_, s)| *s)
    }

    /// Does the lexicon apply to this kind?
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds & kind.bit() != 0
    }

    /// The kind its examples are checked as.
    pub fn example_kind(&self) -> Kind {
        self.examples
            .kind
            .or_else(|| self.kind_list.first().copied())
            .unwrap_or(Kind::Apology)
    }

    /// Every group's stable key, indexed like [`Self::groups`]: what the learned scorer hashes a
    /// group's hits by (issue 10). By index, inserting a group shifted every later group's
    /// feature and silently changed what the trained weights meant; by key, an edit touches only
    /// its own group. The key is the group's name, which the loader keeps unique in a lexicon
    /// ([`load`]); the unnamed groups, if any, share the key `_`.
    pub fn group_keys(&self) -> Vec<&str> {
        self.groups
            .iter()
            .map(|g| {
                if g.name.is_empty() {
                    "_"
                } else {
                    g.name.as_str()
                }
            })
            .collect()
    }

    /// Index of the group with this name.
    pub fn group_index(&self, name: &str) -> Option<u16> {
        self.groups
            .iter()
            .position(|g| g.name == name)
            .and_then(|i| u16::try_from(i).ok())
    }
}

/// Name of the internal group that holds a lexicon's exceptions.
pub const EXCEPT_GROUP: &str = "_except";

/// A lexicon plus its phrases (as the build script expands them into the phrase tables).
pub struct Loaded {
    /// The lexicon.
    pub lexicon: Lexicon,
    /// `(group index, phrase source)`.
    pub phrases: Vec<(u16, String, usize)>,
}

fn filter_bits(v: &Option<Vec<Filter>>, default: u8) -> u8 {
    match v {
        None => default,
        Some(list) => list.iter().fold(0, |acc, f| acc | f.bit()),
    }
}

/// Parses one lexicon file.
pub fn load(file: &'static str, src: &str) -> Result<Loaded, LexiconError> {
    let invalid = |problem: String| LexiconError::Invalid { file, problem };
    if file.starts_with("markers") {
        let m: MarkerFile =
            toml::from_str(src).map_err(|source| LexiconError::Toml { file, source })?;
        let mut phrases = Vec::new();
        phrases.extend(m.reported.into_iter().map(|p| (0u16, p, 8)));
        phrases.extend(m.hypothetical.into_iter().map(|p| (1u16, p, 8)));
        phrases.extend(m.reported_own.into_iter().map(|p| (2u16, p, 8)));
        return Ok(Loaded {
            lexicon: Lexicon {
                file,
                id: "_markers".to_owned(),
                role: LexRole::Markers,
                method: String::new(),
                kinds: 0xff,
                kind_list: Kind::ALL.to_vec(),
                severity: Severity::Advise,
                severity_by_kind: Vec::new(),
                message: String::new(),
                suggestion: String::new(),
                groups: vec![
                    Group::plain("reported", 0),
                    Group::plain("hypothetical", 1),
                    Group::plain("reported_own", 2),
                ],
                cue_classes: Vec::new(),
                combines: Vec::new(),
                examples: Examples::default(),
            },
            phrases,
        });
    }
    let f: LexiconFile =
        toml::from_str(src).map_err(|source| LexiconError::Toml { file, source })?;
    let (id, role) = match (&f.rule, &f.component) {
        (Some(r), None) => (r.clone(), LexRole::Rule),
        (None, Some(c)) => (c.clone(), LexRole::Component),
        _ => return Err(invalid("needs exactly one of `rule` or `component`".into())),
    };
    if role == LexRole::Rule && (f.method.is_none() || f.severity.is_none()) {
        return Err(invalid("a rule needs `method` and `severity`".into()));
    }
    if role == LexRole::Rule && (f.message.is_empty() || f.suggestion.is_empty()) {
        return Err(invalid("a rule needs `message` and `suggestion`".into()));
    }
    let mut severity_by_kind = Vec::new();
    for (k, s) in &f.severity_by_kind {
        let kind: Kind = k
            .parse()
            .map_err(|e: crate::report::UnknownKind| invalid(e.to_string()))?;
        severity_by_kind.push((kind, *s));
    }
    let own = if f.own_reported_counts {
        OWN_REPORTED_COUNTS
    } else {
        0
    };
    let lex_filters = filter_bits(&f.ignore_when, ALL_FILTERS) | own;
    let mut groups = Vec::new();
    let mut phrases = Vec::new();
    let mut exceptions = f.exceptions;
    let mut cue_classes: Vec<String> = Vec::new();
    for mut g in f.group {
        let gi = u16::try_from(groups.len()).map_err(|_| invalid("too many groups".into()))?;
        // A group's name is its key for the model's features (`group_keys`): two groups of one
        // name would be told apart only by their order, so reordering them would swap what
        // the trained weights mean (issue 10, round 9: self-harm had two `tidy` groups).
        if !g.name.is_empty() && groups.iter().any(|x: &Group| x.name == g.name) {
            return Err(invalid(format!(
                "lexicon {id:?} has two groups named {:?}: give each group its own name",
                g.name
            )));
        }
        if let Some(to) = g.joined_to.take() {
            let joined = joined_group(g, &to, &groups).map_err(invalid)?;
            phrases.extend(joined.1.into_iter().map(|p| (gi, p, 0)));
            groups.push(joined.0);
            continue;
        }
        let cue = match g.cue.take() {
            None => None,
            Some(c) => {
                let i = match cue_classes.iter().position(|x| *x == c) {
                    Some(i) => i,
                    None => {
                        cue_classes.push(c);
                        cue_classes.len() - 1
                    }
                };
                Some(u16::try_from(i).map_err(|_| invalid("too many cue classes".into()))?)
            }
        };
        exceptions.append(&mut g.exceptions);
        let gap = g.gap.unwrap_or(8);
        phrases.extend(g.phrases.into_iter().map(|p| (gi, p, gap)));
        groups.push(Group {
            name: g.name,
            message: g.message,
            suggestion: g.suggestion,
            label: g.label,
            filters: filter_bits(&g.ignore_when, lex_filters) | own,
            labels: g.labels.into_iter().map(|l| l.to_lowercase()).collect(),
            therapy: g.therapy,
            min_days: g.min_days,
            cue,
            dedup: gi,
            signal: g.signal.unwrap_or(true),
        });
    }
    let combines = combines(f.combine, &cue_classes).map_err(invalid)?;
    if !exceptions.is_empty() {
        let gi = u16::try_from(groups.len()).map_err(|_| invalid("too many groups".into()))?;
        phrases.extend(exceptions.into_iter().map(|p| (gi, p, 8)));
        groups.push(Group::plain(EXCEPT_GROUP, gi));
    }
    let kinds = f.kinds.iter().fold(0u8, |acc, k| acc | k.bit());
    Ok(Loaded {
        lexicon: Lexicon {
            file,
            id,
            role,
            method: f.method.unwrap_or_default(),
            kinds,
            kind_list: f.kinds,
            severity: f.severity.unwrap_or(Severity::Advise),
            severity_by_kind,
            message: f.message,
            suggestion: f.suggestion,
            groups,
            cue_classes,
            combines,
            examples: f.examples,
        },
        phrases,
    })
}

/// A `joined_to` group: the settings of the earlier group it was split from, and its phrases
/// (gap 0). It may set nothing else: a split family must behave exactly as it did whole.
fn joined_group(g: GroupFile, to: &str, groups: &[Group]) -> Result<(Group, Vec<String>), String> {
    let name = &g.name;
    let parent = groups.iter().enumerate().find(|(_, p)| p.name == to);
    let Some((at, parent)) = parent else {
        return Err(format!(
            "group {name:?} is joined to {to:?}, which is not an earlier group"
        ));
    };
    if usize::from(parent.dedup) != at {
        return Err(format!(
            "group {name:?} is joined to {to:?}, which is itself joined to another group"
        ));
    }
    if g.gap != Some(0) {
        return Err(format!(
            "group {name:?} is joined to {to:?} and needs `gap = 0`"
        ));
    }
    let own_settings = g.message.is_some()
        || g.suggestion.is_some()
        || g.label.is_some()
        || g.ignore_when.is_some()
        || !g.labels.is_empty()
        || g.therapy
        || g.min_days != 0
        || !g.exceptions.is_empty()
        || g.cue.is_some();
    if own_settings {
        return Err(format!(
            "group {name:?} is joined to {to:?} and takes its settings: it may set only `name`, \
             `joined_to`, `gap = 0` and `phrases`"
        ));
    }
    let group = Group {
        name: g.name,
        ..parent.clone()
    };
    Ok((group, g.phrases))
}

/// Resolves the `[[combine]]` tables against the cue classes the groups declare. A class no
/// table uses, or a table naming a class no group has, is a mistake in the file: the first
/// would be dead evidence, the second a rule that can never fire.
fn combines(files: Vec<CombineFile>, classes: &[String]) -> Result<Vec<Combine>, String> {
    let index = |name: &str, table: &str| -> Result<u16, String> {
        classes
            .iter()
            .position(|c| c == name)
            .and_then(|i| u16::try_from(i).ok())
            .ok_or_else(|| {
                format!("combine {table:?} names cue class {name:?}, which no group has")
            })
    };
    let mut out = Vec::with_capacity(files.len());
    for c in files {
        if c.all.is_empty() {
            return Err(format!("combine {:?} lists no classes in `all`", c.name));
        }
        if c.window == 0 {
            return Err(format!(
                "combine {:?} needs a `window` of at least 1",
                c.name
            ));
        }
        let all = c
            .all
            .iter()
            .map(|entry| {
                entry
                    .split('|')
                    .map(|n| index(n.trim(), &c.name))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let unless = c
            .unless
            .iter()
            .map(|n| index(n, &c.name))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Combine {
            name: c.name,
            all,
            unless,
            window: c.window,
        });
    }
    for (i, class) in classes.iter().enumerate() {
        if READ_BY_RULES.contains(&class.as_str()) {
            continue;
        }
        let used = out.iter().any(|c| {
            c.all
                .iter()
                .flatten()
                .chain(&c.unless)
                .any(|&k| usize::from(k) == i)
        });
        if !used {
            return Err(format!("cue class {class:?} is used by no combine table"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_and_optional_parts_expand() {
        let e = expand("sorry (if|that) you (feel|)").unwrap_or_default();
        let firsts: Vec<&str> = e
            .iter()
            .flat_map(|s| s[0].forms.iter().map(String::as_str))
            .collect();
        assert!(firsts.contains(&"sorry if you feel"));
        assert!(firsts.contains(&"sorry that you"));
    }

    #[test]
    fn contractions_get_their_written_out_and_typo_forms() {
        let e = expand("you're overreacting").unwrap_or_default();
        let forms = &e[0][0].forms;
        for f in [
            "you're overreacting",
            "your overreacting",
            "you are overreacting",
        ] {
            assert!(forms.iter().any(|x| x == f), "{f} missing from {forms:?}");
        }
    }

    #[test]
    fn gaps_split_segments() {
        let e = expand("if you don't ... i'll").unwrap_or_default();
        assert_eq!(e[0].len(), 2);
    }

    #[test]
    fn parts_between_gaps_expand_on_their_own() {
        // Four alternatives, one phrase row: each part holds all of its forms.
        let e = expand("(i|we) ... (lied|hid it)").unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0][0].forms, ["i", "we"]);
        assert_eq!(e[0][1].forms, ["hid it", "lied"]);
        // A gap inside parentheses ties its parts together: one alternative each.
        let e = expand("(if you ... i'll|unless)").unwrap_or_default();
        assert_eq!(e.len(), 2);
        // Parts that disagree about a trailing `*` keep their alternatives apart.
        let e = expand("(sorry|apologi*) ... you").unwrap_or_default();
        assert_eq!(e.len(), 2);
    }

    /// A small rule lexicon with cue classes and a combine table, kept as the data file it
    /// stands for.
    const CUE_FILE: &str = include_str!("../tests/data/cue-test.toml");

    /// The error loading `src` as a rule's lexicon gives; `what` says what should not load.
    fn load_error(src: &str, what: &str) -> String {
        match load("rules/cue-test.toml", src) {
            Ok(_) => panic!("loaded {what}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn cue_groups_share_classes_and_combine_tables_resolve_them() {
        let l = load("rules/cue-test.toml", CUE_FILE).unwrap().lexicon;
        assert_eq!(l.cue_classes, ["means", "kept", "everyday"]);
        let cues: Vec<Option<u16>> = l.groups.iter().map(|g| g.cue).collect();
        assert_eq!(cues, [None, Some(0), Some(1), Some(1), Some(2)]);
        assert_eq!(l.combines.len(), 1);
        assert_eq!(l.combines[0].all, [vec![0], vec![1, 0]]);
        assert_eq!(l.combines[0].unless, [2]);
        assert_eq!(l.combines[0].window, 12);
    }

    #[test]
    fn a_combine_naming_an_unknown_class_is_an_error() {
        let bad = CUE_FILE.replace(r#"unless = ["everyday"]"#, r#"unless = ["evryday"]"#);
        let err = load_error(&bad, "a bad combine table");
        assert!(err.contains("evryday"), "{err}");
    }

    #[test]
    fn a_joined_to_group_takes_its_groups_settings_and_counts_as_it() {
        let file = format!(
            "{CUE_FILE}\n[[group]]\nname = \"kept-joined\"\njoined_to = \"kept\"\ngap = 0\n\
             phrases = [\"(saved|kept) ... (up|back)\"]\n"
        );
        let loaded = load("rules/cue-test.toml", &file).unwrap();
        let l = &loaded.lexicon;
        let kept = l.group_index("kept").unwrap();
        let joined = l.group_index("kept-joined").unwrap();
        let (k, j) = (&l.groups[usize::from(kept)], &l.groups[usize::from(joined)]);
        assert_eq!((j.cue, j.filters, j.dedup), (k.cue, k.filters, kept));
        assert_eq!(k.dedup, kept);
        assert!(
            loaded
                .phrases
                .iter()
                .any(|(g, p, gap)| *g == joined && p.starts_with("(saved") && *gap == 0)
        );
        // It must follow the group, join at gap 0 and set nothing of its own.
        for (bad, says) in [
            ("joined_to = \"kep\"\ngap = 0", "not an earlier group"),
            ("joined_to = \"kept\"", "gap = 0"),
            (
                "joined_to = \"kept\"\ngap = 0\ncue = \"kept\"",
                "takes its settings",
            ),
        ] {
            let file = format!(
                "{CUE_FILE}\n[[group]]\nname = \"kept-joined\"\n{bad}\nphrases = [\"x ... y\"]\n"
            );
            let err = load_error(&file, &format!("a bad joined group: {bad}"));
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn a_cue_class_no_table_uses_is_an_error() {
        let bad = CUE_FILE.replace(r#"unless = ["everyday"]"#, "unless = []");
        let err = load_error(&bad, "a bad combine table");
        assert!(err.contains("everyday"), "{err}");
    }

    #[test]
    fn unclosed_parenthesis_is_an_error() {
        assert!(expand("sorry (if").is_err());
    }
}
