#!/usr/bin/env bash
# The pprof endpoint (issue 15) against real clients: `anarchy run --pprof-http 127.0.0.1:0`
# on tests/server/spin.ai, then
#   go-pprof  `go tool pprof -raw URL/profile?seconds=5` lists the hot guest functions;
#   curl      every endpoint's status and content type (200, 400, 404, 405, 501),
#             /debug/aiprof/profile rendered by `anarchy report`, a port in use (exit 2 before
#             the program runs), a bad address;
#   overlap   two overlapping `go tool pprof` requests and a curl one, all answered at once (one
#             sampler run shared) with valid profiles holding the hot functions;
#   rates     rate=250 (period and comment say 250 Hz) and native=1 (native frames beneath the
#             guest ones), overlapping;
#   exit      the program exits while 60-second requests are open (two, on both clocks): each
#             is answered with a valid profile of what was collected, its real duration, the
#             exit status and output unchanged;
#   badclients  1000 malformed requests, a slow client holding a connection, 64 parallel
#             connections (bad_clients.py); then a good request is answered, and the program
#             finishes with the output and status of a run without the server.
# No check depends on timing beyond generous bounds (the machine is shared and loaded).
#
#   usage: tests/server/pprof_http.sh ANARCHY go-pprof|curl|overlap|rates|exit|badclients
set -u
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 ANARCHY go-pprof|curl|overlap|rates|exit|badclients" >&2; exit 2; }
anarchy=$1 mode=$2
here=$(cd "$(dirname "$0")" && pwd)
program=$here/spin.ai
for tool in curl go; do
  command -v $tool >/dev/null 2>&1 || { echo "pprof_http: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pprof-http.XXXXXX")
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Starts `anarchy run --pprof-http 127.0.0.1:0 PROGRAM ARGS...` (spin.ai unless $program says)
# and sets base to its URL.
start_server() {
  : >"$tmp/run.err"
  "$anarchy" run --pprof-http 127.0.0.1:0 "$program" "$@" >"$tmp/run.out" 2>"$tmp/run.err" &
  server_pid=$!
  for _ in $(seq 1 200); do
    port=$(sed -n 's|^aiprof: serving /debug/pprof on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$tmp/run.err")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "pprof_http: no address printed:"; cat "$tmp/run.err"; exit 1; }
  base=http://127.0.0.1:$port/debug/pprof
}

# expect METHOD PATH STATUS CONTENT_TYPE_PREFIX [extra curl args]
expect() {
  local method=$1 path=$2 status=$3 type=$4
  shift 4
  local got
  got=$(curl -s -X "$method" -o "$tmp/body" -w '%{http_code} %{content_type}' --max-time 60 "$@" "$base$path")
  case "$got" in
    "$status $type"*) ;;
    *) fail "$method $path: got '$got', want '$status $type'"; head -c 300 "$tmp/body"; echo ;;
  esac
}

run_go_pprof() {
  start_server 100000
  PPROF_TMPDIR=$tmp go tool pprof -raw "$base/profile?seconds=5" >"$tmp/raw.txt" 2>"$tmp/pprof.err" ||
    { cat "$tmp/pprof.err"; fail "go tool pprof failed"; }
  grep -q '^samples/count cpu/nanoseconds' "$tmp/raw.txt" || fail "not Go's CPU sample types"
  grep -q '^PeriodType: cpu nanoseconds' "$tmp/raw.txt" || fail "not Go's CPU period type"
  for fn in m.hotLoop m.fib m.main; do
    grep -Eq "^ +[0-9]+: 0x0 M=1 $fn .*spin.ai:[0-9]+" "$tmp/raw.txt" || fail "$fn not in the profile"
  done
  [ $failures -eq 0 ] || cat "$tmp/raw.txt"
}

