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
   Beside each exact figure, its floor (issue 17): `run` plus the run's spans times two clock
   reads, the reads timed in the same script run (span_bench BM_TwoClockReads, once per round,
   between the workload runs), the spans counted by the exact report itself. Targets: fib
   within 1.15x of its floor (time only 1.05x); loop and churn <= 1.25x of run (time only 1.1x).
3. One span enter + exit vs the two clock reads it cannot avoid (Google Benchmark,
   bench/span_bench, both in the same run). Target: <= 1.5x.

--check compares each figure with its target (below) and exits 1 when one is past it.

Usage: bench/overhead.py [--release build/release] [--nohooks build/release-nohooks]
                         [--runs 5] [--write-docs docs/benchmarks.md] [--check]
                         [--exact-only]  (only part 2 with its floor: no callgrind, no nohooks build)
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
# Issue 17, per workload: (what the ratio is taken against, default config, time only).
FLOOR_TARGETS = {"fib(30)": ("floor", 1.15, 1.05), "loop 4M": ("run", 1.25, 1.1),
                 "churn 600k": ("run", 1.25, 1.1)}


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


def two_clock_reads_ns(args):
    """BM_TwoClockReads (two span-clock reads back to back) of span_bench, one short run, ns of
    CPU time: on a loaded machine its real time counts the waits for a core too (201 ns real
    against 15.5 ns CPU, seen), which is not what a read costs the run."""
    bench = os.path.join(args.release, "bin", "span_bench")
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_filter=^BM_TwoClockReads$"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["benchmarks"][0]["cpu_time"]


def report_spans(report):
    """The spans an exact run recorded, as its JSON report counts them."""
    with open(report) as f:
        return json.load(f)["profiler"]["spans"]


def floor_of(run, spans, two_reads_ns):
    """(wall, cpu) of `run` plus two clock reads per span: what a perfect exact mode would cost."""
    return tuple(t + spans * two_reads_ns * 1e-9 for t in run)


