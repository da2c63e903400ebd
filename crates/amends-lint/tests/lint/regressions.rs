//! Regression tests for misses found on unseen drafts, each named after the bug it pins down.
//! The sentences are written for these tests, not taken from the evaluation sets.

use amends_lint::{Kind, Report, check};

use crate::{fires_on, has};

fn report(text: &str, kind: Kind) -> Report {
    check(text, kind, None).unwrap()
}

/// Every text of `crises` sets crisis in every kind; none of `everyday` does in the journal.
fn crisis_only_in(crises: &[&str], everyday: &[&str]) {
    for text in crises {
        for kind in Kind::ALL {
            assert!(
                report(text, kind).crisis,
                "no crisis for {text:?} as {kind}"
            );
        }
    }
    for text in everyday {
        assert!(!report(text, Kind::Journal).crisis, "crisis for {text:?}");
    }
}

/// Each of `threats` raises a threat (L-11) as an apology; none of `everyday` does, as a
/// journal or as an apology.
fn threat_only_in(threats: &[&str], everyday: &[&str]) {
    for text in threats {
        assert!(has(text, Kind::Apology, "threat"), "no threat for {text:?}");
    }
    for text in everyday {
        for kind in [Kind::Journal, Kind::Apology] {
            assert!(!has(text, kind, "threat"), "threat for {text:?} as {kind}");
        }
    }
}

fn component(text: &str, kind: Kind, id: &str) -> bool {
    report(text, kind).component(id).is_some_and(|c| c.present)
}

/// A negator inside "if you don't ..." used to reach past the condition, with no comma, into
/// the clause that answers it, and cleared the threat there (L-11).
#[test]
fn negated_condition_does_not_hide_a_threat() {
    fires_on(
        "threat",
        Kind::Ask,
        &[
            "if you don't call me back you'll regret it",
            "If you won't meet me you will be sorry",
            "unless you don't care anymore you'll see what happens",
        ],
        // The negator still clears a phrase in its own clause.
        &[
            "I don't think you'll regret it",
            "if I'm honest I don't think you'll regret it",
        ],
    );
}

/// The same bug let guilt-tripping and pressure through: "if you don't reply I'll know you
/// never cared" (L-14).
#[test]
fn negated_condition_does_not_hide_manipulation() {
    fires_on(
        "manipulation",
        Kind::First,
        &[
            "if u dont text back ill know you never loved me",
            "If you don't come to the party I will know you don't care",
        ],
        &["I don't think you never cared, I know you did"],
    );
}

/// "I said I was sorry for cheating" used to hide the act: the user's own reported speech was
/// filtered like other people's. It still is for claims made now (remorse, blame), but the act
/// it names is the user's (L-1, L-2).
#[test]
fn own_reported_speech_still_names_the_act() {
    let text = "I said I was sorry for cheating. I know that wasn't enough.";
    assert!(component(text, Kind::Apology, "specific_action"));
    // Saying it once, back then, is not remorse now.
    assert!(!component(text, Kind::Apology, "remorse"));
    assert!(component(
        "i told u i was sorry for going through your phone and then i did it again",
        Kind::Apology,
        "specific_action"
    ));
    // Someone else's words are still theirs, and so is the user's old insult.
    assert!(!component(
        "You said I cheated. I didn't, but I understand why it looked that way.",
        Kind::Apology,
        "specific_action"
    ));
    assert!(!has(
        "I said you never listened, and that was cruel of me.",
        Kind::Apology,
        "blame-shift"
    ));
}

/// Impact told as what happened to them ("you had no way home", "you sat alone at the
/// restaurant") was not recognised as impact, so L-2 fired on apologies that showed it.
#[test]
fn implied_impact_is_impact() {
    for text in [
        "I'm sorry I left you at the club. You had no way home and your phone was dead.",
        "I'm sorry I never turned up. You sat alone at the restaurant for an hour.",
        "I'm sorry I took the car keys with me. you were stranded at your mums all weekend",
        "I'm sorry I kept the news from you. You found out from my sister instead of from me.",
    ] {
        let r = report(text, Kind::Apology);
        assert!(
            r.component("impact").is_some_and(|c| c.present),
            "no impact in {text}"
        );
        assert!(!r.has_rule("missing-impact"), "{text}");
    }
    // What happened to the writer is not their impact.
    assert!(!component(
        "I'm sorry I lied about the loan. I ended up stuck at work all week.",
        Kind::Apology,
        "impact"
    ));
}

/// Oblique self-harm wording ("I don't see the point of being around", "nobody would notice
/// if I disappeared", pills looked at) raised no crisis (L-28, SAFE-3).
#[test]
fn oblique_self_harm_wording_sets_crisis() {
    crisis_only_in(
        &[
            "if this doesnt work out i honestly dont see the point in being here",
            "They'd all be better off once I'm gone, I think.",
            "no one would even miss me if I just vanished",
            "Spent the evening staring at the pills in the bathroom.",
        ],
        &[
            "I don't see the point of arguing about the sofa.",
            "I just want this exam week to be over.",
            "No one would notice if I left the party early.",
        ],
    );
}

