//! Day-by-day series for the self-work and no-contact charts (SI-2, SI-3, SI-4, NC-2). Pure:
//! events, the plan's slips, `now` and the time zone in; one point per calendar day out.

use amends_core::plan::time::days_between;
use amends_core::{Direction, Event, EventData, HabitKind, effective};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::{App, CaseSummary, Result};

/// One calendar day in the user's time zone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DayPoint {
    #[schemars(with = "amends_core::schema::Date")]
    pub date: Date,
    /// SI-3: hours slept, the latest entry of the day when there are several.
    pub sleep_hours: Option<f64>,
    /// SI-2: minutes of exercise that day.
    pub exercise_minutes: f64,
    /// SI-4: therapy, counselling or coaching sessions that day.
    pub therapy_sessions: u32,
    /// NC-2, SAFE-7: a slip that restarted the no-contact count.
    pub slip: bool,
    /// Contact the user started (slip or not).
    pub contact_out: bool,
    /// They got in touch.
    pub contact_in: bool,
    /// Whole days into the no-contact stretch at the end of this day; `None` before any data.
    pub stretch_days: Option<i64>,
}

/// Day-by-day series, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Series {
    pub days: Vec<DayPoint>,
}

/// The last `days` calendar days up to and including today. `counted_from` is where the plan
/// began the no-contact count (NC-2); without it the count begins at the first entry.
pub fn daily(
    events: &[Event],
    slips: &[Timestamp],
    counted_from: Option<Timestamp>,
    now: Timestamp,
    tz: &TimeZone,
    days: usize,
) -> Series {
    let today = now.to_zoned_datetime(tz.clone()).date();
    let first = today
        .checked_sub(jiff::Span::new().days(days.saturating_sub(1) as i64))
        .unwrap_or(today);
    let index = |t: Timestamp| -> Option<usize> {
        let d = t.to_zoned_datetime(tz.clone()).date();
        if d < first || d > today {
            return None;
        }
        usize::try_from((d - first).get_days()).ok()
    };
    let mut points: Vec<DayPoint> = (0..days)
        .map(|i| DayPoint {
            date: first
                .checked_add(jiff::Span::new().days(i as i64))
                .unwrap_or(first),
            ..Default::default()
        })
        .collect();
    let kept = effective(events);
    // NC-2: the stretch restarts at every contact the user starts, allowed or not, and at
    // every slip (SAFE-7 counts watching them too).
    let mut restarts: Vec<Timestamp> = slips.to_vec();
    let mut started: Option<Timestamp> = counted_from;
    for e in kept.iter().filter(|e| e.at <= now) {
        if counted_from.is_none() {
            started = Some(started.map_or(e.at, |s| s.min(e.at)));
        }
        let outbound = matches!(
            e.data,
            EventData::Contact {
                dir: Direction::Out,
                ..
            } | EventData::Gesture { .. }
                | EventData::DraftSent { .. }
        );
        if outbound {
            restarts.push(e.at);
        }
        let Some(i) = index(e.at) else { continue };
        let p = &mut points[i];
        p.contact_out |= outbound;
        match &e.data {
            EventData::Habit {
                habit: HabitKind::Sleep,
                value,
                ..
            } => p.sleep_hours = Some(*value),
            EventData::Habit {
                habit: HabitKind::Exercise,
                value,
                ..
            } => p.exercise_minutes += value,
            EventData::Habit {
                habit: HabitKind::Therapy,
                value,
                ..
            } => {
                p.therapy_sessions += value.max(1.0).round() as u32;
            }
            EventData::Contact {
                dir: Direction::In, ..
            } => p.contact_in = true,
            _ => {}
        }
    }
    for s in slips {
        if let Some(i) = index(*s) {
            points[i].slip = true;
        }
    }
    restarts.sort_unstable();
    for p in &mut points {
        // The stretch as it stood when the day ended, or now for today, in the same whole
        // calendar days as the plan's counter: the chart and the number beside it agree.
        let end = p
            .date
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
            .map_or(now, |z| z.timestamp())
            .min(now);
        let anchor = restarts
            .iter()
            .rev()
            .find(|t| **t <= end)
            .copied()
            .into_iter()
            .chain(started.filter(|s| *s <= end))
            .max();
        p.stretch_days = anchor.map(|a| days_between(a, end, tz));
    }
    Series { days: points }
}

