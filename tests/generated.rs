//! Man pages and shell completions are generated from the clap definitions and committed; this
//! test regenerates them and fails when the committed files differ.
#![allow(clippy::unwrap_used)]

mod util;

use std::path::Path;

use util::needed;

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

/// The pages' date, in the footer: the day of the version's release (change both together).
const RELEASED: &str = "2026-12-02";

/// A page per tool and subcommand: clap's NAME, SYNOPSIS, DESCRIPTION, OPTIONS and SUBCOMMANDS,
/// then the hand-written sections, then SEE ALSO. Lint-clean under `mandoc -T lint -W warning`.
fn man_page(cmd: &clap::Command, sections: &[(&str, Vec<String>)], see_also: &[String]) -> Vec<u8> {
    let man = clap_mangen::Man::new(cmd.clone())
        .date(RELEASED)
        .source(format!("usage {}", env!("CARGO_PKG_VERSION")))
        .manual("usage manual");
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    if cmd.get_subcommands().any(|s| s.get_name() != "help") {
        man.render_subcommands_section(&mut out).unwrap();
    }
    let mut text = String::from_utf8(out).unwrap();
    // clap puts a blank line (a paragraph break) between two line breaks before a list of values.
    text = text.replace("\n.br\n\n.br\n", "\n.br\n");
    text.push_str(&sections_roff(sections));
    text.push_str(&see_also_roff(see_also));
    text.into_bytes()
}

/// The hand-written sections as roff: a tagged paragraph for "term\tText", a section's first
/// paragraph without a break, a paragraph of lines starting with four spaces kept as written.
fn sections_roff(sections: &[(&str, Vec<String>)]) -> String {
    let mut text = String::new();
    for (title, paragraphs) in sections {
        text.push_str(&format!(".SH \"{title}\"\n"));
        for (i, p) in paragraphs.iter().enumerate() {
            text.push_str(&if p.starts_with("    ") {
                let lines: Vec<String> = p.lines().map(|l| escape(&l[4.min(l.len())..])).collect();
                let brk = if i == 0 { "" } else { ".PP\n" };
                format!("{brk}.nf\n{}\n.fi\n", lines.join("\n"))
            } else {
                match p.split_once('\t') {
                    Some((term, body)) => {
                        format!(".TP\n\\fB{}\\fR\n{}\n", escape(term), escape(body))
                    }
                    None if i == 0 => format!("{}\n", escape(p)),
                    None => format!(".PP\n{}\n", escape(p)),
                }
            });
        }
    }
    text
}

fn see_also_roff(see_also: &[String]) -> String {
    let mut text = String::from(".SH \"SEE ALSO\"\n");
    for (i, r) in see_also.iter().enumerate() {
        let (name, section) = r.split_once('(').unwrap();
        let comma = if i + 1 < see_also.len() { "," } else { "" };
        text.push_str(&format!(".BR {} ({}{comma}\n", escape(name), section));
    }
    text
}

/// A page that no command stands behind: a file format, an overview.
fn plain_page(
    name: &str,
    section: u8,
    summary: &str,
    sections: &[(&str, Vec<String>)],
    see_also: &[String],
) -> Vec<u8> {
    let mut text = format!(
        ".TH {} {section} \"{RELEASED}\" \"usage {}\" \"usage manual\"\n.SH NAME\n{} \\- {}\n",
        name.to_uppercase().replace('-', "\\-"),
        env!("CARGO_PKG_VERSION"),
        escape(name),
        escape(summary)
    );
    text.push_str(&sections_roff(sections));
    text.push_str(&see_also_roff(see_also));
    text.into_bytes()
}