/// Veiled exposure ("would be a shame if those videos ended up online", "your parents might
/// find them interesting") and presence ("I still know where you park") did not block (L-11,
/// SAFE-4).
#[test]
fn veiled_threats_block() {
    fires_on(
        "threat",
        Kind::Apology,
        &[
            "shame if those messages of yours went online",
            "I kept the photos. Your wife might find them very interesting.",
            "i still know where you work now, just saying",
            "Either you answer this week or I'm going to come round.",
        ],
        &["I got rid of the photos; none of them will ever go online."],
    );
}

/// Everyday wording of the parts of an apology was not recognised: "I owe you an apology"
/// (remorse), "that was entirely my doing" (responsibility), "I've been talking to a
/// counsellor" (repair), "if you want" as the close (L-23).
#[test]
fn everyday_wording_of_the_parts_counts() {
    let text = "I owe you an apology for reading your texts. That was entirely my doing. \
                I've been talking to a counsellor since May. I'll explain more if you want.";
    let r = report(text, Kind::Apology);
    for id in [
        "specific_action",
        "remorse",
        "responsibility",
        "repair",
        "respectful_close",
    ] {
        assert!(
            r.component(id).is_some_and(|c| c.present),
            "{id} missing in {text}"
        );
    }
    // Every part L-23 asks for is there (impact is L-2's to report).
    assert!(!r.has_rule("apology-elements"), "{:?}", r.findings);
}

/// "I'll take it that you never want to see me again" and "I'll know you've given up" were
/// not read as the guilt trip they are, and "I need to know by Sunday" not as a deadline
/// (L-9, L-14).
#[test]
fn conditional_guilt_trips_and_deadlines_are_caught() {
    let text = "If I don't hear back by Sunday, I'll take it that you never cared.";
    assert!(has(text, Kind::First, "pressure"), "{text}");
    assert!(has(text, Kind::First, "manipulation"), "{text}");
    assert!(has(
        "i need to know before friday if you'll see me",
        Kind::Ask,
        "pressure"
    ));
    assert!(!has(
        "If you don't reply, I'll know you need space, and I'll respect that.",
        Kind::First,
        "manipulation"
    ));
}

/// Hearsay about their life ("I heard from Sam that you moved", "heard you got the job") was
/// not recognised as revealing that the writer keeps track of them (L-15).
#[test]
fn hearsay_about_their_life_is_surveillance() {
    fires_on(
        "surveillance",
        Kind::First,
        &[
            "I heard from Sam that you moved to Cardiff.",
            "heard you got the promotion, congrats",
        ],
        &[],
    );
    assert!(!has(
        "You told me you were moving, so I waited.",
        Kind::Apology,
        "surveillance"
    ));
}

/// Blame told as what they kept doing ("you kept pushing", "you were nagging me") or as their
/// share ("you played your part", "you weren't exactly an angel") was not read as blame (L-4).
#[test]
fn blame_told_as_what_they_kept_doing_is_blame() {
    fires_on(
        "blame-shift",
        Kind::Apology,
        &[
            "I'm sorry I swore, but you kept on at me all night.",
            "sorry i lost it but you were pushing my buttons",
            "I messed up, but you weren't exactly innocent either.",
        ],
        &["You kept asking me to stop, and I didn't. That's on me."],
    );
}

/// Reunion talk in other words ("we were always meant to end up together", "be us again",
/// "I know we could make it work") slipped past L-18 and the first-message check.
#[test]
fn reunion_talk_in_other_words_is_rushing() {
    fires_on(
        "rushing",
        Kind::First,
        &[
            "We were always meant to be together, you know it.",
            "i just want us to be us again",
            "I know we could make it work if you let me try.",
        ],
        &["We were meant to meet at the station, sorry I missed you."],
    );
}

/// Fresh oblique crisis wording written after the first safety fix still slipped through:
/// giving things away, "tired of existing", "what I'll do to myself", searching how many
/// pills, "no reason to keep going", relief "if I was gone", one's own funeral (L-28).
#[test]
fn oblique_self_harm_wording_second_round_sets_crisis() {
    crisis_only_in(
        &[
            "ive been giving all my stuff away this week",
            "so tired of being alive",
            "i honestly don't know what i might do to myself tonight",
            "Looked up how much paracetamol would be enough.",
            "There's no reason for me to carry on if you go.",
            "They'd all be relieved, I think, once I was gone.",
            "Been planning my funeral in my head again.",
            "I'm done with everything now.",
        ],
        &[
            "I'm giving my old coats away to the shelter.",
            "I'm done with all of it: the arguing, the sulking. I'm getting help.",
        ],
    );
    // Round 8's retrained heads read this one as a crisis by its words ("so tired of being");
    // the rules still pass it, and the learned second opinion may only add (SAFE-3).
    let cooks = "I'm so tired of being the one who always cooks.";
    let rules = amends_lint::Engine::new().unwrap().rules_only();
    assert!(!rules.check(cooks, Kind::Journal, None).crisis);
}

