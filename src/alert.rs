//! usage-alert: rules over the stored record that notify once, remind, escalate and resolve,
//! and stay quiet in maintenance windows.
//!
//! Each run replays the samples stored since the previous run through every rule's state
//! machine ([`machine`]), in one write transaction: alert state, history and the notifications
//! to send (an outbox) change together, so a run every few minutes behaves like a daemon and two
//! overlapping runs never notify twice. Notifications are then delivered, each channel on its
//! own thread; a failed one stays in the outbox for the next run.

pub mod config;
mod deliver;
mod desktop;
pub mod machine;
pub mod notify;
pub mod points;
pub mod rule;
mod secret;
mod services;
mod show;
mod silence;
mod webhook;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde_json::Value;

use crate::cli::{self, CommonArgs, Format, Outcome, UsageError};
use crate::config::Config;
use crate::db::samples::{self, Span};
use crate::db::{self, alerts, probes};
use crate::env::Env;
use crate::figures;
use crate::host;
use crate::maintenance::{self, Window};
use crate::metric::{self, Source};
use crate::render::{Cell, Rows};
use crate::time::{self, Zone};
use config::{Alerts, Kind as ChannelKind, Rule};
use machine::{Event, Hold, Phase, State};
use rule::Severity;

/// How far back a run replays samples it has not seen (after the rule's own `for`): a sampler
/// or cron that stopped for longer does not flood anyone with day-old transitions.
pub const CATCH_UP: i64 = 86_400;

#[derive(Debug, Parser)]
#[command(
    name = "usage-alert",
    version,
    about = "Evaluate alert rules over the stored record; notify once, remind, escalate, resolve",
    long_about = "Evaluate alert rules over the stored record and notify: once when an alert \
fires, again every repeat interval while it stays firing or when it escalates, and once when it \
resolves. Rules are thresholds with durations over the samples (cpu_percent > 90 for 60s), the \
age of the newest sample, and data quotas per location and billing cycle (steps and a \
forecast); without rules in the configuration the built-in default rules apply (CPU over 90 % for 60 s, memory over 85 % for 60 s, a file system over 90 % used or under 10 % free, quota steps and forecast, a probe's outage, a TLS certificate within 14 days of expiry).\n\nRun from cron every \
few minutes: each run replays the samples stored since the last one, so it behaves like a \
daemon. State, history, acknowledgements, silences and maintenance windows live in the \
database. Prints nothing unless the \
console channel has something to say; exits 1 while any alert is firing."
)]
pub struct Args {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Evaluate and print what would happen; change no state, notify nobody
    #[arg(long, short = 'n')]
    pub dry_run: bool,

    /// Output format of the dry run [default: table on a terminal, else csv]
    #[arg(long, short = 'f', value_enum, requires = "dry_run")]
    pub format: Option<Format>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Alerts now pending or firing
    Status(FormatArgs),
    /// Every recorded transition: pending, firing, reminder, escalated, resolved
    History(HistoryArgs),
    /// The rules in force (the configuration's, or the defaults) and the channels; reports
    /// every problem in the [alert] section
    Rules(FormatArgs),
    /// Send a test notification through a channel
    Test(TestArgs),
    /// Maintenance windows: notifications are held back inside them
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
    /// Service outages opened by usage-sample's probes: the open ones, or all since a time;
    /// `outages resolve ID --note TEXT` closes one by hand
    Outages(OutagesArgs),
    /// Acknowledge a firing alert: no reminders and no escalation until it resolves (its
    /// resolved notice is still sent), --for runs out, or `unack`
    Ack(AckArgs),
    /// Take an acknowledgement back: reminders and escalation resume
    Unack(UnackArgs),
    /// Silences: label matchers that hold back the notifications of the alerts they match for
    /// a while (maintenance windows hold back whole rules)
    #[command(subcommand)]
    Silence(SilenceCommand),
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Add a silence: every --match must hold; from --start (default now) for --for or to --end
    Add(SilenceAddArgs),
    /// Silences in force or to come (all with --all)
    List(ListArgs),
    /// End silences now, by number
    Expire(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct SilenceAddArgs {
    /// A label matcher: rule=NAME, mount=/boot, interface!=lo, location=~north.*, probe!~test-.*
    /// (labels: rule, host, and each metric's: mount, interface, user, location, probe);
    /// repeatable, all must hold
    #[arg(long = "match", value_name = "MATCHER", required = true)]
    pub matchers: Vec<String>,
    /// Start: now, +DURATION, YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (local time) or RFC 3339
    #[arg(long, value_name = "TIME", default_value = "now")]
    pub start: String,
    /// How long: 90m, 2h, 1d
    #[arg(
        long = "for",
        value_name = "DURATION",
        required_unless_present = "end",
        conflicts_with = "end"
    )]
    pub for_: Option<String>,
    /// End, in the same forms as --start
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,
    /// Why: shown in lists
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Say what was added even when stdout is not a terminal
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, clap::Args)]
pub struct AckArgs {
    /// The rule's name, as `status` shows it
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// The alert's subject (a mount, interface, location, probe), as `status` shows it
    /// [default: every firing alert of the rule]
    #[arg(value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Who is on it and why: kept, and shown in status and history
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// Only for this long (90m, 2h, 1d); then reminders resume [default: until it resolves]
    #[arg(long = "for", value_name = "DURATION")]
    pub for_: Option<String>,
    /// Say what was acknowledged even when stdout is not a terminal
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, clap::Args)]
pub struct UnackArgs {
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// [default: every acknowledged alert of the rule]
    #[arg(value_name = "SUBJECT")]
    pub subject: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutagesArgs {
    #[command(subcommand)]
    pub command: Option<OutageCommand>,
    /// Also the closed outages since this time: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', or -DURATION
    /// from now
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Subcommand)]
pub enum OutageCommand {
    /// Close an open outage by hand, with a note; the probe needs a new row of failures to
    /// open another
    Resolve(ResolveArgs),
}

