//! The page models (issue 13): what the screens show, built here once for every front end.

use std::time::{Duration, Instant};

use amends_app::UnlockThrottle;
use amends_app::charts::{DayPoint, Series};
use amends_app::views::pages::{self, Failed};
use amends_app::views::{FormView, charts, form_by_slug, slug};
use amends_core::forms::AnswerType;
use amends_core::{Answers, FormId, HabitKind};
use jiff::Timestamp;
use jiff::civil::date;

use crate::fixture;

#[test]
fn problems_land_next_to_their_question_and_in_the_summary() {
    let form = FormId::Intake.form();
    let problems = vec![
        "honest: this has to be accepted (yes) to go on.".to_string(),
        "something the form does not know about".to_string(),
    ];
    let v = FormView::new(form, "/assess/intake", "intake", &Answers::new(), &problems);
    let honest = v.questions.iter().find(|q| q.name == "honest").unwrap();
    assert!(
        honest
            .error
            .as_deref()
            .unwrap()
            .starts_with("This has to be")
    );
    assert!(honest.described_by().contains("intake-honest-error"));
    assert_eq!(v.problems.len(), 2);
    assert_eq!(v.problems[0].anchor.as_deref(), Some("intake-honest"));
    assert!(v.problems[1].anchor.is_none());
}

#[test]
fn conditions_are_said_in_words_and_never_block_the_form() {
    let form = FormId::Intake.form();
    let v = FormView::new(form, "/", "i", &Answers::new(), &[]);
    let q = v
        .questions
        .iter()
        .find(|q| q.name == "nofault_cause")
        .unwrap();
    let note = q.when_note.as_deref().unwrap();
    assert!(note.contains("\u{201c}No\u{201d}"), "{note}");
    assert!(note.contains("Did you genuinely hurt them?"), "{note}");
    assert!(!q.required);
    assert!(!q.optional, "it is needed when it applies");
    assert_eq!(q.when_question, "did_harm");
    assert_eq!(q.when_values, "no");
}

#[test]
fn likert_scales_name_their_ends() {
    for id in FormId::ALL {
        let form = id.form();
        let v = FormView::new(form, "/", "f", &Answers::new(), &[]);
        for (q, view) in form.questions.iter().zip(&v.questions) {
            if q.answer == AnswerType::Likert {
                assert_eq!(view.options.len(), 5);
                assert!(
                    view.options[0].label.starts_with("1, "),
                    "{}",
                    view.options[0].label
                );
                assert!(
                    view.options[4].label.starts_with("5, "),
                    "{}",
                    view.options[4].label
                );
            }
        }
    }
}

#[test]
fn every_form_has_an_address() {
    for f in FormId::ALL {
        assert_eq!(form_by_slug(slug(f)), Some(f));
    }
    assert_eq!(
        form_by_slug("conversation-review"),
        Some(FormId::ConversationReview)
    );
    assert_eq!(form_by_slug("nope"), None);
}

fn series() -> Series {
    let mut days: Vec<DayPoint> = (1..=30)
        .map(|d| DayPoint {
            date: date(2026, 11, d),
            stretch_days: Some(i64::from(d) - 1),
            ..Default::default()
        })
        .collect();
    days[3].sleep_hours = Some(8.0);
    days[4].sleep_hours = Some(5.5);
    days[10].exercise_minutes = 40.0;
    days[12].therapy_sessions = 1;
    days[20].slip = true;
    for (i, d) in days.iter_mut().enumerate().skip(20) {
        d.stretch_days = Some(i as i64 - 20);
    }
    Series { days }
}

#[test]
fn charts_have_titles_summaries_labelled_axes_and_their_numbers() {
    for chart in [
        charts::sleep(&series(), [7.0, 9.0]),
        charts::exercise_and_therapy(&series()),
        charts::no_contact(&series(), Some(30)),
    ] {
        assert!(!chart.title.is_empty() && !chart.summary.is_empty());
        assert!(!chart.y_label.is_empty());
        assert_eq!(chart.y_ticks.len(), 5);
        assert!(chart.x_ticks.len() >= 6, "{}", chart.title);
        assert!(!chart.rows.is_empty(), "{}", chart.title);
        for mark in chart.bars.iter().chain(&chart.dots) {
            assert!(
                mark.x >= chart.left() && mark.x <= chart.right(),
                "{mark:?}"
            );
            assert!(!mark.title.is_empty());
        }
    }
}

#[test]
fn the_sleep_summary_counts_nights_in_the_band() {
    let c = charts::sleep(&series(), [7.0, 9.0]);
    assert!(c.summary.contains("2 nights logged"), "{}", c.summary);
    assert!(
        c.summary.contains("1 of them in the 7–9 hour band"),
        "{}",
        c.summary
    );
    assert_eq!(c.band.as_ref().unwrap().label, "7–9 h target");
    assert_eq!(c.bars.iter().filter(|b| b.class == "bar ok").count(), 1);
    assert_eq!(c.bars.iter().filter(|b| b.class == "bar off").count(), 1);
}