/// Veiled pressure and presence, second round: a deadline with a consequence, "remember I
/// know your passcode", copies of everything, parked down their road (L-11, SAFE-4).
#[test]
fn veiled_threats_second_round_block() {
    fires_on(
        "threat",
        Kind::Apology,
        &[
            "You've got till Friday, then your boss hears everything.",
            "don't forget i still know your email password",
            "I saved screenshots of all your messages, just so you know.",
            "Im sat outside your building right now.",
            "If you tell the police, I'll make sure you regret it.",
        ],
        &[],
    );
}

/// Regression: a message sent earlier the same day read "went out today ago".
#[test]
fn the_gap_message_reads_today_not_today_ago() {
    let ctx = amends_lint::Context {
        records_known: true,
        days_since_last_outbound: Some(0),
        ..Default::default()
    };
    let r = check(
        "I'm sorry I lied about where I was.",
        Kind::Apology,
        Some(&ctx),
    )
    .unwrap();
    let gap = r.finding("frequency").expect("the 7-day gap is found");
    assert!(
        gap.message.starts_with("Your last message went out today."),
        "{}",
        gap.message
    );
    assert!(!gap.message.contains("today ago"));
}

/// A family joined word to word (a gap-0 group) took the first form of each part that
/// matched and never tried a longer one: in "I don't think I'll be able to keep going much
/// longer" it took "I'll", found "be" where "keep going" should follow, and let the crisis
/// through, though the family lists "I'll be able to" (L-28, SAFE-3).
#[test]
fn joined_parts_try_every_form() {
    for text in [
        "I don't think I'll be able to keep going much longer.",
        "honestly not sure i'll be able to carry on any longer",
    ] {
        for kind in [Kind::Journal, Kind::Apology] {
            assert!(
                report(text, kind).crisis,
                "no crisis for {text:?} as {kind}"
            );
        }
    }
    assert!(
        !report(
            "I don't think I'll be able to keep going to that gym much longer.",
            Kind::Journal
        )
        .crisis
    );
}

/// The gap-0 join that tries every form (above) at first let a family's first part run over a
/// full stop: "won't. Last long if" read as "won't last long if", a threat (L-11). A phrase,
/// joined or written whole, stays inside one sentence.
#[test]
fn joined_parts_stay_inside_a_sentence() {
    let text = "The man said the sofa won't. Last long if you keep jumping on it, though.";
    assert!(!has(text, Kind::Journal, "threat"), "{text}");
    assert!(has(
        "That sofa won't last long if you keep jumping on it, and neither will you.",
        Kind::Journal,
        "threat"
    ));
}

/// The learned scorer's merge looked up each sentence's findings with a linear search inside a
/// loop over sentences, itself inside a loop over findings: checking a repeated apology of a
/// megabyte took minutes (the web's `/check` answers-in-proportion test timed out). With the
/// binary search, 30,000 sentences are checked like 30: one component span per sentence.
#[test]
fn the_model_merge_was_cubic_on_long_texts() {
    let text = "I'm so sorry I shouted at you. ".repeat(30_000);
    let r: Report = check(&text, Kind::Apology, None).expect("lexicons load");
    let remorse = r
        .components
        .iter()
        .find(|c| c.id == "remorse")
        .expect("remorse component");
    assert_eq!(remorse.spans.len(), 30_000);
}

/// SAFE-3: the round-4 check that sets aside a crisis told as over took a general time marker
/// ("looking back", "back then") as enough, and dropped a wish to die said now in the same
/// sentence. Any word of intent or of now keeps the finding; history told as history stays clear.
#[test]
fn a_past_marker_does_not_hide_a_crisis_said_now() {
    crisis_only_in(
        &[
            "looking back I should just kill myself",
            "back then I wanted to die and I do now too",
        ],
        &[
            "When I was nineteen I tried to end my life. Today I'm grateful I'm still here.",
            "years ago I used to cut, therapy helped",
        ],
    );
}

