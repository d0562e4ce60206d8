//! HTTP and HTTPS probes: one HTTP/1.1 request per hop over a connection of their own (TLS by
//! rustls, the public roots of webpki-roots plus a probe's `ca_file`), redirects followed up to
//! ten hops when asked, the status and body checked, and the server certificate's expiry read
//! even when it is not trusted.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::config::{Http, Url};
use super::net::{connect, failed};
use super::{Failure, Reading, ms_since};

/// Redirects followed before giving up.
const MAX_HOPS: usize = 10;
/// The most of a response's head read.
const MAX_HEAD: usize = 64 * 1024;
/// The most of a body read for matching.
pub const MAX_BODY: usize = 1024 * 1024;

pub fn check(h: &Http, deadline: Instant) -> Reading {
    let start = Instant::now();
    let mut url = h.url.clone();
    let mut cert_expiry = None;
    for _hop in 0..=MAX_HOPS {
        let response = match fetch(h, &url, deadline) {
            Ok(r) => r,
            Err(mut reading) => {
                reading.cert_expiry = reading.cert_expiry.or(cert_expiry);
                return reading;
            }
        };
        // The first hop's certificate is the one the probe names.
        cert_expiry = cert_expiry.or(response.cert_expiry);
        let redirect = (300..400).contains(&response.status) && response.status != 304;
        if redirect && h.follow_redirects {
            let Some(location) = response.location.as_deref() else {
                return Reading {
                    status: Some(i64::from(response.status)),
                    cert_expiry,
                    ..Reading::down(
                        Failure::Protocol,
                        format!("{} redirect without a Location", response.status),
                    )
                };
            };
            match follow(&url, location) {
                Ok(next) => {
                    url = next;
                    continue;
                }
                Err(why) => {
                    return Reading {
                        status: Some(i64::from(response.status)),
                        cert_expiry,
                        ..Reading::down(Failure::Protocol, why)
                    };
                }
            }
        }
        let ms = ms_since(start);
        let line = format!("{} {}", response.status, response.reason);
        let line = if url == h.url {
            line
        } else {
            format!("{line} from {url}")
        };
        let accepted = h
            .status
            .iter()
            .any(|(a, b)| (*a..=*b).contains(&response.status));
        let mut reading = if !accepted {
            Reading {
                ms: Some(ms),
                ..Reading::down(
                    Failure::Status,
                    format!("{line} (expected {})", show_status(&h.status)),
                )
            }
        } else if let Some(m) = h
            .body
            .as_ref()
            .filter(|m| !m.found_in(&String::from_utf8_lossy(&response.body)))
        {
            let read = if response.body.len() >= MAX_BODY {
                " in the first MiB"
            } else {
                ""
            };
            Reading {
                ms: Some(ms),
                ..Reading::down(
                    Failure::Content,
                    format!("{line}, but the body lacks {}{read}", m.describe()),
                )
            }
        } else {
            Reading::up(ms, line)
        };
        reading.status = Some(i64::from(response.status));
        reading.cert_expiry = cert_expiry;
        return reading;
    }
    Reading {
        cert_expiry,
        ..Reading::down(
            Failure::Protocol,
            format!("more than {MAX_HOPS} redirects (last to {url})"),
        )
    }
}

