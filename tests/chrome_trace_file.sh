#!/usr/bin/env bash
# Real Chrome traces of PROGRAM, checked as Perfetto and chrome://tracing need them, and
# against the Trace Event Format's JSON schema (SCHEMA, tests/data):
#  - hybrid mode: a JSON object trace (traceEvents, displayTimeUnit) whose X events nest and
#    never go back in time per thread, with named threads, a heap counter track and
#    otherData.timeline_dropped;
#  - exact mode with a timeline cap far below the run's spans: the trace still holds m.main
#    (and every enclosing span: spans still nest), the last span ends where main ends, and
#    the drops and their rule are in otherData and on the terminal;
#  - sampling mode: the samples as slices of time (consecutive samples with one stack merged)
#    that nest per thread, and otherData says they come from samples.
#
#   usage: tests/chrome_trace_file.sh ANARCHY PROGRAM SCHEMA
#
# Fails (does not skip) without python3-jsonschema: CI installs it (scripts/install-deps.sh).
set -u
export LC_ALL=C

[ $# -eq 3 ] || { echo "usage: $0 ANARCHY PROGRAM SCHEMA" >&2; exit 2; }
anarchy=$1 program=$2 schema=$3
python=/usr/bin/python3
[ -x "$python" ] || python=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chrome-trace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
profile() {  # OUT_NAME ARGS...: runs anarchy profile, its terminal output in OUT_NAME.out
  local name=$1; shift
  "$anarchy" profile "$@" -o "$tmp/$name.trace.json" "$program" >"$tmp/$name.out" 2>&1 || {
    echo "chrome_trace_file: anarchy profile $* failed:"; cat "$tmp/$name.out"; exit 1; }
}
printf '[timeline]\nmax_events = 40\n' >"$tmp/capped.toml"
profile hybrid --mode hybrid
profile capped --mode exact --config "$tmp/capped.toml"
profile sampled --mode sampling --clock wall --rate 2000
grep -q "timeline spans were dropped.*shortest first" "$tmp/capped.out" || {
  echo "chrome_trace_file: the capped run did not say what it dropped:"; cat "$tmp/capped.out"; exit 1; }

"$python" - "$schema" "$tmp" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("chrome_trace_file: python3-jsonschema is not installed")
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)

def load(name):
    trace = json.load(open("%s/%s.trace.json" % (sys.argv[2], name)))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(trace))
    for e in errors[:10]:
        print("%s: schema violation at /%s: %s" % (name, "/".join(map(str, e.absolute_path)), e.message))
    assert not errors, name + " is not a valid trace"
    assert "timeline_dropped" in trace["otherData"]
    return trace

def check_nesting(events):
    open_ends, last = {}, {}
    for e in events:
        if e["ph"] != "X":
            continue
        tid, ts, end = e["tid"], e["ts"], e["ts"] + e["dur"]
        assert ts >= last.get(tid, 0), ("back in time", e)
        last[tid] = ts
        ends = open_ends.setdefault(tid, [])
        while ends and ends[-1][0] <= ts:
            ends.pop()
        # Seen once under heavy load (a child m.fib ending past its parent): say by how much.
        assert not ends or end <= ends[-1][0] + 1e-9, (
            "overlaps its parent by %.3f us" % (end - ends[-1][0]), e, ends[-1][1])
        ends.append((end, e))
    return len(open_ends)

hybrid = load("hybrid")
events = hybrid["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
assert "main" in names.values(), names
assert any(e["ph"] == "M" and e["name"] == "process_name" for e in events)
tracks = check_nesting(events)
span_names = {e["name"] for e in events if e["ph"] == "X"}
for required in ("m.main", "m.fib", "m.quicksort"):
    assert required in span_names, required + " has no span"
assert any(e["ph"] == "C" for e in events), "no heap counter"

capped = load("capped")
other = capped["otherData"]
assert other["timeline_dropped"] > 0, other
assert "shortest first" in other["timeline_drop_rule"], other
main_tid = [t for t, n in {e["tid"]: e["args"]["name"] for e in capped["traceEvents"]
            if e["ph"] == "M" and e["name"] == "thread_name"}.items() if n == "main"][0]
spans = [e for e in capped["traceEvents"] if e["ph"] == "X" and e["tid"] == main_tid]
assert 0 < len(spans) <= 40, len(spans)
check_nesting(capped["traceEvents"])
by_name = {e["name"]: e for e in spans}
assert "m.main" in by_name, "m.main was dropped from the capped timeline"
main = by_name["m.main"]
assert max(e["ts"] + e["dur"] for e in spans) == main["ts"] + main["dur"]
for e in spans:  # every kept span from main on lies within it: none lost its enclosing spans
    if e["ts"] >= main["ts"]:
        assert e["ts"] + e["dur"] <= main["ts"] + main["dur"] + 1e-9, e

sampled = load("sampled")
assert sampled["otherData"]["timeline"].startswith("sampled stacks"), sampled["otherData"]
slices = [e for e in sampled["traceEvents"] if e["ph"] == "X" and e.get("cat") != "gc"]
assert any(e["name"] == "m.main" for e in slices), "no slice of m.main in the sampled trace"
check_nesting(sampled["traceEvents"])
print("chrome_trace_file: hybrid spans nest on %d track(s); capped: %d spans kept, %d dropped; "
      "sampled: %d slices" % (tracks, len(spans), other["timeline_dropped"], len(slices)))
PY