/// L-28, SAFE-3 (round 7, issue 11): the round-4 set-aside only looked inside the crisis
/// sentence, so recovery told in the writer's own words in the next sentence ("that was years
/// ago, I'm in a good place now") left a crisis told as over flagged; a third of the new
/// writers' false alarms were that. Now a past-tense sentence of a message that says it is
/// over is set aside, but never when anything in the message is current (a recent time, a
/// wish said now, "again") and never a sentence said in the present.
#[test]
fn recovery_in_ones_own_words_sets_aside_a_crisis_told_as_over_but_not_one_said_now() {
    crisis_only_in(
        &[
            // Current all the same: a recent time, a wish said now, a relapse, the present.
            "I tried to kill myself on Saturday. I'm okay now, honestly.",
            "I tried to kill myself. I'm okay now, I think.",
            "I wanted to die back when I was at school. I'm in a good place now, but I want to die again.",
            "That was years ago. Tonight I'm going to take all the pills.",
            "I'm in recovery now. Everyone would be better off without me.",
            "I used to cut. It's been a year since, but last night I cut myself again.",
        ],
        &[
            "When he left I wanted to die. That was six years ago and I'm doing well now.",
            "Back when I was in that hole I hurt myself most weeks. I'm on the other side of it.",
            "I took an overdose at twenty-two. It's been nine years since, and life does get better.",
            "I used to think my family would be better off without me. I don't think that anymore.",
            "Since treatment I'm doing well now. I tried to end my life the year before it.",
        ],
    );
}

/// L-28, SAFE-3 (round 8, issue 11): on two new writers the coach raised 18% and 15% false
/// alarms, most of them crises told as over in markers round 7 did not know (years clean or
/// sober, urges that have not come back in years, a year named, an age or a final year reached,
/// leverage owned as a past wrong in an apology), then crisis words as a book's, a lesson's or
/// a public measure's subject, and work and body words (an overdose of coffee, an overdose case
/// on a shift, hours cut, money bled). The guards of round 7 hold: a recent time, a relapse
/// word, a present wish or a present leverage anywhere keeps the crisis.
#[test]
fn round_8_crises_told_as_over_and_work_and_study_words_are_set_aside_but_not_a_current_crisis() {
    crisis_only_in(
        &[
            "Three years sober, and last night I wanted to die again.",
            "I'm fifty now and I still want to end my life.",
            "That was 2011. On Sunday I tried to hang myself again.",
            "Sorry for the night I said I'd kill myself if you left. If you leave I'll do it this time.",
            "It's my final year now and I have a plan to end my life before the exams.",
            "The film about suicide made me want to kill myself too.",
            "I cut my arms again last night and they're still bleeding.",
            "I'm planning an overdose of my sleeping tablets tonight.",
            "I used to want to die. Nine months clean, but this week I want to die again.",
            // A topic or a case at work beside the writer's own crisis.
            "The suicide scenes were hard to watch. I'm going to do it tonight.",
            "The suicide barriers on the bridge won't stop me.",
            "Two overdose admissions came in tonight and one of them was me.",
            "I teach the nurses about self-harm and then I go home and cut.",
            "Reading about her suicide made me want to do it myself.",
        ],
        &[
            "Six years clean this spring. Back then I wanted to die most days.",
            "I tried to take my own life when I was at college. That was 1998, and I'm sixty now.",
            "During my first term I wanted to die. I'm in third year now and I run the chess club.",
            "I used to cut myself in secret. Those urges haven't come back in over six years.",
            "I'm sorry for the winter I was suicidal and leaning on you. I've been well for years now, and I just wanted you to know.",
            "Had an overdose of chocolate at the office party and now I feel sick.",
            "Two overdose admissions came in on my shift, so I'll be home late.",
            "The council cut our budget again and the youth club is bleeding cash.",
            "Our book club picked a heavy novel and the suicide scenes were hard going.",
            "My lecturer says the show glamorises self-harm, and I think she's right.",
            "I just finished the box set for my media essay on how it portrays suicide.",
            "An overdose case came up from the ward at the end of my shift.",
        ],
    );
}

/// L-28, SAFE-3 (round 8, part 2, issue 11): on the 26 newest writers the false alarms were
/// crises told as over in words the markers did not know (years past it, time since the last
/// attempt, thoughts that are gone), someone else's crisis told of kin or a role ("my teenage
/// son wrote ..."), a song or a film about it and work words. They are set aside; a crisis of
/// the writer's own beside them, current or shared, keeps its alarm.
#[test]
fn round_8_part_2_recovery_kin_and_topics_are_set_aside_but_not_the_writers_own_crisis() {
    crisis_only_in(
        &[
            "I'm three years out of rehab and tonight I'm going to take all my pills.",
            "My mum told me I'm a burden and I want to die.",
            "It's been five years since my last attempt and I've bought the rope again.",
            "My brother took an overdose last year and tonight I want to kill myself too.",
            "Those thoughts are gone, I told everyone. They aren't. I want to die.",
            "The song about jumping off the bridge is how I'll go tonight.",
        ],
        &[
            "Four years since my last attempt, and I spent the day at the beach with my nephews.",
            "My teenage son wrote a goodbye note and hid it under his bed.",
            "I was suicidal for most of my first job. Those thoughts are gone now and I coach the junior team.",
            "The pharmacist says this is not an overdose, just a bigger dose, so I can stop worrying.",
            "My wife's cousin is suicidal after the flood took his farm.",
        ],
    );
}

