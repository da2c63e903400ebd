//! The generic form renderer: a view model for any questionnaire or workbook section of
//! `amends_core::forms`, shown by the web's `templates/form.html`. The questions, their checks and their
//! METHOD ids live in the core; this only decides which HTML control fits each answer type and
//! where each problem is shown.

use amends_core::forms::{Answer, AnswerType, Form, Question};
use amends_core::{Answers, FormId};

/// One choice of a radio group or a checkbox list.
pub struct OptView {
    pub dom_id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One question, ready for the template.
pub struct QuestionView {
    /// The id of the control (or of the fieldset for groups); problems link here.
    pub dom_id: String,
    /// The form field name: the question id.
    pub name: &'static str,
    pub method: &'static str,
    pub prompt: &'static str,
    pub help: Option<&'static str>,
    /// Which control: `radio`, `likert`, `checks`, `text`, `lines`, `count`, `date` or `ack`.
    pub kind: &'static str,
    /// Native `required` only where it always applies: a conditional question must not block
    /// the form when it does not apply, and pages work without JavaScript.
    pub required: bool,
    /// The core marks it optional (a conditional question is not optional when it applies).
    pub optional: bool,
    pub options: Vec<OptView>,
    /// The text shown in a text box, a textarea, a number or a date field.
    pub value: String,
    pub error: Option<String>,
    /// "Only if ...": when a conditional question applies, in words.
    pub when_note: Option<String>,
    /// For the progressive enhancement in `app.js`: the question it depends on and the form
    /// values that make it apply, space separated.
    pub when_question: &'static str,
    pub when_values: String,
}

impl QuestionView {
    /// The ids that describe the control: the help, the condition and the problem, if any.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("{}-help", self.dom_id));
        }
        if self.when_note.is_some() {
            ids.push(format!("{}-when", self.dom_id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.dom_id));
        }
        ids.join(" ")
    }

    pub fn is_group(&self) -> bool {
        matches!(self.kind, "radio" | "likert" | "checks")
    }
}

/// A problem in the summary at the top of a form. `anchor` links to its question.
pub struct Problem {
    pub anchor: Option<String>,
    pub prompt: Option<&'static str>,
    pub text: String,
}

/// A whole form, ready for the template.
pub struct FormView {
    pub action: String,
    pub prefix: String,
    pub method: &'static str,
    pub intro: &'static str,
    pub questions: Vec<QuestionView>,
    pub problems: Vec<Problem>,
    pub submit: &'static str,
}

impl FormView {
    /// `form` with the `answers` shown (earlier answers, or what was just typed) and the
    /// `problems` from its checks placed next to their questions. `prefix` keeps element ids
    /// unique when a page holds several forms.
    pub fn new(
        form: &'static Form,
        action: impl Into<String>,
        prefix: &str,
        answers: &Answers,
        problems: &[String],
    ) -> Self {
        let mut unplaced: Vec<&String> = problems.iter().collect();
        let mut summary = Vec::new();
        let questions = form
            .questions
            .iter()
            .map(|q| {
                let dom_id = format!("{prefix}-{}", q.id);
                let mine = format!("{}: ", q.id);
                let error = unplaced
                    .iter()
                    .position(|p| p.starts_with(&mine))
                    .map(|i| unplaced.remove(i))
                    .map(|p| sentence(&p[mine.len()..]));
                if let Some(e) = &error {
                    summary.push(Problem {
                        anchor: Some(dom_id.clone()),
                        prompt: Some(q.prompt),
                        text: e.clone(),
                    });
                }
                question_view(form, q, dom_id, answers.get(q.id), error)
            })
            .collect();
        summary.extend(unplaced.into_iter().map(|p| Problem {
            anchor: None,
            prompt: None,
            text: sentence(p),
        }));
        Self {
            action: action.into(),
            prefix: prefix.to_string(),
            method: form.method,
            intro: form.intro,
            questions,
            problems: summary,
            submit: "Save",
        }
    }

    pub fn submit(mut self, label: &'static str) -> Self {
        self.submit = label;
        self
    }
}

/// A message from the core's checks, as a sentence.
fn sentence(s: &str) -> String {
    super::capitalise(s.trim())
}

