#!/usr/bin/env python3
"""Soak run of the live side (issue 15, "Soak"): one `anarchy run --pprof-http 127.0.0.1:0
--profile-dir DIR` for --minutes (10 per the issue), scraped with `profile?seconds=10` every 15 s
and sent SIGUSR2 every 30 s. Checks:
- RSS stays within 5% of its value after the first minute;
- file descriptors and threads are the same before every request (no request open then), from
  the second request on (15 s in: the program has started, its sampler's thread exists);
- every response is a valid profile (gzip, `go tool pprof -raw` reads it, Go's CPU sample
  types, the hot guest function in it) and every SIGUSR2 gives a new valid snapshot file;
- the program's output and exit status are byte-identical to a run without the flags (run
  beside it).
Exits 1 when a check fails. Prints a summary line for docs/benchmarks.md.

Usage: bench/server_soak.py --anarchy build/rel/bin/anarchy [--minutes 10]
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPIN = os.path.join(ROOT, "tests", "server", "spin.ai")
RSS_TOLERANCE = 0.05


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return -1


def fd_targets(pid):
    out = []
    for fd in sorted(os.listdir(f"/proc/{pid}/fd"), key=int):
        try:
            out.append(f"{fd}->{os.readlink(f'/proc/{pid}/fd/{fd}')}")
        except OSError:
            pass
    return out


def census(pid):
    targets = fd_targets(pid)
    return {"rss_kb": status_field(pid, "VmRSS"), "fds": len(targets), "fd_list": targets,
            "threads": len(os.listdir(f"/proc/{pid}/task"))}


def valid_profile(path, tmp):
    """None when `path` is a valid CPU profile with m.hotLoop, else why not."""
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return "not gzipped"
    if not shutil.which("go"):
        return None  # gzip checked; go tool pprof missing
    r = subprocess.run(["go", "tool", "pprof", "-raw", path], capture_output=True, text=True,
                       env={**os.environ, "PPROF_TMPDIR": tmp})
    if r.returncode != 0:
        return "go tool pprof: " + r.stderr.strip()[:200]
    if not r.stdout.startswith("PeriodType: cpu nanoseconds") and \
            "samples/count cpu/nanoseconds" not in r.stdout:
        return "not Go's CPU types"
    if " m.hotLoop " not in r.stdout and " m.fib " not in r.stdout:
        return "no hot guest function"
    return None


def calibrate(anarchy, seconds):
    rounds = 100
    while True:
        start = time.monotonic()
        subprocess.run([anarchy, "run", SPIN, str(rounds)], capture_output=True, check=True)
        wall = time.monotonic() - start
        if wall > 2.0:
            return max(1, int(rounds * seconds / wall))
        rounds *= 4


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--anarchy", required=True)
    ap.add_argument("--minutes", type=float, default=10.0)
    args = ap.parse_args()
    anarchy = os.path.abspath(args.anarchy)
    seconds = args.minutes * 60
    rounds = calibrate(anarchy, seconds)
    tmp = tempfile.mkdtemp(prefix="server-soak.")
    snaps = os.path.join(tmp, "snaps")
    problems = []
    plain = subprocess.Popen([anarchy, "run", SPIN, str(rounds)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    plain_out = []
    threading.Thread(target=lambda: plain_out.append(plain.stdout.read()), daemon=True).start()
    proc = subprocess.Popen([anarchy, "run", "--pprof-http", "127.0.0.1:0", "--profile-dir", snaps,
                             "--profile-keep", "100", SPIN, str(rounds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = []
    threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True).start()
    port = None
    for line in proc.stderr:
        m = re.match(rb"aiprof: serving /debug/pprof on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    err = []
    threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True).start()
    start = time.monotonic()
    url = f"http://127.0.0.1:{port}/debug/pprof/profile?seconds=10"
    censuses, scrapes, signals, next_signal, n = [], 0, 0, start + 30, 0
    while proc.poll() is None and time.monotonic() - start < seconds + 60:
        c = census(proc.pid) if proc.poll() is None else None
        if c is None:
            break
        censuses.append((time.monotonic() - start, c))
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                body = r.read()
            n += 1
            path = os.path.join(tmp, f"scrape-{n}.pb.gz")
            with open(path, "wb") as f:
                f.write(body)
            why = valid_profile(path, tmp)
            if why and proc.poll() is None:
                problems.append(f"scrape {n}: {why}")
            scrapes += 1
            os.unlink(path)
        except OSError as e:
            if proc.poll() is None:
                problems.append(f"scrape {n}: {e}")
        while time.monotonic() >= next_signal and proc.poll() is None:
            before = set(glob.glob(os.path.join(snaps, "*.pb.gz")))
            proc.send_signal(signal.SIGUSR2)
            signals += 1
            deadline = time.monotonic() + 30
            new = set()
            while not new and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
                new = set(glob.glob(os.path.join(snaps, "*.pb.gz"))) - before
            if not new and proc.poll() is None:
                problems.append(f"SIGUSR2 {signals}: no snapshot within 30 s")
            for p in new:
                if why := valid_profile(p, tmp):
                    problems.append(f"SIGUSR2 {signals}: {os.path.basename(p)}: {why}")
            next_signal += 30
        time.sleep(max(0.0, 15 - (time.monotonic() - start - censuses[-1][0])))
    status = proc.wait()
    plain_status = plain.wait()
    time.sleep(0.5)
    if status != plain_status:
        problems.append(f"exit status {status}, without the flags {plain_status}")
    if out[0] != plain_out[0]:
        problems.append("output differs from a run without the flags")
    after_minute = [c for t, c in censuses if t >= 60]
    if after_minute:
        base = after_minute[0]["rss_kb"]
        worst = max(abs(c["rss_kb"] - base) / base for c in after_minute)
        if worst > RSS_TOLERANCE:
            problems.append(f"RSS moved {100 * worst:.1f}% from {base} kB after the first minute")
    else:
        worst, base = 0.0, -1
        problems.append("the run ended before its second minute: nothing to compare RSS with")
    # fds and threads from the second census on (15 s in): by then the program has started and
    # its sampler's thread exists; from then on nothing may grow.
    steady = [c for t, c in censuses[1:]]
    # A sampler run holds one perf_event fd (its task-clock counter) while it is open; the
    # snapshot thread's one-second steps open and close runs all the time, so a census finds
    # it open or not. Counted apart: at most one (per sampler) and never more.
    for c in steady:
        perf = [f for f in c["fd_list"] if "perf_event" in f]
        c["perf_fds"] = len(perf)
        c["fds"] = len(c["fd_list"]) - len(perf)
    if max((c["perf_fds"] for c in steady), default=0) > 2:
        problems.append("more perf_event fds than the two samplers can hold")
    for key in ("fds", "threads"):
        values = sorted({c[key] for c in steady})
        if len(values) > 1:
            problems.append(f"{key} changed: {values}")
    if len({len(c["fd_list"]) for c in steady}) > 1:
        for t, c in censuses[1:]:
            print(f"  fds at {t:.0f} s: {' '.join(c['fd_list'])}")
    print("RSS series (s: kB): " + ", ".join(f"{t:.0f}: {c['rss_kb']}" for t, c in censuses))
    rss = [c["rss_kb"] for _, c in censuses]
    summary = (f"soak: {(time.monotonic() - start) / 60:.1f} min, {scrapes} scrapes, {signals} "
               f"SIGUSR2, RSS {min(rss)}-{max(rss)} kB (after the first minute within "
               f"{100 * worst:.2f}% of {base} kB), fds {sorted({c['fds'] for c in steady})} (+ "
               f"perf_event {sorted({c['perf_fds'] for c in steady})}), "
               f"threads {sorted({c['threads'] for c in steady})} (from 15 s on), output "
               f"{'identical' if out[0] == plain_out[0] else 'DIFFERENT'}, exit {status}")
    print(summary)
    for p in problems:
        print("FAIL:", p)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
