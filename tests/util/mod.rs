//! Running the real binaries in a temporary directory with a cleared environment.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A scratch directory that also serves as HOME; dropped with the test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The default database of this sandbox's user.
    pub fn db(&self) -> PathBuf {
        self.path("data/usage/usage.db")
    }

    /// A command for the tool `bin` (e.g. "usage-sample") with only HOME, PATH and the XDG
    /// directories set, all inside the sandbox.
    pub fn cmd(&self, bin: &str) -> Cmd {
        let exe = match bin {
            "usage-sample" => env!("CARGO_BIN_EXE_usage-sample"),
            "usage-import" => env!("CARGO_BIN_EXE_usage-import"),
            "usage-report" => env!("CARGO_BIN_EXE_usage-report"),
            "usage-backup" => env!("CARGO_BIN_EXE_usage-backup"),
            "usage-check" => env!("CARGO_BIN_EXE_usage-check"),
            "usage-alert" => env!("CARGO_BIN_EXE_usage-alert"),
            other => panic!("unknown binary {other}"),
        };
        self.raw(exe)
    }

    /// Any program (a shell, script(1)) with the same cleared environment as [`Sandbox::cmd`], for
    /// tests that run a tool through it: a USAGE_DB or USAGE_CONFIG exported by the developer
    /// never reaches it.
    pub fn raw(&self, program: &str) -> Cmd {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", "/usr/bin:/bin")
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        Cmd(c)
    }

    /// A sandbox whose database exists, made by the tools themselves (one location, "north").
    pub fn with_database() -> Sandbox {
        let sb = Sandbox::new();
        sb.cmd("usage-import")
            .args(["locations", "add", "north"])
            .ok();
        sb
    }

    pub fn open_db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).unwrap()
    }
}

pub struct Cmd(pub Command);

impl Cmd {
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Cmd {
        self.0.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.0.arg(arg);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Cmd {
        self.0.current_dir(dir);
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.0.env(k, v);
        self
    }

    /// Feeds `input` on standard input.
    pub fn stdin(self, input: impl Into<Vec<u8>>) -> StdinCmd {
        StdinCmd(self, input.into())
    }

    pub fn output(mut self) -> Run {
        let out = self.0.output().unwrap();
        Run {
            desc: format!("{:?}", self.0),
            out,
        }
    }

    /// Runs with standard output to `stdout`; returns the exit status and the peak resident
    /// memory in KiB, measured by the kernel for this child alone (wait4).
    #[allow(
        clippy::zombie_processes,
        reason = "waited for by wait4, which also gives its usage"
    )]
    pub fn peak_memory(mut self, stdout: &Path) -> (i32, i64) {
        let file = std::fs::File::create(stdout).unwrap();
        let child = self
            .0
            .stdout(file)
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut status = 0;
        // SAFETY: rusage is plain data, and the pid is our own child, not yet waited for.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
        assert_eq!(pid, child.id() as i32, "wait4 {:?}", self.0);
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        (code, usage.ru_maxrss)
    }

    /// Runs and insists on success.
    pub fn ok(self) -> Run {
        self.output().succeeded()
    }

    /// Runs and insists on this exit status.
    pub fn fails(self, code: i32) -> Run {
        self.output().exited(code)
    }
}

pub struct StdinCmd(Cmd, Vec<u8>);

impl StdinCmd {
    pub fn output(mut self) -> Run {
        use std::io::Write;
        let cmd = &mut self.0.0;
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = std::mem::take(&mut self.1);
        // Written from a thread: the child may stop reading early and exit.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Run {
            desc: format!("{cmd:?} with standard input"),
            out,
        }
    }

    pub fn ok(self) -> Run {
        self.output().succeeded()
    }

    pub fn fails(self, code: i32) -> Run {
        self.output().exited(code)
    }
}

pub struct Run {
    pub desc: String,
    pub out: Output,
}

impl Run {
    pub fn succeeded(self) -> Run {
        assert!(self.out.status.success(), "{self}");
        self
    }

    pub fn exited(self, code: i32) -> Run {
        assert_eq!(self.out.status.code(), Some(code), "{self}");
        self
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// The exit status (-1 for a signal).
    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "command: {}\nstatus: {}\nstdout:\n{}\nstderr:\n{}",
            self.desc,
            self.out.status,
            self.stdout(),
            self.stderr()
        )
    }
}

/// Insists that a spawned child succeeded without a word on stderr.
pub fn assert_clean(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what}: {}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{what}: {stderr}");
}

/// Insists that SQLite's integrity check finds nothing wrong.
pub fn assert_intact(conn: &rusqlite::Connection) {
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

pub fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
