//! The calendar: agreed check-ins, promise dates and chosen habit reminders, read back by an
//! independent iCalendar parser. Never a reminder to reach out (SAFE-6).

use amends_core::{HabitKind, Settings, Signal};

use crate::{day, fixture};

fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    cal
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

#[tokio::test]
async fn an_independent_parser_reads_the_calendar() {
    let f = fixture().await;
    f.signal(Signal::AgreedToCheckIns, day(1.0), day(1.0)).await;
    let due = day(20.0);
    f.app
        .promise_add(
            &f.case,
            "Call on Sunday, as I said; with commas",
            Some(due),
            day(2.0),
            day(2.0),
        )
        .await
        .unwrap();
    f.app
        .update_settings(
            &f.case,
            Settings {
                reminders: Some(vec![HabitKind::Sleep, HabitKind::Exercise]),
                ..Settings::default()
            },
            day(2.0),
        )
        .await
        .unwrap();
    let text = f.app.calendar(&f.case, day(3.0)).await.unwrap();
    assert!(text.contains("\r\n"), "RFC 5545 lines end in CRLF");
    let cal = parse(&text);
    assert_eq!(prop(&cal.properties, "VERSION"), Some("2.0"));
    let summaries: Vec<&str> = cal
        .events
        .iter()
        .filter_map(|e| prop(&e.properties, "SUMMARY"))
        .collect();
    assert_eq!(
        summaries.iter().filter(|s| s.contains("check-in")).count(),
        6
    );
    assert!(summaries.iter().any(|s| s.contains("promise is due")));
    assert!(summaries.iter().any(|s| s.contains("sleep")));
    assert!(summaries.iter().any(|s| s.contains("exercise")));
    let first_checkin = cal
        .events
        .iter()
        .find(|e| prop(&e.properties, "SUMMARY").is_some_and(|s| s.contains("check-in 1")))
        .unwrap();
    assert_eq!(prop(&first_checkin.properties, "DTSTART"), Some("20240116"));
    for e in &cal.events {
        assert!(prop(&e.properties, "UID").is_some());
        assert!(prop(&e.properties, "DTSTAMP").is_some());
        let s = prop(&e.properties, "SUMMARY").unwrap().to_lowercase();
        assert!(
            !s.contains("reach out") && !s.contains("contact them"),
            "{s}"
        );
    }
    // The promise's own words stay in the encrypted store.
    assert!(!text.contains("Call on Sunday"));
}

#[tokio::test]
async fn without_agreement_or_reminders_the_calendar_is_empty_but_valid() {
    let f = fixture().await;
    let text = f.app.calendar(&f.case, day(3.0)).await.unwrap();
    let cal = parse(&text);
    assert!(cal.events.is_empty());
}
