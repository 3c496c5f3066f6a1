#!/usr/bin/env python3
"""CPU used by each program on this machine over a window, in cores (1.0 = one core busy).

usage: cpu_share.py DELAY_S SECONDS [START]
Sleeps until DELAY_S (the warm-up) after START (seconds since the epoch, default: now; pass the
launch time, so that the interpreter's own start does not shift the window), then samples
/proc/PID/stat (user + system time of every thread of each process) at the start and the end of
SECONDS, and prints one line with the busiest programs, e.g. `postgres 1.39, loyalty-command
0.41, loyalty-bench 0.10`. All postgres backends add up under `postgres`.
"""
import os
import sys
import time

TOP = 5


def read_times(proc="/proc"):
    """{pid: (program, clock ticks used)} of every process readable now."""
    times = {}
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        try:
            with open(os.path.join(proc, pid, "stat"), encoding="utf-8") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        times[pid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
    return times


def shares(before, after, seconds, ticks_per_second):
    """[(program, cores)] busiest first, from two read_times snapshots `seconds` apart.

    A process started inside the window (a database backend that connected late) counts all its
    time; one that ended inside it is not seen."""
    used = {}
    for pid, (name, ticks) in after.items():
        used[name] = used.get(name, 0) + ticks - (before[pid][1] if pid in before else 0)
    cores = [(name, ticks / ticks_per_second / seconds) for name, ticks in used.items() if ticks]
    return sorted(cores, key=lambda item: (-item[1], item[0]))


def main(argv):
    delay, seconds = float(argv[1]), float(argv[2])
    start = float(argv[3]) if len(argv) > 3 else time.time()
    time.sleep(max(0.0, start + delay - time.time()))
    before, began = read_times(), time.monotonic()
    time.sleep(seconds)
    after = read_times()
    rows = shares(before, after, time.monotonic() - began, os.sysconf("SC_CLK_TCK"))
    print(", ".join(f"{name} {cores:.2f}" for name, cores in rows[:TOP]))


if __name__ == "__main__":
    main(sys.argv)