/// L-11, L-28, SAFE-3, SAFE-4 (round 8, issue 11): leverage owned in an apology as a past
/// wrong ("I'm sorry for the night I said I'd ... if you left") is history and raises neither a
/// crisis nor a threat; a present "if you leave I'll ..." anywhere in the message keeps both.
#[test]
fn leverage_owned_as_a_past_wrong_is_history_but_a_present_one_is_never_set_aside() {
    let past = "I'm sorry for the evening I said I'd end my life if you went out. It was cruel, and I would not say it now.";
    for kind in [Kind::Journal, Kind::Apology] {
        let r = report(past, kind);
        assert!(!r.crisis, "crisis for {past:?} as {kind}");
        assert!(!has(past, kind, "threat"), "threat for {past:?} as {kind}");
    }
    for now in [
        "I'm sorry for the evening I said I'd end my life if you went out. If you leave me I'll end my life.",
        "I'm sorry for the night I said I'd kill myself if you left. I meant every word.",
    ] {
        for kind in Kind::ALL {
            assert!(report(now, kind).crisis, "no crisis for {now:?} as {kind}");
        }
    }
    // A threat to the other person owned the same way is not this set-aside's to clear.
    let other = "I'm sorry for the night I said I'd kill you if you left.";
    assert!(
        has(other, Kind::Apology, "threat"),
        "no threat for {other:?}"
    );
}

/// L-28, SAFE-3 (round 7, issue 11): someone else's crisis told by a worried friend or relative
/// ("my uncle keeps saying he'd be better off dead") was the largest family of false alarms
/// left on the development writers. L-28's crisis is the writer's own, so a finding about a
/// third person is set aside, but never when a first-person word sits between the teller and
/// the crisis words, when the writer says it is theirs too anywhere in the message, or when it
/// is held over the other person (leverage).
#[test]
fn someone_elses_crisis_told_by_a_worried_friend_is_set_aside_but_not_the_writers_own() {
    crisis_only_in(
        &[
            "My cousin said she swallowed too many pills on purpose. Honestly, same here.",
            "Dad keeps saying he'd be better off dead, and I think about it myself.",
            "He keeps posting about self harm and it makes me want to do it again.",
            "My sister said she's got pills saved up, and so have I.",
            "She said I'd be better off dead, and maybe she's right.",
            "Everyone says they'd be better off without me.",
            "If you leave me, tell the kids their dad killed himself because of you.",
        ],
        &[
            "Dad told my aunt he has nothing to live for. We're driving up to see him.",
            "Our daughter texted her brother that she took a load of tablets; the ambulance is with her now.",
            "My uncle keeps saying he'd be better off dead since the farm went. How do I get him to talk to someone?",
            "My best friend has been posting about self harm again. I've messaged her mum.",
            "Grandma told the nurse she doesn't want to be alive any more, so they're keeping her in.",
            "my brother said he was going to kms last night, he's at my parents' now and safe",
        ],
    );
}

/// L-28, SAFE-3 (round 7, issue 11): "He said he wants to end it all. Me too, if I'm honest."
/// raised nothing, because a round-4 exception cleared any "said he wants to ..." before the
/// writer's "me too" could count. The exception is gone: the set-aside for someone else's
/// crisis decides, and it keeps the finding when the writer says it is theirs too. Where no
/// phrase matches the third person's words at all ("she wants to die"), the `their-crisis` cue
/// class and the writer's `me-too` together make the crisis (a `[[combine]]` table).
#[test]
fn me_too_after_someone_elses_crisis_told_in_reported_speech_is_a_crisis() {
    crisis_only_in(
        &[
            "He said he wants to end it all. Me too, if I'm honest.",
            "My sister told me she wants to die and honestly I feel the same way.",
        ],
        &[
            "My brother said he wants to end it all and I don't know how to help him.",
            "My sister told me she wants to die, so I drove over and we stayed up talking.",
        ],
    );
}

/// L-11, SAFE-4 (round 7, issue 11): the set-aside for someone else's crisis is for self-harm
/// only. A threat told of someone else is still a threat (to the writer, or to someone the
/// writer can warn), so the threat lexicon has no `someone-else` class and these keep their
/// finding in every kind.
#[test]
fn a_threat_told_of_someone_else_is_never_set_aside() {
    for text in [
        "He keeps saying he'll smash your face in if you talk to her again.",
        "My brother keeps saying he's going to batter her new boyfriend.",
    ] {
        for kind in [Kind::Journal, Kind::Apology, Kind::Ask] {
            assert!(
                has(text, kind, "threat"),
                "no threat for {text:?} as {kind}"
            );
        }
    }
}

