//! The shipped cron files: valid five-field schedules calling binaries this package builds, and
//! the installed /etc/cron.d file run by Debian's cron.
#![allow(clippy::unwrap_used)]

mod util;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Whether one schedule field ("*", "*/5", "1-5", "0,30", "7") is valid for min..=max.
fn field_ok(field: &str, min: u32, max: u32) -> bool {
    field.split(',').all(|part| {
        let (range, step) = part.split_once('/').unwrap_or((part, "1"));
        let step_ok = step.parse::<u32>().is_ok_and(|s| s >= 1);
        let in_range = |v: &str| v.parse::<u32>().is_ok_and(|v| (min..=max).contains(&v));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => {
                    in_range(a)
                        && in_range(b)
                        && a.parse::<u32>().unwrap() <= b.parse::<u32>().unwrap()
                }
                None => in_range(range),
            };
        step_ok && range_ok
    })
}

fn check(file: &str, has_user: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let bins: Vec<String> = std::fs::read_dir(root.join("src/bin"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut jobs = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.split_whitespace().next().unwrap().contains('=')
        {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
        for (i, (min, max)) in limits.iter().enumerate() {
            assert!(
                field_ok(fields[i], *min, *max),
                "{file}:{}: bad field '{}'",
                n + 1,
                fields[i]
            );
        }
        let mut words = &fields[if has_user { 6 } else { 5 }..];
        // `command -v usage-x >/dev/null && usage-x ...`: a guard, as sysstat's lines have.
        if let [
            "command",
            "-v",
            guarded,
            "/dev/null" | ">/dev/null",
            rest @ ..,
        ] = words
        {
            let rest = rest.strip_prefix(&["&&"][..]).unwrap_or(rest);
            assert_eq!(
                rest.first(),
                Some(guarded),
                "{file}:{}: the guard names another tool",
                n + 1
            );
            words = rest;
        }
        let command = words[0];
        assert!(
            bins.iter().any(|b| b == command),
            "{file}:{}: '{command}' is not one of {bins:?}",
            n + 1
        );
        assert!(
            !line.contains('$'),
            "{file}:{}: cron does not expand variables",
            n + 1
        );
        jobs += 1;
    }
    assert!(jobs > 0, "{file} has no jobs");
}

#[test]
fn cron_files_are_valid_and_call_our_binaries() {
    check("cron/usage.cron.d", true);
    check("cron/crontab", false);
    assert!(
        field_ok("*/5", 0, 59)
            && field_ok("1-5,7", 0, 7)
            && !field_ok("60", 0, 59)
            && !field_ok("*/0", 0, 59)
    );
}

/// Removes a file however the test ends.
struct Remove(std::path::PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Stops a daemon the test started, however it ends.
struct Stop(Option<std::process::Child>);

impl Drop for Stop {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Debian's cron runs the installed /etc/cron.d file: its sampler line (twice, so two runs
/// overlap every minute) on a private database records samples within 150 s and says nothing.
/// The file is the installed one; only SHELL is a wrapper that records what each job printed
/// and how it exited, and USAGE_DB and USAGE_CONFIG point into the test's directory.
#[test]
fn debian_cron_runs_the_installed_file_silently() {
    let root_user = unsafe { libc::geteuid() } == 0;
    let cron = Path::new("/usr/sbin/cron");
    if !root_user || !cron.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root with Debian's cron installed"
        );
        eprintln!("skipped: needs root and /usr/sbin/cron");
        return;
    }
    let sb = util::Sandbox::new();
    let prefix = sb.path("prefix");
    let bins = Path::new(env!("CARGO_BIN_EXE_usage-sample"))
        .parent()
        .unwrap();
    let out = sb
        .raw("make")
        .args(["-s", "-C", env!("CARGO_MANIFEST_DIR"), "install"])
        .arg(format!("PREFIX={}", prefix.display()))
        .arg(format!("SYSCONFDIR={}/etc", prefix.display()))
        .arg(format!("BINARIES={}", bins.display()))
        .output();
    assert!(out.out.status.success(), "{out}");
    let installed = std::fs::read_to_string(prefix.join("etc/cron.d/usage")).unwrap();
    let log = sb.path("jobs.log");
    let shell = sb.path("shell");
    std::fs::write(
        &shell,
        format!(
            "#!/bin/sh\n# cron's SHELL: run the job as /bin/sh would, and note what it printed.\n\
             out=$(/bin/sh \"$@\" 2>&1); status=$?\n\
             printf 'exit %s\\n%s' \"$status\" \"$out\" >> {}\n\
             printf '%s' \"$out\"\nexit $status\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(sb.path("config.toml"), "").unwrap();
    let db = sb.path("usage.db");
    let mut file = format!(
        "USAGE_DB={}\nUSAGE_CONFIG={}\n",
        db.display(),
        sb.path("config.toml").display()
    );
    // Its Prometheus export goes to a directory of the test's, standing for node_exporter's.
    let textfile = sb.path("node-exporter");
    std::fs::create_dir(&textfile).unwrap();
    let sampler = installed
        .lines()
        .find(|l| l.starts_with("* * * * *") && l.contains("usage-sample"))
        .expect("the installed file samples every minute")
        .replace(
            "/var/lib/prometheus/node-exporter",
            &textfile.display().to_string(),
        );
    for line in installed.lines() {
        if line.starts_with("SHELL=") {
            file.push_str(&format!("SHELL={}\n", shell.display()));
        } else if line.starts_with("PATH=") {
            file.push_str(line);
            file.push('\n');
        }
    }
    file.push_str(&format!("{sampler}\n{sampler}\n"));
    // cron reads files of /etc/cron.d whose names have no dot, owned by root, not writable by
    // others.
    let name = format!("/etc/cron.d/usage-test-{}", std::process::id());
    let _remove = Remove(name.clone().into());
    std::fs::write(&name, &file).unwrap();
    std::fs::set_permissions(&name, std::fs::Permissions::from_mode(0o644)).unwrap();
    let running = std::process::Command::new("pgrep")
        .args(["-x", "cron"])
        .output()
        .is_ok_and(|o| o.status.success());
    let _cron = Stop(if running {
        None
    } else {
        Some(
            std::process::Command::new(cron)
                .arg("-f")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        )
    });
    let started = std::time::Instant::now();
    let samples = || -> i64 {
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("SELECT count(*) FROM samples", [], |r| r.get(0)))
            .unwrap_or(0)
    };
    // Two minutes' runs, each of two overlapping jobs; a job notes its end after its sample.
    let jobs = || std::fs::read_to_string(&log).unwrap_or_default();
    let ended = || jobs().lines().filter(|l| l.starts_with("exit ")).count();
    while (samples() < 4 || ended() < 4) && started.elapsed() < std::time::Duration::from_secs(150)
    {
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    let jobs = jobs();
    assert!(
        samples() >= 4 && ended() >= 4,
        "{} samples after {:?}; the jobs said: {jobs}",
        samples(),
        started.elapsed()
    );
    assert!(
        jobs.lines().all(|l| l == "exit 0"),
        "a job failed or printed (cron would mail it): {jobs}"
    );
    let exported = std::fs::read_to_string(textfile.join("usage.prom")).unwrap();
    assert!(
        exported.contains("\nusage_sample_age_seconds "),
        "{exported}"
    );
}
