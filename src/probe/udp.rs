//! UDP probes: send a payload and wait for a reply (containing a pattern, when one is given).
//! UDP has no handshake: a service that drops what it does not understand looks the same as a
//! lost packet or a dead host, so silence is reported as exactly that.

use std::net::UdpSocket;
use std::time::Instant;

use super::config::Match;
use super::net::{failed, resolve};
use super::{Failure, Reading, ms_since};

pub fn check(
    host: &str,
    port: u16,
    payload: &[u8],
    expect: Option<&Match>,
    deadline: Instant,
) -> Reading {
    let addr = match resolve(host, port) {
        Ok(addrs) => addrs[0],
        Err(reading) => return reading,
    };
    let local = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = match UdpSocket::bind(local).and_then(|s| s.connect(addr).map(|()| s)) {
        Ok(s) => s,
        Err(e) => return failed(&format!("opening a UDP socket to {addr}"), &e),
    };
    let start = Instant::now();
    if let Err(e) = socket.send(payload) {
        return failed(&format!("sending to {addr}"), &e);
    }
    let mut buf = vec![0u8; 65_536];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return silent(addr);
        }
        // Errors only mean the socket is gone, which the receive reports.
        let _ = socket.set_read_timeout(Some(left));
        match socket.recv(&mut buf) {
            Ok(n) => {
                let ms = ms_since(start);
                let reply = String::from_utf8_lossy(&buf[..n]);
                return match expect {
                    Some(m) if !m.found_in(&reply) => Reading {
                        ms: Some(ms),
                        ..Reading::down(
                            Failure::Content,
                            format!("a reply of {n} bytes from {addr} lacks {}", m.describe()),
                        )
                    },
                    _ => Reading::up(ms, format!("a reply of {n} bytes from {addr}")),
                };
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return silent(addr);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Reading::down(
                    Failure::Refused,
                    format!("{addr} answered port unreachable: nothing listens there"),
                );
            }
            Err(e) => return failed(&format!("waiting for {addr}"), &e),
        }
    }
}

fn silent(addr: std::net::SocketAddr) -> Reading {
    Reading::down(
        Failure::Timeout,
        format!(
            "no reply from {addr} in time (over UDP, a service that ignores the payload cannot be told from a lost packet or a dead host)"
        ),
    )
}
