//! DNS probes: one query (RFC 1035) to the probe's server or, without one, to the first
//! nameserver of /etc/resolv.conf, as dig asks; over UDP, and again over TCP when the answer is
//! truncated. Answers are written as `dig +short` writes them.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Instant;

use super::config::Dns;
use super::net::{connect, failed, resolve};
use super::{Failure, Reading, ms_since};

pub fn check(d: &Dns, deadline: Instant) -> Reading {
    let (host, port) = match &d.server {
        Some((h, p)) => (h.clone(), *p),
        None => (system_nameserver(), 53),
    };
    let server = match resolve(&host, port) {
        Ok(addrs) => addrs[0],
        Err(reading) => return reading,
    };
    let id = query_id();
    let query = build_query(id, &d.name, d.record.code());
    let start = Instant::now();
    let mut reply = match ask_udp(server, &query, id, deadline) {
        Ok(r) => r,
        Err(reading) => return reading,
    };
    if reply.len() > 2 && reply[2] & 0x02 != 0 {
        reply = match ask_tcp(&host, port, &query, deadline) {
            Ok(r) => r,
            Err(reading) => return reading,
        };
    }
    let ms = ms_since(start);
    let answer = match parse_reply(&reply, id, d.record.code()) {
        Ok(a) => a,
        Err(why) => {
            return Reading {
                ms: Some(ms),
                ..Reading::down(Failure::Protocol, format!("{server}: {why}"))
            };
        }
    };
    let status = Some(i64::from(answer.rcode));
    let down = |what: String| Reading {
        ms: Some(ms),
        status,
        ..Reading::down(Failure::Answer, what)
    };
    if answer.rcode != 0 {
        return down(format!(
            "{server} answered {} for {} {}",
            rcode_name(answer.rcode),
            d.record.as_str(),
            d.name
        ));
    }
    if answer.records.is_empty() {
        return down(format!(
            "{server} has no {} record for {}",
            d.record.as_str(),
            d.name
        ));
    }
    let shown = answer.records.join(", ");
    if let Some(want) = &d.expect {
        let norm = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
        if !answer.records.iter().any(|r| norm(r) == norm(want)) {
            return down(format!(
                "{} {} is {shown}, not {want}",
                d.record.as_str(),
                d.name
            ));
        }
    }
    Reading {
        status,
        ..Reading::up(ms, format!("{} {shown}", d.record.as_str()))
    }
}

/// The first `nameserver` of /etc/resolv.conf; 127.0.0.1 without one, as the C library does.
fn system_nameserver() -> String {
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .get(..2)
                .map(<[&str]>::to_vec)
        })
        .find(|f| f[0] == "nameserver")
        .map(|f| f[1].split('%').next().unwrap_or(f[1]).to_string())
        .unwrap_or_else(|| "127.0.0.1".into())
}

fn query_id() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ std::process::id().rotate_left(16)) as u16
}

/// A standard query with recursion desired.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = Vec::with_capacity(32 + name.len());
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.').filter(|l| !l.is_empty()) {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&qtype.to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes());
    q
}

fn ask_udp(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    deadline: Instant,
) -> Result<Vec<u8>, Reading> {
    let local = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = UdpSocket::bind(local)
        .and_then(|s| s.connect(server).map(|()| s))
        .map_err(|e| failed(&format!("opening a socket to {server}"), &e))?;
    socket
        .send(query)
        .map_err(|e| failed(&format!("asking {server}"), &e))?;
    let mut buf = vec![0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Reading::down(
                Failure::Timeout,
                format!("no answer from {server} in time"),
            ));
        }
        let _ = socket.set_read_timeout(Some(left));
        match socket.recv(&mut buf) {
            // Another query's late answer is not this one's.
            Ok(n) if n >= 2 && buf[..2] == id.to_be_bytes() => return Ok(buf[..n].to_vec()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(&format!("asking {server}"), &e)),
        }
    }
}

fn ask_tcp(host: &str, port: u16, query: &[u8], deadline: Instant) -> Result<Vec<u8>, Reading> {
    let mut stream = connect(host, port, deadline)?;
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    stream
        .write_all(&framed)
        .map_err(|e| failed("asking over TCP", &e))?;
    let mut len = [0u8; 2];
    stream
        .read_exact(&mut len)
        .map_err(|e| failed("reading the TCP answer", &e))?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream
        .read_exact(&mut reply)
        .map_err(|e| failed("reading the TCP answer", &e))?;
    Ok(reply)
}

#[derive(Debug, PartialEq)]
pub struct Answer {
    pub rcode: u8,
    /// The answers of the asked type, as dig +short writes them.
    pub records: Vec<String>,
}

