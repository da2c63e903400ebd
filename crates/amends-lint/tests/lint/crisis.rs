//! L-28 (SAFE-3): the cue-class layer of the self-harm rule. Crisis lines from five rounds of
//! probe lines written to find what the phrase list missed (each round run before anything
//! was tuned on it, then its misses fixed as families), and a private held-out round written
//! before the cue classes existed; hard negatives from the same rounds. The lexicon examples
//! in `lexicons/rules/self-harm.toml` hold the sentences the classes were first written for.

use amends_lint::{Kind, Verdict, check};

/// Every text sets crisis and must not be sent, as a journal entry and as an apology; the
/// failure lists all that did not.
fn assert_all_crisis<'a>(texts: impl IntoIterator<Item = &'a &'a str>) {
    let mut missed = Vec::new();
    for text in texts {
        for kind in [Kind::Journal, Kind::Apology] {
            let r = check(text, kind, None).unwrap();
            if !r.crisis || r.verdict != Verdict::DoNotSend {
                missed.push(format!("{text:?} as {kind}"));
            }
        }
    }
    assert!(missed.is_empty(), "no crisis for:\n{}", missed.join("\n"));
}

/// No text sets crisis in a journal entry; the failure lists all that did, with the findings.
fn assert_no_crisis<'a>(texts: impl IntoIterator<Item = &'a &'a str>) {
    let raised = crises(&|t| check(t, Kind::Journal, None).unwrap(), texts);
    assert!(raised.is_empty(), "crisis for:\n{}", raised.join("\n"));
}

/// The texts that set crisis with `check`, each with its findings.
fn crises<'a>(
    check: &dyn Fn(&str) -> amends_lint::Report,
    texts: impl IntoIterator<Item = &'a &'a str>,
) -> Vec<String> {
    texts
        .into_iter()
        .filter_map(|text| {
            let r = check(text);
            r.crisis.then(|| format!("{text:?}: {:?}", r.findings))
        })
        .collect()
}

/// The rules without the learned scorer: what the cue-class layer's own tests are about.
static RULES: std::sync::LazyLock<amends_lint::Engine> =
    std::sync::LazyLock::new(|| amends_lint::Engine::new().unwrap().rules_only());

/// Hard negatives the rules were built to pass: the rules alone raise no crisis on any of
/// them; the combined coach (rules and the learned second opinion, issue 11) on at most
/// `ceiling` (the model sees words, not how the cue classes combine them, and these lines
/// were written to share the lexicon's words). Held out on new writers' lines the model's
/// additions cost 0.7% false alarms (`model/TRAINING.md`), so the ceiling is a floor against
/// regressions, not an estimate.
fn assert_rules_pass_and_model_at_most<'a>(
    kind: Kind,
    texts: impl IntoIterator<Item = &'a &'a str> + Clone,
    ceiling: usize,
) {
    let by_rules = crises(&|t| RULES.check(t, kind, None), texts.clone());
    assert!(by_rules.is_empty(), "crisis for:\n{}", by_rules.join("\n"));
    let combined = crises(&|t| check(t, kind, None).unwrap(), texts);
    assert!(
        combined.len() <= ceiling,
        "crisis with the model for:\n{}",
        combined.join("\n")
    );
}

