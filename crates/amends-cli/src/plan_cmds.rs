//! The method's commands: assessments, the workbook, the logs, habits, promises, check-ins,
//! amends, gestures, today's plan and the calendar. Every decision is made in amends-app and
//! amends-core; this file parses and renders.
//!
//! SAFE-6: nothing printed here tells the user to reach out. A closed gate says why and until
//! when; an open one says it is permission, not a prompt.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use amends_app::command::{
    AddAmends, AddPromise, CheckIn, Command as _, FormAnswers, LogContact, LogGesture, LogHabit,
    LogInvitation, LogNeed, LogPassive, LogSignal, LogSlip, LogUrge, LoggedAt, Moment, StatusQuery,
    UpdateAmends, UpdatePromise, UpdateSettings,
};
use amends_app::{App, CaseSummary, Logged, ZoneSource};
use amends_core::forms::{self, AnswerType, Form, Question};
use amends_core::plan::{AmendsEntry, PromiseStatus, Promises};
use amends_core::{
    AmendsStatus, Answer, Answers, Bounds, Channel, DraftKind, FormId, Gate, GateId, HabitKind,
    Plan, PromiseOutcome, Settings,
};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::records::Ctx;
use crate::records::write_private;

/// When an event happened, for logging it late.
#[derive(Args, Debug, Clone)]
pub struct At {
    /// When it happened, if not now: 2024-05-03, yesterday, or 2024-05-03T18:30:00+02:00. A
    /// plain date counts as the end of that day, in your time zone.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum MethodCommand {
    /// Answer a questionnaire: intake, walkaway, readiness, reflection or conversation-review.
    Assess(AssessArgs),
    /// The reflection workbook (DMG-1 to DMG-10). Without a section, shows what is left.
    Workbook(WorkbookArgs),
    /// Log a contact, their signal, an urge, a slip, a sent message or a need of theirs.
    #[command(subcommand)]
    Log(LogCommand),
    /// Log self-work: sleep HOURS, exercise MINUTES, meals N, hobby N, social N, therapy N,
    /// step "DESCRIPTION", practice N.
    Habit(HabitArgs),
    /// Promises you made to them (TR-3, TR-4): add, kept, broken, renegotiated, list.
    #[command(subcommand)]
    Promise(PromiseCommand),
    /// Log a check-in you both agreed to (TR-5).
    Checkin(CheckIn),
    /// Amends they asked for, in their words (AM-2, SAFE-9): add, done, update, list.
    #[command(subcommand)]
    Amends(AmendsCommand),
    /// Kind gestures, with their cost (KG-1, KG-3).
    #[command(subcommand)]
    Gesture(GestureCommand),
    /// Today's plan: the phase, what is open or closed and why, counters, scores, next steps.
    Status(StatusArgs),
    /// Write an iCalendar (.ics) of agreed check-ins, promise dates and habit reminders.
    Calendar(CalendarArgs),
    /// Your time zone, habit targets and calendar reminders.
    Settings(SettingsArgs),
}

#[derive(Args, Debug)]
pub struct AssessArgs {
    /// intake, walkaway, readiness, reflection or conversation-review.
    #[arg(value_parser = parse_form)]
    pub form: FormId,
    /// Read the answers from a TOML or JSON file (a table of question = answer).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Answers as question=value; repeat a question for a list.
    #[arg(value_name = "QUESTION=ANSWER")]
    pub answers: Vec<String>,
    /// Print the questions (as JSON with --json) instead of answering.
    #[arg(long)]
    pub questions: bool,
    #[command(flatten)]
    pub at: At,
}

#[derive(Args, Debug)]
pub struct WorkbookArgs {
    /// act, loss, why, again, respect, prevention, failures or their-part.
    pub section: Option<String>,
    /// Read the answers from a TOML or JSON file.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Answers as field=value; repeat a field for several lines (feelings, chain).
    #[arg(value_name = "FIELD=ANSWER")]
    pub answers: Vec<String>,
    /// Change an earlier row instead of adding one: its id, as `amends workbook` lists them.
    /// Give the whole row again; the earlier version stays in the history.
    #[arg(long, value_name = "ID", requires = "section", conflicts_with = "at")]
    pub correct: Option<String>,
    #[command(flatten)]
    pub at: At,
}

