#!/usr/bin/env python3
"""Speed-regression guard: callgrind instruction counts against committed baselines.

Runs the four workloads of bench/workloads/ (scaled down) with `anarchy run`, and two of them
under `anarchy profile --mode exact`, each once under callgrind, and compares the instructions
executed (whole process for `run`; the program's run, Interpreter::run_file, for exact mode) with
bench/baselines.json. A case more than --tolerance percent (default 3) above its baseline fails
the check (exit 1). Callgrind counts instructions, not time: the same binary on the same input
executes the same count whatever the machine's load (`--repeat` checks that).

Counts depend on the compiler and its flags, so the check uses one pinned build: the
`bench-check` CMake preset (Release, LTO, no PGO: PGO's profile changes from training to
training). baselines.json records the compiler that made its counts; on another compiler the
check refuses to compare (exit 2) instead of reporting noise as regressions.

  bench/bench_check.py [--anarchy BIN]                  compare, print a table, exit 1 on regression
  bench/bench_check.py --update [--only PREFIX ...]     measure and write the baselines (commit them)
  bench/bench_check.py --repeat                         run each case twice; fail if counts differ

`make bench-check` and `make bench-baseline` build the preset first and call this script.
Exit status: 0 no regression, 1 a regression (or counts that did not repeat), 2 a usage error,
a missing or mismatched build, or a case that failed to run.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS_DIR = ROOT / "bench" / "workloads"
BASELINES = ROOT / "bench" / "baselines.json"
BUILD_DIR = ROOT / "build" / "bench-check"
PRESET = "bench-check"
FORMAT = 1

# name -> (workload, [(text in the workload, smaller text)], anarchy arguments before the file).
# Sizes: a few seconds each under callgrind. Every replacement must match, so a workload whose
# size line changed fails loudly instead of running at full size.
#
# `anarchy run` cases count the whole process (start-up included: it repeats exactly). Exact-mode
# cases count only Interpreter::run_file, the program's run with the profiler's hooks (what
# exact mode adds to a run): the rest of the process does not repeat exactly (the memory
# poller's thread wakes on a timer, and the report's text holds measured times).
EXACT_RUN = "anarchy::Interpreter::run_file*"
FIXED_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
CASES = {
    "fib": ("fib", [("fib(35)", "fib(20)")], ["run"]),
    "loop": ("loop", [("n = 16000000;", "n = 200000;")], ["run"]),
    "strings": ("strings", [("rounds = 13;", "rounds = 1;"),
                            ("rowsPerRound = 25000;", "rowsPerRound = 5000;")], ["run"]),
    "churn": ("churn", [("n = 2400000;", "n = 100000;")], ["run"]),
    "exact_fib": ("fib", [("fib(35)", "fib(20)")], ["profile", "--mode", "exact", "-q"]),
    "exact_churn": ("churn", [("n = 2400000;", "n = 30000;")],
                    ["profile", "--mode", "exact", "-q"]),
}


class CheckError(Exception):
    """A problem that stops the check before any comparison (exit 2)."""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--anarchy", default=str(BUILD_DIR / "bin" / "anarchy"),
                   help="the CLI to measure (default: the bench-check preset's build)")
    p.add_argument("--baselines", default=str(BASELINES), help="baselines file")
    p.add_argument("--tolerance", type=float, default=3.0,
                   help="percent above its baseline a case may run (default 3)")
    p.add_argument("--update", action="store_true",
                   help="write the measured counts as the new baselines")
    p.add_argument("--only", action="append", metavar="PREFIX",
                   help="only the cases whose name starts with PREFIX (repeatable): "
                        + ", ".join(CASES))
    p.add_argument("--repeat", action="store_true",
                   help="run each case twice and fail unless the counts are equal")
    return p.parse_args()


def cmake_cache(build_dir):
    """The CMakeCache.txt entries of a build dir, as a dict (raises CheckError without one)."""
    path = Path(build_dir) / "CMakeCache.txt"
    if not path.is_file():
        raise CheckError(f"no CMake build at {build_dir} (run `make bench-check`, which "
                         f"configures the {PRESET} preset)")
    entries = {}
    for line in path.read_text().splitlines():
        m = re.match(r"([A-Za-z_0-9]+):[A-Z]+=(.*)", line)
        if m:
            entries[m.group(1)] = m.group(2)
    return entries


def build_identity(anarchy):
    """What the counts depend on: the compiler (its --version line) and the build settings."""
    build_dir = Path(anarchy).resolve().parent.parent
    cache = cmake_cache(build_dir)
    compiler = cache.get("CMAKE_CXX_COMPILER", "")
    try:
        version = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError, IndexError):
        raise CheckError(f"cannot run the build's compiler '{compiler}' --version")
    settings = {k: cache.get(k, "") for k in ("CMAKE_BUILD_TYPE", "AIPROF_PGO", "AIPROF_HOOKS")}
    return {"compiler": version, "settings": settings}


def valgrind_version():
    try:
        return subprocess.run(["valgrind", "--version"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise CheckError("valgrind not found (Debian: apt-get install valgrind)")


def small_program(tmp, name):
    """Writes the scaled-down workload of a case into tmp and returns its path."""
    workload, replacements, _ = CASES[name]
    text = (WORKLOADS_DIR / f"{workload}.ai").read_text()
    for old, new in replacements:
        if old not in text:
            raise CheckError(f"bench/workloads/{workload}.ai: '{old}' not found "
                             f"(its size line changed? update CASES in {Path(__file__).name})")
        text = text.replace(old, new)
    path = Path(tmp) / f"{name}.ai"
    path.write_text(text)
    return path


def instructions(anarchy, name, tmp):
    """Instructions callgrind counts over one run of a case (the whole process)."""
    program = small_program(tmp, name)
    args = list(CASES[name][2])
    if args[0] == "profile":
        args += ["-o", f"{name}.profile.json"]
    cmd = [shutil.which("valgrind") or "valgrind", "--tool=callgrind",
           "--callgrind-out-file=/dev/null"]
    if args[0] == "profile":
        cmd.append(f"--toggle-collect={EXACT_RUN}")
    cmd += [anarchy] + args
    # Run in tmp with relative names: the same paths in every clone and build dir.
    # A fixed environment as well: start-up reads it, so its size moves the count (a run from
    # make, which adds MAKEFLAGS and others, counted ~3,000 instructions more).
    out = subprocess.run(cmd + [program.name], capture_output=True, text=True, cwd=tmp,
                         env=FIXED_ENV)
    match = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or not match:
        raise CheckError(f"{name}: callgrind run failed (status {out.returncode}): "
                         f"{' '.join(cmd)} {program}\n{out.stderr[-1500:]}")
    return int(match.group(1))


def load_baselines(path):
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as e:
        raise CheckError(f"{path}:{e.lineno}: not valid JSON: {e.msg}")
    if data.get("format") != FORMAT:
        raise CheckError(f"{path}: format {data.get('format')!r}, this script reads {FORMAT}")
    return data


def refuse_other_build(baselines, identity, path):
    """Counts from another compiler or other settings are not comparable: say so and stop."""
    base = baselines.get("build", {})
    if base.get("compiler") != identity["compiler"]:
        raise CheckError(
            f"{path} was measured with '{base.get('compiler')}', this build uses "
            f"'{identity['compiler']}': instruction counts of two compilers are not comparable. "
            "Measure new baselines with this compiler (`make bench-baseline`) on the commit the "
            "old ones were made on, then compare.")
    if base.get("settings") != identity["settings"]:
        raise CheckError(f"{path} was measured with build settings {base.get('settings')}, "
                         f"this build has {identity['settings']} (use the {PRESET} preset)")


def delta_percent(base, now):
    return 100.0 * (now - base) / base


def compare(names, counts, baselines, tolerance):
    """Prints the table; returns the names of the cases past the tolerance."""
    print(f"| case | baseline | now | delta | |")
    print("|---|---:|---:|---:|---|")
    regressed = []
    for name in names:
        base = baselines["cases"].get(name, {}).get("instructions")
        now = counts[name]
        if base is None:
            print(f"| {name} | (none) | {now:,} | | no baseline: `make bench-baseline` |")
            continue
        delta = delta_percent(base, now)
        verdict = "ok"
        if delta > tolerance:
            verdict = f"REGRESSION (> +{tolerance:g}%)"
            regressed.append(name)
        elif delta < -tolerance:
            verdict = "faster: raise the baseline on purpose (`make bench-baseline`)"
        print(f"| {name} | {base:,} | {now:,} | {delta:+.2f}% | {verdict} |")
    return regressed


def write_baselines(path, baselines, identity, counts, commit):
    """Replaces the measured cases' counts (others are kept) and writes the file atomically."""
    if baselines is None or baselines.get("build", {}).get("compiler") != identity["compiler"]:
        if baselines is not None and set(counts) != set(CASES):
            raise CheckError("the compiler changed: update every case at once (no --only)")
        baselines = {"format": FORMAT, "cases": {}}
    baselines["build"] = {"preset": PRESET, **identity, "valgrind": valgrind_version()}
    today = datetime.date.today().isoformat()
    for name, count in counts.items():
        baselines["cases"][name] = {"instructions": count, "measured": today, "commit": commit}
    baselines["cases"] = dict(sorted(baselines["cases"].items()))
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(baselines, indent=2) + "\n")
    os.replace(tmp, path)