/// The probe rounds' crisis lines caught after their fixes (the ones still missed are listed
/// in the crate README).
const PROBE_ROUNDS: &[&str] = &[
    "i've got a bottle of vodka and all my sleeping pills on the table",
    "I bought a second packet of paracetamol from a different shop so they wouldn't ask",
    "the rope is in the boot of my car",
    "I sat on the edge of the bath with the razor for an hour",
    "i know which tree in the park i'd use",
    "I checked how much insulin it would take",
    "every time a train goes past I think about stepping off the platform",
    "I walked to the cliffs today and stood really close to the edge",
    "I've been sitting in the car in the garage with the engine running",
    "there's a beam in the garage that would hold my weight",
    "I keep the knife under my pillow now",
    "I've sorted everything so nobody has to deal with my mess after",
    "I cancelled my phone contract and closed my bank account, there's no need for them now",
    "i've said everything i needed to say. take care of mum for me",
    "I've made my peace with it",
    "Tell the kids I love them and it's not their fault.",
    "I'm not going to be at your wedding. I won't be anywhere.",
    "i'm so done with being alive",
    "nothing will ever be okay again",
    "i don't want to do this life thing anymore",
    "i feel like i'm just waiting to die",
    "there's no light at the end of the tunnel for me",
    "I'm trapped and the only way out I can see is permanent",
    "my family would be better without the drama I bring, better without me full stop",
    "they'll cry for a week and then life will be easier for them",
    "if I got cancer I wouldn't get it treated",
    "I step into the road without looking now. if it happens it happens",
    "sometimes when I'm driving I think it wouldn't be so bad to crash",
    "i punched the wall until my knuckles split, i wanted it to hurt",
    "i took a few extra pills just to see what would happen",
    "kms fr",
    "lowkey want to die lol",
    "ready to end it all tbh",
    "i want to disappear permanently",
    "idk how much longer i can keep going",
    "i can't keep pretending i'm okay, i'm not going to be here much longer",
    "honestly thinking of just ending things",
    "I'm thinking of ending things",
    "the world would keep turning without me, nobody would notice",
    "i just want to not exist for a while",
    "i hope i get hit by a bus",
    "I want to go to sleep and not wake up",
    "i keep hoping something will just kill me",
    "i wrote a note for when they find me",
    "Hey. I know I'm the last person you want to hear from. I'm sorry for lying about the money, it was wrong and you didn't deserve it. I've been stockpiling my sleeping tablets and I think about using them most nights.",
    "i’m so sorry for everything i put you through. honestly i don’t see the point in anything anymore",
    "im not ok. i keep standing on the balcony at night looking down 😞",
    "u wont have to put up w me for much longer",
    "gave my cat to my neighbour today and wrote my sister a long letter. i feel weirdly calm",
    "I googled how long it takes to bleed out",
    "There’s a bottle of my mum’s old tablets in the cupboard and I can’t stop thinking about them.",
    "i'm such a burden to everyone, they'd honestly be better off",
    "Sometimes I hold the razor and just sit there for ages.",
    "i dont want to be here anymore",
    "I keep thinking everyone would be happier if I just wasn't around anymore.",
    "tried to end it last year. feeling like that again",
    "I'm writing this because I want you to know it wasn't your fault, none of it. Look after the dog for me.",
    "I just need it all to be over.",
    "I don't think I can keep going much longer",
    "im done. with everything. for good this time",
    "i swallowed a load of pills last night and woke up this morning disappointed",
    "Every morning I wake up and I'm disappointed I'm still here.",
    "i hope i just dont wake up one day",
    "I’ve been self-harming again, mostly my legs so no one sees.",
    "all i think about is dying",
    "I have nothing left. No job, no you, nothing. What's the point.",
    "The only thing stopping me is my mum.",
    "i've been saying my goodbyes in my head",
    "I'm sorry. For everything. I can't keep doing this. Please don't hate me after.",
    "I think the world would be a better place without me in it.",
    "I drove to the coast today and sat at the top of the cliffs for hours.",
    "I sat on the wall of the bridge last night with my legs hanging over.",
    "my meds are all in one pot now, ready",
    "ive started writing letters. one for each of them",
    "I keep imagining the funeral and thinking they'll be fine without me",
    "If I didn't exist nobody would have to clean up my messes.",
    "there’s a spot on the cliffs I keep going back to",
    "I don’t want to be alive for this",
    "sorry for the dramatic text but I don't think I'll be here much longer x",
    "I'm so sorry about Saturday. I know I ruined it. Honestly I ruin everything, maybe it'd be better if I just disappeared.",
    "i've had enough of life",
    "the pain is too much and i want out",
    "I just want to sleep forever and never deal with anything again",
    "I think about hanging myself more than I'd like to admit",
    "I've been reading about which pills are the most dangerous",
    "im a mistake. i shouldnt be here",
    "I'm ready to die",
    "took a whole strip of my tablets last night",
    "Everything would be easier if I just wasn’t here anymore",
    "I'm going to do it tonight, I've decided.",
    "Tonight I'm going to take them all.",
    "I don't see myself getting older",
    "I can't live like this anymore",
    "I'm so lonely I wish I could just stop",
    "there's a knife in my drawer and I keep taking it out",
    "sometimes on the motorway I think about letting go of the wheel",
    "I wish I was never born",
    "I'm tired of being alive, so tired",
    "i'm thinking about overdosing",
    "I'm writing to say sorry for the things I said in March. I was cruel and you didn't deserve it. I won't bother you again, I'm not planning on being around much longer anyway.",
    "i keep thinking my kids deserve a better dad than me and that they'd get one if i was gone",
    "I walked out to the middle of the bridge and couldn't make myself walk back for a long time",
    "Not sure how to say this but I've been collecting pills",
    "Counting down the days now. Not long left.",
    "I can't be here anymore.",
    "Honestly it'd be a relief not to wake up",
    "i'm fine. i've sorted everything out now so it won't be a problem for anyone.",
    "Please make sure Max gets walked, I won't be able to.",
    "I'm gonna go for a long walk into the sea",
    "I've been looking at the rail line behind my house a lot lately",
    "don't be sad when i'm gone ok",
    "I want to go to sleep and not have to wake up to any of this",
    "I'm worthless and I'm going to make it stop",
    "I just want to end the pain for good",
    "How many of my sleeping pills would be too many?",
    "I can't stop crying and I keep looking at the bottle of pills",
    "i bought a hose for the car",
    "I've decided I'm not going to be here for Christmas",
    "no one can help me now, it's too late",
    "I want to hurt myself so badly right now",
    "I've started giving my clothes to charity, I won't need them",
    "i keep a bottle of pills in my coat pocket now, just in case",
    "I found out where dad keeps the key to the gun cabinet",
    "the multi-storey by the station has no barriers on the top floor, I checked",
    "i've got enough of my meds saved to do it properly this time",
    "I keep the blade in my phone case",
    "I've cleared out my flat and paid off what I owe, so that's done",
    "i've said bye to everyone who matters, they just don't know it",
    "I won't make it to your graduation, I'm sorry",
    "I've put everything in order for the kids",
    "The passwords for everything are in the notebook in my desk",
    "what's the point of carrying on",
    "i dont think things will ever get better for me",
    "nothing's going to change, i'm so tired of trying",
    "Everything is pointless and I'm exhausted",
    "I'm sick of waking up every day",
    "nobody would miss me, honestly",
    "my family would have one less thing to worry about",
    "they'd all be better off, it's true",
    "i'm such a weight on everyone",
    "if I disappeared tomorrow no one would notice for weeks",
    "i wouldn't mind if the plane went down",
    "sometimes i hope i get something incurable",
    "when I cross the road I don't really look anymore",
    "it would be nice to just not wake up",
    "part of me hopes the surgery goes wrong",
    "i wouldn't fight it if i got really ill",
    "i burnt my hand on the hob on purpose",
    "cut again last night, deeper this time",
    "I’ve been hitting myself when I get like this",
    "scratched my arms raw again",
    "i pulled my hair out till it bled",
    "I starve myself when I feel like this, I deserve it",
];