#[test]
fn slips_are_drawn_and_listed() {
    let c = charts::no_contact(&series(), Some(30));
    assert_eq!(c.slips.len(), 1);
    assert!(c.slips[0].title.ends_with("slip, the count restarted"));
    assert_eq!(c.lines.len(), 2, "the line breaks at the restart");
    assert!(
        c.rows
            .iter()
            .any(|(d, v)| d == "21 Nov" && v.contains("slip")),
        "{:?}",
        c.rows
    );
    assert!(c.summary.contains("1 slip"));
    assert!(
        charts::no_contact(&series(), None).band.is_none(),
        "no target under a stop"
    );
}

#[test]
fn overlapping_findings_split_into_segments_that_keep_every_byte() {
    let text = "I’m sorry, but you made me do it";
    let report = amends_app::coach::check_text(text, amends_app::coach::Kind::Apology).unwrap();
    let segs = pages::segments(text, &report.findings);
    let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(joined, text);
    let marked: String = segs
        .iter()
        .filter(|s| s.severity == Some("block"))
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        marked.contains("made me"),
        "{marked:?} in {:?}",
        report.findings
    );
}

#[test]
fn a_step_counts_as_one_and_other_values_must_be_numbers() {
    assert_eq!(pages::habit_value(HabitKind::Step, " "), Ok(1.0));
    assert_eq!(pages::habit_value(HabitKind::Sleep, "7.5"), Ok(7.5));
    let e = pages::habit_value(HabitKind::Sleep, "lots").unwrap_err();
    assert!(e.contains("\u{201c}lots\u{201d} is not a number"), "{e}");
    assert_eq!(pages::amount("4,50"), Ok(4.5));
    assert!(pages::amount("a coffee").is_err());
}

#[test]
fn the_honest_check_of_a_request_assumes_no_answer() {
    let b = pages::bounds(Some("yes"), Some("yes"), Some("no")).unwrap();
    assert!(b.affordable && b.legal && !b.safe);
    assert_eq!(pages::outside(&b), "not safe");
    let e = pages::bounds(Some("yes"), None, None).unwrap_err();
    assert!(e.contains("is it legal, is it safe?"), "{e}");
    let none = amends_core::Bounds {
        affordable: false,
        legal: false,
        safe: false,
    };
    assert_eq!(
        pages::outside(&none),
        "beyond your means, not legal and not safe"
    );
}

#[test]
fn method_settings_come_from_the_form_fields() {
    let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let s = pages::settings_from_fields(&fields(&[
        ("_csrf", "x"),
        ("exercise_per_week", " 3 "),
        ("meals_per_day", ""),
        ("reminder", "sleep"),
    ]))
    .unwrap();
    assert_eq!(s.exercise_per_week, Some(3.0));
    assert_eq!(s.meals_per_day, None, "empty leaves it as it is");
    assert_eq!(s.reminders, Some(vec![HabitKind::Sleep]));
    let e = pages::settings_from_fields(&fields(&[("hobby_per_week", "two")])).unwrap_err();
    assert!(e.contains("hobby_per_week"), "{e}");
    assert!(pages::settings_from_fields(&fields(&[("reminder", "naps")])).is_err());
}

/// The workbook's rows come from the core's one mapping of entries to answers, under their
/// short labels, choices in words (issue 13: the mapping was written five times).
#[tokio::test]
async fn workbook_rows_read_as_labelled_answers() {
    let f = fixture().await;
    let now = Timestamp::now();
    let act = amends_core::EventData::WorkbookAct {
        act: "I read your messages without asking".into(),
        impact: "You stopped feeling safe at home".into(),
        feelings: vec!["betrayed".into()],
        their_shoes: "Watched and small".into(),
        times: None,
        danger: Vec::new(),
    };
    f.app.record(&f.case, now, now, act, None).await.unwrap();
    let records = f.app.records(&f.case).await.unwrap();
    let plan = f.app.plan(&f.case, now).await.unwrap();
    let failed = Failed {
        section: "loss",
        answers: Answers::new(),
        problems: vec!["text: too short".into()],
    };
    let sections = pages::workbook(&plan, &records, Some(&failed));
    let act = sections.iter().find(|s| s.id == "act").unwrap();
    assert_eq!(act.status, "done");
    let row = &act.rows[0];
    let labels: Vec<&str> = row.fields.iter().map(|f| f.label).collect();
    assert_eq!(
        labels,
        [
            "What I did",
            "What it did to them",
            "What they likely felt",
            "In their shoes"
        ]
    );
    assert_eq!(row.fields[2].items, ["betrayed"]);
    assert_eq!(row.habit, None);
    let loss = sections.iter().find(|s| s.id == "loss").unwrap();
    assert!(
        loss.open,
        "a form that came back with a problem starts unfolded"
    );
    assert!(
        sections
            .iter()
            .find(|s| s.id == "their-part")
            .unwrap()
            .private
    );
}

