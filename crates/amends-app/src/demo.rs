//! `amends serve --demo`: a throwaway store with a realistic, made-up case, so a newcomer sees
//! every screen populated. Nothing in it is about a real person; every word is ours.
//!
//! The story, counted back from today: an intake and a workbook six weeks ago, a slip (checking
//! their profile) soon after, steady self-work since, the readiness check, one short first
//! message three days ago and a warm reply. So today the composer is open for the apology,
//! asking is closed until one is sent (AP-1), and outreach waits out the 7-day gap (PP-3).

use std::path::{Path, PathBuf};

use amends_core::{
    Answer, Answers, Channel, Direction, DraftKind, EventData, FormId, HabitKind, Relationship,
    Signal, SlipKind,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::{App, CaseSummary, KdfParams, Passphrase, Result};

/// The demo's passphrase, shown on its unlock page.
pub const DEMO_PASSPHRASE: &str = "amends demo";

/// A cheap key derivation: the demo protects nothing real and should start at once.
const DEMO_COST: KdfParams = KdfParams {
    m_cost_kib: 8 * 1024,
    t_cost: 1,
    p_cost: 1,
};

/// A fresh folder under the system's temporary directory.
pub fn demo_dir() -> PathBuf {
    let nanos = Timestamp::now().as_nanosecond();
    std::env::temp_dir().join(format!("amends-demo-{}-{nanos:x}", std::process::id()))
}

/// Creates the demo store in `dir` and fills it with the sample case as it stands at `now`.
pub async fn create(dir: &Path, now: Timestamp) -> Result<App> {
    let pass = Passphrase::new(DEMO_PASSPHRASE)?;
    let app = App::init(dir, &pass, DEMO_COST).await?;
    // UTC keeps the story's days the same wherever the demo runs.
    app.set_time_zone("UTC").await?;
    seed(&app, now).await?;
    Ok(app)
}

/// `days` days before `now`, at `hour` o'clock UTC of that day, never later than `now`.
fn ago(now: Timestamp, days: i64, hour: i64) -> Timestamp {
    let midnight = now.as_second() - now.as_second().rem_euclid(86_400);
    let t = Timestamp::from_second(midnight - days * 86_400 + hour * 3600).unwrap_or(now);
    t.min(now - SignedDuration::from_mins(1))
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn text(s: &str) -> Answer {
    Answer::Text(s.to_string())
}

fn list(items: &[&str]) -> Answer {
    Answer::List(items.iter().map(|s| s.to_string()).collect())
}

async fn seed(app: &App, now: Timestamp) -> Result<()> {
    let case = app.create_case("Jordan", Relationship::Partner).await?;
    let c = &case;
    let last_contact = ago(now, 46, 20)
        .to_zoned_datetime(TimeZone::UTC)
        .date()
        .to_string();

    app.assess(
        c,
        FormId::Intake,
        answers(&[
            (
                "motives",
                list(&["put-right", "this-person", "leftover-feelings"]),
            ),
            (
                "breakup_reason",
                text("I lied about small things until the big things stopped being believable."),
            ),
            ("breakup_resolved", text("unresolved")),
            ("severity", text("serious")),
            ("dangerous_harm", list(&[])),
            ("harmed_by_them", list(&[])),
            ("did_harm", text("yes")),
            ("commitment", Answer::Number(4.0)),
            ("good_times_only", Answer::Bool(false)),
            ("issues_fixed", text("yes")),
            ("apologise_anyway", text("yes")),
            ("earlier_attempts", text("none")),
            ("last_contact", text(&last_contact)),
            ("no_guarantee", Answer::Bool(true)),
            ("honest", Answer::Bool(true)),
            (
                "fond_memories",
                text("Sunday mornings at the market, and how we laughed at the same bad films."),
            ),
        ]),
        ago(now, 45, 19),
        now,
    )
    .await?;

    let workbook: &[(&str, &[(&str, Answer)])] = &[
        (
            "act",
            &[
                (
                    "act",
                    text("I lied about where I was on the night of your sister's birthday dinner"),
                ),
                (
                    "impact",
                    text(
                        "You defended me to your family all evening, then found out the truth from a friend",
                    ),
                ),
                ("feelings", text("embarrassed\nbetrayed\nalone")),
                (
                    "their_shoes",
                    text("I would feel made a fool of in front of the people I love most"),
                ),
                ("times", Answer::Number(1.0)),
            ],
        ),
        (
            "act",
            &[
                (
                    "act",
                    text(
                        "For months I went silent and looked at my phone whenever you tried to talk about moving in",
                    ),
                ),
                (
                    "impact",
                    text(
                        "You carried all the planning alone and began to think the future mattered only to you",
                    ),
                ),
                ("feelings", text("lonely\nunimportant\nworn out")),
                (
                    "their_shoes",
                    text("I would feel like I was talking to a wall, and stop trying"),
                ),
                ("times", Answer::Number(12.0)),
            ],
        ),
        (
            "loss",
            &[(
                "text",
                text(
                    "Two years of planning a life together, and the trust that I would show up when it counted.",
                ),
            )],
        ),
        (
            "why",
            &[
                ("act", text("the birthday lie")),
                (
                    "chain",
                    text(
                        "I didn't want to admit I had double-booked\nI was afraid of being seen as unreliable\nSince I was young I have believed that mistakes make people leave",
                    ),
                ),
            ],
        ),
        (
            "again",
            &[
                ("answer", text("no")),
                (
                    "note",
                    text(
                        "Not while I keep saying it the same day when I mess up; I practise that now.",
                    ),
                ),
            ],
        ),
        ("respect", &[("answer", text("yes"))]),
        (
            "prevention",
            &[
                ("behaviour", text("hiding my mistakes")),
                (
                    "plan",
                    text(
                        "Say it the same day, even when it is embarrassing; practise with my sister and at work",
                    ),
                ),
                ("habit", Answer::Bool(true)),
            ],
        ),
        (
            "prevention",
            &[
                ("behaviour", text("going silent in hard conversations")),
                (
                    "plan",
                    text(
                        "Ask for a twenty-minute break instead of shutting down, then come back to it",
                    ),
                ),
                ("habit", Answer::Bool(true)),
            ],
        ),
        (
            "failures",
            &[(
                "text",
                text(
                    "I broke your trust in small things until you could not trust me in big ones, and I left you to plan our future alone.",
                ),
            )],
        ),
        (
            "their-part",
            &[(
                "text",
                text(
                    "Things I want to understand about how we argued. For my therapist, never for a message.",
                ),
            )],
        ),
    ];
    for (i, (section, fields)) in workbook.iter().enumerate() {
        app.workbook(
            c,
            section,
            answers(fields),
            ago(now, 44 - (i as i64 / 4), 20),
            now,
        )
        .await?;
    }

    // SAFE-7: a slip that was not a message. It restarted the count and stays on record.
    app.log_slip(
        c,
        SlipKind::CheckedProfile,
        Some("Looked at their photos late at night."),
        ago(now, 38, 23),
        now,
    )
    .await?;

    let urges = [
        (
            41,
            8,
            "Called my sister instead and talked until it passed.",
        ),
        (30, 6, "Went for a long run."),
        (
            19,
            5,
            "Wrote the message in the journal, where it can't be sent.",
        ),
        (9, 3, "Went to the pottery class early."),
    ];
    for (d, intensity, instead) in urges {
        app.log_urge(c, intensity, instead, None, ago(now, d, 21), now)
            .await?;
    }

    seed_habits(app, c, now).await?;

    let journal = [
        (
            44,
            "The first week on my own. I keep replaying the birthday dinner and every time I hear myself I wince.",
        ),
        (
            33,
            "Talked to my sister. She didn't take my side, which stung, and she was right not to.",
        ),
        (
            21,
            "Three weeks without checking anything. Wanted to send a long message tonight; wrote it here instead and felt calmer after.",
        ),
        (
            6,
            "Counselling today: why I go quiet instead of saying I'm scared. It was hard to say out loud.",
        ),
    ];
    for (d, t) in journal {
        app.record(
            c,
            ago(now, d, 22),
            now,
            EventData::Journal { text: t.into() },
            None,
        )
        .await?;
    }

    app.assess(
        c,
        FormId::Readiness,
        answers(&[
            ("motives_now", list(&["put-right", "this-person"])),
            ("good_place", Answer::Number(4.0)),
            ("want_not_comfort", text("yes")),
            ("accept_any_answer", text("yes")),
            ("apologise_anyway", text("yes")),
            ("their_moment", text("yes")),
            ("no_cornering", Answer::Bool(true)),
        ]),
        ago(now, 4, 19),
        now,
    )
    .await?;

    // RC-3: one short first message, and their warm reply.
    app.log_sent(
        c,
        DraftKind::First,
        Channel::Text,
        Some("Hi Jordan, I walked past the market this morning and thought of our Sunday coffees. I hope the new job is going well."),
        ago(now, 3, 18),
        now,
    )
    .await?;
    app.log_contact(
        c,
        Direction::In,
        Channel::Text,
        Some("Replied kindly, said the job is good."),
        ago(now, 2, 9),
        now,
    )
    .await?;
    app.log_signal(c, Signal::WarmReply, None, ago(now, 2, 9), now)
        .await?;
    app.record(
        c,
        ago(now, 2, 9),
        now,
        EventData::TheirQuestion {
            text: "Why did you lie about the birthday?".into(),
            answered: false,
        },
        None,
    )
    .await?;
    app.promise_add(
        c,
        "Answer any question you ask me honestly, even the uncomfortable ones",
        None,
        ago(now, 2, 10),
        now,
    )
    .await?;
    Ok(())
}

/// Each entry is logged as if on the day it happened: the demo tells a story that was lived,
/// and RC-1 takes self-work entries only up to a week late.
async fn seed_habits(app: &App, c: &CaseSummary, now: Timestamp) -> Result<()> {
    let habit = |kind: HabitKind, value: f64, note: Option<&'static str>, at: Timestamp| {
        app.log_habit(c, kind, value, note, None, at, at)
    };
    for d in 1..=44i64 {
        // Sleep settles over the weeks: rough at first, mostly in the band later.
        let hours = match d {
            30.. => [5.5, 6.0, 7.0, 6.5, 8.0, 5.0][(d % 6) as usize],
            15..=29 => [7.0, 6.5, 7.5, 8.0, 6.0][(d % 5) as usize],
            _ => [7.5, 8.0, 7.0, 8.5, 7.5, 6.5, 8.0][(d % 7) as usize],
        };
        habit(HabitKind::Sleep, hours, None, ago(now, d, 8)).await?;
        if d % 7 == 1 || d % 7 == 4 || d % 7 == 6 {
            let minutes = 25.0 + ((d * 7) % 30) as f64;
            habit(HabitKind::Exercise, minutes, None, ago(now, d, 17)).await?;
        }
        if d % 7 == 2 && d <= 36 {
            habit(HabitKind::Therapy, 1.0, None, ago(now, d, 16)).await?;
        }
        if d % 4 == 0 {
            habit(
                HabitKind::Social,
                1.0,
                Some("dinner with friends"),
                ago(now, d, 20),
            )
            .await?;
        }
        if d % 7 == 3 && d <= 30 {
            habit(
                HabitKind::Hobby,
                1.0,
                Some("pottery class"),
                ago(now, d, 19),
            )
            .await?;
        }
        habit(
            HabitKind::Meals,
            2.0 + (d % 2) as f64,
            None,
            ago(now, d, 21),
        )
        .await?;
    }
    for (days, hour, step) in [
        (36, 16, "Started weekly counselling"),
        (30, 12, "Signed up for a pottery class"),
        (15, 21, "Finished a book on repairing trust"),
    ] {
        habit(HabitKind::Step, 1.0, Some(step), ago(now, days, hour)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_counts_whole_days_back_and_never_reaches_now() {
        let now: Timestamp = "2026-11-24T10:30:00Z".parse().unwrap();
        assert_eq!(ago(now, 1, 8).to_string(), "2026-11-23T08:00:00Z");
        assert!(ago(now, 0, 23) < now);
    }
}
