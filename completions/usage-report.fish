# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_usage_report_global_optspecs
    string join \n db= config= f/format= o/output= size= utc paper= since= until= cycle= last-cycle l/location= billing-day= host= all-hosts h/help V/version
end

function __fish_usage_report_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_usage_report_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_usage_report_using_subcommand
    set -l cmd (__fish_usage_report_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c usage-report -n "__fish_usage_report_needs_command" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_needs_command" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_needs_command" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_needs_command" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_needs_command" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_needs_command" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_needs_command" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_needs_command" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_needs_command" -s V -l version -d 'Print version'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "overview" -d 'Locations, records, top locations, recent days, the machine\'s latest state'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "daily" -d 'Usage per location per day (the CSV is usage-import\'s long layout)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "cycles" -d 'Totals per location per billing cycle, with quota, manual totals and a forecast'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "trends" -d 'Daily totals per location over the last days, with a moving average'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "system" -d 'CPU, memory, swap, load, temperature, disks and network: min/avg/max/p95 per time bucket'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "traffic" -d 'Network traffic per interface per day (as vnStat counts it)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "users" -d 'CPU time and memory per user'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "processes" -d 'The top processes by CPU time or memory'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "alerts" -d 'Alert events and their frequency per day'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "logins" -d 'Hours logged in per user and day (as ac -d -p counts them), with the first and last moment logged in; or the login sessions (--sessions, as last lists them)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "sessions" -d 'Application sessions per app and user: sessions, hours, average minutes, actions, actions per hour, errors, busiest hours; per day with the first and last activity (--daily); or each session with the machine\'s CPU and memory during it (--list)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "activity" -d 'Application actions and errors by type per day (or hour)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "availability" -d 'Per probe: uptime outside maintenance, checks passed, outages, response-time percentiles, TLS days left; or the outages (--outages) or every result (--raw)'
complete -c usage-report -n "__fish_usage_report_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand overview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand daily" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l source -d 'Count usage from the ledger, or from the traffic of the machine\'s network interfaces (each interface is a location; a location of the same name lends its billing day and quota)' -r -f -a "ledger\t''
interfaces\t''"
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand cycles" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l days -d 'How many days, ending with --until\'s day, else with the newest day the ledger has (at most today: a day not yet imported is not drawn as zero)' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l window -d 'Days in the trailing moving average' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand trends" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l bucket -d 'Time bucket of each row [default: auto: minute up to 2 hours, hour up to 4 days, else day]; all: one row per metric for the whole period' -r -f -a "auto\t''
minute\t''
hour\t''
day\t''
all\t''"
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l metric -d 'Only these series (comma-separated): metrics (cpu_percent, memory_percent, disk_used_percent, net_rx_rate, user_cpu_percent, ...: see METRICS in the man page), series (\'disk_used_percent{mount="/home"}\'), or the earlier names cpu (every CPU figure), memory, swap, disk, net, disk:MOUNT, net_rx:IFACE, net_tx:IFACE' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand system" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand traffic" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l by -d 'Order by CPU time or by peak memory' -r -f -a "cpu\t''
memory\t''"
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand users" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l by -d 'Order by CPU time or by peak memory' -r -f -a "cpu\t''
memory\t''"
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l top -d 'How many processes to show' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand processes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l events -d 'List every event rather than counting them per day'
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand alerts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l sessions -d 'List the sessions (user, line, from where, start, end, how it ended) instead of the hours per user and day'
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand logins" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l session -d 'Only this session (by the id the application logged), listed with what the machine did during it' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l app -d 'Only this application; repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l user -d 'Only this user; repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l idle -d 'How long after its last event a session with no logged end closes (30m, 1h) [config: sessions.idle, default 30m]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l daily -d 'Per day, app and user: sessions, hours, actions, errors, and the first and last activity (work hours)'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l list -d 'List the sessions: start, end, how they closed (ended, idle, open), minutes, actions, errors, and the machine\'s CPU and memory over each (min, avg, max)'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand sessions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l app -d 'Only this application; repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l hourly -d 'Count per hour rather than per day'
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand activity" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l probe -d 'Only this probe (its id); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l month -d 'The calendar month (2024-03) instead of --since/--until or a billing cycle' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l decimals -d 'Decimals of the percentages, 0 to 6; they are cut, not rounded, so any downtime shows below 100' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -s f -l format -d 'Output format [default: from --output\'s extension, else table on a terminal, else csv (json for the overview)]' -r -f -a "table\t'Aligned columns for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'
png\t'A chart as a PNG image'
html\t'One self-contained HTML page: overview, cycles, system, alerts and service availability with charts'
pdf\t'The HTML report\'s content as a printable PDF (A4 or Letter, fonts embedded, charts as vectors)'
prometheus\t'The latest figures of every metric, the alerts, cycles and backups in Prometheus\'s text format, for node_exporter\'s textfile collector (-o DIR/usage.prom)'"
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -s o -l output -d 'Write to this file instead of standard output (replaced whole, never half-written; a pipe or device is written to, a link\'s target replaced; - is standard output); needed for png when standard output is a terminal' -r -F
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l size -d 'Size of a PNG chart (or of each chart in the HTML report; the PDF report\'s charts take its proportions), in pixels' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l paper -d 'The page size of a PDF report' -r -f -a "a4\t'210 x 297 mm'
letter\t'8.5 x 11 in'"
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l since -d 'Start: a date (2024-03-13), a time (2024-03-13 14:05), today, yesterday, or an age (30m, 24h, 7d, 2w) [default: the whole record; system, users, processes: 24h; traffic, alerts: 30 days; trends: --days]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l until -d 'End, as for --since; a date includes that day [default: now]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l cycle -d 'The billing cycle that starts in this month (2024-03); per location in the cycles view' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -s l -l location -d 'Only this location (name or display name); repeatable' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l billing-day -d 'The day billing cycles start on, 1 to 31, for locations without their own [config: ledger.billing_day, default 1]' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l host -d 'The host whose samples are shown [default: config host, else this machine\'s name, else the only host stored]; repeatable: the views of machine data show each host\'s rows, a host column first' -r
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l outages -d 'List the outages of the period instead (start, end, duration, severity, the part in maintenance, cause, note)'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l raw -d 'Every stored result of the period, for export (CSV or JSON)'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l utc -d 'Show dates and times in UTC rather than the local time zone'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l last-cycle -d 'The last complete billing cycle; per location in the cycles view'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -l all-hosts -d 'Every stored host, as --host for each (a database that merged other hosts\' databases)'
complete -c usage-report -n "__fish_usage_report_using_subcommand availability" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "overview" -d 'Locations, records, top locations, recent days, the machine\'s latest state'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "daily" -d 'Usage per location per day (the CSV is usage-import\'s long layout)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "cycles" -d 'Totals per location per billing cycle, with quota, manual totals and a forecast'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "trends" -d 'Daily totals per location over the last days, with a moving average'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "system" -d 'CPU, memory, swap, load, temperature, disks and network: min/avg/max/p95 per time bucket'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "traffic" -d 'Network traffic per interface per day (as vnStat counts it)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "users" -d 'CPU time and memory per user'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "processes" -d 'The top processes by CPU time or memory'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "alerts" -d 'Alert events and their frequency per day'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "logins" -d 'Hours logged in per user and day (as ac -d -p counts them), with the first and last moment logged in; or the login sessions (--sessions, as last lists them)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "sessions" -d 'Application sessions per app and user: sessions, hours, average minutes, actions, actions per hour, errors, busiest hours; per day with the first and last activity (--daily); or each session with the machine\'s CPU and memory during it (--list)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "activity" -d 'Application actions and errors by type per day (or hour)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "availability" -d 'Per probe: uptime outside maintenance, checks passed, outages, response-time percentiles, TLS days left; or the outages (--outages) or every result (--raw)'
complete -c usage-report -n "__fish_usage_report_using_subcommand help; and not __fish_seen_subcommand_from overview daily cycles trends system traffic users processes alerts logins sessions activity availability help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
