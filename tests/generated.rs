//! Man pages and shell completions are generated from the clap definitions and committed; this
//! test regenerates them and fails when the committed files differ.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use clap_complete::Shell;

type Tool = (clap::Command, usage::cli::ManSections);

fn tools() -> Vec<Tool> {
    vec![
        (usage::sample::command(), usage::sample::man_sections()),
        (usage::import::command(), usage::import::man_sections()),
        (usage::report::command(), usage::report::man_sections()),
        (usage::backup::command(), usage::backup::man_sections()),
        (usage::check::command(), usage::check::man_sections()),
        (usage::alert::command(), usage::alert::man_sections()),
    ]
}

/// Every subcommand below `cmd` with its page name (`usage-import-locations-add`).
fn subcommands(cmd: &clap::Command, prefix: &str) -> Vec<(clap::Command, String)> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}-{}", sub.get_name());
        out.extend(subcommands(sub, &name));
        out.push((sub.clone(), name));
    }
    out
}

fn man_page(cmd: &clap::Command, sections: &[(&str, Vec<String>)]) -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out).unwrap();
    for (title, paragraphs) in sections {
        out.extend_from_slice(format!(".SH \"{title}\"\n").as_bytes());
        for p in paragraphs.iter() {
            let roff = match p.split_once('\t') {
                Some((term, text)) => format!(".TP\n\\fB{}\\fR\n{}\n", escape(term), escape(text)),
                None => format!(".PP\n{}\n", escape(p)),
            };
            out.extend_from_slice(roff.as_bytes());
        }
    }
    out
}

fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    // A line starting with a dot or quote would be read as a request.
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}

fn check(path: &Path, generated: &[u8], stale: &mut Vec<String>) {
    if std::fs::read(path).ok().as_deref() == Some(generated) {
        return;
    }
    if std::env::var_os("USAGE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
    } else {
        stale.push(path.display().to_string());
    }
}

#[test]
fn man_pages_and_completions_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (cmd, sections) in tools() {
        let name = cmd.get_name().to_string();
        check(
            &root.join(format!("man/{name}.1")),
            &man_page(&cmd, &sections),
            &mut stale,
        );
        // A page per subcommand, as git does: usage-import-locations(1).
        let mut built = cmd.clone();
        built.build();
        for sub in subcommands(&built, &name) {
            let page_name: &'static str = Box::leak(sub.1.clone().into_boxed_str());
            let page = sub.0.clone().name(page_name);
            check(
                &root.join(format!("man/{}.1", sub.1)),
                &man_page(&page, &[]),
                &mut stale,
            );
        }
        for (shell, file) in [
            (Shell::Bash, format!("{name}.bash")),
            (Shell::Zsh, format!("_{name}")),
            (Shell::Fish, format!("{name}.fish")),
        ] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd.clone(), &name, &mut out);
            check(&root.join("completions").join(file), &out, &mut stale);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {}; run `USAGE_BLESS=1 cargo test` and commit",
        stale.join(", ")
    );
}
