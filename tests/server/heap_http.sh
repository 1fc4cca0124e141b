#!/usr/bin/env bash
# The heap endpoints (issue 16) against go tool pprof: `anarchy run --pprof-http 127.0.0.1:0
# --heap-rate 8192` on tests/server/grow.ai, then
#   - /debug/pprof/heap carries Go's heap sample types and period (space/bytes = the rate), its
#     default is inuse_space, and -sample_index=inuse_space puts the keeping function first;
#   - /debug/pprof/allocs defaults to alloc_space and puts the churning function first;
#   - two /debug/pprof/delta_heap scrapes: the second's allocations are fewer than the
#     cumulative allocs profile's taken after it (only what happened since the first).
# No check depends on timing beyond generous bounds (the machine is shared and loaded).
#
#   usage: tests/server/heap_http.sh ANARCHY
set -u
export LC_ALL=C

[ $# -eq 1 ] || { echo "usage: $0 ANARCHY" >&2; exit 2; }
anarchy=$1
here=$(cd "$(dirname "$0")" && pwd)
for tool in curl go; do
  command -v $tool >/dev/null 2>&1 || { echo "heap_http: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/heap-http.XXXXXX")
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pprof() { PPROF_TMPDIR=$tmp go tool pprof "$@" 2>"$tmp/pprof.err"; }

"$anarchy" run --pprof-http 127.0.0.1:0 --heap-rate 8192 "$here/grow.ai" 100000000 \
  >"$tmp/run.out" 2>"$tmp/run.err" &
server_pid=$!
for _ in $(seq 1 200); do
  port=$(sed -n 's|^aiprof: serving /debug/pprof on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$tmp/run.err")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "heap_http: no address printed:"; cat "$tmp/run.err"; exit 1; }
base=http://127.0.0.1:$port/debug/pprof
sleep 2  # some allocations to sample

get() { curl -s -f -o "$tmp/$2" --max-time 60 "$base/$1" || fail "GET $1 failed"; }
get delta_heap d1.pb.gz
sleep 1
get delta_heap d2.pb.gz
get heap heap.pb.gz
get allocs allocs.pb.gz

pprof -raw "$tmp/heap.pb.gz" >"$tmp/heap.raw" || { cat "$tmp/pprof.err"; fail "heap is not a profile"; }
grep -q '^alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes' "$tmp/heap.raw" ||
  fail "heap: not Go's heap sample types"
grep -q '^PeriodType: space bytes' "$tmp/heap.raw" || fail "heap: not Go's period type"
grep -q '^Period: 8192' "$tmp/heap.raw" || fail "heap: the period is not the sampling rate"
pprof -top "$tmp/heap.pb.gz" >"$tmp/heap.top"
grep -q '^Type: inuse_space' "$tmp/heap.top" || fail "heap: default sample type is not inuse_space"
pprof -top -sample_index=inuse_space "$tmp/heap.pb.gz" >"$tmp/inuse.top"
# The first row under the header is the biggest flat in-use figure.
first_row() { awk '/flat%/ { getline; print $NF; exit }' "$1"; }
[ "$(first_row "$tmp/inuse.top")" = m.keepSome ] || fail "inuse_space: m.keepSome is not first"
pprof -top "$tmp/allocs.pb.gz" >"$tmp/allocs.top"
grep -q '^Type: alloc_space' "$tmp/allocs.top" || fail "allocs: default sample type is not alloc_space"
[ "$(first_row "$tmp/allocs.top")" = m.churnSome ] || fail "alloc_space: m.churnSome is not first"
# alloc_objects totals: the second delta counts only what came after the first scrape.
total() { pprof -top -sample_index=alloc_objects "$1" | sed -n 's/.*of \([0-9.]*[kMG]*\) total.*/\1/p' | head -1; }
as_number() { python3 -c "import sys; v=sys.argv[1]; m={'k':1e3,'M':1e6,'G':1e9}; print(float(v[:-1])*m[v[-1]] if v[-1] in m else float(v))" "$1"; }
d2=$(as_number "$(total "$tmp/d2.pb.gz")") all=$(as_number "$(total "$tmp/allocs.pb.gz")")
python3 -c "import sys; sys.exit(0 if 0 < $d2 < $all else 1)" ||
  fail "delta_heap: second scrape's alloc_objects $d2 is not below the cumulative $all"

if [ "$failures" -ne 0 ]; then
  for f in heap.raw inuse.top allocs.top; do echo "== $f"; head -30 "$tmp/$f"; done
  exit 1
fi
echo "heap_http: heap, allocs and delta_heap read by go tool pprof"
