-- usage schema 12: deeper samples. Open file handles (/proc/sys/fs/file-nr) and pressure stall information
-- (/proc/pressure/{cpu,memory,io}) with every sample. Pressure is in hundredths of a percent of
-- the time over the last 10 and 60 seconds; NULL where the kernel has no such file (before
-- Linux 4.20, or PSI switched off; the CPU's full line from 5.13 on).
ALTER TABLE samples ADD COLUMN fd_alloc INTEGER;
ALTER TABLE samples ADD COLUMN fd_max INTEGER;
ALTER TABLE samples ADD COLUMN psi_cpu_some10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_cpu_some60 INTEGER;
ALTER TABLE samples ADD COLUMN psi_cpu_full10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_cpu_full60 INTEGER;
ALTER TABLE samples ADD COLUMN psi_memory_some10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_memory_some60 INTEGER;
ALTER TABLE samples ADD COLUMN psi_memory_full10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_memory_full60 INTEGER;
ALTER TABLE samples ADD COLUMN psi_io_some10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_io_some60 INTEGER;
ALTER TABLE samples ADD COLUMN psi_io_full10 INTEGER;
ALTER TABLE samples ADD COLUMN psi_io_full60 INTEGER;
-- Each interface's errors and drops per direction since the previous sample (as sar -n EDEV
-- counts them; NULL: no baseline), whether it is up (NULL: the kernel does not say, as for many
-- virtual interfaces) and its link speed in Mb/s (NULL: none reported).
ALTER TABLE sample_net ADD COLUMN rx_errs INTEGER;
ALTER TABLE sample_net ADD COLUMN rx_drop INTEGER;
ALTER TABLE sample_net ADD COLUMN tx_errs INTEGER;
ALTER TABLE sample_net ADD COLUMN tx_drop INTEGER;
ALTER TABLE sample_net ADD COLUMN up INTEGER CHECK (up IN (0, 1));
ALTER TABLE sample_net ADD COLUMN speed INTEGER;
