#!/usr/bin/env python3
"""How true is exact mode's overhead estimate? (issue 19, section 7)

For each workload and configuration, runs `anarchy run` and `anarchy profile --mode exact`
alternately (--runs times each) and compares what the profiler says it cost the run with what
the run really lost, both in CPU seconds (so a loaded machine's waiting counts on neither side):

  estimated: profiler.overhead_percent x the session's duration (the profiler's own account);
  before:    the same less the interpreter's side of the hook calls, whose share the overhead
             note states: what the report said before that side was measured and counted;
  measured:  CPU(profile prog) - CPU(profile empty) - (CPU(run prog) - CPU(run empty)), medians
             (the empty program's runs take off start-up, the profiler's calibration and the
             report writing, which are outside the session).

and prints estimated / measured and before / measured (1.00: the estimate is the real loss).
The workloads are bench/workloads at sizes a debug build runs in a fraction of a second.

Usage: bench/overhead_estimate.py [--binary build/debug/bin/anarchy] [--runs 5] [--release-sizes]
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = os.path.join(ROOT, "bench", "workloads")

# (workload, text to replace, smaller size) - sized for a debug build, and for a release one
# (--release-sizes).
SIZES = [
    ("fib.ai", "fib(35)", "fib(22)"),
    ("loop.ai", "n = 16000000", "n = 300000"),
    ("churn.ai", "n = 2400000", "n = 60000"),
]
RELEASE_SIZES = [
    ("fib.ai", "fib(35)", "fib(27)"),
    ("loop.ai", "n = 16000000", "n = 3000000"),
    ("churn.ai", "n = 2400000", "n = 600000"),
]
CONFIGS = [
    ("function, every metric", ["--granularity", "function"]),
    ("expression, every metric", ["--granularity", "expression"]),
]
EMPTY = "m{ main(){ return 0; } }\n"


def child_cpu_seconds(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def profile(binary, program, flags, out):
    """(CPU seconds of the process, estimated seconds, of which the interpreter's side)."""
    cpu = child_cpu_seconds([binary, "profile", "--mode", "exact", "--quiet", "-o", out]
                            + flags + [program])
    with open(out) as f:
        report = json.load(f)
    duration = report["session"]["duration_ns"] / 1e9
    dispatch_share = 0.0
    for note in report["profiler"]["notes"]:
        m = re.search(r"and ([0-9.]+)% on the interpreter's side", note)
        if m:
            dispatch_share = float(m.group(1)) / 100
    return cpu, report["profiler"]["overhead_percent"] / 100 * duration, dispatch_share * duration


def sized(tmp, name, old, new):
    with open(os.path.join(WORKLOADS, name)) as f:
        text = f.read()
    if old not in text:
        sys.exit(f"overhead_estimate.py: '{old}' not found in {name}")
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text.replace(old, new))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "debug", "bin", "anarchy"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--release-sizes", action="store_true", help="larger sizes, for a release build")
    args = ap.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.ai")
        with open(empty, "w") as f:
            f.write(EMPTY)
        out = os.path.join(tmp, "p.json")
        run_empty = med(child_cpu_seconds([args.binary, "run", empty]) for _ in range(args.runs))
        prof_empty = {label: med(profile(args.binary, empty, flags, out)[0]
                                 for _ in range(args.runs)) for label, flags in CONFIGS}
        print(f"empty program: run {run_empty * 1000:.1f} ms CPU, profile "
              + ", ".join(f"{label} {s * 1000:.1f} ms" for label, s in prof_empty.items()))
        print(f"{'workload':9} {'configuration':25} {'run s':>6} {'lost s':>7} {'estimated':>9} "
              f"{'est/lost':>8} {'before':>7} {'bef/lost':>8}")
        for name, old, new in RELEASE_SIZES if args.release_sizes else SIZES:
            program = sized(tmp, name, old, new)
            for label, flags in CONFIGS:
                plain, prof, est, before = [], [], [], []
                for _ in range(args.runs):
                    plain.append(child_cpu_seconds([args.binary, "run", program]) - run_empty)
                    cpu, e, dispatch = profile(args.binary, program, flags, out)
                    prof.append(cpu - prof_empty[label])
                    est.append(e)
                    before.append(e - dispatch)
                lost = med(prof) - med(plain)
                ratio = (lambda x: x / lost if lost > 0 else float("nan"))
                print(f"{name[:-3]:9} {label:25} {med(plain):6.3f} {lost:7.3f} {med(est):9.3f} "
                      f"{ratio(med(est)):8.2f} {med(before):7.3f} {ratio(med(before)):8.2f}")


if __name__ == "__main__":
    main()