#[derive(Debug, clap::Args)]
pub struct ResolveArgs {
    /// The outage's number, as `outages` shows it
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Why it is closed: kept with the outage and shown in reports
    #[arg(long, value_name = "TEXT", required = true)]
    pub note: String,
}

#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// Output format [default: table on a terminal, else csv]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Events from this time on: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', or +/-DURATION from now
    /// [default: 7 days ago]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only this rule's events (repeatable)
    #[arg(long, value_name = "NAME")]
    pub rule: Vec<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The channel's name in [alert.channel.NAME] ('console' when none are configured)
    pub channel: String,
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Add a window: from --start (default now) to --end or for --duration
    Add(AddArgs),
    /// Windows that have not ended (all with --all), stored and configured
    List(ListArgs),
    /// Delete stored windows by number
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Start: now, +DURATION, YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (local time) or RFC 3339
    #[arg(long, value_name = "TIME", default_value = "now")]
    pub start: String,
    /// End, in the same forms as --start
    #[arg(
        long,
        value_name = "TIME",
        required_unless_present = "duration",
        conflicts_with = "duration"
    )]
    pub end: Option<String>,
    /// Length: 90m, 2h, 1d
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Only this rule (repeatable) [default: every rule]
    #[arg(long, value_name = "NAME")]
    pub rule: Vec<String>,
    /// Why: shown in lists and in the history
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Say what was added (its number, times and rules) even when stdout is not a terminal
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Include windows that have ended
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Window numbers, as `maintenance list` shows them
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<i64>,
}

/// The clap definition, for the binary, man page and completions.
pub fn command() -> clap::Command {
    Args::command()
}

/// The man page's hand-written sections, with the metric vocabulary after RULES.
pub fn man_sections() -> crate::cli::ManSections {
    let mut sections = crate::cli::man_sections(MAN_SECTIONS);
    sections.insert(1, ("METRICS", metric::man_paragraphs()));
    sections
}

