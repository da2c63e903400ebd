//! Issue 14: the defects a break-in test found, tried again on the real binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::serve::{Server, free_port, start};
use crate::{Env, PASS};

/// One answer of the server.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    /// The value of a cookie the answer sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.head
            .lines()
            .filter_map(|l| l.strip_prefix("set-cookie: "))
            .filter_map(|c| c.split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One request on its own connection, as a script would send it.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    csrf: &str,
    body: Option<serde_json::Value>,
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// `amends serve` on a free port, without the passphrase in its environment.
pub fn serve(env: &Env) -> (Server, u16) {
    let port = free_port();
    let mut cmd = env.cmd(&["serve", "--port", &port.to_string()]);
    cmd.env_remove("AMENDS_PASSPHRASE");
    let (server, first) = start(cmd);
    assert!(first.contains("running at"), "{first}");
    (server, port)
}

/// Writes a journal entry through the API, in an unlocked session.
fn post_journal(port: u16, cookie: &str, csrf: &str, entry: serde_json::Value) -> Reply {
    http(port, "POST", "/api/v1/journal", cookie, csrf, Some(entry))
}

/// Unlocks through the API: the session cookie and the CSRF token.
pub fn unlock(port: u16) -> (String, String) {
    let r = http(
        port,
        "POST",
        "/api/v1/unlock",
        "",
        "",
        Some(serde_json::json!({ "passphrase": PASS })),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let session = r.cookie("amends_session").unwrap();
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    (format!("amends_session={session}"), csrf)
}

/// The data key, unwrapped here from the key record with the passphrase, independently of
/// amends: what to look for in the server's memory.
fn data_key(dir: &Path) -> Vec<u8> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (m, t, p, salt, blob): (i64, i64, i64, Vec<u8>, Vec<u8>) = rt.block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.join("amends.db"))
            .read_only(true);
        let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
        let row = sqlx::query_as(
            "SELECT m_cost_kib, t_cost, p_cost, salt, wrapped_key FROM keyring WHERE id = 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        row
    });
    let params = argon2::Params::new(m as u32, t as u32, p as u32, Some(32)).unwrap();
    let mut kek = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(PASS.as_bytes(), &salt, &mut kek)
        .unwrap();
    let cipher = chacha20poly1305::XChaCha20Poly1305::new((&kek).into());
    let nonce = chacha20poly1305::XNonce::from_slice(&blob[1..25]);
    ["v1", "v2"]
        .iter()
        .find_map(|v| {
            let aad = format!("amends:keyring:{v}\0{m}\0{t}\0{p}");
            cipher
                .decrypt(
                    nonce,
                    Payload {
                        msg: &blob[25..],
                        aad: aad.as_bytes(),
                    },
                )
                .ok()
        })
        .expect("the key record opens with the passphrase")
}

/// How often each needle occurs in the readable memory of process `pid`.
fn in_memory(pid: u32, needles: &[&[u8]]) -> Vec<usize> {
    use std::io::{Seek, SeekFrom};
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut counts = vec![0; needles.len()];
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
            continue;
        };
        let name = fields.nth(3).unwrap_or("");
        if !perms.starts_with('r') || name.starts_with("[v") {
            continue;
        }
        let (start, end) = range.split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        let mut region = vec![0u8; (end - start) as usize];
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut region).is_err() {
            continue;
        }
        for (count, needle) in counts.iter_mut().zip(needles) {
            *count += region
                .windows(needle.len())
                .filter(|w| w[0] == needle[0] && w == needle)
                .count();
        }
    }
    counts
}

fn proc_line(pid: u32, file: &str, prefix: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_default()
        .to_string()
}

/// Issue 14, defect 5: after `POST /lock` three copies of the data key stayed in the server's
/// memory, and sometimes the unlock request's passphrase. Now the key lives in one locked
/// page that is wiped when the session ends, freed memory is wiped, and core dumps are off
/// while a key is in memory.
#[test]
#[cfg(target_os = "linux")]
fn key_material_after_lock_is_gone_from_memory() {
    let env = Env::with_case();
    env.ok(&["journal", "add", "an entry the server will read back"]);
    let key = data_key(&env.dir());
    let (server, port) = serve(&env);
    let pid = server.0.id();

    let (cookie, csrf) = unlock(port);
    let r = post_journal(
        port,
        &cookie,
        &csrf,
        serde_json::json!({ "text": "written while unlocked" }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = http(port, "GET", "/api/v1/journal", &cookie, "", None);
    assert_eq!(r.status, 200, "{}", r.body);

    // While unlocked the key is there, once, in a locked page, and no core can be dumped.
    let [key_copies, _] = in_memory(pid, &[&key, PASS.as_bytes()])[..] else {
        unreachable!()
    };
    assert_eq!(key_copies, 1, "copies of the data key while unlocked");
    let core = proc_line(pid, "limits", "Max core file size");
    assert_eq!(core.split_whitespace().nth(4), Some("0"), "{core}");
    let locked = proc_line(pid, "status", "VmLck:");
    let memlock = proc_line(pid, "limits", "Max locked memory");
    if memlock.split_whitespace().nth(3) != Some("0") {
        assert_ne!(locked.split_whitespace().nth(1), Some("0"), "{locked}");
    }

    let r = http(port, "POST", "/api/v1/lock", &cookie, &csrf, None);
    assert_eq!(r.status, 200, "{}", r.body);
    std::thread::sleep(Duration::from_millis(300));
    let after = in_memory(pid, &[&key, PASS.as_bytes()]);
    assert_eq!(
        after,
        [0, 0],
        "copies of [the data key, the passphrase] after lock"
    );
    drop(server);
}

/// Changes the store behind amends' back, as an attacker with the file or a bad disk would.
pub(crate) fn tamper(dir: &Path, sql: &'static str, bind: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join("amends.db"));
        let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
        for drop in [
            "DROP TRIGGER IF EXISTS events_are_append_only_update",
            "DROP TRIGGER IF EXISTS events_are_append_only_delete",
        ] {
            sqlx::query(drop).execute(&pool).await.unwrap();
        }
        let done = sqlx::query(sql).bind(bind).execute(&pool).await.unwrap();
        assert_eq!(done.rows_affected(), 1, "{sql}");
        pool.close().await;
    });
}

