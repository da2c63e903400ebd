//! A deterministic corpus of drafts for the benchmarks: short texts (~40 words), emails (~300)
//! and letters (~1,500), mixing apologies, excuses, blame, negation, neutral chatter, curly
//! quotes, accents and emoji. Shared by `benches/check.rs` and `examples/gen_corpus.rs`.

#![allow(dead_code)]

/// One generated draft.
pub struct Doc {
    pub id: String,
    pub kind: &'static str,
    pub text: String,
}

/// A small linear congruential generator: the corpus must be the same on every machine.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next_u64() as usize) % v.len()]
    }
}

const APOLOGY: &[&str] = &[
    "I lied to you about where I was on Friday night.",
    "I’m sorry I shouted at you in front of your parents.",
    "It made you doubt your own judgement, and that was my doing.",
    "There’s no excuse for it, and I won’t make one.",
    "I read your messages without asking, and I regret it.",
    "I've started therapy to understand why I hide things.",
    "You must have felt so alone that night.",
    "I was wrong, and it was my fault.",
    "Take all the time you need; you don't have to reply.",
    "I cancelled on you the week your grandmother died, and you had to cope on your own.",
];
const PROBLEMS: &[&str] = &[
    "I'm sorry, but I was so stressed at work.",
    "You made me do it, honestly.",
    "We're both to blame for how it ended.",
    "I'm sorry if you were hurt by what happened.",
    "Please answer me by Friday.",
    "I've been a wreck since you left.",
    "ur overreacting tbh 🙄",
    "I saw on your Instagram that you went to Lisbon.",
    "I'll change everything, I promise.",
    "Let's just start over.",
    "im sorry for everything",
    "After everything I've done for you?",
];
const NEGATED: &[&str] = &[
    "I'm not blaming you for any of this.",
    "It was never your fault.",
    "You said I never listened, and you were right.",
    "I won't make excuses.",
    "I’m not going to say I was drunk, because that changes nothing.",
    "You told me “you never listen” and I brushed it off.",
];
const NEUTRAL: &[&str] = &[
    "The café near the station finally reopened, and the crème brûlée is as good as ever.",
    "It rained all week in Zürich, so I read a lot.",
    "My sister’s dog learned to open the fridge, which is a problem.",
    "I went for a long walk along the river this morning ☀️",
    "Work has been busy but fine; the new project is about maps.",
    "Saw a fox in the garden at dusk, just sitting there like it owned the place 🦊",
    "The library had a sale and I came home with far too many books.",
    "I’ve been cooking more, mostly soups, mostly edible.",
    "Naïve question, but does anyone still use film cameras? I found one in a drawer.",
    "The bus was late again, and the driver apologised to everyone, which was sweet.",
];

fn sentence(rng: &mut Lcg) -> &'static str {
    match rng.next_u64() % 10 {
        0..=2 => rng.pick(APOLOGY),
        3..=4 => rng.pick(PROBLEMS),
        5 => rng.pick(NEGATED),
        _ => rng.pick(NEUTRAL),
    }
}

fn build(rng: &mut Lcg, words: usize, paragraph_every: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut in_para = 0;
    while n < words {
        let s = sentence(rng);
        if !out.is_empty() {
            if paragraph_every > 0 && in_para >= paragraph_every {
                out.push_str("\n\n");
                in_para = 0;
            } else {
                out.push(' ');
            }
        }
        out.push_str(s);
        n += s.split_whitespace().count();
        in_para += 1;
    }
    out
}

/// `short` texts of ~40 words, `emails` of ~300 and `letters` of ~1,500.
pub fn generate(seed: u64, short: usize, emails: usize, letters: usize) -> Vec<Doc> {
    let mut rng = Lcg::new(seed);
    let mut docs = Vec::with_capacity(short + emails + letters);
    const SHORT_KINDS: [&str; 4] = ["first", "apology", "ask", "gift"];
    for i in 0..short {
        let kind = SHORT_KINDS[i % SHORT_KINDS.len()];
        let mut text = build(&mut rng, 40, 0);
        if i % 3 == 0 {
            text = text.to_lowercase().replace(['.', ','], "");
        }
        docs.push(Doc {
            id: format!("short-{i:04}"),
            kind,
            text,
        });
    }
    // Emails and long letters are both checked as the email kind; only their length differs.
    for (name, count, words, paragraph_every) in
        [("email", emails, 300, 4), ("letter", letters, 1500, 6)]
    {
        for i in 0..count {
            let text = format!(
                "Dear Sam,\n\n{}\n\nAlex",
                build(&mut rng, words, paragraph_every)
            );
            docs.push(Doc {
                id: format!("{name}-{i:04}"),
                kind: "email",
                text,
            });
        }
    }
    docs
}
