//! Name resolution and TCP connections within a deadline, and what their errors mean.

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Instant;

use super::{Failure, Reading, ms_since};

/// The addresses of `host`, by the system's resolver (/etc/hosts, DNS, as getaddrinfo says).
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Reading> {
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(Reading::down(
                    Failure::Resolve,
                    format!("'{host}' has no address"),
                ))
            } else {
                Ok(addrs)
            }
        }
        Err(e) => Err(Reading::down(
            Failure::Resolve,
            format!("cannot resolve '{host}': {}", plain(&e)),
        )),
    }
}

/// Connects to the first address of `host` that answers, before `deadline`.
pub fn connect(host: &str, port: u16, deadline: Instant) -> Result<TcpStream, Reading> {
    let addrs = resolve(host, port)?;
    let mut last = None;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                let left = deadline.saturating_duration_since(Instant::now());
                let left = left.max(std::time::Duration::from_millis(1));
                // Errors here only mean the socket is gone, which the first read reports.
                let _ = stream.set_read_timeout(Some(left));
                let _ = stream.set_write_timeout(Some(left));
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    Err(match last {
        Some((addr, e)) => failed(&format!("connecting to {addr}"), &e),
        None => Reading::down(Failure::Timeout, format!("no answer from '{host}' in time")),
    })
}

/// A TCP probe: up when the connection is accepted.
pub fn tcp_check(host: &str, port: u16, deadline: Instant) -> Reading {
    let start = Instant::now();
    match connect(host, port, deadline) {
        Ok(stream) => {
            let ms = ms_since(start);
            let peer = stream
                .peer_addr()
                .map_or_else(|_| format!("{host}:{port}"), |a| a.to_string());
            Reading::up(ms, format!("connected to {peer}"))
        }
        Err(reading) => reading,
    }
}

/// A reading for an I/O error while doing `what`.
pub fn failed(what: &str, e: &io::Error) -> Reading {
    let failure = match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout,
        io::ErrorKind::ConnectionRefused => Failure::Refused,
        io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NetworkDown
        | io::ErrorKind::AddrNotAvailable => Failure::Unreachable,
        io::ErrorKind::PermissionDenied => Failure::NotPermitted,
        _ => Failure::Error,
    };
    let why = match failure {
        Failure::Timeout => "no answer in time".to_string(),
        _ => plain(e),
    };
    Reading::down(failure, format!("{what}: {why}"))
}

/// An error's text without Rust's "(os error N)" suffix.
pub fn plain(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
    .to_lowercase()
}
