complete -c usage-check -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-check -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-check -l backup-dir -d 'Backup directory [default: backup.dir, else \'backups\' beside the database]' -r -F
complete -c usage-check -l skip -d 'Leave out a check (repeatable)' -r -f -a "schema\t''
integrity\t''
foreign_keys\t''
sample_age\t''
sample_gaps\t''
ledger_age\t''
backup_age\t''
backup_verify\t''
free_space\t''
growth\t''
outages\t''"
complete -c usage-check -s f -l format -d 'Output format' -r -f -a "plugin\t'The monitoring-plugins format: a status line with perfdata, then one line per check'
json\t'One JSON object with every check'"
complete -c usage-check -l quick -d 'Run PRAGMA quick_check instead of the full integrity_check'
complete -c usage-check -l verify-backups -d 'Also verify the newest backup (checksum, inflate, integrity, row counts)'
complete -c usage-check -s v -l verbose -d 'List every check, not only those that are not OK'
complete -c usage-check -s q -l quiet -d 'Print nothing when every check is OK (for cron, which mails any output)'
complete -c usage-check -l optimize -d 'After the checks, run ANALYZE and PRAGMA optimize'
complete -c usage-check -l vacuum -d 'After the checks, compact the database with VACUUM (refused when free space is short or the integrity check failed)'
complete -c usage-check -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-check -s V -l version -d 'Print version'
