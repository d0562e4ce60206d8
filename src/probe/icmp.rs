//! ICMP echo probes: `count` echoes, one after the other, each waiting its share of the
//! timeout. An unprivileged ping socket is used where `net.ipv4.ping_group_range` lets this
//! process's group open one, a raw socket otherwise (root, or CAP_NET_RAW); with neither, the
//! probe is down as not permitted.

use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::net::resolve;
use super::{Failure, Reading};

pub fn check(host: &str, count: u32, deadline: Instant) -> Reading {
    let addr = match host.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) => match resolve(host, 0) {
            Ok(addrs) => addrs[0].ip(),
            Err(reading) => return reading,
        },
    };
    let (socket, raw) = match open(addr) {
        Ok(s) => s,
        Err(reading) => return reading,
    };
    let ident = (std::process::id() as u16) ^ 0x5553;
    let mut times = Vec::new();
    for seq in 0..count {
        let left = deadline.saturating_duration_since(Instant::now());
        let share = left / (count - seq);
        if share.is_zero() {
            break;
        }
        match echo(&socket, addr, raw, ident, seq as u16, share) {
            Ok(Some(t)) => times.push(t.as_secs_f64() * 1000.0),
            Ok(None) => {}
            Err(reading) => return reading,
        }
    }
    let lost = count as usize - times.len();
    let loss = (lost as f64 * 10_000.0 / f64::from(count)).round() / 100.0;
    if times.is_empty() {
        return Reading {
            loss: Some(100.0),
            ..Reading::down(
                Failure::Loss,
                format!("no echo reply from {addr} ({count} sent)"),
            )
        };
    }
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let avg = round(times.iter().sum::<f64>() / times.len() as f64);
    let min = round(times.iter().copied().fold(f64::INFINITY, f64::min));
    let max = round(times.iter().copied().fold(0.0, f64::max));
    Reading {
        min_ms: Some(min),
        max_ms: Some(max),
        loss: Some(loss),
        ..Reading::up(
            avg,
            format!(
                "{} of {count} echoes answered by {addr}, {loss}% lost, min/avg/max {min}/{avg}/{max} ms",
                times.len()
            ),
        )
    }
}

/// A ping socket, else a raw one (true).
fn open(addr: IpAddr) -> Result<(OwnedFd, bool), Reading> {
    let (family, proto) = match addr {
        IpAddr::V4(_) => (libc::AF_INET, libc::IPPROTO_ICMP),
        IpAddr::V6(_) => (libc::AF_INET6, libc::IPPROTO_ICMPV6),
    };
    let mut errors = Vec::new();
    for (kind, raw) in [(libc::SOCK_DGRAM, false), (libc::SOCK_RAW, true)] {
        // SAFETY: socket(2) with constant arguments; the result is checked before use.
        let fd = unsafe { libc::socket(family, kind | libc::SOCK_CLOEXEC, proto) };
        if fd >= 0 {
            // SAFETY: `fd` is a new descriptor this function owns.
            return Ok((unsafe { OwnedFd::from_raw_fd(fd) }, raw));
        }
        errors.push(std::io::Error::last_os_error());
    }
    let denied = errors.iter().all(|e| {
        matches!(
            e.raw_os_error(),
            Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EPROTONOSUPPORT)
        )
    });
    Err(if denied {
        Reading::down(
            Failure::NotPermitted,
            "ICMP is not permitted: this user's group is outside net.ipv4.ping_group_range and it cannot open raw sockets (widen the sysctl, or run as root)",
        )
    } else {
        Reading::down(
            Failure::Error,
            format!(
                "cannot open an ICMP socket: {}",
                super::net::plain(&errors[0])
            ),
        )
    })
}

/// Sends one echo request and waits up to `wait` for its reply: its round trip, or none.
fn echo(
    socket: &OwnedFd,
    addr: IpAddr,
    raw: bool,
    ident: u16,
    seq: u16,
    wait: Duration,
) -> Result<Option<Duration>, Reading> {
    let v6 = addr.is_ipv6();
    let mut packet = vec![if v6 { 128 } else { 8 }, 0, 0, 0];
    packet.extend_from_slice(&ident.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(b"usage-sample pro");
    if !v6 {
        let sum = checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    let (storage, len) = sockaddr(SocketAddr::new(addr, 0));
    let start = Instant::now();
    // SAFETY: `packet` and `storage` are valid for the lengths given.
    let sent = unsafe {
        libc::sendto(
            socket.as_raw_fd(),
            packet.as_ptr().cast(),
            packet.len(),
            0,
            (&raw const storage).cast(),
            len,
        )
    };
    if sent < 0 {
        let e = std::io::Error::last_os_error();
        return Err(super::net::failed(
            &format!("sending an echo to {addr}"),
            &e,
        ));
    }
    let mut buf = [0u8; 1500];
    loop {
        let left = wait.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Ok(None);
        }
        let mut pfd = libc::pollfd {
            fd: socket.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&raw mut pfd, 1, ms) };
        if ready <= 0 {
            continue;
        }
        // SAFETY: `buf` is valid for its length; the sender's address is not asked for.
        let n = unsafe {
            libc::recv(
                socket.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if n <= 0 {
            continue;
        }
        let mut reply = &buf[..n as usize];
        // A raw IPv4 socket hands over the IP header too.
        if raw && !v6 {
            let ihl = usize::from(reply[0] & 0x0f) * 4;
            let Some(rest) = reply.get(ihl..) else {
                continue;
            };
            reply = rest;
        }
        let want = if v6 { 129 } else { 0 };
        if reply.len() < 8 || reply[0] != want {
            continue;
        }
        // A ping socket's kernel sets the identifier itself and hands over only its replies.
        let ours = !raw || reply[4..6] == ident.to_be_bytes();
        if ours && reply[6..8] == seq.to_be_bytes() {
            return Ok(Some(start.elapsed()));
        }
    }
}

/// The Internet checksum (RFC 1071).
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: 0,
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
            unsafe { std::ptr::write((&raw mut storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: 0,
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above.
            unsafe { std::ptr::write((&raw mut storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_rfc_1071s() {
        // RFC 1071's example words sum to 0xddf2; the checksum is its complement.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
        // A packet with its checksum in place sums to zero.
        let mut p = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1, b'x'];
        let sum = checksum(&p);
        p[2..4].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(checksum(&p), 0);
    }

    #[test]
    fn the_loopback_answers_or_the_probe_says_it_may_not_ask() {
        let r = check("127.0.0.1", 2, Instant::now() + Duration::from_secs(2));
        match r.failure {
            None => {
                assert_eq!(r.loss, Some(0.0), "{r:?}");
                assert!(r.ms.is_some_and(|ms| ms < 1000.0), "{r:?}");
            }
            Some(f) => assert_eq!(f, Failure::NotPermitted, "{r:?}"),
        }
    }
}
