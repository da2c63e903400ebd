//! The store commands: init, passwd, case, journal, export, wipe, and the home screen.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use amends_app::command::{AddJournal, Command as _};
use amends_app::{
    App, CaseSummary, ExportFormat, KdfParams, printable, resolve_data_dir, text_from_bytes,
};
use amends_core::Relationship;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::secrets;

/// What every command needs from the global flags.
pub struct Ctx {
    pub data_dir: PathBuf,
    pub json: bool,
    pub case: Option<String>,
}

impl Ctx {
    pub fn new(cli: &crate::Cli) -> Result<Self> {
        Ok(Self {
            data_dir: resolve_data_dir(cli.data_dir.clone())?,
            json: cli.json,
            case: cli.case.clone(),
        })
    }

    /// Opens and unlocks the store, asking for the passphrase.
    pub async fn open(&self) -> Result<App> {
        if !App::exists(&self.data_dir) {
            // Say so before asking for a passphrase that could not be checked anyway.
            return Err(amends_app::StorageError::NotInitialized {
                dir: self.data_dir.clone(),
            }
            .into());
        }
        let pass = secrets::current()?;
        // Guessing is slowed across runs, as on the web (issue 14, defect 12).
        Ok(App::open_throttled(&self.data_dir, &pass).await?)
    }

    pub async fn case(&self, app: &App) -> Result<CaseSummary> {
        Ok(app.case(self.case.as_deref()).await?)
    }

    pub fn print_json<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, value)?;
        writeln!(out)?;
        Ok(())
    }
}

/// SAFE-3, SAFE-4 (issue 11): the help that fits what was found, as plain text: crisis lines
/// for self-harm language, lines for people worried about their own anger for a threat.
pub fn safety_lines(flags: amends_app::safety::SafetyFlags) -> String {
    let mut out = String::new();
    if flags.crisis {
        out.push_str(&crisis_lines());
    }
    if flags.threat {
        out.push_str(
            "What you wrote sounds like a threat to hurt someone or their things. It can never be \
             sent (SAFE-4). If you are worried about your own anger, these lines help with exactly \
             that:\n",
        );
        for r in &amends_app::help::resources().anger {
            out.push_str(&format!("  {} ({}): {}\n", r.name, r.region, r.contact));
        }
    }
    out
}

/// SAFE-3: the crisis lines as plain text, for when self-harm language was found.
pub fn crisis_lines() -> String {
    let mut out = String::from(
        "Please pause. What you wrote sounds like you might be thinking about hurting yourself. \
         Please reach out to someone now; you do not have to carry this alone:\n",
    );
    for r in &amends_app::help::resources().crisis {
        out.push_str(&format!("  {} ({}): {}\n", r.name, r.region, r.contact));
    }
    out
}

pub fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

const INIT_WARNING: &str = "\
Choose a passphrase. It encrypts everything you write in amends.
Write it down somewhere safe: if you forget it, your data cannot be recovered,
not by you, not by anyone, not by amends. There is no reset.";

pub async fn home(ctx: &Ctx) -> Result<ExitCode> {
    if !App::exists(&ctx.data_dir) {
        if ctx.json {
            ctx.print_json(&serde_json::json!({
                "initialized": false,
                "data_dir": ctx.data_dir,
            }))?;
            return Ok(ExitCode::SUCCESS);
        }
        println!("Welcome to amends.");
        println!();
        println!("amends is a private coach for making amends to someone you hurt. It helps you");
        println!("understand what happened, give them the space they asked for, work on yourself,");
        println!("and check every message before you send it. It never pushes you to reach out,");
        println!("and it stops you where going on would cross their wishes or their safety.");
        println!();
        println!(
            "Nothing leaves this computer. Your data will live in {}.",
            ctx.data_dir.display()
        );
        println!();
        if secrets::interactive() && confirm("Set it up now? [Y/n] ", true)? {
            return init(ctx).await;
        }
        println!("To start: amends init");
        return Ok(ExitCode::SUCCESS);
    }
    let app = ctx.open().await?;
    let cases = app.cases().await?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "initialized": true,
            "data_dir": ctx.data_dir,
            "cases": cases,
        }))?;
    } else if cases.is_empty() {
        println!("amends is set up in {}.", ctx.data_dir.display());
        println!("Next: amends case new --name NAME --relationship partner|spouse|friend|family");
    } else {
        println!("Your cases:");
        for c in &cases {
            let entries = app.journal(c).await?.len();
            println!(
                "  {}  {} ({}), journal entries: {}",
                c.number,
                printable(&c.name),
                c.relationship,
                entries
            );
        }
        println!();
        println!("Write in your journal: amends journal add");
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

fn confirm(question: &str, default: bool) -> Result<bool> {
    print!("{question}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(match line.trim().to_ascii_lowercase().as_str() {
        "" => default,
        "y" | "yes" => true,
        _ => false,
    })
}

