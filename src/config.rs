//! Configuration: flags > environment > TOML configuration file > defaults, resolved in one place.
//!
//! Flags and their environment variables (`--db`/`USAGE_DB`, `--config`/`USAGE_CONFIG`) are read by
//! clap; this module finds and reads the file and fills in the defaults. An unknown key in the
//! file is an error naming the file, line and column, never silently ignored.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::cli::{CommonArgs, UsageError};
use crate::env::Env;

/// The system-wide database used when root runs a tool without naming one.
pub const ROOT_DB: &str = "/var/lib/usage/usage.db";
/// The system-wide configuration file, read when no per-user one exists.
pub const SYSTEM_CONFIG: &str = "/etc/usage/config.toml";

/// The configuration file's contents; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// Database path; relative paths are taken from the configuration file's directory.
    pub db: Option<PathBuf>,
    /// Name this machine's samples are stored under [default: the kernel's host name].
    pub host: Option<String>,
    #[serde(default)]
    pub sample: SampleSection,
    #[serde(default)]
    pub ledger: LedgerSection,
    #[serde(default)]
    pub backup: BackupSection,
    #[serde(default)]
    pub check: CheckSection,
    #[serde(default)]
    pub probes: ProbesSection,
    #[serde(default)]
    pub sessions: SessionsSection,
    /// `[[probe]]`: only their shape is checked here; `probe::config` reads each on its own, so
    /// a bad probe spoils only itself.
    #[serde(default, rename = "probe")]
    pub probe: Vec<toml::Table>,
    /// `[alert]`: read with positions and validated by usage-alert itself (see
    /// `alert::config`), so a bad rule never stops the other tools.
    pub alert: Option<toml::Table>,
}

/// `[backup]`: where backups go and how long they are kept.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSection {
    /// Backup directory [default: `backups` beside the database]; relative paths are taken from
    /// the configuration file's directory.
    pub dir: Option<PathBuf>,
    /// A second directory (a NAS mount) every new backup is copied to and pruned in.
    pub mirror: Option<PathBuf>,
    /// gzip level, 1 (fastest) to 12 (smallest); 6 is gzip's default.
    pub level: u8,
    /// Backups older than this many days are pruned (0: no age limit).
    pub retention_days: u32,
    /// At most this many backups are kept (0: no limit); named ones do not count.
    pub max_backups: u32,
    /// Also keep the newest backup of each of the last N days, ISO weeks and months with backups.
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
}

impl Default for BackupSection {
    fn default() -> Self {
        BackupSection {
            dir: None,
            mirror: None,
            level: 6,
            retention_days: 30,
            max_backups: 50,
            keep_daily: 0,
            keep_weekly: 0,
            keep_monthly: 0,
        }
    }
}

/// `[check]`: usage-check's thresholds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSection {
    /// Seconds between samples (the sampler's cron interval).
    pub sample_interval: u32,
    /// The newest sample is a warning after this many intervals, critical after the second.
    pub sample_warning: f64,
    pub sample_critical: f64,
    /// Days since the newest ledger entry before a warning and a critical (when locations exist).
    pub ledger_warning_days: u32,
    pub ledger_critical_days: u32,
    /// Hours since the newest backup before a warning and a critical.
    pub backup_warning_hours: u32,
    pub backup_critical_hours: u32,
    /// Free space on the database's file system, in percent, below which it is a warning and a
    /// critical.
    pub free_warning_percent: f64,
    pub free_critical_percent: f64,
    /// Days until the file system fills at the database's growth rate before a warning.
    pub fill_warning_days: u32,
    /// Checks left out, by name.
    pub skip: Vec<CheckName>,
}

impl Default for CheckSection {
    fn default() -> Self {
        CheckSection {
            sample_interval: 60,
            sample_warning: 5.0,
            sample_critical: 15.0,
            ledger_warning_days: 3,
            ledger_critical_days: 10,
            backup_warning_hours: 26,
            backup_critical_hours: 50,
            free_warning_percent: 10.0,
            free_critical_percent: 5.0,
            fill_warning_days: 30,
            skip: Vec::new(),
        }
    }
}

