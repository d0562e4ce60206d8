# The usage pipeline, for /etc/cron.d/usage (install -m 644 cron/usage.cron.d /etc/cron.d/usage).
# Every tool is silent on success, so cron mails only failures.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# One sample a minute; each run also deletes samples older than sample.retention_days.
* * * * *  root  usage-sample

# Nightly: load the ledger files a provider or a script drops into a directory. Each file is all
# or nothing; a refused file is named in cron's mail and stays for a look.
# 30 2 * * *  root  usage-import /var/lib/usage/inbox/*.csv && rm -f /var/lib/usage/inbox/*.csv
# A monthly HTML report on the 13th (the billing day here):
# 0 7 13 * *  root  usage-report --last-cycle -o /var/lib/usage/report-last-cycle.html