/// Man page sections beyond what clap knows.
const MAN_SECTIONS: &[(&str, &[&str])] = &[
    (
        "RULES",
        &[
            "Rules are [[alert.rule]] tables in the configuration file: name, when, and optionally severity (info, warning, critical; default warning), resolve, steps, severities, message, repeat, escalate_after and channels. Every problem is reported with its file, line and column; a bad rule is left out and the others are evaluated.",
            "when = \"METRIC[{LABEL=\\\"VALUE\\\"}] OP THRESHOLD [for DURATION]\"\tOP is >, >=, < or <=. The condition must hold over the samples for DURATION (90s, 5m, 1h) before the alert fires; until then it is pending. Without the label a rule watches every mount, interface, user or location, each as its own alert.",
            "resolve = VALUE\tHysteresis: a firing alert resolves only once the value is at or past this (below it for > and >=), so a value hovering at the threshold does not flap. Default: the threshold.",
            "steps = [50, 80, 100]\tInstead of a threshold in when: levels the value rises through (>=). The alert fires at the first and notifies again (escalated) at each higher one; severities default to info, ..., warning, critical for the last.",
            "repeat = DURATION\tReminders while firing [default: alert.repeat_interval, 4h]; 0 for none.",
            "escalate_after = DURATION\tA firing alert that is not critical becomes critical after this long and notifies again.",
            "message = TEMPLATE\tThe notification's text; {rule}, {subject}, {host}, {metric}, {event}, {severity}, {value}, {threshold}, {condition}, {since} and the label ({mount}, {interface}, {user}, {location}) are replaced.",
            "channels = [\"NAME\", ...]\tSend this rule's notifications to these channels only [default: every channel whose min_severity it reaches].",
            "escalate_to = [\"NAME\", ...]\tChannels that also hear the alert from its escalation on (by escalate_after or a higher step): the escalation, its later reminders and its resolved notice; as an on-call pager after the team's chat (with channels = [...] naming the chat). An acknowledged alert is not escalated, so it does not reach them.",
        ],
    ),
    (
        "DEFAULT RULES",
        &[
            "Without [[alert.rule]] tables: high-cpu (cpu_percent > 90 for 60s, resolve 80, warning), high-memory (memory_percent > 85 for 60s, resolve 80, warning), disk-full (disk_used_percent > 90, resolve 88, warning), low-disk-space (disk_free_percent < 10, resolve 12, critical), quota (quota_used_percent, steps 50, 80, 100: info, warning, critical), quota-forecast (quota_forecast_percent > 100, resolve 95, warning), outage (outage_open > 0, critical: a probe's outage, see usage.conf(5) [[probe]]) and tls-expiry (tls_days_left < 14, warning).",
        ],
    ),
    (
        "CHANNELS",
        &[
            "Channels are [alert.channel.NAME] tables with a type and optionally min_severity and rules. Without any, notifications go to the console. A failed delivery is reported on stderr and retried on the next run (for up to a day); it never holds up the other channels.",
            "type = \"console\"\tOne line per notification on standard output (cron mails it).",
            "type = \"log\"\tpath: one JSON line per notification appended to the file (created 0600). max_size (bytes, or 10MB, 512KiB) rotates it before it would grow past that, to path.1, path.2, ..., keeping keep (5) of them, as Python's RotatingFileHandler does. Each notification opens the file anew, so logrotate can also rotate it by moving it away (no copytruncate needed).",
            "type = \"email\"\tserver, port, security (starttls, the default; tls; none), ca_file (a PEM certificate of a private CA to trust beside the public roots), username, password_file or password_env (never on the command line; a password_file every user can read is warned about), from, to (a list), timeout (30s) per step of the dialogue. A username with security = \"none\" is refused unless allow_plaintext = true: the password would cross the network unencrypted. format = \"sms\" writes for an email-to-SMS gateway (to = [\"5551234567@gateway.example\"]): a short subject (FIRING disk-full, 5 alerts) and one line, 160 characters in all.",
            "type = \"webhook\"\turl: the JSON document below is POSTed; timeout (10s) per attempt, retries (2) with a pause of 1 s doubling between them. To speak another service's API: method (POST, PUT or PATCH); headers = { X-Api-Key = \"{{token}}\" }; body = '{\"text\": \"{{headline}}\"}' sent as content_type (application/json), or form = { text = \"{{message}}\" } sent as a form; token_file or token_env for {{token}}; username with password_file or password_env for basic authentication. Placeholders: {{host}}, {{rule}}, {{subject}}, {{event}}, {{severity}}, {{metric}}, {{value}}, {{threshold}}, {{when}}, {{since}}, {{time}}, {{message}}, {{headline}}, {{details}}, {{json}} (the whole document) and {{token}}; each is escaped for where it lands (a JSON string's contents, a form field, a header without line breaks), so a string placeholder in a JSON body goes inside quotes. A JSON body is checked when the configuration is read; a token or password over plain http to another machine needs allow_plaintext = true. preset = \"slack\" (or any service below) makes the webhook that service's channel, with its keys.",
            "type = \"desktop\"\tA notification through the freedesktop notification service (what GNOME, KDE, dunst and mako show) on the session bus: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus, else /run/user/UID/bus, or address = \"unix:path=...\". A session bus serves only its own user: run usage-alert from the desktop user's crontab; cron sets no DBUS_SESSION_BUS_ADDRESS, and /run/user/UID/bus is found while the user is logged in. Urgency critical for critical alerts, low for info; a bus without a notification service is a failed delivery, retried on the next run. notify-send through an exec channel works too.",
            "type = \"slack\", \"mattermost\", \"rocketchat\"\turl: the incoming webhook's URL. Slack gets the headline as text and the details in a block coloured by severity (red critical, amber warning, blue info, green resolved); Slack answering anything but ok (invalid_token, channel_not_found) is a failure in its words. Mattermost and Rocket.Chat take the Slack-compatible text and a coloured attachment.",
            "type = \"discord\"\turl: the channel webhook's URL; the headline as content (2000 characters at most, mentions off) and an embed coloured by severity.",
            "type = \"teams\"\turl: a Microsoft Teams workflow (or incoming) webhook's URL; an Adaptive Card, the headline coloured by severity.",
            "type = \"ntfy\"\turl: the topic's URL (https://ntfy.sh/mytopic or a server of your own); token_file or token_env for an access token (optional). Title, priority (5 critical, 4 warning, 3 info and resolved) and tags from the alert.",
            "type = \"gotify\"\turl: the server's URL; token_file or token_env: the application token (needed). Priority 8 critical, 5 warning, 2 info, 4 resolved.",
            "type = \"pagerduty\"\ttoken_file or token_env: the integration's routing key (needed); url defaults to PagerDuty's Events API v2. Each alert is one incident (dedup_key usage/HOST/RULE/SUBJECT): firing, reminders and escalations trigger it, its resolved notice resolves it.",
            "type = \"matrix\"\turl: the homeserver (https://matrix.example.org); room: the room's id (!abc:example.org); token_file or token_env: the access token of the account that posts. A retried notification keeps its transaction id, so Matrix shows it once.",
            "type = \"telegram\"\ttoken_file or token_env: the bot's token (from BotFather); chat_id: the chat, group or channel (-100...). url defaults to https://api.telegram.org.",
            "type = \"pushover\"\ttoken_file or token_env: the application's API token; user: the user or group key. Priority 1 critical, 0 warning and resolved, -1 info.",
            "type = \"opsgenie\"\ttoken_file or token_env: the API key (GenieKey); url defaults to https://api.opsgenie.com (https://api.eu.opsgenie.com in the EU). Each alert is one Opsgenie alert by alias (usage/HOST/RULE/SUBJECT), closed with its resolved notice; priority P1 critical, P3 warning, P5 info.",
            "type = \"twilio\"\taccount_sid, token_file or token_env (the auth token), from (a Twilio number) and to (a list of numbers, E.164): one SMS per number, the headline alone in at most 320 characters. For an email-to-SMS gateway use an email channel to the gateway's address.",
            "group = \"run\"\tEmail, chat, push and SMS channels: the notifications of one run go out as one message, its headline the counts by severity (5 alerts: 1 critical, 4 warning), a line per alert, coloured by the highest; \"rule\" one message per rule; \"none\" each on its own. PagerDuty and Opsgenie keep one incident per alert, and log, webhook and exec channels send each notification.",
            "Every service channel and the webhook take ca_file: a PEM certificate (an internal CA, a self-signed server) trusted instead of the public roots, for a Mattermost, Gotify or ntfy of your own over https. Every service channel takes timeout (10s) and retries (2); a 429 is tried again after its Retry-After (up to 30 s), other failures after a pause of 1 s that doubles. Errors show the URL's scheme and host only: a webhook's path is its secret. A token is read from its file (one line) or variable at each delivery, never from the command line, and never written to a log; a token file every user can read is warned of on each run.",
            "type = \"exec\"\tcommand: a list, run without a shell; the alert is in the environment (USAGE_ALERT_RULE, _SUBJECT, _HOST, _EVENT, _SEVERITY, _VALUE, _THRESHOLD, _METRIC, _WHEN, _SINCE, _TIME, _MESSAGE, and the whole document in USAGE_ALERT_JSON); killed after timeout (30s); a non-zero exit is a failed delivery. Run as root, exec channels are refused (as a configuration problem) while the configuration file or its directory is not owned by root or can be written by its group or others.",
            "The JSON document (version 1): version, host, rule, subject, labels, event (firing, reminder, escalated, resolved; test), severity, metric, value, threshold, resolve_threshold, when, since and time (RFC 3339, UTC), message, silenced.",
        ],
    ),
    (
        "BEHAVIOUR",
        &[
            "Like Prometheus and Alertmanager: a pending alert whose condition clears goes away silently; a firing alert notifies once, then every repeat interval; once resolved it sends one resolved notice, only if its firing was announced. Inside a maintenance window transitions are recorded (marked silenced) but nobody is notified; once the window is over, an alert still firing is announced and one that resolved inside the window after having been announced gets its resolved notice. An alert whose mount, interface or location disappears resolves. An acknowledged alert (usage-alert ack) sends no reminders and is not escalated, by age or by its steps (the rise is kept in the history), until it resolves, the acknowledgement runs out (--for) or is taken back (unack); then recipients hear the severity they missed and reminders resume. Its resolved notice is always sent.",
            "A silence (usage-alert silence add) holds back the alerts whose labels all its matchers match, as an Alertmanager silence: rule, host, and the subject under its metric's label (mount, interface, user, location, probe); name=value and name!=value compare, name=~regex and name!~regex match the whole value; a label an alert lacks is empty. Inside it an alert behaves as inside a maintenance window. When it ends, an alert still firing that people heard of before is said once more (a reminder), and one that fired inside it is announced. usage-alert status says what holds each alert back now (held_by).",
            "Each run replays the samples stored since the previous run (at most a day back), so a cron run every few minutes notifies as a daemon evaluating every sample would. The evaluation is one transaction: overlapping runs wait for each other and never notify twice.",
        ],
    ),
    (
        "EXIT STATUS",
        &[
            "0\tNo alert is firing.",
            "1\tAt least one alert is firing (like vnstat --alert).",
            "2\tThe command line or the [alert] configuration is wrong (each problem is on stderr; the good rules were still evaluated).",
            "3\tThe work failed: the database could not be read or written, or a notification could not be delivered (it is retried on the next run).",
        ],
    ),
    (
        "FILES",
        &[
            "$XDG_CONFIG_HOME/usage/config.toml, /etc/usage/config.toml\tConfiguration: [alert] (repeat_interval), [[alert.rule]], [alert.channel.NAME], [[alert.maintenance]] (start, end or duration, rules, reason).",
        ],
    ),
    (
        "ENVIRONMENT",
        &[
            "USAGE_DB\tDatabase path, as --db.",
            "USAGE_CONFIG\tConfiguration file, as --config.",
            "USAGE_NOW\tPretend the time is this many seconds since 1970 (UTC); for tests.",
        ],
    ),
    (
        "EXAMPLES",
        &[
            "*/5 * * * * usage-alert\tIn a crontab: evaluate every five minutes.",
            "usage-alert --dry-run\tWhat would be notified now, without notifying or changing anything.",
            "usage-alert maintenance add --duration 2h --rule high-cpu --reason 'kernel upgrade'\tSilence one rule for two hours from now.",
            "usage-alert test ops-mail\tSend a test notification through the channel ops-mail.",
            "usage-alert history --since 2026-11-01 --rule quota\tThe quota alerts of this month.",
            "usage-alert status\tThe alerts now pending or firing, with since when.",
            "usage-alert rules --format json\tThe rules in force (the built-in defaults when none are configured), as JSON.",
            "usage-alert silence add --match rule=disk-full --match mount=/boot --for 1d --reason 'cleanup'\tHold back one file system's disk alert for a day; the others still notify.",
            "usage-alert silence add --match 'interface=~docker.*' --for 2h\tHold back the alerts of every docker interface for two hours.",
            "usage-alert silence list --all\tEvery silence, ended ones too, with its state and who added it.",
            "usage-alert maintenance list --all\tEvery maintenance window, stored and configured, with the numbers delete takes.",
            "usage-alert maintenance delete 3\tDelete stored window 3.",
        ],
    ),
];