/// usage-check's checks, by the names `--skip` and `[check] skip` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum CheckName {
    Schema,
    Integrity,
    ForeignKeys,
    SampleAge,
    SampleGaps,
    LedgerAge,
    BackupAge,
    BackupVerify,
    FreeSpace,
    Growth,
    Outages,
}

impl CheckName {
    pub const ALL: [CheckName; 11] = [
        CheckName::Schema,
        CheckName::Integrity,
        CheckName::ForeignKeys,
        CheckName::SampleAge,
        CheckName::SampleGaps,
        CheckName::LedgerAge,
        CheckName::BackupAge,
        CheckName::BackupVerify,
        CheckName::FreeSpace,
        CheckName::Growth,
        CheckName::Outages,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Schema => "schema",
            CheckName::Integrity => "integrity",
            CheckName::ForeignKeys => "foreign_keys",
            CheckName::SampleAge => "sample_age",
            CheckName::SampleGaps => "sample_gaps",
            CheckName::LedgerAge => "ledger_age",
            CheckName::BackupAge => "backup_age",
            CheckName::BackupVerify => "backup_verify",
            CheckName::FreeSpace => "free_space",
            CheckName::Growth => "growth",
            CheckName::Outages => "outages",
        }
    }
}

/// `[probes]`: how usage-sample runs the probes and judges outages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProbesSection {
    /// The most a run waits for its probes (a duration: "20s"); a probe still running then is
    /// stored as down.
    pub budget: Scalar,
    /// Failures in a row that open an outage.
    pub fail_after: u32,
    /// Successes in a row that close it.
    pub recover_after: u32,
    /// Check once more at once before opening an outage.
    pub verify: bool,
    /// Probe results older than this many days are deleted; 0 keeps them forever. Outages are
    /// kept.
    pub retention_days: u32,
}

impl Default for ProbesSection {
    fn default() -> Self {
        ProbesSection {
            budget: Scalar::Int(20),
            fail_after: 3,
            recover_after: 1,
            verify: true,
            retention_days: 90,
        }
    }
}

impl ProbesSection {
    /// The budget in seconds (validated at load).
    pub fn budget_secs(&self) -> i64 {
        crate::time::parse_duration(&self.budget.text()).unwrap_or(20)
    }
}

/// `[sessions]`: how application sessions are derived from their events.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionsSection {
    /// A session with no logged end closes this long after its last event (a duration: "30m").
    pub idle: Scalar,
}

impl Default for SessionsSection {
    fn default() -> Self {
        SessionsSection {
            idle: Scalar::Text("30m".into()),
        }
    }
}

impl SessionsSection {
    /// The idle timeout in seconds (validated at load).
    pub fn idle_secs(&self) -> i64 {
        crate::time::parse_duration(&self.idle.text()).unwrap_or(1800)
    }
}

/// `[ledger]`: the data-usage ledger's billing cycle and sanity bound.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerSection {
    /// Day of the month a billing cycle starts on (1 to 31; a shorter month starts on its last
    /// day); a location's own billing day overrides it.
    pub billing_day: u8,
    /// The most a location may use in one day, in GB: larger values are taken for typing errors.
    pub max_daily_gb: f64,
}

impl Default for LedgerSection {
    fn default() -> Self {
        LedgerSection {
            billing_day: 1,
            max_daily_gb: 10_000.0,
        }
    }
}

/// `[sample]`: what usage-sample records and how long it keeps it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleSection {
    /// Scan processes for per-user figures and the top processes.
    pub processes: bool,
    /// How many top processes to keep, by CPU and by memory each.
    pub top: u32,
    /// Users left out of per-user figures and the top processes.
    pub exclude_users: Vec<String>,
    /// Network interfaces not recorded (the loopback is always left out).
    pub exclude_interfaces: Vec<String>,
    /// Mount points not recorded.
    pub exclude_mounts: Vec<String>,
    /// Samples older than this many days are deleted; 0 keeps them forever.
    pub retention_days: u32,
    /// Keep the login sessions of /var/log/wtmp (who was logged in, from where, how long).
    pub logins: bool,
}

