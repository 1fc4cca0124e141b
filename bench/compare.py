#!/usr/bin/env python3
"""Runs each workload in bench/workloads/ under Anarchy, CPython and Lua and compares them.

Every round runs the three implementations one after another, rotating which goes first so
that none always gets the warm (or cold) machine. Wall time is measured per process, so it
includes start-up; with --cpu, the process's user + system time instead (what a loaded machine
disturbs less: waiting for a core is not counted, though sharing caches still is). The outputs of all runs of a workload must be identical; if they are not,
the script reports the difference and exits with status 1.

The result is a markdown table on stdout (progress goes to stderr):
median seconds per implementation, and ai/python, ai/lua as the median of per-round ratios.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS_DIR = ROOT / "bench" / "workloads"
WORKLOADS = ["fib", "loop", "strings", "churn"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="runs of each implementation (default 5)")
    p.add_argument("--anarchy", default=str(ROOT / "build" / "release" / "bin" / "anarchy"),
                   help="path to the anarchy CLI (default build/release/bin/anarchy)")
    p.add_argument("--python", default="/usr/bin/python3", help="python interpreter")
    p.add_argument("--lua", default="lua5.4", help="lua interpreter")
    p.add_argument("--only", action="append", choices=WORKLOADS, metavar="NAME",
                   help="run only this workload (may repeat): " + ", ".join(WORKLOADS))
    p.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    p.add_argument("--cpu", action="store_true",
                   help="compare CPU time (user + system of the process) instead of wall time: "
                        "less disturbed on a loaded machine")
    args = p.parse_args()
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def commands(args, name):
    """The command line of each implementation for one workload, in a fixed order."""
    w = WORKLOADS_DIR / name
    return {
        "ai": [args.anarchy, "run", str(w) + ".ai"],
        "python": [args.python, str(w) + ".py"],
        "lua": [args.lua, str(w) + ".lua"],
    }


def run_once(cmd, timeout, cpu=False):
    """Returns (seconds, stdout) of one run, wall time or (cpu) the process's user + system
    time; raises RuntimeError when the process fails."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)  # wait4 (for the rusage) has no timeout
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if seconds >= timeout:
            raise RuntimeError(f"timed out after {timeout:g}s: {' '.join(cmd)}")
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        lines = stderr.decode(errors="replace").strip().splitlines()[:5]
        raise RuntimeError(f"exit status {proc.returncode}: {' '.join(cmd)}\n  " + "\n  ".join(lines))
    if cpu:
        seconds = usage.ru_utime + usage.ru_stime
    return seconds, stdout


def bench_workload(args, name):
    """Runs one workload; returns (times by impl, ratio lists) or raises RuntimeError."""
    cmds = commands(args, name)
    impls = list(cmds)
    times = {impl: [] for impl in impls}
    outputs = {}  # impl -> first stdout seen
    for rnd in range(args.runs):
        order = impls[rnd % len(impls):] + impls[:rnd % len(impls)]
        for impl in order:
            seconds, out = run_once(cmds[impl], args.timeout, args.cpu)
            times[impl].append(seconds)
            if impl not in outputs:
                outputs[impl] = out
            elif out != outputs[impl]:
                raise RuntimeError(f"{name}: {impl} printed different output on run {rnd + 1}")
        print(f"  {name} round {rnd + 1}/{args.runs}: "
              + ", ".join(f"{i} {times[i][-1]:.3f}s" for i in impls), file=sys.stderr)
    reference = outputs["python"]
    for impl, out in outputs.items():
        if out != reference:
            raise RuntimeError(f"{name}: output of {impl} differs from python\n"
                               f"  python: {reference.decode(errors='replace').strip()[:200]}\n"
                               f"  {impl}: {out.decode(errors='replace').strip()[:200]}")
    ratios = {
        "python": [a / b for a, b in zip(times["ai"], times["python"])],
        "lua": [a / b for a, b in zip(times["ai"], times["lua"])],
    }
    return times, ratios


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    args = parse_args()
    if not (os.path.isfile(args.anarchy) and os.access(args.anarchy, os.X_OK)):
        print(f"compare.py: anarchy not found at {args.anarchy} (run `make build`)", file=sys.stderr)
        return 2

    rows = []
    failed = False
    for name in args.only or WORKLOADS:
        print(f"{name}:", file=sys.stderr)
        try:
            times, ratios = bench_workload(args, name)
        except RuntimeError as e:
            print(f"compare.py: {e}", file=sys.stderr)
            failed = True
            rows.append(f"| {name} | failed | | | | |")
            continue
        med = {impl: statistics.median(ts) for impl, ts in times.items()}
        rows.append(f"| {name} | {med['ai']:.3f} | {med['python']:.3f} | {med['lua']:.3f} "
                    f"| {statistics.median(ratios['python']):.2f} "
                    f"| {statistics.median(ratios['lua']):.2f} |")

    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"Date: {now}  ")
    print(f"Machine: {platform.machine()}, {cpu_model()}, {os.cpu_count()} CPUs  ")
    clock = "CPU time (user + system)" if args.cpu else "wall time"
    print(f"Runs: {args.runs} per implementation; times are medians of {clock} in seconds  ")
    print(f"anarchy: {args.anarchy}\n")
    print("| workload | ai (s) | python (s) | lua (s) | ai/python | ai/lua |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