/// Everything a run needs besides the database.
struct Ctx {
    alerts: Alerts,
    host: host::Wanted,
    now: i64,
    today: chrono::NaiveDate,
    billing_day: u8,
    idle: i64,
}

impl Ctx {
    fn clock(&self) -> figures::Clock {
        figures::Clock {
            now: self.now,
            today: self.today,
            billing_day: self.billing_day,
            idle: self.idle,
        }
    }
}

fn context(config: &Config, env: &Env) -> Ctx {
    let mut alerts = config::load(config.source.as_deref(), config.text.as_deref());
    if env.is_root
        && let Some(source) = &config.source
    {
        alerts.refuse_unsafe_exec(source);
    }
    Ctx {
        alerts,
        host: host::Wanted::new(None, config.file.host.as_deref(), &env.sysroot),
        now: env.now().floor() as i64,
        today: env.today(),
        billing_day: config.file.ledger.billing_day,
        idle: config.file.sessions.idle_secs(),
    }
}

impl cli::Tool for Args {
    /// 1 means "firing", so a failed run is 3.
    const CONVENTION: cli::Convention = cli::Convention::Alert;
}

/// Runs usage-alert.
pub fn run(args: Args, env: &mut Env) -> Result<Outcome> {
    let config = crate::config::load(&args.common, env)?;
    let ctx = context(&config, env);
    // The configuration's problems first, then those found while evaluating.
    for p in &ctx.alerts.problems {
        env.say(p);
    }
    for (channel, key, path) in ctx.alerts.secret_files() {
        use std::os::unix::fs::PermissionsExt;
        let shown = path.display();
        match std::fs::File::open(path).and_then(|f| f.metadata()) {
            Err(e) => env.warn(format!(
                "channel '{channel}': {key} '{shown}' cannot be read ({e}): its notifications fail until it can"
            )),
            Ok(m) if m.permissions().mode() & 0o004 != 0 => env.warn(format!(
                "channel '{channel}': {key} '{shown}' can be read by every user (chmod o-r it)"
            )),
            Ok(_) => {}
        }
    }
    let mut conn = db::open_reader(&config.db)?;
    let mut verdict = Verdict::default();
    match args.command {
        None => {
            let dry_run = args.dry_run.then_some(args.format);
            verdict = evaluate_and_notify(&mut conn, &ctx, dry_run, env)?
        }
        Some(Command::Status(a)) => {
            let mut problems = Vec::new();
            let quiet = silence::Quiet::load(&conn, &ctx.alerts.windows, ctx.now, &mut problems)?;
            for p in problems {
                env.say(p);
            }
            let host = host::choose(&conn, &ctx.host, host::Fallback::Newest)?
                .map_or(ctx.host.name().unwrap_or_default().to_string(), |h| h.name);
            let held_by = |rule: &str, subject: &str| {
                let rule = ctx.alerts.rules.iter().find(|r| r.name == rule)?;
                quiet.held_by(rule, subject, &host, ctx.now)
            };
            show::status(&conn, &a, &held_by, env)?;
        }
        Some(Command::History(a)) => show::history(&conn, ctx.now, &a, env)?,
        Some(Command::Rules(a)) => show::rules(&ctx.alerts, &a, env)?,
        Some(Command::Test(a)) => test(&ctx, &a, env)?,
        Some(Command::Maintenance(m)) => run_maintenance(&conn, &ctx, m, env)?,
        Some(Command::Ack(a)) => acknowledge(&mut conn, &ctx, &a, env)?,
        Some(Command::Unack(a)) => unacknowledge(&mut conn, &ctx, &a, env)?,
        Some(Command::Silence(c)) => run_silence(&conn, &ctx, c, env)?,
        Some(Command::Outages(a)) => match a.command {
            None => show::outages(&conn, ctx.now, &a, env)?,
            Some(OutageCommand::Resolve(r)) => show::resolve_outage(&mut conn, ctx.now, &r, env)?,
        },
    }
    Ok(Outcome::Alerts {
        firing: verdict.firing,
        misconfigured: verdict.misconfigured || !ctx.alerts.problems.is_empty(),
        undelivered: verdict.undelivered,
    })
}

