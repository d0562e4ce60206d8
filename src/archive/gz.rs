//! Gzip files that are written and read on every core.
//!
//! A backup is a series of independent gzip members of at most [`CHUNK`] bytes of input each,
//! compressed by libdeflate in parallel. Every member's header carries the member's length in an
//! extra field (subfield `UB`, as BGZF does with `BC`), so a reader finds the members without
//! inflating them and can inflate them in parallel too. To gzip, zcat and every other reader the
//! file is one ordinary stream. Files from other tools (plain gzip) are read with a streaming
//! decoder instead.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;

use sha2::{Digest, Sha256};

/// Input bytes per member: large enough that the 32 KiB window lost at each boundary costs
/// nothing measurable, small enough that a batch of them stays well inside the memory bound.
pub const CHUNK: usize = 4 << 20;

/// The most a member may claim to inflate to: a larger claim is damage, not a big chunk.
const MAX_MEMBER: u32 = 64 << 20;

const HEADER: usize = 20;
const TRAILER: usize = 8;

/// What went wrong while reading a compressed file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Damaged(String),
    #[error(transparent)]
    Read(io::Error),
    #[error(transparent)]
    Write(io::Error),
}

/// How many members are compressed or inflated at once.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Compresses `len` bytes of `src` into `out`; `progress` is told how many input bytes are done.
pub fn compress(
    src: &File,
    len: u64,
    level: i32,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> io::Result<()> {
    let level = libdeflater::CompressionLvl::new(level)
        .map_err(|_| io::Error::other(format!("compression level {level} is not 0 to 12")))?;
    let chunks = len.div_ceil(CHUNK as u64).max(1);
    let batch = workers() as u64;
    let mut first = 0;
    while first < chunks {
        let last = (first + batch).min(chunks);
        let members = std::thread::scope(|s| {
            let handles: Vec<_> = (first..last)
                .map(|i| {
                    s.spawn(move || {
                        let start = i * CHUNK as u64;
                        let size = (len - start.min(len)).min(CHUNK as u64) as usize;
                        let mut input = vec![0; size];
                        src.read_exact_at(&mut input, start)?;
                        Ok(member(&input, level))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(io::Error::other("compressor panicked")))
                })
                .collect::<io::Result<Vec<Vec<u8>>>>()
        })?;
        for m in &members {
            out.write_all(m)?;
        }
        progress((last * CHUNK as u64).min(len));
        first = last;
    }
    Ok(())
}

/// One gzip member holding `input`, its length in the header's extra field.
fn member(input: &[u8], level: libdeflater::CompressionLvl) -> Vec<u8> {
    let mut c = libdeflater::Compressor::new(level);
    let bound = c.deflate_compress_bound(input.len());
    let mut out = vec![0; HEADER + bound + TRAILER];
    let n = c
        .deflate_compress(input, &mut out[HEADER..HEADER + bound])
        .expect("the buffer holds the compress bound");
    out.truncate(HEADER + n + TRAILER);
    let total = out.len() as u32;
    // ID1 ID2 CM=deflate FLG=FEXTRA, MTIME=0, XFL=0, OS=Unix, XLEN=8, 'U' 'B' LEN=4 total.
    out[..16].copy_from_slice(&[0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 8, 0, b'U', b'B', 4, 0]);
    out[16..20].copy_from_slice(&total.to_le_bytes());
    let tail = HEADER + n;
    out[tail..tail + 4].copy_from_slice(&libdeflater::crc32(input).to_le_bytes());
    out[tail + 4..].copy_from_slice(&(input.len() as u32).to_le_bytes());
    out
}

/// The length a member header of ours announces, or None for any other gzip header.
fn our_member_len(header: &[u8; HEADER]) -> Option<usize> {
    let ours = header[..4] == [0x1f, 0x8b, 8, 4] && header[10..16] == [8, 0, b'U', b'B', 4, 0];
    let len = u32::from_le_bytes([header[16], header[17], header[18], header[19]]) as usize;
    (ours && len >= HEADER + TRAILER).then_some(len)
}

/// Inflates `input` into `out` and returns the SHA-256 of the compressed bytes read and the
/// number of bytes written. `progress` is told how many compressed bytes are done.
pub fn decompress(
    input: &mut dyn Read,
    out: &mut (dyn Write + Send),
    progress: &dyn Fn(u64),
) -> Result<([u8; 32], u64), ReadError> {
    let mut hash = Sha256::new();
    let mut read = 0u64;
    // A writer thread writes one batch while the next is read and inflated.
    let (foreign, mut written) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let sink = &mut *out;
        let writer = s.spawn(move || -> io::Result<u64> {
            let mut n = 0;
            for batch in rx {
                for data in &batch {
                    sink.write_all(data)?;
                    n += data.len() as u64;
                }
            }
            Ok(n)
        });
        let result = read_members(input, &mut hash, &mut read, &tx, progress);
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer panicked")));
        match (result, written) {
            (_, Err(e)) => Err(ReadError::Write(e)),
            (Err(e), _) => Err(e),
            (Ok(foreign), Ok(n)) => Ok((foreign, n)),
        }
    })?;
    match foreign {
        Some(prefix) if read == 0 && prefix.len() < 2 => {
            Err(ReadError::Damaged("the file is empty or not gzip".into()))
        }
        Some(prefix) => {
            written += stream(prefix, input, out, &mut hash, read)?;
            Ok((hash.finalize().into(), written))
        }
        None if read == 0 => Err(ReadError::Damaged("the file is empty".into())),
        None => Ok((hash.finalize().into(), written)),
    }
}

