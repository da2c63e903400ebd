//! The storage commands end to end: init, case, journal, export, passwd, wipe, and the errors.

use crate::{Env, PASS, all_files, assert_says, contains, failed_saying, strings, text};

#[test]
fn init_case_journal_and_list_round_trip() {
    let env = Env::new();
    let out = env.run(&["--json", "init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot be recovered"),
        "init must warn plainly"
    );
    let case: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--json",
        "case",
        "new",
        "--name",
        "Robin",
        "--relationship",
        "spouse",
    ]))
    .unwrap();
    assert_eq!(case["number"], 1);
    assert_eq!(case["relationship"], "spouse");
    env.ok(&["journal", "add", "first entry"]);
    let out = env.run_with_stdin(
        &["journal", "add"],
        "second entry\nover two lines\n".as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "journal", "list"])).unwrap();
    let texts = strings(&list, "text");
    assert_eq!(texts, ["first entry", "second entry\nover two lines\n"]);
    let human = env.ok(&["journal", "list"]);
    assert!(human.contains("    over two lines"), "{human}");
}

#[test]
fn no_plaintext_on_disk_and_export_finds_it() {
    let env = Env::with_case();
    let marker = format!("UNIQUE-MARKER-{}", std::process::id());
    env.ok(&[
        "journal",
        "add",
        &format!("today I wrote {marker} in my journal"),
    ]);
    // The process has exited, so the store is closed; WAL and SHM files are scanned too.
    let files = all_files(&env.dir());
    assert!(files.iter().any(|f| f.ends_with("amends.db")));
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            !contains(&bytes, marker.as_bytes()),
            "marker found in {}",
            f.display()
        );
        assert!(
            !contains(&bytes, b"Robin"),
            "the name is sealed too: {}",
            f.display()
        );
        assert!(!contains(&bytes, PASS.as_bytes()));
    }
    let out = env.run(&["export", "--format", "json"]);
    assert!(out.status.success());
    assert!(contains(&out.stdout, marker.as_bytes()));
    assert!(text(&out.stderr).contains("NOT encrypted"));
    let md = env.run(&["export", "--format", "markdown"]);
    assert!(contains(&md.stdout, marker.as_bytes()));
    assert!(text(&md.stdout).contains("## Robin (partner)"));
}

#[test]
fn export_to_a_file_is_private_and_not_overwritten_by_accident() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::with_case();
    env.ok(&["journal", "add", "exported words"]);
    let file = env.tmp.path().join("out.md");
    let path = file.to_str().unwrap();
    let out = env.run(&["export", "--format", "markdown", "--output", path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("NOT encrypted"));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("exported words")
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    env.fails(&["export", "--output", path], "--force");
    assert!(
        env.run(&["export", "--output", path, "--force"])
            .status
            .success()
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["cases"][0]["events"][0]["text"], "exported words");
}

#[test]
fn wrong_passphrase_exits_non_zero_and_changes_nothing() {
    let env = Env::with_case();
    env.ok(&["journal", "add", "kept safe"]);
    let db = env.dir().join("amends.db");
    let before = std::fs::read(&db).unwrap();
    let out = env.run_with_passphrase(&["journal", "add", "intruder"], Some("wrong"));
    failed_saying(&out, "does not open");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(
        env.ok(&["--json", "journal", "list"])
            .matches("\"text\"")
            .count(),
        1
    );
}

