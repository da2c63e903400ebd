//! Day counts are calendar days in the user's time zone, right across daylight-saving changes.

use amends_core::{Channel, Config, Direction, EventData, Plan};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::{History, outreach};

fn berlin() -> TimeZone {
    // The POSIX rule for central Europe, so the test doesn't depend on the system's tzdata.
    TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The plan of `h` at the moment `at`, read in its own time zone.
fn plan_at(h: &History, at: &str) -> Plan {
    Plan::at(&h.events, ts(at), &h.tz, &h.config)
}

fn history_with_contact_out(at: &str) -> History {
    let mut h = History::new();
    h.tz = berlin();
    h.add_at(
        ts(at),
        EventData::Contact {
            dir: Direction::Out,
            channel: Channel::Call,
            note: None,
        },
    );
    h
}

/// At the moment `at`: the no-contact day count, and when NC-2's thirty days are up if they
/// are not yet.
fn days_and_nc2_end(h: &History, at: &str) -> (i64, Option<Timestamp>) {
    let p = plan_at(h, at);
    let end = outreach(&p)
        .reasons
        .iter()
        .find(|r| r.method == "NC-2")
        .and_then(|r| r.until);
    (p.no_contact.days, end)
}

/// After a call out at `contact`, each row: a moment, the no-contact day count then, and when
/// NC-2's thirty days are up (none once they are).
fn assert_nc2(contact: &str, rows: &[(&str, i64, Option<&str>)]) {
    let h = history_with_contact_out(contact);
    for &(at, days, end) in rows {
        let expected = (days, end.map(ts));
        assert_eq!(days_and_nc2_end(&h, at), expected, "at {at}");
    }
}

#[test]
fn nc_2_thirty_days_span_the_spring_change_at_the_same_wall_clock_time() {
    // Noon in Berlin on 20 March (CET); clocks go forward on 31 March. Thirty calendar days
    // later is noon CEST, which is 719 hours, not 720.
    assert_nc2(
        "2024-03-20T12:00:00+01:00",
        &[
            (
                "2024-04-19T11:30:00+02:00",
                29,
                Some("2024-04-19T12:00:00+02:00"),
            ),
            ("2024-04-19T12:00:00+02:00", 30, None),
        ],
    );
}

#[test]
fn nc_2_thirty_days_span_the_autumn_change_at_the_same_wall_clock_time() {
    assert_nc2(
        "2024-10-20T12:00:00+02:00",
        &[(
            "2024-11-19T11:59:00+01:00",
            29,
            Some("2024-11-19T12:00:00+01:00"),
        )],
    );
}

#[test]
fn a_23_hour_day_still_counts_as_one_day() {
    // From noon on 30 March to noon on 31 March is 23 hours in Berlin, and one day.
    let h = history_with_contact_out("2024-03-30T12:00:00+01:00");
    let p = plan_at(&h, "2024-03-31T12:00:00+02:00");
    assert_eq!(p.no_contact.days, 1);
    // In UTC the same instants are 23 hours apart, so a 24-hour count would say 0.
    let utc = Plan::at(
        &h.events,
        ts("2024-03-31T12:00:00+02:00"),
        &TimeZone::UTC,
        &Config::default(),
    );
    assert_eq!(utc.no_contact.days, 0);
}
