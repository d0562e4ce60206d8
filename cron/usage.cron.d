# The usage pipeline, for /etc/cron.d/usage (make install puts it there, with PATH naming the
# directory the tools were installed to). Every tool is silent on success, so cron mails only
# failures; a line whose tool is not installed (any more) does nothing, as sysstat's do.
SHELL=/bin/sh
PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin

# One sample a minute; each run also deletes samples older than sample.retention_days. After it,
# where node_exporter's textfile collector reads (Debian's prometheus-node-exporter), the latest
# figures for Prometheus, replaced whole.
* * * * *  root  command -v usage-sample >/dev/null && usage-sample && { [ ! -d /var/lib/prometheus/node-exporter ] || usage-report -o /var/lib/prometheus/node-exporter/usage.prom; }
# Every five minutes: the alert rules over the samples stored since the last run. Notifications
# go to the configured channels; without any, to standard output, which cron mails.
*/5 * * * *  root  command -v usage-alert >/dev/null && usage-alert

# Nightly: load the ledger files a provider or a script drops into a directory. Each file is all
# or nothing; a refused file is named in cron's mail and stays for a look.
# 30 2 * * *  root  usage-import /var/lib/usage/inbox/*.csv && rm -f /var/lib/usage/inbox/*.csv
# A monthly HTML report on the 13th (the billing day here):
# 0 7 13 * *  root  usage-report --last-cycle -o /var/lib/usage/report-last-cycle.html

# Daily at 02:00 an online backup, then the retention policy ([backup] retention_days,
# max_backups, keep_daily/weekly/monthly):
0 2 * * *  root  command -v usage-backup >/dev/null && usage-backup create && usage-backup prune
# Daily at 04:00: integrity, freshness, backup age, free space; mails only when not OK.
0 4 * * *  root  command -v usage-check >/dev/null && usage-check --quiet
# Weekly: verify the five newest backups (Monday 05:00), refresh the planner's statistics
# (Sunday 03:00); monthly: compact the database (the 1st, 03:30).
0 5 * * 1  root  command -v usage-backup >/dev/null && usage-backup verify --latest 5
0 3 * * 0  root  command -v usage-check >/dev/null && usage-check --quiet --optimize
30 3 1 * *  root  command -v usage-check >/dev/null && usage-check --quiet --vacuum
