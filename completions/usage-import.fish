# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_usage_import_global_optspecs
    string join \n db= config= f/format= date-format= year= decimal-comma d/delimiter= unit= max-daily= ignore-column= strict merge n/dry-run p/print q/quiet h/help V/version
end

function __fish_usage_import_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_usage_import_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_usage_import_using_subcommand
    set -l cmd (__fish_usage_import_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c usage-import -n "__fish_usage_import_needs_command" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_needs_command" -s f -l format -d 'The files\' layout (wide, long, monthly; told from the header by default) and/or the summary\'s format (table on stderr, csv or json on stdout); may be given twice' -r -f -a "wide\t'Date,Location1,Location2,...: one row per date'
long\t'date,location,usage: one row per value'
monthly\t'period_start,location,total: totals per billing period'
table\t'Summary lines on stderr'
csv\t'Summary as CSV on stdout'
json\t'Summary as JSON on stdout, one object per file'"
complete -c usage-import -n "__fish_usage_import_needs_command" -l date-format -d 'How dates are written, as a strftime format (e.g. %m/%d/%Y); without a year field the dates are yearless' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -l year -d 'The year of the first row when dates have none (13-Mar); later rows roll over into the next year when the month jumps back (Dec -> Jan) [default: the latest row falls on or before today]' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -s d -l delimiter -d 'The field delimiter: \',\', \';\', tab, or any single character [default: the most frequent of \',\', \';\' and tab in the header]' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -l unit -d 'Unit of values written without one: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -l max-daily -d 'The most one location may use in a day, in GB; larger values are errors (a monthly total may be 31 times this) [config: ledger.max_daily_gb, default 10000]' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -l ignore-column -d 'Read past a column of this name (e.g. a Total or Notes column); repeatable' -r
complete -c usage-import -n "__fish_usage_import_needs_command" -l decimal-comma -d 'Read 9,9 as nine point nine and 1.234,5 as one thousand two hundred thirty-four point five'
complete -c usage-import -n "__fish_usage_import_needs_command" -l strict -d 'Turn every warning (a cell that is not a number, a date given twice) into an error'
complete -c usage-import -n "__fish_usage_import_needs_command" -l merge -d 'The files are other usage databases, or usage-backup\'s backups of them (.db.gz), to merge into this one: their hosts, samples, ledger, alert history, probe results, logins and application events; merging the same file again changes nothing'
complete -c usage-import -n "__fish_usage_import_needs_command" -s n -l dry-run -d 'Read and check everything, report what would change, write nothing'
complete -c usage-import -n "__fish_usage_import_needs_command" -s p -l print -d 'Show a summary line per file (the default on a terminal)'
complete -c usage-import -n "__fish_usage_import_needs_command" -s q -l quiet -d 'Show no summary or progress bar, even on a terminal'
complete -c usage-import -n "__fish_usage_import_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_needs_command" -s V -l version -d 'Print version'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "set" -d 'Set one day\'s usage for a location (or a billing period\'s total with --monthly), creating or correcting it'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "delete" -d 'Delete one day\'s usage for a location (or a period\'s total with --monthly)'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "locations" -d 'List locations, or add, rename, configure, deactivate and reactivate them'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "events" -d 'Import an application\'s usage logs (JSON events, one per line) and session summary files; the same events again add nothing'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "event" -d 'Record one application event (a session\'s start or end, an action, an error), as a program or shell script would; safe to run from many processes at once'
complete -c usage-import -n "__fish_usage_import_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-import -n "__fish_usage_import_using_subcommand set" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand set" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand set" -l monthly -d 'Set a billing period\'s total rather than a day\'s usage'
complete -c usage-import -n "__fish_usage_import_using_subcommand set" -l create -d 'Create the location if it does not exist'
complete -c usage-import -n "__fish_usage_import_using_subcommand set" -s h -l help -d 'Print help'
complete -c usage-import -n "__fish_usage_import_using_subcommand delete" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand delete" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand delete" -l monthly -d 'Delete a billing period\'s total rather than a day\'s usage'
complete -c usage-import -n "__fish_usage_import_using_subcommand delete" -s h -l help -d 'Print help'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "list" -d 'List every location with its settings and data (the default); billing_day is the one in force, own_billing_day whether it is the location\'s own or the default (ledger.billing_day)'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "add" -d 'Add a location before any data names it'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "set" -d 'Change a location\'s display name, billing day or quota'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "rename" -d 'Change a location\'s display name'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "deactivate" -d 'Mark locations inactive: reports leave them out unless asked; their data stays'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "activate" -d 'Mark locations active again'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and not __fish_seen_subcommand_from list add set rename deactivate activate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -l display-name -d 'The name shown in reports' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -l billing-day -d 'The day its billing cycles start, 1 to 31, or \'default\' for ledger.billing_day' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -l quota -d 'Its quota per billing cycle in GB (or with a unit: 1.5 TB), or \'none\'' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -l display-name -d 'The name shown in reports' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -l billing-day -d 'The day its billing cycles start, 1 to 31, or \'default\' for ledger.billing_day' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -l quota -d 'Its quota per billing cycle in GB (or with a unit: 1.5 TB), or \'none\'' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from rename" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from rename" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from rename" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from deactivate" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from deactivate" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from deactivate" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from deactivate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from activate" -s f -l format -d 'Output format of the list [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from activate" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from activate" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from activate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every location with its settings and data (the default); billing_day is the one in force, own_billing_day whether it is the location\'s own or the default (ledger.billing_day)'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a location before any data names it'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a location\'s display name, billing day or quota'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Change a location\'s display name'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "deactivate" -d 'Mark locations inactive: reports leave them out unless asked; their data stays'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "activate" -d 'Mark locations active again'
complete -c usage-import -n "__fish_usage_import_using_subcommand locations; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -l app -d 'The application the events are of' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -s f -l format -d 'The summary\'s format: table (lines on stderr), csv or json (on stdout)' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -l strict -d 'Refuse a file on its first bad line (malformed JSON, an unknown event kind, an end before its start, a session id of another user, clock skew) rather than skip the line with a warning'
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -s n -l dry-run -d 'Read and check everything, report what would be added, write nothing'
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -s p -l print -d 'Show a summary line per file (the default on a terminal)'
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -s q -l quiet -d 'Show no summary'
complete -c usage-import -n "__fish_usage_import_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l app -d 'The application the event is of' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l session -d 'The session it belongs to (any text the program keeps for the session, such as its start time or a process id)' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l user -d 'Whose session it is [default: the user behind sudo, else the login name]' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l action -d 'The action\'s type (open_file, export); with --error, the error\'s type' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l detail -d 'A detail of the action or error, kept as text; repeatable' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l error -d 'An error happened, with this message' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l at -d 'When it happened: a time (2024-03-13 14:05:07, or ISO 8601 with an offset) [default: now]' -r
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l start -d 'The session starts'
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -l end -d 'The session ends'
complete -c usage-import -n "__fish_usage_import_using_subcommand event" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "set" -d 'Set one day\'s usage for a location (or a billing period\'s total with --monthly), creating or correcting it'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "delete" -d 'Delete one day\'s usage for a location (or a period\'s total with --monthly)'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "locations" -d 'List locations, or add, rename, configure, deactivate and reactivate them'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "events" -d 'Import an application\'s usage logs (JSON events, one per line) and session summary files; the same events again add nothing'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "event" -d 'Record one application event (a session\'s start or end, an action, an error), as a program or shell script would; safe to run from many processes at once'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and not __fish_seen_subcommand_from set delete locations events event help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "list" -d 'List every location with its settings and data (the default); billing_day is the one in force, own_billing_day whether it is the location\'s own or the default (ledger.billing_day)'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "add" -d 'Add a location before any data names it'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "set" -d 'Change a location\'s display name, billing day or quota'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "rename" -d 'Change a location\'s display name'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "deactivate" -d 'Mark locations inactive: reports leave them out unless asked; their data stays'
complete -c usage-import -n "__fish_usage_import_using_subcommand help; and __fish_seen_subcommand_from locations" -f -a "activate" -d 'Mark locations active again'
