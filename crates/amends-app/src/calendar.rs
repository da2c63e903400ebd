//! An RFC 5545 iCalendar of what the user agreed to or chose to be reminded of: agreed check-ins
//! (TR-5), promise due dates (TR-3) and the habit reminders they turned on.
//!
//! SAFE-6: it never holds a reminder to reach out. No-contact milestones, gate openings and the
//! optional follow-up (TR-8) are left out on purpose; a calendar alarm is a nudge.
//!
//! Written by hand rather than with a crate: the subset needed is small, and the test proves an
//! independent parser reads it.

use amends_core::{HabitKind, Plan};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tracing::instrument;

use crate::{App, CaseSummary, Result};

/// How many agreed check-ins ahead the calendar lists.
const CHECKINS_AHEAD: i64 = 6;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn date(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .date()
        .strftime("%Y%m%d")
        .to_string()
}

struct Vevent {
    uid: String,
    lines: Vec<String>,
}

fn habit_reminder(kind: HabitKind) -> (&'static str, &'static str) {
    match kind {
        HabitKind::Sleep => ("Log last night's sleep (SI-3)", "080000"),
        HabitKind::Meals => ("Log today's meals (SI-1)", "200000"),
        HabitKind::Exercise => ("Log any exercise today (SI-2)", "200000"),
        HabitKind::Hobby => ("Log hobby time today (SI-7)", "200000"),
        HabitKind::Social => ("Log time with friends or family (SI-8)", "200000"),
        HabitKind::Therapy => ("Log therapy sessions (SI-4)", "200000"),
        HabitKind::Step => ("Log a concrete step you took (SI-9)", "200000"),
        HabitKind::Practice => ("Log practising your prevention plan (DMG-9)", "200000"),
    }
}

/// Renders the calendar for one case's plan.
pub fn render(case: &CaseSummary, plan: &Plan, tz: &TimeZone, now: Timestamp) -> String {
    let stamp = utc(now);
    let mut events: Vec<Vevent> = Vec::new();
    for (i, due) in crate::method::checkin_dates(plan, tz, CHECKINS_AHEAD)
        .into_iter()
        .enumerate()
    {
        let day = date(due, tz);
        events.push(Vevent {
            uid: format!("checkin-{}-{day}@amends.local", case.id),
            lines: vec![
                format!("DTSTART;VALUE=DATE:{day}"),
                format!(
                    "SUMMARY:{}",
                    escape(&format!("Agreed check-in {} (TR-5)", i + 1))
                ),
                format!(
                    "DESCRIPTION:{}",
                    escape(
                        "The check-in you both agreed to, around this day. If either of you no \
                         longer wants it, it simply doesn't happen."
                    )
                ),
                "TRANSP:TRANSPARENT".into(),
            ],
        });
    }
    // Issue 12: under a stop or a pause no date that involves them goes in the calendar.
    let promises_due = plan.allows(amends_core::plan::Capability::Promise);
    for p in plan
        .promises
        .items
        .iter()
        .filter(|p| promises_due && p.status == amends_core::plan::PromiseStatus::Open)
    {
        let Some(due) = p.due else { continue };
        events.push(Vevent {
            uid: format!("promise-{}@amends.local", p.id),
            lines: vec![
                format!("DTSTART:{}", utc(due)),
                // The promise's words stay in the encrypted store; the calendar names its id.
                format!(
                    "SUMMARY:{}",
                    escape(&format!("A promise is due (TR-3), id {}", p.id))
                ),
                format!(
                    "DESCRIPTION:{}",
                    escape("See it with: amends promise list. Mark it kept or broken there.")
                ),
            ],
        });
    }
    // Habit reminders recur daily at a floating local time, in whatever zone the device is.
    let reminders = plan_reminders(plan);
    for kind in reminders {
        let (summary, time) = habit_reminder(kind);
        events.push(Vevent {
            uid: format!("habit-{kind}-{}@amends.local", case.id),
            lines: vec![
                format!("DTSTART:{}T{time}", date(now, tz)),
                "RRULE:FREQ=DAILY".into(),
                format!("SUMMARY:{}", escape(summary)),
                "TRANSP:TRANSPARENT".into(),
            ],
        });
    }

    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//amends//amends calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(line, &mut out);
    }
    fold(
        &format!(
            "X-WR-CALNAME:{}",
            escape("amends: agreed check-ins and habits")
        ),
        &mut out,
    );
    for e in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", e.uid), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        for l in &e.lines {
            fold(l, &mut out);
        }
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// The reminders the user turned on, from the plan's settings.
fn plan_reminders(plan: &Plan) -> Vec<HabitKind> {
    plan.reminders.clone()
}

impl App {
    /// The calendar of a case at `now`.
    #[instrument(skip_all)]
    pub async fn calendar(&self, case: &CaseSummary, now: Timestamp) -> Result<String> {
        let snap = self.snapshot(case, now).await?;
        Ok(render(case, &snap.plan, &snap.tz, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
