# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_usage_backup_global_optspecs
    string join \n db= config= dir= mirror= h/help V/version
end

function __fish_usage_backup_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_usage_backup_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_usage_backup_using_subcommand
    set -l cmd (__fish_usage_backup_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c usage-backup -n "__fish_usage_backup_needs_command" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_needs_command" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_needs_command" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -s V -l version -d 'Print version'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "create" -d 'Back up the database now'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "list" -d 'List the backups, newest first'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "verify" -d 'Prove backups restorable: checksum, inflate, integrity, foreign keys, schema, row counts'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "restore" -d 'Replace the database with a verified backup (the current one is backed up first)'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "prune" -d 'Remove backups the retention policy no longer keeps'
complete -c usage-backup -n "__fish_usage_backup_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l name -d 'Name the backup (letters, digits, \'.\', \'_\', \'-\'): named backups are never pruned' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l level -d 'Compression level, 1 (fastest) to 12 (smallest) [default: backup.level, else 6]' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -l print -d 'Print what was written even when stdout is not a terminal'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand create" -s h -l help -d 'Print help'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -s f -l format -d 'Output format [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l latest -d 'Verify the newest N backups [default: 1 when no FILE is given]' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -s f -l format -d 'Output format of the results (given, they are printed) [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l all -d 'Verify every backup'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -l print -d 'Print each result even when stdout is not a terminal'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l confirm -d 'Really replace the database'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -l allow-outside -d 'Accept a backup outside the backup directory and the mirror'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand restore" -s h -l help -d 'Print help'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -s f -l format -d 'Output format of what is kept and removed (given, it is printed) [default: table on a terminal, else csv]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l retention-days -d 'Remove backups older than N days (0: no age limit) [default: backup.retention_days, else 30]' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l max-backups -d 'Keep at most N unnamed backups (0: no limit) [default: backup.max_backups, else 50]' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l keep-daily -d 'Also keep the newest backup of each of the last N days that have backups' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l keep-weekly -d 'Also keep the newest backup of each of the last N ISO weeks that have backups' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l keep-monthly -d 'Also keep the newest backup of each of the last N months that have backups' -r
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l dir -d 'Backup directory [default: backup.dir in the configuration, else \'backups\' beside the database]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -l mirror -d 'Also copy new backups to DIR (a NAS mount) and prune it with the same policy [default: backup.mirror]' -r -F
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -s n -l dry-run -d 'Show what would be removed and remove nothing'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "create" -d 'Back up the database now'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "list" -d 'List the backups, newest first'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "verify" -d 'Prove backups restorable: checksum, inflate, integrity, foreign keys, schema, row counts'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "restore" -d 'Replace the database with a verified backup (the current one is backed up first)'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "prune" -d 'Remove backups the retention policy no longer keeps'
complete -c usage-backup -n "__fish_usage_backup_using_subcommand help; and not __fish_seen_subcommand_from create list verify restore prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
