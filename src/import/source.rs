//! Opening what the user named as a CSV file, and refusing early what is not one: directories,
//! empty files, binary files, JSON, UTF-16 text, lines too long to be CSV.
//!
//! An input can be read twice (a file without years in its dates is scanned once to place them),
//! so standard input that is not a regular file is first copied to an unnamed temporary file.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::fd::AsFd;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The longest line accepted: far beyond any ledger, small enough to bound memory.
pub const MAX_LINE: usize = 1 << 20;

/// A named input positioned at its first byte of CSV (after any byte-order mark).
pub struct Input {
    /// As shown in messages: the path given, or "<stdin>".
    pub name: String,
    file: File,
    start: u64,
    /// Bytes of CSV, for the progress bar.
    pub size: u64,
    pub delimiter: u8,
}

impl Input {
    /// Opens `path` ("-" is standard input) and checks that it looks like CSV text.
    /// `delimiter` forces one; otherwise it is guessed from the header line.
    pub fn open(path: &Path, delimiter: Option<u8>) -> Result<Input> {
        let (name, mut file) = if path == Path::new("-") {
            ("<stdin>".to_string(), stdin_file()?)
        } else {
            let name = path.display().to_string();
            let file = File::open(path).with_context(|| format!("cannot open '{name}'"))?;
            (name, file)
        };
        let meta = file
            .metadata()
            .with_context(|| format!("cannot read '{name}'"))?;
        if meta.is_dir() {
            bail!("'{name}' is a directory (expected a CSV file)");
        }
        let start = file
            .stream_position()
            .with_context(|| format!("cannot read '{name}'"))?;
        let mut head = Vec::with_capacity(8192);
        (&mut file)
            .take(8192)
            .read_to_end(&mut head)
            .with_context(|| format!("cannot read '{name}'"))?;
        let (skip, delimiter) = sniff(&name, &head, delimiter)?;
        let size = meta.len().saturating_sub(start + skip);
        Ok(Input {
            name,
            file,
            start: start + skip,
            size,
            delimiter,
        })
    }

    /// A reader from the first byte of CSV, refusing lines longer than [`MAX_LINE`].
    pub fn reader(&mut self) -> Result<LineGuard<BufReader<File>>> {
        let mut file = self
            .file
            .try_clone()
            .with_context(|| format!("cannot read '{}'", self.name))?;
        file.seek(SeekFrom::Start(self.start))
            .with_context(|| format!("cannot read '{}'", self.name))?;
        Ok(LineGuard::new(BufReader::with_capacity(64 * 1024, file)))
    }
}

/// Standard input as a seekable file: itself when it is one, else a private temporary copy.
fn stdin_file() -> Result<File> {
    let fd = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .context("cannot read standard input")?;
    let file = File::from(fd);
    if file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(file);
    }
    let mut copy =
        tempfile::tempfile().context("cannot create a temporary copy of standard input")?;
    let mut guard = LineGuard::new(BufReader::new(file));
    io::copy(&mut guard, &mut copy).map_err(|e| describe(e, "<stdin>"))?;
    copy.seek(SeekFrom::Start(0))?;
    Ok(copy)
}

/// Checks the first bytes; returns the byte-order mark's length and the delimiter.
fn sniff(name: &str, head: &[u8], forced: Option<u8>) -> Result<(u64, u8)> {
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        bail!("'{name}' is UTF-16 text (save it as UTF-8, e.g. \"CSV UTF-8\" in a spreadsheet)");
    }
    let bom = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let text = &head[bom..];
    if text.iter().all(u8::is_ascii_whitespace) {
        bail!("'{name}' is empty (expected a header line such as 'Date,Location1,Location2')");
    }
    if text.contains(&0) {
        bail!("'{name}' is a binary file, not CSV text");
    }
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let logged_json = first_line.windows(4).any(|w| w == b" - {") || first_line.starts_with(b"{");
    if logged_json {
        bail!(
            "'{name}' looks like an application's usage log (JSON events), not CSV: import it with usage-import events --app NAME '{name}'"
        );
    }
    if let Some(&first) = text.iter().find(|b| !b.is_ascii_whitespace())
        && (first == b'{' || first == b'[')
    {
        bail!(
            "'{name}' looks like JSON, not CSV (expected a header line such as 'Date,Location1,Location2'; session_*.json files are imported with usage-import events --app NAME)"
        );
    }
    let delimiter = forced.unwrap_or_else(|| guess_delimiter(text));
    Ok((bom as u64, delimiter))
}

