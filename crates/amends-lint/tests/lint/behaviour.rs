//! The JSON contract of DESIGN.md, real-language handling (negation, quotation, reported speech,
//! hypotheticals, subject, scope, texting style) and the records checks (L-13, L-16, L-21).

use amends_lint::{Context, Kind, LoggedStep, Severity, Verdict, check};

use crate::{fires_on, has, has_with};

#[test]
fn json_matches_the_design_contract() {
    let text = "I’m sorry if you were hurt 😔 but you made me do it.";
    let r = check(text, Kind::Apology, None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["components", "crisis", "findings", "kind", "verdict"]
    );
    assert_eq!(v["kind"], "apology");
    assert_eq!(v["verdict"], "do-not-send");
    assert_eq!(v["crisis"], false);
    let c = &v["components"][0];
    assert_eq!(c["id"], "specific_action");
    assert!(c["present"].is_boolean() && c["spans"].is_array());
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "blame-shift")
        .unwrap();
    let mut fkeys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    fkeys.sort_unstable();
    assert_eq!(
        fkeys,
        [
            "excerpt",
            "message",
            "method",
            "rule",
            "severity",
            "span",
            "suggestion"
        ]
    );
    assert_eq!(f["method"], "L-4");
    assert_eq!(f["severity"], "block");
    let span = f["span"].as_array().unwrap();
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "you made me do it");
    assert_eq!(f["excerpt"], "you made me do it");
    // The report reads back.
    let back: amends_lint::Report = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(back, r);
}

#[test]
fn component_ids_per_kind_follow_design() {
    use amends_lint::rules::{ASK_COMPONENTS, SHARED_COMPONENTS};
    for kind in [Kind::Apology, Kind::Email] {
        let r = check("hi", kind, None).unwrap();
        let ids: Vec<&str> = r.components.iter().map(|c| c.id.as_ref()).collect();
        assert_eq!(ids, SHARED_COMPONENTS);
    }
    let r = check("hi", Kind::Ask, None).unwrap();
    let ids: Vec<&str> = r.components.iter().map(|c| c.id.as_ref()).collect();
    assert_eq!(ids[..SHARED_COMPONENTS.len()], SHARED_COMPONENTS);
    assert_eq!(ids[SHARED_COMPONENTS.len()..], ASK_COMPONENTS);
    for kind in [Kind::First, Kind::Gift, Kind::Journal] {
        assert!(check("hi", kind, None).unwrap().components.is_empty());
    }
}

#[test]
fn components_are_present_only_with_evidence() {
    let text = "I lied to you about where I was. It made you doubt yourself.";
    let r = check(text, Kind::Apology, None).unwrap();
    for c in &r.components {
        assert_eq!(c.present, !c.spans.is_empty(), "{}", c.id);
    }
    let act = r.component("specific_action").unwrap();
    assert!(text[act.spans[0].start..act.spans[0].end].starts_with("I lied"));
    let vague = check("I'm sorry for everything.", Kind::Apology, None).unwrap();
    assert!(!vague.component("specific_action").unwrap().present);
}

#[test]
fn verdicts_follow_the_worst_severity() {
    let ready = check(
        "I lied to you about the money. It made you doubt yourself. I'm sorry; it was my \
         fault. I started therapy in March. Take all the time you need.",
        Kind::Apology,
        None,
    )
    .unwrap();
    assert_eq!(ready.verdict, Verdict::Ready, "{:?}", ready.findings);
    let advise_only = check(
        "I lied to you about the money and it hurt you.",
        Kind::Apology,
        None,
    )
    .unwrap();
    assert!(
        advise_only
            .findings
            .iter()
            .all(|f| f.severity == Severity::Advise)
    );
    assert_eq!(advise_only.verdict, Verdict::Ready);
    let revise = check("I'm sorry for everything.", Kind::Apology, None).unwrap();
    assert_eq!(revise.verdict, Verdict::Revise);
    let block = check("please answer me", Kind::Apology, None).unwrap();
    assert_eq!(block.verdict, Verdict::DoNotSend);
}

#[test]
fn negation_is_not_the_thing_negated() {
    fires_on(
        "blame-shift",
        Kind::Apology,
        &[],
        &[
            "I'm not blaming you for any of this.",
            "It was never your fault.",
        ],
    );
    fires_on(
        "excuse",
        Kind::Apology,
        &[],
        &[
            "I won't make excuses for what I did.",
            "I'm not going to say I was drunk.",
        ],
    );
    fires_on(
        "invalidation",
        Kind::Apology,
        &[],
        &["You're not overreacting."],
    );
    fires_on("pressure", Kind::Apology, &[], &["I don't need a reply."]);
    fires_on("pleading", Kind::Apology, &[], &["I'm not begging you."]);
}