fn show_status(ranges: &[(u16, u16)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The target of a redirect from `from`: absolute, scheme-relative or a path.
fn follow(from: &Url, location: &str) -> Result<Url, String> {
    if location.starts_with("http://") || location.starts_with("https://") {
        return Url::parse(location);
    }
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = if from.tls { "https" } else { "http" };
        return Url::parse(&format!("{scheme}://{rest}"));
    }
    let path = if location.starts_with('/') {
        location.to_string()
    } else {
        // Relative to the directory of the current path (RFC 3986 section 5.2, without dot
        // segments, which servers do not send in practice).
        let base = from.path.split('?').next().unwrap_or("/");
        let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{location}")
    };
    Url::parse(&format!(
        "{}://{}{path}",
        if from.tls { "https" } else { "http" },
        from.authority()
    ))
}

struct Response {
    status: u16,
    reason: String,
    location: Option<String>,
    body: Vec<u8>,
    cert_expiry: Option<i64>,
}

/// One request and its response.
fn fetch(h: &Http, url: &Url, deadline: Instant) -> Result<Response, Reading> {
    let mut tcp = connect(&url.host, url.port, deadline)?;
    let request = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: usage-sample/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        if h.head { "HEAD" } else { "GET" },
        url.path,
        url.authority(),
        env!("CARGO_PKG_VERSION"),
    );
    if !url.tls {
        return exchange(&mut tcp, &request, h, None);
    }
    let recorder = Arc::new(Recorder::new(h)?);
    let config = client_config(recorder.clone())?;
    let name = ServerName::try_from(url.host.clone()).map_err(|_| {
        Reading::down(
            Failure::Tls,
            format!("'{}' cannot be a TLS server name", url.host),
        )
    })?;
    let mut conn = rustls::ClientConnection::new(config, name)
        .map_err(|e| Reading::down(Failure::Tls, format!("TLS: {e}")))?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            let expiry = recorder.expiry();
            let mut reading = match e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                Some(tls) => Reading::down(Failure::Tls, format!("TLS handshake: {tls}")),
                None => failed("TLS handshake", &e),
            };
            reading.cert_expiry = expiry;
            return Err(reading);
        }
    }
    let expiry = recorder.expiry();
    let mut stream = rustls::Stream::new(&mut conn, &mut tcp);
    exchange(&mut stream, &request, h, expiry).map_err(|mut r| {
        r.cert_expiry = expiry;
        r
    })
}

/// Writes the request and reads the response: the head, then the body when it is to be matched.
fn exchange(
    stream: &mut impl ReadWrite,
    request: &str,
    h: &Http,
    cert_expiry: Option<i64>,
) -> Result<Response, Reading> {
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(|e| failed("sending the request", &e))?;
    let mut buf = Vec::with_capacity(8192);
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(Reading::down(
                Failure::Protocol,
                "the response's head is over 64 KiB",
            ));
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Err(Reading::down(
                    Failure::Protocol,
                    if buf.is_empty() {
                        "the server closed the connection without answering".to_string()
                    } else {
                        "the server closed the connection in the response's head".to_string()
                    },
                ));
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(Reading::down(
                    Failure::Protocol,
                    "the server closed the connection without answering",
                ));
            }
            Err(e) => return Err(failed("waiting for the response", &e)),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (version, code, reason) = (parts.next(), parts.next(), parts.next());
    let status = match (version, code.and_then(|c| c.parse::<u16>().ok())) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") && (100..=999).contains(&code) => code,
        _ => {
            let shown: String = status_line.chars().take(60).collect();
            return Err(Reading::down(
                Failure::Protocol,
                format!("not an HTTP response: '{}'", shown.escape_debug()),
            ));
        }
    };
    let mut location = None;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "location" => location = Some(value.to_string()),
            "content-length" => length = value.parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = buf[head_end + 4..].to_vec();
    let wanted = h.body.is_some() && !h.head && !(300..400).contains(&status);
    if wanted {
        read_body(stream, &mut body, length, chunked)?;
    }
    Ok(Response {
        status,
        reason: reason.unwrap_or_default().trim().to_string(),
        location,
        body,
        cert_expiry,
    })
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// Reads the rest of a body (up to [`MAX_BODY`]) into `body`, which holds what came with the
/// head; a chunked one is decoded.
fn read_body(
    stream: &mut impl Read,
    body: &mut Vec<u8>,
    length: Option<usize>,
    chunked: bool,
) -> Result<(), Reading> {
    let limit = if chunked {
        MAX_BODY + 64 * 1024
    } else {
        length.unwrap_or(MAX_BODY).min(MAX_BODY)
    };
    let mut chunk = [0u8; 16 * 1024];
    while body.len() < limit && !(chunked && find(body, b"\r\n0\r\n").is_some()) {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            // A server that closes without TLS's close_notify has still sent its body.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(failed("reading the body", &e)),
        }
    }
    if chunked {
        *body = dechunk(body);
    }
    body.truncate(MAX_BODY);
    Ok(())
}

