//! The questionnaires, the workbook and the moving-on screen, in process: forms posted the way a
//! browser posts them (repeated names for ticked boxes, textareas with line breaks).

use amends_core::{GateId, Plan, guidance};
use axum::http::StatusCode;

use crate::{Client, Resp};

/// A complete, honest intake on the harm path, as the browser sends it. Unticked boxes and
/// blank optional fields are simply absent, as they are from a real form.
const INTAKE: &[(&str, &str)] = &[
    ("motives", "put-right"),
    ("motives", "this-person"),
    ("breakup_reason", "I lied about where I was that weekend"),
    ("breakup_resolved", "unresolved"),
    ("severity", "serious"),
    ("did_harm", "yes"),
    ("commitment", "4"),
    ("good_times_only", "no"),
    ("issues_fixed", "unsure"),
    ("apologise_anyway", "yes"),
    ("earlier_attempts", "none"),
    ("last_contact", "2024-01-15"),
    ("no_guarantee", "yes"),
    ("honest", "yes"),
    ("fond_memories", "Sunday walks by the river"),
];

fn with(
    base: &[(&'static str, &'static str)],
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    base.iter().chain(extra).copied().collect()
}

fn without(
    base: &[(&'static str, &'static str)],
    names: &[&str],
) -> Vec<(&'static str, &'static str)> {
    base.iter()
        .filter(|(k, _)| !names.contains(k))
        .copied()
        .collect()
}

async fn plan(c: &Client) -> Plan {
    let (app, case_id) = {
        let guard = c.state.session.lock().await;
        let s = guard.as_ref().expect("unlocked");
        (s.app.clone(), s.case_id.clone())
    };
    let case = app.case(case_id.as_deref()).await.unwrap();
    app.plan(&case, jiff::Timestamp::now()).await.unwrap()
}

/// A new case whose intake was sent as `fields`, and the answer to it.
async fn intake(fields: &[(&str, &str)]) -> (Client, Resp) {
    let mut c = Client::with_case().await;
    let r = c.post("/assess/intake", fields).await;
    (c, r)
}

async fn after_intake() -> Client {
    let (c, r) = intake(INTAKE).await;
    r.status_is(StatusCode::SEE_OTHER);
    c
}

const ACT: &[(&str, &str)] = &[
    ("act", "I read your messages without asking"),
    (
        "impact",
        "You stopped feeling safe keeping anything private",
    ),
    ("feelings", "betrayed\r\nwatched\r\n\r\n  small  "),
    (
        "their_shoes",
        "I would feel spied on and foolish for trusting",
    ),
    ("times", "3"),
];

