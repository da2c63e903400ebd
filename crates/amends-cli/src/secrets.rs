//! Asking for passphrases: on the terminal when there is one, from the environment for scripts.
//! The passphrase is never echoed, logged or put on the command line.

use std::io::IsTerminal;

use amends_app::Passphrase;
use anyhow::{Context, Result, bail};

pub const PASSPHRASE_ENV: &str = "AMENDS_PASSPHRASE";
pub const NEW_PASSPHRASE_ENV: &str = "AMENDS_NEW_PASSPHRASE";

pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

fn from_env(name: &str) -> Result<Option<Passphrase>> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(Passphrase::new(v)?)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}

fn prompt(text: &str) -> Result<String> {
    rpassword::prompt_password(text).context("could not read the passphrase from the terminal")
}

/// The passphrase that opens the existing store.
pub fn current() -> Result<Passphrase> {
    if interactive() {
        return Ok(Passphrase::new(prompt("Passphrase: ")?)?);
    }
    if let Some(p) = from_env(PASSPHRASE_ENV)? {
        return Ok(p);
    }
    bail!(
        "amends needs your passphrase, but there is no terminal to ask on. For scripts, set \
         {PASSPHRASE_ENV}."
    )
}

/// A new passphrase: typed twice on a terminal, or read from `env` without one.
pub fn new_twice(env: &str) -> Result<Passphrase> {
    if interactive() {
        for attempt in 1..=3 {
            let first = prompt("New passphrase: ")?;
            let first = match Passphrase::new(first) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    continue;
                }
            };
            let second = prompt("Type it again: ")?;
            if Passphrase::new(second).ok().is_some_and(|s| s == first) {
                return Ok(first);
            }
            if attempt < 3 {
                eprintln!("The two did not match. Let's try again.");
            }
        }
        bail!("the passphrases did not match; nothing was changed")
    }
    if let Some(p) = from_env(env)? {
        return Ok(p);
    }
    bail!("there is no terminal to ask for a new passphrase on. For scripts, set {env}.")
}