/// Round 8's merge (issue 11, L-28, SAFE-3): one branch set aside "I used to think ..." as a
/// sentence told as past, the other masked its "every night" as a habit, so together they
/// dropped a crisis that the writer says is worse now. A `now-strong` marker anywhere in the
/// message keeps every finding; a generic "now" elsewhere does not (a crisis told as over).
#[test]
fn a_crisis_worse_now_is_not_set_aside_by_an_earlier_sentence_told_as_past() {
    let worse = "I used to think about ending my life every night. I'm not there any more, \
                 I'm somewhere worse.";
    let over = "When I was seventeen I used to think about ending my life every night. I'm \
                34 now and I haven't felt like that in years.";
    crisis_only_in(&[worse], &[over]);
}

/// L-28, SAFE-3 (round 9, issue 11): someone else's crisis told with the person as the
/// clause's subject, by name, kin or role ("Marek took...", "our deacon has been..."), with no
/// phrase of the lexicon's `someone-else` class, was still the largest family of false alarms;
/// so was "us both" in a couple's care read as the writer's share. The subject now decides
/// (`third_person_subject` in `rules/crisis.rs`); the writer's own crisis beside it, in the
/// same clause, later in the sentence or in their own words of sharing, keeps the alarm.
#[test]
fn round_9_someone_elses_crisis_by_name_or_kin_is_set_aside_but_not_the_writers_own() {
    crisis_only_in(
        &[
            "My uncle says I should just end it, and he's right, I want to die.",
            "Marek has been cutting again and I've started too.",
            "Our Dana took an overdose on Friday, and I've kept the rest of her tablets for me.",
            "Mum keeps saying I'd be better off dead. I want to die.",
            "Daddy has to go away for good tonight. Be good for Mummy.",
            "Odile hid my pills, but I've bought more and I'm taking them all tonight.",
        ],
        &[
            "Marek took a load of pills after the gig and we rang an ambulance.",
            "Our deacon took an overdose. The parish is praying for him.",
            "My flatmate has been cutting, so I rang the uni helpline with her.",
            "Auntie Rosa threatened to jump off the balcony on Sunday. My cousins are with her.",
            "My brother has started cutting himself again. It has shaken us both.",
        ],
    );
}

/// L-11, SAFE-4, L-28, SAFE-3 (round 9, issue 11): a threat quoted from a film, a song or a
/// podcast, or said by a character as the clause's subject, is the character's, not the
/// writer's (`media_frames`). A threat of the writer's beside a film keeps its alarm.
#[test]
fn round_9_threats_quoted_from_films_and_songs_are_set_aside_but_not_the_writers_own() {
    threat_only_in(
        &[
            "I watched a horror film last night and I'm going to burn your house down.",
            "The film was fine. I'll burn your house down tonight.",
        ],
        &[
            "The villain says he'll burn the house down unless she pays.",
            "The song goes \"I'll burn your house down\" and the whole pub sang along.",
            "The podcast was about a man who said \"I'll make you pay\" to his neighbour for years.",
        ],
    );
}

/// L-11, SAFE-4 (round 9, issue 11): a boundary kept by the writer's own lawful step (the
/// police called, a restraining order got, messages sent to their solicitor) is no threat
/// (`lawful_boundaries`); the same step beside menace or exposure keeps the alarm, and so does
/// a threat against the other person going to the police.
#[test]
fn round_9_lawful_boundaries_are_no_threat_but_menace_beside_them_is() {
    threat_only_in(
        &[
            "Last warning. I'm calling the police, and then your family will hear everything you did.",
            "If you ring the police about me, I'll put you in hospital.",
        ],
        &["If you turn up at my work again I'm calling the police. This is your last warning."],
    );
}

/// L-28, SAFE-3 (round 9, part 2, issue 11): a crisis told as over in plain words ("I'm well
/// now", "I got help") with a time told as past somewhere in the message ("last spring", "I
/// once", "back when I") was the largest family of false alarms left (`better-now` and
/// `past-frame` in `rules/crisis.rs` `set_aside`). The same words beside anything current (a
/// plan, "again", "tonight", "all week", "it's back", a leverage), or with no time at all (the
/// morning after an attempt), keep the alarm.
#[test]
fn round_9_part_2_recovery_in_plain_words_beside_a_past_time_is_history_but_not_a_present_crisis() {
    crisis_only_in(
        &[
            "I tried to kill myself last year and I'm going to try again.",
            "I used to cut myself, I started again last week.",
            "I used to want to die every night. I'm not there any more, I'm somewhere worse.",
            "I took an overdose last winter. I'm okay now, but I've saved up more pills.",
            "I took an overdose. I'm okay now.",
            "Last year I tried to hang myself. I'm well now but I want to die again.",
            "I once wrote a goodbye note. I'm fine, and I'm going to use it this time.",
            "I got help last year, but I've wanted to kill myself all week.",
            "I once stood on the bridge to jump. I'm okay now, and I'm going back there tonight.",
            "I tried to end my life in first year. I'm in therapy now, but it's back and it's worse.",
            "That winter I wanted to end my life. I'm better now. If you leave I'll finish it.",
            "I'll never say that to anyone again, I said, and then I took an overdose yesterday.",
            "Last year I tried to kill myself. I'm in therapy and I'm going to do it anyway.",
            "I once wrote a suicide note. I never sent it, and tonight I'll use it.",
            "I used to cut myself. These days I volunteer, but I cut myself again yesterday.",
            "I was discharged last spring after an overdose and I want to die again.",
        ],
        &[
            "I once planned my own funeral in my head. I'm well now and I coach the under-nines.",
            "Last spring I took an overdose. I got help and I'm steady now.",
            "Back when I drove taxis I thought about crashing on purpose to die. I got help and I'm fine.",
            "I swallowed a bottle of pills in first year. I've been on the right medication for three years now.",
        ],
    );
}

