//! The questionnaires as forms: intake (GO-*), walk-away (WA-*), readiness (RC-1, RC-2), the
//! MO-4 reflection and the conversation review (LS-4, LS-5), and a page saying what a saved
//! one changed. The answers are checked by the core; the consequences come from the plan.

use amends_app::AppError;
use amends_core::guidance;
use amends_core::plan::Path as Track;
use amends_core::{Answers, FormId, GateId, Plan};
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;

use super::Ctx;
use super::today::step_href;
use crate::form_view::{FormView, form_by_slug, slug};
use crate::security::form_fields;
use crate::views::{Page, render, render_status};

#[derive(Template)]
#[template(path = "assess.html")]
pub struct AssessPage {
    pub page: Page,
    pub title: &'static str,
    pub form: FormView,
    /// When it was last answered; the form shows those answers.
    pub answered: Option<String>,
    /// WA-*: the signs behind the walk-away assessment, shown on it.
    pub signs: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "assess_index.html")]
pub struct AssessIndex {
    pub page: Page,
    pub unknown: Option<String>,
    pub forms: Vec<(&'static str, &'static str, &'static str)>,
}

/// One consequence of the saved answers, in plain words.
pub struct Outcome {
    pub id: &'static str,
    pub title: &'static str,
    pub text: String,
    pub items: Vec<String>,
    pub links: Vec<(&'static str, &'static str)>,
    /// SAFE-2 and SAFE-8 are shown apart from the rest.
    pub safety: bool,
}

#[derive(Template)]
#[template(path = "assess_done.html")]
pub struct AssessDone {
    pub page: Page,
    pub title: &'static str,
    pub slug: &'static str,
    pub plan: Plan,
    pub outcomes: Vec<Outcome>,
}

impl AssessDone {
    pub fn href(&self, action: &Option<amends_core::plan::Action>) -> &'static str {
        step_href(action)
    }
}

/// The latest answers to `form` that still count, and when they were given.
pub async fn latest(ctx: &Ctx, form: FormId) -> Result<Option<(Timestamp, Answers)>, Response> {
    let case = ctx.need_case()?;
    let records = ctx.app.records(&case).await.map_err(|e| ctx.error(&e))?;
    Ok(records.latest_answers(form))
}

fn unknown(ctx: &Ctx, name: Option<&str>) -> Response {
    let status = if name.is_some() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &AssessIndex {
            page: ctx.page("Questionnaires", ""),
            unknown: name.map(str::to_string),
            forms: FormId::ALL
                .iter()
                .map(|f| (slug(*f), f.form().title, f.form().intro))
                .collect(),
        },
    )
}

/// `GET /assess`: the list of questionnaires.
pub async fn index(ctx: Ctx) -> Response {
    unknown(&ctx, None)
}

fn nav_for(form: FormId) -> &'static str {
    match form {
        FormId::Intake => "intake",
        FormId::Reflection => "moving-on",
        _ => "",
    }
}

async fn form_page(
    ctx: &Ctx,
    form: FormId,
    answers: Option<Answers>,
    problems: &[String],
) -> Response {
    let (answers, answered) = match answers {
        Some(a) => (a, None),
        None => match latest(ctx, form).await {
            Ok(Some((at, a))) => (a, Some(crate::fmt::local(at, &ctx.tz))),
            Ok(None) => (Answers::new(), None),
            Err(r) => return r,
        },
    };
    let signs = if form == FormId::Walkaway {
        match ctx.plan_now().await {
            Ok((_, plan)) => plan
                .walk_away
                .reasons
                .into_iter()
                .map(|r| (r.method, r.text))
                .collect(),
            Err(r) => return r,
        }
    } else {
        Vec::new()
    };
    let def = form.form();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = FormView::new(
        def,
        format!("/assess/{}", slug(form)),
        slug(form),
        &answers,
        problems,
    )
    .submit("Save my answers");
    render_status(
        status,
        &AssessPage {
            page: ctx.page(def.title, nav_for(form)),
            title: def.title,
            form: view,
            answered,
            signs,
        },
    )
}

/// `GET /assess/{form}`: the questionnaire, with the earlier answers filled in.
pub async fn show(ctx: Ctx, Path(name): Path<String>) -> Response {
    match form_by_slug(&name) {
        Some(form) => form_page(&ctx, form, None, &[]).await,
        None => unknown(&ctx, Some(&name)),
    }
}

/// `POST /assess/{form}`: saves the answers, or shows each problem next to its question with
/// everything that was typed kept.
pub async fn save(ctx: Ctx, Path(name): Path<String>, body: Bytes) -> Response {
    let Some(form) = form_by_slug(&name) else {
        return unknown(&ctx, Some(&name));
    };
    let case = match ctx.need_case() {
        Ok(c) => c,
        Err(r) => return r,
    };
    // Read as pairs: a multiple choice sends its name once per ticked box.
    let answers = amends_app::answers_from_fields(form.form(), &form_fields(&body));
    let now = Timestamp::now();
    match ctx.app.assess(&case, form, answers.clone(), now, now).await {
        Ok(_) => Redirect::to(&format!("/assess/{}/saved", slug(form))).into_response(),
        Err(AppError::Answers(problems)) => form_page(&ctx, form, Some(answers), &problems).await,
        Err(e) => ctx.error(&e),
    }
}

/// `GET /assess/{form}/saved`: what the answers changed.
pub async fn saved(ctx: Ctx, Path(name): Path<String>) -> Response {
    let Some(form) = form_by_slug(&name) else {
        return unknown(&ctx, Some(&name));
    };
    // Nothing saved yet: there is nothing to report, so the form it is.
    match latest(&ctx, form).await {
        Ok(Some(_)) => {}
        Ok(None) => return Redirect::to(&format!("/assess/{}", slug(form))).into_response(),
        Err(r) => return r,
    }
    let plan = match ctx.plan_now().await {
        Ok((_, p)) => p,
        Err(r) => return r,
    };
    render(&AssessDone {
        page: ctx.page("Answers saved", nav_for(form)),
        title: form.form().title,
        slug: slug(form),
        outcomes: outcomes(form, &plan),
        plan,
    })
}

/// Each track has its own resources; when both apply (each is possible), each card lists its own.
fn listed(resources: &[&str]) -> Vec<String> {
    resources.iter().map(|r| r.to_string()).collect()
}

/// What the plan now says that these answers bear on. Safety first: where it applies, it
/// overrides the method (SAFE-2, SAFE-8), and the page says so before anything else.
fn outcomes(form: FormId, plan: &Plan) -> Vec<Outcome> {
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
