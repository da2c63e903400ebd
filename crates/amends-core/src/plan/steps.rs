//! Next steps and guidance for the current phase.
//!
//! SAFE-6, C2: a next step is always about the user's own work (answer, reflect, log, rest, look
//! after yourself). None of them ever suggests contacting the other person; the test
//! `no_next_step_nudges_contact` holds every scenario to that.

use serde::Serialize;

use super::gates::{Ctx, ReasonCode};
use super::{Phase, Plan};
use crate::event::{HabitKind, Signal, YesNoUnsure};
use crate::forms::{Answer, FormId};
use crate::guidance::{Card, card_for};

/// One thing to do next: a METHOD id, a plain sentence, and the command (after `amends`) that
/// does it, which the web app maps to a page.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NextStep {
    pub method: &'static str,
    pub text: String,
    /// The command that does it, e.g. `journal add`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub action: Option<Action>,
}

/// What a next step leads to. The CLI shows it as its command (`Display`, also the JSON
/// form: `"journal add"`); the web app maps it to a page. A type, so no front end parses a
/// command line back apart (issue 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Answer a questionnaire.
    Assess(FormId),
    /// Write a section of the workbook, by its id (`act`, `loss`, ...).
    Workbook(&'static str),
    /// Log self-work: any tracker, or one, with a value when there is an obvious one.
    Habit(Option<(HabitKind, Option<u8>)>),
    /// Log an urge resisted (NC-6).
    LogUrge,
    PromiseList,
    AmendsList,
    JournalAdd,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Assess(form) => write!(f, "assess {}", form.as_str()),
            Action::Workbook(section) => write!(f, "workbook {section}"),
            Action::Habit(None) => f.write_str("habit"),
            Action::Habit(Some((kind, None))) => write!(f, "habit {kind}"),
            Action::Habit(Some((kind, Some(value)))) => write!(f, "habit {kind} {value}"),
            Action::LogUrge => f.write_str("log urge"),
            Action::PromiseList => f.write_str("promise list"),
            Action::AmendsList => f.write_str("amends list"),
            Action::JournalAdd => f.write_str("journal add"),
        }
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn step(method: &'static str, text: impl Into<String>, action: Option<Action>) -> NextStep {
    NextStep {
        method,
        text: text.into(),
        action,
    }
}

