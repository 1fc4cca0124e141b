#!/usr/bin/env bash
# A real pprof reader on a real profile: `anarchy profile --mode hybrid -o demo.pb.gz` of
# PROGRAM, then `go tool pprof -top` must read it and list the guest functions named here.
#
#   usage: tests/pprof_reader.sh ANARCHY PROGRAM FUNCTION...
#
# Fails (does not skip) when go is missing: CI installs golang-go (scripts/install-deps.sh).
set -u
export LC_ALL=C

[ $# -ge 3 ] || { echo "usage: $0 ANARCHY PROGRAM FUNCTION..." >&2; exit 2; }
anarchy=$1 program=$2
shift 2
command -v go >/dev/null 2>&1 || { echo "pprof_reader: go not found (install golang-go)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pprof-reader.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$anarchy" profile --mode hybrid -o "$tmp/demo.pb.gz" "$program" >"$tmp/run.out" 2>&1 || {
  echo "pprof_reader: anarchy profile failed:"; cat "$tmp/run.out"; exit 1; }

# No node count or fraction limit, so no function is hidden; PPROF_TMPDIR keeps pprof out of $HOME.
PPROF_TMPDIR=$tmp go tool pprof -top -nodecount=1000 -nodefraction=0 -edgefraction=0 "$tmp/demo.pb.gz" >"$tmp/top.txt" 2>&1 || {
  echo "pprof_reader: go tool pprof failed:"; cat "$tmp/top.txt"; exit 1; }

failures=0
grep -Eq '^Type: (exact_)?wall' "$tmp/top.txt" || { echo "FAIL: no 'Type: wall' (or exact_wall) line"; failures=$((failures + 1)); }
for function in "$@"; do
  # -top rows end with the function name.
  grep -Eq "[[:space:]]$(printf '%s' "$function" | sed 's/[.[\*^$]/\\&/g')\$" "$tmp/top.txt" ||
    { echo "FAIL: $function not listed"; failures=$((failures + 1)); }
done
PPROF_TMPDIR=$tmp go tool pprof -top -sample_index=alloc_space "$tmp/demo.pb.gz" >"$tmp/alloc.txt" 2>&1 ||
  { echo "FAIL: no alloc_space sample type"; failures=$((failures + 1)); }
if [ "$failures" -ne 0 ]; then
  cat "$tmp/top.txt"
  exit 1
fi
echo "pprof_reader: go tool pprof listed all $# functions"
