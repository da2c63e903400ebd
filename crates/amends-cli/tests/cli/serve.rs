//! `amends serve`: prints its address, answers on loopback, and refuses other addresses unless
//! told to, with a warning when it is.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use crate::{Env, text};

/// Kills the server when the test ends, however it ends.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_prints_its_address_and_answers_there() {
    let env = Env::new();
    let port = free_port().to_string();
    let child = env
        .cmd(&["serve", "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(
        first.trim(),
        format!("amends is running at http://127.0.0.1:{port}/")
    );
    let mut stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    write!(
        stream,
        "GET /setup HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("cannot be recovered"));
    drop(server);
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let env = Env::new();
    let out = env.run(&[
        "serve",
        "--bind",
        "0.0.0.0",
        "--port",
        &free_port().to_string(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--allow-remote"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_port_in_use_is_reported_plainly() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = env.run(&["serve", "--port", &port]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Try another --port"),
        "{}",
        text(&out.stderr)
    );
}

/// Issue 14, defect 12: `--allow-remote` turned the Host check (the guard against DNS
/// rebinding) off even when listening on loopback only.
#[test]
fn allow_remote_keeps_the_host_check_on_loopback() {
    let env = Env::new();
    let port = free_port().to_string();
    let child = env
        .cmd(&["serve", "--port", &port, "--allow-remote"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("running at"), "{first}");
    let ask = |host: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
        write!(
            stream,
            "GET /setup HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    };
    assert!(ask("rebound.evil.example").starts_with("HTTP/1.1 421"));
    assert!(ask(&format!("127.0.0.1:{port}")).starts_with("HTTP/1.1 200"));
    drop(server);
}
