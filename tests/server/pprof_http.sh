#!/usr/bin/env bash
# The pprof endpoint (issue 15) against real clients: `anarchy run --pprof-http 127.0.0.1:0`
# on tests/server/spin.ai, then
#   go-pprof  `go tool pprof -raw URL/profile?seconds=5` lists the hot guest functions;
#   curl      every endpoint's status and content type (200, 400, 404, 405, 501), two
#             overlapping windows (both answered), /debug/aiprof/profile rendered by
#             `anarchy report`, a port in use (exit 2 before the program runs), a bad address;
#   exit      the program exits while a 60-second request is open: the request is answered
#             with a valid profile of what was collected, the exit status and output unchanged.
# No check depends on timing beyond generous bounds (the machine is shared and loaded).
#
#   usage: tests/server/pprof_http.sh ANARCHY go-pprof|curl|exit
set -u
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 ANARCHY go-pprof|curl|exit" >&2; exit 2; }
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
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Starts `anarchy run --pprof-http 127.0.0.1:0 spin.ai ARGS...` and sets base to its URL.
start_server() {
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
  expect GET "/profile?seconds=1&native=1" 501 text/plain
  expect GET "/profile?seconds=1&rate=250" 501 text/plain
  # Overlapping windows are served one after the other; neither is refused.
  curl -s -o "$tmp/a.pb.gz" -w '%{http_code}' --max-time 60 "$base/profile?seconds=1" >"$tmp/a.code" &
  curl -s -o "$tmp/b.pb.gz" -w '%{http_code}' --max-time 60 "$base/profile?seconds=1" >"$tmp/b.code"
  wait $!
  [ "$(cat "$tmp/a.code") $(cat "$tmp/b.code")" = "200 200" ] ||
    fail "overlapping requests: $(cat "$tmp/a.code") and $(cat "$tmp/b.code"), want 200 200"
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

run_exit() {
  "$anarchy" run "$program" 600 7 >"$tmp/plain.out" 2>&1
  plain_status=$?
  start_server 600 7
  curl -s -o "$tmp/cut.pb.gz" -w '%{http_code}' --max-time 50 "$base/profile?seconds=60" >"$tmp/code" ||
    fail "the open request was not answered before curl's 50 s limit"
  wait "$server_pid"
  status=$?
  server_pid=
  [ "$(cat "$tmp/code")" = 200 ] || fail "status $(cat "$tmp/code"), want 200"
  PPROF_TMPDIR=$tmp go tool pprof -top "$tmp/cut.pb.gz" >"$tmp/cut.txt" 2>&1 || fail "not a profile"
  # -top's header says "Duration: 2.51s, Total samples = ..." (or 827ms, 1.2mins): under 50 s.
  duration=$(sed -n 's/^Duration: \([^,]*\),.*/\1/p' "$tmp/cut.txt")
  case "$duration" in
    *mins | *hrs | "") fail "duration '$duration' is not the real (cut) one" ;;
    *ms | *us | *µs | *ns) ;;
    *s) awk -v d="${duration%s}" 'BEGIN { exit !(d < 50) }' || fail "duration '$duration' is not the real (cut) one" ;;
    *) fail "duration '$duration' unreadable" ;;
  esac
  [ $status -eq $plain_status ] || fail "exit status $status, want $plain_status (as without the server)"
  cmp -s "$tmp/run.out" "$tmp/plain.out" || fail "output differs from a run without the server"
}

case "$mode" in
  go-pprof) run_go_pprof ;;
  curl) run_curl ;;
  exit) run_exit ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
[ $failures -eq 0 ] || exit 1
echo "pprof_http $mode: passed"
