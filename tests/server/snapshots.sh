#!/usr/bin/env bash
# Snapshots without a server, and the live flags on `anarchy profile` (issue 15, sections 1-2),
# with the real binary and real readers (go tool pprof, anarchy report):
#   rotate   --profile-every 1s --profile-keep 3 --profile-json: after 5 windows the program is
#            told to stop (tests/server/until.ai): exactly the 3 newest snapshots (.pb.gz +
#            .json) are left, more were written, each is a valid profile, names sort by time,
#            the hot guest function is in them, the newest is the exit's; output and status
#            unchanged.
#   signal   --profile-dir alone: no file until SIGUSR2, then one per signal at once (the
#            program goes on and ends as without it); one more is written at exit.
#   badflags a bad duration, an orphan flag, a folder that cannot be written, K = 0: exit 2,
#            one line, before the program runs.
#   profile  `anarchy profile --pprof-http 127.0.0.1:0 --profile-every 1s --profile-dir D`:
#            the endpoint answers and snapshots are written while the profile is taken, whose
#            report is written as usual.
# No check depends on timing beyond generous bounds (the machine is shared and loaded).
#
#   usage: tests/server/snapshots.sh ANARCHY rotate|signal|badflags|profile
set -u
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 ANARCHY rotate|signal|badflags|profile" >&2; exit 2; }
anarchy=$1 mode=$2
here=$(cd "$(dirname "$0")" && pwd)
program=$here/spin.ai
until=$here/until.ai
for tool in curl go; do
  command -v $tool >/dev/null 2>&1 || { echo "snapshots: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/snapshots.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Waits (up to 60 s) until FILE has a line matching REGEX.
wait_for_line() {
  for _ in $(seq 1 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# A valid pprof profile with Go's CPU types: `go tool pprof -raw` reads it.
check_profile() {
  PPROF_TMPDIR=$tmp go tool pprof -raw "$1" >"$tmp/raw.txt" 2>"$tmp/pprof.err" ||
    { fail "$1 is not a profile: $(head -3 "$tmp/pprof.err")"; return 1; }
  grep -q '^samples/count cpu/nanoseconds' "$tmp/raw.txt" || { fail "$1: not Go's CPU sample types"; return 1; }
}

# count_snapshots DIR: the .pb.gz files in DIR.
count_snapshots() { ls "$1"/*.pb.gz 2>/dev/null | wc -l; }

# wait_until_snapshots DIR N: up to 120 s for DIR to hold N .pb.gz files, or for a name whose
# number is N or more (rotation deletes the older ones).
wait_until_snapshots() {
  for _ in $(seq 1 1200); do
    [ "$(count_snapshots "$1")" -ge "$2" ] && return 0
    n=$(ls "$1" 2>/dev/null | sed -n 's/^aiprof-.*-p[0-9]*-0*\([0-9][0-9]*\)\.pb\.gz$/\1/p' | sort -n | tail -1)
    [ -n "$n" ] && [ "$n" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

run_rotate() {
  touch "$tmp/stop-now"
  "$anarchy" run "$until" "$tmp/stop-now" 3 >"$tmp/plain.out" 2>&1
  plain=$?
  "$anarchy" run --profile-every 1s --profile-dir "$tmp/snaps" --profile-keep 3 --profile-json \
    "$until" "$tmp/stop" 3 >"$tmp/run.out" 2>"$tmp/run.err" &
  pid=$!
  wait_until_snapshots "$tmp/snaps" 5 || fail "fewer than 5 one-second snapshots in 120 s"
  touch "$tmp/stop"
  wait "$pid"
  status=$?
  pid=
  [ $status -eq $plain ] || fail "exit status $status, want $plain"
  cmp -s "$tmp/run.out" "$tmp/plain.out" || fail "output differs from a run without snapshots"
  grep -q "^aiprof: writing a profile snapshot every 1 s to $tmp/snaps (the newest 3 kept" "$tmp/run.err" ||
    { fail "no announcement"; cat "$tmp/run.err"; }
  ls "$tmp/snaps" >"$tmp/list"
  [ "$(grep -c '\.pb\.gz$' "$tmp/list")" -eq 3 ] || { fail "want 3 .pb.gz kept"; cat "$tmp/list"; }
  [ "$(grep -c '\.json$' "$tmp/list")" -eq 3 ] || { fail "want 3 .json kept"; cat "$tmp/list"; }
  [ "$(wc -l <"$tmp/list")" -eq 6 ] || { fail "other files left in the folder"; cat "$tmp/list"; }
  # The newest's number says how many were written (rotation deleted the others).
  last=$(sed -n 's/^aiprof-.*-p[0-9]*-0*\([0-9][0-9]*\)\.pb\.gz$/\1/p' "$tmp/list" | tail -1)
  [ -n "$last" ] && [ "$last" -ge 6 ] || fail "only ${last:-no} snapshots written, want >= 6 (5, then the exit's)"
  # Names sort by time: ls order is the order of their numbers.
  sed -n 's/^aiprof-.*-p[0-9]*-\([0-9]*\)\.pb\.gz$/\1/p' "$tmp/list" >"$tmp/seq"
  sort -c "$tmp/seq" 2>/dev/null || fail "names do not sort by number: $(tr '\n' ' ' <"$tmp/seq")"
  : >"$tmp/all.txt"
  for f in "$tmp"/snaps/*.pb.gz; do
    check_profile "$f" && cat "$tmp/raw.txt" >>"$tmp/all.txt"
  done
  grep -Eq ' m\.hotLoop .*until\.ai:[0-9]+' "$tmp/all.txt" || fail "m.hotLoop is in no snapshot"
  newest=$(ls "$tmp"/snaps/*.json | tail -1)
  grep -q 'ended because the program exited' "$newest" || fail "the newest snapshot is not the one written at exit"
  "$anarchy" report "$newest" -o "$tmp/newest.html" >"$tmp/report.out" 2>&1 && [ -s "$tmp/newest.html" ] ||
    { fail "anarchy report cannot render a snapshot's JSON"; cat "$tmp/report.out"; }
}

run_signal() {
  touch "$tmp/stop-now"
  "$anarchy" run "$until" "$tmp/stop-now" 5 >"$tmp/plain.out" 2>&1
  plain=$?
  "$anarchy" run --profile-dir "$tmp/snaps" "$until" "$tmp/stop" 5 >"$tmp/run.out" 2>"$tmp/run.err" &
  pid=$!
  wait_for_line "$tmp/run.err" '^aiprof: writing a profile snapshot to .* on SIGUSR2 and at exit' ||
    { fail "no announcement"; cat "$tmp/run.err"; return; }
  sleep 2
  [ "$(count_snapshots "$tmp/snaps")" -eq 0 ] || fail "a snapshot before any SIGUSR2: $(ls "$tmp/snaps")"
  for i in 1 2; do
    kill -USR2 "$pid"
    wait_until_snapshots "$tmp/snaps" $i || fail "no snapshot 120 s after SIGUSR2 number $i"
    kill -0 "$pid" 2>/dev/null || { fail "SIGUSR2 ended the program"; break; }
  done
  [ "$(count_snapshots "$tmp/snaps")" -eq 2 ] || fail "$(count_snapshots "$tmp/snaps") snapshots after two SIGUSR2, want 2"
  # Each a valid profile; the hot function in one at least (a loaded machine may give the
  # program too little CPU in a short window for every one to hold a sample of it).
  : >"$tmp/all.txt"
  for f in "$tmp"/snaps/*.pb.gz; do
    check_profile "$f" && cat "$tmp/raw.txt" >>"$tmp/all.txt"
  done
  grep -Eq ' m\.hotLoop ' "$tmp/all.txt" || fail "m.hotLoop in no SIGUSR2 snapshot"
  touch "$tmp/stop"
  wait "$pid"
  status=$?
  pid=
  [ $status -eq $plain ] || fail "signalled run: exit status $status, want $plain"
  cmp -s "$tmp/run.out" "$tmp/plain.out" || fail "signalled run: output differs"
  [ "$(count_snapshots "$tmp/snaps")" -eq 3 ] || fail "$(count_snapshots "$tmp/snaps") snapshots, want 3 (two signals, then the exit)"
}

# expect_usage_error ARGS...: exit 2, one line on stderr, nothing on stdout (the program never ran).
expect_usage_error() {
  "$anarchy" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
  status=$?
  [ $status -eq 2 ] || fail "$*: exit $status, want 2"
  [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || { fail "$*: not one line"; cat "$tmp/bad.err"; }
  [ -s "$tmp/bad.out" ] && fail "$*: the program ran"
  [ -n "${want:-}" ] && { grep -q -- "$want" "$tmp/bad.err" || fail "$*: error does not say '$want': $(cat "$tmp/bad.err")"; }
  want=
}

run_badflags() {
  touch "$tmp/afile"
  for cmd in run profile; do
    want='--profile-every: .abc. is not a duration' expect_usage_error $cmd --profile-every abc --profile-dir "$tmp/d" "$program" 1
    want='--profile-every: .500ms.' expect_usage_error $cmd --profile-every 500ms --profile-dir "$tmp/d" "$program" 1
    want='--profile-every: .0s. is out of range' expect_usage_error $cmd --profile-every 0s --profile-dir "$tmp/d" "$program" 1
    want='--profile-every needs --profile-dir' expect_usage_error $cmd --profile-every 10s "$program" 1
    want='--profile-json needs --profile-dir' expect_usage_error $cmd --profile-json "$program" 1
    want='not a directory' expect_usage_error $cmd --profile-dir "$tmp/afile" "$program" 1
    want='cannot create' expect_usage_error $cmd --profile-dir /proc/self/aiprof-snaps "$program" 1
    expect_usage_error $cmd --profile-keep 0 --profile-dir "$tmp/d" "$program" 1
    want='--pprof-http' expect_usage_error $cmd --pprof-http nonsense "$program" 1
  done
}

run_profile() {
  "$anarchy" profile --pprof-http 127.0.0.1:0 --profile-every 1s --profile-dir "$tmp/snaps" \
    -o "$tmp/whole.json" "$program" 100000 >"$tmp/run.out" 2>"$tmp/run.err" &
  pid=$!
  wait_for_line "$tmp/run.err" '^aiprof: serving /debug/pprof on http://127.0.0.1:[0-9]' ||
    { fail "no address printed"; cat "$tmp/run.err"; return; }
  port=$(sed -n 's|^aiprof: serving /debug/pprof on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$tmp/run.err")
  code=$(curl -s -o "$tmp/live.pb.gz" -w '%{http_code}' --max-time 60 \
    "http://127.0.0.1:$port/debug/pprof/profile?seconds=2")
  [ "$code" = 200 ] || fail "profile request: status $code"
  check_profile "$tmp/live.pb.gz" && { grep -Eq ' m\.hotLoop ' "$tmp/raw.txt" || fail "m.hotLoop not served"; }
  for _ in $(seq 1 300); do
    [ -n "$(ls "$tmp/snaps"/*.pb.gz 2>/dev/null)" ] && break
    sleep 0.1
  done
  [ -n "$(ls "$tmp/snaps"/*.pb.gz 2>/dev/null)" ] || fail "no snapshot written under anarchy profile"
  # Ctrl-C: the profile stops the program and still writes its report (and the last snapshot).
  kill -INT "$pid"
  wait "$pid"
  status=$?
  pid=
  [ $status -eq 130 ] || fail "SIGINT: exit status $status, want 130"
  grep -q '"m.hotLoop"' "$tmp/whole.json" 2>/dev/null || fail "anarchy profile's own report lacks m.hotLoop"
}

case "$mode" in
  rotate) run_rotate ;;
  signal) run_signal ;;
  badflags) run_badflags ;;
  profile) run_profile ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
[ $failures -eq 0 ] || exit 1
echo "snapshots $mode: passed"
