#!/usr/bin/env python3
"""Bounded exact-mode outputs (issue 19, sections 7 and 8), measured on real runs.

1. Trace writing vs the run: `anarchy profile --mode exact -o a.trace.json PROG` against the
   same with `-o b.trace.json` added (the trace is rendered and written twice, everything else
   once): the wall-time difference is one trace's writing. It is compared with the run's own
   duration (otherData.duration_ns). Target: writing takes less time than the run.
2. Expression granularity: peak RSS (/usr/bin/time -v), `-o x.json` size and wall time, with
   the span count and the estimated overhead the profile reports, against `anarchy run`'s
   wall time (the estimate should account for what the run really lost).

Medians of --runs, runs alternating. Prints a table; --check exits 1 when writing a trace
takes longer than the run.

Usage: bench/bounded_outputs.py ANARCHY [--runs 3] [--calls 400000] [--check]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

FIB = """m{
  fib(n){
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
  }
  main(){ x = fib(N); return 0; }
}
"""

LOOP = """m{
  step(x){ return (x * 7 + 3) % 1000; }
  walk(n){
    if (n < 1) return 0;
    return step(n) + walk(n - 1);
  }
  main(){
    s = 0;
    for (i = 0; i < N; i++) { s = (s + step(i) * 2 + i % 5) % 100000; }
    s = s + walk(200);
    return 0;
  }
}
"""


def fib_arg_for(calls):
    """The smallest n whose fib(n) makes at least `calls` calls."""
    counts = [1, 1]  # calls made by fib(0), fib(1)
    while counts[-1] < calls:
        counts.append(counts[-1] + counts[-2] + 1)
    return len(counts) - 1


def timed(cmd):
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return wall, int(rss.group(1)) * 1024 if rss else 0, proc


def trace_writing(anarchy, tmp, runs, calls):
    prog = os.path.join(tmp, "fib.ai")
    with open(prog, "w") as f:
        f.write(FIB.replace("N", str(fib_arg_for(calls))))
    once, twice, durations, dropped = [], [], [], 0
    for _ in range(runs):
        a = os.path.join(tmp, "a.trace.json")
        b = os.path.join(tmp, "b.trace.json")
        wall1, _, _ = timed([anarchy, "profile", "--mode", "exact", "-q", "-o", a, prog])
        wall2, _, _ = timed([anarchy, "profile", "--mode", "exact", "-q", "-o", a, "-o", b, prog])
        other = json.load(open(a))["otherData"]
        durations.append(other["duration_ns"] / 1e9)
        dropped = other["timeline_dropped"]
        once.append(wall1)
        twice.append(wall2)
    write = statistics.median(twice) - statistics.median(once)
    run = statistics.median(durations)
    size = os.path.getsize(os.path.join(tmp, "a.trace.json"))
    print("trace: run %.2f s, writing one trace %.2f s (%.0f%% of the run), %.1f MB, "
          "%d spans dropped" % (run, write, 100 * write / run, size / 1e6, dropped))
    return write < run


def expression_json(anarchy, tmp, runs, iterations):
    prog = os.path.join(tmp, "loop.ai")
    with open(prog, "w") as f:
        f.write(LOOP.replace("N", str(iterations)))
    out = os.path.join(tmp, "x.json")
    plain, profiled, rss = [], [], []
    for _ in range(runs):
        wall, _, _ = timed([anarchy, "run", prog])
        plain.append(wall)
        wall, peak, _ = timed([anarchy, "profile", "--mode", "exact", "--granularity",
                               "expression", "-q", "-o", out, prog])
        profiled.append(wall)
        rss.append(peak)
    report = json.load(open(out))
    p = report["profiler"]
    slowdown = statistics.median(profiled) / statistics.median(plain)
    share = p["overhead_percent"] / 100
    implied = 1 / (1 - share) if share < 1 else float("inf")
    print("expression granularity: run %.2f s, profiled %.2f s (%.1fx), peak RSS %.0f MB, "
          "JSON %.2f MB, %d sites, %d nodes, %d spans; estimated overhead %.1f%% of the run "
          "(implies %.1fx)" % (statistics.median(plain), statistics.median(profiled), slowdown,
                               statistics.median(rss) / 1e6, os.path.getsize(out) / 1e6,
                               len(report["expression_sites"]), len(report["nodes"]),
                               p["spans"], p["overhead_percent"], implied))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("anarchy")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--calls", type=int, default=400000, help="fib calls for the trace run")
    ap.add_argument("--iterations", type=int, default=20000, help="loop iterations, expression run")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = trace_writing(args.anarchy, tmp, args.runs, args.calls)
        expression_json(args.anarchy, tmp, args.runs, args.iterations)
    if args.check and not ok:
        sys.exit("writing the trace took longer than the run")


if __name__ == "__main__":
    main()
