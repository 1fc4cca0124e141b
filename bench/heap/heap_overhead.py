#!/usr/bin/env python3
"""Allocation sampling's cost (issue 16, target "Overhead"): `anarchy profile` of the
allocation-heavy churn workload (bench/workloads/churn.ai), sampling mode, with allocation
sampling at the default rate against --heap-rate 0, side by side: the two alternate, and each
side's median wall time is compared. Target: <= 1% at the default rate. Also reports exact
mode's every-allocation recording (--heap-rate 1 against 0) when --exact is given.

Use an optimised build (a plain -DCMAKE_BUILD_TYPE=Release tree) on a quiet machine.

Usage: heap_overhead.py ANARCHY [--pairs N] [--workload FILE] [--exact]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def wall(anarchy, workload, mode, rate):
    cmd = [anarchy, "profile", "--mode", mode, "--heap-rate", str(rate), workload]
    start = time.perf_counter()
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({run.returncode})")
    return took


def compare(anarchy, workload, mode, rate, pairs):
    off, on = [], []
    for i in range(pairs):
        first_on = i % 2 == 1  # alternate which side runs first
        for side in ((True, False) if first_on else (False, True)):
            (on if side else off).append(wall(anarchy, workload, mode, rate if side else 0))
    m_off, m_on = statistics.median(off), statistics.median(on)
    pct = 100.0 * (m_on - m_off) / m_off
    print(f"| {mode} | {rate} | {m_off:.3f} s | {m_on:.3f} s | {pct:+.2f}% | {pairs} |")
    return pct


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("anarchy")
    p.add_argument("--pairs", type=int, default=11)
    p.add_argument("--workload", default=os.path.join(HERE, "..", "workloads", "churn.ai"))
    p.add_argument("--exact", action="store_true")
    args = p.parse_args()
    print(f"wall time of `anarchy profile` on {os.path.basename(args.workload)}, median of each side")
    print("| mode | --heap-rate | rate 0 | with sampling | cost | pairs |")
    print("|---|---|---|---|---|---|")
    pct = compare(args.anarchy, args.workload, "sampling", 512 * 1024, args.pairs)
    if args.exact:
        compare(args.anarchy, args.workload, "exact", 1, max(3, args.pairs // 3))
    verdict = "within" if pct <= 1.0 else "NOT within"
    print(f"\ndefault rate: {pct:+.2f}% wall, {verdict} the 1% target")
    return 0 if pct <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
