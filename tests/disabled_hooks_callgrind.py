#!/usr/bin/env python3
"""Hook sites compiled in but not enabled cost at most 1% (issue 13, 5.1; DESIGN.md: "disabled
costs nothing measurable").

Counts the instructions callgrind sees a bare runner execute (tests/hook_cost_runner.cpp: the
interpreter runs one file) on small versions of the bench workloads (calls, a numeric loop,
allocation and the cycle collector), built twice from the same sources and flags (-O2): with the
hook sites compiled in (hook_cost_hooks) and compiled out (hook_cost_nohooks,
AIPROF_ENABLE_HOOKS=0). Instruction counts repeat exactly from run to run, so one run each
decides, whatever the machine's load: no tolerance for noise is needed.

The release builds (LTO, PGO) are checked by `bench/overhead.py --check`, whose release and
release-nohooks builds differ in inlining as well as in the hooks (docs/benchmarks.md).

Usage: disabled_hooks_callgrind.py HOOK_COST_HOOKS HOOK_COST_NOHOOKS WORKLOADS_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

TARGET_PERCENT = 1.0
# (label, workload file, text to replace, smaller size): a few seconds each under callgrind.
WORKLOADS = [
    ("fib(17)", "fib.ai", "fib(35)", "fib(17)"),
    ("loop 20k", "loop.ai", "n = 16000000", "n = 20000"),
    ("churn 12k", "churn.ai", "n = 2400000", "n = 12000"),  # one cycle collection
]


def instructions(binary, program):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          binary, program], capture_output=True, text=True)
    match = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or not match:
        sys.exit(f"disabled_hooks_callgrind: callgrind of {binary} run {program} failed "
                 f"({out.returncode}):\n{out.stderr[-2000:]}")
    return int(match.group(1))


def small_copy(workloads, tmp, name, old, new):
    text = open(os.path.join(workloads, name)).read()
    if old not in text:
        sys.exit(f"disabled_hooks_callgrind: '{old}' not found in {name}")
    text = text.replace(old, new)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    hooks, nohooks, workloads = sys.argv[1:]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for label, name, old, new in WORKLOADS:
            program = small_copy(workloads, tmp, name, old, new)
            base, with_hooks = instructions(nohooks, program), instructions(hooks, program)
            percent = 100.0 * (with_hooks - base) / base
            verdict = "ok" if percent <= TARGET_PERCENT else f"OVER THE {TARGET_PERCENT}% TARGET"
            print(f"{label}: compiled out {base:,}, compiled in (not enabled) {with_hooks:,}: "
                  f"{percent:+.3f}% {verdict}")
            failed |= percent > TARGET_PERCENT
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
