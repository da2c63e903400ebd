//! What saved answers changed (the page after a questionnaire): the consequences the plan now
//! draws from them, safety first (SAFE-2, SAFE-8), each with the pages that follow from it.

use amends_core::guidance;
use amends_core::plan::Path as Track;
use amends_core::{FormId, GateId, Plan};

/// One consequence of saved answers, in plain words, with the pages that follow from it.
pub struct Outcome {
    pub id: &'static str,
    pub title: &'static str,
    pub text: String,
    pub items: Vec<String>,
    pub links: Vec<(&'static str, &'static str)>,
    /// SAFE-2 and SAFE-8 are shown apart from the rest.
    pub safety: bool,
}

/// Each track has its own resources; when both apply (each is possible), each card lists its own.
fn listed(resources: &[&str]) -> Vec<String> {
    resources.iter().map(|r| r.to_string()).collect()
}

/// What the plan now says that these answers bear on. Safety first: where it applies, it
/// overrides the method (SAFE-2, SAFE-8), and the page says so before anything else.
pub fn outcomes(form: FormId, plan: &Plan) -> Vec<Outcome> {
    let mut out = Vec::new();
    let plain = |id, title, text: &str| Outcome {
        id,
        title,
        text: text.to_string(),
        items: Vec::new(),
        links: Vec::new(),
        safety: false,
    };
    if plan.safety.stop {
        out.push(Outcome {
            safety: true,
            items: listed(guidance::BEHAVIOUR_CHANGE_RESOURCES),
            links: vec![
                (
                    "/help#change-title",
                    "Services for people who want to stop hurting someone",
                ),
                ("/moving-on", "Moving on"),
                ("/self-work", "Self-work"),
            ],
            ..plain(
                "stop",
                "Help with contacting them is off, for good",
                "Thank you for answering honestly; that is not easy. What you described can \
                 leave someone unsafe or afraid (SAFE-2). Their safety comes before anything \
                 else here, so amends will not help you contact them, write to them, ask for \
                 another chance or send a gesture, now or later, and changing an answer does \
                 not undo this. What it will help with is the work that matters most now: \
                 changing the behaviour, with trained support.",
            )
        });
    }
    if plan.safety.user_harmed {
        out.push(Outcome {
            safety: true,
            items: listed(guidance::SUPPORT_RESOURCES),
            links: vec![("/help#support-title", "Help for people who were hurt")],
            ..plain(
                "support",
                "Support for you",
                "You said they did things to you that nobody should have to live with \
                 (SAFE-8). That was not your fault, and you do not owe anyone an apology for \
                 it. The apology and amends track is off; what comes first now is support \
                 for you.",
            )
        });
    }
    let safe = !plan.safety.stop && !plan.safety.user_harmed;
    match form {
        FormId::Intake if safe => {
            let text = match plan.path {
                Track::Harm => {
                    "You said you hurt them (GO-4). Before anything else comes understanding: \
                     naming what you did, what it did to them and why you did it (GO-8, \
                     DMG-11)."
                }
                Track::NoFault => {
                    "You said nobody was at fault (GO-5). amends won't help you write an \
                     apology you don't mean (GO-4, C5). The workbook looks at the cause, \
                     whether it has changed, and what you would do differently."
                }
                Track::Unclear | Track::Unknown => {
                    "You are not sure you did wrong, or they once told you something hurt \
                     them (C5). The workbook asks you to look at it from their side first; if \
                     a hurt is there, owning it is part of this."
                }
            };
            out.push(if plan.workbook.done {
                Outcome {
                    links: vec![("/workbook", "Look at your workbook again")],
                    ..plain(
                        "path",
                        "Your workbook already covers this",
                        &format!("{text} Look again if your answers showed you something new."),
                    )
                }
            } else {
                Outcome {
                    links: vec![("/workbook", "Open the workbook")],
                    ..plain(
                        "path",
                        "Next: the workbook",
                        &format!("{text} The workbook is open now."),
                    )
                }
            });
        }
        FormId::Walkaway => match plan.walk_away.decision.as_deref() {
            Some("move-on") => out.push(Outcome {
                links: vec![("/moving-on", "The moving-on track")],
                ..plain(
                    "decision",
                    "You chose to accept it and move on",
                    "That is a complete and good outcome, not a failure (WA-7, WA-10). What \
                     you changed in yourself stays yours.",
                )
            }),
            _ => out.push(Outcome {
                links: vec![("/self-work", "Self-work"), ("/journal", "Journal")],
                ..plain(
                    "decision",
                    "You chose to keep giving space",
                    "The next move is theirs (PP-5). Keep working on yourself for your own \
                     sake (X-4); nothing here will count down to contacting them (SAFE-6).",
                )
            }),
        },
        FormId::Readiness if safe => {
            let gate = plan.gate(GateId::Outreach);
            if gate.open {
                out.push(plain(
                    "outreach",
                    "Nothing in the method stands in the way",
                    "That is permission, not a prompt: whether and when is yours to weigh, \
                     and the answer is theirs to give (RC-1, X-3, SAFE-6).",
                ));
            } else {
                out.push(Outcome {
                    items: gate.reasons.iter().map(ToString::to_string).collect(),
                    links: vec![("/", "Today")],
                    ..plain(
                        "outreach",
                        "Getting in touch stays closed for now",
                        "Being ready yourself doesn't mean they are (NC-7). This is what still \
                         stands in the way:",
                    )
                });
            }
        }
        FormId::Reflection => out.push(Outcome {
            links: vec![("/moving-on", "Back to moving on"), ("/journal", "Journal")],
            ..plain(
                "reflection",
                "Kept for you alone",
                "Looking back on what it gave you, what it cost and what it taught you is \
                 part of moving on (MO-4). Nobody else will read it.",
            )
        }),
        FormId::ConversationReview => out.push(plain(
            "review",
            "Kept",
            "Looking honestly at how you listened is part of the work (LS-4, LS-5). It is \
             private; nothing here is shared.",
        )),
        _ => {}
    }
    if plan.walk_away.suggested && form != FormId::Walkaway {
        out.push(Outcome {
            items: plan
                .walk_away
                .reasons
                .iter()
                .map(ToString::to_string)
                .collect(),
            links: vec![("/assess/walkaway", "The walk-away assessment")],
            ..plain(
                "walkaway",
                "Some signs point to walking away",
                "Accepting a no, or a cause that cannot change, and moving on is a complete, \
                 good outcome (WA-9, WA-10).",
            )
        });
    }
    out
}
