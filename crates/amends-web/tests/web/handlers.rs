//! Handlers in process: security, first run, unlock and lock, kept forms, limits, escaping.

use std::time::Duration;

use axum::http::StatusCode;

use crate::{Client, PASS};

#[tokio::test]
async fn every_response_carries_the_strict_headers() {
    let mut c = Client::new();
    for path in ["/setup", "/help", "/assets/app.css", "/nope"] {
        let r = c.get(path).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: {:?}", r.status))
            .to_str()
            .unwrap();
        assert_eq!(csp, amends_web::CSP, "{path}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("http"),
            "{path}: {csp}"
        );
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
    }
    let page = c.get("/help").await;
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    // No external sources and no inline script in the markup either.
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://"),
        "external reference"
    );
    assert!(!page.body.contains("<script>"), "inline script");
    assert!(
        !page.body.contains(" style="),
        "inline style is blocked by the CSP"
    );
}

#[tokio::test]
async fn a_fresh_install_starts_at_setup_with_the_plain_warning() {
    let mut c = Client::new();
    let r = c.get("/").await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/setup");
    let cookies = r.set_cookies();
    c.get("/setup").await.has("cannot be recovered");
    assert!(cookies.iter().any(|c| c.starts_with("amends_csrf=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Strict")));
}

#[tokio::test]
async fn setup_refuses_mismatched_and_empty_passphrases() {
    let mut c = Client::new();
    c.setup("one", "two")
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY)
        .has("not the same");
    c.setup("  ", "  ").await.has("passphrase is empty");
    c.post("/setup", &[("passphrase", PASS), ("confirm", PASS)])
        .await
        .has("cannot be recovered");
    assert!(!c.data_dir().join("amends.db").exists());
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let mut c = Client::new();
    c.get("/setup").await;
    let body = format!("passphrase={PASS}&confirm={PASS}&understood=yes");
    c.post_raw("/setup", body.clone())
        .await
        .status_is(StatusCode::FORBIDDEN)
        .has("did not come from amends");
    c.post_raw("/setup", format!("{body}&_csrf={}", "0".repeat(64)))
        .await
        .status_is(StatusCode::FORBIDDEN);
    assert!(!c.data_dir().join("amends.db").exists());
}

#[tokio::test]
async fn the_session_cookie_is_strict_and_cleared_on_lock() {
    let mut c = Client::new();
    let r = c.setup(PASS, PASS).await;
    r.sets_a_strict_session();
    c.post("/cases", &[("name", "Robin"), ("relationship", "partner")])
        .await;
    c.get("/journal").await.status_is(StatusCode::OK);
    let r = c.lock().await;
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("amends_session=;") && c.contains("Max-Age=0"))
    );
    assert!(!c.cookies.contains_key("amends_session"));
    let r = c.get("/journal").await;
    r.status_is(StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/unlock"), "{}", r.location());
}