/// Everyday wording with a cue in it: a bridge, pills, a goodbye, "I'm done".
const PROBE_ROUND_NEGATIVES: &[&str] = &[
    "I'm sorry I lied about the money. I've been seeing a counsellor and I'm paying it back weekly.",
    "Honestly I don't see the point in arguing about who's right anymore, I was wrong.",
    "I sat on the balcony looking at the stars and thought about what you said.",
    "You won't have to put up with me turning up uninvited again, I promise.",
    "Gave my old bike to my neighbour's kid today, he was so happy.",
    "I googled how to apologise properly and most of it was rubbish.",
    "There's a bottle of wine in the cupboard I've been saving for when we talk again.",
    "I'm such a burden on the group chat with my rants lol.",
    "I hold my breath every time my phone buzzes, hoping it's you.",
    "I don't want to be here at this party without you.",
    "The train didn't stop at my station again, I'll be late.",
    "I just need this week to be over.",
    "I'm done with lying. For good this time.",
    "I took two paracetamol for my headache and went to bed.",
    "I was disappointed when I woke up and it was still raining.",
    "I hope you didn't wake up to too many of my messages.",
    "I've been clean from drinking for 40 days now.",
    "All I think about is how I hurt you.",
    "I have nothing left to say except I'm sorry.",
    "The only thing stopping me texting you every day is respect for what you asked.",
    "I've been saying sorry in my head for months.",
    "I'm sorry for everything. I can't keep doing this to you, so I'm stepping back for good.",
    "The world would be better if more people listened like you do.",
    "I feel like a ghost in my own house since you left.",
    "I drove to the coast today and watched the waves for hours.",
    "I'd jump at the chance to make it up to you.",
    "my therapist says I need to stop killing myself over every mistake",
    "I nearly died laughing at the card you sent.",
    "We should cut ties with the old group, they're toxic.",
    "I'm in bits. But I'm going to my brother's this weekend and he's looking after me.",
    "I've been saving up my holiday so I can take the kids to the coast.",
    "I hid your birthday present in the wardrobe, don't look!",
    "I keep my tablets in my bag in case I get a migraine at work.",
    "There's a bottle of wine open and I'm watching the football.",
    "I bought a new kitchen knife set since mine were blunt.",
    "We walked along the cliff path and it was stunning.",
    "I stood at the top of the Shard and the view was unreal.",
    "I looked down from the viaduct and saw the whole valley.",
    "My brother has a gun licence for clay shooting.",
    "I'm so tired after work I could sleep for a year.",
    "What's the point in me cooking if nobody eats it lol",
    "Nothing matters more than the kids right now.",
    "I'm exhausted and numb after the funeral, but the family's rallying round.",
    "I'm such a burden on my mum while my leg heals, she's been amazing.",
    "You'd be happier with someone who doesn't let you down.",
    "If I wasn't here, who'd feed the cat? Ha.",
    "I won't be around much longer at this job, I've been offered a new one.",
    "I won't be here next year, we're moving to Manchester in August.",
    "I've written thank you cards for everyone who came.",
    "I cancelled my gym and closed my old savings account, trying to budget.",
    "I feel calm and ready for the interview tomorrow.",
    "I've made my decision: I'll go to therapy every week, whatever happens between us.",
    "I'm giving up sugar for Lent.",
    "Thank you for everything, and goodbye. I'll leave you in peace now.",
    "I'm not going to be around this weekend, I'm at a stag do.",
    "I'm ready to go now, are you picking me up?",
    "I hope the plane isn't delayed again.",
    "I took a handful of sweets from the jar, sorry not sorry.",
    "I keep holding the ring you gave me and thinking about us.",
    "I rang the helpline my GP gave me and it really helped.",
    "The bridge on my way to work is closed so I've been leaving early.",
    "I looked at the tablets the doctor prescribed and they're the same as before.",
    "I've got loads of paracetamol in the cupboard if you need some for your cold.",
    "I jumped off the bus a stop early to get you flowers.",
    "I stepped out in front of a cyclist without looking, I was so distracted, sorry.",
    "There's a hook in the hallway for your keys now.",
    "I'm sorry I drank so much at the wedding, I was a mess and I hate myself for it.",
    "Nobody would even notice the scratch on the car, don't worry.",
    "honestly the world's a better place with you in it",
    "I'd be doing you a favour by giving you space, so I will.",
    "My nan passed away and I'm sad, but we're having a lovely service for her.",
    "It would be so easy to slip back into old habits, so I'm staying in touch with my sponsor.",
    "I can't see a way to make it up to you, but I'm going to keep trying.",
    "I keep going back to the park where we met.",
    "I'm drowning in paperwork this week.",
    "When I'm gone on the course, my sister will check the post.",
    "Please look after yourself for me.",
    "I'm not scared of the dentist anymore haha.",
    "Everything I touch in the kitchen turns to disaster lol.",
    "I hate myself for missing your call.",
    "I'm going to die if I don't get a coffee soon",
    "This run is going to be the death of me",
    "I'd rather die than sing karaoke again haha",
    "I'm dying to see the new flat",
    "I want to die of embarrassment every time I remember that night lol",
    "My phone is going to die, I'll call you later",
    "I'm gonna kill it at the interview tomorrow",
    "I'm thinking about ending my gym membership",
    "I'm going to end it with the landlord and find somewhere else",
    "I decided to take them all to the park on Sunday, the kids loved it",
    "I want to take them all out for dinner to say thanks",
    "Thinking about overdoing it at the gym, my legs are gone",
    "I'm tempted to just sleep all weekend",
    "I tried to end it nicely with him but he shouted",
    "I'm ready for the end of term honestly",
    "I'm going to disappear into a book this weekend",
    "I'm so tired I could sleep forever",
    "My grandad is dying and I'm trying to be strong for mum",
    "I'm planning to stop drinking for good",
    "I wanna disappear under the duvet all day",
    "I'd rather not exist in that group chat anymore lol",
    "I'm sorry for the things I said in March. I was cruel and I'm working on it with a counsellor every week.",
    "I think the kids deserve a better dad than the one I was, and I'm going to be him.",
    "I've been collecting stamps again, it's calming.",
    "Counting down the days until the holiday!",
    "I can't be here at six, can we make it seven?",
    "It'd be a relief not to have that meeting tomorrow.",
    "Every night I tell myself this is the last night I'll check your Instagram, and I mean it now.",
    "I've sorted everything out with the bank so the joint account is closed.",
    "Please make sure Max gets walked while I'm at my mum's.",
    "I'm going for a long walk by the sea to clear my head.",
    "Thinking about driving off to Cornwall for a week.",
    "Everyone would be better if I stopped interrupting, I know.",
    "I've been looking at the rail timetable for the trip.",
    "Don't be sad when I'm gone to Australia, we'll video call!",
    "I want to sleep in tomorrow and not wake up until noon.",
    "I don't want to feel this angry ever again, so I'm doing the course.",
    "I'm going to make it stop: no more checking your stories.",
    "I want to end the arguments for good.",
    "How many of my vitamins should I take? The label is smudged.",
    "I keep looking at the bottle of wine you left and smiling.",
    "I bought a hose for the garden.",
    "I think this is it for me and that job, I'm handing in my notice.",
    "I'm sorry mum, I'll be late for dinner.",
    "It's too late to fix that, but not too late to say sorry properly.",
    "I used to want to win every argument. I don't anymore.",
    "The world doesn't need another apology from me, it needs me to change.",
    "I've started giving my clothes to charity, the wardrobe is finally clear.",
    "Honestly I'm worthless at maths, can you check this?",
    "I hurt my wrist at the gym so I'm resting it.",
    "There's a level crossing near the house and the barriers take ages",
    "I keep a bottle of hand gel in my coat pocket now",
    "Dad keeps the key to the shed on the hook by the door",
    "The multi-storey by the station is the cheapest place to park",
    "I've saved up enough to pay you back what I owe",
    "I keep my bank card in my phone case",
    "I've cleared out my flat because the lease ends in May",
    "I left my mum a birthday card under her pillow",
    "I said bye to everyone at the leaving do",
    "I won't make it to your graduation, I'm in Spain that week, but I'm so proud of you",
    "I've put everything in order for the tax return",
    "The passwords for the streaming accounts are in the notebook",
    "What's the point of carrying on this argument?",
    "I don't think things will ever get better between my brother and me",
    "Nothing's going to change if I don't change first",
    "Everything is so busy and I'm exhausted",
    "I honestly can't see a way through this traffic",
    "I'm sick of waking up early for work",
    "Nobody would miss me at that meeting, honestly",
    "My family would have one less thing to worry about if I passed my test",
    "I'm just in everyone's way in the kitchen at Christmas",
    "They'd all be better off with the new manager, it's true",
    "If I disappeared from Twitter no one would notice",
    "I'd be relieved if the plane landed early",
    "I burnt my hand on the hob making pancakes",
    "I cut my hair again last night, shorter this time",
];

