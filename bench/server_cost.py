#!/usr/bin/env python3
"""What the live side costs a running program (issue 15, targets), measured side by side in one
run: whole `anarchy` processes, the baseline (`anarchy run` without the flag) measured in the
same run, runs alternating, medians.

(a) idle   `run --pprof-http 127.0.0.1:0` with no request vs `run`: wall and CPU ratio.
           Target <= 0.5% (wall).
(b) scrape one `profile?seconds=10` every 15 s at 100 Hz, as Alloy's pyroscope.scrape does, over
           a run of --scrape-seconds (300 per the issue; --quick: 60) vs `run`. Target <= 1% wall.
(c) request the fixed cost of one `profile?seconds=1` request: the process's CPU time per
           request while the guest program waits on its input (so the process's CPU is the
           server's, the sampler's start and stop, the profile's build, gzip and HTTP), and the
           answer's time beyond the 1 s window.
(d) snapshots `run --profile-every 10s --profile-dir D` vs `run` (no target in the issue;
           listed so that the snapshot thread's one-second steps are measured too).

Use an optimised build (a plain -DCMAKE_BUILD_TYPE=Release tree with the hooks on), not the
debug one. The machine may be shared: the ratios come from alternating runs; --runs more pairs
narrow them.

Usage: bench/server_cost.py --anarchy build/rel/bin/anarchy [--quick] [--runs N]
                            [--cases idle,scrape,request,snapshots] [--scrape-seconds S]
                            [--write-docs docs/benchmarks.md]
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPIN = os.path.join(ROOT, "tests", "server", "spin.ai")
SECTION = "## Live side cost (issue 15)"
TARGETS = {"idle": 0.5, "scrape": 1.0}  # percent of wall time


def spawn(anarchy, flags, program_args, stdin=subprocess.DEVNULL):
    cmd = [anarchy, "run", *flags, SPIN, *program_args]
    return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def served_port(proc):
    """Reads stderr up to the 'serving' line; returns the port."""
    for line in proc.stderr:
        m = re.match(r"aiprof: serving /debug/pprof on http://127\.0\.0\.1:(\d+)", line)
        if m:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain the rest
            return int(m.group(1))
    raise RuntimeError("no address printed")


def finish(proc):
    """Waits; returns (wall seconds since start, user+sys CPU seconds)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"exit status {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def timed_run(anarchy, flags, rounds, during=None):
    """One whole process; `during(port)` runs beside it when the endpoint is on."""
    start = time.monotonic()
    proc = spawn(anarchy, flags, [str(rounds)])
    worker = None
    if "--pprof-http" in flags:
        port = served_port(proc)
        if during:
            worker = threading.Thread(target=during, args=(port, proc), daemon=True)
            worker.start()
    else:
        threading.Thread(target=proc.stderr.read, daemon=True).start()
    cpu = finish(proc)
    wall = time.monotonic() - start
    if worker:
        worker.join(timeout=30)
    return wall, cpu


def calibrate(anarchy, seconds):
    """spin.ai rounds that take about `seconds` of wall time."""
    rounds = 50
    while True:
        wall, _ = timed_run(anarchy, [], rounds)
        if wall > 2.0:
            return max(1, int(rounds * seconds / wall))
        rounds *= 4


