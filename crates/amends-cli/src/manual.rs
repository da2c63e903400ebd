//! `amends man` and `amends completions SHELL`: the manual page and the shell completions,
//! generated from the clap definitions so they can never describe another version of the
//! command line (issue 13). Neither needs a data folder or a passphrase.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::Cli;

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (amends.1, amends-case.1, ...) into this folder instead of
    /// printing the main page, e.g. for /usr/local/share/man/man1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// The command line as clap sees it, with the name the binary is called by.
fn command() -> clap::Command {
    Cli::command().bin_name("amends")
}

pub fn man(args: &ManArgs) -> Result<ExitCode> {
    let cmd = command();
    match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("could not write the pages into {}", dir.display()))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            std::io::stdout().lock().write_all(&page)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn completions(args: &CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "amends", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}