/// L-28, SAFE-3 and L-11, SAFE-4 (round 9, part 3, issue 11): the kinds the rules alone missed
/// most on the development files, as phrase families in `farewell-9`, `settling-9`,
/// `property-9`, `others-9` and `presence-9` (hidden from the learned scorer): a last message
/// beside a handover (pets, keys, papers), a parent's goodbye told in the third person, harm
/// promised to animals and things, to people around them, and presence (waiting all night,
/// location still shared). A last message alone, or a handover alone, stays everyday.
#[test]
fn round_9_part_3_goodbyes_with_a_handover_threats_to_animals_and_things_and_presence() {
    crisis_only_in(
        &[
            "Last text from me. The spare keys are under the mat and the boat is his now.",
            "This is my final letter. Please feed the calves for me, the will is with the solicitor.",
            "Tell the girls their dad was sorry. The passwords are in the drawer by the bed.",
        ],
        &[
            "This is my last message about the rent; the keys are with the letting agent.",
            "Could you feed the cat while we're away? The spare key is with Jo next door.",
        ],
    );
    threat_only_in(
        &[
            "Your ponies won't last the spring if you keep ignoring me.",
            "That bakery of yours won't have a window left by Sunday.",
            "I'll take a crowbar to that van of yours tonight.",
            "Tell your cousin he won't walk straight for a month once I find him.",
            "I'll stay outside your flat all night if I have to.",
            "Your location is still shared with me, so I saw where you slept.",
        ],
        &[
            "Our old dog can't manage the long walks now, so we're spoiling him.",
            "I'm sorry I kept you waiting at the station all night.",
        ],
    );
}

/// Round 10 (issue 11, L-28, SAFE-3): a parent's own goodbye told in the third person ("Daddy
/// is going to end it", "this old woman has had enough") was caught by nothing, since every
/// phrase says "I" and the third-person ones are someone else's. The role is the writer's when
/// the message is signed with it, is written to the writer's children, or says "this old man";
/// someone else's past act beside a role word stays someone else's.
#[test]
fn round_10_a_parents_goodbye_in_the_third_person_is_a_crisis() {
    crisis_only_in(
        &[
            "Kids, your mum can't go on like this any more. I'm sorry for all of it.",
            "Your father won't be here by morning, and none of it is your doing. Love, Dad",
            "This old woman has had enough, and the will is in the bureau.",
            "Daddy is going to end it tonight, sweetheart. I love you both.",
            "Girls, your dad is going to end it tonight and he's sorry.",
        ],
        &[
            "Sorry son. Your dad tried to end it on Tuesday, and the ward says he's safe for now.",
            "Kids, your mum won't be here when you wake up, she's on the early shift.",
            "This old man has had enough of the roadworks outside the house.",
            "Kids, Grandad won't see the morning, the hospice nurse says. Be brave for Nana.",
            "My dad said he can't go on like this and I'm frightened for him.",
        ],
    );
}

/// Round 10 (issue 11, L-28, SAFE-3; L-11, SAFE-4): an animal dying of age or illness was a
/// crisis to the self-harm phrases and a threat to the threat ones. It is set aside only with
/// an age or an illness told, no one's hand in it, and no condition or second person: a pet's
/// "won't last the winter" said to the owner with a condition stays a threat.
#[test]
fn round_10_an_animal_dying_of_age_is_neither_a_crisis_nor_a_threat() {
    let natural = [
        "Our old spaniel won't see another summer, the vet has found a growth.",
        "My cat is terribly poorly and won't last the week.",
        "The old collie won't last the winter, the vet reckons her heart is failing.",
    ];
    crisis_only_in(&[], &natural);
    threat_only_in(
        &[
            "Your old dog won't see another summer if you keep me from the kids.",
            "That old dog won't last the winter. I'll make sure of that myself.",
        ],
        &natural,
    );
    for text in natural {
        assert!(!report(text, Kind::Apology).crisis, "crisis for {text:?}");
    }
}