/// The private held-out round: 2 of 30 caught before the branch, 17 of 30 before its fixes.
const HELD_OUT: &[&str] = &[
    "every time i'm on the platform i think about how easy it would be to just step forward",
    "I've written everyone a letter and put them in the drawer",
    "honestly it doesn't matter anymore, none of it does",
    "i bought a rope today",
    "I keep standing at the top of the stairwell at work looking down",
    "nothing is ever going to get better for me",
    "i just want to stop feeling anything. permanently.",
    "if i got hit by a bus tomorrow i honestly wouldn't care",
    "I've relapsed, the blade is back in my bag",
    "there's no future for me, I can see that now",
    "they'd barely notice i was gone tbh",
    "Don’t worry about returning my stuff, I won’t need it where I’m going.",
    "I've been cutting again and this time it was deep",
    "I keep driving past the reservoir at night and sitting in the car",
    "the tablets are lined up on the shelf and I keep staring at them 💊",
    "I can't see myself being here next year",
    "it would be so easy to just let go",
    "i hope i dont wake up tomorrow tbh",
    "I'm exhausted of being me, I don't want to do it anymore",
    "Please look after Bella for me, she likes the blue lead.",
    "I’ve made my decision and I feel calm about it now, this is the last thing I’ll write",
    "I'm sorry for everything. I won't be a problem for anyone after tonight.",
    "i burned my arm with a lighter on purpose last night",
    "I'd be doing everyone a favour by disappearing",
    "what's the point in trying, nothing ever changes and nothing ever will",
    "I stood on the roof of my building for an hour last night",
    "i want to go to sleep for a really long time and not come back",
];

