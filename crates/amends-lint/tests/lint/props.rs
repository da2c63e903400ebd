//! Property tests: spans on char boundaries inside the text, deterministic reports, and neutral
//! sentences never removing a phrase-level finding.

use std::collections::BTreeSet;

use amends_lint::{Kind, check};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

/// Text with the things that break naive engines: curly quotes, emoji, combining marks,
/// accents, line breaks, and trigger words.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("I’m sorry".to_owned()),
        Just("you made me".to_owned()),
        Just("\u{201C}quoted\u{201D}".to_owned()),
        Just("😔🙏🏽".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("İstanbul ǅ ß".to_owned()),
        Just("\n\n".to_owned()),
        Just("if you don't ... i'll".to_owned()),
        Just("please answer by friday".to_owned()),
        Just("the pills saved up".to_owned()),
        Just("bridge, I slow down".to_owned()),
        Just("won\u{2019}t be around for your birthday".to_owned()),
        Just("sorry, but".to_owned()),
        Just(" ".to_owned()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn spans_lie_inside_the_text_on_char_boundaries(text in messy_text(), kind in kind()) {
        let r = check(&text, kind, None).unwrap();
        for f in &r.findings {
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            prop_assert_eq!(&text[f.span.start..f.span.end], f.excerpt.as_str());
        }
        for c in &r.components {
            prop_assert_eq!(c.present, !c.spans.is_empty());
            for s in &c.spans {
                prop_assert!(s.start <= s.end && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
    }

    #[test]
    fn reports_are_deterministic(text in messy_text(), kind in kind()) {
        let a = check(&text, kind, None).unwrap();
        let b = check(&text, kind, None).unwrap();
        prop_assert_eq!(a.to_json(), b.to_json());
    }
}

/// Sentences that trigger phrase-level rules.
const TRIGGERS: &[&str] = &[
    "You made me do it.",
    "I'm sorry if you were hurt.",
    "I was drunk and it got out of hand.",
    "Work was insane that month.",
    "I've been a wreck since you left.",
    "Please answer me.",
    "I've been seeing someone.",
    "This is your last chance.",
    "I'm begging you.",
    "I've completely changed.",
    "After everything I've done for you, this is it?",
    "I saw on your Instagram that you moved.",
    "I'll change everything.",
    "Let's just start over.",
    "Can we just move on?",
    "You're overreacting.",
    "After this we never mention it again.",
    "I'm sorry for everything.",
    "I don't want to live anymore.",
    "I got you a diamond necklace.",
    "Hope this shows how sorry I am, please reconsider.",
    "I lied to you about the money.",
    "It made you feel small.",
    "Take all the time you need.",
];

/// Sentences that say nothing any rule looks for.
const NEUTRAL: &[&str] = &[
    "The weather was mild today.",
    "The train was on time for once.",
    "My sister got a new bike.",
    "The garden is full of tomatoes.",
    "There is a new bakery on the corner.",
    "The library closes early on Sundays.",
    "I finished the crossword this morning.",
    "The cat sleeps on the radiator.",
];

/// Length- and ratio-based rules, and rules about what is missing, may change when text is
/// added; the brief excepts them.
const NOT_PHRASE_LEVEL: &[&str] = &[
    "dwelling",
    "first-message-shape",
    "apology-elements",
    "request-elements",
    "email-closing",
    "missing-impact",
    "frequency",
];

/// The phrase engine alone (no learned scorer): what this property is about.
static PHRASES: std::sync::LazyLock<amends_lint::Engine> =
    std::sync::LazyLock::new(|| amends_lint::Engine::new().unwrap().rules_only());

fn phrase_findings(text: &str, kind: Kind) -> BTreeSet<(String, String)> {
    PHRASES
        .check(text, kind, None)
        .findings
        .iter()
        .filter(|f| !NOT_PHRASE_LEVEL.contains(&f.rule.as_ref()))
        // Self-harm used as leverage (L-28 with L-9) is a co-occurrence of two sentences at
        // most: a sentence put between them rightly separates them.
        .filter(|f| !(f.rule == "pressure" && f.message.contains("SAFE-3")))
        .map(|f| (f.rule.to_string(), f.excerpt.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn neutral_sentences_never_remove_a_phrase_finding(
        base in prop::collection::vec(prop::sample::select(TRIGGERS.to_vec()), 1..6),
        extra in prop::collection::vec((0usize..8, prop::sample::select(NEUTRAL.to_vec())), 1..6),
        newline in any::<bool>(),
        kind in kind(),
    ) {
        let sep = if newline { "\n" } else { " " };
        let before = base.join(sep);
        let mut sentences: Vec<&str> = base.clone();
        for (at, s) in &extra {
            let at = (*at).min(sentences.len());
            sentences.insert(at, s);
        }
        let after = sentences.join(sep);
        let a = phrase_findings(&before, kind);
        let b = phrase_findings(&after, kind);
        let lost: Vec<_> = a.difference(&b).collect();
        prop_assert!(lost.is_empty(), "lost {:?}\nbefore: {}\nafter: {}", lost, before, after);
        // Issue 10: the learned scorer only adds (union), so every phrase finding of the text
        // with neutral sentences added stands in the full report too. Since round 10 `pressure`
        // and `rushing` are in `model` mode (the model may drop a phrase hit it scores low);
        // the triggers here are plain pressure the model must still keep beside neutral text
        // (36,000 generated drafts in six kinds dropped none when it was chosen).
        let full: BTreeSet<(String, String)> = check(&after, kind, None)
            .unwrap()
            .findings
            .iter()
            .map(|f| (f.rule.to_string(), f.excerpt.clone()))
            .collect();
        // L-1's bare-sorry branch is the model's to make once a model is compiled in (see
        // `rules/phrase.rs`), so it is the one phrase finding the full report may not repeat.
        let dropped: Vec<_> = b
            .difference(&full)
            .filter(|(rule, _)| rule != "vague-apology")
            .collect();
        prop_assert!(dropped.is_empty(), "the model dropped {:?} in {}", dropped, after);
    }
}

/// Pieces of crisis and threat wording, hard negatives that share their words, and the
/// wording the word lists miss, for the property below.
const SAFETY_PIECES: &[&str] = &[
    "I don't want to live anymore.",
    "everyone would be better off without me",
    "i just want it all to stop",
    "Thank you for the good years. I'm ready to go now.",
    "I'd die for a coffee.",
    "my phone died",
    "I killed it at work today.",
    "You'll regret this.",
    "I know where you live.",
    "if you leave i'll do something to myself",
    "unalive",
    "kms",
    "i'm tired of being alive",
    "When I was nineteen I tried to end my life.",
    "watch what happens",
    "I still have those photos of you.",
    "The weather was mild today.",
    "sorry, but",
    "😔",
    "\n",
    " ",
];

/// The safety findings of a report (L-28, L-11, and L-9 as leverage), and its crisis flag.
fn safety_findings(r: &amends_lint::Report) -> (bool, BTreeSet<(String, usize, usize)>) {
    let set = r
        .findings
        .iter()
        .filter(|f| {
            f.rule == "self-harm"
                || f.rule == "threat"
                || (f.rule == "pressure" && f.message.contains("SAFE-3"))
        })
        .map(|f| (f.rule.to_string(), f.span.start, f.span.end))
        .collect();
    (r.crisis, set)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Issue 11: the learned second opinion may add a crisis or a threat, never remove one.
    /// Every safety finding of the rules alone (same rule, same words) is in the combined
    /// report, and a crisis the rules raise stays raised, in every kind.
    #[test]
    fn the_model_never_removes_a_crisis_or_threat_the_rules_find(
        pieces in prop::collection::vec(
            prop_oneof![prop::sample::select(SAFETY_PIECES.to_vec()).prop_map(str::to_owned),
                        "[a-z ]{0,12}"],
            1..8,
        ),
        kind in kind(),
    ) {
        let text = pieces.join(" ");
        let (rule_crisis, rule) = safety_findings(&PHRASES.check(&text, kind, None));
        let (crisis, combined) = safety_findings(&check(&text, kind, None).unwrap());
        prop_assert!(!rule_crisis || crisis, "crisis lost in {:?}", text);
        let lost: Vec<_> = rule.difference(&combined).collect();
        prop_assert!(lost.is_empty(), "lost {:?} in {:?}", lost, text);
    }
}
