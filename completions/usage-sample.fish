complete -c usage-sample -l db -d 'Database file [default: from the configuration file, else $XDG_DATA_HOME/usage/usage.db if set, else /var/lib/usage/usage.db for root, else ~/.local/share/usage/usage.db]' -r -F
complete -c usage-sample -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/usage/config.toml, else /etc/usage/config.toml]' -r -F
complete -c usage-sample -s i -l interval -d 'Take samples every SECS seconds (decimals allowed), each covering one interval, the first too (as sar\'s first report); repeats until stopped unless --count is given' -r
complete -c usage-sample -s n -l count -d 'Number of samples to take at --interval' -r
complete -c usage-sample -l warm-up -d 'When there is no baseline yet (empty database, reboot), read the counters, wait SECS and measure against them, so even the first sample has rates' -r
complete -c usage-sample -s f -l format -d 'Output format of --print [default: table]' -r -f -a "table\t'Aligned text for people'
csv\t'Comma-separated values with a header line'
json\t'JSON, one object per line'"
complete -c usage-sample -l top -d 'Keep the N processes using the most CPU and the N using the most memory [config: sample.top, default 5]' -r
complete -c usage-sample -l host -d 'Store the sample under this host name [config: host, default: the kernel\'s host name]' -r
complete -c usage-sample -l probe -d 'Run the probe ID of the configuration file now, due or not (inactive too), store its result and show it; no machine sample is taken' -r
complete -c usage-sample -s p -l print -d 'Show what was stored (the default on a terminal)'
complete -c usage-sample -s q -l quiet -d 'Show nothing, even on a terminal'
complete -c usage-sample -l no-processes -d 'Skip the process scan: no per-user figures or top processes'
complete -c usage-sample -l probes-only -d 'Run the due probes and take no machine sample; with --interval and --count, runs them at that cadence (--interval 20 --count 3 from a one-minute cron job: every 20 s)'
complete -c usage-sample -l no-probes -d 'Take the machine sample without running the probes (a series taken with --interval runs none unless --probes-only)'
complete -c usage-sample -s h -l help -d 'Print help (see more with \'--help\')'
complete -c usage-sample -s V -l version -d 'Print version'
