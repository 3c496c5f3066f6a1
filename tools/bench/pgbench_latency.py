#!/usr/bin/env python3
"""The p99 latency of an open-loop pgbench run, from its per-transaction logs (pgbench -l).

  pgbench_latency.py SKIP_S LOG...   the 0.99 quantile in ms of the transactions that started
                                     SKIP_S or more after the earliest one (the warm-up), or
                                     "n/a" when none did

A log line (PostgreSQL 15, no --aggregate-interval) is
  client_id transaction_no time script_no time_epoch time_us [schedule_lag]
where `time` is the transaction's elapsed time in microseconds and time_epoch.time_us the moment
it ended. A transaction pgbench skipped (--latency-limit) has "skipped" as its time and is left
out. The quantile is the nearest rank: the smallest latency that at least 99% of them do not
exceed.
"""
import math
import sys


def transactions(lines):
    """[(start in s since the epoch, latency in µs)] of the completed transactions."""
    out = []
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or fields[2] == "skipped":
            continue
        try:
            latency = int(fields[2])
            end = int(fields[4]) + int(fields[5]) / 1e6
        except ValueError:
            continue
        out.append((end - latency / 1e6, latency))
    return out


def quantile_ms(q, runs, skip_s):
    """The nearest-rank q-quantile in ms of the transactions started skip_s after the first."""
    if not runs:
        return None
    first = min(start for start, _ in runs)
    latencies = sorted(latency for start, latency in runs if start >= first + skip_s)
    if not latencies:
        return None
    return latencies[max(0, math.ceil(q * len(latencies)) - 1)] / 1000.0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    runs = []
    for path in argv[1:]:
        try:
            with open(path, encoding="utf-8") as log:
                runs.extend(transactions(log))
        except OSError:
            continue
    value = quantile_ms(0.99, runs, float(argv[0]))
    print("n/a" if value is None else f"{value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