/// Reads, hashes and inflates the members of ours, sending each inflated batch to `tx`; returns
/// what was read of a header that is not ours, if one came before the end.
fn read_members(
    input: &mut dyn Read,
    hash: &mut Sha256,
    read: &mut u64,
    tx: &std::sync::mpsc::SyncSender<Vec<Vec<u8>>>,
    progress: &dyn Fn(u64),
) -> Result<Option<Vec<u8>>, ReadError> {
    let batch = workers();
    loop {
        // Gather a batch of members of ours; stop at the end or at a foreign header.
        let mut members: Vec<Vec<u8>> = Vec::with_capacity(batch);
        let mut foreign: Option<Vec<u8>> = None;
        while members.len() < batch {
            let mut header = [0u8; HEADER];
            let got = read_full(input, &mut header).map_err(ReadError::Read)?;
            if got < HEADER {
                if got > 0 {
                    foreign = Some(header[..got].to_vec());
                }
                break;
            }
            let Some(len) = our_member_len(&header) else {
                foreign = Some(header.to_vec());
                break;
            };
            let mut m = vec![0; len];
            m[..HEADER].copy_from_slice(&header);
            let got = read_full(input, &mut m[HEADER..]).map_err(ReadError::Read)?;
            if got < len - HEADER {
                hash.update(&m[..HEADER + got]);
                return Err(ReadError::Damaged(format!(
                    "the file is truncated: it ends {} bytes into a member that starts at byte {} and should be {len} bytes long",
                    HEADER + got,
                    *read + members.iter().map(|m| m.len() as u64).sum::<u64>()
                )));
            }
            members.push(m);
        }
        let at = *read;
        for m in &members {
            hash.update(m);
            *read += m.len() as u64;
        }
        if !members.is_empty() {
            let inflated = inflate_batch(&members, at)?;
            if tx.send(inflated).is_err() {
                // The writer failed; it reports why.
                return Ok(None);
            }
            progress(*read);
        }
        if foreign.is_some() || members.is_empty() {
            return Ok(foreign);
        }
    }
}

/// Inflates members in parallel, checking each one's CRC and length.
fn inflate_batch(members: &[Vec<u8>], mut offset: u64) -> Result<Vec<Vec<u8>>, ReadError> {
    let offsets: Vec<u64> = members
        .iter()
        .map(|m| {
            let at = offset;
            offset += m.len() as u64;
            at
        })
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = members
            .iter()
            .zip(&offsets)
            .map(|(m, &at)| s.spawn(move || inflate_member(m, at)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(ReadError::Damaged("inflater panicked".into())))
            })
            .collect()
    })
}

fn inflate_member(m: &[u8], at: u64) -> Result<Vec<u8>, ReadError> {
    let damaged = |what: &str| ReadError::Damaged(format!("the member at byte {at} {what}"));
    let tail = m.len() - TRAILER;
    let crc = u32::from_le_bytes([m[tail], m[tail + 1], m[tail + 2], m[tail + 3]]);
    let size = u32::from_le_bytes([m[tail + 4], m[tail + 5], m[tail + 6], m[tail + 7]]);
    if size > MAX_MEMBER {
        return Err(damaged(&format!(
            "claims {size} bytes, more than a member holds"
        )));
    }
    let mut data = vec![0; size as usize];
    let n = libdeflater::Decompressor::new()
        .deflate_decompress(&m[HEADER..tail], &mut data)
        .map_err(|e| damaged(&format!("does not inflate ({e:?})")))?;
    if n != data.len() {
        return Err(damaged(&format!(
            "inflates to {n} bytes, not the {size} its trailer says"
        )));
    }
    if libdeflater::crc32(&data) != crc {
        return Err(damaged("fails its CRC check"));
    }
    Ok(data)
}

