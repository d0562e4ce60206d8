# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_usage_alert_global_optspecs
    string join \n db= config= n/dry-run f/format= h/help V/version
end

function __fish_usage_alert_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_usage_alert_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_usage_alert_using_subcommand
    set -l cmd (__fish_usage_alert_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c usage-alert -n "__fish_usage_alert_needs_command" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_needs_command" -s f -l format -d 'Output format of the dry run [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_needs_command" -s n -l dry-run -d 'Evaluate and print what would happen; change no state, notify nobody'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -s V -l version -d 'Print version'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "status" -d 'Alerts now pending or firing'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "history" -d 'Every recorded transition: pending, firing, reminder, escalated, resolved'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "rules" -d 'The rules in force (the configuration\'s, or the defaults) and the channels; reports every problem in the [alert] section'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "test" -d 'Send a test notification through a channel'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "maintenance" -d 'Maintenance windows: notifications are held back inside them'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "outages" -d 'Service outages opened by usage-sample\'s probes: the open ones, or all since a time; `outages resolve ID --note TEXT` closes one by hand'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "ack" -d 'Acknowledge a firing alert: no reminders and no escalation until it resolves (its resolved notice is still sent), --for runs out, or `unack`'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "unack" -d 'Take an acknowledgement back: reminders and escalation resume'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "silence" -d 'Silences: label matchers that hold back the notifications of the alerts they match for a while (maintenance windows hold back whole rules)'
complete -c usage-alert -n "__fish_usage_alert_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand status" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand status" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand status" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -l since -d 'Events from this time on: YYYY-MM-DD, \'YYYY-MM-DD HH:MM\', or +/-DURATION from now [default: 7 days ago]' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -l rule -d 'Only this rule\'s events (repeatable)' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand rules" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand rules" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand rules" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand test" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand test" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand test" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -f -a "add" -d 'Add a window: from --start (default now) to --end or for --duration'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -f -a "list" -d 'Windows that have not ended (all with --all), stored and configured'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -f -a "delete" -d 'Delete stored windows by number'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and not __fish_seen_subcommand_from add list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l start -d 'Start: now, +DURATION, YYYY-MM-DD, \'YYYY-MM-DD HH:MM\' (local time) or RFC 3339' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l end -d 'End, in the same forms as --start' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l duration -d 'Length: 90m, 2h, 1d' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l rule -d 'Only this rule (repeatable) [default: every rule]' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l reason -d 'Why: shown in lists and in the history' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -l print -d 'Say what was added (its number, times and rules) even when stdout is not a terminal'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from list" -l all -d 'Include windows that have ended'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from delete" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from delete" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a window: from --start (default now) to --end or for --duration'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "list" -d 'Windows that have not ended (all with --all), stored and configured'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete stored windows by number'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand maintenance; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -l since -d 'Also the closed outages since this time: YYYY-MM-DD, \'YYYY-MM-DD HH:MM\', or -DURATION from now' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -f -a "resolve" -d 'Close an open outage by hand, with a note; the probe needs a new row of failures to open another'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and not __fish_seen_subcommand_from resolve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from resolve" -l note -d 'Why it is closed: kept with the outage and shown in reports' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from resolve" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from resolve" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from resolve" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from help" -f -a "resolve" -d 'Close an open outage by hand, with a note; the probe needs a new row of failures to open another'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand outages; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -l note -d 'Who is on it and why: kept, and shown in status and history' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -l for -d 'Only for this long (90m, 2h, 1d); then reminders resume [default: until it resolves]' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -l print -d 'Say what was acknowledged even when stdout is not a terminal'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand ack" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand unack" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand unack" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand unack" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -f -a "add" -d 'Add a silence: every --match must hold; from --start (default now) for --for or to --end'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -f -a "list" -d 'Silences in force or to come (all with --all)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -f -a "expire" -d 'End silences now, by number'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and not __fish_seen_subcommand_from add list expire help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l match -d 'A label matcher: rule=NAME, mount=/boot, interface!=lo, location=~north.*, probe!~test-.* (labels: rule, host, and each metric\'s: mount, interface, user, location, probe); repeatable, all must hold' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l start -d 'Start: now, +DURATION, YYYY-MM-DD, \'YYYY-MM-DD HH:MM\' (local time) or RFC 3339' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l for -d 'How long: 90m, 2h, 1d' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l end -d 'End, in the same forms as --start' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l reason -d 'Why: shown in lists' -r
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -l print -d 'Say what was added even when stdout is not a terminal'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from list" -l all -d 'Include windows that have ended'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from expire" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from expire" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from expire" -s h -l help -d 'Print help'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a silence: every --match must hold; from --start (default now) for --for or to --end'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "list" -d 'Silences in force or to come (all with --all)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "expire" -d 'End silences now, by number'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand silence; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "status" -d 'Alerts now pending or firing'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "history" -d 'Every recorded transition: pending, firing, reminder, escalated, resolved'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "rules" -d 'The rules in force (the configuration\'s, or the defaults) and the channels; reports every problem in the [alert] section'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "test" -d 'Send a test notification through a channel'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "maintenance" -d 'Maintenance windows: notifications are held back inside them'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "outages" -d 'Service outages opened by usage-sample\'s probes: the open ones, or all since a time; `outages resolve ID --note TEXT` closes one by hand'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "ack" -d 'Acknowledge a firing alert: no reminders and no escalation until it resolves (its resolved notice is still sent), --for runs out, or `unack`'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "unack" -d 'Take an acknowledgement back: reminders and escalation resume'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "silence" -d 'Silences: label matchers that hold back the notifications of the alerts they match for a while (maintenance windows hold back whole rules)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and not __fish_seen_subcommand_from status history rules test maintenance outages ack unack silence help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "add" -d 'Add a window: from --start (default now) to --end or for --duration'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "list" -d 'Windows that have not ended (all with --all), stored and configured'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from maintenance" -f -a "delete" -d 'Delete stored windows by number'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from outages" -f -a "resolve" -d 'Close an open outage by hand, with a note; the probe needs a new row of failures to open another'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "add" -d 'Add a silence: every --match must hold; from --start (default now) for --for or to --end'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "list" -d 'Silences in force or to come (all with --all)'
complete -c usage-alert -n "__fish_usage_alert_using_subcommand help; and __fish_seen_subcommand_from silence" -f -a "expire" -d 'End silences now, by number'