/// The log commands take the app's typed commands as their arguments, the same types the API
/// reads as JSON (issue 13); `sent`, `question` and `answered` are the command line's own.
#[derive(Subcommand, Debug, Clone)]
pub enum LogCommand {
    /// A contact, either way, on any channel. A like or a view from them is not contact: log it
    /// with `log passive`.
    Contact(LogContact),
    /// Their signal: asked-for-space, asked-no-contact, blocked, protective-order, new-partner,
    /// major-life-change, angry, unwilling-to-talk, declined, friends-only, warm-reply,
    /// agreed-to-talk, agreed-to-try-again, agreed-to-check-ins, asked-for-explanation.
    Signal(LogSignal),
    /// A passive sign of theirs: like, reaction, story-view, follow, passed-on, seen. Kept as
    /// what it is; no reply is expected and nothing opens because of it.
    Passive(LogPassive),
    /// They got in touch themselves and invited contact (SAFE-1): the only thing that lifts a
    /// "no". Give what they said, in their words.
    Invitation(LogInvitation),
    /// An urge to reach out that you resisted, how strong (1-10), and what you did instead.
    Urge(LogUrge),
    /// A slip that wasn't a message: checked-profile, went-where-they-are, asked-about-them,
    /// other (SAFE-7).
    Slip(LogSlip),
    /// A message you sent yourself, by kind: first, apology, email, ask or gift.
    Sent {
        #[arg(value_parser = parse_vocab::<DraftKind>)]
        kind: DraftKind,
        #[arg(long, value_parser = parse_vocab::<Channel>)]
        channel: Channel,
        #[command(flatten)]
        at: At,
    },
    /// A question they asked, in their words (LS-1): they deserve a full, honest answer.
    Question {
        text: String,
        #[command(flatten)]
        at: At,
    },
    /// Mark one of their questions answered, by its id (`amends status --json` lists the
    /// open ones under unanswered_questions; `--json` on `log question` prints the id).
    Answered { id: String },
    /// Something they said they need, in their words (LS-6 to LS-8).
    Need(LogNeed),
}

#[derive(Args, Debug)]
pub struct HabitArgs {
    #[arg(value_parser = parse_vocab::<HabitKind>)]
    pub kind: HabitKind,
    /// The amount (hours, minutes, count), or for `step` the description.
    #[arg(allow_negative_numbers = true)]
    pub value: String,
    #[arg(long)]
    pub note: Option<String>,
    /// For `practice`: the id of the prevention plan it practises.
    #[arg(long)]
    pub plan: Option<String>,
    #[command(flatten)]
    pub at: At,
}

/// An entry of a ledger (a promise, an amends item) by its id, with a note, and when.
#[derive(Args, Debug)]
pub struct Entry {
    /// Its id, as the list shows it.
    pub id: String,
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub at: At,
}

impl Entry {
    /// What became of this promise, as the app's typed command (the API's too, issue 13).
    fn settle(&self, outcome: PromiseOutcome, due: Option<Moment>) -> UpdatePromise {
        UpdatePromise {
            outcome,
            due,
            note: self.note.clone(),
            promise: self.id.clone(),
            at: logged_at(&self.at),
        }
    }

    /// Where this amends item stands now, as the app's typed command.
    fn amends(&self, status: AmendsStatus) -> UpdateAmends {
        UpdateAmends {
            status,
            note: self.note.clone(),
            item: self.id.clone(),
            at: logged_at(&self.at),
        }
    }
}

/// `--at` for a typed command, which reads and checks it as the API's.
fn logged_at(at: &At) -> Option<LoggedAt> {
    at.at.clone().map(LoggedAt)
}

#[derive(Subcommand, Debug)]
pub enum PromiseCommand {
    /// A promise in your words. Only what you can definitely do (TR-4).
    Add(AddPromise),
    /// You kept it.
    Kept(Entry),
    /// You broke it. Honesty here is part of rebuilding trust.
    Broken(Entry),
    /// You agreed a new date together.
    Renegotiated {
        #[command(flatten)]
        promise: Entry,
        #[arg(long)]
        due: String,
    },
    /// The ledger, with reliability.
    List,
}

