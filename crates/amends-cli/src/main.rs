//! `amends`: the command-line front end. It parses input and renders output; every decision is
//! made in `amends-app`.

mod check;
mod manual;
mod plan_cmds;
mod records;
mod secrets;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Every heap block is wiped when it is freed, so a request body that carried a passphrase, a
/// finished future that held a key, or a decrypted entry leaves nothing readable behind in
/// freed memory (issue 14, defect 5). 1Password's wrapper around the system allocator; the
/// keys themselves sit in a locked page of their own (see amends-store).
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

/// Exit code for usage and input errors (BSD's EX_USAGE). Distinct from 1 and 2, which
/// `amends check` uses for its verdicts.
pub const EXIT_USAGE: u8 = 64;

#[derive(Parser, Debug)]
#[command(
    name = "amends",
    version,
    about = "A private, offline coach for making amends to someone you hurt.",
    long_about = "A private, offline coach for making amends to someone you hurt, and for a second \
                  chance only if they want one too. Everything stays on this computer, encrypted \
                  with your passphrase.\n\nRun `amends init` to start, then `amends case new`.",
    after_help = "Data lives in the folder given by --data-dir, else AMENDS_DATA_DIR, else \
                  ~/.local/share/amends. Without a terminal, the passphrase is read from \
                  AMENDS_PASSPHRASE (and a new one from AMENDS_NEW_PASSPHRASE).\n\nLogging is \
                  quiet by default; set AMENDS_LOG=info (or pass -v) for more. Logs never \
                  contain what you write."
)]
pub struct Cli {
    /// The folder that holds the encrypted data.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print data as JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Which case (relationship) a command is about: its number, id or name. Needed only when
    /// there is more than one.
    #[arg(long, global = true, value_name = "CASE")]
    pub case: Option<String>,

    /// More log output on stderr (-v info, -vv debug). Never includes your words.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up amends: choose a passphrase that encrypts everything you write.
    Init,
    /// Change the passphrase. Your data is not re-encrypted, only its key.
    Passwd,
    /// Create or list cases: one case per person you want to make amends to.
    #[command(subcommand)]
    Case(records::CaseCommand),
    /// A private journal. Nothing in it can ever be sent.
    #[command(subcommand)]
    Journal(records::JournalCommand),
    /// Your safety plan (issue 11): show it, or save it from a TOML or JSON file with the keys
    /// warning_signs, what_calms_me, people_and_places and professionals.
    SafetyPlan(records::SafetyPlanArgs),
    /// Write everything out decrypted, as JSON or Markdown.
    Export(records::ExportArgs),
    /// Delete all amends data in the data folder, after you confirm.
    Wipe(records::WipeArgs),
    /// Start the web app on this computer (http://127.0.0.1:7777/ by default).
    Serve(serve::ServeArgs),
    /// Check a draft message rule by rule before you send it (no passphrase needed).
    Check(check::CheckArgs),
    /// The method: assess, workbook, log, habit, promise, checkin, amends, gesture, status,
    /// calendar, settings.
    #[command(flatten)]
    Method(plan_cmds::MethodCommand),
    /// Print the manual page (roff), or write one page per command with --dir.
    #[command(hide = true)]
    Man(manual::ManArgs),
    /// Print shell completions, e.g. `amends completions bash > ~/.local/share/bash-completion/completions/amends`.
    #[command(hide = true)]
    Completions(manual::CompletionsArgs),
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("AMENDS_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.verbose);
    // The web server gets worker threads so a slow unlock (Argon2) never stalls other pages;
    // one-shot commands need none.
    let mut builder = if matches!(cli.command, Some(Command::Serve(_))) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(&cli)) {
        Ok(code) => code,
        Err(e) => {
            // `{:#}` keeps the cause chain on one line: "could not X: because Y". Printed
            // through `printable`: an error may quote what a damaged or tampered file holds.
            eprintln!("error: {}", amends_app::printable(&format!("{e:#}")));
            // The app's one mapping: a refusal by a rule (3) and a lock (4) are told apart
            // from input to fix (1).
            ExitCode::from(
                e.downcast_ref::<amends_app::AppError>()
                    .map_or(1, amends_app::AppError::exit_code),
            )
        }
    }
}

async fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    // Neither the manual nor the completions need a data folder.
    match &cli.command {
        Some(Command::Man(args)) => return manual::man(args),
        Some(Command::Completions(args)) => return manual::completions(args),
        _ => {}
    }
    // `check` needs no data folder, store or passphrase (issue 4).
    if let Some(Command::Check(args)) = &cli.command {
        let args = args.with_global_json(cli.json);
        if cli.case.is_none() {
            return Ok(check::run(&args));
        }
        // With --case, the records-aware checks run too (L-13 claims, L-16 cadence).
        let ctx = records::Ctx::new(cli)?;
        let app = ctx.open().await?;
        let case = ctx.case(&app).await?;
        let plan = app.plan(&case, jiff::Timestamp::now()).await?;
        app.close().await;
        let context = amends_app::coach::context_from_plan(&plan, None, None);
        return Ok(check::run_with_context(&args, Some(context)));
    }
    let ctx = records::Ctx::new(cli)?;
    match &cli.command {
        None => records::home(&ctx).await,
        Some(Command::Serve(args)) => serve::run(&ctx, args).await,
        Some(Command::Init) => records::init(&ctx).await,
        Some(Command::Passwd) => records::passwd(&ctx).await,
        Some(Command::Case(cmd)) => records::case(&ctx, cmd).await,
        Some(Command::Journal(cmd)) => records::journal(&ctx, cmd).await,
        Some(Command::Export(args)) => records::export(&ctx, args).await,
        Some(Command::SafetyPlan(args)) => records::safety_plan(&ctx, args).await,
        Some(Command::Wipe(args)) => records::wipe(&ctx, args).await,
        Some(Command::Check(_) | Command::Man(_) | Command::Completions(_)) => {
            unreachable!("handled above")
        }
        Some(Command::Method(cmd)) => plan_cmds::run(&ctx, cmd).await,
    }
}