/// What an evaluation came to.
#[derive(Debug, Default)]
struct Verdict {
    firing: bool,
    misconfigured: bool,
    undelivered: bool,
}

/// One event of one alert, with what recipients are told.
struct Happened<'a> {
    rule: &'a Rule,
    subject: String,
    event: Event,
    payload: Value,
    /// The channels told (empty when nobody is).
    channels: Vec<String>,
}

/// What one evaluation did.
struct Evaluation<'a> {
    happened: Vec<Happened<'a>>,
    firing: usize,
    problems: Vec<String>,
}

fn evaluate_and_notify(
    conn: &mut Connection,
    ctx: &Ctx,
    // A dry run, in this output format: nothing recorded, nobody notified.
    dry_run: Option<Option<Format>>,
    env: &mut Env,
) -> Result<Verdict> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let evaluation = evaluate(&tx, ctx)?;
    for p in &evaluation.problems {
        env.say(p);
    }
    let mut verdict = Verdict {
        firing: evaluation.firing > 0,
        misconfigured: !evaluation.problems.is_empty(),
        undelivered: false,
    };
    if let Some(format) = dry_run {
        tx.rollback()?;
        show::dry_run(&evaluation, format, env)?;
        return Ok(verdict);
    }
    tx.commit()?;
    let failures = deliver::outbox(conn, &ctx.alerts, ctx.now, env)?;
    for f in &failures {
        env.say(f);
    }
    verdict.undelivered = !failures.is_empty();
    Ok(verdict)
}