/// Issue 14, defect 9: one damaged row made `journal list`, `status` and `export` fail for the
/// whole case. Now the row is skipped and reported, status keeps every gate closed and says
/// why, and export rescues the rest.
#[test]
fn one_damaged_row_no_longer_blocks_the_case() {
    let env = Env::with_case();
    for text in ["first words", "second words", "third words"] {
        env.ok(&["journal", "add", text]);
    }
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "journal", "list"])).unwrap();
    let second = list[1]["id"].as_str().unwrap().to_string();
    // A flipped byte in the middle of the sealed words.
    tamper(
        &env.dir(),
        "UPDATE events SET payload = substr(payload, 1, 30)
             || CASE WHEN substr(payload, 31, 1) = x'00' THEN x'01' ELSE x'00' END
             || substr(payload, 32)
         WHERE id = ?",
        &second,
    );

    let out = env.run(&["journal", "list"]);
    assert!(out.status.success(), "{}", crate::text(&out.stderr));
    let shown = crate::text(&out.stdout);
    assert!(
        shown.contains("first words") && shown.contains("third words"),
        "{shown}"
    );
    let warned = crate::text(&out.stderr);
    assert!(
        warned.contains(&second) && warned.contains("amends export"),
        "{warned}"
    );

    let status: serde_json::Value = serde_json::from_str(&env.ok(&["--json", "status"])).unwrap();
    for gate in status["gates"].as_array().unwrap() {
        assert_eq!(gate["open"], false);
        assert_eq!(gate["reasons"][0]["method"], "SAFE-1");
    }
    assert!(env.ok(&["status"]).contains("integrity check"));

    let out = env.run(&["export", "--format", "json"]);
    assert!(out.status.success(), "{}", crate::text(&out.stderr));
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let texts = crate::strings(&export["cases"][0]["events"], "text");
    assert_eq!(texts, ["first words", "third words"]);
    assert_eq!(export["cases"][0]["damaged"][0]["id"], second.as_str());

    // Writing to a case whose history cannot be checked is refused, with what to do.
    let err = env.fails(&["log", "signal", "warm-reply"], "integrity check");
    assert!(err.contains("amends export"), "{err}");
}

/// Issue 14, defect 6: removing a "no" from the file went unnoticed and reopened outreach.
#[test]
fn deleting_a_no_is_reported_and_outreach_stays_closed() {
    let env = Env::with_case();
    env.ok(&["settings", "--time-zone", "UTC"]);
    env.ok(&["log", "signal", "blocked", "--at", "2024-03-01"]);
    env.ok(&["journal", "add", "later words"]);
    tamper(&env.dir(), "DELETE FROM events WHERE kind = ?", "signal");
    let status = env.ok(&["status"]);
    assert!(status.contains("removed just before entry"), "{status}");
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["--json", "status"])).unwrap();
    assert_eq!(v["gates"][0]["open"], false);
    assert_eq!(v["gates"][0]["reasons"][0]["method"], "SAFE-1");
}

/// Issue 14, defect 7: `amends wipe --yes` while the server was unlocked left the server
/// accepting writes (201) and serving the wiped data. It now notices and locks.
#[test]
fn wipe_while_the_server_is_unlocked_locks_it() {
    let env = Env::with_case();
    env.ok(&["journal", "add", "words from before the wipe"]);
    let (server, port) = serve(&env);
    let (cookie, csrf) = unlock(port);
    let entry = serde_json::json!({ "text": "while unlocked" });
    let r = post_journal(port, &cookie, &csrf, entry.clone());
    assert_eq!(r.status, 201, "{}", r.body);

    env.ok(&["wipe", "--yes"]);
    assert!(!env.dir().join("amends.db").exists());

    let r = post_journal(port, &cookie, &csrf, entry);
    assert_eq!(r.status, 401, "a write after the wipe: {}", r.body);
    let r = http(port, "GET", "/api/v1/journal", &cookie, "", None);
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(!r.body.contains("words from before"));
    let s = http(port, "GET", "/api/v1/session", &cookie, "", None).json();
    assert_eq!(s["unlocked"], false);
    assert_eq!(s["initialised"], false);
    assert!(!env.dir().join("amends.db").exists(), "nothing recreated");
    drop(server);
}

/// Issue 14, defects 6 and 12: a damage report quotes the kind and date a row has in the file,
/// which whoever changed it chose; an escape sequence there must not reach the terminal.
#[test]
fn a_tampered_row_cannot_write_to_the_terminal() {
    let env = Env::with_case();
    env.ok(&["journal", "add", "some words"]);
    env.ok(&["journal", "add", "more words"]);
    tamper(
        &env.dir(),
        "UPDATE events SET occurred_at = ? WHERE seq = (SELECT min(seq) FROM events)",
        "2024-01-01\u{1b}[2J\u{1b}]0;owned\u{7}",
    );
    let out = env.run(&["journal", "list"]);
    assert!(out.status.success());
    let err = crate::text(&out.stderr);
    assert!(err.contains("changed outside amends"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    let err = env.fails(&["log", "signal", "warm-reply"], "integrity check");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    let status = env.ok(&["status"]);
    assert!(!status.contains('\u{1b}'), "{status:?}");
}
