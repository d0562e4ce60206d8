"""Writes a usage log of 1,000,000 event lines in the application usage logger's format
('%(asctime)s - LEVEL - ' then json.dumps of the event) for bench/events.sh: 20 users, sessions
of 20 to 400 events over two years, about 2 % errors, some sessions never ended.
Usage: python3 bench/events_data.py DIR [LINES]"""
import json
import os
import random
import sys
from datetime import datetime, timedelta

ACTIONS = ["open_file", "run_analysis", "export", "save", "zoom", "play", "annotate", "search"]


def main():
    out, lines = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    t = datetime(2024, 1, 1, 8, 0, 0)
    written = 0
    path = os.path.join(out, "usage.log")
    with open(path + ".tmp", "w") as f:
        while written < lines:
            user = f"user{rng.randrange(20):02}"
            sid = t.strftime("%Y%m%d%H%M%S") + f"{rng.randrange(1000):03}"

            def emit(level, event):
                nonlocal written
                f.write(f"{t.strftime('%Y-%m-%d %H:%M:%S')} - {level} - {json.dumps(event)}\n")
                written += 1

            emit("INFO", {"event": "session_start", "session_id": sid, "user_id": user,
                          "timestamp": t.isoformat(), "system_info": {"platform": "Linux", "cpu_count": 4}})
            start = t
            for _ in range(rng.randrange(20, 400)):
                t += timedelta(seconds=rng.randrange(1, 60), microseconds=rng.randrange(1_000_000))
                if rng.random() < 0.02:
                    emit("ERROR", {"event": "error", "session_id": sid, "user_id": user,
                                   "timestamp": t.isoformat(), "error_type": "io_error",
                                   "message": "No space left on device", "details": {}})
                else:
                    emit("INFO", {"event": "user_action", "session_id": sid, "user_id": user,
                                  "timestamp": t.isoformat(), "action_type": rng.choice(ACTIONS),
                                  "details": {"path": f"/data/{rng.randrange(10_000)}.wav"}})
            if rng.random() < 0.9:
                t += timedelta(seconds=rng.randrange(1, 60))
                emit("INFO", {"event": "session_end", "session_id": sid, "user_id": user,
                              "timestamp": t.isoformat(),
                              "duration_seconds": (t - start).total_seconds(), "action_count": 0})
            t += timedelta(minutes=rng.randrange(5, 240))
    # The same events without the logging prefix, for jq.
    with open(path + ".tmp") as src, open(os.path.join(out, "usage.jsonl"), "w") as dst:
        for line in src:
            dst.write(line[line.index("{"):])
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