run_curl() {
  start_server 100000
  expect GET / 200 text/plain
  expect GET / 200 text/html -H 'Accept: text/html,application/xhtml+xml'
  expect GET "" 200 text/plain
  expect GET "/profile?seconds=1" 200 application/octet-stream
  [ "$(head -c 2 "$tmp/body" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "profile is not gzipped"
  expect GET "/profile?seconds=1&clock=wall" 200 application/octet-stream
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/body" 2>/dev/null | grep -q '^samples/count wall/nanoseconds' ||
    fail "clock=wall is not named wall"
  for bad in seconds=abc seconds=0 seconds=601 seconds=-1 clock=tsc native=2 rate=0 rate=x; do
    expect GET "/profile?$bad" 400 text/plain
  done
  # Our lossless JSON of a window, which `anarchy report` renders.
  # Wall clock: samples come whether or not a loaded machine gives the program the CPU.
  base=${base%/pprof}/aiprof expect GET "/profile?seconds=1&clock=wall" 200 application/json
  cp "$tmp/body" "$tmp/live.json"
  grep -q '"m.hotLoop"' "$tmp/live.json" || fail "the live JSON has no m.hotLoop frame"
  "$anarchy" report "$tmp/live.json" -o "$tmp/live.html" >"$tmp/report.out" 2>&1 && [ -s "$tmp/live.html" ] ||
    { fail "anarchy report cannot render the live JSON"; cat "$tmp/report.out"; }
  base=${base%/pprof}/aiprof expect GET "/profile?seconds=1&mode=hybrid" 501 text/plain
  base=${base%/pprof}/aiprof expect GET "/profile?mode=exact" 400 text/plain
  expect GET /stacks 200 text/plain
  grep -q 'spin.ai:' "$tmp/body" || fail "stacks without source locations"
  expect GET /goroutine 200 application/octet-stream
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/body" >/dev/null 2>&1 || fail "goroutine is not a profile"
  expect GET "/goroutine?debug=1" 200 text/plain
  grep -q '^goroutine profile: total 1' "$tmp/body" || fail "goroutine?debug=1 text"
  expect GET "/goroutine?debug=2" 200 text/plain
  expect GET "/goroutine?debug=3" 400 text/plain
  # The heap profiles themselves: tests/server/heap_http.sh.
  for kind in heap allocs delta_heap "heap?gc=1"; do expect GET "/$kind" 200 application/octet-stream; done
  expect GET "/heap?seconds=5" 400 text/plain
  for kind in mutex block threadcreate nope; do expect GET "/$kind" 404 text/plain; done
  base=${base%/debug/pprof} expect GET /elsewhere 404 text/plain
  expect POST /profile 405 text/plain
  expect DELETE / 405 text/plain
  curl -s -o /dev/null -D "$tmp/headers" -X PUT "$base/" && grep -qi '^Allow: GET' "$tmp/headers" ||
    fail "405 without Allow: GET"
  # A port in use: a one-line error, exit 2, and the program never runs.
  "$anarchy" run --pprof-http "127.0.0.1:$port" "$program" 1 >"$tmp/busy.out" 2>"$tmp/busy.err"
  status=$?
  [ $status -eq 2 ] || fail "port in use: exit $status, want 2"
  [ "$(wc -l <"$tmp/busy.err")" -eq 1 ] && grep -q 'cannot listen on 127.0.0.1:' "$tmp/busy.err" ||
    { fail "port in use: not a one-line error"; cat "$tmp/busy.err"; }
  [ -s "$tmp/busy.out" ] && fail "port in use: the program ran"
  "$anarchy" run --pprof-http nonsense "$program" 1 >/dev/null 2>"$tmp/bad.err"
  [ $? -eq 2 ] || fail "bad address: exit status is not 2"
  # Still serving after all that.
  expect GET /stacks 200 text/plain
}

# has_hot_functions RAW_FILE WHAT: the hot guest functions are in `go tool pprof -raw` output.
has_hot_functions() {
  for fn in m.hotLoop m.fib; do
    grep -Eq "^ +[0-9]+: 0x0 M=1 $fn .*\.ai:[0-9]+" "$1" || fail "$2: $fn not in the profile"
  done
}

# Two `go tool pprof` clients and a curl, overlapping: each window opens while the others are
# open (their requests start together; the shortest lasts 3 s), none waits or is refused.
run_overlap() {
  start_server 100000
  PPROF_TMPDIR=$tmp go tool pprof -raw "$base/profile?seconds=4" >"$tmp/a.raw" 2>"$tmp/a.err" &
  local a=$!
  PPROF_TMPDIR=$tmp go tool pprof -raw "$base/profile?seconds=3&clock=wall" >"$tmp/b.raw" 2>"$tmp/b.err" &
  local b=$!
  curl -s -o "$tmp/c.pb.gz" -w '%{http_code}' -D "$tmp/c.headers" --max-time 120 \
    "$base/profile?seconds=3" >"$tmp/c.code"
  wait $a || { cat "$tmp/a.err"; fail "go tool pprof (cpu, 4 s) failed"; }
  wait $b || { cat "$tmp/b.err"; fail "go tool pprof (wall, 3 s) failed"; }
  [ "$(cat "$tmp/c.code")" = 200 ] || fail "curl's overlapping request: $(cat "$tmp/c.code")"
  has_hot_functions "$tmp/a.raw" "cpu window"
  has_hot_functions "$tmp/b.raw" "wall window"
  grep -q '^samples/count wall/nanoseconds' "$tmp/b.raw" || fail "the wall window is not named wall"
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/c.pb.gz" >"$tmp/c.raw" 2>/dev/null || fail "curl's window is not a profile"
  has_hot_functions "$tmp/c.raw" "curl's window"
  # Served together, not one after the other: the three windows (their Time and Duration)
  # have a moment in common.
  local latest_start=0 earliest_end=9999999999 f t d
  for f in a b c; do
    t=$(sed -n 's/^Time: \(.*\) UTC$/\1/p' "$tmp/$f.raw")
    d=$(sed -n 's/^Duration: \([0-9.]*\)$/\1/p' "$tmp/$f.raw")
    [ -n "$t" ] && [ -n "$d" ] || { fail "window $f: no Time or Duration"; continue; }
    t=$(date -d "$t" +%s.%N)
    latest_start=$(awk -v a="$latest_start" -v b="$t" 'BEGIN { printf "%.3f", (b > a ? b : a) }')
    earliest_end=$(awk -v a="$earliest_end" -v b="$t" -v d="$d" 'BEGIN { printf "%.3f", (b + d < a ? b + d : a) }')
  done
  awk -v s="$latest_start" -v e="$earliest_end" 'BEGIN { exit !(s < e) }' ||
    fail "the three windows do not overlap (latest start $latest_start, earliest end $earliest_end): served one after the other?"
}

# rate=250 and native=1, overlapping (each on a run of its own).
run_rates() {
  start_server 100000
  curl -s -o "$tmp/native.pb.gz" -w '%{http_code}' --max-time 120 \
    "$base/profile?seconds=3&native=1&clock=wall" >"$tmp/native.code" &
  local n=$!
  curl -s -o "$tmp/fast.pb.gz" -w '%{http_code}' -D "$tmp/fast.headers" --max-time 120 \
    "$base/profile?seconds=3&rate=250" >"$tmp/fast.code"
  wait $n
  [ "$(cat "$tmp/fast.code") $(cat "$tmp/native.code")" = "200 200" ] ||
    fail "rate=250 and native=1: $(cat "$tmp/fast.code") and $(cat "$tmp/native.code"), want 200 200"
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/fast.pb.gz" >"$tmp/fast.raw" 2>&1 || fail "rate=250: not a profile"
  grep -q '^Period: 4000000$' "$tmp/fast.raw" || fail "rate=250: the period is not 4 ms"
  PPROF_TMPDIR=$tmp go tool pprof -comments "$tmp/fast.pb.gz" >"$tmp/fast.comments" 2>&1
  grep -q 'rate requested 250 Hz, delivered [0-9.]* Hz' "$tmp/fast.comments" ||
    { fail "rate=250: the comment does not state the rate asked and delivered"; cat "$tmp/fast.comments"; }
  grep -qi '^X-Aiprof-Rate: asked=250; sampled=250; delivered=' "$tmp/fast.headers" ||
    fail "rate=250: no X-Aiprof-Rate header"
  has_hot_functions "$tmp/fast.raw" "rate=250"
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/native.pb.gz" >"$tmp/native.raw" 2>&1 || fail "native=1: not a profile"
  has_hot_functions "$tmp/native.raw" "native=1"
  # Native frames are C++ functions of the interpreter beneath the guest ones (the evaluator's
  # own frames are cut at the boundary): at least one namespaced function name.
  grep -Eq '^ +[0-9]+: 0x[0-9a-f]+ M=1 [A-Za-z_]+::' "$tmp/native.raw" ||
    { fail "native=1: no native frame in the profile"; head -60 "$tmp/native.raw"; }
  # Without native=1 there is none.
  expect GET "/profile?seconds=1&clock=wall" 200 application/octet-stream
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/body" 2>/dev/null | grep -Eq '^ +[0-9]+: 0x[0-9a-f]+ M=1 [A-Za-z_]+::' &&
    fail "a profile without native=1 has native frames"
}

run_exit() {
  local rounds=${EXIT_ROUNDS:-600}  # fewer for slow builds (TSan): the program must end < 50 s
  "$anarchy" run "$program" "$rounds" 7 >"$tmp/plain.out" 2>&1
  plain_status=$?
  start_server "$rounds" 7
  curl -s -o "$tmp/wall.pb.gz" -w '%{http_code}' --max-time 50 "$base/profile?seconds=60&clock=wall&rate=250" >"$tmp/wall.code" &
  local wall=$!
  curl -s -o "$tmp/cut.pb.gz" -w '%{http_code}' --max-time 50 "$base/profile?seconds=60" >"$tmp/code" ||
    fail "the open request was not answered before curl's 50 s limit"
  wait $wall || fail "the open wall-clock request was not answered before curl's 50 s limit"
  wait "$server_pid"
  status=$?
  server_pid=
  [ "$(cat "$tmp/code") $(cat "$tmp/wall.code")" = "200 200" ] ||
    fail "status $(cat "$tmp/code") and $(cat "$tmp/wall.code"), want 200 200"
  for f in cut wall; do
    PPROF_TMPDIR=$tmp go tool pprof -top "$tmp/$f.pb.gz" >"$tmp/$f.txt" 2>&1 || fail "$f: not a profile"
    # -top's header says "Duration: 2.51s, Total samples = ..." (or 827ms, 1.2mins): under 50 s.
    duration=$(sed -n 's/^Duration: \([^,]*\),.*/\1/p' "$tmp/$f.txt")
    case "$duration" in
      *mins | *hrs | "") fail "$f: duration '$duration' is not the real (cut) one" ;;
      *ms | *us | *µs | *ns) ;;
      *s) awk -v d="${duration%s}" 'BEGIN { exit !(d < 50) }' || fail "$f: duration '$duration' is not the real (cut) one" ;;
      *) fail "$f: duration '$duration' unreadable" ;;
    esac
  done
  [ $status -eq $plain_status ] || fail "exit status $status, want $plain_status (as without the server)"
  cmp -s "$tmp/run.out" "$tmp/plain.out" || fail "output differs from a run without the server"
}