#[tokio::test]
async fn a_stolen_old_session_cookie_does_not_work_after_lock() {
    let mut c = Client::with_case().await;
    let old = c.cookies.get("amends_session").cloned().unwrap();
    c.lock().await;
    c.cookies.insert("amends_session".into(), old);
    c.get("/journal").await.status_is(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unlock_refuses_a_wrong_passphrase_and_accepts_the_right_one() {
    let mut c = Client::with_case().await;
    c.lock().await;
    c.unlock("wrong", &[("next", "/journal")])
        .await
        .status_is(StatusCode::UNAUTHORIZED)
        .has("does not open amends");
    let r = c.unlock(PASS, &[("next", "/journal")]).await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/journal");
    c.get("/journal").await.status_is(StatusCode::OK);
}

/// A locked store that has just refused five wrong passphrases through the page.
async fn after_five_wrong_guesses() -> Client {
    let mut c = Client::with_case().await;
    c.lock().await;
    for _ in 0..5 {
        c.unlock("a guess", &[])
            .await
            .status_is(StatusCode::UNAUTHORIZED);
    }
    c
}

/// Guessing is slowed the same way through the page and the API: after five wrong
/// passphrases even the right one waits, so the wait cannot be probed for the answer.
#[tokio::test]
async fn guessing_the_passphrase_waits_after_five_wrong_tries_page_and_api_alike() {
    let mut c = after_five_wrong_guesses().await;
    c.unlock(PASS, &[])
        .await
        .status_is(StatusCode::TOO_MANY_REQUESTS)
        .has_all(&["Too many wrong passphrases", "Wait 30 seconds"]);

    let r = c.api_unlock(PASS).await;
    r.status_is(StatusCode::TOO_MANY_REQUESTS);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "too-many-attempts");
    let secs = v["retry_after_seconds"].as_u64().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    assert_ne!(
        c.get("/journal").await.status,
        StatusCode::OK,
        "still locked"
    );
}

/// Regression: "abc" was accepted as the passphrase that guards everything, with no reset.
#[tokio::test]
async fn a_new_passphrase_must_be_long_enough() {
    let mut c = Client::new();
    let r = c.setup("abc", "abc").await;
    r.status_is(StatusCode::UNPROCESSABLE_ENTITY)
        .has("at least 8 characters");
    // Errors from below read as sentences on a page, not as terminal lines.
    r.has("That passphrase is too short");
    c.ready().await;
    c.change_passphrase(PASS, "x", "x")
        .await
        .has("at least 8 characters");
    c.lock().await;
    let r = c.unlock(PASS, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the old one still opens it"
    );
}

#[tokio::test]
async fn unlock_never_redirects_off_site() {
    let mut c = Client::with_case().await;
    c.lock().await;
    let r = c.unlock(PASS, &[("next", "//evil.example/")]).await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn a_stale_form_after_lock_keeps_the_text_through_unlock() {
    let mut c = Client::with_case().await;
    c.lock().await;
    let words = "what I wanted to write down before the lock";
    let r = c.submit("/journal", &[("text", words)]).await;
    let to = r.location().to_string();
    assert!(to.starts_with("/unlock?kept="), "{to}");
    let kept = to.trim_start_matches("/unlock?kept=").to_string();
    c.get(&to).await.has("What you typed is kept");
    let r = c.unlock(PASS, &[("kept", &kept)]).await;
    assert_eq!(r.location(), format!("/resume/{kept}"));
    let resume = c.get(r.location()).await;
    resume
        .status_is(StatusCode::OK)
        .has_all(&[words, "action=\"/journal\""]);
    // Handed back once only.
    c.get(&format!("/resume/{kept}"))
        .await
        .status_is(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_idle_session_locks_itself() {
    let mut c = Client::with_idle(Duration::from_millis(50));
    c.ready().await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    let r = c.get("/journal").await;
    r.status_is(StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/unlock"));
}

#[tokio::test]
async fn an_oversized_body_gets_a_clear_413() {
    let mut c = Client::with_case().await;
    let huge = "a".repeat(amends_web::MAX_BODY_BYTES + 10);
    c.post("/journal", &[("text", &huge)])
        .await
        .status_is(StatusCode::PAYLOAD_TOO_LARGE)
        .has("1 MiB");
}

#[tokio::test]
async fn a_journal_entry_over_the_limit_is_refused_and_kept_in_the_box() {
    let mut c = Client::with_case().await;
    let big = "b".repeat(1024 * 1024 + 5);
    let r = c.post("/journal", &[("text", &big)]).await;
    r.status_is(StatusCode::PAYLOAD_TOO_LARGE).has("1048576");
    assert!(r.body.contains(&big[..1000]), "the text stays in the box");
}

#[tokio::test]
async fn a_missing_field_is_named() {
    let mut c = Client::with_case().await;
    c.post("/cases", &[("relationship", "friend")])
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY)
        .has("\u{201c}name\u{201d}");
}

#[tokio::test]
async fn user_text_is_escaped_in_html() {
    let mut c = Client::new();
    c.setup(PASS, PASS).await;
    c.post(
        "/cases",
        &[
            ("name", "<script>alert(1)</script>"),
            ("relationship", "friend"),
        ],
    )
    .await;
    c.post(
        "/journal",
        &[("text", "<img src=x onerror=alert(2)> & \"quotes\"")],
    )
    .await;
    let r = c.get("/journal").await;
    assert!(!r.body.contains("<script>alert(1)"), "name not escaped");
    assert!(
        r.body.contains("&#60;script&#62;") || r.body.contains("&lt;script&gt;"),
        "{}",
        r.body
    );
    r.lacks("<img src=x");
}

#[tokio::test]
async fn a_foreign_host_header_is_refused() {
    let mut c = Client::new();
    let req = axum::http::Request::get("/help")
        .header("host", "evil.example:7777")
        .body(axum::body::Body::empty())
        .unwrap();
    c.send(req).await.status_is(StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn help_now_works_while_locked_and_lists_sources_and_dates() {
    let mut c = Client::new();
    c.get("/help").await.status_is(StatusCode::OK).has_all(&[
        "Source:",
        "last checked",
        "Unlock amends to add a number",
    ]);
    c.ready().await;
    c.post("/help/local", &[("local", "Dr Okafor 555 0100")])
        .await;
    c.get("/help").await.has("Dr Okafor 555 0100");
    // The footer link is on every page.
    c.get("/journal").await.has("href=\"/help\"");
}

#[tokio::test]
async fn export_downloads_and_wipe_needs_the_typed_phrase() {
    let mut c = Client::with_case().await;
    c.post("/journal", &[("text", "for the export")]).await;
    let r = c.get("/settings/export?format=markdown").await;
    r.status_is(StatusCode::OK);
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    r.has("for the export");
    c.post("/settings/wipe", &[("confirm", "delete")])
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(c.data_dir().join("amends.db").exists());
    let r = c
        .post("/settings/wipe", &[("confirm", "delete everything")])
        .await;
    assert_eq!(r.location(), "/setup");
    assert!(!c.data_dir().join("amends.db").exists());
}

#[tokio::test]
async fn the_passphrase_can_be_changed_from_settings() {
    let mut c = Client::with_case().await;
    c.change_passphrase("wrong", "n2", "n2")
        .await
        .status_is(StatusCode::UNPROCESSABLE_ENTITY);
    c.change_passphrase(PASS, "the second one", "the second one")
        .await
        .status_is(StatusCode::OK)
        .has("Passphrase changed");
    c.lock().await;
    c.unlock(PASS, &[])
        .await
        .status_is(StatusCode::UNAUTHORIZED);
    c.unlock("the second one", &[])
        .await
        .status_is(StatusCode::SEE_OTHER);
}

#[test]
fn the_vendored_htmx_is_the_npm_package_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let npm = root.join("node_modules/htmx.org/dist/htmx.min.js");
    let npm = std::fs::read(&npm).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}); ./scripts/test runs npm ci first",
            npm.display()
        )
    });
    let vendored = std::fs::read(root.join("crates/amends-web/assets/vendor/htmx.min.js")).unwrap();
    assert!(
        npm == vendored,
        "assets/vendor/htmx.min.js differs from the npm package: run scripts/vendor-htmx"
    );
}

