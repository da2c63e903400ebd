//! SAFE-3 and SAFE-4: self-harm language sets `crisis` in every kind, journal included;
//! threats and ultimatums block. Many phrasings, direct and indirect, and near misses.

use amends_lint::{Kind, Verdict, check};

const SELF_HARM: &[&str] = &[
    "I don't want to live anymore.",
    "i dont want to be alive",
    "There's no point going on without you.",
    "no point in living if you're gone",
    "You won't have to worry about me much longer.",
    "you wont have to deal with me anymore",
    "I won't be around much longer to bother you.",
    "I want to die.",
    "i wanna die tbh",
    "Sometimes I wish I was dead.",
    "Everyone would be better off without me.",
    "The world would be better off without me.",
    "I've been thinking about killing myself.",
    "I keep thinking about ending my life.",
    "I'm going to end it all.",
    "I've thought about taking all my pills.",
    "What's the point of living without you?",
    "I'm so tired of living.",
    "I'm done with life.",
    "When I'm gone you'll understand.",
    "This is my last message, goodbye forever.",
    "I've written goodbye letters to everyone.",
    "I wish I'd never been born.",
    "I'd rather be dead than without you.",
    "I can't go on without you.",
    "I’m thinking about suicide.",
    "I hurt myself again last night.",
    "Sometimes I cut myself when it gets bad.",
    "I have nothing left to live for.",
    "I just want to go to sleep and never wake up.",
    "honestly kms",
    "I won’t be here much longer.",
    "\u{201C}I don't want to live\u{201D} is all I can think.",
    "I'm not saying I want to die, but I don't want to wake up tomorrow.",
    // Oblique wording (second held-out round): no point being here, nobody would notice,
    // a way out already looked at.
    "tbh i dont see the point in being around anymore",
    "My family would be better off if I just disappeared.",
    "I keep hoping I'll go to sleep and not wake up.",
    "Nobody would care if I wasn't here.",
    "I've been saving up my sleeping pills.",
    "I can't trust myself to be safe tonight.",
    "I'm just a burden to everyone.",
    // Named in the brief of the cue-class round: missed by the phrase list, caught by the
    // cue classes (a way to die and lingering, pills kept back, a day named...).
    "there's a bridge on my way home and I slow down every time I cross it",
    "what's the point of anything",
    "i cant do this anymore",
    "I've been giving my things away",
    "I won't be around for your birthday",
    "I'm so tired of everything, I want it all to stop",
    "I have the pills saved up",
];

const NOT_SELF_HARM: &[&str] = &[
    "This commute is killing me, but I'm fine.",
    "I'd kill for a decent coffee right now.",
    "I'm dying to hear how the marathon went.",
    "My phone died halfway through your voicemail.",
    "I laughed so hard I nearly died.",
    "I killed it at the presentation today.",
    "The plant you gave me finally died.",
    "Goodbye for now, and take care.",
    "I won't be around this weekend, I'm at my sister's.",
    "I'm so tired of my job.",
    "I'll be gone for a week on the work trip.",
    "I just want this whole month to be over.",
    "I don't trust myself around cake right now.",
    "I'd be better off if I went to bed earlier.",
    "No one would notice if I skipped the meeting.",
    "I regret it so much I can barely look at myself.",
    "I feel like the worst friend alive.",
    // Hard negatives named in the brief of the cue-class round.
    "this traffic is killing me",
    "I could die of embarrassment",
    "I want this fighting to stop",
    "I'm giving my old books away to the charity shop",
    "I took the pills the doctor gave me",
    "i cant do this commute anymore so I'm changing jobs",
    "this is my last message until you write back",
    "I drove over the bridge to see my mum",
];

#[test]
fn self_harm_sets_crisis_in_every_kind() {
    for text in SELF_HARM {
        for kind in Kind::ALL {
            let r = check(text, kind, None).unwrap();
            assert!(r.crisis, "no crisis for {text:?} as {kind}");
            assert_eq!(r.verdict, Verdict::DoNotSend, "{text:?} as {kind}");
            assert!(r.has_rule("self-harm"));
        }
    }
}

