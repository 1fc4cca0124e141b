#!/usr/bin/env python3
"""Allocation sampling's accuracy (issue 16, targets "Accuracy" and "In use").

shares  alloc_532.ai: three functions allocating bytes in 5:3:2 (mixed sizes). Exact mode
        (every allocation) gives the true alloc_space shares; sampling mode at the default
        rate, once per --seed (the heap's draws follow it), gives estimates. Target: every
        share within +-3 points of the truth.
inuse   keep_one.ai: keeps 1 of every 100 objects. Exact mode's in-use bytes at exit are the
        truth; sampling mode's inuse_space estimate should be within +-10% of it, with >= 90%
        of it at the keeping site (m.keepOne).

Figures come from the lossless JSON report (nodes, frames). Statistical: run it on a quiet
machine; the result table says how many runs and samples each figure rests on.

Usage: heap_accuracy.py ANARCHY [--rounds N] [--keep N] [--runs K] [--rate BYTES]
                                [--inuse-rate BYTES]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FUNCTIONS = ("m.strings", "m.arrays", "m.objects")


def profile(anarchy, tmp, program, arg, *flags):
    out = os.path.join(tmp, "p.json")
    cmd = [anarchy, "profile", "--quiet", *flags, "-o", out, os.path.join(HERE, program), str(arg)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stderr[-2000:]}")
    with open(out) as f:
        return json.load(f)


def inclusive(report, key, names):
    """{function name: figure summed over its call paths' subtrees} (outermost activation)."""
    nodes, frames = report["nodes"], report["frames"]
    def subtree(i):
        return nodes[i].get(key, 0) + sum(subtree(c) for c in nodes[i]["children"])
    totals = dict.fromkeys(names, 0)
    for i, n in enumerate(nodes):
        name = frames[n["frame"]]["name"]
        parent = n["parent"]
        if name in totals and (parent is None or frames[nodes[parent]["frame"]]["name"] != name):
            totals[name] += subtree(i)
    return totals


def shares(totals):
    whole = sum(totals.values())
    return {k: 100.0 * v / whole if whole else 0.0 for k, v in totals.items()}


def check_shares(anarchy, tmp, args):
    truth = shares(inclusive(profile(anarchy, tmp, "alloc_532.ai", args.rounds, "--mode", "exact"),
                             "allocation_bytes", FUNCTIONS))
    worst, samples = 0.0, []
    print(f"alloc_space shares, alloc_532.ai {args.rounds} rounds, rate {args.rate} B "
          f"(truth: exact mode)")
    print("| seed | " + " | ".join(FUNCTIONS) + " | sampled allocations | worst error |")
    print("|---|" + "---|" * (len(FUNCTIONS) + 2))
    print("| exact | " + " | ".join(f"{truth[f]:.2f}%" for f in FUNCTIONS) + " | all | |")
    for seed in range(1, args.runs + 1):
        report = profile(anarchy, tmp, "alloc_532.ai", args.rounds, "--heap-rate", str(args.rate),
                         "--seed", str(seed))
        got = shares(inclusive(report, "allocation_bytes", FUNCTIONS))
        err = max(abs(got[f] - truth[f]) for f in FUNCTIONS)
        worst = max(worst, err)
        n = report["memory_metrics"]["heap_sampling"]["sampled_allocations"]
        samples.append(n)
        print(f"| {seed} | " + " | ".join(f"{got[f]:.2f}%" for f in FUNCTIONS) +
              f" | {n} | {err:.2f} pt |")
    verdict = "within" if worst <= 3.0 else "NOT within"
    print(f"\nworst share error {worst:.2f} points over {args.runs} runs "
          f"(median {statistics.median(samples):.0f} samples): {verdict} +-3 points")
    return worst <= 3.0


def inuse(report):
    sites = inclusive(report, "inuse_bytes", ("m.keepOne",))
    total = sum(n.get("inuse_bytes", 0) for n in report["nodes"])
    return total, sites["m.keepOne"]


def check_inuse(anarchy, tmp, args):
    exact_total, exact_site = inuse(profile(anarchy, tmp, "keep_one.ai", args.keep, "--mode", "exact"))
    print(f"\ninuse_space at exit, keep_one.ai {args.keep} objects, rate {args.inuse_rate} B "
          f"(truth: exact mode, {exact_total} B in use, {100.0 * exact_site / exact_total:.1f}% "
          f"at m.keepOne)")
    print("| seed | inuse_space | error | at m.keepOne | live samples |")
    print("|---|---|---|---|---|")
    ok, errors = True, []
    for seed in range(1, args.runs + 1):
        report = profile(anarchy, tmp, "keep_one.ai", args.keep, "--heap-rate", str(args.inuse_rate),
                         "--seed", str(seed))
        total, site = inuse(report)
        err = 100.0 * (total - exact_total) / exact_total
        share = 100.0 * site / total if total else 0.0
        errors.append(abs(err))
        ok = ok and abs(err) <= 10.0 and share >= 90.0
        live = report["memory_metrics"]["heap_sampling"]["live_sampled"]
        print(f"| {seed} | {total} | {err:+.1f}% | {share:.1f}% | {live} |")
    print(f"\nworst in-use error {max(errors):.1f}%: "
          + ("within +-10%, >= 90% at the keeping site" if ok else "NOT within the targets"))
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("anarchy")
    p.add_argument("--rounds", type=int, default=9000)
    p.add_argument("--keep", type=int, default=2000000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--rate", type=int, default=512 * 1024)
    p.add_argument("--inuse-rate", type=int, default=512 * 1024)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = check_shares(args.anarchy, tmp, args)
        ok = check_inuse(args.anarchy, tmp, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
