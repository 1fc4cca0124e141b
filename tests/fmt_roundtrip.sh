#!/usr/bin/env bash
# Round trip of every conformance program through `anarchy fmt` (issue 6).
#
#   usage: tests/fmt_roundtrip.sh ANARCHY CORPUS_DIR
#
# For each CORPUS_DIR/NAME.ai and each spelling S (ascii, symbolic) with O the other one:
#   1. the program and every .ai file of NAME.lib/ are printed with `fmt --S`, then `fmt --O`
#      (there and back); both the one-way and the round-trip program must print NAME.out and
#      exit with NAME.status, as the original does (statements keep their lines, so even
#      printed error lines agree);
#   2. printing is stable: `fmt --S` of the `fmt --S` output is the same text.
# A program with a syntax error (NAME.status 65) must make fmt exit 65 too.
# Exit status 0 when everything agrees, 1 otherwise, 77 (skipped) without a corpus.
set -u
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: $0 ANARCHY CORPUS_DIR" >&2; exit 2; }
anarchy=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=$2
[ -x "$anarchy" ] || { echo "fmt_roundtrip: not executable: $anarchy" >&2; exit 2; }
[ -d "$corpus" ] || { echo "fmt_roundtrip: no corpus at $corpus (skipped)"; exit 77; }
corpus=$(cd "$corpus" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fmt-roundtrip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
checked=0

fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

# convert SPELLING DIR: rewrites every .ai file under DIR in SPELLING (in place).
convert() {
  local spelling=$1 dir=$2 file
  while IFS= read -r -d '' file; do
    "$anarchy" fmt "--$spelling" "$file" >"$file.fmt" 2>"$tmp/fmt.err" || return 1
    mv "$file.fmt" "$file"
  done < <(find "$dir" -name '*.ai' -print0)
}

# run_matches NAME DIR WHAT: runs DIR/NAME.ai there as the conformance runner does.
run_matches() {
  local name=$1 dir=$2 what=$3 expected_status=0 status
  [ -f "$corpus/$name.status" ] && expected_status=$(tr -d ' \t\r\n' <"$corpus/$name.status")
  (cd "$dir" && timeout -k 2 10 "$anarchy" run "$name.ai" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
  status=$?
  if [ "$status" != "$expected_status" ] || ! cmp -s "$tmp/stdout" "$corpus/$name.out"; then
    fail "$name ($what): status $status (expected $expected_status) or stdout differs"
    diff -u --label expected --label actual "$corpus/$name.out" "$tmp/stdout" | sed -n '3,10p;s/^/    /'
    head -n 3 "$tmp/stderr" | sed 's/^/    stderr: /'
  fi
}

# fresh_copy NAME DIR: the test program and its library in an empty DIR.
fresh_copy() {
  rm -rf "$2" && mkdir -p "$2"
  cp "$corpus/$1.ai" "$2/"
  [ -d "$corpus/$1.lib" ] && cp -R "$corpus/$1.lib" "$2/"
  return 0
}

for test in "$corpus"/*.ai; do
  name=$(basename "$test" .ai)
  checked=$((checked + 1))
  expected_status=0
  [ -f "$corpus/$name.status" ] && expected_status=$(tr -d ' \t\r\n' <"$corpus/$name.status")
  if [ "$expected_status" = 65 ]; then
    "$anarchy" fmt --ascii "$test" >/dev/null 2>&1
    status=$?
    [ "$status" = 65 ] || fail "$name: fmt of a program with a syntax error exited $status, not 65"
    continue
  fi
  for pair in "ascii symbolic" "symbolic ascii"; do
    read -r there back <<<"$pair"
    dir="$tmp/$name.$there"
    fresh_copy "$name" "$dir"
    if ! convert "$there" "$dir"; then
      fail "$name: fmt --$there failed: $(head -n 1 "$tmp/fmt.err")"
      continue
    fi
    run_matches "$name" "$dir" "--$there"
    "$anarchy" fmt "--$there" "$dir/$name.ai" >"$tmp/again.ai" 2>/dev/null
    cmp -s "$dir/$name.ai" "$tmp/again.ai" || fail "$name: fmt --$there is not stable"
    if ! convert "$back" "$dir"; then
      fail "$name: fmt --$back after --$there failed: $(head -n 1 "$tmp/fmt.err")"
      continue
    fi
    run_matches "$name" "$dir" "--$there then --$back"
  done
done

echo "fmt round trip: $checked programs, $failures failures"
[ "$failures" -eq 0 ]
