#!/usr/bin/env bash
# speedscope's own JSON schema on a real file: `anarchy profile --mode hybrid -o
# demo.speedscope.json` of PROGRAM must validate against SCHEMA (tests/data, vendored from
# speedscope), and its evented profiles must open and close frames like a call stack.
#
#   usage: tests/speedscope_schema.sh ANARCHY PROGRAM SCHEMA
#
# Fails (does not skip) without python3-jsonschema: CI installs it (scripts/install-deps.sh).
set -u
export LC_ALL=C

[ $# -eq 3 ] || { echo "usage: $0 ANARCHY PROGRAM SCHEMA" >&2; exit 2; }
anarchy=$1 program=$2 schema=$3
# The system Python is the one python3-jsonschema installs into.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/speedscope-schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$anarchy" profile --mode hybrid -o "$tmp/demo.speedscope.json" "$program" >"$tmp/run.out" 2>&1 || {
  echo "speedscope_schema: anarchy profile failed:"; cat "$tmp/run.out"; exit 1; }

"$python" - "$schema" "$tmp/demo.speedscope.json" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("speedscope_schema: python3-jsonschema is not installed")
schema = json.load(open(sys.argv[1]))
data = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
for e in errors:
    print("schema violation at /%s: %s" % ("/".join(map(str, e.absolute_path)), e.message))
if errors:
    sys.exit(1)
frames = len(data["shared"]["frames"])
evented = [p for p in data["profiles"] if p["type"] == "evented"]
if not evented:
    sys.exit("no evented profile")
for p in evented:
    stack, last = [], p["startValue"]
    for e in p["events"]:
        assert 0 <= e["frame"] < frames, e
        assert e["at"] >= last, ("events go back in time", e)
        last = e["at"]
        if e["type"] == "O":
            stack.append(e["frame"])
        else:
            assert stack and stack.pop() == e["frame"], ("close of a frame not innermost", e)
    assert not stack, "frames left open"
    assert last <= p["endValue"]
names = {f["name"] for f in data["shared"]["frames"]}
for required in ("m.main", "m.fib"):
    assert required in names, required + " missing from frames"
print("speedscope_schema: valid against the schema; %d evented profile(s) nest" % len(evented))
PY
