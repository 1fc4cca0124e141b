#!/usr/bin/env python3
"""Exact-mode overhead, measured side by side in one run (issue 3).

1. Hooks compiled in but not enabled vs compiled out: callgrind instruction counts of
   `anarchy run` on fib and loop at reduced sizes (this machine has no hardware counters;
   instruction counts are deterministic, so the two builds alternate only to keep the
   procedure uniform). Target: <= 1%.
2. `anarchy profile --mode exact` (function granularity, default metrics, and time only) vs
   `anarchy run`: wall-time and CPU-time ratios, runs alternating, medians of --runs.
   Target: <= 2x.
   `python3 -m cProfile` vs `python3` on bench/workloads/fib.py, for reference.
3. One span enter + exit vs the two clock reads it cannot avoid (Google Benchmark,
   bench/span_bench, both in the same run). Target: <= 1.5x.

--check compares each figure with its target (below) and exits 1 when one is past it.

Usage: bench/overhead.py [--release build/release] [--nohooks build/release-nohooks]
                         [--runs 5] [--write-docs docs/benchmarks.md] [--check]
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = os.path.join(ROOT, "bench", "workloads")
SECTION = "## Exact-mode overhead"

# The targets (docs/benchmarks.md, issue 3; --check fails past one).
DISABLED_HOOKS_MAX_PERCENT = 1.0  # hooks compiled in, not enabled, vs compiled out (instructions)
EXACT_MODE_MAX_RATIO = 2.0        # profile --mode exact (default configuration) vs run, wall and CPU
SPAN_MAX_RATIO = 1.5              # one span enter + exit vs the two clock reads it needs


def sized_workload(tmp, name, old, new):
    """A copy of a workload with one size replaced (the files themselves stay as they are)."""
    with open(os.path.join(WORKLOADS, name)) as f:
        text = f.read()
    if old not in text:
        sys.exit(f"overhead.py: '{old}' not found in {name}")
    path = os.path.join(tmp, new.replace("(", "_").replace(")", "").replace(" ", "") + "_" + name)
    with open(path, "w") as f:
        f.write(text.replace(old, new))
    return path


def callgrind_instructions(binary, program):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, "run", program],
                         capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", out.stderr)
    if not match:
        sys.exit("overhead.py: no instruction count in callgrind's output:\n" + out.stderr)
    return int(match.group(1))


def timed(command, env=None):
    """(wall seconds, CPU seconds) of one run. CPU time (user + system of the child) is what a
    loaded machine disturbs least: a descheduled process is not charged for the wait.
    env: variables added to the environment (e.g. an LD_PRELOAD)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, **env} if env else None)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def alternating_medians(commands, runs):
    """Runs each command once per round, rounds alternating; returns {name: (wall, cpu)} medians."""
    times = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    return {name: (statistics.median(t[0] for t in values), statistics.median(t[1] for t in values))
            for name, values in times.items()}


def disabled_hooks_rows(args, tmp):
    rows = []
    for label, name, old, new in [("fib(22)", "fib.ai", "fib(35)", "fib(22)"),
                                  ("loop 300k", "loop.ai", "n = 16000000", "n = 300000")]:
        program = sized_workload(tmp, name, old, new)
        counts = {"nohooks": [], "hooks": []}
        for _ in range(2):
            counts["nohooks"].append(callgrind_instructions(os.path.join(args.nohooks, "bin", "anarchy"), program))
            counts["hooks"].append(callgrind_instructions(os.path.join(args.release, "bin", "anarchy"), program))
        base, hooks = min(counts["nohooks"]), min(counts["hooks"])
        rows.append((label, base, hooks, 100.0 * (hooks - base) / base))
    return rows


def exact_mode_rows(args, tmp):
    anarchy = os.path.join(args.release, "bin", "anarchy")
    time_only = os.path.join(tmp, "time_only.json")
    with open(time_only, "w") as f:
        json.dump({"memory_profiling": {"enabled": False}, "operation_profiling": {"enabled": False}}, f)
    report = os.path.join(tmp, "report.json")
    rows = []
    for label, name, old, new in [("fib(30)", "fib.ai", "fib(35)", "fib(30)"),
                                  ("loop 4M", "loop.ai", "n = 16000000", "n = 4000000")]:
        program = sized_workload(tmp, name, old, new)
        medians = alternating_medians({
            "run": [anarchy, "run", program],
            "exact": [anarchy, "profile", "--mode", "exact", "-o", report, program],
            "time_only": [anarchy, "profile", "--mode", "exact", "--config", time_only, "-o", report, program],
        }, args.runs)
        rows.append((label, medians["run"], medians["exact"], medians["time_only"]))
    fib_py = sized_workload(tmp, "fib.py", "fib(35)", "fib(27)")
    medians = alternating_medians({
        "run": [sys.executable, fib_py],
        "cprofile": [sys.executable, "-m", "cProfile", "-o", os.path.join(tmp, "py.prof"), fib_py],
    }, args.runs)
    return rows, ("python3 fib(27)", medians["run"], medians["cprofile"])


def span_rows(args):
    bench = os.path.join(args.release, "bin", "span_bench")
    if not os.path.exists(bench):
        return None
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_repetitions=3",
                          "--benchmark_report_aggregates_only=true"], capture_output=True, text=True, check=True)
    medians = {b["run_name"]: b["real_time"] for b in json.loads(out.stdout)["benchmarks"]
               if b.get("aggregate_name") == "median"}
    return medians


