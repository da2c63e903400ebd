//! Calendar arithmetic in the user's time zone. A "day" is a calendar day where the user lives,
//! so a count stays right across daylight-saving changes (a 23- or 25-hour day is one day).

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Unit};

/// `t` plus `days` calendar days at the same wall-clock time. Saturates instead of failing at
/// the ends of the representable range.
pub fn add_days(t: Timestamp, days: i64, tz: &TimeZone) -> Timestamp {
    let z = t.to_zoned_datetime(tz.clone());
    match z.checked_add(days.days()) {
        Ok(z) => z.timestamp(),
        Err(_) if days >= 0 => Timestamp::MAX,
        Err(_) => Timestamp::MIN,
    }
}

/// Whole calendar days from `from` to `to` (negative if `to` is earlier).
pub fn days_between(from: Timestamp, to: Timestamp, tz: &TimeZone) -> i64 {
    let a = from.to_zoned_datetime(tz.clone());
    let b = to.to_zoned_datetime(tz.clone());
    match a.until((Unit::Day, &b)) {
        Ok(span) => i64::from(span.get_days()),
        // Unreachable for real dates; fall back to 24-hour days rather than fail a plan.
        Err(_) => (to.as_second() - from.as_second()) / 86_400,
    }
}

/// The local calendar date of `t`.
pub fn local_date(t: Timestamp, tz: &TimeZone) -> jiff::civil::Date {
    t.to_zoned_datetime(tz.clone()).date()
}

/// `t` as a short local date for sentences: "2024-05-03".
pub fn day(t: Timestamp, tz: &TimeZone) -> String {
    local_date(t, tz).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_a_calendar_day_across_dst() {
        let tz = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // Noon on 30 March 2024, the day before clocks go forward in central Europe.
        let before: Timestamp = "2024-03-30T11:00:00Z".parse().unwrap();
        let next = add_days(before, 1, &tz);
        // Noon local the next day is only 23 hours later.
        assert_eq!(next, "2024-03-31T10:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(days_between(before, next, &tz), 1);
        let almost: Timestamp = "2024-03-31T09:59:59Z".parse().unwrap();
        assert_eq!(days_between(before, almost, &tz), 0);
    }
}
