//! `amends man` and `amends completions`: generated from the clap definitions, so they cover
//! every command the binary has (issue 13).

use std::process::Command;

use crate::Env;

/// The subcommands `amends --help` lists, read from its "Commands:" section.
fn subcommands(env: &Env) -> Vec<String> {
    let out = env.run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A long description wraps onto lines indented further ("keys warning_signs, ...").
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(names.len() > 15, "{help}");
    names
}

/// The page with roff's escaped hyphens turned back into plain ones.
fn man_page(env: &Env) -> String {
    let out = env.run(&["man"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().replace("\\-", "-")
}

#[test]
fn the_man_page_mentions_every_subcommand() {
    let env = Env::new();
    let page = man_page(&env);
    assert!(
        page.starts_with(".ie") || page.contains(".TH amends 1"),
        "{page}"
    );
    for name in subcommands(&env) {
        assert!(
            page.contains(&format!("amends-{name}(1)")),
            "the man page leaves out `amends {name}`"
        );
    }
    // The environment variables of the after-help are documented too.
    assert!(page.contains("AMENDS_PASSPHRASE"));
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let env = Env::new();
    let dir = env.tmp.path().join("man1");
    let out = env.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("amends.1").is_file());
    for name in subcommands(&env).iter().filter(|n| *n != "help") {
        assert!(
            dir.join(format!("amends-{name}.1")).is_file(),
            "no page for `amends {name}`"
        );
    }
    // Nested commands get their own pages too.
    assert!(dir.join("amends-case-new.1").is_file());
    // Nothing is written to a data folder.
    assert!(!env.dir().exists());
}

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    let env = Env::new();
    let names = subcommands(&env);
    for shell in ["bash", "zsh", "fish"] {
        let out = env.run(&["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("amends"), "{shell}");
        for name in names.iter().filter(|n| *n != "help") {
            assert!(script.contains(name.as_str()), "{shell} leaves out {name}");
        }
        // A shell that is installed must at least parse its script.
        let (bin, flag) = match shell {
            "bash" => ("bash", "-n"),
            "zsh" => ("zsh", "-n"),
            _ => ("fish", "--no-execute"),
        };
        if let Ok(mut child) = Command::new(bin)
            .arg(flag)
            .stdin(std::process::Stdio::piped())
            .spawn()
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success(), "{bin} rejects its script");
        }
    }
    let bad = env.run(&["completions", "tcsh"]);
    assert_eq!(
        bad.status.code(),
        Some(64),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_and_completions_stay_out_of_the_help() {
    let env = Env::new();
    let names = subcommands(&env);
    assert!(!names.iter().any(|n| n == "man" || n == "completions"));
}
