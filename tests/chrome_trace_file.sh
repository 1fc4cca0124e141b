#!/usr/bin/env bash
# A real Chrome trace: `anarchy profile --mode hybrid -o demo.trace.json` of PROGRAM must be a
# JSON object trace (traceEvents, displayTimeUnit) whose X events nest and never go back in
# time per thread, with named threads, a heap counter track and otherData.timeline_dropped:
# what Perfetto and chrome://tracing need to draw it.
#
#   usage: tests/chrome_trace_file.sh ANARCHY PROGRAM
set -u
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 ANARCHY PROGRAM" >&2; exit 2; }
anarchy=$1 program=$2
python=/usr/bin/python3
[ -x "$python" ] || python=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chrome-trace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$anarchy" profile --mode hybrid -o "$tmp/demo.trace.json" "$program" >"$tmp/run.out" 2>&1 || {
  echo "chrome_trace_file: anarchy profile failed:"; cat "$tmp/run.out"; exit 1; }

"$python" - "$tmp/demo.trace.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
assert trace["displayTimeUnit"] in ("ms", "ns")
events = trace["traceEvents"]
assert "timeline_dropped" in trace["otherData"]
names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
assert "main" in names.values(), names
assert any(e["ph"] == "M" and e["name"] == "process_name" for e in events)
open_ends, last = {}, {}
spans = 0
for e in events:
    assert e["ph"] in ("M", "X", "C"), e
    if e["ph"] != "X":
        continue
    spans += 1
    tid, ts, end = e["tid"], e["ts"], e["ts"] + e["dur"]
    assert e["dur"] >= 0 and isinstance(ts, (int, float)), e
    assert ts >= last.get(tid, 0), ("back in time", e)
    last[tid] = ts
    ends = open_ends.setdefault(tid, [])
    while ends and ends[-1] <= ts:
        ends.pop()
    assert not ends or end <= ends[-1] + 1e-9, ("overlaps its parent", e)
    ends.append(end)
span_names = {e["name"] for e in events if e["ph"] == "X"}
for required in ("m.main", "m.fib", "m.quicksort"):
    assert required in span_names, required + " has no span"
assert any(e["ph"] == "C" for e in events), "no heap counter"
print("chrome_trace_file: %d spans nest on %d track(s)" % (spans, len(open_ends)))
PY
