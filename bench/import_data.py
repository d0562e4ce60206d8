"""Writes the usage-import benchmark's inputs into a directory (see bench/import.sh).

long.csv      2,000,000 rows of date,location,usage: 200 locations x 10,000 days, by date
long2.csv     the same keys with every value changed (a re-import where every row is an update)
wide.csv      3,650 dates x 200 locations, as a spreadsheet exports them
wide2.csv     the same with every value changed
"""
import datetime
import os
import random
import sys

LOCATIONS = [f"Site {i:03d}" for i in range(200)]


def days(count):
    start = datetime.date(1995, 1, 1)
    return [(start + datetime.timedelta(days=i)).isoformat() for i in range(count)]


def write_long(path, dates, delta):
    rnd = random.Random(1)
    with open(path, "w") as f:
        f.write("date,location,usage\n")
        for d in dates:
            f.write("".join(f"{d},{loc},{(rnd.randrange(1, 50000) + delta) / 100}\n"
                            for loc in LOCATIONS))


def write_wide(path, dates, delta):
    rnd = random.Random(2)
    with open(path, "w") as f:
        f.write("Date," + ",".join(LOCATIONS) + "\n")
        for d in dates:
            f.write(d + "," + ",".join(str((rnd.randrange(1, 50000) + delta) / 100)
                                       for _ in LOCATIONS) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_long(os.path.join(out, "long.csv"), days(10_000), 0)
    write_long(os.path.join(out, "long2.csv"), days(10_000), 1)
    write_wide(os.path.join(out, "wide.csv"), days(3_650), 0)
    write_wide(os.path.join(out, "wide2.csv"), days(3_650), 1)


if __name__ == "__main__":
    main()
