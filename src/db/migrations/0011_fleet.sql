-- usage schema 11: what a database that merges other hosts' databases (usage-import --merge)
-- needs to keep hosts apart. A host's machine id (/etc/machine-id, as systemd keeps it) tells
-- two machines of the same name apart; NULL: not known (the file is missing or unreadable).
ALTER TABLE hosts ADD COLUMN machine_id TEXT;
-- Which host an alert event is about. NULL: written before this schema in a database holding
-- several hosts, whose events cannot be told apart.
ALTER TABLE alert_events ADD COLUMN host_id INTEGER REFERENCES hosts(id);
UPDATE alert_events SET host_id = (SELECT id FROM hosts) WHERE (SELECT count(*) FROM hosts) = 1;
-- Probe results are only ever read per host: by (host, time) rather than by time alone, so a
-- database of many hosts appends each host's results to its own stretch of the index instead
-- of threading them through every other host's.
DROP INDEX probe_results_ts;
CREATE INDEX probe_results_host_ts ON probe_results(host_id, ts);