/// The data of a chunked body, as far as it is whole.
fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(eol) = find(rest, b"\r\n") {
        let size = std::str::from_utf8(&rest[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|s| *s > 0) else {
            break;
        };
        let data = &rest[eol + 2..];
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        if take < size || data.len() < size + 2 {
            break;
        }
        rest = &data[size + 2..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config(verifier: Arc<Recorder>) -> Result<Arc<rustls::ClientConfig>, Reading> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Reading::down(Failure::Tls, format!("TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Verifies the server's certificate as webpki does (unless `tls_verify = false`) and keeps the
/// end certificate's expiry, which is read even when it is not trusted.
#[derive(Debug)]
struct Recorder {
    inner: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    expiry: Mutex<Option<i64>>,
}

impl Recorder {
    fn new(h: &Http) -> Result<Recorder, Reading> {
        let provider = provider();
        let inner = if h.tls_verify {
            let mut roots =
                RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(path) = &h.ca_file {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|i| i.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| {
                        Reading::down(Failure::Tls, format!("ca_file '{}': {e}", path.display()))
                    })?;
                if certs.is_empty() {
                    return Err(Reading::down(
                        Failure::Tls,
                        format!("ca_file '{}' holds no PEM certificate", path.display()),
                    ));
                }
                for cert in certs {
                    roots.add(cert).map_err(|e| {
                        Reading::down(Failure::Tls, format!("ca_file '{}': {e}", path.display()))
                    })?;
                }
            }
            Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Reading::down(Failure::Tls, format!("TLS: {e}")))?,
            )
        } else {
            None
        };
        Ok(Recorder {
            inner,
            algorithms: provider.signature_verification_algorithms,
            expiry: Mutex::new(None),
        })
    }

    fn expiry(&self) -> Option<i64> {
        self.expiry.lock().ok().and_then(|e| *e)
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut e) = self.expiry.lock() {
            *e = not_after(end_entity);
        }
        match &self.inner {
            Some(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The `notAfter` of an X.509 certificate, UTC seconds: the DER walked by hand to
/// tbsCertificate's validity (RFC 5280 section 4.1).
pub fn not_after(der: &[u8]) -> Option<i64> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    // [0] version (optional), serialNumber, signature, issuer, then validity.
    let (tag, _, after) = tlv(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    for _ in 0..3 {
        rest = tlv(rest)?.2;
    }
    let (tag, validity, _) = tlv(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, after_before) = tlv(validity)?;
    let (tag, time, _) = tlv(after_before)?;
    let text = std::str::from_utf8(time).ok()?;
    let full = match tag {
        // UTCTime: YYMMDDHHMMSSZ, years 1950 to 2049.
        0x17 => {
            let yy: i32 = text.get(..2)?.parse().ok()?;
            format!("{}{text}", if yy >= 50 { "19" } else { "20" })
        }
        // GeneralizedTime: YYYYMMDDHHMMSSZ.
        0x18 => text.to_string(),
        _ => return None,
    };
    let t = chrono::NaiveDateTime::parse_from_str(full.strip_suffix('Z')?, "%Y%m%d%H%M%S").ok()?;
    Some(t.and_utc().timestamp())
}

/// One DER element: its tag, its contents and what follows it.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)?;
    let (len, start) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = data
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let end = start.checked_add(len)?;
    Some((tag, data.get(start..end)?, data.get(end..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_decoded() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
        assert_eq!(dechunk(b"5;ext=1\r\nhel"), b"hel");
        assert_eq!(dechunk(b"zz\r\n"), b"");
    }

    #[test]
    fn redirects_resolve_against_the_current_url() {
        let from = Url::parse("https://example.com:8443/a/b?x=1").unwrap();
        let to = |l: &str| follow(&from, l).unwrap().to_string();
        assert_eq!(to("/c"), "https://example.com:8443/c");
        assert_eq!(to("c?y"), "https://example.com:8443/a/c?y");
        assert_eq!(to("//other.org/d"), "https://other.org/d");
        assert_eq!(to("http://plain.org"), "http://plain.org/");
    }
}