// --- Issue 14: the break-in test's defects ---------------------------------------------------

/// Issue 14, defect 1: `next` with a tab or a newline (which a browser drops, turning
/// "/\t/evil.example" into "//evil.example") sent the browser to another site after unlocking,
/// or gave a 500. Only a path of our own pages is followed now.
#[tokio::test]
async fn open_redirect_after_unlock_is_refused() {
    let mut c = Client::with_case().await;
    let hostile = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "//evil.example/",
        " //evil.example",
        "https://evil.example/journal",
        "http://127.0.0.1:7777@evil.example/",
        "/journal/../api/v1/export",
        "/assets/../../evil",
        "/journal\r\nSet-Cookie: planted=1",
        "javascript:alert(1)",
        "journal",
    ];
    for next in hostile {
        c.lock().await;
        let r = c.unlock(PASS, &[("next", next)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.location(), "/", "{next:?}");
    }
    // A kept-form id that is not one of ours is ignored, never put in a header.
    c.lock().await;
    let r = c
        .unlock(PASS, &[("kept", "x\r\nLocation: //evil.example")])
        .await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/");

    // The unlock page carries only the parsed path forward, and never fails on one.
    c.lock().await;
    for query in [
        "/%09/evil.example",
        "%2F%0A%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let r = c.get(&format!("/unlock?next={query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        assert!(!r.body.contains("evil.example"), "{query}: {}", r.body);
    }
    // Our own pages still come back, with their query.
    let r = c.unlock(PASS, &[("next", "/assess/intake?step=2")]).await;
    assert_eq!(r.location(), "/assess/intake?step=2");
    c.lock().await;
    let r = c.get("/journal").await;
    assert_eq!(r.location(), "/unlock?next=%2Fjournal");
    c.get(r.location()).await.has("value=\"/journal\"");
}

/// A POST with the given CSRF token and extra headers, sent with the client's cookies.
async fn post_with(
    c: &mut Client,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> crate::Resp {
    let mut all = vec![("_csrf", token.to_string())];
    all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut req = axum::http::Request::post(path)
        .header("host", "127.0.0.1:7777")
        .header("cookie", cookies)
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = serde_urlencoded::to_string(&all).unwrap();
    c.send(req.body(axum::body::Body::from(body)).unwrap())
        .await
}

/// Issue 14, defect 2: any `amends_csrf` cookie with a matching token was accepted, and a page
/// on another port of 127.0.0.1 can plant that cookie. The token is now an HMAC of the
/// session, new at every unlock and passphrase change, and a request a browser marks as coming
/// from elsewhere is refused whatever its token.
#[tokio::test]
async fn csrf_token_not_tied_to_the_session_is_refused() {
    let mut c = Client::with_case().await;
    let good = c.csrf();
    assert_eq!(good.len(), 64);

    // A planted cookie and the same value in the form: refused, nothing written.
    let planted = "ab".repeat(32);
    c.cookies.insert("amends_csrf".into(), planted.clone());
    post_with(&mut c, "/journal", &planted, &[], &[("text", "planted")])
        .await
        .status_is(StatusCode::FORBIDDEN);
    assert_eq!(
        c.cookies.get("amends_csrf"),
        Some(&good),
        "the answer puts the real token back"
    );
    // The session's own token still works, whatever the cookie says.
    c.cookies.insert("amends_csrf".into(), planted);
    let r = post_with(&mut c, "/journal", &good, &[], &[("text", "mine")]).await;
    r.status_is(StatusCode::SEE_OTHER);

    // Browsers say where a request comes from: only our own origin is taken.
    for headers in [
        vec![("origin", "http://127.0.0.1:8000")],
        vec![("origin", "http://evil.example")],
        vec![("origin", "null"), ("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("origin", "http://127.0.0.1:7777"),
            ("sec-fetch-site", "same-site"),
        ],
    ] {
        let r = post_with(&mut c, "/journal", &good, &headers, &[("text", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.body);
    }
    for headers in [
        vec![("origin", "http://127.0.0.1:7777")],
        vec![("sec-fetch-site", "same-origin")],
        // Our pages send no referrer, so a browser gives their forms' origin as "null".
        vec![("origin", "null"), ("sec-fetch-site", "same-origin")],
        vec![
            ("origin", "http://127.0.0.1:7777"),
            ("sec-fetch-site", "same-origin"),
        ],
    ] {
        let r = post_with(&mut c, "/journal", &good, &headers, &[("text", "x")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{headers:?}: {}", r.body);
    }
    // The JSON API too, even where no token is needed.
    let req = axum::http::Request::post("/api/v1/unlock")
        .header("host", "127.0.0.1:7777")
        .header("origin", "http://127.0.0.1:8000")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(format!(
            "{{\"passphrase\": \"{PASS}\"}}"
        )))
        .unwrap();
    c.send(req)
        .await
        .status_is(StatusCode::FORBIDDEN)
        .has("cross-origin");
    // That request carried no cookies, so its answer handed out the locked token: put the
    // session's back, as the next page would.
    c.cookies.insert("amends_csrf".into(), good.clone());

    // A new unlock means a new token; the old one is refused.
    c.lock().await;
    let locked = c.csrf();
    assert_ne!(locked, good);
    c.unlock(PASS, &[]).await;
    let second = c.csrf();
    assert_ne!(second, good);
    assert_ne!(second, locked);
    post_with(&mut c, "/journal", &good, &[], &[("text", "x")])
        .await
        .status_is(StatusCode::FORBIDDEN);

    // So does a passphrase change, with a new session cookie; the old cookie stops working.
    let old_session = c.cookies.get("amends_session").cloned().unwrap();
    let r = c
        .change_passphrase(PASS, "the second one", "the second one")
        .await;
    r.status_is(StatusCode::OK);
    let third = c.csrf();
    assert_ne!(third, second);
    assert!(
        r.body.contains(&format!("value=\"{third}\"")),
        "the page's forms carry the new token"
    );
    assert_ne!(c.cookies.get("amends_session"), Some(&old_session));
    post_with(&mut c, "/journal", &second, &[], &[("text", "x")])
        .await
        .status_is(StatusCode::FORBIDDEN);
    post_with(&mut c, "/journal", &third, &[], &[("text", "x")])
        .await
        .status_is(StatusCode::SEE_OTHER);
    let new_session = c.cookies.get("amends_session").cloned().unwrap();
    c.cookies.insert("amends_session".into(), old_session);
    c.get("/journal").await.status_is(StatusCode::SEE_OTHER);
    c.cookies.insert("amends_session".into(), new_session);
    c.get("/journal").await.status_is(StatusCode::OK);
}

/// Issue 14, defect 12: a 429 said how long to wait only in words and in the API's body; a
/// client or a proxy reads `Retry-After`.
#[tokio::test]
async fn retry_after_on_429_page_and_api() {
    let mut c = after_five_wrong_guesses().await;
    let r = c.unlock(PASS, &[]).await;
    r.status_is(StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    let r = c.api_unlock(PASS).await;
    r.status_is(StatusCode::TOO_MANY_REQUESTS);
    let header: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(r.json()["retry_after_seconds"].as_u64(), Some(header));
}

/// Issue 14, defect 5: a form sent after the lock is kept in memory for an hour and shown
/// again; a passphrase form must not be, or the passphrase outlives the lock.
#[tokio::test]
async fn key_material_after_lock_passphrase_forms_are_not_kept() {
    let mut c = Client::with_case().await;
    c.lock().await;
    let r = c
        .change_passphrase(PASS, "the second one", "the second one")
        .await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "/unlock",
        "nothing kept, nothing to hand back"
    );
    assert!(c.state.pending.lock().await.is_empty());
}

/// Issue 14, defect 7: the store's files deleted behind the server's back (`amends wipe` from
/// the command line) while unlocked: the next request finds amends locked, not the old data.
#[tokio::test]
async fn wipe_while_the_server_is_unlocked_locks_it() {
    let mut c = Client::with_case().await;
    c.post("/journal", &[("text", "kept words")]).await;
    c.get("/journal").await.status_is(StatusCode::OK);
    for name in ["amends.db", "amends.db-wal", "amends.db-shm"] {
        let _ = std::fs::remove_file(c.data_dir().join(name));
    }
    let r = c.submit("/journal", &[("text", "after the wipe")]).await;
    assert!(!r.location().starts_with("/journal"), "{}", r.location());
    let r = c.get("/journal").await;
    r.status_is(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/setup");
    assert!(c.state.session.lock().await.is_none(), "the key is let go");
}
