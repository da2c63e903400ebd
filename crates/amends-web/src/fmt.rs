//! Dates as people read them, in the computer's time zone.

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub fn local(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::system())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}