pub(crate) fn next_steps(c: &Ctx, plan: &Plan) -> Vec<NextStep> {
    let f = c.f;
    let mut s = Vec::new();
    match plan.phase {
        Phase::Support => {
            s.push(step(
                "SAFE-8",
                "You were harmed. This isn't yours to apologise for; the support listed here is \
                 for you.",
                None,
            ));
            s.push(step(
                "MO-2",
                "Write down what you feel, just for you, in the private journal.",
                Some(Action::JournalAdd),
            ));
        }
        Phase::SafetyStop => {
            s.push(step(
                "SAFE-2",
                "Turn to the behaviour-change resources listed here; they are the amends that \
                 matter now.",
                None,
            ));
            s.push(step(
                "SI-4",
                "Find individual therapy with someone experienced in anger, control or abuse.",
                Some(Action::Habit(Some((HabitKind::Therapy, Some(1))))),
            ));
            s.push(step(
                "MO-3",
                "Keep up your habits and log them; they are for your own life.",
                Some(Action::Habit(None)),
            ));
        }
        Phase::MoveOn => {
            if !plan.move_on.reflection_done {
                s.push(step(
                    "MO-4",
                    "Reflect on what the relationship gave you, what it cost and what it taught \
                     you.",
                    Some(Action::Assess(FormId::Reflection)),
                ));
            }
            s.push(step(
                "MO-2",
                "When disappointment comes, put it in the journal, with friends or in therapy.",
                Some(Action::JournalAdd),
            ));
            s.push(step(
                "MO-3",
                "Keep up the self-work either way; it is yours.",
                Some(Action::Habit(None)),
            ));
        }
        Phase::Intake => s.push(step(
            "GO-1",
            "Answer the intake questions: why you want this, what happened, and whether it is \
             safe to try.",
            Some(Action::Assess(FormId::Intake)),
        )),
        Phase::WalkAway => s.push(step(
            "WA-1",
            "Take the walk-away assessment. It looks honestly at the signs, and stopping is a \
             complete, decent outcome.",
            Some(Action::Assess(FormId::Walkaway)),
        )),
        Phase::Workbook => {
            for gap in &plan.workbook.missing {
                let text = match gap.section {
                    "act" => {
                        "Write one row for each specific thing you did: its impact, their \
                              feelings, and how it would feel in their shoes."
                    }
                    "loss" => "Write what they lost: the time, energy and hope they put in.",
                    "why" => "Follow the why-chain at least two levels down.",
                    "again" => "Answer honestly whether it could happen again.",
                    "respect" => "Ask yourself honestly whether you respect them.",
                    "prevention" => "Write a prevention plan for each behaviour.",
                    _ => "Write out precisely where you failed them.",
                };
                s.push(step(gap.method, text, Some(section_action(gap.section))));
            }
        }
        Phase::NoContact => {
            s.push(step(
                "NC-5",
                format!(
                    "Day {} of no contact. Use the time for yourself: reflect, pick up what you \
                     neglected, and notice whether it's them you want or the comfort.",
                    plan.no_contact.days
                ),
                None,
            ));
        }
        Phase::ReContact => s.push(step(
            "PP-9",
            "The gate being open is permission, not a prompt. Nothing has to happen; keep \
             building your own life.",
            None,
        )),
        Phase::Patience => s.push(step(
            "PP-5",
            "The next move is theirs. Carry on with your own life and habits.",
            Some(Action::Habit(None)),
        )),
        Phase::Apology => s.push(step(
            "AP-2",
            "If you write an apology, name what you did and how it affected them, with no \
             excuses; the coach reads every draft first.",
            None,
        )),
        Phase::Listening => s.push(step(
            "LS-7",
            "Note what they say they need, in their words, so amends and promises follow them.",
            None,
        )),
        Phase::Rebuilding => s.push(step(
            "TR-9",
            "Keep working on yourself; the habits stay on now that they let you back in.",
            Some(Action::Habit(None)),
        )),
    }

    let on_track = !matches!(
        plan.phase,
        Phase::Support | Phase::SafetyStop | Phase::Intake | Phase::MoveOn
    );
    if on_track {
        if plan.walk_away.suggested && plan.phase != Phase::WalkAway {
            let assessed = plan.walk_away.assessed_at.is_some();
            if !assessed {
                s.push(step(
                    "WA-1",
                    "Some signs suggest looking honestly at walking away. Take the walk-away \
                     assessment.",
                    Some(Action::Assess(FormId::Walkaway)),
                ));
            }
        }
        if plan.self_work.weeks_with_data < plan.self_work.weeks_needed {
            s.push(step(
                "RC-1",
                "Log your self-work most days: sleep, exercise, meals, hobbies, time with \
                 friends, therapy.",
                Some(Action::Habit(None)),
            ));
        }
        if plan.self_work.last_7.sleep.nights > 0 && plan.self_work.last_7.sleep.score < 50 {
            s.push(step(
                "SI-3",
                "Your sleep is often outside 7 to 9 hours. Rest is part of the work.",
                Some(Action::Habit(Some((HabitKind::Sleep, None)))),
            ));
        }
        if matches!(f.again, Some(YesNoUnsure::Yes | YesNoUnsure::Unsure))
            || matches!(f.respect, Some(YesNoUnsure::No | YesNoUnsure::Unsure))
        {
            let method = if matches!(f.again, Some(YesNoUnsure::Yes | YesNoUnsure::Unsure)) {
                "DMG-7"
            } else {
                "DMG-8"
            };
            if f.habit_count(HabitKind::Therapy) == 0 {
                s.push(step(
                    method,
                    "Consider therapy to get to the root of it; log the sessions you attend.",
                    Some(Action::Habit(Some((HabitKind::Therapy, Some(1))))),
                ));
            } else {
                s.push(step(
                    method,
                    "When your work on it has changed the answer, update it in the workbook.",
                    Some(if method == "DMG-7" {
                        Action::Workbook("again")
                    } else {
                        Action::Workbook("respect")
                    }),
                ));
            }
        }
        if f.weak_motives_only() {
            s.push(step(
                "GO-1",
                "Look again at why you want this; every reason so far is about filling a gap.",
                Some(Action::Assess(FormId::Readiness)),
            ));
        }
        let needs_readiness = plan
            .no_contact
            .target_days
            .is_some_and(|target| plan.no_contact.days >= target)
            && plan.intake_done
            && plan.workbook.done
            && plan.gates.first().is_some_and(|g| {
                g.reasons
                    .iter()
                    .any(|r| r.code == Some(ReasonCode::ReadinessDue))
            });
        if needs_readiness && matches!(plan.phase, Phase::NoContact) {
            s.push(step(
                "NC-5",
                format!(
                    "After {} days apart, take the readiness self-check: it asks again why you \
                     want this, and it is only for you.",
                    plan.no_contact.days
                ),
                Some(Action::Assess(FormId::Readiness)),
            ));
        }
        if matches!(plan.phase, Phase::NoContact | Phase::Patience) {
            s.push(step(
                "NC-6",
                "When an urge comes, log it and do something from your own list instead.",
                Some(Action::LogUrge),
            ));
        }
    }

    // SAFE-1, SAFE-2, SAFE-8, WA-3 (issue 12): under a stop nothing below may point the user
    // towards them: no promise to settle with them, no check-in, no answers owed to their
    // questions, no amends to work on with them, no conversation to prepare.
    if !c.allows(super::stops::Capability::StepsAboutThem) {
        return s;
    }
    for p in plan.promises.items.iter().filter(|p| p.overdue) {
        s.push(step(
            "TR-3",
            format!(
                "A promise is past its date ({}): mark it kept or broken, or note that you \
                 agreed a new date.",
                p.id
            ),
            Some(Action::PromiseList),
        ));
    }
    if plan.checkins.agreed
        && let Some(due) = plan.checkins.next_due
    {
        s.push(step(
            "TR-5",
            format!(
                "The check-in you both agreed to falls around {}.",
                super::time::day(due, c.tz)
            ),
            None,
        ));
    }
    for a in plan.amends.iter().filter(|a| {
        matches!(
            a.status,
            crate::event::AmendsStatus::Open | crate::event::AmendsStatus::InProgress
        )
    }) {
        if a.within_bounds {
            s.push(step(
                "AM-2",
                format!(
                    "Keep working on what they asked for: \u{201c}{}\u{201d}.",
                    excerpt(&a.request, 60)
                ),
                Some(Action::AmendsList),
            ));
        } else {
            s.push(step(
                "SAFE-9",
                format!(
                    "One request (\u{201c}{}\u{201d}) is beyond what is affordable, legal or \
                     safe. amends won't help with it; be honest with them about that (C8).",
                    excerpt(&a.request, 60)
                ),
                None,
            ));
        }
    }
    // LS-2, LS-4, LS-5: once they are talking, the user's own look back shapes the next
    // conversation. Only what they answered is echoed; nothing here suggests a conversation.
    if matches!(plan.phase, Phase::Listening | Phase::Rebuilding)
        && let Some(last_in) = f.last_in()
    {
        match f.review {
            Some((at, ref answers)) if at >= last_in => {
                let said = |id: &str, v: &str| answers.get(id).and_then(Answer::as_text) == Some(v);
                if said("defensive", "yes") {
                    s.push(step(
                        "LS-4",
                        "You noted you got defensive last time. Next time, let them finish, and \
                         take in how they feel before you answer; their feelings are not up for \
                         debate.",
                        None,
                    ));
                }
                if said("listened", "no") {
                    s.push(step(
                        "LS-2",
                        "You noted you spoke more than you listened. Next time, notice when you \
                         are waiting for your turn, and go back to what they are saying.",
                        None,
                    ));
                }
                if said("stayed_calm", "no") {
                    s.push(step(
                        "LS-5",
                        "You noted it was hard to stay calm when other problems came up. They \
                         may need to raise them; hear them out before anything else.",
                        None,
                    ));
                }
            }
            _ => s.push(step(
                "LS-4",
                "After you talk, take a few minutes to look back on how you listened. It is \
                 private, and it helps the next conversation.",
                Some(Action::Assess(FormId::ConversationReview)),
            )),
        }
    }
    if plan.unanswered_questions > 0 {
        let n = plan.unanswered_questions;
        s.push(step(
            "LS-1",
            if n == 1 {
                "1 of their questions still has no answer. It deserves a full, honest one."
                    .to_string()
            } else {
                format!(
                    "{n} of their questions still have no answer. They deserve full, honest ones."
                )
            },
            None,
        ));
    }
    s
}