/// Round 10 (issue 11, L-28, SAFE-3): idioms that share a crisis's words ("those comments cut
/// deeper", "for my own peace of mind", "cross my heart and hope to die") raised a crisis. Their
/// exceptions drop only the words they cover, so a crisis beside them keeps its alarm.
#[test]
fn round_10_idioms_of_hurt_words_peace_of_mind_and_a_promise_are_not_a_crisis() {
    crisis_only_in(
        &[
            "For my own peace of mind the will is signed, and I'm taking every pill tonight.",
            "Her words cut deep, so I cut my arm again last night.",
        ],
        &[
            "Those comments cut deeper than she'll ever know, but we talked it through.",
            "I'll lock the side gate as well, for my own peace of mind.",
            "I'll have it back by Friday, cross my heart and hope to die.",
        ],
    );
}

/// Round 10, part 2 (issue 11, L-28, SAFE-3; L-11, SAFE-4): the misses of the round-8 blind file
/// (a development file now) as phrase families in `outright-10` and `menace-10`, hidden from the
/// learned scorer: fresh marks on the body, a date set to be dead by, a note read after the
/// writer is gone, a whole strip swallowed, "wanna die" misspelt;
/// sorting someone out face to face, "you can't hide from me", their route or street found, a
/// new partner warned, private pictures sent to every contact. Their everyday neighbours (drink
/// downed, hair dyed, a lift sorted, the christening photos sent on) stay quiet.
#[test]
fn round_10_part_2_blunt_crises_and_menace_in_plain_and_text_speak() {
    crisis_only_in(
        &[
            "Two new cuts along my wrist tonight and nobody noticed.",
            "I'm planning to be dead before the exams start.",
            "by the time u see dis ill be gone. sorry mum",
            "Swallowed the whole strip of paracetamol an hour ago.",
            "honestly i wanna dii rn",
        ],
        &[
            "We downed a whole bottle of wine at the wedding and danced till two.",
            "i wanna dye my hair green for the match",
        ],
    );
    threat_only_in(
        &[
            "I'll sort him out face to face next time I see him.",
            "Tell your brother I'm going to sort him out properly.",
            "U cant hide from me forever.",
            "I found out which gym he goes to on Tuesdays.",
            "Tracked down your street last night. Nice front door.",
            "Her fiance ought to look over his shoulder from now on.",
            "I'm forwarding the screenshots of our chats to your whole family tonight.",
        ],
        &[
            "I'll sort you out with a lift to the airport on Friday.",
            "We finally found the flat we wanted, near the park.",
            "I'll send the photos from the christening to your family tonight.",
            "I know your road floods every winter, so leave early.",
        ],
    );
}

/// Round 10, part 2 (issue 11, L-11, SAFE-4): fire promised to a thing of theirs in a few words
/// ("one match and the lot goes up", "make it go up in flames") was missed on the round-10
/// training writers; `arson-10` holds the family. A season lost, a price, a match in a box stay
/// everyday.
#[test]
fn round_10_part_2_fire_promised_to_their_things_in_a_few_words() {
    threat_only_in(
        &[
            "That bakery you got in the divorce? One match and the lot goes up.",
            "Your dad's garage is full of old rags. I could make it go up in flames any night.",
        ],
        &[
            "One match and it's gone, the whole season, so we have to win on Saturday.",
            "Petrol's cheap this week at the big garage, so fill up there.",
            "One match left in the box, so light the candles carefully.",
        ],
    );
}

/// Round 10, at the merge (issue 11, L-28, SAFE-3): an overdose wanted for tonight in a few
/// words ("feel like overdosing tonight", "wanna od 2nite") was missed in every spelling;
/// `overdose-soon-10` holds it. Sugar, coffee and the news about overdoses stay everyday.
#[test]
fn round_10_an_overdose_wanted_for_tonight_in_a_few_words() {
    crisis_only_in(
        &[
            "feel like overdosing tonight, nobody would notice",
            "honestly i wanna od 2nite",
            "I'm thinking about overdosing again this weekend.",
        ],
        &[
            "I feel like overdosing on chocolate after that exam.",
            "The news tonight was about overdoses in the city centre.",
            "Planning to overdose on coffee tomorrow before the shift.",
        ],
    );
}

/// Round 10 (issue 11, L-28, SAFE-3): "gonnakillmyself" typed as one word was missed while
/// "imgonnakillmyself" was caught; the joins in `lexicons/spelling.toml` now read the "gonna" and
/// "wanna" forms apart. "gonna" and "wanna" on their own stay everyday.
#[test]
fn round_10_gonnakillmyself_typed_as_one_word_is_a_crisis() {
    crisis_only_in(
        &[
            "gonnakillmyself",
            "honestly wannakillmyself rn",
            "im done gonnaendit tonight",
        ],
        &[
            "gonna be late, save me a seat",
            "wanna grab food after the match?",
        ],
    );
}