/// Reads a gzip stream of another tool's making with a streaming decoder: `prefix` is what was
/// already read of it, `read` how many bytes came before.
fn stream(
    prefix: Vec<u8>,
    input: &mut dyn Read,
    out: &mut dyn Write,
    hash: &mut Sha256,
    read: u64,
) -> Result<u64, ReadError> {
    struct Hashing<'a, R> {
        inner: R,
        hash: &'a mut Sha256,
        error: Option<io::Error>,
    }
    impl<R: Read> Read for Hashing<'_, R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.hash.update(&buf[..n]);
                    Ok(n)
                }
                Err(e) => {
                    let copy = io::Error::new(e.kind(), e.to_string());
                    self.error = Some(e);
                    Err(copy)
                }
            }
        }
    }
    let mut src = Hashing {
        inner: io::Cursor::new(prefix).chain(input),
        hash,
        error: None,
    };
    let mut decoder = flate2::read::MultiGzDecoder::new(&mut src);
    let mut buf = vec![0; 256 * 1024];
    let mut written = 0u64;
    loop {
        let n = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                drop(decoder);
                return Err(match src.error.take() {
                    Some(io) => ReadError::Read(io),
                    None if e.kind() == io::ErrorKind::UnexpectedEof => ReadError::Damaged(
                        format!("the file is truncated (gzip stream after byte {read} ends early)"),
                    ),
                    None => ReadError::Damaged(format!(
                        "not a valid gzip stream after byte {read} ({e})"
                    )),
                });
            }
        };
        out.write_all(&buf[..n]).map_err(ReadError::Write)?;
        written += n as u64;
    }
    drop(decoder);
    // Whatever follows the last member still counts towards the checksum.
    io::copy(&mut src, &mut io::sink()).map_err(ReadError::Read)?;
    Ok(written)
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Hex of a digest, as sha256sum prints it.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a whole file, streamed.
pub fn sha256_file(file: &mut File) -> io::Result<[u8; 32]> {
    let mut hash = Sha256::new();
    let mut buf = vec![0; 256 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hash.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hash.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn roundtrip(data: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(data).unwrap();
        let mut gz = Vec::new();
        compress(&f, data.len() as u64, 6, &mut gz, &|_| {}).unwrap();
        let mut back = Vec::new();
        let (digest, n) = decompress(&mut &gz[..], &mut back, &|_| {}).unwrap();
        assert_eq!(n as usize, back.len());
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&gz)));
        (gz, back)
    }

    #[test]
    fn members_round_trip_and_are_plain_gzip_to_other_readers() {
        let data: Vec<u8> = (0..CHUNK * 2 + 12345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let (gz, back) = roundtrip(&data);
        assert_eq!(back, data);
        let mut other = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut other)
            .unwrap();
        assert_eq!(other, data);
    }

    #[test]
    fn plain_gzip_is_read_by_the_streaming_path() {
        let data = b"hello, world\n".repeat(1000);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&data).unwrap();
        let gz = e.finish().unwrap();
        let mut back = Vec::new();
        let (digest, _) = decompress(&mut &gz[..], &mut back, &|_| {}).unwrap();
        assert_eq!(back, data);
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&gz)));
    }

    #[test]
    fn damage_is_reported_as_damage() {
        let data: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let (gz, _) = roundtrip(&data);
        let cut = &gz[..gz.len() - 100];
        let err = decompress(&mut &cut[..], &mut Vec::new(), &|_| {}).unwrap_err();
        assert!(
            matches!(&err, ReadError::Damaged(m) if m.contains("truncated")),
            "{err}"
        );
        let mut flipped = gz.clone();
        flipped[gz.len() / 2] ^= 0x10;
        let err = decompress(&mut &flipped[..], &mut Vec::new(), &|_| {}).unwrap_err();
        assert!(matches!(err, ReadError::Damaged(_)), "{err}");
        let err = decompress(
            &mut &b"not gzip at all, just text"[..],
            &mut Vec::new(),
            &|_| {},
        )
        .unwrap_err();
        assert!(matches!(err, ReadError::Damaged(_)), "{err}");
        let err = decompress(&mut &b""[..], &mut Vec::new(), &|_| {}).unwrap_err();
        assert!(matches!(err, ReadError::Damaged(_)), "{err}");
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..20_000)) {
            let (_, back) = roundtrip(&data);
            prop_assert_eq!(back, data);
        }
    }
}
