//! Running the real binaries in a temporary directory with a cleared environment.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The six tools, in the order of the README.
pub const TOOLS: [&str; 6] = [
    "usage-sample",
    "usage-import",
    "usage-report",
    "usage-backup",
    "usage-check",
    "usage-alert",
];

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

/// The notifications a log channel wrote to `path`, each with its time in Unix seconds; none
/// when the file is not there.
pub fn notifications(path: &Path) -> Vec<(i64, serde_json::Value)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display()));
            let t = chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap())
                .unwrap()
                .timestamp();
            (t, v)
        })
        .collect()
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A fabricated /proc and /sys: processes that vanish mid-scan or cannot be parsed, a sensor.
pub fn fake_root(sb: &Sandbox, with_sensor: bool) -> std::path::PathBuf {
    let root = sb.path("root");
    let p = |rel: &str| root.join(rel);
    write(
        &p("proc/stat"),
        "cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 10 0 10 100 0 0 0 0 0 0\nbtime 1700000000\n",
    );
    write(&p("proc/uptime"), "1000.50 900.00\n");
    write(
        &p("proc/meminfo"),
        "MemTotal: 2048000 kB\nMemFree: 1000000 kB\nMemAvailable: 1500000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
    );
    write(&p("proc/loadavg"), "0.50 0.25 0.10 1/80 1234\n");
    write(
        &p("proc/net/dev"),
        "h1\nh2\n  eth9: 5000 1 0 0 0 0 0 0 7000 1 0 0 0 0 0 0\n",
    );
    write(
        &p("proc/self/mounts"),
        "/dev/fake / ext4 rw 0 0\nproc /proc proc rw 0 0\n",
    );
    write(&p("proc/sys/kernel/random/boot_id"), "fake-boot\n");
    write(&p("proc/sys/kernel/hostname"), "fakehost\n");
    write(&p("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    // pid 1: a normal process.
    write(
        &p("proc/1/stat"),
        "1 (init) S 0 1 1 0 -1 0 0 0 0 0 30 20 0 0 20 0 1 0 5 100 250 0 0 0\n",
    );
    // pid 2: exited between listing and reading (directory without files).
    std::fs::create_dir_all(p("proc/2")).unwrap();
    // pid 3: a stat line cut short.
    write(&p("proc/3/stat"), "3 (half) R 1 3\n");
    // pid 4: unreadable bytes.
    std::fs::create_dir_all(p("proc/4")).unwrap();
    std::fs::write(p("proc/4/stat"), [0xff, 0xfe, 0x00]).unwrap();
    if with_sensor {
        write(&p("sys/class/thermal/thermal_zone0/temp"), "48250\n");
    }
    root
}

/// A machine made of a fake root ([`fake_root`], one CPU) whose clock, uptime, boot and counters
/// a test moves between samples.
pub struct Machine {
    pub root: PathBuf,
    /// The wall clock the tools are given (USAGE_NOW).
    pub clock: i64,
    pub uptime: f64,
    pub boot: u32,
    /// CPU ticks: user, system, idle.
    pub cpu: [u64; 3],
    /// Interface bytes: received, sent.
    pub net: [u64; 2],
}

impl Machine {
    pub fn new(sb: &Sandbox, clock: i64) -> Machine {
        Machine {
            root: fake_root(sb, false),
            clock,
            uptime: 1000.5,
            boot: 0,
            cpu: [10, 10, 100],
            net: [5000, 7000],
        }
    }

    /// A minute passes with the CPU `busy` percent busy and some traffic.
    pub fn minute(&mut self, busy: u64) {
        self.clock += 60;
        self.uptime += 60.0;
        self.cpu[0] += busy * 40;
        self.cpu[1] += busy * 20;
        self.cpu[2] += (100 - busy) * 60;
        self.net[0] += 1_000_000;
        self.net[1] += 200_000;
    }

    /// The machine restarts: a new boot, `uptime` seconds ago, with counters from zero.
    pub fn reboot(&mut self, uptime: f64) {
        self.boot += 1;
        self.clock += uptime as i64;
        self.uptime = uptime;
        self.cpu = [uptime as u64, uptime as u64, uptime as u64 * 50];
        self.net = [1000, 1000];
    }

    fn write_files(&self) {
        let cpu = format!(
            "{} 0 {} {} 0 0 0 0 0 0",
            self.cpu[0], self.cpu[1], self.cpu[2]
        );
        let btime = self.clock - self.uptime as i64;
        let files = [
            (
                "proc/stat",
                format!("cpu  {cpu}\ncpu0 {cpu}\nbtime {btime}\n"),
            ),
            ("proc/uptime", format!("{:.2} 0.00\n", self.uptime)),
            (
                "proc/net/dev",
                format!(
                    "h1\nh2\n  eth9: {} 1 0 0 0 0 0 0 {} 1 0 0 0 0 0 0\n",
                    self.net[0], self.net[1]
                ),
            ),
            (
                "proc/sys/kernel/random/boot_id",
                format!("boot-{}\n", self.boot),
            ),
        ];
        for (rel, text) in files {
            write(&self.root.join(rel), &text);
        }
    }

    /// One run of usage-sample on this machine at its clock.
    pub fn sample(&self, sb: &Sandbox) -> Run {
        self.write_files();
        sb.cmd("usage-sample")
            .args(["-q", "--no-processes"])
            .env("USAGE_SYSROOT", &self.root)
            .env("USAGE_NOW", self.clock.to_string())
            .output()
    }
}

/// A program a test needs: present, or (outside CI, which installs it) the test says it skips
/// that part and passes.
pub fn needed(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{program} is not installed"
    );
    if !found {
        eprintln!("skipped: {program} is not installed");
    }
    found
}

/// The configuration example of the README, as written there: the man page shows it and the
/// tests parse it.
pub fn readme_config() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    readme
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a configuration example")
        .to_string()
}
