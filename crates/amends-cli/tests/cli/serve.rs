//! `amends serve`: prints its address, answers on loopback, and refuses other addresses unless
//! told to, with a warning when it is.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::Env;

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

/// Starts the server `cmd` describes and waits for the line it prints once it listens.
pub fn start(mut cmd: Command) -> (Server, String) {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    (server, first)
}

/// The raw reply to `GET /setup` on the local `port`, sent with this Host header.
fn get_setup(port: &str, host: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    write!(
        stream,
        "GET /setup HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn serve_prints_its_address_and_answers_there() {
    let env = Env::new();
    let port = free_port().to_string();
    let (server, first) = start(env.cmd(&["serve", "--port", &port]));
    assert_eq!(
        first.trim(),
        format!("amends is running at http://127.0.0.1:{port}/")
    );
    let reply = get_setup(&port, &format!("127.0.0.1:{port}"));
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("cannot be recovered"));
    drop(server);
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let env = Env::new();
    env.fails(
        &[
            "serve",
            "--bind",
            "0.0.0.0",
            "--port",
            &free_port().to_string(),
        ],
        "--allow-remote",
    );
}

#[test]
fn a_port_in_use_is_reported_plainly() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    env.fails(&["serve", "--port", &port], "Try another --port");
}

/// Issue 14, defect 12: `--allow-remote` turned the Host check (the guard against DNS
/// rebinding) off even when listening on loopback only.
#[test]
fn allow_remote_keeps_the_host_check_on_loopback() {
    let env = Env::new();
    let port = free_port().to_string();
    let (server, first) = start(env.cmd(&["serve", "--port", &port, "--allow-remote"]));
    assert!(first.contains("running at"), "{first}");
    assert!(get_setup(&port, "rebound.evil.example").starts_with("HTTP/1.1 421"));
    assert!(get_setup(&port, &format!("127.0.0.1:{port}")).starts_with("HTTP/1.1 200"));
    drop(server);
}