def exact_mode_rows(args, tmp):
    anarchy = os.path.join(args.release, "bin", "anarchy")
    time_only = os.path.join(tmp, "time_only.json")
    with open(time_only, "w") as f:
        json.dump({"memory_profiling": {"enabled": False}, "operation_profiling": {"enabled": False}}, f)
    report = os.path.join(tmp, "report.json")
    rows = []
    for label, name, old, new in [("fib(30)", "fib.ai", "fib(35)", "fib(30)"),
                                  ("loop 4M", "loop.ai", "n = 16000000", "n = 4000000"),
                                  ("churn 600k", "churn.ai", "n = 2400000", "n = 600000")]:
        program = sized_workload(tmp, name, old, new)
        subprocess.run([anarchy, "profile", "--mode", "exact", "-o", report, program],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        spans = report_spans(report)
        reads = []
        times = {"run": [], "exact": [], "time_only": []}
        for _ in range(args.runs):  # the clock reads are timed between the workload runs
            reads.append(two_clock_reads_ns(args))
            times["run"].append(timed([anarchy, "run", program]))
            times["exact"].append(timed([anarchy, "profile", "--mode", "exact", "-o", report, program]))
            times["time_only"].append(
                timed([anarchy, "profile", "--mode", "exact", "--config", time_only, "-o", report, program]))
        medians = {name: (statistics.median(t[0] for t in values), statistics.median(t[1] for t in values))
                   for name, values in times.items()}
        two_reads = statistics.median(reads)
        rows.append((label, medians["run"], medians["exact"], medians["time_only"],
                     spans, two_reads, floor_of(medians["run"], spans, two_reads)))
    if args.exact_only:
        return rows, None
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
             ""]
    if disabled:
        lines += ["### Hooks compiled in, not enabled, vs compiled out (callgrind instructions; target <= 1%)", "",
                  "| workload | release-nohooks | release | overhead |", "|---|---:|---:|---:|"]
        for label, base, hooks, percent in disabled:
            lines.append(f"| {label} | {base:,} | {hooks:,} | {percent:+.2f}% |")
        lines.append("")
    lines += ["### Exact mode vs plain run and vs its floor (target <= 2x of run; issue 17 targets below)", "",
              "| workload | run | floor | profile --mode exact | / run | / floor | exact, time only | / run | / floor |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def row(label, run, full, time_only=None, floor=None):
        for unit, i in (("wall", 0), ("cpu", 1)):
            f = f"{floor[i]:.3f}s" if floor else ""
            cells = f"| {label} ({unit}) | {run[i]:.3f}s | {f} | {full[i]:.3f}s | {full[i] / run[i]:.2f}x |"
            cells += f" {full[i] / floor[i]:.2f}x |" if floor else " |"
            if time_only:
                cells += f" {time_only[i]:.3f}s | {time_only[i] / run[i]:.2f}x |"
                cells += f" {time_only[i] / floor[i]:.2f}x |" if floor else " |"
            else:
                cells += " | | |"
            lines.append(cells)

    for label, run, full, time_only, _, _, floor in exact:
        row(label, run, full, time_only, floor)
    if python_row:
        label, run, cprofile = python_row
        row(label + ", cProfile (reference)", run, cprofile)
    lines += ["", "\"exact\" is the default configuration (spans at function granularity plus memory and operation",
              "counting); \"time only\" turns memory and operation profiling off in a config file. \"wall\" is",
              "elapsed time, \"cpu\" the child's user + system time (less disturbed by other load).",
              "The floor is what a perfect exact mode would cost: `run` plus two clock reads per span, with the",
              "spans counted by the exact report and the two reads timed by span_bench BM_TwoClockReads between",
              "the workload runs (median):", ""]
    for label, _, _, _, span_count, two_reads, _ in exact:
        lines.append(f"- {label}: {span_count:,} spans x {two_reads:.1f} ns = {span_count * two_reads * 1e-9:.3f}s")
    lines += ["", "Issue 17 targets: " + "; ".join(
        f"{label} default <= {full}x and time only <= {time_only}x of {against}"
        for label, (against, full, time_only) in FLOOR_TARGETS.items()) + "."]
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
              for label, _, _, percent in disabled or []]
    for label, run, full, time_only, _, _, floor in exact:
        for unit, i in (("wall", 0), ("cpu", 1)):
            checks.append((f"exact mode vs run: {label} ({unit})", full[i] / run[i], EXACT_MODE_MAX_RATIO, "x"))
            if label in FLOOR_TARGETS:
                against, full_max, time_only_max = FLOOR_TARGETS[label]
                base = floor if against == "floor" else run
                checks.append((f"exact mode vs {against}: {label} ({unit})", full[i] / base[i], full_max, "x"))
                checks.append((f"time only vs {against}: {label} ({unit})", time_only[i] / base[i],
                               time_only_max, "x"))
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
    parser.add_argument("--exact-only", action="store_true",
                        help="only exact mode against run and its floor (no callgrind part, no nohooks build, no cProfile)")
    args = parser.parse_args()
    for build in (args.release,) if args.exact_only else (args.release, args.nohooks):
        if not os.path.exists(os.path.join(build, "bin", "anarchy")):
            sys.exit(f"overhead.py: no {build}/bin/anarchy (cmake --preset release / release-nohooks first)")
    if not os.path.exists(os.path.join(args.release, "bin", "span_bench")):
        sys.exit(f"overhead.py: no {args.release}/bin/span_bench (the floor's clock reads need it)")
    with tempfile.TemporaryDirectory() as tmp:
        disabled = None if args.exact_only else disabled_hooks_rows(args, tmp)
        exact, python_row = exact_mode_rows(args, tmp)
    spans = None if args.exact_only else span_rows(args)
    section = render(disabled, exact, python_row, spans)
    print(section)
    if args.write_docs:
        write_section(args.write_docs, section)
    if args.check:
        sys.exit(report_checks(target_checks(disabled, exact, spans), "overhead.py"))


if __name__ == "__main__":
    main()
