#!/usr/bin/env bash
# Every conformance program under the sampler at the highest rate the machine delivers (wall
# clock, 20 kHz: by signal with native stacks, and by a sampling thread in hybrid mode): each must print what it prints
# without a profiler, end with the same status, and get a complete JSON report. Catches a
# handler that breaks a program's I/O (EINTR), crashes, deadlocks at start or stop, and a
# report that cannot be written.
#   usage: tests/sampling_stress.sh ANARCHY CORPUS_DIR
set -u
export LC_ALL=C
[ $# -eq 2 ] || { echo "usage: $0 ANARCHY CORPUS_DIR" >&2; exit 2; }
anarchy=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") corpus=$2
[ -d "$corpus" ] || { echo "sampling_stress: no corpus at $corpus (skipped)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sampling-stress.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0 checked=0

for program in "$corpus"/*.ai; do
  name=$(basename "$program" .ai)
  (cd "$corpus" && timeout 60 "$anarchy" run "$name.ai" >"$tmp/run.out" 2>/dev/null </dev/null)
  expected=$?
  for mode in "--mode sampling --native" "--mode hybrid"; do
    (cd "$corpus" && timeout 120 "$anarchy" profile $mode --clock wall --rate 20000 \
       -o "$tmp/p.json" "$name.ai" >"$tmp/profile.out" 2>"$tmp/profile.err" </dev/null)
    status=$?
    checked=$((checked + 1))
    if [ $status -ne $expected ] || ! cmp -s "$tmp/run.out" "$tmp/profile.out"; then
      echo "FAIL $name ($mode): status $status (run: $expected) or output differs"
      diff "$tmp/run.out" "$tmp/profile.out" | head -5
      failures=$((failures + 1))
    elif ! python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['sampling']; sys.exit(0 if s and s['samples'] >= 0 else 1)" "$tmp/p.json" 2>/dev/null; then
      if [ $expected -ne 65 ]; then  # a syntax error stops before any report is possible
        echo "FAIL $name ($mode): no complete JSON report"
        failures=$((failures + 1))
      fi
    fi
  done
  rm -f "$tmp/p.json"
done
echo "sampling_stress: $checked runs, $failures failures"
[ $failures -eq 0 ]
