"""Measures usage-sample against sadc in one run; see bench/sample.sh.

Commands alternate so both see the same machine state; medians are reported. Wall time is
taken around each spawned process. Peak RSS comes from GNU time in separate alternating runs:
a child's maxrss includes the memory of the process that forked it, so it must be a small one.
"""
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import report_data  # noqa: E402

SADC = "/usr/lib/sysstat/sadc"
SADF = "sadf"


def spawn(argv):
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed with status {status}")


def run(argv):
    """Wall seconds and peak RSS (KiB) of argv, from two runs."""
    start = time.perf_counter()
    spawn(argv)
    wall = time.perf_counter() - start
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return wall, int(out.stderr.strip().splitlines()[-1])


def measure(commands, runs):
    """Alternates the commands `runs` times; returns {name: (median wall s, median rss KiB)}."""
    results = {name: [] for name in commands}
    for name, argv in commands.items():  # warm the page cache and the databases
        run(argv)
    for _ in range(runs):
        for name, argv in commands.items():
            results[name].append(run(argv))
    return {name: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r))
            for name, r in results.items()}


KEY_COLUMNS = {"id", "host_id", "sample_id", "mount_id", "iface_id", "user_id", "command_id"}
SAMPLE_TABLES = ["samples", "sample_disks", "sample_net", "sample_users", "sample_procs"]


def our_storage(binary, tmp, samples):
    """Bytes per value and values per sample: the growth after VACUUM from 50 samples to
    50 + `samples` samples, over the values those samples added."""
    db = os.path.join(tmp, "storage.db")
    points = []
    # Two sizes far enough apart that the slack in each table's last page does not matter.
    for count in (50, samples):
        subprocess.run([binary, "--db", db, "-q", "--interval", "0.02", "--count", str(count)],
                       check=True)
        vacuumed = os.path.join(tmp, f"vacuumed-{count}.db")
        con = sqlite3.connect(db)
        con.execute("VACUUM INTO ?", (vacuumed,))
        values = 0
        for table in SAMPLE_TABLES:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                    if r[1] not in KEY_COLUMNS]
            expr = " + ".join(f"({c} IS NOT NULL)" for c in cols)
            values += sum(row[0] for row in con.execute(f"SELECT {expr} FROM {table}"))
        con.close()
        points.append((os.path.getsize(vacuumed), values))
    (b1, v1), (b2, v2) = points
    return (b2 - b1) / (v2 - v1), (v2 - v1) / samples


def count_numbers(node):
    if isinstance(node, bool):
        return 0
    if isinstance(node, (int, float)):
        return 1
    if isinstance(node, dict):
        return sum(count_numbers(v) for k, v in node.items() if k != "timestamp")
    if isinstance(node, list):
        return sum(count_numbers(v) for v in node)
    return 0


def sadc_storage(tmp, records):
    """Bytes per value of a sadc file: growth per record over values per record."""
    one, many = os.path.join(tmp, "sa-one"), os.path.join(tmp, "sa-many")
    subprocess.run([SADC, "1", "2", one], check=True)
    subprocess.run([SADC, "1", str(records + 1), many], check=True)
    per_record = (os.path.getsize(many) - os.path.getsize(one)) / (records - 1)
    out = subprocess.run([SADF, "-j", many, "--", "-A"], check=True, capture_output=True, text=True)
    stats = json.loads(out.stdout)["sysstat"]["hosts"][0]["statistics"]
    values = sum(count_numbers(s) for s in stats) / len(stats)
    return per_record / values, values


