-- usage schema 5: alert cursors remember the last sample evaluated by its id as well as its time,
-- so a clock that jumped ahead and back never makes usage-alert skip the samples stored after.
ALTER TABLE alert_cursors ADD COLUMN sample_id INTEGER;