#[tokio::test]
async fn the_intake_renders_every_answer_type_as_its_own_control() {
    let mut c = Client::with_case().await;
    let r = c.get("/assess/intake").await;
    r.status_is(StatusCode::OK);
    // Multi: checkboxes in a fieldset with a legend, the METHOD id shown.
    r.has_all(&[
        r#"<fieldset id="intake-motives""#,
        r#"type="checkbox" id="intake-motives-put-right" name="motives" value="put-right""#,
        "<legend>Why do you want to make this right?",
        r#"<span class="method">GO-1</span>"#,
    ]);
    // Help text is tied to its control.
    r.has_all(&[
        r#"aria-describedby="intake-motives-help""#,
        r#"id="intake-motives-help""#,
    ]);
    // Choice and yes/no: radios. Likert: five radios with labelled ends.
    r.has_all(&[
        r#"type="radio" id="intake-severity-minor" name="severity" value="minor""#,
        r#"id="intake-good_times_only-yes" name="good_times_only" value="yes""#,
        r#"id="intake-commitment-5" name="commitment" value="5""#,
        ">1, not at all</label>",
        ">5, completely</label>",
    ]);
    // Text, date, and the required acknowledgement.
    r.has_all(&[
        r#"<textarea id="intake-breakup_reason" name="breakup_reason""#,
        r#"<input type="date" id="intake-last_contact" name="last_contact""#,
        r#"<input type="checkbox" id="intake-honest" name="honest" value="yes" required"#,
    ]);
    // A conditional question says when it applies and does not block the form.
    r.has_all(&[
        "Only if you answered \u{201c}No\u{201d} to \u{201c}Did you genuinely hurt them?\u{201d}",
        r#"data-when="did_harm" data-when-is="no unsure""#,
    ])
    .lacks(r#"name="nofault_cause" rows="3" required"#);
    // Every form carries the CSRF token; the nav leads here.
    r.has_all(&[
        &format!(r#"name="_csrf" value="{}""#, c.csrf()),
        r#"href="/assess/intake" aria-current="page""#,
        r#"href="/workbook""#,
        r#"href="/moving-on""#,
    ]);
}

#[tokio::test]
async fn intake_round_trip_saves_says_what_changed_and_prefills() {
    let mut c = Client::with_case().await;
    assert!(!plan(&c).await.intake_done);
    // Today's next step leads to the form.
    c.get("/").await.has(r#"<a href="/assess/intake">"#);
    let r = c.submit("/assess/intake", INTAKE).await;
    assert_eq!(r.location(), "/assess/intake/saved");
    c.get(r.location())
        .await
        .status_is(StatusCode::OK)
        .has_all(&["Next: the workbook", r#"href="/workbook""#, "Phase 1"]);

    let p = plan(&c).await;
    assert!(p.intake_done);
    assert!(!p.safety.stop);
    // ...and now to the workbook section that is missing.
    c.get("/").await.has(r##"<a href="/workbook#wb-act">"##);

    // The answers come back filled in: ticked boxes, chosen radios, text, date, number.
    c.get("/assess/intake")
        .await
        .has_all(&[
            "You last answered on",
            r#"value="put-right" checked"#,
            r#"value="this-person" checked"#,
        ])
        .lacks(r#"value="loneliness" checked"#)
        .has_all(&[
            r#"name="severity" value="serious" checked"#,
            r#"name="good_times_only" value="no" checked"#,
            r#"name="commitment" value="4" checked"#,
            ">I lied about where I was that weekend</textarea>",
            r#"value="2024-01-15""#,
            r#"name="honest" value="yes" checked"#,
        ]);
}

#[tokio::test]
async fn a_missing_answer_names_the_question_and_keeps_the_rest() {
    let (c, r) = intake(&without(INTAKE, &["breakup_reason", "honest"])).await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY)
        .has("Some answers need another look");
    // The summary links to the question by its prompt, and the problem sits next to it.
    r.has_all(&[
        r##"<a href="#intake-breakup_reason">In a few words, what really ended things"##,
        r#"<p class="field-error" id="intake-breakup_reason-error">Missing an answer"#,
        r#"id="intake-honest-error">Missing an answer"#,
        r#"aria-describedby="intake-breakup_reason-error" aria-invalid="true""#,
    ]);
    // Everything else is still there.
    r.has_all(&[
        r#"value="put-right" checked"#,
        r#"name="severity" value="serious" checked"#,
        ">Sunday walks by the river</textarea>",
        r#"name="no_guarantee" value="yes" checked"#,
    ]);
    // Nothing was saved.
    assert!(!plan(&c).await.intake_done);
}

#[tokio::test]
async fn a_bad_number_is_named_next_to_its_question() {
    let mut fields = without(INTAKE, &["commitment"]);
    fields.push(("commitment", "7"));
    let (_, r) = intake(&fields).await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY).has(
        r#"id="intake-commitment-error">Answer with a whole number from 1 (not at all) to 5 (completely)"#,
    );
}

#[tokio::test]
async fn a_safe_2_answer_closes_contact_for_good_and_says_why() {
    let (mut c, r) = intake(&with(INTAKE, &[("dangerous_harm", "threats")])).await;
    r.status_is(StatusCode::SEE_OTHER);
    let done = c.get(r.location()).await;
    done.has_all(&[
        "Help with contacting them is off, for good",
        "SAFE-2",
        r#"href="/help#change-title""#,
    ]);
    // The method's next step is not offered as if nothing happened.
    done.lacks("Next: the workbook");

    let p = plan(&c).await;
    assert!(p.safety.stop);
    for gate in [
        GateId::Outreach,
        GateId::Composer,
        GateId::Ask,
        GateId::Gestures,
    ] {
        assert!(!p.gate(gate).open, "{gate:?}");
    }
    c.get("/").await.has("Reaching out is off for good");

    // Answering again without it changes nothing: the stop is sticky.
    c.post("/assess/intake", INTAKE).await;
    assert!(plan(&c).await.safety.stop);
    c.get("/workbook").await.has("Contact help is off for good");
}

/// SAFE-2: the composer stays off for that person, and that means no practice drafts either.
/// Text that arrives anyway is handed back, unsaved, with a way to keep it in the journal.
#[tokio::test]
async fn after_a_safe_2_answer_the_composer_is_off_practice_included() {
    let (mut c, r) = intake(&with(INTAKE, &[("dangerous_harm", "threats")])).await;
    r.status_is(StatusCode::SEE_OTHER);

    let page = c.get("/composer").await;
    page.status_is(StatusCode::OK).has_all(&[
        "Messages to them are off",
        "SAFE-2",
        r#"href="/journal""#,
    ]);
    assert!(!page.body.contains(r#"id="composer-form""#), "no editor");

    let words = "I only want to explain myself one more time";
    let r = c
        .post("/composer", &[("kind", "apology"), ("text", words)])
        .await;
    r.status_is(StatusCode::CONFLICT)
        .has("Drafts to them are off");
    assert!(r.body.contains(words), "the text is handed back");
    r.has("Keep it in my journal");
    assert!(
        !r.body.contains(r#"id="coach""#),
        "no coaching of a message to them"
    );

    c.post("/composer/live", &[("kind", "apology"), ("text", words)])
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY);
    c.api_put(
        "/api/v1/drafts/apology",
        serde_json::json!({ "text": words }),
    )
    .await
    .status_is(StatusCode::CONFLICT);
    assert!(
        !c.get("/composer").await.body.contains(words),
        "nothing saved"
    );

    // The journal takes the words.
    c.submit("/journal", &[("text", words)]).await;
}

#[tokio::test]
async fn a_safe_8_answer_offers_support_instead() {
    let (mut c, r) = intake(&with(
        INTAKE,
        &[("harmed_by_them", "fear"), ("harmed_by_them", "threats")],
    ))
    .await;
    r.status_is(StatusCode::SEE_OTHER);
    c.get(r.location()).await.has_all(&[
        "Support for you",
        r#"href="/help#support-title""#,
        "not your fault",
    ]);
    assert!(plan(&c).await.safety.user_harmed);
}

#[tokio::test]
async fn unknown_questionnaires_and_sections_list_the_real_ones() {
    let mut c = Client::with_case().await;
    let r = c.get("/assess/nope").await;
    r.status_is(StatusCode::NOT_FOUND);
    for slug in ["intake", "walkaway", "readiness", "reflection", "review"] {
        assert!(
            r.body.contains(&format!(r#"href="/assess/{slug}""#)),
            "{slug}"
        );
    }
    c.get("/assess/review").await.status_is(StatusCode::OK);
    c.get("/assess/conversation-review")
        .await
        .status_is(StatusCode::OK);
    c.post("/workbook/nope", &[("text", "x")])
        .await
        .status_is(StatusCode::NOT_FOUND)
        .has("act, loss, why");
}

#[tokio::test]
async fn the_workbook_waits_for_the_intake_go_8() {
    let mut c = Client::with_case().await;
    c.get("/workbook")
        .await
        .status_is(StatusCode::OK)
        .has_all(&["The intake comes first", "GO-8"])
        .lacks(r#"action="/workbook/act""#);
}

#[tokio::test]
async fn a_vague_act_is_refused_with_the_dmg_1_message_next_to_it() {
    let mut c = after_intake().await;
    let mut fields = without(ACT, &["act"]);
    fields.push(("act", "everything"));
    let r = c.post("/workbook/act", &fields).await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY);
    let b = &r.body;
    assert!(
        b.contains(r#"<p class="field-error" id="wb-act-act-error">"#),
        "{b}"
    );
    let at = b.find(r#"id="wb-act-act-error">"#).unwrap();
    assert!(
        b[at..].starts_with(
            r#"id="wb-act-act-error">&#34;everything&#34; is too vague to work with (DMG-1)"#
        ),
        "{}",
        &b[at..at + 200]
    );
    // What was typed stays, and the form is open.
    assert!(b.contains(">You stopped feeling safe keeping anything private</textarea>"));
    assert!(b.contains(">betrayed\nwatched\nsmall</textarea>"), "{b}");
    assert!(b.contains(r#"<details class="wb-form" open>"#));
    assert_eq!(plan(&c).await.workbook.acts, 0);
}

#[tokio::test]
async fn the_why_chain_needs_two_levels_dmg_6() {
    let mut c = after_intake().await;
    let r = c
        .post("/workbook/why", &[("chain", "I wanted attention")])
        .await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(r#"id="wb-why-chain-error">Give at least 2 item(s), one per line"#)
            || r.body
                .contains(r#"id="wb-why-chain-error">Go at least two levels deep"#),
        "{}",
        r.body
    );
    r.has(">I wanted attention</textarea>");
    let r = c
        .submit(
            "/workbook/why",
            &[
                ("act", "reading the messages"),
                (
                    "chain",
                    "I wanted to be sure of you\nI was afraid of being left",
                ),
            ],
        )
        .await;
    assert_eq!(r.location(), "/workbook?saved=why#wb-why");
    c.get("/workbook?saved=why").await.has_all(&["Saved to \u{201c}Why I did it\u{201d}.", r#"<ol class="chain"><li>I wanted to be sure of you</li><li>I was afraid of being left</li></ol>"#]);
}

#[tokio::test]
async fn workbook_progress_follows_the_sections_written() {
    let mut c = after_intake().await;
    let wb = c.get("/workbook").await;
    for (method, section) in [
        ("DMG-1", "act"),
        ("DMG-6", "why"),
        ("DMG-9", "prevention"),
        ("DMG-10", "failures"),
    ] {
        assert!(
            wb.body.contains(&format!(r##"<a href="#wb-{section}">"##)),
            "{section}"
        );
        assert!(wb.body.contains(method), "{method}");
    }
    wb.has(r##"<li class="status-missing"><a href="#wb-act">"##);

    c.submit("/workbook/act", ACT).await;
    let wb = c.get("/workbook").await;
    wb.has(r##"<li class="status-done"><a href="#wb-act">"##);
    // The row reads act, impact, feelings (one per line), in their shoes.
    let b = &wb.body;
    let order = [
        "I read your messages without asking",
        "You stopped feeling safe",
        "<li>betrayed</li><li>watched</li><li>small</li>",
        "I would feel spied on",
    ];
    let mut at = 0;
    for o in order {
        let i = b[at..]
            .find(o)
            .unwrap_or_else(|| panic!("{o} missing or out of order"));
        at += i;
    }
    let p = plan(&c).await;
    assert!(!p.workbook.missing.iter().any(|g| g.section == "act"));
    assert!(!p.workbook.done);

    for (section, fields) in [
        (
            "loss",
            vec![("text", "Three years of plans and their trust in me")],
        ),
        (
            "why",
            vec![("chain", "I wanted certainty\nI was afraid of being left")],
        ),
        (
            "again",
            vec![("answer", "unsure"), ("note", "Only if I stop the therapy")],
        ),
        ("respect", vec![("answer", "yes")]),
        (
            "prevention",
            vec![
                ("behaviour", "Checking up on them"),
                ("plan", "Say the worry out loud at our weekly talk"),
                ("habit", "yes"),
            ],
        ),
        (
            "failures",
            vec![("text", "I broke the trust they gave me on purpose")],
        ),
    ] {
        let r = c.post(&format!("/workbook/{section}"), &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{section}: {}", r.body);
    }
    let p = plan(&c).await;
    assert!(p.workbook.done, "{:?}", p.workbook.missing);
    c.get("/workbook").await.has_all(&[
        "The workbook is complete, with 1 act written.",
        "Tracked as a habit.",
    ]);
}

#[tokio::test]
async fn a_prevention_plan_can_become_a_habit() {
    let mut c = after_intake().await;
    c.submit(
        "/workbook/prevention",
        &[
            ("behaviour", "Snapping when tired"),
            ("plan", "Walk away for ten minutes first"),
        ],
    )
    .await;
    let p = plan(&c).await;
    assert_eq!(p.self_work.prevention.len(), 1);
    assert!(!p.self_work.prevention[0].tracked);
    c.get("/workbook").await.has("Track it as a habit");
    let id = p.self_work.prevention[0].id.clone();
    c.submit("/workbook/habit", &[("id", id.as_str()), ("track", "yes")])
        .await;
    let p = plan(&c).await;
    assert_eq!(p.self_work.prevention.len(), 1, "corrected, not duplicated");
    assert!(p.self_work.prevention[0].tracked);
    assert_eq!(p.self_work.prevention[0].behaviour, "Snapping when tired");
    c.post("/workbook/habit", &[("id", "no-such-plan")])
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn their_part_is_shown_only_on_the_workbook_and_never_exported() {
    let mut c = after_intake().await;
    let secret = "THEIR-PART-they shut me out for weeks";
    c.submit("/workbook/their-part", &[("text", secret)]).await;
    c.get("/workbook")
        .await
        .has_all(&[secret, "Private, for you alone.", "never exported"]);
    for format in ["json", "markdown"] {
        let export = c.get(&format!("/settings/export?format={format}")).await;
        assert_eq!(export.status, StatusCode::OK, "{format}");
        assert!(
            !export.body.contains("THEIR-PART"),
            "{format}: {}",
            export.body
        );
    }
    c.get("/settings/export?format=json")
        .await
        .has("\"withheld_private_notes\": 1");
}

#[tokio::test]
async fn user_text_is_escaped_everywhere_it_comes_back() {
    let mut c = after_intake().await;
    let evil = "<script>alert(1)</script>";
    let mut fields = without(ACT, &["act"]);
    fields.push(("act", "I shouted <script>alert(1)</script> at you"));
    c.submit("/workbook/act", &fields).await;
    c.get("/workbook")
        .await
        .lacks(evil)
        .has("I shouted &#60;script&#62;alert(1)&#60;/script&#62; at you");
    // A form sent back with a problem escapes what was typed, too.
    c.post(
        "/assess/intake",
        &[("breakup_reason", "\"><script>alert(2)</script>")],
    )
    .await
    .status_is(StatusCode::UNPROCESSABLE_ENTITY)
    .lacks("<script>alert(2)")
    .has("&#34;&#62;&#60;script&#62;alert(2)");
}

#[tokio::test]
async fn moving_on_shows_the_cards_the_reflection_and_the_framing() {
    let mut c = after_intake().await;
    let r = c.get("/moving-on").await;
    r.status_is(StatusCode::OK).has("complete, good outcome");
    for id in ["MO-1", "MO-5", "MO-6"] {
        let card = guidance::card_for(id).unwrap();
        assert!(r.body.contains(card.text), "{id}");
    }
    r.has_all(&[
        r#"action="/assess/reflection""#,
        r#"href="/journal""#,
        r#"href="/self-work""#,
        "MO-2",
        "MO-3",
    ]);

    let r = c
        .submit(
            "/assess/reflection",
            &[
                ("gave", "Courage to say what I feel"),
                ("cost", "Two years of worrying"),
                ("taught", "To ask instead of checking"),
            ],
        )
        .await;
    c.get(r.location()).await.has("Kept for you alone");
    assert!(plan(&c).await.move_on.reflection_done);
    c.get("/moving-on")
        .await
        .has("To ask instead of checking")
        .lacks(r#"action="/assess/reflection""#);
}

#[tokio::test]
async fn the_walk_away_assessment_leads_to_moving_on() {
    let mut c = after_intake().await;
    c.get("/assess/walkaway").await.status_is(StatusCode::OK);
    let fields = [
        ("they_communicate", "no"),
        ("still_angry", "unsure"),
        ("moved_on", "yes"),
        ("unwelcome", "unsure"),
        ("life_changes", "no"),
        ("their_answer", "declined"),
        ("understand", "yes"),
        ("decision", "move-on"),
    ];
    let r = c.submit("/assess/walkaway", &fields).await;
    c.get(r.location())
        .await
        .has_all(&["You chose to accept it and move on", r#"href="/moving-on""#]);
    assert_eq!(
        plan(&c).await.walk_away.decision.as_deref(),
        Some("move-on")
    );
}

#[tokio::test]
async fn a_form_without_its_token_changes_nothing() {
    let mut c = Client::with_case().await;
    let body = serde_urlencoded::to_string(INTAKE).unwrap();
    c.post_raw("/assess/intake", body)
        .await
        .status_is(StatusCode::FORBIDDEN);
    assert!(!plan(&c).await.intake_done);
}

#[tokio::test]
async fn nothing_saved_means_no_result_page() {
    let mut c = Client::with_case().await;
    let r = c.get("/assess/walkaway/saved").await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/assess/walkaway");
}

#[tokio::test]
async fn an_intake_sent_after_the_lock_comes_back_whole() {
    let mut c = Client::with_case().await;
    c.lock().await;
    let r = c.submit("/assess/intake", INTAKE).await;
    let kept = r.location().trim_start_matches("/unlock?kept=").to_string();
    assert!(
        r.location().starts_with("/unlock?kept="),
        "{}",
        r.location()
    );
    let r = c.unlock(crate::PASS, &[("kept", &kept)]).await;
    let resume = c.get(r.location()).await;
    resume.has(r#"action="/assess/intake""#);
    // Both ticked boxes survive, not just the last one.
    resume.has_all(&[
        r#"name="motives" value="put-right""#,
        r#"name="motives" value="this-person""#,
    ]);
    assert!(!plan(&c).await.intake_done);
    // Sending it again saves it.
    c.submit("/assess/intake", INTAKE).await;
    assert!(plan(&c).await.intake_done);
}

#[tokio::test]
async fn an_act_with_dangerous_harm_opens_on_the_safe_2_explanation() {
    let mut c = after_intake().await;
    let r = c
        .submit("/workbook/act", &with(ACT, &[("danger", "monitoring")]))
        .await;
    assert_eq!(r.location(), "/workbook?saved=act#stop-title");
    c.get("/workbook?saved=act").await.has_all(&[
        r#"<h2 id="stop-title">Contact help is off for good</h2>"#,
        "Checking their phone, location or accounts",
    ]);
    assert!(plan(&c).await.safety.stop);
}

fn row_ids(body: &str) -> Vec<String> {
    body.match_indices("href=\"/workbook/row/")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// A workbook row is changed in place: the form comes back filled in, the same checks apply
/// (DMG-1), the page then shows one row with the new words, and the old link is stale.
#[tokio::test]
async fn a_workbook_row_can_be_changed_in_its_own_form() {
    let mut c = after_intake().await;
    c.submit("/workbook/act", ACT).await;
    let ids = row_ids(&c.get("/workbook").await.body);
    assert_eq!(ids.len(), 1);
    let old = &ids[0];

    let form = c.get(&format!("/workbook/row/{old}")).await;
    form.status_is(StatusCode::OK).has("Change what you wrote");
    assert!(
        form.body.contains("I read your messages without asking"),
        "filled in"
    );
    form.has_all(&[
        "betrayed\nwatched\nsmall",
        &format!(r#"action="/workbook/row/{old}""#),
    ]);

    // A vague act is refused here too, with what was typed kept.
    let mut vague: Vec<(&str, &str)> = ACT.to_vec();
    vague[0] = ("act", "everything");
    let r = c.post(&format!("/workbook/row/{old}"), &vague).await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY)
        .has("too vague");
    assert!(r.body.contains("You stopped feeling safe"), "kept");

    let mut changed: Vec<(&str, &str)> = ACT.to_vec();
    changed[1] = (
        "impact",
        "You started locking your phone, even around your friends",
    );
    let r = c.submit(&format!("/workbook/row/{old}"), &changed).await;
    assert!(
        r.location().starts_with("/workbook?saved=act#row-"),
        "{}",
        r.location()
    );

    let wb = c.get("/workbook").await;
    wb.has("You started locking your phone");
    assert!(
        !wb.body.contains("You stopped feeling safe"),
        "the old words no longer show"
    );
    let now = row_ids(&wb.body);
    assert_eq!(now.len(), 1, "still one row");
    assert_ne!(&now[0], old);
    c.get(&format!("/workbook/row/{old}"))
        .await
        .status_is(StatusCode::NOT_FOUND)
        .has("That row is not there");
}

/// SAFE-2: the edit form cannot take back recorded danger; it says why and keeps the text.
#[tokio::test]
async fn changing_a_row_cannot_untick_recorded_danger_safe_2() {
    let mut c = after_intake().await;
    let mut with_danger: Vec<(&str, &str)> = ACT.to_vec();
    with_danger.push(("danger", "monitoring"));
    c.submit("/workbook/act", &with_danger).await;
    let id = row_ids(&c.get("/workbook").await.body).remove(0);

    c.get(&format!("/workbook/row/{id}"))
        .await
        .has("cannot be unticked");
    let mut softer: Vec<(&str, &str)> = ACT.to_vec();
    softer[0] = ("act", "I looked at your phone a few times");
    let r = c.post(&format!("/workbook/row/{id}"), &softer).await;
    r.status_is(StatusCode::CONFLICT).has("SAFE-2");
    assert!(
        r.body.contains("I looked at your phone a few times"),
        "kept"
    );
    assert!(plan(&c).await.safety.stop, "the stop stands");
}