#[derive(Subcommand, Debug)]
pub enum AmendsCommand {
    /// What they asked for, in their words. Mark it if it is beyond your means, illegal or
    /// unsafe: amends won't help with those (SAFE-9), and honesty is the answer (C8).
    Add {
        request: String,
        #[arg(long)]
        not_affordable: bool,
        #[arg(long)]
        not_legal: bool,
        #[arg(long)]
        not_safe: bool,
        #[command(flatten)]
        at: At,
    },
    /// Mark an item done.
    Done(Entry),
    /// Set an item's status: open, in-progress, done, declined-honestly, withdrawn.
    Update {
        #[command(flatten)]
        item: Entry,
        #[arg(value_parser = parse_vocab::<AmendsStatus>)]
        status: AmendsStatus,
    },
    /// The amends ledger.
    List,
}

#[derive(Subcommand, Debug)]
pub enum GestureCommand {
    /// A kind gesture and what it cost (keep it small, C14).
    Add(LogGesture),
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Show the plan at another moment (a date or a full time).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Args, Debug)]
pub struct CalendarArgs {
    /// Write to this file (created readable by you only) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Your time zone, by IANA name (Europe/Berlin). Days are counted in it.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// A habit to be reminded of in the calendar; repeat for several.
    #[arg(long, value_parser = parse_vocab::<HabitKind>)]
    pub remind: Vec<HabitKind>,
    /// Turn all calendar reminders off.
    #[arg(long, conflicts_with = "remind")]
    pub no_reminders: bool,
    /// The targets and the gesture cost limit: the settings type the API takes too.
    #[command(flatten)]
    pub targets: Settings,
}

fn parse_vocab<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

fn parse_form(s: &str) -> Result<FormId, String> {
    s.parse()
}

pub async fn run(ctx: &Ctx, cmd: &MethodCommand) -> Result<ExitCode> {
    // Read files and check arguments before asking for the passphrase: a typo costs no unlock.
    if let MethodCommand::Assess(a) = cmd
        && a.questions
    {
        return print_questions(ctx, a.form.form());
    }
    let pre_answers = match cmd {
        MethodCommand::Assess(a) => Some(gather(a.from.as_ref(), &a.answers)?),
        MethodCommand::Workbook(w) if w.section.is_some() => {
            Some(gather(w.from.as_ref(), &w.answers)?)
        }
        _ => None,
    };
    let app = ctx.open().await?;
    let result = run_open(ctx, &app, cmd, pre_answers).await;
    app.close().await;
    result
}