def current_commit():
    out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def selected_cases(only):
    if not only:
        return list(CASES)
    names = [n for n in CASES if any(n.startswith(p) for p in only)]
    if not names:
        raise CheckError(f"--only {' '.join(only)} matches no case ({', '.join(CASES)})")
    return names


def cases_dir(anarchy):
    """Where the scaled-down programs are written and run (by relative name): the program's
    path is part of the run (its text is hashed and stored), so it must not vary."""
    path = Path(anarchy).resolve().parent.parent / "bench-check-cases"
    path.mkdir(exist_ok=True)
    return str(path)


def measure(anarchy, names, repeat):
    """Counts per case; with repeat, each case twice (CheckError when they differ)."""
    counts = {}
    tmp = cases_dir(anarchy)
    for name in names:
        print(f"  {name} ...", file=sys.stderr, flush=True)
        counts[name] = instructions(anarchy, name, tmp)
        if repeat:
            again = instructions(anarchy, name, tmp)
            if again != counts[name]:
                raise CheckError(f"{name}: counts did not repeat ({counts[name]:,} then "
                                 f"{again:,}): this case cannot be checked exactly")
    return counts


def run(args):
    if not os.access(args.anarchy, os.X_OK):
        raise CheckError(f"anarchy not found at {args.anarchy} (run `make bench-check`)")
    identity = build_identity(args.anarchy)
    baselines = load_baselines(args.baselines)
    if not args.update:
        if baselines is None:
            raise CheckError(f"no baselines at {args.baselines} (`make bench-baseline`)")
        refuse_other_build(baselines, identity, args.baselines)
    names = selected_cases(args.only)
    print(f"bench-check: {identity['compiler']}, {args.anarchy}", file=sys.stderr)
    counts = measure(args.anarchy, names, args.repeat)
    if args.update:
        write_baselines(args.baselines, baselines, identity, counts, current_commit())
        print(f"bench-check: wrote {len(counts)} baselines to {args.baselines}; commit them "
              "with a message that says why they changed")
        for name in names:
            print(f"  {name}: {counts[name]:,}")
        return 0
    regressed = compare(names, counts, baselines, args.tolerance)
    if regressed:
        print(f"bench-check: FAILED: {', '.join(regressed)} above the baseline by more than "
              f"{args.tolerance:g}% (callgrind instructions, {identity['compiler']})")
        return 1
    print(f"bench-check: ok ({len(names)} cases within +{args.tolerance:g}% of the baselines)")
    return 0


def main():
    args = parse_args()
    try:
        return run(args)
    except CheckError as e:
        print(f"bench-check: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
