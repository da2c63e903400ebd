//! `amends serve --demo`: a throwaway store with a realistic, made-up case, so a newcomer sees
//! every screen populated. Nothing in it is about a real person; every word is ours.
//!
//! The story is data (issue 13): demo.toml lists each entry in the order it is logged, through
//! the same use cases a user's entries go through, so the demo is checked as theirs are. Here
//! is only how an entry is logged; the file tells the story.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use amends_core::{
    Answer, Answers, Channel, Direction, DraftKind, EventData, FormId, HabitKind, Relationship,
    Signal, SlipKind,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::{App, AppError, CaseSummary, KdfParams, Passphrase, Result};

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

/// The story, as demo.toml tells it.
const STORY: &str = include_str!("demo.toml");

/// demo.toml: the case, its entries in order, and the daily self-work.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Story {
    case: Person,
    story: Vec<Entry>,
    daily: Vec<Daily>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    name: String,
    relationship: Relationship,
}

/// When an entry happened: so many days before today, at that hour (UTC).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ago {
    days: i64,
    hour: i64,
}

impl Ago {
    fn at(self, now: Timestamp) -> Timestamp {
        ago(now, self.days, self.hour)
    }
}

/// One entry of the story, and the use case that logs it.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum Entry {
    Assess {
        ago: Ago,
        form: FormId,
        answers: Answers,
        /// Answers that are a date: the day so many days before today.
        #[serde(default)]
        dates_ago: BTreeMap<String, i64>,
    },
    Workbook {
        ago: Ago,
        section: String,
        answers: Answers,
    },
    Slip {
        ago: Ago,
        what: SlipKind,
        note: Option<String>,
    },
    Urge {
        ago: Ago,
        intensity: i64,
        instead: String,
    },
    /// The daily self-work ([`Daily`]) on each of the last `days` days, yesterday first.
    Daily {
        days: i64,
    },
    Habit {
        ago: Ago,
        habit: HabitKind,
        value: f64,
        note: Option<String>,
    },
    Journal {
        ago: Ago,
        text: String,
    },
    Sent {
        ago: Ago,
        draft: DraftKind,
        channel: Channel,
        text: String,
    },
    Contact {
        ago: Ago,
        dir: Direction,
        channel: Channel,
        note: Option<String>,
    },
    Signal {
        ago: Ago,
        signal: Signal,
    },
    Question {
        ago: Ago,
        text: String,
    },
    Promise {
        ago: Ago,
        text: String,
    },
}

/// A habit logged on some days: those within `days` (counted back, both ends included) whose
/// remainder by `every` is in `on`, with the value `values[day % values.len()]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Daily {
    habit: HabitKind,
    hour: i64,
    days: [i64; 2],
    #[serde(default = "every_day")]
    every: i64,
    #[serde(default = "remainder_zero")]
    on: Vec<i64>,
    values: Vec<f64>,
    note: Option<String>,
}

fn every_day() -> i64 {
    1
}

fn remainder_zero() -> Vec<i64> {
    vec![0]
}

impl Daily {
    /// The value logged `day` days back, if the habit is logged that day.
    fn value(&self, day: i64) -> Option<f64> {
        let [from, to] = self.days;
        let logged = (from..=to).contains(&day) && self.on.contains(&day.rem_euclid(self.every));
        let len = self.values.len() as i64;
        logged.then(|| self.values[day.rem_euclid(len) as usize])
    }
}

/// demo.toml read; an error names what in it is wrong.
fn story() -> Result<Story> {
    toml::from_str(STORY).map_err(|e| AppError::invalid(format!("the demo story (demo.toml): {e}")))
}

async fn seed(app: &App, now: Timestamp) -> Result<()> {
    let story = story()?;
    let case = app
        .create_case(&story.case.name, story.case.relationship)
        .await?;
    for entry in story.story {
        entry.log(app, &case, &story.daily, now).await?;
    }
    Ok(())
}

impl Entry {
    async fn log(self, app: &App, c: &CaseSummary, daily: &[Daily], now: Timestamp) -> Result<()> {
        match self {
            Entry::Assess {
                ago: at,
                form,
                mut answers,
                dates_ago,
            } => {
                for (question, days) in dates_ago {
                    let date = ago(now, days, 0).to_zoned_datetime(TimeZone::UTC).date();
                    answers.insert(question, Answer::Text(date.to_string()));
                }
                app.assess(c, form, answers, at.at(now), now).await?;
            }
            Entry::Workbook {
                ago: at,
                section,
                answers,
            } => {
                app.workbook(c, &section, answers, at.at(now), now).await?;
            }
            Entry::Slip {
                ago: at,
                what,
                note,
            } => {
                app.log_slip(c, what, note.as_deref(), at.at(now), now)
                    .await?;
            }
            Entry::Urge {
                ago: at,
                intensity,
                instead,
            } => {
                app.log_urge(c, intensity, &instead, None, at.at(now), now)
                    .await?;
            }
            Entry::Daily { days } => {
                for day in 1..=days {
                    for d in daily {
                        if let Some(value) = d.value(day) {
                            let at = ago(now, day, d.hour);
                            log_habit(app, c, d.habit, value, d.note.as_deref(), at).await?;
                        }
                    }
                }
            }
            Entry::Habit {
                ago: at,
                habit,
                value,
                note,
            } => {
                log_habit(app, c, habit, value, note.as_deref(), at.at(now)).await?;
            }
            Entry::Journal { ago: at, text } => {
                let journal = EventData::Journal { text };
                app.record(c, at.at(now), now, journal, None).await?;
            }
            Entry::Sent {
                ago: at,
                draft,
                channel,
                text,
            } => {
                app.log_sent(c, draft, channel, Some(&text), at.at(now), now)
                    .await?;
            }
            Entry::Contact {
                ago: at,
                dir,
                channel,
                note,
            } => {
                app.log_contact(c, dir, channel, note.as_deref(), at.at(now), now)
                    .await?;
            }
            Entry::Signal { ago: at, signal } => {
                app.log_signal(c, signal, None, at.at(now), now).await?;
            }
            Entry::Question { ago: at, text } => {
                let question = EventData::TheirQuestion {
                    text,
                    answered: false,
                };
                app.record(c, at.at(now), now, question, None).await?;
            }
            Entry::Promise { ago: at, text } => {
                app.promise_add(c, &text, None, at.at(now), now).await?;
            }
        }
        Ok(())
    }
}

/// Each self-work entry is logged as if on the day it happened: the demo tells a story that
/// was lived, and RC-1 takes self-work entries only up to a week late.
async fn log_habit(
    app: &App,
    c: &CaseSummary,
    habit: HabitKind,
    value: f64,
    note: Option<&str>,
    at: Timestamp,
) -> Result<()> {
    app.log_habit(c, habit, value, note, None, at, at).await?;
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

    /// Every entry of demo.toml is one the demo knows how to log, with no field it would
    /// ignore, and the daily rules can each give a value (issue 13).
    #[test]
    fn every_entry_of_the_story_parses() {
        let story = story().unwrap();
        assert_eq!(story.case.name, "Jordan");
        assert!(story.story.len() > 20, "{}", story.story.len());
        for d in &story.daily {
            assert!(d.every > 0 && !d.values.is_empty(), "{d:?}");
            assert!(d.on.iter().all(|r| (0..d.every).contains(r)), "{d:?}");
        }
        // One self-work block, after the entries it follows in the story.
        let daily = story
            .story
            .iter()
            .filter(|e| matches!(e, Entry::Daily { .. }));
        assert_eq!(daily.count(), 1);
    }
}