async fn run_open(
    ctx: &Ctx,
    app: &App,
    cmd: &MethodCommand,
    pre: Option<Option<Answers>>,
) -> Result<ExitCode> {
    let now = Timestamp::now();
    if let MethodCommand::Settings(s) = cmd {
        return settings(ctx, app, s, now).await;
    }
    let case = ctx.case(app).await?;
    let tz = app.time_zone().await;
    let logged = match cmd {
        MethodCommand::Assess(a) => {
            let answers = match pre.flatten() {
                Some(a) => a,
                None => interactive(a.form.form())?,
            };
            let at = logged_at(&a.at);
            let command = FormAnswers { answers, at };
            command.assess(app, &case, a.form, now).await?
        }
        MethodCommand::Workbook(w) => {
            let Some(section) = &w.section else {
                return workbook_progress(ctx, app, &case, now).await;
            };
            let def = forms::workbook_section(section).map_err(anyhow::Error::msg)?;
            let answers = match pre.flatten() {
                Some(a) => a,
                None => interactive(&def.form)?,
            };
            if let Some(id) = &w.correct {
                let new_id = app
                    .correct_workbook(&case, id, section, answers, now)
                    .await?;
                if ctx.json {
                    ctx.print_json(&serde_json::json!({ "id": new_id, "corrects": id }))?;
                } else {
                    println!(
                        "Changed. The new version ({new_id}) counts from now on; the earlier \
                         one stays in the history."
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let at = logged_at(&w.at);
            let command = FormAnswers { answers, at };
            command.workbook(app, &case, section, now).await?
        }
        MethodCommand::Log(l) => log(app, &case, l, now).await?,
        MethodCommand::Habit(h) => {
            let (value, note) = if h.kind == HabitKind::Step {
                (1.0, Some(h.value.clone()))
            } else {
                let v: f64 = h.value.trim().parse().with_context(|| {
                    format!(
                        "{:?} is not a number; give the {} as a number, e.g. `amends habit {} 7.5`",
                        h.value,
                        h.kind.unit(),
                        h.kind
                    )
                })?;
                (v, h.note.clone())
            };
            let habit = LogHabit {
                habit: h.kind,
                value: Some(value),
                note,
                plan: h.plan.clone(),
                at: logged_at(&h.at),
            };
            habit.run(app, &case, now).await?
        }
        MethodCommand::Promise(p) => match p {
            PromiseCommand::List => {
                if let Some(plan) = plan_in_words(ctx, app, &case, now, |p| &p.promises).await? {
                    print_promises(&plan.promises, &tz);
                }
                return Ok(ExitCode::SUCCESS);
            }
            PromiseCommand::Add(c) => c.clone().run(app, &case, now).await?,
            PromiseCommand::Kept(e) | PromiseCommand::Broken(e) => {
                let outcome = if matches!(p, PromiseCommand::Kept(_)) {
                    PromiseOutcome::Kept
                } else {
                    PromiseOutcome::Broken
                };
                e.settle(outcome, None).run(app, &case, now).await?
            }
            PromiseCommand::Renegotiated { promise: e, due } => {
                let due = Some(Moment(due.clone()));
                let renegotiated = e.settle(PromiseOutcome::Renegotiated, due);
                renegotiated.run(app, &case, now).await?
            }
        },
        MethodCommand::Checkin(c) => c.clone().run(app, &case, now).await?,
        MethodCommand::Amends(a) => match a {
            AmendsCommand::List => {
                if let Some(plan) = plan_in_words(ctx, app, &case, now, |p| &p.amends).await? {
                    print_amends(&plan.amends, &tz);
                }
                return Ok(ExitCode::SUCCESS);
            }
            AmendsCommand::Add {
                request,
                not_affordable,
                not_legal,
                not_safe,
                at,
            } => {
                let item = AddAmends {
                    request: request.clone(),
                    bounds: Bounds {
                        affordable: !not_affordable,
                        legal: !not_legal,
                        safe: !not_safe,
                    },
                    at: logged_at(at),
                };
                item.run(app, &case, now).await?
            }
            AmendsCommand::Done(e) => e.amends(AmendsStatus::Done).run(app, &case, now).await?,
            AmendsCommand::Update { item: e, status } => {
                e.amends(*status).run(app, &case, now).await?
            }
        },
        MethodCommand::Gesture(GestureCommand::Add(g)) => g.clone().run(app, &case, now).await?,
        MethodCommand::Status(s) => {
            let at = s.at.clone().map(Moment);
            let plan = StatusQuery { at }.run(app, &case, now).await?;
            if ctx.json {
                ctx.print_json(&plan)?;
            } else {
                print!("{}", render_status(&case, &plan, &tz));
            }
            return Ok(ExitCode::SUCCESS);
        }
        MethodCommand::Calendar(c) => return calendar(app, &case, c, now).await,
        MethodCommand::Settings(_) => unreachable_settings()?,
    };
    report(ctx, &logged, &tz)?;
    Ok(ExitCode::SUCCESS)
}

fn unreachable_settings() -> Result<Logged> {
    bail!("settings are handled before a case is chosen")
}

async fn log(app: &App, case: &CaseSummary, cmd: &LogCommand, now: Timestamp) -> Result<Logged> {
    let when = |at: &At| {
        let at = at.at.clone();
        async move { app.when(at.as_deref(), now).await }
    };
    Ok(match cmd.clone() {
        LogCommand::Contact(c) => c.run(app, case, now).await?,
        LogCommand::Signal(c) => c.run(app, case, now).await?,
        LogCommand::Passive(c) => c.run(app, case, now).await?,
        LogCommand::Invitation(c) => c.run(app, case, now).await?,
        LogCommand::Urge(c) => c.run(app, case, now).await?,
        LogCommand::Slip(c) => c.run(app, case, now).await?,
        LogCommand::Need(c) => c.run(app, case, now).await?,
        LogCommand::Sent { kind, channel, at } => {
            let at = when(&at).await?;
            app.log_sent(case, kind, channel, None, at, now).await?
        }
        LogCommand::Question { text, at } => {
            let at = when(&at).await?;
            app.log_question(case, &text, at, now).await?
        }
        LogCommand::Answered { id } => app.answer_question(case, &id, now).await?,
    })
}

/// Answers from `--from FILE` and `key=value` arguments; `None` when neither was given.
fn gather(from: Option<&PathBuf>, pairs: &[String]) -> Result<Option<Answers>> {
    let mut answers = match from {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            Some(amends_app::answers_from_document(&text)?)
        }
        None => None,
    };
    if !pairs.is_empty() {
        let map = answers.get_or_insert_with(Answers::new);
        for pair in pairs {
            let Some((k, v)) = pair.split_once('=') else {
                bail!("{pair:?} is not question=answer; write it like commitment=4");
            };
            let k = k.trim().to_string();
            let v = v.to_string();
            match map.remove(&k) {
                None => map.insert(k, Answer::Text(v)),
                Some(Answer::List(mut l)) => {
                    l.push(v);
                    map.insert(k, Answer::List(l))
                }
                Some(Answer::Text(first)) => map.insert(k, Answer::List(vec![first, v])),
                Some(other) => map.insert(k, other),
            };
        }
    }
    Ok(answers)
}

fn print_questions(ctx: &Ctx, form: &Form) -> Result<ExitCode> {
    if ctx.json {
        ctx.print_json(form)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}\n", form.title);
    for q in form.questions {
        let opts: Vec<&str> = q.options.iter().map(|o| o.id).collect();
        println!(
            "{} ({}, {}{}): {}",
            q.id,
            q.method,
            answer_hint(q),
            if q.required { "" } else { ", optional" },
            q.prompt
        );
        if !opts.is_empty() {
            println!("    choices: {}", opts.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn answer_hint(q: &Question) -> &'static str {
    match q.answer {
        AnswerType::Boolean => "yes/no",
        AnswerType::Acknowledge => "yes to accept",
        AnswerType::Choice => "one choice",
        AnswerType::Multi => "any choices, comma-separated; Enter for none",
        AnswerType::Likert => "1 to 5",
        AnswerType::Text => "text",
        AnswerType::Lines => "one item per line",
        AnswerType::Count => "a whole number",
        AnswerType::Date => "YYYY-MM-DD",
    }
}

/// Asks a form's questions on the terminal, re-asking until each answer is valid.
fn interactive(form: &Form) -> Result<Answers> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "there is no terminal to ask the questions on. Pass the answers with --from FILE \
             (TOML or JSON) or as question=answer arguments; --questions lists them."
        );
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut read = || -> Result<String> {
        print!("> ");
        std::io::stdout().flush()?;
        match lines.next() {
            Some(l) => Ok(l?),
            None => bail!("input ended before the questions were answered; nothing was saved"),
        }
    };
    println!("{}\n", form.title);
    if !form.intro.is_empty() {
        println!("{}\n", form.intro);
    }
    let mut answers = Answers::new();
    for q in form.questions {
        if !q.applies(&answers) {
            continue;
        }
        println!("{} [{}]", q.prompt, q.method);
        if let Some(help) = q.help {
            println!("  {help}");
        }
        for (i, o) in q.options.iter().enumerate() {
            println!("  {}. {} ({})", i + 1, o.label, o.id);
        }
        println!(
            "  ({}{})",
            answer_hint(q),
            if q.required { "" } else { "; Enter to skip" }
        );
        loop {
            let answer = if q.answer == AnswerType::Lines {
                println!("  (an empty line ends the list)");
                let mut items = Vec::new();
                loop {
                    let l = read()?;
                    if l.trim().is_empty() {
                        break;
                    }
                    items.push(l);
                }
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                amends_app::answer_from_input(q, &items)
            } else {
                let l = read()?;
                let l = l.trim();
                if l.is_empty() && !q.required {
                    break;
                }
                // Choice numbers work as well as the ids ("2" or "2,3").
                amends_app::answer_from_input(q, &[l])
            };
            if matches!(&answer, Answer::List(l) if l.is_empty()) && !q.required {
                break;
            }
            match q.check(&answer) {
                Ok(()) => {
                    answers.insert(q.id.to_string(), answer);
                    break;
                }
                Err(e) => println!("  {e}"),
            }
        }
        println!();
    }
    Ok(answers)
}

fn day(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d")
        .to_string()
}

fn day_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn reasons(gate: &Gate, tz: &TimeZone, out: &mut String) {
    for r in &gate.reasons {
        out.push_str(&format!("    {:<7} {}", r.method, r.text));
        if let Some(u) = r.until {
            out.push_str(&format!(" (until {})", day_time(u, tz)));
        }
        out.push('\n');
    }
}

fn report(ctx: &Ctx, logged: &Logged, tz: &TimeZone) -> Result<()> {
    if ctx.json {
        return ctx.print_json(logged);
    }
    // SAFE-3, SAFE-4 (issue 11): whatever was logged, help comes first.
    if logged.safety.any() {
        eprintln!("{}", crate::records::safety_lines(logged.safety));
    }
    println!(
        "Logged ({}) for {}. Id: {}",
        logged.kind,
        day_time(logged.at, tz),
        logged.id
    );
    if let Some(before) = &logged.outreach_before
        && !before.open
    {
        let mut out = String::new();
        reasons(before, tz, &mut out);
        println!();
        println!(
            "Outreach was closed when this happened. It is recorded as it was, because the \
             truth matters, and the no-contact count starts again from here. Nothing before it \
             is lost. Why outreach was closed:"
        );
        print!("{out}");
    } else if logged.kind == "slip" {
        println!(
            "Recorded as a slip (SAFE-7); the no-contact count starts again from here. Nothing \
             before it is lost."
        );
    }
    if logged.kind == "signal" && !logged.outreach_now.open {
        let mut out = String::new();
        reasons(&logged.outreach_now, tz, &mut out);
        println!();
        println!("Outreach is closed now:");
        print!("{out}");
    }
    Ok(())
}

fn gate_line(gate: &Gate, tz: &TimeZone, out: &mut String) {
    let name = match gate.id {
        GateId::Outreach => "Outreach (any contact you start)",
        GateId::Composer => "Drafts to send",
        GateId::Ask => "Asking for another chance",
        GateId::Gestures => "Amends and gifts",
    };
    if gate.open {
        out.push_str(&format!("  {name}: open"));
        if !gate.allows.is_empty() {
            let kinds: Vec<&str> = gate.allows.iter().map(|k| k.as_str()).collect();
            out.push_str(&format!(" ({})", kinds.join(", ")));
        }
        if gate.id == GateId::Outreach {
            out.push_str(". That is permission, not a prompt: nothing has to happen (SAFE-6)");
        }
        out.push('\n');
        for l in &gate.limits {
            out.push_str(&format!("    {:<7} {}\n", l.method, l.text));
        }
    } else {
        out.push_str(&format!("  {name}: closed\n"));
        reasons(gate, tz, out);
        match gate.opens_at {
            Some(t) => out.push_str(&format!(
                "    Opens {} at the earliest, if nothing changes.\n",
                day_time(t, tz)
            )),
            None => out.push_str("    No date: it depends on them or on your own work.\n"),
        }
    }
}

/// Today's plan in plain words.
pub fn render_status(case: &CaseSummary, plan: &Plan, tz: &TimeZone) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} ({}), {}\n",
        amends_app::printable(&case.name),
        case.relationship,
        day_time(plan.at, tz)
    ));
    out.push_str(&format!(
        "Phase {}: {}\n\n",
        plan.phase_number, plan.phase_title
    ));
    if !plan.safety.resources.is_empty() {
        out.push_str("Support:\n");
        for r in &plan.safety.resources {
            out.push_str(&format!("  - {r}\n"));
        }
        out.push('\n');
    }
    for g in &plan.gates {
        gate_line(g, tz, &mut out);
    }
    let nc = &plan.no_contact;
    // Issue 12: under a stop there is no "at least" next to a lock no date opens.
    out.push_str(&match nc.target_days {
        Some(target) => format!(
            "\nNo contact: day {} (longest stretch {} days; the method asks for at least {target})\n",
            nc.days, nc.longest_days
        ),
        None => format!(
            "\nNo contact: day {} (longest stretch {} days)\n",
            nc.days, nc.longest_days
        ),
    });
    if !nc.slips.is_empty() {
        out.push_str(&format!("  Slips ({}), kept on record:\n", nc.slips.len()));
        for s in &nc.slips {
            out.push_str(&format!("    {} {}\n", day(s.at, tz), s.what));
        }
    }
    if nc.urges_30 > 0 {
        out.push_str(&format!(
            "  Urges resisted: {} in the last 7 days, {} in 30\n",
            nc.urges_7, nc.urges_30
        ));
    }
    let sw = &plan.self_work;
    out.push_str(&format!(
        "\nSelf-work: {}% over 7 days, {}% over 30 days; {} of {} weeks of habit data\n",
        sw.last_7.overall, sw.last_30.overall, sw.weeks_with_data, sw.weeks_needed
    ));
    let s7 = &sw.last_7.sleep;
    out.push_str(&format!(
        "  Sleep: {} of 7 nights in {}-{} h",
        s7.nights_in_band, s7.band[0], s7.band[1]
    ));
    if let Some(avg) = s7.average_hours {
        out.push_str(&format!(", average {avg} h"));
    }
    out.push('\n');
    for t in &sw.last_7.trackers {
        if t.entries > 0 {
            out.push_str(&format!(
                "  {}: {} entries this week{}\n",
                t.habit,
                t.entries,
                t.score
                    .map(|s| format!(" ({s}% of target)"))
                    .unwrap_or_default()
            ));
        }
    }
    let p = &plan.promises;
    if !p.items.is_empty() {
        out.push_str(&format!(
            "\nPromises: {} open of at most {}, {} kept, {} broken",
            p.open, p.max_open, p.kept, p.broken
        ));
        if let Some(r) = p.reliability_pct {
            out.push_str(&format!(", reliability {r}%"));
        }
        out.push('\n');
    }
    if plan.checkins.agreed
        && let Some(d) = plan.checkins.next_due
    {
        out.push_str(&format!(
            "Agreed check-ins every {} days; the next falls around {}\n",
            plan.checkins.every_days,
            day(d, tz)
        ));
    }
    if let Some(f) = &plan.follow_up {
        out.push_str(&format!(
            "Optional follow-up around {} ({}): {}\n",
            day(f.around, tz),
            f.method,
            f.text
        ));
    }
    if plan.walk_away.suggested {
        out.push_str("\nSigns that suggest looking at walking away:\n");
        for r in &plan.walk_away.reasons {
            out.push_str(&format!("    {:<7} {}\n", r.method, r.text));
        }
    }
    if !plan.next_steps.is_empty() {
        out.push_str("\nNext steps:\n");
        for s in &plan.next_steps {
            out.push_str(&format!("  {:<7} {}", s.method, s.text));
            if let Some(a) = s.action {
                out.push_str(&format!(" (amends {a})"));
            }
            out.push('\n');
        }
    }
    if let Some(card) = plan.guidance.first() {
        out.push_str(&format!(
            "\n{} ({}): {}\n",
            card.title, card.method, card.text
        ));
    }
    out
}

