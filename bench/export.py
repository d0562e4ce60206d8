"""Times usage-report -o usage.prom against node_exporter's scrape of the file; see
bench/export.sh. Each round: the export into a textfile directory (wall and peak RSS), then one
GET /metrics of a node_exporter that runs only its textfile collector over that directory.
Medians over the rounds."""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, env):
    """Wall seconds of one run, and peak RSS (KiB) of another under /usr/bin/time (whose own
    start would be a third of the wall here)."""
    start = time.perf_counter()
    out = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {out.stderr}")
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    return wall, int(out.stderr.strip().splitlines()[-1])


def scrape(port):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        body = b""
        while chunk := s.recv(1 << 16):
            body += chunk
    wall = time.perf_counter() - start
    if b" 200 " not in body.split(b"\r\n", 1)[0]:
        sys.exit(f"node_exporter answered {body[:200]!r}")
    return wall, body


def main():
    bins, data, end, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    report = os.path.join(bins, "usage-report")
    db = os.path.join(data, "export.db")
    env = dict(os.environ, TZ="UTC", USAGE_NOW=end)
    env.pop("USAGE_CONFIG", None)
    with open(db, "rb") as fh:  # into the page cache
        while fh.read(1 << 20):
            pass
    with tempfile.TemporaryDirectory() as tmp:
        prom = os.path.join(tmp, "usage.prom")
        env["XDG_CONFIG_HOME"] = tmp  # no configuration: every default
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        node = subprocess.Popen(["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
                                 "--collector.disable-defaults", "--collector.textfile",
                                 f"--collector.textfile.directory={tmp}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.05)
            exports, scrapes = [], []
            for _ in range(rounds):
                exports.append(timed([report, "--db", db, "-o", prom], env))
                wall, body = scrape(port)
                scrapes.append(wall)
            ours = sum(1 for line in body.decode().splitlines() if line.startswith("usage_"))
        finally:
            node.terminate()
            node.wait()
        size = os.path.getsize(prom)
    wall = statistics.median(w for w, _ in exports)
    rss = statistics.median(m for _, m in exports)
    peer = statistics.median(scrapes)
    print(f"{rounds} rounds, medians; {size:,} bytes of export, {ours} usage_ lines served by node_exporter")
    print(f"{'command':40} {'wall ms':>8} {'x scrape':>9} {'peak RSS KiB':>13}")
    print(f"{'usage-report -o usage.prom':40} {wall * 1000:8.2f} {wall / peer:9.2f} {rss:13,}")
    print(f"{'node_exporter GET /metrics (textfile)':40} {peer * 1000:8.2f} {1:9.2f}")
    print("targets: export under 10 ms and 10 MiB (10,240 KiB)")


if __name__ == "__main__":
    main()