/// Its hard negatives: 2 of 30 false alarms before the branch, 3 of 30 before its fixes.
const HELD_OUT_NEGATIVES: &[&str] = &[
    "I could murder a pizza right now",
    "Work is so dead this week I might die of boredom",
    "I'm giving my old clothes away, the wardrobe is overflowing",
    "I picked up my prescription pills at the pharmacy today",
    "I can't do this job anymore so I handed my notice in",
    "The bridge was closed so I took the long way home",
    "I stood on the roof terrace and watched the fireworks",
    "What's the point of arguing over the sofa, you keep it",
    "I'm so tired of the rain, I want it to stop",
    "This is goodbye for now, I'll respect the space you asked for",
    "I won't be around for your birthday, I'm working abroad that week",
    "I'm done with the gym for good, my knee can't take it",
    "I hurt my back lifting boxes",
    "Nobody would notice if I skipped the reunion",
    "I'm dead tired after the double shift",
    "That film about the train crash was so sad",
    "I took a razor to my beard finally lol",
    "I've written my mum a birthday letter",
    "I'm sorry I made you feel like you were a burden",
    "I wish the fighting would stop, it's hurting the kids",
    "There's no way out of this contract until March",
    "my phone's on 2% so this is my last text for a bit",
    "I cut my finger chopping onions",
    "The cliff walk was beautiful, you'd have loved it",
    "I'm tired of everything being my fault, so I'm going to start owning it and stop making excuses",
    "I'm sick of this weather, I want the summer back",
    "I've stockpiled enough tinned food for the winter",
    "I don't see the point of going to that party",
    "I keep thinking about the bridge we crossed on our first date",
    "I'd rather die than sing karaoke again haha",
];

#[test]
fn probe_round_crises_set_crisis() {
    assert_all_crisis(PROBE_ROUNDS.iter().chain(HELD_OUT));
}

/// With the learned second opinion (issue 11), two of these 186 lines are raised: "There's no
/// way out of this contract until March" and "I don't see the point of going to that party".
/// Round 6's retrain of the heads raises a third: "I wish the fighting would stop, it's
/// hurting the kids" (a linear model over words: "would stop" and "hurting" weigh as a crisis).
/// Round 8's retrain on 36 writers' lines (held out on 28 new writers, recall about 0.70 ->
/// 0.83) raises four: "Thank you for everything, and goodbye. I'll leave you in peace now.",
/// "I'm so tired of the rain, I want it to stop" and the first two above.
#[test]
fn probe_round_hard_negatives_are_not_a_crisis() {
    assert_rules_pass_and_model_at_most(
        Kind::Journal,
        PROBE_ROUND_NEGATIVES.iter().chain(HELD_OUT_NEGATIVES),
        4,
    );
}