pub async fn init(ctx: &Ctx) -> Result<ExitCode> {
    if App::exists(&ctx.data_dir) {
        return Err(amends_app::StorageError::AlreadyInitialized {
            dir: ctx.data_dir.clone(),
        }
        .into());
    }
    eprintln!("{INIT_WARNING}");
    eprintln!();
    let pass = secrets::new_twice(secrets::PASSPHRASE_ENV)?;
    let app = App::init(&ctx.data_dir, &pass, KdfParams::DEFAULT).await?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "initialized": true, "data_dir": ctx.data_dir }))?;
    } else {
        println!("amends is set up in {}.", ctx.data_dir.display());
        println!("Next: amends case new --name NAME --relationship partner|spouse|friend|family");
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn passwd(ctx: &Ctx) -> Result<ExitCode> {
    let app = ctx.open().await?;
    let new = secrets::new_twice(secrets::NEW_PASSPHRASE_ENV)?;
    app.change_passphrase(&new).await?;
    app.close().await;
    if !ctx.json {
        println!("Passphrase changed. The old one no longer opens your data.");
    } else {
        ctx.print_json(&serde_json::json!({ "changed": true }))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// Start a case for one person.
    New {
        /// Their name or a label; stored encrypted.
        #[arg(long)]
        name: String,
        /// Who they are to you.
        #[arg(long, value_parser = parse_relationship)]
        relationship: Relationship,
    },
    /// List your cases.
    List,
}

fn parse_relationship(s: &str) -> Result<Relationship, String> {
    s.parse()
}

pub async fn case(ctx: &Ctx, cmd: &CaseCommand) -> Result<ExitCode> {
    let app = ctx.open().await?;
    match cmd {
        CaseCommand::New { name, relationship } => {
            let case = app.create_case(name, *relationship).await?;
            if ctx.json {
                ctx.print_json(&case)?;
            } else {
                println!(
                    "Created case {}: {} ({}).",
                    case.number,
                    printable(&case.name),
                    case.relationship
                );
            }
        }
        CaseCommand::List => {
            let cases = app.cases().await?;
            let tz = app.time_zone().await;
            if ctx.json {
                ctx.print_json(&cases)?;
            } else if cases.is_empty() {
                println!(
                    "No cases yet. Create one with: amends case new --name NAME --relationship partner"
                );
            } else {
                for c in cases {
                    println!(
                        "{}  {} ({}), since {}",
                        c.number,
                        printable(&c.name),
                        c.relationship,
                        local(c.created_at, &tz)
                    );
                }
            }
        }
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum JournalCommand {
    /// Write an entry. Without TEXT (or with -), it is read from standard input.
    Add {
        /// The entry. Prefer standard input for long or very private text: arguments can show
        /// up in your shell history.
        text: Option<String>,
    },
    /// Show your entries, oldest first.
    List,
}

fn read_stdin_text() -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprintln!("Write your entry, then press Ctrl-D on a new line to save it.");
    }
    let mut bytes = Vec::new();
    // Read one byte past the limit so "too long" is detected without reading everything.
    std::io::stdin()
        .lock()
        .take(amends_app::MAX_TEXT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .context("could not read standard input")?;
    Ok(text_from_bytes(bytes)?)
}

pub async fn journal(ctx: &Ctx, cmd: &JournalCommand) -> Result<ExitCode> {
    // Read the text before asking for the passphrase: a bad input then costs no unlock.
    let text = match cmd {
        JournalCommand::Add { text: Some(t) } if t != "-" => Some(t.clone()),
        JournalCommand::Add { .. } => Some(read_stdin_text()?),
        JournalCommand::List => None,
    };
    let app = ctx.open().await?;
    let case = ctx.case(&app).await?;
    match text {
        Some(text) => {
            // MO-2: the app's typed command, as the API takes it (issue 13).
            let entry = AddJournal { text, at: None };
            let saved = entry.run(&app, &case, Timestamp::now()).await?;
            let safety = amends_app::safety::SafetyFlags {
                crisis: saved.crisis,
                threat: saved.threat,
            };
            if ctx.json {
                ctx.print_json(&serde_json::json!({
                    "id": saved.id, "at": saved.at, "crisis": safety.crisis, "threat": safety.threat
                }))?;
            } else {
                println!("Saved to your journal (encrypted). Nothing in the journal is ever sent.");
                if safety.any() {
                    eprint!("\n{}", safety_lines(safety));
                }
            }
        }
        None => {
            let entries = app.journal(&case).await?;
            warn_damage(&app.damage(&case).await?);
            let tz = app.time_zone().await;
            if ctx.json {
                ctx.print_json(&entries)?;
            } else if entries.is_empty() {
                println!("Your journal is empty. Write with: amends journal add");
            } else {
                for e in entries {
                    println!("{}", local(e.at, &tz));
                    for line in e.text.lines() {
                        println!("    {line}");
                    }
                    println!();
                }
            }
        }
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Says, on stderr, what of a case's history could not be read and was left out (issue 14,
/// defect 9): skipped, never silently.
pub fn warn_damage(damage: &[amends_app::Damage]) {
    if damage.is_empty() {
        return;
    }
    eprintln!(
        "warning: part of this case's history failed its integrity check and is left out here:"
    );
    for d in damage {
        eprintln!("  - {}", d.problem);
    }
    eprintln!(
        "`amends export` writes out everything that can still be read; restore a backup of the \
         data folder to get the rest back."
    );
}

#[derive(Args, Debug)]
pub struct SafetyPlanArgs {
    /// Save the plan from this TOML or JSON file (`-` for standard input) instead of showing it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

/// Shows or saves the safety plan (issue 11).
pub async fn safety_plan(ctx: &Ctx, args: &SafetyPlanArgs) -> Result<ExitCode> {
    let app = ctx.open().await?;
    if let Some(path) = &args.from {
        let text = if path.as_os_str() == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            s
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("could not read {}: {e}", path.display()))?
        };
        let plan: amends_app::safety::SafetyPlan = serde_json::from_str(&text)
            .or_else(|_| toml::from_str(&text))
            .map_err(|e| {
                anyhow::anyhow!(
                    "the plan file is neither JSON nor TOML with the keys warning_signs, \
                     what_calms_me, people_and_places, professionals ({e})"
                )
            })?;
        app.set_safety_plan(&plan).await?;
        println!("Your safety plan is saved (encrypted).");
        return Ok(ExitCode::SUCCESS);
    }
    match app.safety_plan().await? {
        Some(plan) if ctx.json => ctx.print_json(&plan)?,
        Some(plan) => {
            for (title, part) in plan.parts() {
                if !part.trim().is_empty() {
                    println!("{title}:\n{}\n", part.trim_end());
                }
            }
        }
        None => println!(
            "You have no safety plan yet. Write one on a calmer day: warning signs, what calms \
             you, people and places that help, professionals to call. Save it with \
             `amends safety-plan --from plan.toml`."
        ),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// json or markdown.
    #[arg(long, default_value = "json", value_parser = parse_format)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output. It is created readable by you only.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

pub async fn export(ctx: &Ctx, args: &ExportArgs) -> Result<ExitCode> {
    if let Some(path) = args.output.as_ref().filter(|p| p.exists() && !args.force) {
        bail!(
            "{} already exists; choose another file or pass --force to replace it",
            path.display()
        );
    }
    let app = ctx.open().await?;
    let text = app.export(args.format, Timestamp::now()).await?;
    for case in app.cases().await? {
        let damage = app.damage(&case).await?;
        if !damage.is_empty() {
            eprintln!(
                "warning: {} problem(s) in the history of case {} are listed in the export under \
                 \"damaged\"; everything else that could be read is in it.",
                damage.len(),
                case.number
            );
        }
    }
    app.close().await;
    match &args.output {
        Some(path) => {
            write_private(path, text.as_bytes(), args.force)?;
            eprintln!(
                "warning: {} is NOT encrypted. Anyone who can open it can read everything you wrote. \
                 Keep it somewhere only you can reach, and delete it when you are done.",
                path.display()
            );
        }
        None => {
            eprintln!(
                "warning: this export is NOT encrypted. Anyone who can read it can read everything you wrote."
            );
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file readable by the user only; refuses to replace one unless asked.
pub(crate) fn write_private(path: &std::path::Path, bytes: &[u8], replace: bool) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).mode(0o600);
    if replace {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    let mut file = opts
        .open(path)
        .with_context(|| format!("could not create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("could not write {}", path.display()))?;
    file.sync_all()?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct WipeArgs {
    /// Do not ask; for scripts.
    #[arg(long)]
    pub yes: bool,
}

const WIPE_PHRASE: &str = "delete everything";

pub async fn wipe(ctx: &Ctx, args: &WipeArgs) -> Result<ExitCode> {
    if !App::exists(&ctx.data_dir) {
        println!(
            "Nothing to delete: there is no amends data in {}.",
            ctx.data_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        if !secrets::interactive() {
            bail!(
                "wipe deletes everything and needs confirmation; there is no terminal to ask on, so pass --yes"
            );
        }
        println!("This permanently deletes every case, journal entry and record in");
        println!(
            "{}. It cannot be undone. (Export first if you want a copy.)",
            ctx.data_dir.display()
        );
        print!("Type \"{WIPE_PHRASE}\" to confirm: ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if line.trim() != WIPE_PHRASE {
            println!("Not confirmed; nothing was deleted.");
            return Ok(ExitCode::FAILURE);
        }
    }
    let removed = App::wipe(&ctx.data_dir)?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "deleted": removed }))?;
    } else {
        println!("Deleted all amends data in {}.", ctx.data_dir.display());
    }
    Ok(ExitCode::SUCCESS)
}
