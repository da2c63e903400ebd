//! Crisis and threats wherever the user writes (issue 11, SAFE-3, SAFE-4), and the personal
//! safety plan.
//!
//! Every text the user writes (journal, workbook, intake and walk-away answers, reflections,
//! notes, the urge pad, drafts) is read by the coach's safety checks (L-28 self-harm, L-11
//! threats) as it is saved. What they find is returned with the entry ([`SafetyFlags`]) so each
//! front end can put help in front at once, and its moment is kept (sealed) so the help stays
//! in front on every page for a while afterwards. The words themselves are never logged.

use amends_core::EventData;
use amends_lint::Kind;
use amends_store::Store;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

/// What the safety checks found in something the user wrote.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[schemars(deny_unknown_fields)]
pub struct SafetyFlags {
    /// SAFE-3: self-harm or suicide language.
    pub crisis: bool,
    /// SAFE-4: a threat to hurt someone else, their things or their name.
    pub threat: bool,
}

impl SafetyFlags {
    pub fn any(self) -> bool {
        self.crisis || self.threat
    }

    pub fn or(self, other: SafetyFlags) -> SafetyFlags {
        SafetyFlags {
            crisis: self.crisis || other.crisis,
            threat: self.threat || other.threat,
        }
    }
}

/// Reads one text with the safety checks only (the journal kind runs nothing else).
pub fn scan(text: &str) -> SafetyFlags {
    match crate::coach::check_text(text, Kind::Journal) {
        Ok(r) => SafetyFlags {
            crisis: r.crisis || r.has_rule("self-harm"),
            threat: r.has_rule("threat"),
        },
        // The lexicons are part of the build and tested; if they were broken, saying nothing
        // would be worse than nothing, so the help is shown.
        Err(_) => SafetyFlags {
            crisis: true,
            threat: false,
        },
    }
}

/// Reads every text of an entry.
pub fn scan_event(data: &EventData) -> SafetyFlags {
    data.texts()
        .into_iter()
        .fold(SafetyFlags::default(), |acc, t| acc.or(scan(t)))
}

/// How long the help stays in front on every page after crisis or threat language.
pub const HELP_IN_FRONT_HOURS: i64 = 24;

/// The personal safety plan, written ahead of a bad moment and shown first when one comes (the
/// most used tool of the best crisis apps). Each part is the user's own words, one item a line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyPlan {
    /// The thoughts, feelings and situations that tell them a crisis may be coming.
    #[serde(default)]
    pub warning_signs: String,
    /// What calms them or takes their mind off it, on their own.
    #[serde(default)]
    pub what_calms_me: String,
    /// People and places that help, and people they can ask for help (with their numbers).
    #[serde(default)]
    pub people_and_places: String,
    /// Professionals and services to call.
    #[serde(default)]
    pub professionals: String,
}

impl SafetyPlan {
    pub fn is_empty(&self) -> bool {
        [
            &self.warning_signs,
            &self.what_calms_me,
            &self.people_and_places,
            &self.professionals,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    /// The parts with their headings, in the order to read them in a bad moment.
    pub fn parts(&self) -> [(&'static str, &str); 4] {
        [
            ("My warning signs", &self.warning_signs),
            ("What calms me", &self.what_calms_me),
            ("People and places that help", &self.people_and_places),
            ("Professionals I can call", &self.professionals),
        ]
    }
}

pub(crate) const PLAN_KEY: &str = "safety.plan";
pub(crate) const LAST_KEY: &str = "safety.last";

/// The safety plan a saved setting holds; none when it was never written or is empty.
pub(crate) fn plan_of(saved: Option<Vec<u8>>) -> Result<Option<SafetyPlan>> {
    let Some(raw) = saved else {
        return Ok(None);
    };
    let plan: SafetyPlan = serde_json::from_slice(&raw).map_err(|e| {
        AppError::invalid(format!(
            "the saved safety plan could not be read ({e}); write it again on the safety plan \
             page"
        ))
    })?;
    Ok((!plan.is_empty()).then_some(plan))
}

/// When crisis and threat language were last found (sealed like every setting).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub(crate) struct LastFound {
    crisis_at: Option<Timestamp>,
    threat_at: Option<Timestamp>,
}

impl LastFound {
    /// The moments a reading of the setting holds; none when it cannot be read, as before any
    /// was kept.
    pub(crate) fn of(saved: amends_store::Result<Option<Vec<u8>>>) -> LastFound {
        match saved {
            Ok(Some(raw)) => serde_json::from_slice(&raw).unwrap_or_default(),
            _ => LastFound::default(),
        }
    }

    /// What was found within [`HELP_IN_FRONT_HOURS`] before `now`.
    pub(crate) fn recent(self, now: Timestamp) -> SafetyFlags {
        let recent = |t: Option<Timestamp>| {
            t.is_some_and(|t| t <= now && now.duration_since(t).as_hours() < HELP_IN_FRONT_HOURS)
        };
        SafetyFlags {
            crisis: recent(self.crisis_at),
            threat: recent(self.threat_at),
        }
    }
}

impl App {
    /// The safety plan, if the user wrote one.
    pub async fn safety_plan(&self) -> Result<Option<SafetyPlan>> {
        plan_of(self.store.setting(&self.vault, PLAN_KEY).await?)
    }

    /// Saves the safety plan (an empty one clears it).
    pub async fn set_safety_plan(&self, plan: &SafetyPlan) -> Result<()> {
        for (name, part) in plan.parts() {
            if part.len() > 10_000 {
                return Err(AppError::invalid(format!(
                    "\"{name}\" is over 10,000 characters; keep each part to what you can read \
                     in a bad moment"
                )));
            }
        }
        let bytes = serde_json::to_vec(plan)
            .map_err(|e| AppError::invalid(format!("the plan could not be saved: {e}")))?;
        self.store
            .set_setting(&self.vault, PLAN_KEY, &bytes)
            .await?;
        Ok(())
    }

    /// Keeps the moment crisis or threat language was found, so help stays in front.
    pub(crate) async fn note_safety(&self, flags: SafetyFlags, now: Timestamp) -> Result<()> {
        if !flags.any() {
            return Ok(());
        }
        let mut last = self.last_found().await;
        if flags.crisis {
            last.crisis_at = Some(now);
        }
        if flags.threat {
            last.threat_at = Some(now);
        }
        let bytes = serde_json::to_vec(&last)
            .map_err(|e| AppError::invalid(format!("could not keep the safety note: {e}")))?;
        self.store
            .set_setting(&self.vault, LAST_KEY, &bytes)
            .await?;
        Ok(())
    }

    async fn last_found(&self) -> LastFound {
        LastFound::of(self.store.setting(&self.vault, LAST_KEY).await)
    }

    /// Whether crisis or threat language was found in the last [`HELP_IN_FRONT_HOURS`], so
    /// every page keeps the help in front.
    pub async fn recent_safety(&self, now: Timestamp) -> SafetyFlags {
        self.last_found().await.recent(now)
    }
}