impl Default for SampleSection {
    fn default() -> Self {
        SampleSection {
            processes: true,
            top: 5,
            exclude_users: Vec::new(),
            exclude_interfaces: Vec::new(),
            exclude_mounts: Vec::new(),
            retention_days: 90,
            logins: true,
        }
    }
}

/// The resolved configuration of one run.
#[derive(Debug)]
pub struct Config {
    /// The file that was read, if any.
    pub source: Option<PathBuf>,
    /// Its text, read once: sections validated by their tools (`[alert]`) take positions from
    /// it.
    pub text: Option<String>,
    pub file: File,
    pub db: PathBuf,
}

/// Finds and reads the configuration file and resolves the database path.
pub fn load(common: &CommonArgs, env: &Env) -> Result<Config> {
    let source = match &common.config {
        Some(path) => {
            if !path.exists() {
                return Err(UsageError(format!(
                    "configuration file '{}' does not exist (given by --config or USAGE_CONFIG)",
                    path.display()
                ))
                .into());
            }
            Some(path.clone())
        }
        None => default_config_paths(env).into_iter().find(|p| p.exists()),
    };
    let text = match &source {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read configuration file '{}'", path.display()))?,
        ),
        None => None,
    };
    let file = match (&source, &text) {
        (Some(path), Some(text)) => parse(path, text)?,
        _ => File::default(),
    };
    let origin = Origin {
        path: source.as_deref(),
        text: text.as_deref(),
    };
    validate(&file, &origin)?;
    let db = match (&common.db, &file.db, &source) {
        (Some(db), _, _) => db.clone(),
        (None, Some(db), Some(src)) => src.parent().unwrap_or(Path::new(".")).join(db),
        (None, Some(db), None) => db.clone(),
        (None, None, _) => default_db(env)?,
    };
    Ok(Config {
        source,
        text,
        file,
        db,
    })
}

impl Config {
    /// A path from the configuration file, taken relative to the file's directory.
    pub fn relative(&self, path: &Path) -> PathBuf {
        match &self.source {
            Some(src) => src.parent().unwrap_or(Path::new(".")).join(path),
            None => path.to_path_buf(),
        }
    }

    /// The backup directory: `--dir`, else the configuration's, else `backups` beside the
    /// database.
    pub fn backup_dir(&self, flag: Option<&Path>) -> PathBuf {
        match (flag, &self.file.backup.dir) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, Some(dir)) => self.relative(dir),
            (None, None) => crate::files::parent(&self.db).join("backups"),
        }
    }
}

fn default_config_paths(env: &Env) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(dir) = xdg_dir(env, "XDG_CONFIG_HOME", ".config") {
        paths.push(dir.join("usage/config.toml"));
    }
    paths.push(PathBuf::from(SYSTEM_CONFIG));
    paths
}

/// The default database: in $XDG_DATA_HOME when set, else the system-wide one for root, else
/// under the user's home directory.
pub fn default_db(env: &Env) -> Result<PathBuf> {
    if env.is_root && env.var("XDG_DATA_HOME").is_none() {
        return Ok(PathBuf::from(ROOT_DB));
    }
    // Written out rather than taken from a crate: the XDG lookup must read the injected
    // environment so tests can steer it.
    xdg_dir(env, "XDG_DATA_HOME", ".local/share")
        .map(|dir| dir.join("usage/usage.db"))
        .ok_or_else(|| {
            UsageError(
                "cannot choose a database: HOME and XDG_DATA_HOME are unset (pass --db PATH)"
                    .into(),
            )
            .into()
        })
}

fn xdg_dir(env: &Env, var: &str, fallback: &str) -> Option<PathBuf> {
    match env.var(var) {
        // The XDG spec says relative values are invalid and must be ignored.
        Some(dir) if Path::new(dir).is_absolute() => Some(PathBuf::from(dir)),
        _ => env.var("HOME").map(|home| Path::new(home).join(fallback)),
    }
}