#[test]
fn figures_of_speech_are_not_a_crisis() {
    for text in NOT_SELF_HARM {
        for kind in Kind::ALL {
            let r = check(text, kind, None).unwrap();
            assert!(!r.crisis, "crisis for {text:?} as {kind}: {:?}", r.findings);
        }
    }
}

/// The journal runs only the safety checks: L-28 and, since issue 11, L-11 (SAFE-4), so the
/// app can offer help to someone worried about their own anger. Blame, pressure and the
/// apology's shape are not checked there.
#[test]
fn journal_runs_only_the_safety_checks() {
    let r = check(
        "You made me do it. Answer me by Friday or I'll tell everyone. I'm sorry for everything.",
        Kind::Journal,
        None,
    )
    .unwrap();
    assert!(
        r.findings.iter().all(|f| f.rule == "threat"),
        "{:?}",
        r.findings
    );
    assert!(r.has_rule("threat"));
    assert!(!r.crisis);
    assert!(r.components.is_empty());
    let r = check(
        "You made me do it. I was so angry at work today. I'm sorry for everything.",
        Kind::Journal,
        None,
    )
    .unwrap();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.verdict, Verdict::Ready);
}

const THREATS: &[&str] = &[
    "If you don't answer by tonight, I'll come over.",
    "if u dont reply ill tell your mum everything",
    "This is your last chance.",
    "It's now or never.",
    "You'll regret ignoring me.",
    "You'll be sorry.",
    "I'll tell everyone what you did.",
    "If you block me I swear I'll post the photos.",
    "I know where you work.",
    "I'll be waiting outside your flat.",
    "Unless you meet me, I'm going to show up at your parents'.",
    "Don't make me do something we'll both regret.",
    "I still have the screenshots, so think carefully.",
    "I'll keep calling until you pick up.",
    "If I can't have you, nobody else will.",
    "I'll make sure everyone knows who you really are.",
    "You'd better reply, or else.",
    "Consider this a warning.",
    "I'd hate for anything to happen to your car.",
    "You don't want to see what I'll do.",
    "I'll take the kids and you'll never see them again.",
    "Things will get ugly if you keep this up.",
    "I’m outside your door right now.",
    // Veiled exposure and presence (second held-out round).
    "Would be a shame if your screenshots ended up online.",
    "I've still got the videos, and your dad might find them interesting.",
    "Either you meet me on Saturday or we're finished.",
    "I still know where you park at work.",
    "I'm going to turn up at your flat tonight.",
];

const NOT_THREATS: &[&str] = &[
    "If you don't want to talk, I'll understand.",
    "If you don't reply, I'll take that as your answer and leave you alone.",
    "I won't come over or contact your family.",
    "I'll never show up anywhere you are.",
    "If you'd rather not hear from me, I'll respect that.",
    "I'll tell my therapist about this.",
    "Unless you say otherwise, I'll keep my distance.",
    "I know where you stand now, and I accept it.",
    "I've deleted all the videos, so they won't ever end up anywhere.",
    "It would be a shame if you missed the final, you've worked so hard.",
];

#[test]
fn threats_and_ultimatums_block_in_every_sent_kind() {
    for text in THREATS {
        for kind in [
            Kind::First,
            Kind::Apology,
            Kind::Email,
            Kind::Ask,
            Kind::Gift,
        ] {
            let r = check(text, kind, None).unwrap();
            assert!(
                r.has_rule("threat"),
                "no threat finding for {text:?} as {kind}"
            );
            assert_eq!(r.verdict, Verdict::DoNotSend);
            let f = r.findings.iter().find(|f| f.rule == "threat").unwrap();
            assert_eq!(f.method, "L-11");
            assert!(f.message.contains("SAFE-4"));
        }
    }
}

#[test]
fn respectful_conditionals_are_not_threats() {
    for text in NOT_THREATS {
        let r = check(text, Kind::Apology, None).unwrap();
        assert!(
            !r.has_rule("threat"),
            "threat for {text:?}: {:?}",
            r.findings
        );
    }
}