/// The second safety round (L-28, SAFE-3): explicit statements in every frame and spelling
/// ("i just cant be alive anymore", "ending it all tonight", "I almost killed myself"), then
/// indirect families: burden with death, means handled or looked up, a plan, a date or a
/// hiding place, final words, wanting everything quiet for good, waking up disappointed,
/// self-injury told with the body and a sign it was meant. Written for this round in our own
/// words; the last block was written after the fixes and run before any tuning on it.
const SECOND_ROUND: &[&str] = &[
    "honestly i dont think i deserve to be alive after what i did",
    "I just can't stay alive anymore, I'm sorry.",
    "i wont be alive by the time you get back from your trip",
    "I've made up my mind that I won't carry on living.",
    "i want to stop living. thats all i want",
    "I'm not planning to survive the weekend.",
    "I'll be dead by Friday and nobody will care.",
    "gonna end it all this weekend, already decided",
    "im ending it tomorrow. i love you",
    "I nearly killed myself in March and I haven't told anyone.",
    "i tried to kill myself in the spring",
    "this time im going to make sure i dont wake up",
    "I'm scared I'll actually go through with it this time.",
    "death feels like the only way out now",
    "the only option left is to end it",
    "it'd be easier for everybody if i wasnt alive",
    "honestly the world would be fine without me in it existing",
    "me not existing would solve everything",
    "i just want out of life",
    "I doubt I'll be alive by new year.",
    "i know what im about to do to myself",
    "keep thinking about using the razor on myself",
    "i cant be alive anymore i cant",
    "evry1 wud be better of without me honestly",
    "i dont wanna be aliv anymore",
    "the last thing ill ever write is this",
    "I've chosen a place where no one will find me for days.",
    "please dont let my son be the one to find me",
    "there's a date in my calendar and it's not a birthday. by then i wont be here",
    "I've written down exactly how I'll do it so I don't lose my nerve",
    "i'm always so disappointed to wake up in the morning",
    "I want my brain to go silent forever",
    "my sister would get over it if i was gone, they all would",
    "i looked up how tall the viaduct is on the way to work",
    "i press my arm against the radiator until it blisters, i deserve it",
    "i wear hoodies all summer so nobody sees my arms",
    "I'm not eating on purpose, I don't deserve to",
    "I've stopped eating. I don't deserve food.",
    "i still have my old prescription and ive started saving the tablets instead of taking them",
    "closed my accounts and paid off my card, so it's all squared away before the end",
    "she hugged me at the station and had no idea it was the last hug she'd ever get from me",
    "don't blame yourself for what happens tonight. goodbye",
    "i bang my head against the wall till it bleeds when i get like this",
    "I keep scratching my legs until they bleed",
    "if i disappear for good it'll be a relief for them",
    "I think everyone would be happier if I wasn't born.",
    "im done. i mean with life, not with us",
    "i wish i could stop being alive",
    // Written after the fixes, caught on the first run or fixed as a family.
    "i honestly should not be alive right now",
    "I'm not sure I want to stay alive much longer",
    "whats the point in staying alive",
    "no longer want to be alive tbh",
    "by next week i'll be dead and it won't matter",
    "i think i'll end it on saturday",
    "im ending my life this weekend",
    "i came close to killing myself on tuesday",
    "I've attempted before and I think I'll try again",
    "killing myself is the only answer left",
    "they'd cope fine if i wasnt breathing",
    "I'm so sorry. I won't be alive to see you forgive me.",
    "I held the lighter to my wrist till it burnt",
    "im hiding the burns with plasters so nobody asks",
    "i keep cutting my thighs where nobody can see",
    "I don't eat anymore, I don't deserve it",
    "I gave the dog to my neighbour and said goodbye to him properly",
    "I've told my sister where the will is, she doesn't know why",
    "i want it all to go dark",
    "i am so done with being here",
    "i wish i didnt exist",
    "sometimes i hope my heart just stops in my sleep",
];

