//! Files the suite writes: private (0600), whole or not at all. A file is written through a
//! temporary file in its directory, fsynced, renamed over the old one and the directory fsynced,
//! so a reader sees the old file or the new one and a crash leaves no part behind.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{Context, Result};

/// A private temporary file in `dir`, removed unless persisted. Its name carries the writer's
/// process id (`.usage-copy-4242-Ab3xYz`), so a later run can tell a dead writer's leftovers
/// from a live one's work ([`reclaim`]).
pub fn temp_in(dir: &Path, prefix: &str) -> Result<tempfile::NamedTempFile> {
    temp_with_mode(dir, prefix, PRIVATE)
}

/// The mode of what the suite writes.
pub const PRIVATE: u32 = 0o600;
/// The mode of a file written for another program to read (a Prometheus textfile, which
/// node_exporter reads as its own user).
pub const READABLE: u32 = 0o644;

fn temp_with_mode(dir: &Path, prefix: &str, mode: u32) -> Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in '{}'", dir.display()))?;
    Ok(tmp)
}

/// Writes `path` through a temporary file in its directory: fsynced, renamed over it, the
/// directory fsynced, mode 0600. On any error the old file (if any) is left as it was.
pub fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    write_with_mode(path, PRIVATE, write)
}

fn write_with_mode<T>(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut File) -> Result<T>,
) -> Result<T> {
    let dir = parent(path);
    let fail =
        |e: io::Error| anyhow::Error::new(e).context(format!("cannot write '{}'", path.display()));
    let mut tmp = temp_with_mode(dir, ".usage-", mode)
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    let value =
        write(tmp.as_file_mut()).with_context(|| format!("cannot write '{}'", path.display()))?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    sync_dir(dir).map_err(fail)?;
    Ok(value)
}

/// Copies `from` to `to` atomically (see [`write_atomically`]).
pub fn copy_atomically(from: &Path, to: &Path) -> Result<()> {
    let mut src = File::open(from).with_context(|| format!("cannot read '{}'", from.display()))?;
    write_atomically(to, |f| {
        io::copy(&mut src, f)?;
        Ok(())
    })
}

pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Holds an exclusive lock on the directory `dir` itself (no lock file is left in it) until the
/// returned handle is dropped; waits for another holder.
pub fn lock(dir: &Path) -> Result<File> {
    use std::os::fd::AsRawFd;
    let file = File::open(dir).with_context(|| format!("cannot open '{}'", dir.display()))?;
    // SAFETY: flock on a descriptor this function owns has no memory-safety preconditions.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(anyhow::Error::new(io::Error::last_os_error())
            .context(format!("cannot lock '{}'", dir.display())));
    }
    Ok(file)
}

/// The process that made the temporary file `name` (see [`temp_in`]), if it is one.
fn writer_of(name: &str) -> Option<i32> {
    let rest = name.strip_prefix(".usage-")?;
    rest.split('-').find_map(|part| part.parse::<i32>().ok())
}

fn is_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists; it has no other effect.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes the temporary files (and SQLite's -wal and -shm beside them) that processes which
/// no longer run left in `dir`: a killed backup, restore or verification is cleaned up by the
/// next run. Returns how many were removed.
pub fn reclaim(dir: &Path) -> usize {
    let Ok(read) = fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id() as i32;
    let mut removed = 0;
    for item in read.flatten() {
        let name = item.file_name();
        let Some(pid) = writer_of(&name.to_string_lossy()) else {
            continue;
        };
        if pid != me && pid > 0 && !is_alive(pid) && fs::remove_file(item.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes SQLite's `-wal` and `-shm` files beside `path`, as far as they exist.
pub fn remove_sidecars(path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(p);
    }
}

/// Makes a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes through `write` (buffered) to `path`. A regular file (or a missing path) is replaced
/// atomically; through a symbolic link, the file it points to is, and the link stays. Anything
/// else that can be written to (a pipe, `/dev/stdout`, a terminal) is written to as it is, never
/// replaced by a file. A directory or a link to nothing is refused.
pub fn write_buffered<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    write_buffered_mode(path, PRIVATE, write)
}

/// [`write_buffered`] with the mode a new or replaced file gets (`PRIVATE` or `READABLE`).
pub fn write_buffered_mode<T>(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let buffered = |file: &mut File| {
        let mut w = io::BufWriter::with_capacity(64 * 1024, file);
        let value = write(&mut w)?;
        w.flush()?;
        Ok(value)
    };
    let refuse = |why: &str| anyhow::anyhow!("cannot write '{}': {why}", path.display());
    match fs::metadata(path) {
        Ok(md) if md.is_dir() => Err(refuse("it is a directory")),
        Ok(md) if md.is_file() => {
            let target = fs::canonicalize(path).with_context(|| refuse("cannot resolve it"))?;
            write_with_mode(&target, mode, buffered)
        }
        Ok(_) => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| refuse("cannot open it"))?;
            buffered(&mut file)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(refuse("it is a symbolic link to nothing"));
            }
            write_with_mode(path, mode, buffered)
        }
        Err(e) => Err(anyhow::Error::new(e).context(refuse("cannot examine it"))),
    }
}