fn evaluate<'a>(tx: &Transaction, ctx: &'a Ctx) -> Result<Evaluation<'a>> {
    let mut problems = Vec::new();
    let quiet = silence::Quiet::load(tx, &ctx.alerts.windows, ctx.now, &mut problems)?;
    // The configured (or this machine's) host, else the host sampled last, as usage-check.
    let sampled = host::choose(tx, &ctx.host, host::Fallback::Newest)?;
    let host = sampled.as_ref().map(|h| h.id);
    let host_name = sampled
        .as_ref()
        .map_or(ctx.host.name().unwrap_or_default(), |h| h.name.as_str());
    // The sample stored last, not the one whose time is latest: after the clock jumped ahead
    // and back, the samples stored since are the new ones.
    let stored = match host {
        Some(h) => samples::newest_stored(tx, h)?,
        None => None,
    };
    let newest = stored.map(|(_, ts)| ts);
    // Probes may run on a host that takes no samples (usage-sample --probes-only).
    let probe_host = match host {
        Some(h) => Some(h),
        None => samples::hosts(tx)?
            .into_iter()
            .find(|h| Some(h.name.as_str()) == ctx.host.name())
            .map(|h| h.id),
    };
    // Silences over whose end nobody has been told yet.
    let ended = quiet.ended_untold(ctx.now);
    for s in &ended {
        alerts::silence_noticed(tx, s.id, ctx.now)?;
    }
    let mut happened = Vec::new();
    let mut rows = figures::Rows::default();
    let mut firing = 0;
    for rule in &ctx.alerts.rules {
        if let Err(e) = points::check_subject(tx, rule, host) {
            problems.push(format!("{}: rule '{}': {e}", rule.origin, rule.name));
            continue;
        }
        let acks: BTreeMap<String, alerts::AckRow> = alerts::open_acks(tx, Some(&rule.name))?
            .into_iter()
            .map(|a| (a.subject.clone(), a))
            .collect();
        let mut states: BTreeMap<String, State> = alerts::states(tx, &rule.name)?
            .iter()
            .map(|r| (r.subject.clone(), State::from_row(r)))
            .collect();
        let (points, vanish_at) = match rule.metric.source() {
            source @ (Source::Samples
            | Source::Disks
            | Source::Interfaces
            | Source::Users
            | Source::Probes) => {
                // The row stored last of the rule's table: probe results come at their own
                // cadence (usage-sample --probes-only), not with the samples.
                let (host, stored) = match (source, probe_host) {
                    (Source::Probes, Some(h)) => (Some(h), probes::newest_stored(tx, h)?),
                    (Source::Probes, None) => (None, None),
                    _ => (host, stored),
                };
                match (host, stored) {
                    (Some(h), Some((newest_id, newest))) => {
                        let floor = newest - rule.for_secs - CATCH_UP;
                        let span = match alerts::cursor(tx, &rule.name)? {
                            // Every sample stored since, at most a day back.
                            Some((_, Some(id))) => Span::since_sample(id, floor + 1),
                            // A cursor of schema 4, or none yet: by time.
                            Some((ts, None)) => Span::after(ts.max(floor), newest),
                            None => Span::after((newest - rule.for_secs - 1).max(floor), newest),
                        };
                        let points =
                            rows.points(tx, rule.metric, rule.filter.as_deref(), h, span)?;
                        alerts::set_cursor(tx, &rule.name, newest, newest_id)?;
                        let at = if points.is_empty() {
                            None
                        } else {
                            Some(newest)
                        };
                        (points, at)
                    }
                    _ => (Vec::new(), None),
                }
            }
            Source::Clock => (
                figures::clock_points(
                    tx,
                    rule.metric,
                    rule.filter.as_deref(),
                    host,
                    newest,
                    &ctx.clock(),
                )?,
                Some(ctx.now),
            ),
        };
        let mut series: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for (t, subject, value) in points {
            series.entry(subject).or_default().push((t, value));
        }
        let subjects: BTreeSet<String> = series.keys().chain(states.keys()).cloned().collect();
        for subject in subjects {
            let stored = states.remove(&subject);
            let mut state = stored.clone();
            let mut events = Vec::new();
            let ack = acks.get(&subject);
            let hold = |t: i64| Hold {
                silenced: quiet.holds(rule, &subject, host_name, t),
                acked: ack.is_some_and(|a| a.at <= t && a.until.is_none_or(|u| t < u)),
            };
            match series.get(&subject) {
                Some(values) => {
                    for &(t, v) in values {
                        machine::observe(rule, &mut state, t, v, hold(t), &mut events);
                        machine::tick(rule, &mut state, t, hold(t), &mut events);
                    }
                }
                None => {
                    if let Some(t) = vanish_at {
                        machine::vanish(&mut state, t, hold(t).silenced, &mut events);
                    }
                }
            }
            machine::tick(rule, &mut state, ctx.now, hold(ctx.now), &mut events);
            let fired = state.as_ref().and_then(|s| s.fired);
            if let Some(fired) = fired
                && ended
                    .iter()
                    .any(|x| x.held_since(rule, &subject, host_name, fired))
            {
                machine::silence_over(&mut state, ctx.now, hold(ctx.now), &mut events);
            }
            // An acknowledgement lasts while the alert fires, and no longer than asked.
            if let Some(a) = ack {
                if !state.as_ref().is_some_and(|s| s.phase == Phase::Firing) {
                    alerts::end_ack(tx, &rule.name, &subject, ctx.now, "resolved")?;
                } else if let Some(until) = a.until.filter(|u| *u <= ctx.now) {
                    alerts::end_ack(tx, &rule.name, &subject, until, "expired")?;
                }
            }
            // Most alerts of most runs stay inactive: nothing to write.
            if state != stored {
                let row = state.as_ref().map(|s| s.to_row(&subject));
                alerts::save_state(tx, &rule.name, &subject, row.as_ref())?;
            }
            if state.as_ref().is_some_and(|s| s.phase == Phase::Firing) {
                firing += 1;
            }
            for event in events {
                let payload = notify::payload(rule, &subject, &event, host_name);
                let channels = if event.notify {
                    let mut to = route(&ctx.alerts, rule, event.severity);
                    // From its escalation on (a severity above the rule's first), an alert also
                    // reaches the rule's escalate_to.
                    let escalated = event.kind == machine::Kind::Escalated
                        || (event.severity > rule.severity_at(0)
                            && matches!(
                                event.kind,
                                machine::Kind::Reminder | machine::Kind::Resolved
                            ));
                    if escalated {
                        for c in &rule.escalate_to {
                            if !to.contains(c) {
                                to.push(c.clone());
                            }
                        }
                    }
                    to
                } else {
                    Vec::new()
                };
                if event.record {
                    alerts::record_event(
                        tx,
                        &alerts::EventRow {
                            ts: event.ts,
                            rule: rule.name.clone(),
                            subject: subject.clone(),
                            event: event.kind.as_str().into(),
                            severity: event.severity.as_str().into(),
                            value: event.value,
                            message: payload["message"].as_str().unwrap_or("").into(),
                            silenced: event.silenced,
                            host: probe_host,
                        },
                    )?;
                }
                for channel in &channels {
                    alerts::enqueue(tx, ctx.now, channel, &payload.to_string())?;
                }
                happened.push(Happened {
                    rule,
                    subject: subject.clone(),
                    event,
                    payload,
                    channels,
                });
            }
        }
    }
    Ok(Evaluation {
        happened,
        firing,
        problems,
    })
}

