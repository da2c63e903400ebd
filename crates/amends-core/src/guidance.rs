//! Guidance cards: short texts the front ends show at the right moment, one per guidance element
//! of METHOD.md, in our own words. The plan names the cards that fit the current phase.

use serde::Serialize;

/// One card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Card {
    pub method: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

const fn card(method: &'static str, title: &'static str, text: &'static str) -> Card {
    Card {
        method,
        title,
        text,
    }
}

pub static CARDS: &[Card] = &[
    card(
        "X-1",
        "Change, not tactics",
        "The point is to become someone who would not do it again. Tricks, games and attempts to stir jealousy work against that, and amends will not help with them.",
    ),
    card(
        "X-2",
        "Everything on the table",
        "Say only what is true and what your records back up. Honesty from the start is the only footing trust can grow on.",
    ),
    card(
        "X-3",
        "Their decision",
        "Nobody owes you a second chance. Whatever you do here, the choice stays theirs, and a no is a real answer.",
    ),
    card(
        "X-4",
        "Growth first",
        "Work on yourself as a person, not as a bid to get them back. If they return, that is a bonus; the growth is yours either way.",
    ),
    card(
        "X-5",
        "Words need deeds",
        "Promises mean little without change people can see, kept up over time, and kept up even if you get back together.",
    ),
    // C12: no success odds anywhere, only this framing.
    card(
        "GO-11",
        "No guarantees",
        "Nothing here predicts the outcome, and getting back together isn't always wise. Prepare for disappointment; a kind ending is a good ending too.",
    ),
    card(
        "GO-12",
        "Any close relationship",
        "The same steps fit a marriage, a partnership, a friendship or family; amends adjusts its wording to the relationship you chose.",
    ),
    card(
        "DMG-5",
        "Why they may hold back",
        "They may blame themselves, anger may be covering hurt, and having decided to leave they may resist a simple apology. None of that is yours to argue with.",
    ),
    card(
        "NC-3",
        "What no contact is for",
        "Time apart is healing room for both of you. It is not a strategy and not a way to make them miss you.",
    ),
    card(
        "NC-4",
        "Room to breathe",
        "Space lets them find out how life feels without you and stops you crowding them. Whatever they notice is theirs to notice.",
    ),
    card(
        "NC-7",
        "Your readiness isn't theirs",
        "Feeling ready yourself says nothing about how they feel. Their wound may still be fresh, especially after a betrayal.",
    ),
    card(
        "NC-10",
        "Let go of the fear",
        "The fear of losing them for good is not a reason to act. Let life take its course.",
    ),
    card(
        "SI-10",
        "Learning to communicate",
        "Look for reputable material on healthy communication and intimacy: books, courses or a counsellor. A local library is a good start.",
    ),
    card(
        "SI-11",
        "A life of your own",
        "Build confidence, independence and goals for your own sake, not as a display for them.",
    ),
    card(
        "EM-6",
        "Don't rush back",
        "If they ever agree to hear you out, the only aim is to hear what they would need. Nothing more is asked.",
    ),
    card(
        "LS-1",
        "Their questions",
        "They have every right to ask. Answer fully and truthfully, even when the answer is hard.",
    ),
    card(
        "LS-2",
        "Listen to understand",
        "Listen to their words and their tone. Focus on them rather than on what you hope to hear, and don't just wait for your turn.",
    ),
    card(
        "LS-3",
        "What their manner says",
        "Steady eye contact and clear speech, or looking away and hesitating, can tell you how comfortable they are. Let that slow you down, never speed you up.",
    ),
    card(
        "LS-4",
        "No defending",
        "Let them say how they feel without interrupting, correcting or judging it.",
    ),
    card(
        "LS-5",
        "Stay calm",
        "If they bring up other problems, stay calm and listen. It is not the moment to balance the books.",
    ),
    card(
        "AM-1",
        "Show it",
        "Deeds say sorry more clearly than words. Keep track of what you actually do.",
    ),
    card(
        "AM-4",
        "No bargaining",
        "What they ask for is not a negotiation. If something is beyond what you can do, say so honestly instead of haggling.",
    ),
    card(
        "AM-5",
        "Bigger isn't better",
        "A bigger gesture is not more convincing; it can feel like pressure. Keep gestures small and in proportion to what they asked.",
    ),
    card(
        "KG-2",
        "Small kindnesses",
        "Small things fit: a coffee, flowers, something that made you both laugh, an occasional friendly note, and only when they are welcome.",
    ),
    card(
        "TR-1",
        "Trust is slow",
        "Trust grows back through steady, respectful, caring actions over a long time. Be patient and genuine.",
    ),
    card(
        "TR-2",
        "Nothing hidden",
        "Be open about what you feel, think and do. Secrets, even small ones, undo the work.",
    ),
    card(
        "TR-6",
        "Couples counselling",
        "If they agreed to try again, you might offer couples counselling as something they are free to decline. It never replaces your own individual work.",
    ),
    card(
        "PP-1",
        "Patience with limits",
        "Patience means continuing your own work for as long as it takes, never pursuing someone who said no or stopped answering.",
    ),
    card(
        "PP-5",
        "Let them lead",
        "The gentler way is to leave the initiative with them, for months or longer, while you carry on with your life.",
    ),
    card(
        "PP-9",
        "Humility",
        "Let go of needing a particular outcome. If there is ever contact, come with humility and respect.",
    ),
    card(
        "WA-7",
        "Accepting it",
        "You can't make someone come back. Accepting that and turning to your own life is strength, not defeat.",
    ),
    card(
        "WA-10",
        "No debt",
        "Changing yourself doesn't create an obligation for them. They owe you nothing for it.",
    ),
    card(
        "MO-1",
        "Your own life",
        "Turn to your recovery and your future. Your happiness can stand on its own.",
    ),
    card(
        "MO-5",
        "Setbacks teach",
        "Setbacks are a chance to grow up a little more, and time alone is a chance to explore who you are.",
    ),
    card(
        "MO-6",
        "Growth is a win",
        "What you changed counts, whether or not they come back.",
    ),
];

/// The card for a METHOD id.
pub fn card_for(method: &str) -> Option<&'static Card> {
    CARDS.iter().find(|c| c.method == method)
}

/// SAFE-2: where to turn when the harm was dangerous. Offline, generic, in our words.
pub static BEHAVIOUR_CHANGE_RESOURCES: &[&str] = &[
    "A behaviour-change or accountability programme for people who have hurt a partner (often called a perpetrator or respect programme); your doctor or local social services can name one near you.",
    "Individual therapy with a counsellor experienced in anger, control or abuse.",
    "If you fear you may hurt someone, step away now and call your local emergency number.",
];

/// SAFE-8: support for a user who was the one harmed.
pub static SUPPORT_RESOURCES: &[&str] = &[
    "What happened to you was not your fault, and you don't owe anyone an apology for it.",
    "A domestic-abuse helpline in your country can listen and help you plan for your safety; search for one from a device you trust.",
    "A counsellor or your doctor can support you. If you are in danger now, call your local emergency number.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_is_unique_and_short() {
        let mut seen = std::collections::HashSet::new();
        for c in CARDS {
            assert!(seen.insert(c.method), "duplicate card {}", c.method);
            assert!(c.text.len() < 400, "{} is long", c.method);
        }
    }

    #[test]
    fn no_card_nudges_towards_contact() {
        // SAFE-6
        for c in CARDS {
            let t = c.text.to_lowercase();
            assert!(!t.contains("reach out"), "{}", c.method);
            assert!(!t.contains("time to contact"), "{}", c.method);
        }
    }
}
