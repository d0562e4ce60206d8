"""Times usage-import --merge; see bench/merge.sh. Into a fresh central database: the host
databases in ten runs of a tenth each (wall and peak RSS of each run, so the growth with the
central database shows), then all of them again in one run (nothing to do), then the sqlite3
shell's plain INSERT ... SELECT of the same rows into another fresh database (the peer: what a
script that copies rows without matching hosts or names costs). The page cache holds the host
databases throughout."""
import os
import subprocess
import sys
import tempfile
import time

SAMPLE_COLUMNS = ("ts, interval_cs, ncpu, cpu_busy, cpu_user, cpu_nice, cpu_system, cpu_iowait, "
                  "cpu_steal, mem_total, mem_used, mem_avail, swap_total, swap_used, load1, load5, "
                  "load15, uptime, procs, temp, fd_alloc, fd_max, psi_cpu_some10, psi_cpu_some60, "
                  "psi_cpu_full10, psi_cpu_full60, psi_memory_some10, psi_memory_some60, "
                  "psi_memory_full10, psi_memory_full60, psi_io_some10, psi_io_some60, psi_io_full10, "
                  "psi_io_full60")
PROBE_COLUMNS = ("probe, ts, up, ms, min_ms, max_ms, loss, status, failure, detail, cert_expiry, "
                 "attempts, outage_id")


def timed(argv, env=None, stdin=None):
    """Wall seconds and peak RSS (KiB) of one run."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], input=stdin, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])} ... failed: {out.stderr[-2000:]}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def peer_script(paths):
    """The sqlite3 shell's copy of every host's rows, each table with its ids offset."""
    out = ["PRAGMA synchronous = NORMAL;"]
    for i, path in enumerate(paths, 1):
        k, off = i * 1000, i * 100_000_000
        out.append(f"""ATTACH '{path}' AS s; BEGIN;
INSERT INTO hosts SELECT id + {k}, name, machine_id FROM s.hosts;
INSERT INTO mounts SELECT id + {k}, host_id + {k}, path, device, fstype FROM s.mounts;
INSERT INTO interfaces SELECT id + {k}, host_id + {k}, name FROM s.interfaces;
INSERT INTO users SELECT id + {k}, host_id + {k}, uid, name FROM s.users;
INSERT INTO commands SELECT id + {k}, name || '{i}' FROM s.commands;
INSERT INTO samples SELECT id + {off}, host_id + {k}, {SAMPLE_COLUMNS} FROM s.samples;
INSERT INTO sample_disks SELECT sample_id + {off}, mount_id + {k}, total, used, avail FROM s.sample_disks;
INSERT INTO sample_net SELECT sample_id + {off}, iface_id + {k}, rx_bytes, tx_bytes, rx_delta, tx_delta, rx_errs, rx_drop, tx_errs, tx_drop, up, speed FROM s.sample_net;
INSERT INTO sample_users SELECT sample_id + {off}, user_id + {k}, cpu, rss, procs FROM s.sample_users;
INSERT INTO sample_procs SELECT sample_id + {off}, pid, command_id + {k}, user_id + {k}, cpu, rss, threads, state, started FROM s.sample_procs;
INSERT INTO probe_results SELECT id + {off}, host_id + {k}, {PROBE_COLUMNS} FROM s.probe_results;
INSERT INTO locations SELECT id + {k}, name, display_name, active, billing_day, quota, created FROM s.locations;
INSERT INTO daily_usage SELECT date, location_id + {k}, bytes, updated FROM s.daily_usage;
COMMIT; DETACH s;""")
    return "\n".join(out) + "\n"


def fresh(bins, path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    # The schema from the binary, then empty.
    subprocess.run([os.path.join(bins, "usage-import"), "--db", path, "locations", "add", "x"], check=True)
    subprocess.run(["sqlite3", path, "DELETE FROM locations"], check=True)


def main():
    bins, data, hosts = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[4])
    paths = [os.path.abspath(os.path.join(data, f"host{i:03d}.db")) for i in range(1, hosts + 1)]
    for p in paths:  # into the page cache
        with open(p, "rb") as fh:
            while fh.read(1 << 20):
                pass
    host_bytes = sum(os.path.getsize(p) for p in paths)
    env = dict(os.environ, TZ="UTC")
    env.pop("USAGE_DB", None)
    env.pop("USAGE_CONFIG", None)
    with tempfile.TemporaryDirectory(dir=data) as tmp:
        env["XDG_CONFIG_HOME"] = tmp  # no configuration
        central = os.path.join(tmp, "central.db")
        fresh(bins, central)
        merge = [os.path.join(bins, "usage-import"), "--db", central, "--merge", "-q"]
        step = max(1, hosts // 10)
        runs = []
        for first in range(0, hosts, step):
            batch = paths[first:first + step]
            wall, rss = timed([*merge, *batch], env)
            runs.append((first + 1, first + len(batch), wall, rss))
        total = sum(r[2] for r in runs)
        central_bytes = sum(os.path.getsize(central + s) for s in ("", "-wal") if os.path.exists(central + s))
        again, again_rss = timed([*merge, *paths], env)
        peer_db = os.path.join(tmp, "peer.db")
        fresh(bins, peer_db)
        peer, peer_rss = timed(["sqlite3", peer_db], stdin=peer_script(paths))
        rows = subprocess.run(["sqlite3", central, "SELECT (SELECT count(*) FROM samples), (SELECT count(*) FROM hosts)"],
                              capture_output=True, text=True, check=True).stdout.strip()
    print(f"{hosts} host databases of 30 days of minute samples ({host_bytes / 1e6:.0f} MB), merged into a fresh central database")
    print(f"stored: samples|hosts = {rows}; central database {central_bytes / 1e6:.0f} MB\n")
    print("| hosts | wall | per host | peak RSS |")
    print("| --- | --- | --- | --- |")
    for a, b, wall, rss in runs:
        print(f"| {a}-{b} | {wall:.2f} s | {wall / (b - a + 1):.3f} s | {rss / 1024:.1f} MiB |")
    print(f"\n| run | wall | per host | peak RSS | x sqlite3 |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| usage-import --merge, all {hosts} (sum of the runs) | {total:.2f} s | {total / hosts:.3f} s | "
          f"{max(r[3] for r in runs) / 1024:.1f} MiB | {total / peer:.2f} |")
    print(f"| the same again (nothing to do) | {again:.2f} s | {again / hosts:.3f} s | {again_rss / 1024:.1f} MiB | "
          f"{again / peer:.2f} |")
    print(f"| sqlite3 shell, INSERT ... SELECT | {peer:.2f} s | {peer / hosts:.3f} s | {peer_rss / 1024:.1f} MiB | 1.00 |")
    print(f"\nre-merge / merge = {again / total:.3f} (target < 0.1)")


if __name__ == "__main__":
    main()
