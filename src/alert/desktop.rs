//! The desktop channel: a notification through the freedesktop notification service
//! (`org.freedesktop.Notifications`) on the user's session bus, spoken to in D-Bus's own wire
//! format over its Unix socket: no daemon of ours, no library, no program run.
//!
//! One connection per notification: authenticate (EXTERNAL, by our uid), `Hello`, then
//! `Notify` and its reply. Only what that needs of the protocol is here: little-endian
//! messages out, either byte order in.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// What the notification says.
pub struct Notification<'a> {
    pub summary: &'a str,
    pub body: &'a str,
    /// 0 low, 1 normal, 2 critical (the specification's urgency levels).
    pub urgency: u8,
    /// The icon name from the freedesktop icon naming specification.
    pub icon: &'a str,
}

/// Where the session bus is: `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`, else
/// `/run/user/UID/bus` (where systemd puts it; what a crontab entry without the variable finds).
pub fn session_address(vars: &BTreeMap<String, String>, uid: u32) -> String {
    if let Some(a) = vars
        .get("DBUS_SESSION_BUS_ADDRESS")
        .filter(|a| !a.is_empty())
    {
        return a.clone();
    }
    match vars.get("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => format!("unix:path={dir}/bus"),
        None => format!("unix:path=/run/user/{uid}/bus"),
    }
}

/// Sends `n` to the notification service on the bus at `address`; returns the id the service
/// gave it. Errors say what was missing: the bus, or a notification service on it.
pub fn notify(address: &str, uid: u32, n: &Notification, timeout: Duration) -> Result<u32, String> {
    let stream = connect(address)?;
    let fail = |e: std::io::Error| format!("session bus {address}: {e}");
    stream.set_read_timeout(Some(timeout)).map_err(fail)?;
    stream.set_write_timeout(Some(timeout)).map_err(fail)?;
    let mut writer = stream.try_clone().map_err(fail)?;
    let mut reader = BufReader::new(stream);
    let io = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            format!(
                "session bus {address}: no answer within {}s",
                timeout.as_secs()
            )
        } else {
            format!("session bus {address}: {e}")
        }
    };
    // SASL: EXTERNAL with our uid in hex of its decimal digits, as the specification says.
    let hex: String = uid
        .to_string()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    writer
        .write_all(format!("\0AUTH EXTERNAL {hex}\r\n").as_bytes())
        .map_err(io)?;
    let mut line = String::new();
    reader.read_line(&mut line).map_err(io)?;
    if !line.starts_with("OK ") {
        return Err(format!(
            "session bus {address} refused us (uid {uid}): {} (a session bus serves only the user who owns it: run usage-alert from that user's crontab)",
            line.trim_end()
        ));
    }
    writer.write_all(b"BEGIN\r\n").map_err(io)?;
    let bus = [
        (PATH, "/org/freedesktop/DBus"),
        (INTERFACE, "org.freedesktop.DBus"),
        (MEMBER, "Hello"),
        (DESTINATION, "org.freedesktop.DBus"),
    ];
    writer.write_all(&call(1, &bus, "", &[])).map_err(io)?;
    reply(&mut reader, 1).map_err(|e| e.said(address, io))?;
    let target = [
        (PATH, "/org/freedesktop/Notifications"),
        (INTERFACE, "org.freedesktop.Notifications"),
        (MEMBER, "Notify"),
        (DESTINATION, "org.freedesktop.Notifications"),
    ];
    writer
        .write_all(&call(2, &target, NOTIFY_SIGNATURE, &notify_body(n)))
        .map_err(io)?;
    let body = reply(&mut reader, 2).map_err(|e| e.said(address, io))?;
    Ok(body.first_u32().unwrap_or(0))
}

