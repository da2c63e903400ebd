//! The method's commands end to end: assessments, the workbook, logs, habits, promises, status
//! and the calendar, with their errors.

use crate::{Env, strings, text};

const INTAKE_TOML: &str = r#"
motives = ["put-right", "this-person"]
breakup_reason = "I broke their trust"
breakup_resolved = "unresolved"
severity = "serious"
dangerous_harm = []
harmed_by_them = []
did_harm = "yes"
commitment = 5
good_times_only = false
issues_fixed = "yes"
apologise_anyway = "yes"
earlier_attempts = "none"
no_guarantee = true
honest = true
"#;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn fails(env: &Env, args: &[&str]) -> (i32, String) {
    let out = env.run(args);
    assert!(!out.status.success(), "amends {args:?} should fail");
    (out.status.code().unwrap(), text(&out.stderr))
}

/// The command fails with exit `code` and says each of `says`; gives what it said.
fn refused(env: &Env, args: &[&str], code: i32, says: &[&str]) -> String {
    let (exit, err) = fails(env, args);
    assert_eq!(exit, code, "amends {args:?}: {err}");
    for words in says {
        assert!(
            err.contains(words),
            "amends {args:?} should say {words:?}: {err}"
        );
    }
    err
}

#[test]
fn status_json_has_the_documented_shape_and_outreach_starts_closed() {
    let env = Env::with_case();
    env.ok(&["settings", "--time-zone", "UTC"]);
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(v["phase"], "intake");
    let gates = v["gates"].as_array().unwrap();
    let ids: Vec<&str> = gates.iter().map(|g| g["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["outreach", "composer", "ask", "gestures"]);
    let outreach = &gates[0];
    assert_eq!(outreach["open"], false);
    let methods: Vec<&str> = outreach["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert!(methods.contains(&"GO-8"), "{methods:?}");
    assert!(outreach["reasons"][0]["text"].as_str().unwrap().len() > 20);
    assert!(outreach.get("opens_at").is_some());
    assert!(outreach["opens_at"].is_null());
    assert_eq!(v["no_contact"]["days"], 0);
    assert!(v["no_contact"]["longest_days"].is_i64());
    assert!(v["no_contact"]["slips"].is_array());
    let step = &v["next_steps"][0];
    assert_eq!(step["method"], "GO-1");
    assert!(step["text"].is_string());
}

/// A case whose intake was answered from a TOML file (INTAKE_TOML).
fn intake_done(env: &Env) {
    env.ready();
    let file = env.tmp.path().join("intake.toml");
    std::fs::write(&file, INTAKE_TOML).unwrap();
    env.ok(&["assess", "intake", "--from", file.to_str().unwrap()]);
}

#[test]
fn intake_from_a_toml_file_workbook_from_arguments_and_the_plan_moves_on() {
    let env = Env::new();
    intake_done(&env);
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(v["phase"], "workbook");
    assert_eq!(v["path"], "harm");
    env.ok(&[
        "workbook",
        "act",
        "act=I read your messages without asking",
        "impact=You stopped feeling safe with your own phone",
        "feelings=betrayed",
        "feelings=watched",
        "their_shoes=I would feel spied on",
    ]);
    env.ok(&["workbook", "loss", "text=Two years of trust"]);
    env.ok(&[
        "workbook",
        "why",
        "chain=I was jealous",
        "chain=I was afraid of being left",
    ]);
    env.ok(&["workbook", "again", "answer=no"]);
    env.ok(&["workbook", "respect", "answer=yes"]);
    env.ok(&[
        "workbook",
        "prevention",
        "behaviour=jealousy",
        "plan=therapy",
    ]);
    let left = env.ok(&["workbook"]);
    assert!(left.contains("DMG-10"), "{left}");
    env.ok(&["workbook", "failures", "text=I broke your trust"]);
    assert!(env.ok(&["workbook"]).contains("complete"));
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(v["phase"], "no-contact");
    assert_eq!(
        v["gates"][1]["open"], true,
        "drafting opens with the workbook"
    );
}

/// A workbook row is changed with `--correct`: the listing shows ids, the same checks apply,
/// the section must match, and the listing then shows only the new version.
#[test]
fn a_workbook_row_is_corrected_by_its_id() {
    let env = Env::new();
    intake_done(&env);
    let v = json(&env.ok(&["--json", "workbook", "loss", "text=Two years of trust"]));
    let id = v["id"].as_str().unwrap().to_string();
    let listed = env.ok(&["workbook"]);
    assert!(
        listed.contains(&id) && listed.contains("Two years of trust"),
        "{listed}"
    );

    env.fails(
        &["workbook", "why", "--correct", &id, "chain=a", "chain=b"],
        "\"loss\"",
    );
    let v = json(&env.ok(&[
        "--json",
        "workbook",
        "loss",
        "--correct",
        &id,
        "text=Two years of trust, and the flat we were saving for",
    ]));
    assert_eq!(v["corrects"], id.as_str());
    let listed = env.ok(&["workbook"]);
    assert!(listed.contains("the flat we were saving for"), "{listed}");
    assert!(
        !listed.contains(&format!("{id} ")),
        "the old version is not listed: {listed}"
    );
    // Correcting the old version again is refused.
    env.fails(
        &["workbook", "loss", "--correct", &id, "text=again"],
        "correct",
    );
}

#[test]
fn bad_answers_are_refused_with_what_to_do_and_nothing_is_stored() {
    let env = Env::with_case();
    refused(
        &env,
        &["assess", "intake", "commitment=9"],
        1,
        &["commitment", "motives: missing"],
    );
    let act = [
        "workbook",
        "act",
        "act=everything",
        "impact=x",
        "feelings=x",
        "their_shoes=x",
    ];
    env.fails(&act, "DMG-1");
    env.fails(&["workbook", "why", "chain=only one level"], "at least 2");
    // With no terminal and no answers, it says how to give them.
    env.fails(&["assess", "walkaway"], "--from FILE");
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(v["phase"], "intake");
}

#[test]
fn unknown_signals_and_channels_list_the_valid_ones() {
    let env = Env::with_case();
    for (args, listed) in [
        (
            &["log", "signal", "ghosted"][..],
            &["asked-for-space", "agreed-to-check-ins"][..],
        ),
        (
            &["log", "contact", "--dir", "out", "--channel", "pigeon"],
            &["text, call, email, social, in-person, gift"],
        ),
        (
            &["log", "contact", "--dir", "sideways", "--channel", "text"],
            &["out, in"],
        ),
    ] {
        refused(&env, args, 64, listed);
    }
}

#[test]
fn absurd_values_and_future_times_are_refused() {
    let env = Env::with_case();
    refused(&env, &["habit", "sleep", "30"], 1, &["0 to 20"]);
    for (args, says) in [
        (&["habit", "exercise", "-10"][..], "not believable"),
        (&["gesture", "add", "flowers", "--cost", "-5"], "-5"),
        (
            &["log", "signal", "warm-reply", "--at", "2999-01-01"],
            "future",
        ),
        (
            &["log", "urge", "--intensity", "0", "--instead", "walked"],
            "1 (faint) to 10",
        ),
        (&["habit", "sleep", "lots"], "not a number"),
    ] {
        let (_, err) = fails(&env, args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(
        v["self_work"]["last_7"]["sleep"]["nights"], 0,
        "nothing was stored"
    );
}

/// Issue 13: a refusal by a rule of the method exits 3, told apart from input to fix (1).
#[test]
fn a_promise_under_a_final_no_is_refused_with_exit_code_3() {
    let env = Env::with_case();
    env.ok(&["log", "signal", "asked-no-contact"]);
    refused(&env, &["promise", "add", "Call on Sunday"], 3, &["SAFE-1"]);
}

#[test]
fn unknown_promise_ids_are_reported() {
    let env = Env::with_case();
    env.fails(
        &["promise", "kept", "no-such-id"],
        "no promise with id \"no-such-id\"",
    );
    let v = json(&env.ok(&[
        "--json",
        "promise",
        "add",
        "Call on Sunday",
        "--due",
        "2999-01-01",
    ]));
    let id = v["id"].as_str().unwrap().to_string();
    env.ok(&["promise", "kept", &id]);
    let list = json(&env.ok(&["--json", "promise", "list"]));
    assert_eq!(list["reliability_pct"], 100);
    assert_eq!(list["max_open"], 3);
    let human = env.ok(&["promise", "list"]);
    assert!(human.contains("[kept]"), "{human}");
}

#[test]
fn a_contact_while_outreach_is_closed_is_recorded_and_answered_with_the_reasons() {
    let env = Env::with_case();
    let out = env.ok(&[
        "log",
        "contact",
        "--dir",
        "out",
        "--channel",
        "social",
        "--note",
        "liked a photo",
        "--at",
        "yesterday",
    ]);
    assert!(out.contains("Outreach was closed"), "{out}");
    assert!(out.contains("GO-8"), "{out}");
    assert!(!out.to_lowercase().contains("reach out"), "{out}");
    let v = json(&env.ok(&["--json", "log", "slip", "checked-profile"]));
    assert_eq!(v["slip"], true);
    let status = json(&env.ok(&["--json", "status"]));
    let slips = status["no_contact"]["slips"].as_array().unwrap();
    assert_eq!(slips.len(), 2, "a slip is never hidden");
    assert_eq!(slips[0]["what"], "social");
    assert_eq!(slips[1]["what"], "checked-profile");
}

#[test]
fn a_no_locks_outreach_and_the_status_says_why_without_a_date() {
    let env = Env::with_case();
    let out = env.ok(&["log", "signal", "asked-no-contact"]);
    assert!(out.contains("SAFE-1"), "{out}");
    let v = json(&env.ok(&["--json", "status"]));
    let outreach = &v["gates"][0];
    assert_eq!(outreach["open"], false);
    assert!(outreach["opens_at"].is_null());
    assert!(v["walk_away"]["suggested"].as_bool().unwrap());
    let human = env.ok(&["status"]);
    assert!(human.contains("No date"), "{human}");
    for banned in ["reach out", "time to contact", "text them"] {
        assert!(!human.to_lowercase().contains(banned), "{banned}: {human}");
    }
}

#[test]
fn status_at_an_earlier_moment_ignores_what_came_later() {
    let env = Env::with_case();
    env.ok(&["settings", "--time-zone", "UTC"]);
    env.ok(&["log", "signal", "blocked", "--at", "2024-03-01"]);
    let then = json(&env.ok(&["--json", "status", "--at", "2024-02-01"]));
    let now = json(&env.ok(&["--json", "status"]));
    let has_safe1 = |v: &serde_json::Value| {
        v["gates"][0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["method"] == "SAFE-1")
    };
    assert!(!has_safe1(&then));
    assert!(has_safe1(&now));
}

#[test]
fn the_calendar_is_written_privately_and_holds_no_reach_out_reminder() {
    let env = Env::with_case();
    env.ok(&["settings", "--remind", "sleep"]);
    env.ok(&["log", "signal", "agreed-to-check-ins"]);
    env.ok(&["checkin", "--note", "went well"]);
    let path = env.tmp.path().join("amends.ics");
    let out = env.run(&["calendar", "--output", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ics = std::fs::read_to_string(&path).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=DAILY"));
    assert!(ics.contains("check-in"));
    assert!(!ics.to_lowercase().contains("reach out"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    env.fails(
        &["calendar", "--output", path.to_str().unwrap()],
        "already exists",
    );
}

#[test]
fn check_ins_need_their_agreement_and_amends_keep_their_bounds() {
    let env = Env::with_case();
    refused(&env, &["checkin"], 1, &["TR-5"]);
    let v = json(&env.ok(&[
        "--json",
        "amends",
        "add",
        "Pay for the broken window",
        "--not-affordable",
    ]));
    let id = v["id"].as_str().unwrap().to_string();
    let list = json(&env.ok(&["--json", "amends", "list"]));
    assert_eq!(list[0]["within_bounds"], false);
    env.ok(&["amends", "done", &id]);
    env.fails(&["amends", "done", "nope"], "no amends item");
    let human = env.ok(&["habit", "step", "first anger-management class"]);
    assert!(human.contains("Logged (habit)"), "{human}");
}

#[test]
fn questions_are_listed_from_the_shared_definitions() {
    let env = Env::new();
    let v = json(&env.ok(&["--json", "assess", "intake", "--questions"]));
    let ids = strings(&v["questions"], "id");
    assert!(
        ids.contains(&"motives") && ids.contains(&"dangerous_harm"),
        "{ids:?}"
    );
    assert_eq!(v["questions"][0]["method"], "GO-1");
}

#[test]
fn their_questions_are_logged_and_answered_ls_1() {
    let env = Env::with_case();
    let logged = json(&env.ok(&[
        "--json",
        "log",
        "question",
        "Why did you lie about the weekend?",
    ]));
    let id = logged["id"].as_str().unwrap().to_string();
    assert_eq!(
        json(&env.ok(&["--json", "status"]))["unanswered_questions"],
        1
    );
    env.ok(&["log", "answered", &id]);
    assert_eq!(
        json(&env.ok(&["--json", "status"]))["unanswered_questions"],
        0
    );
    refused(
        &env,
        &["log", "answered", "no-such-question"],
        1,
        &["no question with id"],
    );
}

/// Issue 14, defect 3: `--at today` showed the plan of 9999-12-29 with a 2,912,100-day
/// no-contact count, and `--at yesterday` could fail with "timestamp overflowed".
#[test]
fn status_at_today_or_yesterday_is_about_this_week() {
    let env = Env::with_case();
    env.ok(&["settings", "--time-zone", "Pacific/Kiritimati"]);
    let today = json(&env.ok(&["--json", "status"]));
    for at in ["today", "yesterday", "Today", " yesterday "] {
        let v = json(&env.ok(&["--json", "status", "--at", at]));
        let days = v["no_contact"]["days"].as_i64().unwrap();
        assert!(days <= 1, "--at {at:?}: {days} days");
        assert_eq!(v["phase"], today["phase"], "--at {at:?}");
    }
}

/// Issue 14, defect 12: an answer naming no question (a typo, a made-up field) was dropped
/// silently, from a file and from the arguments alike; it is refused with the question list.
#[test]
fn unknown_answer_fields_are_refused() {
    let env = Env::with_case();
    let file = env.tmp.path().join("intake.toml");
    std::fs::write(&file, format!("{INTAKE_TOML}\nhonnest = true\n")).unwrap();
    let from_file = ["assess", "intake", "--from", file.to_str().unwrap()];
    refused(&env, &from_file, 1, &["honnest: there is no such question"]);
    let v = json(&env.ok(&["--json", "status"]));
    assert_eq!(v["intake_done"], false, "nothing was stored");
}

/// The ids of the arguments clap reads for `T`, and the fields of `T`'s JSON schema (what the
/// API reads), each sorted.
fn arg_and_field_names<T: clap::Args + schemars::JsonSchema>() -> (Vec<String>, Vec<String>) {
    let cli = T::augment_args(clap::Command::new("amends"));
    let mut args: Vec<String> = cli
        .get_arguments()
        .map(|a| a.get_id().as_str().to_string())
        .collect();
    let schema = schemars::schema_for!(T);
    let mut fields: Vec<String> = schema.as_value()["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    args.sort();
    fields.sort();
    (args, fields)
}

/// Issue 13: the log commands, `checkin`, `gesture add` and `promise add` take the app's typed
/// commands as their arguments, so each field the API accepts for one is an option or argument
/// of the command line, by the same name, and nothing else is.
#[test]
fn log_arguments_are_the_fields_of_the_api_commands() {
    use amends_app::command::{
        AddPromise, CheckIn, LogContact, LogGesture, LogInvitation, LogNeed, LogPassive, LogSignal,
        LogSlip, LogUrge,
    };
    for (command, (args, fields)) in [
        ("log contact", arg_and_field_names::<LogContact>()),
        ("log signal", arg_and_field_names::<LogSignal>()),
        ("log passive", arg_and_field_names::<LogPassive>()),
        ("log invitation", arg_and_field_names::<LogInvitation>()),
        ("log urge", arg_and_field_names::<LogUrge>()),
        ("log slip", arg_and_field_names::<LogSlip>()),
        ("log need", arg_and_field_names::<LogNeed>()),
        ("checkin", arg_and_field_names::<CheckIn>()),
        ("gesture add", arg_and_field_names::<LogGesture>()),
        ("promise add", arg_and_field_names::<AddPromise>()),
    ] {
        assert_eq!(args, fields, "{command}");
        assert!(args.contains(&"at".to_string()), "{command} takes --at");
    }
}

/// Issue 13: `settings` takes the targets as the settings type the API takes: each of its
/// fields is an option, but the reminders, which are `--remind` and `--no-reminders`.
#[test]
fn settings_options_are_the_fields_of_the_api_settings() {
    let (args, mut fields) = arg_and_field_names::<amends_core::Settings>();
    fields.retain(|f| f != "reminders");
    assert_eq!(args, fields);
    let help = Env::new().ok(&["settings", "--help"]);
    for option in [
        "--exercise-per-week",
        "--gesture-cost-limit",
        "--remind",
        "--no-reminders",
    ] {
        assert!(help.contains(option), "{option} missing from: {help}");
    }
}

/// `amends --json settings` lacked the zone's source that the API and the settings page give
/// (issue 13's leftover): it printed its own object, so a damaged saved zone reached a script
/// only as a warning on stderr. It prints the app's settings state now.
#[test]
fn settings_json_says_where_the_time_zone_came_from() {
    let env = Env::with_case();
    let before = json(&env.ok(&["--json", "settings"]));
    assert_eq!(before["time_zone_source"], "system", "{before}");
    assert_eq!(before["changed"], false, "{before}");
    let set = json(&env.ok(&["--json", "settings", "--time-zone", "Europe/Lisbon"]));
    assert_eq!(set["changed"], true, "{set}");
    assert_eq!(set["time_zone"], "Europe/Lisbon", "{set}");
    assert_eq!(set["time_zone_source"], "saved", "{set}");
    assert!(set["reminders"].is_array(), "{set}");
    // Bytes that no longer open where the sealed zone was: the script is told on stdout too.
    let garbage = "UPDATE settings SET value = x'00112233445566778899aabbccddeeff' WHERE key = ?";
    crate::hardening::tamper(&env.dir(), garbage, "time_zone");
    let damaged = json(&env.ok(&["--json", "settings"]));
    assert_eq!(damaged["time_zone_source"], "unusable", "{damaged}");
    assert_eq!(damaged["changed"], false, "{damaged}");
}