/// Reads a reply to query `id`: its response code and the answers of type `qtype`.
pub fn parse_reply(msg: &[u8], id: u16, qtype: u16) -> Result<Answer, String> {
    let short = || "the answer is cut short".to_string();
    if msg.len() < 12 {
        return Err(short());
    }
    if msg[..2] != id.to_be_bytes() || msg[2] & 0x80 == 0 {
        return Err("the reply is not an answer to the query".into());
    }
    let rcode = msg[3] & 0x0f;
    let count = |i: usize| usize::from(u16::from_be_bytes([msg[i], msg[i + 1]]));
    let (questions, answers) = (count(4), count(6));
    let mut at = 12;
    for _ in 0..questions {
        at = skip_name(msg, at).ok_or_else(short)? + 4;
    }
    let mut records = Vec::new();
    for _ in 0..answers {
        at = skip_name(msg, at).ok_or_else(short)?;
        let head = msg.get(at..at + 10).ok_or_else(short)?;
        let rtype = u16::from_be_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_be_bytes([head[8], head[9]]));
        let start = at + 10;
        let data = msg.get(start..start + len).ok_or_else(short)?;
        if rtype == qtype {
            records.push(show_record(msg, start, data, rtype).ok_or_else(short)?);
        }
        at = start + len;
    }
    Ok(Answer { rcode, records })
}

/// Where the name at `at` ends.
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *msg.get(at)?;
        match len {
            0 => return Some(at + 1),
            l if l & 0xc0 == 0xc0 => return Some(at + 2),
            l => at += 1 + usize::from(l),
        }
    }
}

/// The name at `at`, pointers followed, with its final dot.
fn read_name(msg: &[u8], mut at: usize) -> Option<String> {
    let mut out = String::new();
    let mut jumps = 0;
    loop {
        let len = *msg.get(at)?;
        if len == 0 {
            break;
        }
        if len & 0xc0 == 0xc0 {
            jumps += 1;
            if jumps > 32 {
                return None;
            }
            at = usize::from(u16::from_be_bytes([len & 0x3f, *msg.get(at + 1)?]));
            continue;
        }
        let label = msg.get(at + 1..at + 1 + usize::from(len))?;
        out.push_str(&String::from_utf8_lossy(label));
        out.push('.');
        at += 1 + usize::from(len);
    }
    if out.is_empty() {
        out.push('.');
    }
    Some(out)
}

fn show_record(msg: &[u8], start: usize, data: &[u8], rtype: u16) -> Option<String> {
    let u16_at = |i: usize| Some(u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]));
    let u32_at = |i: usize| Some(u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?));
    Some(match rtype {
        1 => Ipv4Addr::from(<[u8; 4]>::try_from(data).ok()?).to_string(),
        28 => Ipv6Addr::from(<[u8; 16]>::try_from(data).ok()?).to_string(),
        2 | 5 | 12 => read_name(msg, start)?,
        15 => format!("{} {}", u16_at(0)?, read_name(msg, start + 2)?),
        16 => {
            let mut parts = Vec::new();
            let mut i = 0;
            while i < data.len() {
                let len = usize::from(data[i]);
                let text = data.get(i + 1..i + 1 + len)?;
                parts.push(format!("\"{}\"", String::from_utf8_lossy(text)));
                i += 1 + len;
            }
            parts.join(" ")
        }
        6 => {
            let mname = read_name(msg, start)?;
            let after = skip_name(msg, start)?;
            let rname = read_name(msg, after)?;
            let nums = skip_name(msg, after)? - start;
            let n: Vec<String> = (0..5)
                .map(|k| u32_at(nums + 4 * k).map(|v| v.to_string()))
                .collect::<Option<_>>()?;
            format!("{mname} {rname} {}", n.join(" "))
        }
        33 => format!(
            "{} {} {} {}",
            u16_at(0)?,
            u16_at(2)?,
            u16_at(4)?,
            read_name(msg, start + 6)?
        ),
        257 => {
            let flags = *data.first()?;
            let tag_len = usize::from(*data.get(1)?);
            let tag = String::from_utf8_lossy(data.get(2..2 + tag_len)?);
            let value = String::from_utf8_lossy(data.get(2 + tag_len..)?);
            format!("{flags} {tag} \"{value}\"")
        }
        _ => return None,
    })
}

fn rcode_name(code: u8) -> String {
    match code {
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN (no such name)".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        n => format!("response code {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::config::Record;

    #[test]
    fn queries_are_encoded_as_rfc_1035_writes_them() {
        let q = build_query(0x1234, "ex.org", Record::Mx.code());
        assert_eq!(
            q,
            [
                0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, b'e', b'x', 3, b'o', b'r', b'g', 0, 0,
                15, 0, 1
            ]
        );
    }

    #[test]
    fn answers_with_compressed_names_are_read() {
        let mut m = build_query(7, "ex.org", Record::Mx.code());
        m[2] = 0x81;
        m[3] = 0x80;
        m[7] = 2;
        // MX 10 mail.ex.org (the name's tail a pointer to the question), then an A record the
        // MX query did not ask for.
        m.extend_from_slice(&[0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9, 0, 10, 4]);
        m.extend_from_slice(b"mail");
        m.extend_from_slice(&[0xc0, 12]);
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]);
        let a = parse_reply(&m, 7, Record::Mx.code()).unwrap();
        assert_eq!(a.rcode, 0);
        assert_eq!(a.records, ["10 mail.ex.org."]);
        assert!(parse_reply(&m[..m.len() - 3], 7, 15).is_err());
        assert!(parse_reply(&m, 8, 15).is_err());
    }
}