def scraper(port, proc, every=15.0, window=10, answered=None):
    """A request of `window` seconds every `every` seconds while the program runs."""
    url = f"http://127.0.0.1:{port}/debug/pprof/profile?seconds={window}"
    next_at = time.monotonic()
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=window + 30) as r:
                body = r.read()
                if answered is not None and r.status == 200 and body[:2] == b"\x1f\x8b":
                    answered.append(len(body))
        except OSError:
            pass  # the program exited during the request
        next_at += every
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def side_by_side(anarchy, flags, rounds, runs, during=None):
    """Alternating baseline / flagged runs; the medians and their ratios."""
    base, flagged = [], []
    for i in range(runs):
        order = [(base, []), (flagged, flags)]
        if i % 2:
            order.reverse()
        for into, f in order:
            into.append(timed_run(anarchy, f, rounds, during if f else None))
    bw = statistics.median(w for w, _ in base)
    bc = statistics.median(c for _, c in base)
    fw = statistics.median(w for w, _ in flagged)
    fc = statistics.median(c for _, c in flagged)
    return {"base_wall": bw, "base_cpu": bc, "wall": fw, "cpu": fc,
            "wall_pct": 100 * (fw / bw - 1), "cpu_pct": 100 * (fc / bc - 1),
            "pairs": [(b[0], f[0]) for b, f in zip(base, flagged)]}