def main():
    binary, runs = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    static = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as tmp:
        sa = os.path.join(tmp, "sa")
        # Each variant keeps its own database, as a machine sampling under cron does: on a shared
        # one, a full sample and a --no-processes sample would each start from the other's
        # baseline, and sadc keeps its own file too.
        db = {name: os.path.join(tmp, f"{name}.db") for name in ("full", "sys", "sfull", "ssys")}
        commands = {
            "usage-sample": [binary, "--db", db["full"], "-q"],
            "usage-sample --no-processes": [binary, "--db", db["sys"], "-q", "--no-processes"],
            "sadc 1 1": [SADC, "1", "1", sa],
            # The groups comparable to a full sample's (disks, interfaces' errors, sockets,
            # pressure, per-CPU): the peer of the deeper samples.
            "sadc -S XALL 1 1": [SADC, "-S", "XALL", "1", "1", os.path.join(tmp, "sa-xall")],
        }
        if static:
            commands["static: usage-sample"] = [static, "--db", db["sfull"], "-q"]
            commands["static: --no-processes"] = [static, "--db", db["ssys"], "-q", "--no-processes"]
        base = measure(commands, runs)
        # The steady state of a machine sampled every minute for the default retention: 90 days
        # of samples (generated as bench/report.sh's are) under the same host name.
        aged = {}
        for name, extra in (("full", []), ("sys", ["--no-processes"])):
            path = os.path.join(tmp, f"aged-{name}.db")
            report_data.samples(os.path.dirname(binary), path, int(time.time()), 90 * 1440)
            aged[name] = [binary, "--db", path, "--host", "bench", "-q", *extra]
        aged = measure({"usage-sample": aged["full"], "usage-sample --no-processes": aged["sys"],
                        "sadc 1 1": commands["sadc 1 1"]}, runs)
        nproc = len([d for d in os.listdir("/proc") if d.isdigit()])
        sleepers = [subprocess.Popen(["sleep", "3600"]) for _ in range(500)]
        try:
            loaded = measure({"usage-sample": commands["usage-sample"]}, runs)
        finally:
            for p in sleepers:
                p.kill()
            for p in sleepers:
                p.wait()
        ours_bpv, ours_values = our_storage(binary, tmp, 600)
        sadc_bpv, sadc_values = sadc_storage(tmp, 10)

    sw, sm = base["sadc 1 1"]
    print(f"machine: {os.cpu_count()} CPUs, {nproc} processes; {runs} alternating runs each, medians")
    print(f"{'command':32} {'wall ms':>9} {'x sadc':>7} {'peak RSS KiB':>13} {'x sadc':>7}")
    for name, (w, m) in base.items():
        print(f"{name:32} {w * 1e3:9.2f} {w / sw:7.2f} {m:13.0f} {m / sm:7.2f}")
    aw, am = aged["sadc 1 1"]
    for name, shown in (("usage-sample", "usage-sample"), ("usage-sample --no-processes", "--no-processes")):
        w, m = aged[name]
        print(f"{'90 days stored: ' + shown:32} {w * 1e3:9.2f} {w / aw:7.2f} {m:13.0f} {m / am:7.2f}")
    xw, xm = base["sadc -S XALL 1 1"]
    w, m = base["usage-sample"]
    print(f"{'usage-sample / sadc -S XALL':32} {w * 1e3:9.2f} {w / xw:7.2f} {m:13.0f} {m / xm:7.2f}")
    lw = loaded["usage-sample"][0]
    print(f"{'usage-sample, +500 processes':32} {lw * 1e3:9.2f} {lw / sw:7.2f} "
          f"{loaded['usage-sample'][1]:13.0f} {loaded['usage-sample'][1] / sm:7.2f}")
    print(f"process scan: {(lw - base['usage-sample'][0]) / 500 * 1e6:.1f} us per extra process")
    print(f"stored bytes per value after VACUUM: usage-sample {ours_bpv:.2f} "
          f"({ours_values:.0f} values/sample), sadc {sadc_bpv:.2f} ({sadc_values:.0f} values/record), "
          f"ratio {ours_bpv / sadc_bpv:.2f}")
    if static:
        print("static: the same code linked with crt-static (see README, 'Installing')")
    print("90 days stored: on a database holding 129,600 minute samples, against sadc in that batch")
    print("targets: full wall <= 2.5x sadc 1 1 and <= 2.0x sadc -S XALL, --no-processes wall <= 1.5x, "
          "peak RSS <= 2x, bytes/value <= sadc's")


if __name__ == "__main__":
    main()