#[test]
fn five_wrong_tries_are_free_then_the_wait_doubles_up_to_fifteen_minutes() {
    let t0 = Instant::now();
    let mut t = UnlockThrottle::default();
    for _ in 0..amends_app::FREE_TRIES - 1 {
        t.failed(t0);
        assert_eq!(t.check(t0), Ok(()));
    }
    t.failed(t0);
    assert_eq!(t.check(t0), Err(Duration::from_secs(30)));
    assert_eq!(t.check(t0 + Duration::from_secs(30)), Ok(()));

    let t1 = t0 + Duration::from_secs(31);
    t.failed(t1);
    assert_eq!(t.check(t1), Err(Duration::from_secs(60)));
    for _ in 0..20 {
        t.failed(t1);
    }
    assert_eq!(t.check(t1), Err(Duration::from_secs(15 * 60)));

    t.succeeded();
    assert_eq!(t.check(t1), Ok(()));
    t.failed(t1);
    assert_eq!(t.check(t1), Ok(()), "a success starts the count again");
}

#[test]
fn waits_read_in_words_rounded_up() {
    use amends_app::wait_in_words;
    assert_eq!(wait_in_words(Duration::from_millis(200)), "1 second");
    assert_eq!(wait_in_words(Duration::from_millis(29_100)), "30 seconds");
    assert_eq!(wait_in_words(Duration::from_secs(120)), "2 minutes");
    assert_eq!(wait_in_words(Duration::from_secs(15 * 60)), "15 minutes");
}

/// Issue 13 (derive once): the page frame reads the zone, the help in front (SAFE-3) and the
/// safety plan at once; the plan is only put in front while the help is.
#[tokio::test]
async fn the_frame_holds_the_zone_the_help_in_front_and_the_safety_plan() {
    let (f, plan) = crate::with_a_safety_plan().await;
    let now = Timestamp::now();
    let calm = f.app.frame(now).await;
    assert_eq!(calm.zone.tz.iana_name(), Some("Asia/Tokyo"));
    assert!(!calm.safety.any());
    assert_eq!(calm.safety_plan.as_ref(), Some(&plan));
    assert!(
        calm.plan_in_front().is_none(),
        "nothing found, nothing in front"
    );

    f.journal("i keep thinking about killing myself tonight", now, now)
        .await;
    let found = f.app.frame(now).await;
    assert!(found.safety.crisis && !found.safety.threat);
    assert_eq!(found.plan_in_front(), Some(&plan));
    assert_eq!(
        found.safety,
        f.app.recent_safety(now).await,
        "the same as asked alone"
    );
    // A day later the help steps back.
    let later = f
        .app
        .frame(now + jiff::SignedDuration::from_hours(25))
        .await;
    assert!(!later.safety.any());
}

/// Issue 13: the page each typed next step opens is mapped in the app, so the web renders it;
/// a workbook step lands on its section's form, by the anchor that form is given.
#[test]
fn each_next_step_opens_its_page() {
    use amends_app::views::StepPage;
    use amends_app::views::pages::workbook_form;
    use amends_core::plan::Action;
    let cases = [
        (None, "/"),
        (Some(Action::Assess(FormId::Intake)), "/assess/intake"),
        (
            Some(Action::Assess(FormId::ConversationReview)),
            "/assess/review",
        ),
        (Some(Action::Assess(FormId::Reflection)), "/moving-on"),
        (Some(Action::Workbook("no such section")), "/workbook"),
        (Some(Action::Habit(None)), "/self-work"),
        (
            Some(Action::Habit(Some((HabitKind::Sleep, Some(7))))),
            "/self-work",
        ),
        (Some(Action::LogUrge), "/no-contact"),
        (Some(Action::PromiseList), "/promises"),
        (Some(Action::AmendsList), "/amends"),
        (Some(Action::JournalAdd), "/journal"),
    ];
    for (action, path) in cases {
        assert_eq!(StepPage::of(action).to_string(), path, "{action:?}");
    }
    for section in &amends_core::forms::WORKBOOK {
        let form = workbook_form(section, "/workbook".into(), &Answers::new(), &[]);
        assert_eq!(
            StepPage::of(Some(Action::Workbook(section.id))).to_string(),
            format!("/workbook#{}", form.prefix)
        );
    }
}