#[test]
fn passwd_rewraps_old_fails_new_opens_everything() {
    let env = Env::with_case();
    env.ok(&["journal", "add", "before the change"]);
    let out = env
        .cmd(&["passwd"])
        .env("AMENDS_NEW_PASSPHRASE", "a brand new passphrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    env.fails(&["journal", "list"], "does not open");
    let new = env.run_with_passphrase(&["journal", "list"], Some("a brand new passphrase"));
    assert!(new.status.success());
    assert!(text(&new.stdout).contains("before the change"));
}

#[test]
fn passwd_without_a_new_passphrase_changes_nothing() {
    let env = Env::with_case();
    env.fails(&["passwd"], "AMENDS_NEW_PASSPHRASE");
    env.ok(&["journal", "list"]);
}

#[test]
fn an_empty_passphrase_is_refused_at_init() {
    let env = Env::new();
    let out = env.run_with_passphrase(&["init"], Some("   "));
    failed_saying(&out, "passphrase is empty");
    assert!(!env.dir().join("amends.db").exists());
}

#[test]
fn without_a_terminal_or_variable_the_passphrase_is_asked_for_by_name() {
    let env = Env::new();
    let out = env.run_with_passphrase(&["init"], None);
    failed_saying(&out, "AMENDS_PASSPHRASE");
}

#[test]
fn init_twice_is_refused() {
    let env = Env::with_case();
    env.fails(&["init"], "already set up");
}

#[test]
fn commands_before_init_say_how_to_start() {
    let env = Env::new();
    env.fails(&["journal", "list"], "amends init");
    assert!(
        !env.dir().exists(),
        "nothing is created by a failed command"
    );
    let home = env.ok(&[]);
    assert!(home.contains("amends init"), "{home}");
}

#[test]
fn invalid_utf8_on_stdin_is_refused_with_its_offset() {
    let env = Env::with_case();
    let out = env.run_with_stdin(&["journal", "add"], b"fine so far \xc3\x28 then broken");
    failed_saying(&out, "offset 12");
    assert_eq!(env.ok(&["--json", "journal", "list"]).trim(), "[]");
}

#[test]
fn a_journal_entry_over_one_mib_is_refused_with_the_limit() {
    let env = Env::with_case();
    let big = vec![b'a'; 1024 * 1024 + 10];
    let out = env.run_with_stdin(&["journal", "add"], &big);
    failed_saying(&out, "1048576");
    assert!(text(&out.stderr).contains("1 MiB"));
}

#[test]
fn an_empty_entry_is_refused() {
    let env = Env::with_case();
    let out = env.run_with_stdin(&["journal", "add"], b"  \n");
    failed_saying(&out, "empty");
}

#[test]
fn a_corrupt_database_is_reported_and_left_alone() {
    let env = Env::new();
    std::fs::create_dir_all(env.dir()).unwrap();
    let db = env.dir().join("amends.db");
    std::fs::write(
        &db,
        b"this is not a database, just some text that got here somehow",
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    for args in [&["journal", "list"][..], &["init"][..]] {
        let out = env.run(args);
        assert!(!out.status.success(), "{args:?}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{args:?} touched the file"
        );
    }
    env.fails(&["journal", "list"], "left untouched");
}

#[test]
fn an_unwritable_data_directory_is_reported() {
    let env = Env::new();
    let file = env.tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amends"))
        .arg("--data-dir")
        .arg(file.join("sub"))
        .arg("init")
        .env("AMENDS_PASSPHRASE", PASS)
        .output()
        .unwrap();
    failed_saying(&out, "cannot write to");
}

#[test]
fn the_data_dir_can_come_from_the_environment() {
    let env = Env::new();
    let dir = env.tmp.path().join("from-env");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_amends"));
    let out = cmd
        .arg("init")
        .env("AMENDS_DATA_DIR", &dir)
        .env("AMENDS_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("amends.db").exists());
}

#[test]
fn two_processes_writing_at_once_both_land() {
    let env = Env::with_case();
    let children: Vec<_> = (0..2)
        .map(|i| {
            env.cmd(&["journal", "add", &format!("concurrent entry {i}")])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let list = env.ok(&["journal", "list"]);
    assert!(
        list.contains("concurrent entry 0") && list.contains("concurrent entry 1"),
        "{list}"
    );
}

#[test]
fn wipe_needs_confirmation_without_a_terminal() {
    let env = Env::with_case();
    env.fails(&["wipe"], "--yes");
    assert!(env.dir().join("amends.db").exists());
    env.ok(&["wipe", "--yes"]);
    assert!(!env.dir().join("amends.db").exists());
    env.fails(&["journal", "list"], "amends init");
}

#[test]
fn an_unknown_relationship_lists_the_valid_ones() {
    let env = Env::new();
    env.ok(&["init"]);
    let out = env.run(&["case", "new", "--name", "X", "--relationship", "cousin"]);
    assert_eq!(out.status.code(), Some(64));
    assert_says(&out.stderr, "partner, spouse, friend, family");
}

#[test]
fn several_cases_need_a_case_flag() {
    let env = Env::with_case();
    env.ok(&["case", "new", "--name", "Alex", "--relationship", "friend"]);
    env.fails(&["journal", "add", "which one?"], "--case");
    env.ok(&["--case", "alex", "journal", "add", "for Alex"]);
    env.ok(&["--case", "1", "journal", "add", "for Robin"]);
    assert!(
        env.ok(&["--case", "2", "journal", "list"])
            .contains("for Alex")
    );
    assert!(
        !env.ok(&["--case", "Robin", "journal", "list"])
            .contains("for Alex")
    );
}

/// Runs amends under a pseudo-terminal (util-linux `script`), typing `input` into it, so the
/// passphrase prompts behave as they do for a person at a terminal.
fn on_a_terminal(env: &Env, args: &str, input: &str) -> std::process::Output {
    let amends = env!("CARGO_BIN_EXE_amends");
    let dir = env.dir();
    let command = format!("{amends} --data-dir {} {args}", dir.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("AMENDS_PASSPHRASE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the terminal tests");
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn init_on_a_terminal_asks_twice_and_again_when_they_differ() {
    let env = Env::new();
    let out = on_a_terminal(
        &env,
        "init",
        "first try\nsecond try\ncorrect horse\ncorrect horse\n",
    );
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert_eq!(shown.matches("New passphrase:").count(), 2, "{shown}");
    assert!(shown.contains("did not match"), "{shown}");
    assert!(shown.contains("cannot be recovered"));
    // The passphrase typed on the terminal is the one that opens the store.
    let list = env.run_with_passphrase(&["case", "list"], Some("correct horse"));
    assert!(list.status.success(), "{}", text(&list.stderr));
    let listed = on_a_terminal(&env, "case list", "correct horse\n");
    assert_says(&listed.stdout, "No cases yet");
}

#[test]
fn three_mismatched_passphrases_create_nothing() {
    let env = Env::new();
    let out = on_a_terminal(&env, "init", "a1\nb1\na2\nb2\na3\nb3\n");
    assert!(!out.status.success());
    assert_says(&out.stdout, "did not match; nothing was changed");
    assert!(!env.dir().join("amends.db").exists());
}

#[test]
fn a_journal_entry_with_self_harm_words_shows_the_crisis_lines_safe_3() {
    let env = Env::with_case();
    let out = env.run_with_stdin(&["journal", "add"], b"honestly i dont want to live anymore");
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("Samaritans") && err.contains("988"), "{err}");
    let calm = env.run(&["journal", "add", "A long walk today; I feel steadier."]);
    assert!(!text(&calm.stderr).contains("Samaritans"));
    let json: serde_json::Value = serde_json::from_slice(
        &env.run_with_stdin(
            &["--json", "journal", "add"],
            b"i dont want to be here anymore",
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(json["crisis"], true);
}

/// Issue 14, defect 4: a case named like a number, or like another case, could not be told
/// apart by `--case`; such names are refused when the case is made.
#[test]
fn case_selector_that_could_mean_two_cases_is_refused() {
    let env = Env::with_case();
    env.ok(&["case", "new", "--name", "Alex", "--relationship", "friend"]);
    for name in ["1", "2", "robin", " ALEX "] {
        let out = env.run(&["case", "new", "--name", name, "--relationship", "friend"]);
        assert!(!out.status.success(), "{name:?} was accepted");
        let err = text(&out.stderr);
        assert!(
            err.contains("digits") || err.contains("already a case named"),
            "{name:?}: {err}"
        );
    }
    let list = env.ok(&["--json", "case", "list"]);
    let cases: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(cases.as_array().unwrap().len(), 2);
    env.ok(&["--case", "2", "journal", "add", "for Alex"]);
    assert!(
        env.ok(&["--case", "alex", "journal", "list"])
            .contains("for Alex")
    );
}

/// Issue 14, defect 12: a name with an ANSI escape or a newline was printed raw, so it could
/// rewrite the terminal. New names with control characters are refused; names an older version
/// stored are shown escaped.
#[test]
fn ansi_escapes_and_newlines_in_names_are_not_printed_raw() {
    let env = Env::with_case();
    for name in ["Sam\u{1b}[2J", "Sam\nDone.", "Sam\u{202e}maS"] {
        let out = env.run(&["case", "new", "--name", name, "--relationship", "friend"]);
        assert!(!out.status.success(), "{name:?} was accepted");
        let err = text(&out.stderr);
        assert!(err.contains("control character"), "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err:?}"
        );
    }
    // Written past today's check, as an older version could have.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use amends_store::{Passphrase, SqliteStore, Store};
        let store = SqliteStore::open(&env.dir()).await.unwrap();
        let vault = store.unlock(&Passphrase::new(PASS).unwrap()).await.unwrap();
        store
            .create_case(&vault, "friend", "Kim\u{1b}[2J\nDone.")
            .await
            .unwrap();
        store.close().await;
    });
    let shown = env.ok(&["case", "list"]);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert!(shown.contains("Kim\\u{1b}[2J\\nDone."), "{shown}");
    let status = env.ok(&["--case", "2", "status"]);
    assert!(
        status.starts_with("Kim\\u{1b}[2J\\nDone. (friend)"),
        "{status}"
    );
}

/// Issue 14, defect 12: the command line had no unlock throttle, so a script could try a
/// passphrase every 0.2 s. After five wrong ones in a row each try waits, as on the web, and
/// the count holds across runs.
#[test]
fn the_cli_has_an_unlock_throttle() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::with_case();
    let guess = |pass: &str| {
        env.cmd(&["journal", "list"])
            .env("AMENDS_PASSPHRASE", pass)
            .output()
            .unwrap()
    };
    for i in 0..5 {
        let out = guess("a guess");
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("does not open"), "try {i}");
    }
    // Even the right passphrase waits now, so the wait cannot be probed for the answer.
    let out = guess(PASS);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.to_lowercase().contains("too many wrong passphrases"),
        "{err}"
    );
    // Whole seconds: the run that wrote the count may have been a second ago.
    assert!(
        err.contains("Wait 30 seconds") || err.contains("Wait 29 seconds"),
        "{err}"
    );
    let count = env.dir().join("amends.db-throttle");
    let mode = std::fs::metadata(&count).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // Once the wait is over (the clock moved on), the right passphrase opens and the count
    // starts again.
    std::fs::write(&count, "failures=5\nuntil=0\n").unwrap();
    env.ok(&["journal", "list"]);
    assert!(!count.exists());
    // Wipe takes the count with everything else.
    std::fs::write(&count, "failures=9\nuntil=99999999999\n").unwrap();
    env.ok(&["wipe", "--yes"]);
    assert!(!count.exists());
}
