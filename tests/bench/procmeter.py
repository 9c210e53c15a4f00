#!/usr/bin/env python3
"""procmeter.py - measure one parent process while `tributary loadgen` drives it.

  procmeter.py --pid PID --loadgen-out FILE --seconds S [--loadgen-pid LPID] [--every 2]

Waits for a fresh `loadgen stats` line in FILE, then samples /proc/PID/stat
(utime+stime) and the line's samples= counter; samples /proc/PID/status VmRSS
every --every seconds; after --seconds waits for the next fresh stats line and
samples again. Prints one JSON object:
  cpu_s, wall_s, samples, backlog0/1 (loadgen queued bytes), rss_kb (list),
  hwm_kb, loadgen_cpu_s.
Reads /proc only; never signals anything. Bounded: gives up after
seconds + 30 s.
"""
import argparse
import json
import os
import re
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
STATS = re.compile(r"^loadgen stats t=([0-9.]+)s .*? samples=(\d+) .*? backlog=(\d+)B")


def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def status(pid):
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                rss = int(ln.split()[1])
            elif ln.startswith("VmHWM:"):
                hwm = int(ln.split()[1])
    return rss, hwm


def last_stats(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 8192))
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return None
    for ln in reversed(lines):
        m = STATS.match(ln)
        if m:
            return float(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


def fresh_stats(path, deadline):
    """Waits for a stats line newer than the current one; returns it and the
    parent's/loadgen's clocks read right after it appeared."""
    cur = last_stats(path)
    while time.time() < deadline:
        s = last_stats(path)
        if s and (not cur or s[0] > cur[0]):
            return s
        time.sleep(0.02)
    raise SystemExit("procmeter: no fresh loadgen stats line in %s" % path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--loadgen-out", required=True)
    ap.add_argument("--loadgen-pid", type=int)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--every", type=float, default=2.0)
    a = ap.parse_args()
    deadline = time.time() + a.seconds + 30
    s0 = fresh_stats(a.loadgen_out, deadline)
    w0, c0 = time.time(), ticks(a.pid)
    l0 = ticks(a.loadgen_pid) if a.loadgen_pid else 0
    rss = []
    nxt = w0
    while time.time() < w0 + a.seconds:
        if time.time() >= nxt:
            rss.append(status(a.pid)[0])
            nxt += a.every
        time.sleep(0.05)
    s1 = fresh_stats(a.loadgen_out, deadline)
    w1, c1 = time.time(), ticks(a.pid)
    l1 = ticks(a.loadgen_pid) if a.loadgen_pid else 0
    r1, hwm = status(a.pid)
    rss.append(r1)
    print(json.dumps({
        "cpu_s": (c1 - c0) / CLK,
        "wall_s": w1 - w0,
        "samples": s1[1] - s0[1],
        "backlog0": s0[2],
        "backlog1": s1[2],
        "rss_kb": rss,
        "hwm_kb": hwm,
        "loadgen_cpu_s": (l1 - l0) / CLK,
    }))


if __name__ == "__main__":
    main()
