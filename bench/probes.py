"""Measures usage-sample's service probes in one run; see bench/probes.sh.

Three figures:
1. 20 HTTP probes of which 5 hang: the whole run (machine sample and probes) against
   probes.budget, and how the hanging ones are stored.
2. The cost of 20 healthy probes on a sample: usage-sample with them against the same sample
   with --no-probes (median wall, CPU and peak RSS), each on its own database, alternating.
3. Debian's prometheus-blackbox-exporter probing the same 20 targets once each, as Prometheus
   scrapes them (all at once): wall per round, and the exporter's CPU per probe.

The targets are 20 HTTP servers on loopback, in this process; their own cost falls on neither
side. Wall is timed around each spawned process and CPU taken from its rusage; peak RSS comes
from GNU time in separate runs (a child's maxrss counts the memory of the process that spawned
it, so that must be a small one).
"""
import http.server
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BLACKBOX = "/usr/bin/prometheus-blackbox-exporter"
BUDGET = 5
CLOCK = 1_800_000_000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.server.hang:
            time.sleep(600)
            return
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(hang):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.hang = hang
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def config(path, ok_ports, hang_ports):
    lines = [f'[probes]\nbudget = "{BUDGET}s"\n']
    for i, port in enumerate(ok_ports + hang_ports):
        lines.append(f'[[probe]]\nid = "p{i:02}"\nkind = "http"\n'
                     f'target = "http://127.0.0.1:{port}/"\ntimeout = "30s"\n')
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Clock:
    """USAGE_NOW a minute further on each run, so every probe is due each time."""

    def __init__(self):
        self.now = CLOCK

    def env(self):
        self.now += 60
        return dict(os.environ, USAGE_NOW=str(self.now))


def spawn(argv, env):
    """Wall seconds and CPU seconds (user + system) of one run."""
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed with status {status}")
    return wall, usage.ru_utime + usage.ru_stime


def peak_rss(argv, env):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], check=True, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def hanging(binary, tmp, ok_ports, hang_ports, clock):
    cfg = os.path.join(tmp, "hang.toml")
    db = os.path.join(tmp, "hang.db")
    config(cfg, ok_ports[:15], hang_ports)
    argv = [binary, "--db", db, "--config", cfg, "-q"]
    walls = [spawn(argv, clock.env())[0] for _ in range(3)]
    con = sqlite3.connect(db)
    stored = con.execute("SELECT sum(up), sum(NOT up), group_concat(DISTINCT failure) "
                         "FROM probe_results").fetchone()
    con.close()
    print(f"20 probes, 5 hanging, budget {BUDGET} s: whole run {max(walls):.2f} s at most "
          f"(median {statistics.median(walls):.2f} s) over {len(walls)} runs; "
          f"{stored[0]} up, {stored[1]} down stored (failure: {stored[2]})")
    return max(walls)


def cost(binary, tmp, ok_ports, clock, runs):
    cfg = os.path.join(tmp, "ok.toml")
    config(cfg, ok_ports, [])
    variants = {
        "with 20 probes": [binary, "--db", os.path.join(tmp, "probes.db"), "--config", cfg, "-q"],
        "--no-probes": [binary, "--db", os.path.join(tmp, "plain.db"), "--config", cfg, "-q",
                        "--no-probes"],
    }
    got = {name: ([], [], []) for name in variants}
    for argv in variants.values():  # the first sample of a database stores no rates
        spawn(argv, clock.env())
    for _ in range(runs):
        for name, argv in variants.items():
            wall, cpu = spawn(argv, clock.env())
            got[name][0].append(wall)
            got[name][1].append(cpu)
            got[name][2].append(peak_rss(argv, clock.env()))
    med = {name: tuple(statistics.median(v) for v in lists) for name, lists in got.items()}
    (pw, pc, pr), (nw, nc, nr) = med["with 20 probes"], med["--no-probes"]
    print(f"usage-sample with 20 healthy probes: {pw * 1000:.1f} ms wall, {pc * 1000:.1f} ms CPU, "
          f"{pr / 1024:.1f} MiB peak RSS")
    print(f"usage-sample --no-probes:            {nw * 1000:.1f} ms wall, {nc * 1000:.1f} ms CPU, "
          f"{nr / 1024:.1f} MiB peak RSS")
    print(f"  the probes add {(pw - nw) * 1000:.1f} ms wall ({pw / nw:.2f}x), "
          f"{(pc - nc) * 1000 / 20:.2f} ms CPU per probe, {(pr - nr) / 1024:.1f} MiB RSS "
          f"(medians of {runs} alternating runs)")
    return (pw - nw), (pc - nc) / 20


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hwm(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def blackbox(tmp, ok_ports, rounds):
    cfg = os.path.join(tmp, "blackbox.yml")
    with open(cfg, "w") as f:
        f.write("modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n"
                "    http:\n      preferred_ip_protocol: ip4\n")
    port = serve_port()
    proc = subprocess.Popen([BLACKBOX, f"--config.file={cfg}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 10
        while True:
            try:
                urllib.request.urlopen(f"{base}/metrics", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("prometheus-blackbox-exporter did not start")
                time.sleep(0.05)

        def probe(target, failures):
            url = f"{base}/probe?module=http_2xx&target=http://127.0.0.1:{target}/"
            body = urllib.request.urlopen(url, timeout=10).read().decode()
            if "\nprobe_success 1" not in body:
                failures.append(target)

        def one_round():
            failures = []
            threads = [threading.Thread(target=probe, args=(p, failures)) for p in ok_ports]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if failures:
                sys.exit(f"blackbox exporter failed to probe {failures}")
            return time.perf_counter() - start

        one_round()  # warm
        cpu0 = ticks(proc.pid)
        walls = [one_round() for _ in range(rounds)]
        cpu = (ticks(proc.pid) - cpu0) / (rounds * len(ok_ports))
        wall = statistics.median(walls)
        print(f"prometheus-blackbox-exporter, 20 probes at once: {wall * 1000:.1f} ms wall a round, "
              f"{cpu * 1000:.2f} ms CPU per probe, {hwm(proc.pid) / 1024:.1f} MiB peak RSS "
              f"(a daemon; {rounds} rounds)")
        return wall, cpu
    finally:
        proc.terminate()
        proc.wait()


def serve_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary, runs = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    ok_ports = [serve(False) for _ in range(20)]
    hang_ports = [serve(True) for _ in range(5)]
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        worst = hanging(binary, tmp, ok_ports, hang_ports, clock)
        wall, cpu = cost(binary, tmp, ok_ports, clock, runs)
        bb_wall, bb_cpu = blackbox(tmp, ok_ports, runs)
    print(f"ratios: hanging run / budget {worst / BUDGET:.2f}; "
          f"probe wall usage-sample / blackbox {wall / bb_wall:.2f}; "
          f"CPU per probe usage-sample / blackbox {cpu / bb_cpu:.2f}")


if __name__ == "__main__":
    main()
