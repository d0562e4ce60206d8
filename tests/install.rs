//! `make install` as a packager runs it: into a staging DESTDIR, every file where the
//! distribution expects it, each man page readable by man(1), each shell's completions working by
//! completing, the systemd units accepted by systemd-analyze, and `make uninstall` leaving no
//! file behind.
#![allow(clippy::unwrap_used)]

mod util;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use util::{Sandbox, TOOLS, needed};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory cargo built the binaries this test runs in.
fn binaries() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_usage-sample"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs make in the source tree with these variables; insists on success.
fn make(sb: &Sandbox, target: &str, vars: &[String]) {
    let out = sb
        .raw("make")
        .args(["-s", "-C"])
        .arg(root())
        .arg(target)
        .arg(format!("BINARIES={}", binaries().display()))
        .args(vars)
        .output();
    assert!(out.out.status.success(), "make {target}: {out}");
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir) {
        for e in read.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn make_install_places_every_file_and_uninstall_removes_them() {
    let sb = Sandbox::new();
    let dest = sb.path("stage");
    let destdir = format!("DESTDIR={}", dest.display());
    make(&sb, "install", std::slice::from_ref(&destdir));
    let usr = dest.join("usr/local");
    for tool in TOOLS {
        assert_eq!(mode(&usr.join("bin").join(tool)), 0o755, "{tool}");
        for completion in [
            format!("share/bash-completion/completions/{tool}"),
            format!("share/zsh/site-functions/_{tool}"),
            format!("share/fish/vendor_completions.d/{tool}.fish"),
            format!("share/man/man1/{tool}.1"),
        ] {
            assert_eq!(mode(&usr.join(&completion)), 0o644, "{completion}");
        }
    }
    let pages: Vec<PathBuf> = files_under(&root().join("man"));
    for page in &pages {
        let name = page.file_name().unwrap().to_str().unwrap();
        let section = name.rsplit('.').next().unwrap();
        let installed = usr.join(format!("share/man/man{section}/{name}"));
        assert_eq!(mode(&installed), 0o644, "{name}");
    }
    for unit in files_under(&root().join("systemd")) {
        let name = unit.file_name().unwrap().to_str().unwrap();
        let installed = usr.join("lib/systemd/system").join(name);
        assert_eq!(mode(&installed), 0o644, "{name}");
    }
    let cron = std::fs::read_to_string(dest.join("etc/cron.d/usage")).unwrap();
    assert!(cron.contains("PATH=/usr/local/bin:"), "{cron}");
    assert_eq!(mode(&dest.join("etc/cron.d/usage")), 0o644);

    // Every page reads cleanly through man(1), and `man NAME` finds the installed ones.
    if needed("man") {
        for page in &pages {
            let out = sb
                .raw("man")
                .args(["-l", "-P", "cat"])
                .arg(page)
                .env("MANWIDTH", "80")
                .output();
            assert!(out.out.status.success(), "{out}");
            assert!(out.stdout().contains("SEE ALSO"), "{}", page.display());
            assert!(
                out.stderr().is_empty(),
                "{}: {}",
                page.display(),
                out.stderr()
            );
        }
        for name in ["usage-report", "usage.conf", "usage-import-locations-add"] {
            let out = sb
                .raw("man")
                .arg("-M")
                .arg(usr.join("share/man"))
                .args(["-P", "cat", name])
                .output();
            assert!(out.out.status.success(), "man {name}: {out}");
        }
    }

    // Installed under a prefix of its own (not staged), the units name binaries that exist, and
    // systemd-analyze accepts them.
    if needed("systemd-analyze") {
        let prefix = sb.path("prefix");
        make(
            &sb,
            "install",
            &[
                format!("PREFIX={}", prefix.display()),
                format!("SYSCONFDIR={}/etc", prefix.display()),
            ],
        );
        let units = files_under(&prefix.join("lib/systemd/system"));
        assert_eq!(units.len(), 9, "{units:?}");
        let service =
            std::fs::read_to_string(prefix.join("lib/systemd/system/usage-sample.service"))
                .unwrap();
        assert!(
            service.contains(&format!("ExecStart={}/bin/usage-sample", prefix.display())),
            "{service}"
        );
        // Their Documentation= pages are looked up with man(1), among the installed ones.
        let out = sb
            .raw("systemd-analyze")
            .arg("verify")
            .args(&units)
            .env("MANPATH", prefix.join("share/man"))
            .output();
        assert!(out.out.status.success(), "{out}");
        assert!(out.stderr().trim().is_empty(), "{out}");
    }

    make(&sb, "uninstall", &[destdir]);
    let left = files_under(&dest);
    assert!(left.is_empty(), "make uninstall left {left:?}");
}

/// Completes `line` in bash the way the shell does: the installed script sourced, its function
/// called with COMP_WORDS.
fn bash_completes(sb: &Sandbox, script: &Path, function: &str, words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let n = words.len() - 1;
    let program = format!(
        "source {}; complete -p {} >/dev/null || exit 3; COMP_WORDS=({}); COMP_CWORD={n}; {function} {} '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words[0],
        quoted.join(" "),
        words[0],
        words[n],
        words[n - 1]
    );
    let out = sb.raw("bash").args(["-c", &program]).output();
    assert!(out.out.status.success(), "{out}");
    out.stdout()
}

/// Completes in an interactive zsh on a pseudo-terminal: the completion system loaded from the
/// installed functions, every candidate offered written to a file.
fn zsh_completes(sb: &Sandbox, functions: &Path, line: &str) -> String {
    let offered = sb.path("zsh-offered");
    std::fs::write(&offered, "").unwrap();
    let driver = format!(
        r#"zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=({} \$fpath); autoload -Uz compinit; compinit -u -D; compadd() {{ print -r -- \"\$@\" >> {}; builtin compadd \"\$@\" }}"
zpty -w -n z $'{line}\t'
for i in {{1..150}}; do [[ -s {offered} ]] && break; sleep 0.2; done
sleep 0.5
zpty -d z
"#,
        functions.display(),
        offered.display(),
        offered = offered.display()
    );
    let out = sb.raw("zsh").args(["-f", "-c", &driver]).output();
    assert!(out.out.status.success(), "{out}");
    std::fs::read_to_string(&offered).unwrap()
}

#[test]
fn installed_completions_complete_in_bash_zsh_and_fish() {
    let sb = Sandbox::new();
    let dest = sb.path("stage");
    make(&sb, "install", &[format!("DESTDIR={}", dest.display())]);
    let share = dest.join("usr/local/share");
    if needed("bash") {
        let dir = share.join("bash-completion/completions");
        let got = bash_completes(
            &sb,
            &dir.join("usage-backup"),
            "_usage__backup",
            &["usage-backup", "create", "--n"],
        );
        assert_eq!(got.trim(), "--name", "usage-backup create --n");
        let got = bash_completes(
            &sb,
            &dir.join("usage-import"),
            "_usage__import",
            &["usage-import", "locations", "a"],
        );
        assert_eq!(
            got.split_whitespace().collect::<Vec<_>>(),
            ["add", "activate"]
        );
        let got = bash_completes(
            &sb,
            &dir.join("usage-report"),
            "_usage__report",
            &["usage-report", "system", "--bucket", ""],
        );
        assert!(got.contains("minute") && got.contains("all"), "{got}");
    }
    if needed("zsh") {
        let functions = share.join("zsh/site-functions");
        let got = zsh_completes(&sb, &functions, "usage-backup create --n");
        assert!(got.contains("--name"), "{got}");
        let got = zsh_completes(&sb, &functions, "usage-import locations a");
        assert!(got.contains("activate") && got.contains("add"), "{got}");
    }
    if needed("fish") {
        let dir = share.join("fish/vendor_completions.d");
        for (tool, line, want) in [
            ("usage-backup", "usage-backup create --n", "--name"),
            ("usage-import", "usage-import locations a", "activate"),
            ("usage-report", "usage-report system --bucket ", "minute"),
        ] {
            let program = format!(
                "source {}; complete -C '{line}'",
                dir.join(format!("{tool}.fish")).display()
            );
            let out = sb
                .raw("fish")
                .args(["--no-config", "-c", &program])
                .output();
            assert!(out.out.status.success(), "{out}");
            assert!(
                out.stdout().lines().any(|l| l.starts_with(want)),
                "{line}: {}",
                out.stdout()
            );
        }
    }
}