/// The user's words quoted in a line: the first line, cut after `max` characters with an
/// ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_string(),
    }
}

fn section_action(section: &str) -> Action {
    Action::Workbook(
        crate::forms::WORKBOOK
            .iter()
            .find(|s| s.id == section)
            .map_or("failures", |s| s.id),
    )
}

pub(crate) fn guidance_for(c: &Ctx, plan: &Plan) -> Vec<Card> {
    let ids: &[&str] = match plan.phase {
        Phase::Intake => &["GO-11", "GO-12", "X-3", "X-1"],
        Phase::Workbook => &["DMG-5", "X-1", "X-4"],
        Phase::NoContact => &["NC-3", "NC-4", "NC-7", "NC-10", "SI-10", "SI-11", "X-4"],
        Phase::ReContact => &["PP-9", "X-3", "NC-7", "X-2"],
        Phase::Patience => &["PP-5", "PP-1", "NC-10", "X-4"],
        Phase::Apology => &["DMG-5", "EM-6", "X-2", "X-5"],
        Phase::Listening => &[
            "LS-1", "LS-2", "LS-3", "LS-4", "LS-5", "AM-1", "AM-4", "AM-5", "KG-2",
        ],
        // C6, SI-6: couples counselling (TR-6) is mentioned only once they agreed to try again,
        // and always after the user's own individual work.
        Phase::Rebuilding => &["TR-1", "TR-2", "TR-6", "X-5"],
        Phase::WalkAway => &["WA-7", "WA-10", "X-3"],
        Phase::MoveOn => &["MO-1", "MO-5", "MO-6", "WA-7"],
        Phase::SafetyStop | Phase::Support => &["MO-1"],
    };
    let mut cards: Vec<Card> = ids.iter().filter_map(|id| card_for(id)).copied().collect();
    // DMG-5: shown whenever anger was logged.
    if c.f.latest(|s| s == Signal::Angry).is_some() && !ids.contains(&"DMG-5") {
        cards.extend(card_for("DMG-5").copied());
    }
    cards
}
