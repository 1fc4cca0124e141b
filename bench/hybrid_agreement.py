#!/usr/bin/env python3
"""Hybrid mode on a program of known 5:3:2 shares, N times: how often does the merger flag a
disagreement (issue 13, section 2)? It should flag nothing: every flag here is a false one.

Statistical by nature (a flag is allowed with 5% family-wise probability per run when the
sampler is unbiased), so it lives here rather than in the unit tests. For each run it prints the
shares judged, the findings, and the exact and sampled inclusive shares of the three functions;
then the count of runs with a flag and the mean shares.

Usage: bench/hybrid_agreement.py [--anarchy build/release/bin/anarchy] [--runs 20]
                                 [--rounds 40] [--check]
  --rounds  how many times main calls the three functions (40: about 1 s in a release build)
  --check   exit 1 when any run flagged something
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

PROGRAM = """m{
  work(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }
  five(){ return work(50000); }
  three(){ return work(30000); }
  two(){ return work(20000); }
  main(){ t = 0; for (k = 0; k < ROUNDS; k++) { t = t + five() + three() + two(); }
    print(t); return 0; }
}
"""
FUNCTIONS = ("m.five", "m.three", "m.two")
TRUTH = {"m.five": 0.5, "m.three": 0.3, "m.two": 0.2}


def shares(report):
    """Exact and sampled inclusive shares of each function (its call path under main)."""
    frames, nodes = report["frames"], report["nodes"]
    exact_total = sum(nodes[c]["inclusive_ns"] for c in nodes[0]["children"] if nodes[c]["has_exact"])
    sampled_total = sum(nodes[c]["samples_inclusive"] for c in nodes[0]["children"])
    out = {}
    for n in nodes:
        name = frames[n["frame"]]["name"]
        if name in FUNCTIONS:
            out[name] = (n["inclusive_ns"] / exact_total, n["samples_inclusive"] / max(1, sampled_total))
    return out


def one_run(anarchy, program, out_json):
    subprocess.run([anarchy, "profile", "--mode", "hybrid", "-o", out_json, program],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out_json) as f:
        report = json.load(f)
    notes = report["profiler"]["notes"]
    findings = [n for n in notes if n.startswith("disagreement at ")]
    summary = next((n for n in notes if n.startswith("hybrid check:")), "(no summary note)")
    return findings, summary, shares(report), report["sampling"]["samples"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--anarchy", default="build/release/bin/anarchy")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    flagged_runs = 0
    sums = {f: [0.0, 0.0] for f in FUNCTIONS}
    with tempfile.TemporaryDirectory() as tmp:
        program = os.path.join(tmp, "shares532.ai")
        with open(program, "w") as f:
            f.write(PROGRAM.replace("ROUNDS", str(args.rounds)))
        for run in range(1, args.runs + 1):
            findings, summary, got, samples = one_run(args.anarchy, program, os.path.join(tmp, "h.json"))
            flagged_runs += 1 if findings else 0
            cells = "  ".join("%s %.1f/%.1f%%" % (f[2:], 100 * got[f][0], 100 * got[f][1]) for f in FUNCTIONS)
            print("run %2d: %5d samples, %d finding(s)  exact/sampled: %s" % (run, samples, len(findings), cells))
            for finding in findings:
                print("        " + finding)
            for f in FUNCTIONS:
                sums[f][0] += got[f][0]
                sums[f][1] += got[f][1]
            if run == 1:
                print("        " + summary[:160] + "...")
    print("runs with a flag: %d of %d" % (flagged_runs, args.runs))
    for f in FUNCTIONS:
        print("%-8s truth %.1f%%  mean exact %.2f%%  mean sampled %.2f%%" %
              (f, 100 * TRUTH[f], 100 * sums[f][0] / args.runs, 100 * sums[f][1] / args.runs))
    return 1 if args.check and flagged_runs else 0


if __name__ == "__main__":
    sys.exit(main())