#[test]
fn quotation_and_reported_speech_belong_to_someone_else() {
    fires_on(
        "blame-shift",
        Kind::Apology,
        &[],
        &[
            "You said I never listened, and you were right.",
            "You told me \"you never listen\" and I brushed it off.",
        ],
    );
    fires_on(
        "invalidation",
        Kind::Apology,
        &[],
        &["I told you to calm down when you were crying, and that was cruel."],
    );
    fires_on(
        "pressure",
        Kind::Apology,
        &[],
        &["You said \u{201C}stop texting me\u{201D} and I will."],
    );
}

#[test]
fn hypotheticals_are_not_claims() {
    fires_on(
        "invalidation",
        Kind::Apology,
        &[],
        &[
            "I would never say you're overreacting.",
            "What if I had said you were being dramatic? I didn't.",
        ],
    );
}

#[test]
fn who_the_subject_is_matters() {
    fires_on(
        "blame-shift",
        Kind::Apology,
        &["You made me do it."],
        &[
            "I made you feel small, and I'm sorry.",
            "You made me laugh every day.",
        ],
    );
}

#[test]
fn sorry_but_is_an_excuse_only_when_what_follows_justifies() {
    fires_on(
        "excuse",
        Kind::Apology,
        &[
            "I'm sorry, but I was so stressed at work.",
            "im sorry but it wasnt that bad",
        ],
        &[
            "I'm sorry, but I know sorry isn't enough.",
            "I was drunk, but that's no excuse for what I said.",
        ],
    );
}

#[test]
fn texting_style_curly_quotes_and_emoji_are_handled() {
    let text = "ur overreacting 🙄 and it’s partly ur fault too";
    let r = check(text, Kind::Apology, None).unwrap();
    let ids: Vec<&str> = r.findings.iter().map(|f| f.rule.as_ref()).collect();
    assert!(
        ids.contains(&"invalidation") && ids.contains(&"blame-shift"),
        "{ids:?}"
    );
    for f in &r.findings {
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert_eq!(&text[f.span.start..f.span.end], f.excerpt);
    }
    let blame = r.findings.iter().find(|f| f.rule == "blame-shift").unwrap();
    assert_eq!(blame.excerpt, "it’s partly ur fault");
}

#[test]
fn corporate_apologies_are_non_apologies() {
    fires_on(
        "non-apology",
        Kind::Apology,
        &[
            "We regret any inconvenience this may have caused.",
            "We apologise for any distress caused.",
            "Mistakes were made.",
        ],
        &[],
    );
}

#[test]
fn rushing_blocks_in_first_and_gift_but_warns_in_apology() {
    let sev = |kind| {
        check("Let's just start over.", kind, None)
            .unwrap()
            .findings
            .iter()
            .find(|f| f.rule == "rushing")
            .map(|f| f.severity)
    };
    assert_eq!(sev(Kind::First), Some(Severity::Block));
    assert_eq!(sev(Kind::Gift), Some(Severity::Block));
    assert_eq!(sev(Kind::Apology), Some(Severity::Warn));
    assert_eq!(sev(Kind::Ask), None);
}

#[test]
fn dishonesty_without_records_flags_only_absolutes() {
    fires_on(
        "dishonesty",
        Kind::Apology,
        &["I've completely changed."],
        &["I've been in therapy for months.", "It was only once."],
    );
}

#[test]
fn dishonesty_with_records_checks_claims() {
    let none = Context {
        records_known: true,
        ..Context::default()
    };
    let claim = "After months of therapy I see it.";
    assert!(has_with(claim, Kind::Apology, &none, "dishonesty"));
    let real = Context {
        records_known: true,
        therapy_sessions: 10,
        therapy_first_session_days_ago: Some(100),
        steps: vec![LoggedStep {
            label: "Anger management course".into(),
            days_ago: 30,
        }],
        ..Context::default()
    };
    for text in [
        "After months of therapy I see it.",
        "I signed up for an anger management course.",
    ] {
        let r = check(text, Kind::Apology, Some(&real)).unwrap();
        assert!(!r.has_rule("dishonesty"), "{text}: {:?}", r.findings);
    }
    let counted = Context {
        times_happened: Some(3),
        ..Context::default()
    };
    let once = "It was only once.";
    assert!(has_with(once, Kind::Apology, &counted, "dishonesty"));
}

