//! Dates as people read them, in the user's time zone (a setting; the system's by default).

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}
