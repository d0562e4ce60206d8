-- usage schema 12: open file handles (/proc/sys/fs/file-nr) and pressure stall information
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