/// Connects to the first address of `address` (`unix:path=...` or `unix:abstract=...`,
/// several separated by `;`) that answers.
fn connect(address: &str) -> Result<UnixStream, String> {
    let mut last = format!("session bus address '{address}' has no unix:path= or unix:abstract=");
    for one in address.split(';').filter(|a| !a.is_empty()) {
        let Some(keys) = one.strip_prefix("unix:") else {
            last = format!(
                "session bus address '{one}' is not a unix: address (expected unix:path=/run/user/UID/bus)"
            );
            continue;
        };
        let keys: BTreeMap<&str, String> = keys
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k, unescape(v)))
            .collect();
        let attempt = if let Some(path) = keys.get("path") {
            UnixStream::connect(path)
        } else if let Some(name) = keys.get("abstract") {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
                .and_then(|a| UnixStream::connect_addr(&a))
        } else {
            continue;
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(e) => {
                last = format!(
                    "no session bus at {one} ({e}); from cron, set DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus in the desktop user's crontab, and the user must be logged in"
                );
            }
        }
    }
    Err(last)
}

/// A D-Bus address value with its %XX escapes undone.
fn unescape(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = v
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const PATH: u8 = 1;
const INTERFACE: u8 = 2;
const MEMBER: u8 = 3;
const ERROR_NAME: u8 = 4;
const REPLY_SERIAL: u8 = 5;
const DESTINATION: u8 = 6;
const SIGNATURE: u8 = 8;

const METHOD_CALL: u8 = 1;
const METHOD_RETURN: u8 = 2;
const ERROR: u8 = 3;

/// Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout).
const NOTIFY_SIGNATURE: &str = "susssasa{sv}i";

/// A little-endian D-Bus message being written; offsets count from its first byte.
#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn pad(&mut self, align: usize) {
        while !self.buf.len().is_multiple_of(align) {
            self.buf.push(0);
        }
    }

    fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    fn u32(&mut self, v: u32) {
        self.pad(4);
        self.buf.extend(v.to_le_bytes());
    }

    fn i32(&mut self, v: i32) {
        self.pad(4);
        self.buf.extend(v.to_le_bytes());
    }

    /// A string or object path: its length, its bytes, a NUL.
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.buf.extend(s.as_bytes());
        self.buf.push(0);
    }

    fn signature(&mut self, s: &str) {
        self.byte(s.len() as u8);
        self.buf.extend(s.as_bytes());
        self.buf.push(0);
    }

    /// An array: its length in bytes (after the padding to its elements' alignment), then
    /// what `elements` writes.
    fn array(&mut self, align: usize, elements: impl FnOnce(&mut Writer)) {
        self.u32(0);
        let at = self.buf.len() - 4;
        self.pad(align);
        let start = self.buf.len();
        elements(self);
        let len = (self.buf.len() - start) as u32;
        self.buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
}

/// A method call with its header fields (all strings, the path an object path) and body.
fn call(serial: u32, fields: &[(u8, &str)], signature: &str, body: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    w.byte(b'l');
    w.byte(METHOD_CALL);
    w.byte(0);
    w.byte(1);
    w.u32(body.len() as u32);
    w.u32(serial);
    w.array(8, |w| {
        for &(code, value) in fields {
            w.pad(8);
            w.byte(code);
            w.signature(if code == PATH { "o" } else { "s" });
            w.str(value);
        }
        if !signature.is_empty() {
            w.pad(8);
            w.byte(SIGNATURE);
            w.signature("g");
            w.signature(signature);
        }
    });
    w.pad(8);
    w.buf.extend(body);
    w.buf
}

fn notify_body(n: &Notification) -> Vec<u8> {
    let mut w = Writer::default();
    w.str("usage-alert");
    w.u32(0);
    w.str(n.icon);
    w.str(n.summary);
    w.str(n.body);
    w.array(4, |_| {});
    w.array(8, |w| {
        w.pad(8);
        w.str("urgency");
        w.signature("y");
        w.byte(n.urgency);
        w.pad(8);
        w.str("desktop-entry");
        w.signature("s");
        w.str("usage-alert");
    });
    // -1: the server's own default for how long it stays.
    w.i32(-1);
    w.buf
}

/// Why no reply came: the connection failed, or the peer answered with an error.
enum Fault {
    Io(std::io::Error),
    Said { name: String, message: String },
    Garbled(String),
}

