//! The tunable numbers of the method. Defaults come from METHOD.md; where METHOD.md calls a
//! number a minimum (C4, C10, SAFE-5), a configuration may raise it but never lower it, so no
//! setting can switch a safety rule off.

use serde::{Deserialize, Serialize};

use crate::event::Settings;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// NC-2: days of no contact before outreach can open. A minimum (C4): at least 30.
    pub no_contact_days: i64,
    /// PP-3, C10: days between contacts the user starts while they engage warmly. At least 7.
    pub min_gap_days: i64,
    /// SAFE-5: days of nothing after an unanswered message. At least 30.
    pub silence_days: i64,
    /// RC-1 (ours): weeks of habit data before outreach can open.
    pub habit_weeks: i64,
    /// RC-1 (ours): days with any habit entry that make a week count.
    pub habit_days_per_week: usize,
    /// RC-1: how long a readiness self-check stays valid.
    pub readiness_valid_days: i64,
    /// GO-6: the lowest commitment (1 to 5) that lets outreach open.
    pub min_commitment: f64,
    /// TR-4 (ours): open promises at most.
    pub max_open_promises: usize,
    /// TR-5: days between agreed check-ins.
    pub checkin_every_days: i64,
    /// TR-8, C9: days after re-entry for the optional follow-up.
    pub follow_up_days: i64,
    /// C11: days of anger without engagement after which the walk-away assessment is suggested.
    pub anger_walkaway_days: i64,
    /// SI-3: the sleep band in hours.
    pub sleep_min_hours: f64,
    pub sleep_max_hours: f64,
    /// SI-2, SI-7, SI-8, SI-4: weekly targets (no seed numbers; ours).
    pub exercise_per_week: f64,
    pub hobby_per_week: f64,
    pub social_per_week: f64,
    pub therapy_per_week: f64,
    /// SI-1: nutritious meals a day.
    pub meals_per_day: f64,
    /// L-21, KG-3 (ours): a small treat, in the user's currency.
    pub gesture_cost_limit: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            no_contact_days: 30,
            min_gap_days: 7,
            silence_days: 30,
            habit_weeks: 3,
            habit_days_per_week: 3,
            readiness_valid_days: 30,
            min_commitment: 4.0,
            max_open_promises: 3,
            checkin_every_days: 14,
            follow_up_days: 30,
            anger_walkaway_days: 60,
            sleep_min_hours: 7.0,
            sleep_max_hours: 9.0,
            exercise_per_week: 3.0,
            hobby_per_week: 1.0,
            social_per_week: 2.0,
            therapy_per_week: 1.0,
            meals_per_day: 2.0,
            gesture_cost_limit: 30.0,
        }
    }
}

impl Config {
    /// The configuration actually used: minimums enforced, nonsense replaced by defaults.
    pub fn effective(&self) -> Config {
        let d = Config::default();
        let pos = |v: f64, dflt: f64| if v.is_finite() && v > 0.0 { v } else { dflt };
        Config {
            no_contact_days: self.no_contact_days.clamp(d.no_contact_days, 3650),
            min_gap_days: self.min_gap_days.clamp(d.min_gap_days, 365),
            silence_days: self.silence_days.clamp(d.silence_days, 3650),
            habit_weeks: self.habit_weeks.clamp(1, 52),
            habit_days_per_week: self.habit_days_per_week.clamp(1, 7),
            readiness_valid_days: self.readiness_valid_days.clamp(1, 365),
            min_commitment: if (1.0..=5.0).contains(&self.min_commitment) {
                self.min_commitment
            } else {
                d.min_commitment
            },
            max_open_promises: self.max_open_promises.clamp(1, 10),
            checkin_every_days: self.checkin_every_days.clamp(7, 90),
            follow_up_days: self.follow_up_days.clamp(7, 365),
            anger_walkaway_days: self.anger_walkaway_days.clamp(14, 3650),
            sleep_min_hours: pos(self.sleep_min_hours, d.sleep_min_hours).min(12.0),
            sleep_max_hours: pos(self.sleep_max_hours, d.sleep_max_hours)
                .max(pos(self.sleep_min_hours, d.sleep_min_hours))
                .min(14.0),
            exercise_per_week: pos(self.exercise_per_week, d.exercise_per_week),
            hobby_per_week: pos(self.hobby_per_week, d.hobby_per_week),
            social_per_week: pos(self.social_per_week, d.social_per_week),
            therapy_per_week: pos(self.therapy_per_week, d.therapy_per_week),
            meals_per_day: pos(self.meals_per_day, d.meals_per_day),
            gesture_cost_limit: pos(self.gesture_cost_limit, d.gesture_cost_limit),
        }
    }

    /// The user's own settings on top of this configuration.
    pub fn with_settings(&self, s: &Settings) -> Config {
        let mut c = self.clone();
        let set = |target: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *target = v;
            }
        };
        set(&mut c.exercise_per_week, s.exercise_per_week);
        set(&mut c.hobby_per_week, s.hobby_per_week);
        set(&mut c.social_per_week, s.social_per_week);
        set(&mut c.therapy_per_week, s.therapy_per_week);
        set(&mut c.meals_per_day, s.meals_per_day);
        set(&mut c.gesture_cost_limit, s.gesture_cost_limit);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_minimums_cannot_be_lowered() {
        // C4, C10, SAFE-5: the numbers are floors, never countdowns to lower.
        let c = Config {
            no_contact_days: 3,
            min_gap_days: 0,
            silence_days: -5,
            ..Config::default()
        }
        .effective();
        assert_eq!(c.no_contact_days, 30);
        assert_eq!(c.min_gap_days, 7);
        assert_eq!(c.silence_days, 30);
        let longer = Config {
            no_contact_days: 60,
            ..Config::default()
        }
        .effective();
        assert_eq!(longer.no_contact_days, 60);
    }
}