fn run_silence(conn: &Connection, ctx: &Ctx, command: SilenceCommand, env: &mut Env) -> Result<()> {
    let usage = |e: anyhow::Error| UsageError(crate::cli::one_line(&e));
    match command {
        SilenceCommand::Add(a) => {
            let mut matchers = Vec::new();
            let labels = silence::label_names(&ctx.alerts.rules);
            for text in &a.matchers {
                let m = silence::Matcher::parse(text)
                    .map_err(|e| UsageError(format!("--match {e}")))?;
                if !labels.contains(&m.name) {
                    return Err(UsageError(format!(
                        "--match {text}: no rule's alerts have the label '{}' (labels: {})",
                        m.name,
                        labels.join(", ")
                    ))
                    .into());
                }
                if m.name == "rule"
                    && m.op == silence::Op::Equal
                    && !ctx.alerts.rules.iter().any(|r| r.name == m.value)
                {
                    let names: Vec<&str> =
                        ctx.alerts.rules.iter().map(|r| r.name.as_str()).collect();
                    return Err(UsageError(format!(
                        "--match {text}: no such rule (rules: {})",
                        names.join(", ")
                    ))
                    .into());
                }
                matchers.push(m);
            }
            let start =
                time::parse_time(&a.start, ctx.now).map_err(|e| usage(e.context("--start")))?;
            let end = match (&a.end, &a.for_) {
                (Some(end), _) => {
                    time::parse_time(end, ctx.now).map_err(|e| usage(e.context("--end")))?
                }
                (None, Some(d)) => {
                    start + time::parse_duration(d).map_err(|e| usage(e.context("--for")))?
                }
                (None, None) => start,
            };
            if end <= start.max(ctx.now) {
                return Err(UsageError(format!(
                    "the silence would be over ({}) before it does anything",
                    time::show_local(end)
                ))
                .into());
            }
            let id = alerts::add_silence(
                conn,
                &silence::Silence::stored(&matchers),
                (start, end),
                &env.user(),
                a.reason.as_deref().unwrap_or_default(),
                ctx.now,
            )?;
            if a.print || env.stdout_is_terminal {
                let shown: Vec<String> = matchers.iter().map(silence::Matcher::show).collect();
                writeln!(
                    env.stdout,
                    "silence #{id}: {} to {}, {}",
                    time::show_local(start),
                    time::show_local(end),
                    shown.join(", ")
                )?;
            }
            Ok(())
        }
        SilenceCommand::List(a) => {
            let zone = Zone::Local;
            let rows = alerts::silences(conn)?
                .iter()
                .map(silence::Silence::from_row)
                .filter(|s| a.all || s.end > ctx.now)
                .map(|s| {
                    vec![
                        Cell::Text(format!("#{}", s.id)),
                        Cell::Time(zone.time(s.start)),
                        Cell::Time(zone.time(s.end)),
                        Cell::Text(s.show_matchers()),
                        Cell::Text(
                            if s.end <= ctx.now {
                                "ended"
                            } else if s.start > ctx.now {
                                "planned"
                            } else {
                                "active"
                            }
                            .into(),
                        ),
                        Cell::Text(s.who.clone()),
                        Cell::Text(s.reason.clone()),
                    ]
                })
                .collect();
            Rows {
                columns: vec!["id", "start", "end", "matchers", "state", "who", "reason"],
                rows,
            }
            .write(Format::or_default(a.format.format, env), &mut env.stdout)?;
            Ok(())
        }
        SilenceCommand::Expire(a) => {
            for id in &a.ids {
                if !alerts::expire_silence(conn, *id, ctx.now)? {
                    return Err(UsageError(format!("no silence #{id}")).into());
                }
            }
            Ok(())
        }
    }
}

fn acknowledge(conn: &mut Connection, ctx: &Ctx, args: &AckArgs, env: &mut Env) -> Result<()> {
    let until = match &args.for_ {
        Some(d) => Some(
            ctx.now
                + time::parse_duration(d)
                    .map_err(|e| UsageError(crate::cli::one_line(&e.context("--for"))))?,
        ),
        None => None,
    };
    let who = env.user();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let firing: Vec<String> = alerts::states(&tx, &args.rule)?
        .into_iter()
        .filter(|s| s.state == "firing")
        .map(|s| s.subject)
        .filter(|s| args.subject.as_ref().is_none_or(|wanted| wanted == s))
        .collect();
    if firing.is_empty() {
        let all: Vec<String> = alerts::all_states(&tx)?
            .into_iter()
            .filter(|(_, s)| s.state == "firing")
            .map(|(rule, s)| show::alert_name(&rule, &s.subject))
            .collect();
        return Err(UsageError(format!(
            "no firing alert {} (firing: {})",
            show::alert_name(&args.rule, args.subject.as_deref().unwrap_or_default()),
            if all.is_empty() {
                "none".to_string()
            } else {
                all.join(", ")
            }
        ))
        .into());
    }
    for subject in &firing {
        alerts::ack(&tx, &args.rule, subject, ctx.now, until, &who, &args.note)?;
    }
    tx.commit()?;
    if args.print || env.stdout_is_terminal {
        for subject in &firing {
            writeln!(
                env.stdout,
                "acknowledged {} by {who}{}: no reminders or escalation until {}",
                show::alert_name(&args.rule, subject),
                if args.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", args.note)
                },
                until.map_or("it resolves".to_string(), |u| format!(
                    "{} or it resolves",
                    time::show_local(u)
                ))
            )?;
        }
    }
    Ok(())
}

fn unacknowledge(conn: &mut Connection, ctx: &Ctx, args: &UnackArgs, env: &mut Env) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let open: Vec<alerts::AckRow> = alerts::open_acks(&tx, Some(&args.rule))?
        .into_iter()
        .filter(|a| args.subject.as_ref().is_none_or(|s| *s == a.subject))
        .collect();
    if open.is_empty() {
        return Err(UsageError(format!(
            "{} is not acknowledged",
            show::alert_name(&args.rule, args.subject.as_deref().unwrap_or_default())
        ))
        .into());
    }
    for a in &open {
        alerts::end_ack(&tx, &a.rule, &a.subject, ctx.now, "unack")?;
    }
    tx.commit()?;
    if env.stdout_is_terminal {
        for a in &open {
            writeln!(
                env.stdout,
                "{} is no longer acknowledged: reminders and escalation resume",
                show::alert_name(&a.rule, &a.subject)
            )?;
        }
    }
    Ok(())
}

/// The channels an event of `rule` at `severity` goes to.
fn route(alerts: &Alerts, rule: &Rule, severity: Severity) -> Vec<String> {
    alerts
        .channels
        .iter()
        .filter(|c| {
            if rule.channels.is_empty() {
                severity >= c.min_severity && (c.rules.is_empty() || c.rules.contains(&rule.name))
            } else {
                rule.channels.contains(&c.name)
            }
        })
        .map(|c| c.name.clone())
        .collect()
}