impl App {
    /// The chart series of a case over the last `days` days.
    pub async fn chart_series(
        &self,
        case: &CaseSummary,
        now: Timestamp,
        days: usize,
    ) -> Result<Series> {
        let days = days.clamp(7, 366);
        // A damaged history is refused here, as before; the rest comes from one reading.
        let events = self.history(case).await?;
        let snap = self.snapshot(case, now).await?;
        let plan = &snap.plan;
        let slips: Vec<Timestamp> = plan.no_contact.slips.iter().map(|s| s.at).collect();
        Ok(daily(
            &events,
            &slips,
            plan.no_contact.counted_from,
            now,
            &snap.tz,
            days,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amends_core::Channel;

    /// The first entry of a case, the day its stretch counts from.
    fn start(at: Timestamp) -> Event {
        ev(
            "a",
            at,
            EventData::Journal {
                text: "start".into(),
            },
        )
    }

    fn ev(id: &str, at: Timestamp, data: EventData) -> Event {
        Event {
            id: id.into(),
            at,
            recorded_at: at,
            supersedes: None,
            data,
        }
    }

    fn habit(id: &str, at: Timestamp, habit: HabitKind, value: f64) -> Event {
        let data = EventData::Habit {
            habit,
            value,
            note: None,
            plan: None,
        };
        ev(id, at, data)
    }

    /// A text the user sent: a slip when the plan has no contact in force.
    fn text_out(id: &str, at: Timestamp) -> Event {
        let data = EventData::Contact {
            dir: Direction::Out,
            channel: Channel::Text,
            note: None,
        };
        ev(id, at, data)
    }

    #[test]
    fn points_fall_on_local_days_and_slips_restart_the_stretch() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let now: Timestamp = "2026-03-31T10:00:00Z".parse().unwrap();
        let day = |s: &str| -> Timestamp { s.parse().unwrap() };
        let events = vec![
            start(day("2026-03-01T08:00:00Z")),
            // 23:30 UTC on the 28th is already the 29th in Berlin (after the DST change).
            habit("b", day("2026-03-28T23:30:00Z"), HabitKind::Sleep, 7.5),
            habit("c", day("2026-03-30T12:00:00Z"), HabitKind::Exercise, 30.0),
            habit("d", day("2026-03-30T18:00:00Z"), HabitKind::Exercise, 15.0),
            text_out("e", day("2026-03-20T09:00:00Z")),
        ];
        let slips = vec![day("2026-03-20T09:00:00Z")];
        let s = daily(&events, &slips, None, now, &tz, 30);
        assert_eq!(s.days.len(), 30);
        assert_eq!(s.days.last().unwrap().date, jiff::civil::date(2026, 3, 31));
        let on = |d: i8| {
            s.days
                .iter()
                .find(|p| p.date == jiff::civil::date(2026, 3, d))
                .unwrap()
        };
        assert_eq!(on(29).sleep_hours, Some(7.5));
        assert_eq!(on(28).sleep_hours, None);
        assert_eq!(on(30).exercise_minutes, 45.0);
        assert!(on(20).slip && on(20).contact_out);
        assert_eq!(on(20).stretch_days, Some(0));
        assert_eq!(on(31).stretch_days, Some(11));
        assert_eq!(on(19).stretch_days, Some(18));
    }

    /// Regression: the chart counted calendar dates (Nov 21 18:00 to today Nov 24 = 3) while
    /// the counter beside it counted whole days (2), so the two disagreed on the same page.
    #[test]
    fn todays_stretch_matches_the_plans_counter() {
        let tz = TimeZone::UTC;
        let t = |s: &str| -> Timestamp { s.parse().unwrap() };
        let events = vec![
            start(t("2026-10-01T09:00:00Z")),
            text_out("b", t("2026-11-21T18:00:00Z")),
        ];
        for now in [
            "2026-11-24T10:35:00Z",
            "2026-11-24T18:00:00Z",
            "2026-11-24T23:59:00Z",
        ] {
            let now = t(now);
            let plan = amends_core::Plan::at(&events, now, &tz, &amends_core::Config::default());
            let slips: Vec<Timestamp> = plan.no_contact.slips.iter().map(|s| s.at).collect();
            let s = daily(&events, &slips, plan.no_contact.counted_from, now, &tz, 30);
            assert_eq!(
                s.days.last().unwrap().stretch_days,
                Some(plan.no_contact.days),
                "at {now}"
            );
        }
    }
}