impl Fault {
    fn said(self, address: &str, io: impl Fn(std::io::Error) -> String) -> String {
        match self {
            Fault::Io(e) => io(e),
            Fault::Said { name, message }
                if name == "org.freedesktop.DBus.Error.ServiceUnknown" =>
            {
                format!(
                    "the session bus {address} has no notification service ({name}: {message}); is a desktop session with a notification daemon running?"
                )
            }
            Fault::Said { name, message } => format!("session bus {address}: {name}: {message}"),
            Fault::Garbled(what) => format!("session bus {address}: {what}"),
        }
    }
}

/// A message read: its header fields that matter here, and its body.
struct Message {
    kind: u8,
    reply_serial: Option<u32>,
    error_name: Option<String>,
    signature: String,
    little: bool,
    body: Vec<u8>,
}

impl Message {
    fn first_u32(&self) -> Option<u32> {
        (self.signature.starts_with('u') && self.body.len() >= 4)
            .then(|| read_u32(&self.body[..4], self.little))
    }

    fn first_string(&self) -> Option<String> {
        if !self.signature.starts_with('s') {
            return None;
        }
        let mut r = Reader {
            buf: &self.body,
            at: 0,
            little: self.little,
        };
        r.string()
    }
}

/// Reads messages until the reply to `serial` (signals, such as NameAcquired, are passed over).
fn reply(reader: &mut impl Read, serial: u32) -> Result<Message, Fault> {
    loop {
        let m = read_message(reader)?;
        if m.reply_serial != Some(serial) {
            continue;
        }
        return match m.kind {
            METHOD_RETURN => Ok(m),
            ERROR => Err(Fault::Said {
                name: m.error_name.clone().unwrap_or_default(),
                message: m.first_string().unwrap_or_default(),
            }),
            other => Err(Fault::Garbled(format!(
                "message type {other} in reply to call {serial}"
            ))),
        };
    }
}

fn read_u32(b: &[u8], little: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if little {
        u32::from_le_bytes(a)
    } else {
        u32::from_be_bytes(a)
    }
}

/// The longest message we read: replies and signals here are a few hundred bytes.
const MAX_MESSAGE: usize = 1 << 20;

fn read_message(reader: &mut impl Read) -> Result<Message, Fault> {
    let mut fixed = [0u8; 16];
    reader.read_exact(&mut fixed).map_err(Fault::Io)?;
    let little = match fixed[0] {
        b'l' => true,
        b'B' => false,
        other => return Err(Fault::Garbled(format!("byte order mark {other:#04x}"))),
    };
    let body_len = read_u32(&fixed[4..8], little) as usize;
    let fields_len = read_u32(&fixed[12..16], little) as usize;
    if body_len > MAX_MESSAGE || fields_len > MAX_MESSAGE {
        return Err(Fault::Garbled(format!(
            "a message of {} bytes",
            body_len + fields_len
        )));
    }
    let header_len = (16 + fields_len).div_ceil(8) * 8;
    let mut header = fixed.to_vec();
    header.resize(header_len, 0);
    reader.read_exact(&mut header[16..]).map_err(Fault::Io)?;
    let mut body = vec![0; body_len];
    reader.read_exact(&mut body).map_err(Fault::Io)?;
    let mut m = Message {
        kind: fixed[1],
        reply_serial: None,
        error_name: None,
        signature: String::new(),
        little,
        body,
    };
    let mut r = Reader {
        buf: &header[..16 + fields_len],
        at: 16,
        little,
    };
    while r.at < r.buf.len() {
        r.align(8);
        let garbled = || Fault::Garbled("a header field that does not read".into());
        let code = r.byte().ok_or_else(garbled)?;
        let sig = r.signature().ok_or_else(garbled)?;
        match sig.as_str() {
            "s" | "o" => {
                let s = r.string().ok_or_else(garbled)?;
                if code == ERROR_NAME {
                    m.error_name = Some(s);
                }
            }
            "g" => {
                let s = r.signature().ok_or_else(garbled)?;
                if code == SIGNATURE {
                    m.signature = s;
                }
            }
            "u" => {
                let v = r.u32().ok_or_else(garbled)?;
                if code == REPLY_SERIAL {
                    m.reply_serial = Some(v);
                }
            }
            other => {
                return Err(Fault::Garbled(format!("a header field of type '{other}'")));
            }
        }
    }
    Ok(m)
}

