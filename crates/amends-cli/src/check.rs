//! `amends check`: the message coach on any text, with no store and no passphrase.
//!
//! Exit codes: 0 ready, 1 revise, 2 do-not-send, 64 usage or input error (see `after_help`).

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use amends_lint::{Context, Kind, Report, Severity, Verdict};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// The largest draft `amends check` reads: 1 MiB.
pub const MAX_INPUT: usize = amends_app::MAX_TEXT_BYTES;

/// Exit code for a usage or input error (BSD's EX_USAGE), shared with the rest of the CLI.
const EXIT_INPUT: u8 = 64;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Findings under their lines, like a compiler; coloured on a terminal.
    #[default]
    Human,
    /// The report as JSON (the same as POST /api/v1/check).
    Json,
}

/// Check a draft message before you send it.
#[derive(clap::Args, Debug, Clone)]
#[command(
    long_about = "Check a draft message before you send it, rule by rule: what is missing, what \
                  will hurt it, and what must never be sent. It needs no passphrase and keeps \
                  nothing: the text is read, checked and forgotten.",
    after_help = "Exit codes:\n  0   ready: nothing stands in the way (hints may remain)\n  1   \
                  revise: there are warnings to work on\n  2   do-not-send: something here must \
                  not be sent\n  64  usage or input error (empty, not UTF-8, binary, over 1 \
                  MiB, unreadable, unknown option)"
)]
pub struct CheckArgs {
    /// What the draft is for.
    #[arg(long, value_enum, default_value = "apology")]
    pub kind: Kind,

    /// How to print the report.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,

    /// The draft: a file, or - for standard input.
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,
}

impl CheckArgs {
    /// Applies the global `--json` flag: it means `--format json`.
    pub fn with_global_json(&self, json: bool) -> CheckArgs {
        let mut a = self.clone();
        if json {
            a.format = Format::Json;
        }
        a
    }
}

/// Why the input can't be checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but whitespace.
    #[error("nothing to check: the input is empty")]
    Empty,
    /// Over [`MAX_INPUT`].
    #[error("the input is over the 1 MiB limit ({MAX_INPUT} bytes); check one message at a time")]
    TooLarge,
    /// A NUL byte: not a text file.
    #[error("this looks like a binary file (a NUL byte at byte offset {0}), not a text message")]
    Binary(usize),
    /// Not UTF-8.
    #[error("the input is not valid UTF-8: bad byte at byte offset {0}; save it as UTF-8 text")]
    NotUtf8(usize),
    /// The file could not be read.
    #[error("cannot read {path}: {reason}")]
    Unreadable {
        /// What was asked for.
        path: String,
        /// Why it failed.
        reason: String,
    },
}

/// Turns raw bytes into a checkable draft, or says why not.
pub fn validate(bytes: &[u8]) -> Result<&str, InputError> {
    if bytes.len() > MAX_INPUT {
        return Err(InputError::TooLarge);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(InputError::Binary(at));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::NotUtf8(e.valid_up_to()))?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    Ok(text)
}

fn read_input(path: &PathBuf) -> Result<Vec<u8>, InputError> {
    let unreadable = |e: std::io::Error| InputError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut buf = Vec::new();
    // One byte past the limit is enough to know it is too large, without reading a huge file.
    let limit = (MAX_INPUT + 1) as u64;
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(unreadable)?;
    } else {
        std::fs::File::open(path)
            .map_err(unreadable)?
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(unreadable)?;
    }
    Ok(buf)
}

/// Runs `amends check` with no records.
pub fn run(args: &CheckArgs) -> ExitCode {
    run_with_context(args, None)
}

/// Runs `amends check`, with the user's records when the caller has them (`--case`): then
/// L-13 compares claims with the trackers and L-16 checks the contact cadence.
pub fn run_with_context(args: &CheckArgs, context: Option<Context>) -> ExitCode {
    let bytes = match read_input(&args.input) {
        Ok(b) => b,
        Err(e) => return input_error(&e),
    };
    let text = match validate(&bytes) {
        Ok(t) => t,
        Err(e) => return input_error(&e),
    };
    let report = match amends_lint::check(text, args.kind, context.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the message coach could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let name = if args.input.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        args.input.display().to_string()
    };
    let printed = match args.format {
        Format::Json => print_json(&report),
        Format::Human => print_human(&name, text, &report),
    };
    if let Err(e) = printed {
        // A closed pipe (`amends check x | head`) is not worth a panic or a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: could not write the report: {e}");
        }
    }
    exit_code(report.verdict)
}

/// 0 ready, 1 revise, 2 do-not-send.
pub fn exit_code(v: Verdict) -> ExitCode {
    ExitCode::from(match v {
        Verdict::Ready => 0,
        Verdict::Revise => 1,
        Verdict::DoNotSend => 2,
    })
}

fn input_error(e: &InputError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(EXIT_INPUT)
}

fn print_json(report: &Report) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", report.to_json())
}

fn print_human(name: &str, text: &str, report: &Report) -> std::io::Result<()> {
    let color = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    let stream = termcolor::StandardStream::stdout(color);
    let mut out = stream.lock();
    let file = SimpleFile::new(name, text);
    let config = term::Config::default();
    for f in &report.findings {
        let diag = match f.severity {
            Severity::Block => Diagnostic::error(),
            Severity::Warn => Diagnostic::warning(),
            Severity::Advise => Diagnostic::note(),
        }
        .with_code(format!("{} {}", f.method, f.rule))
        .with_message(f.message.as_ref())
        .with_labels(vec![Label::primary((), f.span.start..f.span.end)])
        .with_notes(vec![format!("try: {}", f.suggestion)]);
        term::emit_to_write_style(&mut out, &config, &file, &diag)
            .map_err(std::io::Error::other)?;
    }
    let mut summary = String::new();
    if !report.components.is_empty() {
        let _ = writeln!(summary, "components ({}):", report.kind);
        for c in &report.components {
            let _ = writeln!(
                summary,
                "  [{}] {}",
                if c.present { "x" } else { " " },
                c.id.replace('_', " ")
            );
        }
    }
    if report.crisis {
        let _ = write!(summary, "\n{}", crate::records::crisis_lines());
    }
    let counts = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        summary,
        "verdict: {} ({} block, {} warn, {} advise)",
        report.verdict.as_str(),
        counts(Severity::Block),
        counts(Severity::Warn),
        counts(Severity::Advise)
    );
    out.write_all(summary.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_the_problem() {
        assert_eq!(validate(b"  \n\t"), Err(InputError::Empty));
        assert_eq!(validate(b"hi\0there"), Err(InputError::Binary(2)));
        assert_eq!(validate(b"ok \xff"), Err(InputError::NotUtf8(3)));
        assert_eq!(
            validate(&vec![b'a'; MAX_INPUT + 1]),
            Err(InputError::TooLarge)
        );
        assert_eq!(validate("I’m sorry".as_bytes()), Ok("I’m sorry"));
    }
}