def render(disabled, exact, python_row, spans):
    lines = [SECTION, "",
             "Measured by `bench/overhead.py` (release builds, 2 shared cores; wall times are medians of alternating runs).",
             "`bench/overhead.py --check` exits 1 when a figure is past its target; the ctest "
             "`disabled_hooks_callgrind` checks the 1% target in the test's own build tree.",
             "", "### Hooks compiled in, not enabled, vs compiled out (callgrind instructions; target <= 1%)", "",
             "| workload | release-nohooks | release | overhead |", "|---|---:|---:|---:|"]
    for label, base, hooks, percent in disabled:
        lines.append(f"| {label} | {base:,} | {hooks:,} | {percent:+.2f}% |")
    lines += ["", "### Exact mode vs plain run (target <= 2x)", "",
              "| workload | run | profile --mode exact | ratio | exact, time only | ratio |",
              "|---|---:|---:|---:|---:|---:|"]

    def row(label, run, full, time_only=None):
        for unit, i in (("wall", 0), ("cpu", 1)):
            cells = f"| {label} ({unit}) | {run[i]:.3f}s | {full[i]:.3f}s | {full[i] / run[i]:.2f}x |"
            cells += f" {time_only[i]:.3f}s | {time_only[i] / run[i]:.2f}x |" if time_only else " | |"
            lines.append(cells)

    for label, run, full, time_only in exact:
        row(label, run, full, time_only)
    label, run, cprofile = python_row
    row(label + ", cProfile (reference)", run, cprofile)
    lines += ["", "\"exact\" is the default configuration (spans at function granularity plus memory and operation",
              "counting); \"time only\" turns memory and operation profiling off in a config file. \"wall\" is",
              "elapsed time, \"cpu\" the child's user + system time (less disturbed by other load)."]
    if spans:
        lines += ["", "### One span vs its two clock reads (Google Benchmark, bench/span_bench; target <= 1.5x)", "",
                  "| benchmark | ns |", "|---|---:|"]
        for name in ["BM_TwoClockReads", "BM_SpanEnterExit", "BM_SpanThroughObserver", "BM_TwoClockGettimeMonotonic",
                     "BM_TwoClockGettimeThreadCpu", "BM_HookSiteDisabled"]:
            if name in spans:
                lines.append(f"| {name} | {spans[name]:.1f} |")
        if "BM_TwoClockReads" in spans and "BM_SpanEnterExit" in spans:
            base = spans["BM_TwoClockReads"]
            lines.append("")
            lines.append(f"Span enter+exit / two clock reads: {spans['BM_SpanEnterExit'] / base:.2f}x on the call tree, "
                         f"{spans.get('BM_SpanThroughObserver', 0) / base:.2f}x through the interpreter's hook interface.")
    return "\n".join(lines) + "\n"


def write_section(path, section, title=SECTION):
    """Replaces the section `title` of the file (up to the next '## ' heading), keeping the others."""
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    start = text.find(title)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(title))
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    with open(path, "w") as f:
        f.write(text)


def target_checks(disabled, exact, spans):
    """(what, measured, target, unit) for every figure that has a target."""
    checks = [(f"hooks compiled in, not enabled: {label}", percent, DISABLED_HOOKS_MAX_PERCENT, "%")
              for label, _, _, percent in disabled]
    for label, run, full, _ in exact:
        for unit, i in (("wall", 0), ("cpu", 1)):
            checks.append((f"exact mode vs run: {label} ({unit})", full[i] / run[i], EXACT_MODE_MAX_RATIO, "x"))
    if spans and "BM_TwoClockReads" in spans:
        for name in ("BM_SpanEnterExit", "BM_SpanThroughObserver"):
            if name in spans:
                checks.append((f"{name} / BM_TwoClockReads", spans[name] / spans["BM_TwoClockReads"],
                               SPAN_MAX_RATIO, "x"))
    return checks


def report_checks(checks, script):
    """Prints each figure against its target; returns the exit status (1 when one is past it)."""
    past = 0
    for what, measured, target, unit in checks:
        ok = measured <= target
        past += not ok
        print(f"{'ok  ' if ok else 'PAST'} {what}: {measured:.3f}{unit} (target <= {target}{unit})")
    print(f"{script}: {past} of {len(checks)} figures past their target" if past
          else f"{script}: all {len(checks)} figures within their targets")
    return 1 if past else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--nohooks", default=os.path.join(ROOT, "build", "release-nohooks"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", metavar="FILE", help="put the table into FILE (e.g. docs/benchmarks.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is past its target")
    args = parser.parse_args()
    for build in (args.release, args.nohooks):
        if not os.path.exists(os.path.join(build, "bin", "anarchy")):
            sys.exit(f"overhead.py: no {build}/bin/anarchy (cmake --preset release / release-nohooks first)")
    with tempfile.TemporaryDirectory() as tmp:
        disabled = disabled_hooks_rows(args, tmp)
        exact, python_row = exact_mode_rows(args, tmp)
    spans = span_rows(args)
    section = render(disabled, exact, python_row, spans)
    print(section)
    if args.write_docs:
        write_section(args.write_docs, section)
    if args.check:
        sys.exit(report_checks(target_checks(disabled, exact, spans), "overhead.py"))


if __name__ == "__main__":
    main()