/// The most frequent of ',', ';' and tab outside quotes on the first line; ',' when none is.
fn guess_delimiter(text: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// The error a [`LineGuard`] returns for an over-long line.
#[derive(Debug, thiserror::Error)]
#[error("line {line} is longer than {} MiB: this is not a CSV ledger", MAX_LINE >> 20)]
pub struct LineTooLong {
    pub line: u64,
}

/// Turns a read error into a message naming the input, recognising [`LineTooLong`].
pub fn describe(e: io::Error, name: &str) -> anyhow::Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<LineTooLong>())
    {
        Some(long) => anyhow::anyhow!("{name}: {long}"),
        None => anyhow::Error::new(e).context(format!("cannot read '{name}'")),
    }
}

/// Passes bytes through, failing once a line grows past [`MAX_LINE`]: the CSV parser would
/// otherwise buffer a 10 GB line whole. Counts the bytes passed for the progress bar.
pub struct LineGuard<R> {
    inner: R,
    line: u64,
    line_len: usize,
    pub consumed: u64,
}

impl<R: Read> LineGuard<R> {
    fn new(inner: R) -> Self {
        LineGuard {
            inner,
            line: 1,
            line_len: 0,
            consumed: 0,
        }
    }
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        match chunk.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
                self.line_len = n - last - 1;
            }
            None => self.line_len += n,
        }
        if self.line_len > MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                LineTooLong { line: self.line },
            ));
        }
        self.consumed += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_guessed_from_the_header() {
        assert_eq!(guess_delimiter(b"Date,A,B\n1;2;3;4;5"), b',');
        assert_eq!(guess_delimiter(b"Datum;A;B\r\n"), b';');
        assert_eq!(guess_delimiter(b"date\tlocation\tusage"), b'\t');
        assert_eq!(guess_delimiter(b"\"a;b;c\",x,y"), b',');
        assert_eq!(guess_delimiter(b"date"), b',');
    }

    #[test]
    fn what_is_not_csv_is_refused() {
        let msg = |head: &[u8]| sniff("f", head, None).unwrap_err().to_string();
        assert!(msg(b"").contains("is empty"));
        assert!(msg(b" \n\r\n").contains("is empty"));
        assert!(msg(b"\xef\xbb\xbf").contains("is empty"));
        assert!(msg(b"PK\x03\x04\0\0").contains("binary"));
        assert!(msg(b"  {\"a\": 1}").contains("JSON"));
        assert!(msg(b"{\"event\": \"user_action\"}\n").contains("usage-import events"));
        assert!(
            msg(b"2024-01-01 12:00:00 - INFO - {\"event\": \"session_start\"}\n")
                .contains("usage log (JSON events)")
        );
        assert!(msg(b"[1,2]").contains("JSON"));
        assert!(msg(b"\xff\xfeD\0a\0").contains("UTF-16"));
        assert_eq!(sniff("f", b"\xef\xbb\xbfDate;A", None).unwrap(), (3, b';'));
        assert_eq!(sniff("f", b"Date;A", Some(b',')).unwrap(), (0, b','));
    }

    #[test]
    fn the_guard_stops_an_endless_line_and_passes_normal_ones() {
        let long = vec![b'x'; MAX_LINE + 10];
        let mut guard = LineGuard::new(BufReader::new(&b"a,b\n"[..]).chain(&long[..]));
        let err = io::copy(&mut guard, &mut io::sink()).unwrap_err();
        assert_eq!(
            describe(err, "f").to_string(),
            "f: line 2 is longer than 1 MiB: this is not a CSV ledger"
        );
        let lines = "a,b\n".repeat(MAX_LINE);
        let mut guard = LineGuard::new(BufReader::new(lines.as_bytes()));
        assert_eq!(
            io::copy(&mut guard, &mut io::sink()).unwrap(),
            lines.len() as u64
        );
        assert_eq!(guard.consumed, lines.len() as u64);
    }
}