fn question_view(
    form: &Form,
    q: &'static Question,
    dom_id: String,
    answer: Option<&Answer>,
    error: Option<String>,
) -> QuestionView {
    let kind = match q.answer {
        AnswerType::Boolean | AnswerType::Choice => "radio",
        AnswerType::Likert => "likert",
        AnswerType::Multi => "checks",
        AnswerType::Text => "text",
        AnswerType::Lines => "lines",
        AnswerType::Count => "count",
        AnswerType::Date => "date",
        AnswerType::Acknowledge => "ack",
    };
    let chosen: Vec<String> = match answer {
        Some(Answer::Bool(b)) => vec![yes_no(*b).into()],
        Some(Answer::Number(n)) => vec![number(*n)],
        Some(Answer::List(l)) => l.clone(),
        Some(Answer::Text(t)) => match q.answer {
            // Typed yes/no may come as "true" or "y"; the radios say yes and no.
            AnswerType::Boolean => vec![
                answer
                    .and_then(Answer::as_bool)
                    .map_or(t.clone(), |b| yes_no(b).into()),
            ],
            _ => vec![t.clone()],
        },
        None => Vec::new(),
    };
    let option = |value: String, label: String| OptView {
        dom_id: format!("{dom_id}-{value}"),
        checked: chosen.contains(&value),
        value,
        label,
    };
    let options = match q.answer {
        AnswerType::Boolean => vec![
            option("yes".into(), "Yes".into()),
            option("no".into(), "No".into()),
        ],
        AnswerType::Choice | AnswerType::Multi => q
            .options
            .iter()
            .map(|o| option(o.id.into(), o.label.into()))
            .collect(),
        AnswerType::Likert => {
            let (low, high) = likert_ends(q.help);
            (1..=5)
                .map(|n| {
                    let label = match n {
                        1 => format!("1, {low}"),
                        5 => format!("5, {high}"),
                        n => n.to_string(),
                    };
                    option(n.to_string(), label)
                })
                .collect()
        }
        AnswerType::Acknowledge => vec![option("yes".into(), q.prompt.into())],
        _ => Vec::new(),
    };
    let value = match q.answer {
        AnswerType::Lines => chosen.join("\n"),
        _ => chosen.first().cloned().unwrap_or_default(),
    };
    let (when_note, when_question, when_values) = match q.when {
        Some(w) => {
            let parent = form.question(w.question);
            let words: Vec<String> =
                w.is.iter()
                    .map(|v| format!("\u{201c}{}\u{201d}", option_label(parent, v)))
                    .collect();
            let note = format!(
                "Only if you answered {} to \u{201c}{}\u{201d}.",
                words.join(" or "),
                parent.map_or(w.question, |p| p.prompt)
            );
            let values: Vec<&str> = w.is.iter().map(|v| form_value(parent, v)).collect();
            (Some(note), w.question, values.join(" "))
        }
        None => (None, "", String::new()),
    };
    QuestionView {
        dom_id,
        name: q.id,
        method: q.method,
        prompt: q.prompt,
        help: q.help,
        kind,
        required: q.required && q.when.is_none() && q.answer != AnswerType::Multi,
        optional: !q.required,
        options,
        value,
        error,
        when_note,
        when_question,
        when_values,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// How a condition value (`true`, or an option id) is sent by the parent's controls.
fn form_value<'a>(parent: Option<&Question>, v: &'a str) -> &'a str {
    match (parent.map(|p| p.answer), v) {
        (Some(AnswerType::Boolean | AnswerType::Acknowledge), "true") => "yes",
        (Some(AnswerType::Boolean | AnswerType::Acknowledge), "false") => "no",
        _ => v,
    }
}

fn option_label(parent: Option<&Question>, v: &str) -> String {
    match form_value(parent, v) {
        "yes" if parent.is_some_and(|p| p.answer == AnswerType::Boolean) => "Yes".into(),
        "no" if parent.is_some_and(|p| p.answer == AnswerType::Boolean) => "No".into(),
        other => parent
            .and_then(|p| p.options.iter().find(|o| o.id == other))
            .map_or_else(|| other.to_string(), |o| o.label.to_string()),
    }
}

/// The words for the two ends of a 1-to-5 scale. The core writes them in the help text as
/// "1 = ..., 5 = ..."; without that, the wording of its own check is used.
fn likert_ends(help: Option<&str>) -> (String, String) {
    help.and_then(|h| {
        let rest = h.strip_prefix("1 = ")?;
        let (low, high) = rest.split_once(", 5 = ")?;
        Some((
            low.trim().to_string(),
            high.trim().trim_end_matches('.').to_string(),
        ))
    })
    .unwrap_or_else(|| ("not at all".into(), "completely".into()))
}

/// The web address of a questionnaire: the conversation review is `/assess/review`.
pub fn slug(form: FormId) -> &'static str {
    match form {
        FormId::ConversationReview => "review",
        other => other.as_str(),
    }
}

/// A questionnaire by its web address; the core's own name works too.
pub fn form_by_slug(s: &str) -> Option<FormId> {
    FormId::ALL
        .into_iter()
        .find(|f| slug(*f) == s || f.as_str() == s)
}
