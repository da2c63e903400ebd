//! `amends check` (issue 4): exit codes, formats and clear input errors. It needs no data
//! folder and no passphrase, so these tests run the binary with neither.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn check(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amends"))
        .arg("check")
        .args(args)
        .env_remove("AMENDS_PASSPHRASE")
        .env(
            "AMENDS_DATA_DIR",
            "/nonexistent/amends-check-needs-no-store",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A usage error exits before reading stdin; the broken pipe that leaves is expected.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD: &str = "I lied to you about the money. It made you doubt yourself. I'm sorry; it was \
                    my fault. I started therapy in March. Take all the time you need.";

/// `amends check` with these arguments and this stdin stops with an input error (64); its
/// stderr.
fn input_error(args: &[&str], stdin: &[u8]) -> String {
    let o = check(args, stdin);
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn ready_message_exits_0() {
    let o = check(&["-"], GOOD.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("verdict: ready"));
}

#[test]
fn warnings_exit_1() {
    let o = check(
        &["-"],
        b"I lied to you about the money, but I was so stressed at work.",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("excuse"));
}

#[test]
fn blame_exits_2_and_is_underlined_like_a_compiler() {
    let o = check(&["-"], "I’m sorry, but you made me do it.".as_bytes());
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(out.contains("L-4 blame-shift"), "{out}");
    assert!(out.contains("^^^^^^^^^^^^^^^^^"), "{out}");
    assert!(out.contains("verdict: do-not-send"));
    // Piped output is plain: no ANSI escapes.
    assert!(!out.contains('\u{1b}'));
}

/// `amends check --format json` of `text` as `kind`: the exit code and the report.
fn check_json(kind: &str, text: &[u8]) -> (Option<i32>, serde_json::Value) {
    let o = check(&["--kind", kind, "--format", "json", "-"], text);
    let report = serde_json::from_slice(&o.stdout).unwrap();
    (o.status.code(), report)
}

#[test]
fn json_format_follows_the_contract() {
    let (code, v) = check_json("first", b"hey can we get back together?");
    assert_eq!(code, Some(2));
    assert_eq!(v["kind"], "first");
    assert_eq!(v["verdict"], "do-not-send");
    assert_eq!(v["crisis"], false);
    let f = &v["findings"][0];
    for key in [
        "rule",
        "method",
        "severity",
        "span",
        "excerpt",
        "message",
        "suggestion",
    ] {
        assert!(!f[key].is_null(), "missing {key} in {f}");
    }
}

#[test]
fn global_json_flag_means_json_format() {
    let o = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(["--json", "check", "--kind", "journal", "/dev/stdin"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // /dev/stdin from /dev/null is empty: an input error, whatever the format.
    assert_eq!(o.status.code(), Some(64));
}

#[test]
fn journal_self_harm_sets_crisis() {
    let (code, v) = check_json("journal", b"you won't have to worry about me much longer");
    assert_eq!(code, Some(2));
    assert_eq!(v["crisis"], true);
}

#[test]
fn reads_a_file_argument() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.txt");
    std::fs::write(&path, "I'm sorry for everything.\n").unwrap();
    let o = check(&[path.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("draft.txt:1:"), "{}", stdout(&o));
}

/// Input that cannot be checked exits 64 and says what is wrong with it: nothing to check,
/// the offset of the first byte that is not UTF-8, binary data, the 1 MiB limit, the valid
/// kinds, a file that cannot be read.
#[test]
fn input_errors_exit_64_and_say_what_is_wrong() {
    let big = vec![b'a'; 1024 * 1024 + 10];
    let kinds = ["first", "apology", "email", "ask", "gift", "journal"];
    let cases: [(&[&str], &[u8], &[&str]); 6] = [
        (&["-"], b"  \n ", &["nothing to check"]),
        (
            &["-"],
            b"I am sorry \xff\xfe",
            &["not valid UTF-8", "offset 11"],
        ),
        (&["-"], b"\x7fELF\x02\x01\x01\0\0\0", &["binary"]),
        (&["-"], &big, &["1 MiB"]),
        (&["--kind", "letter", "-"], b"hi", &kinds),
        (&["/nonexistent/draft.txt"], b"", &["cannot read"]),
    ];
    for (args, stdin, says) in cases {
        let err = input_error(args, stdin);
        for words in says {
            assert!(err.contains(words), "{args:?}: {err}");
        }
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let o = check(&["--help"], b"");
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for needle in ["0   ready", "1   revise", "2   do-not-send", "64  usage"] {
        assert!(out.contains(needle), "{out}");
    }
}

#[test]
fn with_a_case_claims_are_checked_against_the_records() {
    let env = crate::Env::with_case();
    let claim = "I lied to you about where I was, and it left you doubting yourself. I'm sorry; \
                 it was my fault. I've had months of therapy since. Take all the time you need.";
    // Without --case the claim cannot be checked: there are no records to check it against.
    let plain = check(&["--format", "json", "-"], claim.as_bytes());
    assert!(
        !stdout(&plain).contains("\"dishonesty\""),
        "{}",
        stdout(&plain)
    );
    let out = env.run_with_stdin(
        &["--case", "1", "check", "--format", "json", "-"],
        claim.as_bytes(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = crate::strings(&report["findings"], "rule");
    assert!(
        rules.contains(&"dishonesty"),
        "months of therapy with none logged (L-13): {rules:?}"
    );
    // The records also show outreach is closed (no intake yet), so L-16 blocks.
    assert!(rules.contains(&"frequency"), "{rules:?}");
    assert_eq!(out.status.code(), Some(2));
}