/// The plan, for a listing printed in words; with `--json`, the part `part` picks is printed
/// instead, and there is nothing more to do.
async fn plan_in_words<T: serde::Serialize>(
    ctx: &Ctx,
    app: &App,
    case: &CaseSummary,
    now: Timestamp,
    part: impl FnOnce(&Plan) -> &T,
) -> Result<Option<Plan>> {
    let plan = app.plan(case, now).await?;
    if ctx.json {
        ctx.print_json(part(&plan))?;
        return Ok(None);
    }
    Ok(Some(plan))
}

async fn workbook_progress(
    ctx: &Ctx,
    app: &App,
    case: &CaseSummary,
    now: Timestamp,
) -> Result<ExitCode> {
    let Some(plan) = plan_in_words(ctx, app, case, now, |p| &p.workbook).await? else {
        return Ok(ExitCode::SUCCESS);
    };
    let rows = app.records(case).await?.workbook_rows();
    if !rows.is_empty() {
        println!("Written so far (change one with `amends workbook SECTION --correct ID ...`):");
        for amends_app::records::WorkbookRow {
            id,
            section,
            answers,
            ..
        } in &rows
        {
            let first = answers
                .values()
                .find_map(|a| a.as_text().map(str::to_string))
                .unwrap_or_default();
            println!(
                "  {id}  {section:<10} {}",
                amends_core::plan::excerpt(&first, 60)
            );
        }
        println!();
    }
    if plan.workbook.done {
        println!(
            "The workbook is complete ({} acts written).",
            plan.workbook.acts
        );
    } else {
        println!("Still to write in the workbook:");
        for gap in &plan.workbook.missing {
            let title = forms::workbook_section(gap.section)
                .map(|s| s.form.title)
                .unwrap_or(gap.section);
            println!(
                "  {:<7} {}  (amends workbook {})",
                gap.method, title, gap.section
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The promises, one a line, and how many are open.
fn print_promises(p: &Promises, tz: &TimeZone) {
    if p.items.is_empty() {
        println!("No promises yet. Promise only what you can definitely do (TR-4).");
        return;
    }
    for i in &p.items {
        let status = match i.status {
            PromiseStatus::Open if i.overdue => "open, past due",
            PromiseStatus::Open => "open",
            PromiseStatus::Kept => "kept",
            PromiseStatus::Broken => "broken",
        };
        print!("{}  {}  [{status}]", i.id, i.text);
        if let Some(d) = i.due {
            print!(" due {}", day(d, tz));
        }
        println!();
    }
    print!("{} open of at most {}", p.open, p.max_open);
    if let Some(r) = p.reliability_pct {
        print!(", reliability {r}%");
    }
    println!();
}

/// The amends they asked for, one a line.
fn print_amends(amends: &[AmendsEntry], tz: &TimeZone) {
    if amends.is_empty() {
        println!("No amends requests logged. They are theirs to name, in their words (AM-2).");
    }
    for a in amends {
        println!(
            "{}  {}  [{}] since {}{}",
            a.id,
            a.request,
            a.status,
            day(a.at, tz),
            if a.within_bounds {
                ""
            } else {
                "  (beyond what amends helps with: SAFE-9)"
            }
        );
    }
}

async fn calendar(
    app: &App,
    case: &CaseSummary,
    args: &CalendarArgs,
    now: Timestamp,
) -> Result<ExitCode> {
    if let Some(path) = args.output.as_ref().filter(|p| p.exists() && !args.force) {
        bail!(
            "{} already exists; choose another file or pass --force to replace it",
            path.display()
        );
    }
    let text = app.calendar(case, now).await?;
    match &args.output {
        Some(path) => {
            write_private(path, text.as_bytes(), args.force)?;
            eprintln!(
                "Wrote {}. It holds dates only, not your words; it never holds a reminder to \
                 reach out.",
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn settings(ctx: &Ctx, app: &App, args: &SettingsArgs, now: Timestamp) -> Result<ExitCode> {
    let targets = Settings {
        reminders: if args.no_reminders {
            Some(Vec::new())
        } else if args.remind.is_empty() {
            None
        } else {
            Some(args.remind.clone())
        },
        ..args.targets.clone()
    };
    // The targets need a case (the CLI's own error says how to start one); the zone does not.
    let case = if targets == Settings::default() {
        ctx.case(app).await.ok()
    } else {
        Some(ctx.case(app).await?)
    };
    // One definition with the API's PUT /settings (issue 13): set, save, and read back.
    let state = UpdateSettings {
        time_zone: args.time_zone.clone(),
        targets: targets.clone(),
    }
    .run(app, case.as_ref(), now)
    .await?;
    let changed = state.changed;
    let name = state
        .time_zone
        .clone()
        .unwrap_or_else(|| "system default".to_string());
    if !ctx.json {
        if args.time_zone.is_some() {
            println!("Time zone set to {name}. Days are counted in it.");
        }
        if let Some(case) = case.as_ref().filter(|_| targets != Settings::default()) {
            println!("Settings saved for {}.", amends_app::printable(&case.name));
        }
    }
    if state.time_zone_source == ZoneSource::Unusable {
        // As the settings page says it (issue 13): nothing is refused for it, and this is
        // where it is fixed.
        eprintln!(
            "Your saved time zone can no longer be read, so days are counted in this \
             computer's zone ({name}) for now. Set it again with `amends settings --time-zone`."
        );
    }
    if ctx.json {
        // The API's settings state: the zone's source included, so a script sees a damaged
        // saved zone the way the settings page shows it.
        ctx.print_json(&state)?;
    } else if !changed {
        println!("Time zone: {name}");
        if let Ok(case) = ctx.case(app).await {
            let r = app.plan(&case, now).await?.reminders;
            let r: Vec<&str> = r.iter().map(|k| k.as_str()).collect();
            println!(
                "Calendar reminders: {}",
                if r.is_empty() {
                    "none".to_string()
                } else {
                    r.join(", ")
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