/// The configuration file's text as settings; an error names the file, line and column.
pub fn parse(path: &Path, text: &str) -> Result<File> {
    toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let (line, col) = line_col(text, span.start);
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        UsageError(format!(
            "{}{at}: {}",
            path.display(),
            e.message().trim_end()
        ))
        .into()
    })
}

/// Where a setting was written, for messages.
struct Origin<'a> {
    path: Option<&'a Path>,
    text: Option<&'a str>,
}

impl Origin<'_> {
    /// `file:line:column` of `key` in `[section]` (`""`: the top level), else the file's name.
    fn at(&self, section: &str, key: &str) -> String {
        let Some(path) = self.path else {
            return "configuration".into();
        };
        let position = self.text.and_then(|text| {
            let doc = toml::de::DeTable::parse(text).ok()?;
            let table = if section.is_empty() {
                doc.get_ref()
            } else {
                match doc.get_ref().get(section)?.get_ref() {
                    toml::de::DeValue::Table(t) => t,
                    _ => return None,
                }
            };
            let (_, value) = table.get_key_value(key)?;
            Some(line_col(text, value.span().start))
        });
        match position {
            Some((line, col)) => format!("{}:{line}:{col}", path.display()),
            None => path.display().to_string(),
        }
    }
}

fn validate(file: &File, origin: &Origin) -> Result<()> {
    let top = file.sample.top;
    if top > 1000 {
        return Err(UsageError(format!(
            "{}: sample.top = {top} is too large (expected 0 to 1000)",
            origin.at("sample", "top")
        ))
        .into());
    }
    let day = file.ledger.billing_day;
    if !(1..=31).contains(&day) {
        return Err(UsageError(format!(
            "{}: ledger.billing_day = {day} is not a day of the month (expected 1 to 31)",
            origin.at("ledger", "billing_day")
        ))
        .into());
    }
    let max = file.ledger.max_daily_gb;
    if !(max.is_finite() && max > 0.0 && max <= 1e9) {
        return Err(UsageError(format!(
            "{}: ledger.max_daily_gb = {max} is not a usable bound (expected a positive number of GB, e.g. 10000)",
            origin.at("ledger", "max_daily_gb")
        ))
        .into());
    }
    let b = &file.backup;
    if !(1..=12).contains(&b.level) {
        return Err(UsageError(format!(
            "{}: backup.level = {} is not a compression level (expected 1 to 12)",
            origin.at("backup", "level"),
            b.level
        ))
        .into());
    }
    match crate::time::parse_duration(&file.sessions.idle.text()) {
        Ok(secs) if (60..=7 * 86400).contains(&secs) => {}
        _ => {
            return Err(UsageError(format!(
                "{}: sessions.idle = {} is not a usable time (expected 1m to 7d, as 30m)",
                origin.at("sessions", "idle"),
                file.sessions.idle.text()
            ))
            .into());
        }
    }
    let p = &file.probes;
    match crate::time::parse_duration(&p.budget.text()) {
        Ok(secs) if (1..=300).contains(&secs) => {}
        _ => {
            return Err(UsageError(format!(
                "{}: probes.budget = {} is not a usable time (expected 1s to 5m, as 20s; keep it under the sampler's interval)",
                origin.at("probes", "budget"),
                p.budget.text()
            ))
            .into());
        }
    }
    for (key, value) in [
        ("fail_after", p.fail_after),
        ("recover_after", p.recover_after),
    ] {
        if !(1..=1000).contains(&value) {
            return Err(UsageError(format!(
                "{}: probes.{key} = {value} is not a usable count (expected 1 to 1000 results in a row)",
                origin.at("probes", key)
            ))
            .into());
        }
    }
    let c = &file.check;
    if c.sample_interval == 0
        || !(c.sample_warning > 0.0 && c.sample_critical >= c.sample_warning)
        || c.ledger_critical_days < c.ledger_warning_days
        || c.backup_critical_hours < c.backup_warning_hours
        || !(0.0..=100.0).contains(&c.free_warning_percent)
        || !(0.0..=c.free_warning_percent).contains(&c.free_critical_percent)
    {
        return Err(UsageError(format!(
            "{}: the [check] thresholds are inconsistent (expected sample_interval > 0, 0 < sample_warning <= sample_critical, warning days/hours <= critical ones, 0 <= free_critical_percent <= free_warning_percent <= 100)",
            origin.at("", "check")
        ))
        .into());
    }
    if let Some(Err(why)) = file.host.as_deref().map(crate::host::check_name) {
        return Err(UsageError(format!("{}: host = {why}", origin.at("", "host"))).into());
    }
    Ok(())
}