#[test]
fn frequency_needs_records_and_blocks_each_cadence_breach() {
    let text = "I'm sorry I lied to you.";
    assert!(!has(text, Kind::Apology, "frequency"));
    let cases = [
        Context {
            days_since_last_outbound: Some(6),
            ..Context::default()
        },
        Context {
            unanswered_outbound: 1,
            ..Context::default()
        },
        Context {
            channels_today: vec!["instagram".into()],
            channel: Some("text".into()),
            ..Context::default()
        },
        Context {
            outreach_locked: Some("they asked for space".into()),
            ..Context::default()
        },
    ];
    for ctx in &cases {
        let r = check(text, Kind::Apology, Some(ctx)).unwrap();
        let f = r.finding("frequency").unwrap_or_else(|| panic!("{ctx:?}"));
        assert_eq!(f.severity, Severity::Block);
        assert_eq!(r.verdict, Verdict::DoNotSend);
    }
    let locked = check(text, Kind::Apology, Some(&cases[3])).unwrap();
    assert!(
        locked.findings[0].message.contains("they asked for space")
            || locked
                .findings
                .iter()
                .any(|f| f.message.contains("they asked for space"))
    );
    let fine = Context {
        days_since_last_outbound: Some(7),
        ..Context::default()
    };
    assert!(!has_with(text, Kind::Apology, &fine, "frequency"));
}

#[test]
fn gift_cost_uses_the_threshold() {
    let cheap = Context {
        gift_cost: Some(20),
        ..Context::default()
    };
    let dear = Context {
        gift_cost: Some(90),
        ..Context::default()
    };
    let generous = Context {
        gift_cost: Some(90),
        gift_cost_threshold: Some(100),
        ..Context::default()
    };
    let text = "Something small for your desk.";
    assert!(!has_with(text, Kind::Gift, &cheap, "expensive-gift"));
    assert!(has_with(text, Kind::Gift, &dear, "expensive-gift"));
    assert!(!has_with(text, Kind::Gift, &generous, "expensive-gift"));
    assert!(
        check("It cost £120 but you're worth it.", Kind::Gift, None)
            .unwrap()
            .has_rule("expensive-gift")
    );
}

#[test]
fn first_message_shape_counts_words_and_paragraphs() {
    let long = "Hope you're well. ".repeat(20);
    let paras = "Hope you're well.\n\nRemember the lake? Made me smile.";
    fires_on(
        "first-message-shape",
        Kind::First,
        &[&long, paras],
        &["Happy birthday! Hope it's a lovely one."],
    );
}

#[test]
fn every_finding_explains_itself() {
    let text = "sorry for everything but you made me do it. answer me by friday. i've been a wreck. \
                i saw on your instagram you're seeing someone. i'll change everything.";
    for kind in Kind::ALL {
        let r = check(text, kind, None).unwrap();
        for f in &r.findings {
            assert!(
                f.message.contains(f.method.as_ref()),
                "{} message must cite {}",
                f.rule,
                f.method
            );
            assert!(!f.suggestion.is_empty());
            assert!(f.span.end <= text.len() && f.span.start <= f.span.end);
        }
    }
}

/// Regression: a reported-speech marker at the end of a clause ("I yelled, but I was
/// stressed") used to swallow the next clause and hide the excuse.
#[test]
fn reported_marker_does_not_cross_into_the_next_clause() {
    assert!(has(
        "I'm sorry I yelled, but I was so stressed at work.",
        Kind::Apology,
        "excuse"
    ));
}

/// Regression: "no excuse for what I said" used to negate the named act.
#[test]
fn short_negators_do_not_reach_past_their_noun() {
    let r = check(
        "That's no excuse for what I said to your sister.",
        Kind::Apology,
        None,
    )
    .unwrap();
    assert!(r.component("specific_action").unwrap().present);
}

/// Issue 13: the coach says what a finding is about and what its components are called, so
/// the web shows what the coach says without lists of its own.
#[test]
fn findings_say_their_scope_and_components_have_labels() {
    use amends_lint::{Finding, Scope, Span, component_label};
    let finding = |rule: &'static str| Finding {
        rule: rule.into(),
        method: "L-1".into(),
        severity: Severity::Warn,
        span: Span { start: 0, end: 4 },
        excerpt: "text".into(),
        message: "".into(),
        suggestion: "".into(),
    };
    assert_eq!(finding("blame-shift").scope(), Scope::Phrase);
    assert_eq!(finding("missing-impact").scope(), Scope::WholeMessage);
    assert_eq!(finding("first-message-shape").scope(), Scope::WholeMessage);
    for id in amends_lint::rules::COMPONENT_ORDER {
        assert_ne!(component_label(id), id, "{id} has no label");
    }
}