/// The tables of a new database, each with its columns, for usage(7).
fn schema_section() -> (&'static str, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let conn = usage::db::open(&dir.path().join("schema.db")).unwrap();
    let mut paragraphs = vec![format!(
        "Schema version {} (PRAGMA user_version), application_id 0x{:08x}. The tables and their columns:",
        usage::db::SCHEMA_VERSION,
        usage::db::APPLICATION_ID
    )];
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{table}')"
            ))
            .unwrap()
            .query_map([], |r| {
                Ok(format!(
                    "{} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?.to_lowercase()
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        paragraphs.push(format!("{table}\t{}", columns.join(", ")));
    }
    ("DATABASE", paragraphs)
}

/// The sections of a tool's page that hold for each of its subcommands too, and the tool's
/// examples that run this subcommand.
fn sub_sections(tool: &usage::cli::ManSections, words: &str) -> usage::cli::ManSections {
    let mut out = Vec::new();
    for (title, paragraphs) in tool {
        match *title {
            "EXIT STATUS" | "ENVIRONMENT" | "FILES" => out.push((*title, paragraphs.clone())),
            "EXAMPLES" => {
                let own: Vec<String> = paragraphs
                    .iter()
                    .filter(|p| {
                        p.strip_prefix(words)
                            .is_some_and(|rest| rest.starts_with([' ', '\t']))
                    })
                    .cloned()
                    .collect();
                if !own.is_empty() {
                    out.push((*title, own));
                }
            }
            _ => {}
        }
    }
    // EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES: the conventional order.
    let rank = |t: &str| {
        ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"]
            .iter()
            .position(|x| *x == t)
    };
    out.sort_by_key(|(t, _)| rank(t));
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

/// clap_complete's bash script for a name with a hyphen tracks `usage-backup create` as
/// `usage__backup__subcmd__create` but labels its case `usage__subcmd__backup__subcmd__create`,
/// so nothing below the top level completes: the labels are given the name the loop sets.
fn bash_labels(script: &[u8], name: &str) -> Vec<u8> {
    let text = String::from_utf8(script.to_vec()).unwrap();
    let wrong = format!("{}__subcmd__", name.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", name.replace('-', "__"));
    text.replace(&wrong, &right).into_bytes()
}

/// clap_complete's zsh function for a tool that takes files or a subcommand first (usage-import
/// a.csv, usage-import set ...) makes the first word a file and the second the subcommand, so no
/// subcommand completes: the first word is offered as either, and words after files are files.
fn zsh_files_or_commands(script: &[u8], name: &str) -> Vec<u8> {
    let text = String::from_utf8(script.to_vec()).unwrap();
    let commands = format!("\":: :_{name}_commands\" \\\n");
    let Some(at) = text.find(&commands) else {
        return script.to_vec();
    };
    let line_start = text[..at - 1].rfind('\n').unwrap() + 1;
    if !text[line_start..at].starts_with("':files -- ") {
        return script.to_vec();
    }
    let mut text = format!(
        "{}\": :_alternative 'commands\\:command\\:_{name}_commands' 'files\\:file\\:_files'\" \\\n{}",
        &text[..line_start],
        &text[at + commands.len()..]
    );
    for (wrong, right) in [
        ("words=($line[2] ", "words=($line[1] "),
        ("command-$line[2]:", "command-$line[1]:"),
        ("case $line[2] in", "case $line[1] in"),
    ] {
        text = text.replacen(wrong, right, 1);
    }
    let end = format!("        esac\n    ;;\nesac\n}}\n\n(( $+functions[_{name}_commands] ))");
    let files = format!("(*)\n_files && ret=0\n;;\n{end}");
    text.replacen(&end, &files, 1).into_bytes()
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
    let tools = tools();
    let names: Vec<String> = tools.iter().map(|t| t.0.get_name().to_string()).collect();
    for (cmd, sections) in tools {
        let name = cmd.get_name().to_string();
        let mut built = cmd.clone();
        built.build();
        let subs = subcommands(&built, &name);
        // A tool's page points to its subcommands' pages, the other tools and the file formats.
        let mut see_also: Vec<String> = subs.iter().rev().map(|s| format!("{}(1)", s.1)).collect();
        see_also.extend(
            names
                .iter()
                .filter(|n| **n != name)
                .map(|n| format!("{n}(1)")),
        );
        see_also.extend(["usage.conf(5)".to_string(), "usage(7)".to_string()]);
        check(
            &root.join(format!("man/{name}.1")),
            &man_page(&cmd, &sections, &see_also),
            &mut stale,
        );
        // A page per subcommand, as git does: usage-import-locations(1).
        for sub in &subs {
            let page_name: &'static str = Box::leak(sub.1.clone().into_boxed_str());
            let page = sub.0.clone().name(page_name);
            // usage-import-locations-add runs as `usage-import locations add`.
            let parts: Vec<&str> = sub.1.split('-').collect();
            let words = format!("{}-{} {}", parts[0], parts[1], parts[2..].join(" "));
            let parent = sub.1.rsplit_once('-').unwrap().0.to_string();
            check(
                &root.join(format!("man/{}.1", sub.1)),
                &man_page(
                    &page,
                    &sub_sections(&sections, &words),
                    &[format!("{parent}(1)"), "usage.conf(5)".into()],
                ),
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
            if shell == Shell::Bash {
                out = bash_labels(&out, &name);
            }
            if shell == Shell::Zsh {
                out = zsh_files_or_commands(&out, &name);
            }
            check(&root.join("completions").join(file), &out, &mut stale);
        }
    }
    // The configuration file and the formats, each a page of its own.
    let alert = usage::alert::man_sections();
    let mut conf = usage::config::man_sections();
    for wanted in ["RULES", "DEFAULT RULES", "CHANNELS"] {
        let at = conf.iter().position(|s| s.0 == "MAINTENANCE").unwrap();
        let section = alert.iter().find(|s| s.0 == wanted).unwrap().clone();
        conf.insert(at, section);
    }
    // Kept as written: each line indented, the generator's mark for a preformatted paragraph.
    let example: Vec<String> = util::readme_config()
        .lines()
        .map(|l| format!("    {l}"))
        .collect();
    conf.push(("EXAMPLE", vec![example.join("\n")]));
    check(
        &root.join("man/usage.conf.5"),
        &plain_page(
            "usage.conf",
            5,
            "configuration file of the usage tools",
            &conf,
            &names
                .iter()
                .map(|n| format!("{n}(1)"))
                .chain(["usage(7)".into()])
                .collect::<Vec<_>>(),
        ),
        &mut stale,
    );
    let mut formats = usage::cli::man_sections(usage::render::MAN_SECTIONS);
    formats.insert(1, schema_section());
    check(
        &root.join("man/usage.7"),
        &plain_page(
            "usage",
            7,
            "the usage tools' database, CSV and JSON formats, and what stays stable",
            &formats,
            &names
                .iter()
                .map(|n| format!("{n}(1)"))
                .chain(["usage.conf(5)".into()])
                .collect::<Vec<_>>(),
        ),
        &mut stale,
    );
    assert!(
        stale.is_empty(),
        "out of date: {}; run `USAGE_BLESS=1 cargo test` and commit",
        stale.join(", ")
    );
}

/// The keys a configuration section accepts, as serde knows them: the field list a struct hands
/// to `deserialize_struct`.
fn keys<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
    use serde::de::{Error, Visitor, value};
    struct Catch(std::rc::Rc<std::cell::Cell<&'static [&'static str]>>);
    impl<'de> serde::Deserializer<'de> for Catch {
        type Error = value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, value::Error> {
            Err(value::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, value::Error> {
            self.0.set(fields);
            Err(value::Error::custom("caught"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let fields = std::rc::Rc::new(std::cell::Cell::new(&[][..]));
    let _ = T::deserialize(Catch(fields.clone()));
    fields.get().to_vec()
}

#[test]
fn usage_conf_names_every_key_the_configuration_accepts() {
    use usage::config::{
        BackupSection, CheckSection, File, LedgerSection, ProbesSection, SampleSection,
    };
    let conf = usage::config::man_sections();
    let documented = |title: &str| -> Vec<String> {
        let section = conf.iter().find(|s| s.0 == title).unwrap();
        section
            .1
            .iter()
            .filter_map(|p| p.split_once('\t'))
            // A term may name several keys: `body = "TEXT", body_regex = "RE"`.
            .flat_map(|(term, _)| {
                term.split(", ")
                    .map(|t| t.split([' ', '=']).next().unwrap())
            })
            .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_string)
            .collect()
    };
    let sections = [
        ("[sample]", keys::<SampleSection>()),
        ("[ledger]", keys::<LedgerSection>()),
        ("[backup]", keys::<BackupSection>()),
        ("[check]", keys::<CheckSection>()),
        ("[probes]", keys::<ProbesSection>()),
        ("[[probe]]", usage::probe::config::KEYS.to_vec()),
    ];
    let top = keys::<File>();
    assert!(top.contains(&"db") && top.contains(&"sample"), "{top:?}");
    for key in top {
        let (table, array) = (format!("[{key}]"), format!("[[{key}]]"));
        assert!(
            documented("TOP-LEVEL KEYS").iter().any(|k| k == key)
                || conf.iter().any(|s| s.0 == table || s.0 == array),
            "usage.conf(5) does not describe '{key}'"
        );
    }
    for (title, accepted) in sections {
        assert!(!accepted.is_empty(), "{title}");
        let written = documented(title);
        for key in &accepted {
            assert!(
                written.iter().any(|k| k == key),
                "usage.conf(5) {title} lacks {key}"
            );
        }
        for key in &written {
            assert!(
                accepted.contains(&key.as_str()),
                "usage.conf(5) {title} names {key}, which is refused"
            );
        }
    }
    // The example, the README's, is a configuration the tools accept whole.
    let example = util::readme_config();
    let path = Path::new("README.md");
    usage::config::parse(path, &example).unwrap();
    let alerts = usage::alert::config::load(Some(path), Some(&example));
    assert!(alerts.problems.is_empty(), "{:?}", alerts.problems);
    let probes = usage::probe::config::load(Some(path), Some(&example));
    assert!(probes.problems.is_empty(), "{:?}", probes.problems);
    assert_eq!(probes.probes.len(), 4);
}

#[test]
fn man_pages_are_lint_clean() {
    if !needed("mandoc") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<_> = std::fs::read_dir(root.join("man"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.len() > 30, "{pages:?}");
    let out = std::process::Command::new("mandoc")
        .args(["-T", "lint", "-W", "warning"])
        .args(&pages)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.trim().is_empty(), "{said}");
}