/// A number or a string: durations and thresholds may be written either way.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    pub fn text(&self) -> String {
        match self {
            Scalar::Int(n) => n.to_string(),
            Scalar::Float(x) => x.to_string(),
            Scalar::Text(t) => t.clone(),
        }
    }
}

/// Where problems in a section validated element by element (`[alert]`, `[[probe]]`) are
/// reported: the file's name and text.
pub struct Source<'a> {
    pub name: String,
    pub text: &'a str,
    /// Where each line starts: positions are found by a binary search, so naming the place of
    /// each of 40,000 rules does not read the file 40,000 times.
    lines: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(name: String, text: &'a str) -> Source<'a> {
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source { name, text, lines }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines.partition_point(|&start| start <= offset);
        let start = self.lines[line - 1];
        (line, self.text[start..offset].len() + 1)
    }

    pub fn at(&self, offset: usize) -> String {
        let (line, col) = self.line_col(offset);
        format!("{}:{line}:{col}", self.name)
    }

    pub fn line(&self, offset: usize) -> String {
        format!("{}:{}", self.name, self.line_col(offset).0)
    }

    /// The position of a serde error, else of the element that failed.
    pub fn error_at(&self, e: &toml::de::Error, fallback: usize) -> String {
        self.at(e.span().map_or(fallback, |s| s.start))
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// usage.conf(5): every section and key with its default. The `[alert]` rules, channels and
/// windows are described by usage-alert, whose sections the page adds (tests/generated.rs).
pub fn man_sections() -> crate::cli::ManSections {
    let skip: Vec<&str> = CheckName::ALL.iter().map(|c| c.as_str()).collect();
    let skip = format!(
        "skip = [NAME, ...]\tChecks left out [default: none]: {}.",
        skip.join(", ")
    );
    let mut sections = crate::cli::man_sections(CONF_SECTIONS);
    if let Some(check) = sections.iter_mut().find(|s| s.0 == "[check]") {
        check.1.push(skip);
    }
    sections
}

const CONF_SECTIONS: &[(&str, &[&str])] = &[
    (
        "DESCRIPTION",
        &[
            "The configuration of the usage tools is one TOML file. Each tool reads the file named by --config, else by USAGE_CONFIG, else $XDG_CONFIG_HOME/usage/config.toml (~/.config/usage/config.toml), else /etc/usage/config.toml; without one, the defaults below apply. Every key is optional.",
            "An unknown key, a value of the wrong type or a file that is not TOML is an error that names the file, line and column, and the tool exits with status 2. Problems in [alert] and [[probe]] are the exception: usage-alert reports each bad rule, channel or window and uses the rest, usage-sample reports each bad probe (exit status 2) and runs the rest, and the other tools ignore them. Relative paths are taken from the directory of the configuration file.",
            "Command-line flags override the file, and the file overrides the defaults.",
        ],
    ),
    (
        "TOP-LEVEL KEYS",
        &[
            "db = PATH\tThe database [default: $XDG_DATA_HOME/usage/usage.db if XDG_DATA_HOME is set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]. --db and USAGE_DB override it.",
            "host = NAME\tThe name this machine's samples are stored under [default: the kernel's host name]; any non-empty name without control characters.",
        ],
    ),
    (
        "[sample]",
        &[
            "processes = true\tScan the processes for the per-user figures and the top processes.",
            "top = 5\tHow many top processes are kept per sample, by CPU and by memory each.",
            "exclude_users = []\tUsers left out of the per-user figures and the top processes.",
            "exclude_interfaces = []\tNetwork interfaces not recorded; the loopback never is.",
            "exclude_mounts = []\tMount points not recorded; pseudo and network file systems never are.",
            "retention_days = 90\tSamples older than this are deleted by usage-sample (and, for the hosts it merges, by usage-import --merge); 0 keeps them forever.",
            "logins = true\tKeep the login sessions of /var/log/wtmp (user, line, where from, start, end, and how it ended: logout, down, crash, or another login on the line), each run reading what was appended since the last (a rotated or truncated file from its start); sessions open when wtmp is rotated are ended by their logout in the new file, and one ended by a crash ends at the last sample taken before the boot (the machine was up then; ac --reboots counts up to the boot). Without a wtmp (a container), who /run/utmp lists at each run is kept instead: a session ends at the first run that no longer sees it, or at the last sample before a boot. They are kept with no age limit: a busy machine makes a few thousand a month.",
        ],
    ),
    (
        "[sessions]",
        &[
            "idle = \"30m\"\tAn application session with no logged end closes this long after its last event (1m to 7d); until then it is open. It is applied whenever sessions are read, so changing it re-derives every stored session.",
        ],
    ),
    (
        "[ledger]",
        &[
            "billing_day = 1\tThe day of the month billing cycles start on, 1 to 31 (a shorter month starts its cycle on its last day); a location's own billing day overrides it.",
            "max_daily_gb = 10000\tThe most a location may use in a day; usage-import refuses a larger value as a typing error.",
        ],
    ),
    (
        "[backup]",
        &[
            "dir = PATH\tThe backup directory [default: backups beside the database].",
            "mirror = PATH\tA second directory (a NAS mount) every new backup is copied to and pruned in alike.",
            "level = 6\tThe gzip level, 1 (fastest) to 12 (smallest).",
            "retention_days = 30\tBackups older than this are pruned; 0: no age limit.",
            "max_backups = 50\tAt most this many backups are kept; 0: no limit. Named backups do not count and are never pruned.",
            "keep_daily = 0\tAlso keep the newest backup of each of the last N days that have backups (as restic forget --keep-daily).",
            "keep_weekly = 0\tThe same for ISO weeks.",
            "keep_monthly = 0\tThe same for months.",
        ],
    ),
    (
        "[check]",
        &[
            "sample_interval = 60\tSeconds between samples: the sampler's cron or timer interval.",
            "sample_warning = 5\tThe newest sample older than this many intervals is a WARNING.",
            "sample_critical = 15\tAnd older than this many, CRITICAL.",
            "ledger_warning_days = 3\tDays since the newest ledger entry before a WARNING, when active locations exist.",
            "ledger_critical_days = 10\tAnd before a CRITICAL.",
            "backup_warning_hours = 26\tHours since the newest backup before a WARNING.",
            "backup_critical_hours = 50\tAnd before a CRITICAL.",
            "free_warning_percent = 10\tFree space on the database's file system below which it is a WARNING.",
            "free_critical_percent = 5\tAnd a CRITICAL.",
            "fill_warning_days = 30\tA WARNING when the database's growth fills its file system sooner than this.",
        ],
    ),
    (
        "[probes]",
        &[
            "budget = 20\tThe most one run of usage-sample waits for its probes, 1s to 5m (seconds or a duration, as \"20s\"); they run at once, side by side, and a probe still running then is stored as down with the failure budget. Keep it well under the sampler's interval.",
            "fail_after = 3\tFailures in a row that open an outage; it starts at the first of them.",
            "recover_after = 1\tSuccesses in a row that close it; it ends at the first of them.",
            "verify = true\tCheck once more, at once, before a failure opens an outage: a passing re-check is stored as a success.",
            "retention_days = 90\tProbe results older than this are deleted by usage-sample (and, for the hosts it merges, by usage-import --merge); 0 keeps them forever. Outages are kept.",
        ],
    ),
    (
        "[[probe]]",
        &[
            "One table per service to check; each is validated on its own. Common keys:",
            "id = \"NAME\"\tRequired and unique: letters, digits, '-', '_' and '.'; the probe's label in metrics (probe_up{probe=\"NAME\"}) and reports.",
            "name = \"TEXT\"\tWhat people read [default: the id].",
            "kind = \"KIND\"\tRequired: http, https, tcp, dns, icmp or udp.",
            "target = \"TEXT\"\tRequired: a URL (http, https), HOST:PORT (tcp, udp; [v6]:PORT), a domain name (dns), a host or address (icmp).",
            "timeout = 5\tFor one attempt: seconds (2.5), milliseconds (\"500ms\") or a duration, 10ms to 10m; never beyond the run's budget.",
            "retries = 0\tFurther attempts within one run, 0 to 10, before a failure counts.",
            "interval = 60\tSeconds (or a duration) between runs: a probe due less often than the sampler runs waits until due (give or take a tenth, at most 10 s).",
            "active = true\tfalse keeps the probe configured but not run (usage-sample --probe still runs it).",
            "priority = \"normal\"\thigh, normal or low: an outage starts major, minor or warning and rises one step after 30 minutes and another after 2 hours, up to critical.",
            "labels = {}\tA table of names and texts kept with the probe, for people and exports.",
            "method = \"GET\"\thttp, https: GET or HEAD.",
            "status = \"200-299\"\thttp, https: accepted status codes: a code, a class (\"2xx\"), a range, or a list (\"200,301-308\") [default: 200-299, or 200-399 when redirects are not followed].",
            "body = \"TEXT\", body_regex = \"RE\"\thttp, https: the first MiB of the body must contain the text or match the regular expression (Rust regex syntax).",
            "follow_redirects = true\thttp, https: follow up to 10 redirects; the status of the last response is judged.",
            "tls_verify = true\thttps: false still reads the certificate's expiry but trusts any certificate.",
            "ca_file = PATH\thttps: PEM certificates trusted beside the public roots (an internal CA, a self-signed server).",
            "server = \"HOST[:PORT]\"\tdns: the server to ask [default: the first nameserver of /etc/resolv.conf, as dig asks].",
            "record = \"A\"\tdns: A, AAAA, CNAME, MX, NS, TXT, PTR, SOA, SRV or CAA.",
            "expect = \"TEXT\"\tdns: an answer that must be among those returned, written as dig +short writes it (\"10 mail.example.com\"); udp: text the reply must contain.",
            "count = 3\ticmp: echoes sent, 1 to 100, one after the other; the minimum, average and maximum and the loss are stored.",
            "payload = \"TEXT\", expect_regex = \"RE\"\tudp: what is sent, and a regular expression the reply must match. A UDP service that ignores what it is sent cannot be told from a lost packet: silence is stored as a timeout.",
        ],
    ),
    (
        "[alert]",
        &[
            "repeat_interval = \"4h\"\tReminders while an alert keeps firing; a rule's repeat overrides it; 0 for none.",
            "[[alert.rule]], [alert.channel.NAME] and [[alert.maintenance]] are described under RULES, CHANNELS and MAINTENANCE below. With no rule at all, the built-in default rules apply (see usage-alert(1)).",
        ],
    ),
    (
        "MAINTENANCE",
        &[
            "Windows are [[alert.maintenance]] tables (or made with usage-alert maintenance add); while one is open, its rules' transitions are recorded but nobody is notified; once it is over, an alert still firing is announced.",
            "start = \"2026-12-24 00:00\"\tWhen the window opens, local time, or RFC 3339 with an offset.",
            "end = TIME, duration = DURATION\tWhen it closes: one of the two.",
            "rules = [\"NAME\", ...]\tThe rules it silences [default: every rule].",
            "reason = TEXT\tWhy, shown by usage-alert maintenance list and in the history.",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(vars: &[(&str, &str)], is_root: bool) -> Env {
        let mut env = Env::real("usage-test");
        env.vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>();
        env.is_root = is_root;
        env
    }

    #[test]
    fn default_db_follows_xdg_then_home_then_root() {
        let e = env(&[("HOME", "/home/a"), ("XDG_DATA_HOME", "/data")], false);
        assert_eq!(
            default_db(&e).unwrap(),
            PathBuf::from("/data/usage/usage.db")
        );
        let e = env(&[("HOME", "/home/a"), ("XDG_DATA_HOME", "rel")], false);
        assert_eq!(
            default_db(&e).unwrap(),
            PathBuf::from("/home/a/.local/share/usage/usage.db")
        );
        let e = env(&[("HOME", "/root")], true);
        assert_eq!(default_db(&e).unwrap(), PathBuf::from(ROOT_DB));
        // An explicit XDG_DATA_HOME is honoured even for root.
        let e = env(&[("HOME", "/root"), ("XDG_DATA_HOME", "/data")], true);
        assert_eq!(
            default_db(&e).unwrap(),
            PathBuf::from("/data/usage/usage.db")
        );
        assert!(default_db(&env(&[], false)).is_err());
    }

    #[test]
    fn unknown_keys_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "host = \"a\"\n[sample]\ntopp = 3\n").unwrap();
        let common = CommonArgs {
            db: Some("x.db".into()),
            config: Some(path.clone()),
        };
        let err = load(&common, &env(&[], false)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("{}:3:1: unknown field `topp`", path.display())),
            "{msg}"
        );
        assert!(err.is::<UsageError>());
    }

    #[test]
    fn flags_beat_file_and_file_paths_are_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "db = \"data/u.db\"\n[sample]\ntop = 3\n").unwrap();
        let mut common = CommonArgs {
            db: None,
            config: Some(path),
        };
        let cfg = load(&common, &env(&[], false)).unwrap();
        assert_eq!(cfg.db, dir.path().join("data/u.db"));
        assert_eq!(cfg.file.sample.top, 3);
        common.db = Some("/flag.db".into());
        assert_eq!(
            load(&common, &env(&[], false)).unwrap().db,
            PathBuf::from("/flag.db")
        );
    }

    #[test]
    fn the_readme_configuration_example_is_valid() {
        let readme = include_str!("../README.md");
        let start = readme.find("```toml\n").unwrap() + 8;
        let text = &readme[start..start + readme[start..].find("```").unwrap()];
        let file: File = toml::from_str(text).unwrap();
        let origin = Origin {
            path: None,
            text: None,
        };
        validate(&file, &origin).unwrap();
        assert_eq!(file.backup.keep_monthly, 12);
        assert_eq!(file.check.sample_critical, 15.0);
    }

    #[test]
    fn a_bad_value_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[sample]\nprocesses = true\ntop = 5000\n").unwrap();
        let common = CommonArgs {
            db: Some("x.db".into()),
            config: Some(path.clone()),
        };
        let msg = load(&common, &env(&[], false)).unwrap_err().to_string();
        assert_eq!(
            msg,
            format!(
                "{}:3:7: sample.top = 5000 is too large (expected 0 to 1000)",
                path.display()
            )
        );
    }

    #[test]
    fn a_check_name_in_the_file_is_validated_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[check]\nskip = [\"growth\", \"integrty\"]\n").unwrap();
        let common = CommonArgs {
            db: Some("x.db".into()),
            config: Some(path.clone()),
        };
        let msg = load(&common, &env(&[], false)).unwrap_err().to_string();
        assert!(
            msg.starts_with(&format!(
                "{}:2:19: unknown variant `integrty`",
                path.display()
            )),
            "{msg}"
        );
        assert!(msg.contains("`foreign_keys`"), "{msg}");
        for name in CheckName::ALL {
            let text = format!("[check]\nskip = [\"{}\"]\n", name.as_str());
            let file: File = toml::from_str(&text).unwrap();
            assert_eq!(file.check.skip, [name]);
        }
    }

    #[test]
    fn a_named_config_file_must_exist() {
        let common = CommonArgs {
            db: None,
            config: Some("/nonexistent/usage.toml".into()),
        };
        let err = load(&common, &env(&[], false)).unwrap_err();
        assert!(
            err.to_string()
                .contains("'/nonexistent/usage.toml' does not exist")
        );
    }
}