/// The second round's hard negatives: hangovers, idioms ("shoot myself in the foot", "taking
/// my life in a new direction"), letters of apology, wills for a new baby, affairs before a
/// move, a rope for the bikes, the landlord, and other everyday uses of the new families.
const SECOND_ROUND_NEGATIVES: &[&str] = &[
    "I was so hungover on Sunday I wanted to die, sorry for snapping at you.",
    "I always shoot myself in the foot when I get defensive.",
    "I'm taking my life in a different direction and that means owning what I did.",
    "I've written letters to everyone I owe an apology, starting with yours.",
    "We made our wills after the baby arrived, it just felt sensible.",
    "I'm getting my affairs in order before the move to Glasgow.",
    "I bought rope to hang the bikes up in the garage.",
    "Nothing will get better with the landlord unless we all sign the letter.",
    "I nearly killed myself laughing at your message.",
    "I'm ending it with him tonight, I owe him honesty.",
    "I'll finish it tonight and send it to you tomorrow.",
    "I almost killed myself tripping on the stairs, I'm fine though.",
    "I want to get the most out of life now, with or without you.",
    "I won't be here by six, I've got a dentist appointment.",
    "I've stopped eating meat on purpose, it's for my health.",
    "I skip breakfast at work because there's no time.",
    "I wear long sleeves at work because the office is freezing.",
    "The neighbours' drill finally went quiet, thank god.",
    "I'd love a cabin in the woods for a week, somewhere quiet.",
    "While I'm still here in London, could we meet for coffee?",
    "I'm going to go through with the apology call tomorrow.",
    "I'm not going to keep living with my parents, I'm moving out.",
    "The last time we'd ever speak was at the station, and I regret how I acted.",
    "I stopped living in the past and started therapy.",
    "I'll be dead tired by the end of this shift.",
    "don't blame yourself for the way things ended, it was on me",
    "I covered my face when I saw what I'd written, so embarrassing.",
    "I burnt my hand on the hob making pancakes, all good now.",
    "I did a sponsored run for a suicide prevention charity last spring.",
    "I'm disappointed to wake up to rain again on my day off.",
    "I'm so full I could die, that dinner was amazing.",
    "I'd kill to have that weekend back.",
    "I'm taking my life back one day at a time, in therapy.",
    "I wrote everyone a thank-you card after the funeral.",
    "I'm updating my will since we bought the house.",
    "I stopped taking the antibiotics when the course finished.",
    "I've been saving my holiday days for your visit.",
    "I'm not going to be around this weekend, I'm at my brother's wedding.",
    "I hung a rope swing for the kids in the garden.",
    "I'm done with the night shifts for good, I handed in my notice.",
    "It'll be quiet at the flat now that I'm gone for the summer.",
    "I looked up how tall the Shard is for the kids' project.",
    "The last time I'll ever take that job for granted.",
    "Nobody will find me at the party, I'm hiding in the kitchen lol.",
    "Don't blame yourself for what happens with the house sale.",
    // Everyday uses of the new explicit families, checked after they were written.
    "If I'm late again I'll be dead meat.",
    "My boss will kill me, I'll be dead if I miss the deadline.",
    "I'm not going to keep living out of a suitcase.",
    "I want to stop existing on takeaways and cook properly.",
    "I want my life back to normal.",
    "Honestly I can't be alive before 9am without coffee haha.",
    "I'll make sure I don't wake you when I come in.",
    "I'm going to make sure it doesn't happen again.",
    "The only option left is to sell the car.",
    "Dying is the only way I'll get out of that group chat lol",
    "I'd be happier if I wasn't so busy all the time.",
    "It'd be easier for everyone if I wasn't at the meeting.",
    "I want it to be quiet tonight so I can study.",
    "I want the house to go quiet for good once the builders leave.",
    "I held the candle to my face so you could see me on the video call.",
    "Don't let the kids find me wrapping their presents!",
    "I'm disappointed to still be here at the office at 8pm.",
    "I've attempted the recipe before and it went badly.",
    "I nearly killed myself on my bike this morning, the brakes went.",
    "I'm ending it on Friday with the gym, the contract is too expensive.",
    "I'll be gone before the end of the week, off to Spain.",
    "It's the last time I'll ever write an essay that late.",
    "I wear long sleeves so nobody sees my tattoos at work.",
    "I've stopped eating sugar on purpose.",
    "I want it all to go quiet for a while so I can think about what I did.",
    "while I'm still here at uni, I want to make amends properly",
    "I won't be alive to see the end of that TV series at this rate lol",
];

#[test]
fn second_round_crises_set_crisis() {
    assert_all_crisis(SECOND_ROUND);
}

#[test]
fn second_round_hard_negatives_are_not_a_crisis() {
    assert_no_crisis(SECOND_ROUND_NEGATIVES);
}

/// A co-occurrence is one finding whose span runs from the first cue word to the last, in the
/// user's own characters (curly apostrophes, emoji), across a sentence break if need be.
#[test]
fn a_co_occurrence_points_at_the_words_that_show_it() {
    for (text, excerpt) in [
        (
            "there\u{2019}s a bridge on my way home and I slow down every time I cross it \u{1F614}",
            "bridge on my way home and I slow down",
        ),
        ("I have the pills saved up", "pills saved up"),
        (
            "Sorry for everything. I won\u{2019}t be around for your birthday.",
            "won\u{2019}t be around for your birthday",
        ),
        (
            "There's a multi storey by work. I keep standing at the top looking down.",
            "multi storey by work. I keep standing at the top",
        ),
    ] {
        let r = check(text, Kind::Apology, None).unwrap();
        assert!(r.crisis, "{text:?}");
        let f = r.findings.iter().find(|f| f.rule == "self-harm").unwrap();
        assert_eq!(f.excerpt, excerpt, "{text:?}");
        assert_eq!(&text[f.span.start..f.span.end], f.excerpt);
        assert_eq!(f.method, "L-28");
        assert!(f.message.contains("SAFE-3"));
    }
}

/// Each cue alone is everyday talk, for the cue classes. The learned second opinion (issue 11)
/// raises three, as an apology: "There's a bridge on my way home.", "I won't be around this
/// weekend." and "This is goodbye from me, and I mean it kindly." (it weighs the words, not
/// whether a second cue joins them). A veto on the model wherever a lone cue hits would clear
/// them, and held out it cost nine in ten of the lines the model adds on new writers' wording
/// for 0.4% fewer false alarms on their hard negatives (`model/TRAINING.md`).
#[test]
fn one_cue_alone_is_not_a_crisis() {
    let texts = [
        "There's a bridge on my way home.",
        "I slow down every time I drive past the school.",
        "I have the pills the doctor gave me.",
        "I saved up for months for this trip.",
        "I won't be around this weekend.",
        "It's your birthday on Friday!",
        "This is goodbye from me, and I mean it kindly.",
        "I'm so tired.",
        "I hate myself for what I did to you.",
        "You'd be happier with someone who doesn't let you down.",
    ];
    assert_rules_pass_and_model_at_most(Kind::Apology, texts.iter(), 3);
}