def proc_cpu_seconds(pid):
    """CPU time of every thread of the process, in ns precision (schedstat), as seconds."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # the thread ended
    return total / 1e9


def request_cost(anarchy, requests):
    """Process CPU per 1-second profile request while the guest waits on input()."""
    with tempfile.TemporaryDirectory() as tmp:
        waiter = os.path.join(tmp, "wait.ai")
        with open(waiter, "w") as f:
            f.write('m{\n  main(args){\n    line = input();\n    print("got", line);\n    return 0;\n  }\n}\n')
        proc = subprocess.Popen([anarchy, "run", "--pprof-http", "127.0.0.1:0", waiter],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        port = served_port(proc)
        url = f"http://127.0.0.1:{port}/debug/pprof/profile?seconds=1"
        urllib.request.urlopen(url, timeout=60).read()  # the first request's one-time costs
        time.sleep(1)
        idle0 = proc_cpu_seconds(proc.pid)
        time.sleep(2)
        idle_rate = (proc_cpu_seconds(proc.pid) - idle0) / 2
        cpu0, latencies = proc_cpu_seconds(proc.pid), []
        t0 = time.monotonic()
        for _ in range(requests):
            start = time.monotonic()
            urllib.request.urlopen(url, timeout=60).read()
            latencies.append(time.monotonic() - start - 1.0)
        spent = proc_cpu_seconds(proc.pid) - cpu0 - idle_rate * (time.monotonic() - t0)
        proc.stdin.write("done\n")
        proc.stdin.close()
        proc.wait()
    return {"cpu_ms": 1000 * spent / requests, "beyond_ms": 1000 * statistics.median(latencies),
            "beyond_max_ms": 1000 * max(latencies), "requests": requests}


def snapshot_cost(anarchy, rounds, runs):
    with tempfile.TemporaryDirectory() as tmp:
        flags = ["--profile-every", "10s", "--profile-dir", os.path.join(tmp, "snaps"),
                 "--profile-keep", "3"]
        return side_by_side(anarchy, flags, rounds, runs)


def build_id(anarchy):
    out = subprocess.run([anarchy, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return f"{out} (commit {commit})"


ROWS = {
    "idle": ("(a) endpoint listening, no request", "<= 0.5% wall"),
    "scrape": ("(b) `profile?seconds=10` every 15 s, 100 Hz, {s} s run", "<= 1% wall"),
    "snapshots": ("(d) snapshots every 10 s (`--profile-every 10s`)", "-"),
}


def report(results, args):
    lines = [
        SECTION, "",
        f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {build_id(args.anarchy)}, "
        f"`{os.path.relpath(args.anarchy, ROOT)}` (Release, hooks on), bench/server_cost.py "
        f"--runs {args.runs} --short-seconds {args.short} --scrape-seconds {args.scrape_seconds}, "
        "on a 2-core machine shared with other jobs (load average "
        f"{os.getloadavg()[0]:.0f} at the end): whole processes on tests/server/spin.ai, baseline "
        "`anarchy run` in the same run, runs alternating, medians.", "",
        "| Case | Baseline wall | With | Wall | CPU | Target |",
        "|---|---|---|---|---|---|",
    ]
    for key, (name, target) in ROWS.items():
        if key in results:
            r = results[key]
            lines.append(f"| {name.format(s=args.scrape_seconds)} | {r['base_wall']:.2f} s | "
                         f"{r['wall']:.2f} s | {r['wall_pct']:+.2f}% | {r['cpu_pct']:+.2f}% | "
                         f"{target} |")
    lines.append("")
    if "request" in results:
        c = results["request"]
        lines += [f"(c) Fixed cost of one `profile?seconds=1` request ({c['requests']} requests, "
                  f"the guest waiting on its input): {c['cpu_ms']:.2f} ms of process CPU each "
                  f"(sampler start and stop, profile build, gzip, HTTP); answered "
                  f"{c['beyond_ms']:.1f} ms after the window's end (median; max "
                  f"{c['beyond_max_ms']:.1f} ms).", ""]
    pairs = [f"{k}: " + ", ".join(f"{x:.2f}/{y:.2f}" for x, y in results[k]["pairs"])
             for k in ROWS if k in results]
    lines += ["Pairs (baseline/with, seconds): " + "; ".join(pairs) + ".", ""]
    verdicts = [f"{key}: {results[key]['wall_pct']:+.2f}% wall ("
                f"{'met' if results[key]['wall_pct'] <= limit else 'NOT met'}, target <= {limit}%)"
                for key, limit in TARGETS.items() if key in results]
    if verdicts:
        lines.append("Verdict: " + "; ".join(verdicts) + ".")
    return "\n".join(lines) + "\n"


def write_docs(path, text):
    old = open(path).read() if os.path.exists(path) else ""
    start = old.find(SECTION)
    if start >= 0:
        end = old.find("\n## ", start + len(SECTION))
        old = old[:start] + (old[end + 1:] if end >= 0 else "")
    with open(path, "w") as f:
        f.write(old.rstrip("\n") + "\n\n" + text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--anarchy", required=True, help="an optimised anarchy binary")
    ap.add_argument("--quick", action="store_true", help="60 s scrape runs, shorter programs")
    ap.add_argument("--runs", type=int, default=3, help="pairs of runs per case")
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--scrape-seconds", type=int, help="length of the scraped runs (b)")
    ap.add_argument("--short-seconds", type=int, help="length of the runs of (a) and (d)")
    ap.add_argument("--cases", default="idle,scrape,request,snapshots",
                    help="which of idle,scrape,request,snapshots to run")
    ap.add_argument("--write-docs", metavar="MD")
    args = ap.parse_args()
    args.anarchy = os.path.abspath(args.anarchy)
    args.scrape_seconds = args.scrape_seconds or (60 if args.quick else 300)
    short = args.short_seconds or (10 if args.quick else 30)
    args.short = short
    cases = set(args.cases.split(","))
    print(f"calibrating spin.ai for {short} s ...", file=sys.stderr)
    rounds_short = calibrate(args.anarchy, short)
    rounds_long = int(rounds_short * args.scrape_seconds / short)
    endpoint = ["--pprof-http", "127.0.0.1:0"]
    results = {}
    if "idle" in cases:
        print("(a) idle endpoint ...", file=sys.stderr)
        results["idle"] = side_by_side(args.anarchy, endpoint, rounds_short, args.runs)
    if "scrape" in cases:
        print("(b) scraped every 15 s ...", file=sys.stderr)
        results["scrape"] = side_by_side(args.anarchy, endpoint, rounds_long, args.runs,
                                         during=scraper)
    if "request" in cases:
        print("(c) per-request cost ...", file=sys.stderr)
        results["request"] = request_cost(args.anarchy, args.requests)
    if "snapshots" in cases:
        print("(d) snapshots ...", file=sys.stderr)
        results["snapshots"] = snapshot_cost(args.anarchy, rounds_short, args.runs)
    text = report(results, args)
    print(text)
    if args.write_docs:
        write_docs(args.write_docs, text)


if __name__ == "__main__":
    main()
