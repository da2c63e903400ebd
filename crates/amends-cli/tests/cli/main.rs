//! The CLI's one integration-test binary: the real `amends` executable on real data folders.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken setup

mod check;
mod hardening;
mod manual;
mod plan;
mod serve;
mod store;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASS: &str = "test passphrase that is long";

/// A data folder and the commands to run against it.
pub struct Env {
    pub tmp: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

impl Env {
    pub fn new() -> Self {
        Self {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_amends"));
        cmd.arg("--data-dir")
            .arg(self.dir())
            .args(args)
            .env("AMENDS_PASSPHRASE", PASS)
            .env_remove("AMENDS_NEW_PASSPHRASE")
            .env_remove("AMENDS_DATA_DIR")
            .env_remove("AMENDS_LOG")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs with another passphrase in `AMENDS_PASSPHRASE`, or with none set.
    pub fn run_with_passphrase(&self, args: &[&str], passphrase: Option<&str>) -> Output {
        let mut cmd = self.cmd(args);
        match passphrase {
            Some(p) => cmd.env("AMENDS_PASSPHRASE", p),
            None => cmd.env_remove("AMENDS_PASSPHRASE"),
        };
        cmd.output().unwrap()
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        // A refusal may close stdin early; that is fine.
        let _ = input.write_all(stdin);
        drop(input);
        child.wait_with_output().unwrap()
    }

    /// Runs and insists on success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "amends {args:?} failed:\n{}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Runs and insists on failure, returning stderr, which must say `words`.
    pub fn fails(&self, args: &[&str], words: &str) -> String {
        failed_saying(&self.run(args), words)
    }

    /// A data folder set up with one case, where most tests start.
    pub fn with_case() -> Self {
        let env = Self::new();
        env.ready();
        env
    }

    pub fn ready(&self) {
        self.ok(&["init"]);
        self.ok(&[
            "case",
            "new",
            "--name",
            "Robin",
            "--relationship",
            "partner",
        ]);
    }
}

/// The command failed, and its stderr (returned) says `words`.
pub fn failed_saying(out: &Output, words: &str) -> String {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "it succeeded; stderr: {err}");
    assert!(err.contains(words), "{err}");
    err
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An output stream says `words`; the failure shows all it said.
pub fn assert_says(stream: &[u8], words: &str) {
    let said = text(stream);
    assert!(said.contains(words), "expected {words:?} in: {said}");
}

/// The `field` string of each object in a JSON list (the rule of each finding, the id of each
/// question).
pub fn strings<'a>(list: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap())
        .collect()
}

pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