fn test(ctx: &Ctx, args: &TestArgs, env: &mut Env) -> Result<()> {
    let channel = ctx.alerts.channel(&args.channel).ok_or_else(|| {
        let names: Vec<&str> = ctx
            .alerts
            .channels
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        UsageError(format!(
            "no channel '{}' (configured: {})",
            args.channel,
            names.join(", ")
        ))
    })?;
    let payload = notify::test_payload(&channel.name, ctx.host.name().unwrap_or_default(), ctx.now);
    if matches!(channel.kind, ChannelKind::Console) {
        writeln!(env.stdout, "{}", notify::console_line(&payload))?;
        return Ok(());
    }
    notify::deliver(channel, &payload, &notify::DeliveryEnv::new(env))
        .map_err(|e| e.context(format!("channel '{}'", channel.name)))?;
    writeln!(
        env.stdout,
        "sent a test notification through '{}' ({})",
        channel.name,
        channel.describe()
    )?;
    Ok(())
}

fn run_maintenance(
    conn: &Connection,
    ctx: &Ctx,
    command: MaintenanceCommand,
    env: &mut Env,
) -> Result<()> {
    let usage = |e: anyhow::Error| UsageError(crate::cli::one_line(&e));
    match command {
        MaintenanceCommand::Add(a) => {
            let start =
                time::parse_time(&a.start, ctx.now).map_err(|e| usage(e.context("--start")))?;
            let end = match (&a.end, &a.duration) {
                (Some(end), _) => {
                    time::parse_time(end, ctx.now).map_err(|e| usage(e.context("--end")))?
                }
                (None, Some(d)) => {
                    start + time::parse_duration(d).map_err(|e| usage(e.context("--duration")))?
                }
                (None, None) => start,
            };
            if end <= start {
                return Err(UsageError(format!(
                    "the window would end ({}) before it starts ({})",
                    time::show_local(end),
                    time::show_local(start)
                ))
                .into());
            }
            if let Some(unknown) = a
                .rule
                .iter()
                .find(|r| !ctx.alerts.rules.iter().any(|x| &x.name == *r))
            {
                let names: Vec<&str> = ctx.alerts.rules.iter().map(|r| r.name.as_str()).collect();
                return Err(UsageError(format!(
                    "--rule {unknown}: no such rule (rules: {})",
                    names.join(", ")
                ))
                .into());
            }
            let rules = serde_json::to_string(&a.rule)?;
            let reason = a.reason.as_deref().unwrap_or_default();
            let id = db::alerts::add_window(conn, (start, end), &rules, reason, ctx.now)?;
            // Silent off a terminal, as every command that writes.
            if !(a.print || env.stdout_is_terminal) {
                return Ok(());
            }
            writeln!(
                env.stdout,
                "maintenance window #{id}: {} to {}, {}{}",
                time::show_local(start),
                time::show_local(end),
                if a.rule.is_empty() {
                    "every rule".to_string()
                } else {
                    a.rule.join(", ")
                },
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({reason})")
                }
            )?;
            Ok(())
        }
        MaintenanceCommand::List(a) => {
            let mut problems = Vec::new();
            let windows: Vec<Window> =
                maintenance::all(conn, &ctx.alerts.windows, ctx.now, &mut problems)?
                    .into_iter()
                    .filter(|w| a.all || w.end > ctx.now)
                    .collect();
            for p in problems {
                env.say(p);
            }
            let zone = Zone::Local;
            let rows = windows
                .iter()
                .map(|w| {
                    let state = if w.end <= ctx.now {
                        "ended"
                    } else if w.start <= ctx.now {
                        "active"
                    } else {
                        "planned"
                    };
                    vec![
                        Cell::Text(w.origin.clone()),
                        Cell::Time(zone.time(w.start)),
                        Cell::Time(zone.time(w.end)),
                        Cell::Text(if w.rules.is_empty() {
                            "*".into()
                        } else {
                            w.rules.join(" ")
                        }),
                        Cell::Text(state.into()),
                        Cell::Text(w.reason.clone()),
                    ]
                })
                .collect();
            Rows {
                columns: vec!["window", "start", "end", "rules", "state", "reason"],
                rows,
            }
            .write(Format::or_default(a.format.format, env), &mut env.stdout)?;
            Ok(())
        }
        MaintenanceCommand::Delete(a) => {
            for id in &a.ids {
                if !db::alerts::delete_window(conn, *id)? {
                    return Err(UsageError(format!(
                        "there is no stored maintenance window #{id} (see usage-alert maintenance list --all; windows in the configuration file are removed there)"
                    ))
                    .into());
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_by_rule_and_by_severity() {
        let text = r#"
[[alert.rule]]
name = "a"
when = "load1 > 4"

[[alert.rule]]
name = "b"
when = "load1 > 8"
channels = ["pager"]

[alert.channel.mail]
type = "log"
path = "m.log"
min_severity = "warning"

[alert.channel.pager]
type = "log"
path = "p.log"
min_severity = "critical"

[alert.channel.a-only]
type = "console"
rules = ["a"]
"#;
        let alerts = config::load(Some(std::path::Path::new("c.toml")), Some(text));
        assert!(alerts.problems.is_empty(), "{:?}", alerts.problems);
        let (a, b) = (&alerts.rules[0], &alerts.rules[1]);
        assert_eq!(route(&alerts, a, Severity::Info), ["a-only"]);
        assert_eq!(route(&alerts, a, Severity::Warning), ["a-only", "mail"]);
        assert_eq!(
            route(&alerts, a, Severity::Critical),
            ["a-only", "mail", "pager"]
        );
        // A rule's own channels are used whatever their min_severity.
        assert_eq!(route(&alerts, b, Severity::Info), ["pager"]);
    }
}