/// An everyday reason named next to a cue sets it aside; the same reason negated does not.
#[test]
fn an_alibi_sets_a_cue_aside_unless_negated() {
    let ok = "I won't be around for your birthday, I'm working abroad that week.";
    assert!(!check(ok, Kind::Apology, None).unwrap().crisis);
    let not_ok = "I won't be around for your birthday. I'm not travelling or anything.";
    assert!(check(not_ok, Kind::Apology, None).unwrap().crisis);
    let ok = "I bought a rope for the climbing wall.";
    assert!(!check(ok, Kind::Journal, None).unwrap().crisis);
    let not_ok = "I bought a rope and it's not for climbing.";
    assert!(check(not_ok, Kind::Journal, None).unwrap().crisis);
}

/// The layer runs in the journal too, where nothing else does (SAFE-3).
#[test]
fn the_journal_runs_the_cue_classes() {
    let text = "i've got enough of my meds saved to do it properly this time";
    let r = check(text, Kind::Journal, None).unwrap();
    assert!(r.crisis);
    assert!(r.findings.iter().all(|f| f.rule == "self-harm"));
    assert!(r.components.is_empty());
}

/// Issue 11: the learned second opinion must not turn everyday hyperbole into a crisis or a
/// threat. The issue's own hard negatives, checked with the combined coach (rules and model)
/// as a journal entry and as an apology.
#[test]
fn the_combined_coach_leaves_everyday_hyperbole_alone() {
    let texts = [
        "I'd die for a coffee.",
        "my phone died",
        "I killed it at work today.",
        "this deadline is killing me",
        "My phone died halfway through your call, sorry.",
        "I'd kill for a holiday right now.",
    ];
    let mut raised = Vec::new();
    for text in texts {
        for kind in [Kind::Journal, Kind::Apology] {
            let r = check(text, kind, None).unwrap();
            if r.crisis || r.has_rule("self-harm") || r.has_rule("threat") {
                raised.push(format!("{text:?} as {kind}: {:?}", r.findings));
            }
        }
    }
    assert!(raised.is_empty(), "flagged:\n{}", raised.join("\n"));
}

/// Issue 11: real misses of the rules (the rules alone raise nothing on them, as a journal
/// entry or as an apology) that the learned second opinion catches, each named after its line.
/// `threat` asks for an L-11 finding, otherwise `crisis` is asked for.
fn caught_only_by_the_model(text: &str, threat: bool) {
    for kind in [Kind::Journal, Kind::Apology] {
        let rules = RULES.check(text, kind, None);
        assert!(
            !rules.crisis && !rules.has_rule("threat"),
            "the rules alone now catch {text:?} as {kind}: move it to their own tests"
        );
        let r = check(text, kind, None).unwrap();
        let caught = if threat {
            r.has_rule("threat")
        } else {
            r.crisis
        };
        assert!(caught, "missed {text:?} as {kind}: {:?}", r.findings);
        assert_eq!(r.verdict, Verdict::DoNotSend, "{text:?} as {kind}");
    }
}

/// Round-5 writer ct1 (ct1-0163): ending it, and saying what "it" is.
#[test]
fn end_it_not_the_relationship_me_is_a_crisis() {
    caught_only_by_the_model(
        "tbh i just want to end it. not the relationship. me.",
        false,
    );
}

/// crisis-r4-dev d4-f034: text-speak for ending it.
#[test]
fn im_goin_2_end_it_is_a_crisis() {
    caught_only_by_the_model("im goin 2 end it", false);
}

/// Round-5 writer ct1 (ct1-0022): hoping not to wake up, said softly.
#[test]
fn hoping_not_to_wake_up_is_a_crisis() {
    caught_only_by_the_model(
        "Some nights I lie there and hope I just don't wake up. It'd be so much quieter.",
        false,
    );
}

/// Round-5 writer ct1 (ct1-0019): blackmail with a deadline. Caught by the model alone until
/// round 8, whose exposure table (something to expose, who would hear of it, a condition;
/// L-11, SAFE-4) catches it with the rules alone.
#[test]
fn screenshots_to_the_boss_unless_paid_by_friday_is_a_threat() {
    let text = "Either you pay back the 2 grand by Friday or I'm sending your boss the \
                screenshots of what you said about him. Your choice.";
    for kind in [Kind::Journal, Kind::Apology] {
        let rules = RULES.check(text, kind, None);
        assert!(rules.has_rule("threat"), "the rules miss it as {kind}");
        let r = check(text, kind, None).unwrap();
        assert_eq!(r.verdict, Verdict::DoNotSend, "as {kind}");
    }
}

/// Round-5 writer ct2 (ct2-0174): knowing someone's routine, and a warning.
#[test]
fn knowing_when_her_father_walks_alone_is_a_threat() {
    caught_only_by_the_model(
        "I know your father walks to the mosque at 5 am every morning. Alone. Tell him to be \
         careful.",
        true,
    );
}