/// Reads D-Bus values from a buffer whose offset 0 is aligned to 8.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
    little: bool,
}

impl Reader<'_> {
    fn align(&mut self, n: usize) {
        self.at = self.at.div_ceil(n) * n;
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        self.align(4);
        let b = self.buf.get(self.at..self.at + 4)?;
        self.at += 4;
        Some(read_u32(b, self.little))
    }

    fn string(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        let b = self.buf.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(String::from_utf8_lossy(b).into_owned())
    }

    fn signature(&mut self) -> Option<String> {
        let len = usize::from(self.byte()?);
        let b = self.buf.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(String::from_utf8_lossy(b).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_bus_is_found_as_cron_would_need_it() {
        let vars = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            session_address(
                &vars(&[("DBUS_SESSION_BUS_ADDRESS", "unix:abstract=/tmp/x")]),
                7
            ),
            "unix:abstract=/tmp/x"
        );
        assert_eq!(
            session_address(&vars(&[("XDG_RUNTIME_DIR", "/run/user/7")]), 7),
            "unix:path=/run/user/7/bus"
        );
        assert_eq!(
            session_address(&vars(&[]), 1000),
            "unix:path=/run/user/1000/bus"
        );
        assert_eq!(unescape("/tmp/a%20b%2c"), "/tmp/a b,");
        let e = connect("tcp:host=localhost,port=1").unwrap_err();
        assert!(e.contains("is not a unix: address"), "{e}");
        let e = connect("unix:path=/nonexistent/bus").unwrap_err();
        assert!(
            e.contains("no session bus at unix:path=/nonexistent/bus ("),
            "{e}"
        );
        assert!(
            e.contains("DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus"),
            "{e}"
        );
    }

    #[test]
    fn a_call_is_laid_out_as_the_specification_says() {
        // Hello, as dbus-send writes it: 16 fixed bytes, the fields padded to 8, no body.
        let m = call(
            1,
            &[(PATH, "/org/freedesktop/DBus"), (MEMBER, "Hello")],
            "",
            &[],
        );
        assert_eq!(&m[..4], b"l\x01\x00\x01");
        assert_eq!(read_u32(&m[4..8], true), 0);
        assert_eq!(read_u32(&m[8..12], true), 1);
        // Field 1: code, signature "o", the path's length, the path, NUL; field 3 at the next
        // multiple of 8.
        assert_eq!(&m[16..20], b"\x01\x01o\x00");
        assert_eq!(read_u32(&m[20..24], true), 21);
        assert_eq!(&m[24..45], b"/org/freedesktop/DBus");
        assert_eq!(&m[48..52], b"\x03\x01s\x00");
        // The fields end at 62 (46 bytes after the fixed part); the message is padded to 64.
        assert_eq!(read_u32(&m[12..16], true), 46);
        assert_eq!(m.len(), 64);
        // Read back: the same fields.
        let back = read_message(&mut &m[..]).ok().unwrap();
        assert_eq!((back.kind, back.reply_serial), (METHOD_CALL, None));
        // The Notify body: strings, an empty array, the hints as dict entries at 8.
        let body = notify_body(&Notification {
            summary: "s",
            body: "b",
            urgency: 2,
            icon: "dialog-error",
        });
        let mut r = Reader {
            buf: &body,
            at: 0,
            little: true,
        };
        assert_eq!(r.string().as_deref(), Some("usage-alert"));
        assert_eq!(r.u32(), Some(0));
        assert_eq!(r.string().as_deref(), Some("dialog-error"));
        assert_eq!(r.string().as_deref(), Some("s"));
        assert_eq!(r.string().as_deref(), Some("b"));
        assert_eq!(r.u32(), Some(0));
        let hints = r.u32().unwrap() as usize;
        r.align(8);
        let end = r.at + hints;
        assert_eq!(r.string().as_deref(), Some("urgency"));
        assert_eq!(r.signature().as_deref(), Some("y"));
        assert_eq!(r.byte(), Some(2));
        r.at = end;
        r.align(4);
        assert_eq!(
            r.buf
                .get(r.at..r.at + 4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            Some(-1)
        );
    }
}