# Bad clients while the program runs (until.ai spins until a stop file exists), then a good
# request, then the program is let finish: output and status as without the server.
run_badclients() {
  command -v python3 >/dev/null 2>&1 || { echo "pprof_http: python3 not found" >&2; exit 1; }
  program=$here/until.ai
  touch "$tmp/stop-now"
  "$anarchy" run "$program" "$tmp/stop-now" 3 >"$tmp/plain.out" 2>&1
  plain_status=$?
  start_server "$tmp/stop" 3
  for phase in malformed slow parallel; do
    python3 "$here/bad_clients.py" "$port" $phase || fail "bad clients: $phase"
  done
  expect GET "/profile?seconds=1&clock=wall" 200 application/octet-stream
  PPROF_TMPDIR=$tmp go tool pprof -raw "$tmp/body" >"$tmp/after.raw" 2>&1 || fail "after bad clients: not a profile"
  has_hot_functions "$tmp/after.raw" "after bad clients"
  touch "$tmp/stop"
  wait "$server_pid"
  status=$?
  server_pid=
  [ $status -eq $plain_status ] || fail "exit status $status, want $plain_status (as without the server)"
  cmp -s "$tmp/run.out" "$tmp/plain.out" ||
    { fail "output differs from a run without the server"; diff "$tmp/run.out" "$tmp/plain.out" | head; }
  [ "$(grep -vc '^aiprof: serving /debug/pprof on ' "$tmp/run.err")" -eq 0 ] ||
    { fail "the program's stderr has more than the address line"; cat "$tmp/run.err"; }
}

case "$mode" in
  go-pprof) run_go_pprof ;;
  curl) run_curl ;;
  overlap) run_overlap ;;
  rates) run_rates ;;
  exit) run_exit ;;
  badclients) run_badclients ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
[ $failures -eq 0 ] || exit 1
echo "pprof_http $mode: passed"
