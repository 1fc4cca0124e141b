#!/usr/bin/env bash
# Runs the shared conformance corpus against an interpreter, leaving out some tests.
#
#   usage: scripts/conformance.sh INTERPRETER
#
# Environment:
#   SHARED            the shared folder holding conformance/ (default: ../shared beside the repo)
#   CONFORMANCE_SKIP  space-separated globs of test names to leave out (default "sym* mix*");
#                     set it to the empty string to run every test.
#
# The kept tests (NAME.ai with NAME.out, NAME.status, NAME.err, NAME.lib/) are copied into a
# temporary folder and handed to the corpus's own run.sh, whose exit status this returns.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 INTERPRETER" >&2; exit 2; }
interp=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED:-$root/../shared}
skip=${CONFORMANCE_SKIP-}
corpus="$shared/conformance"

[ -f "$corpus/run.sh" ] || { echo "conformance: no runner at $corpus/run.sh (set SHARED)" >&2; exit 2; }
[ -x "$interp" ] || { echo "conformance: interpreter not built: $interp" >&2; exit 2; }

read -r -a patterns <<<"$skip"  # read does not expand the globs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiprof-conformance.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

kept=0
skipped=0
for test in "$corpus"/*.ai; do
  name=$(basename "$test" .ai)
  for pattern in ${patterns[@]+"${patterns[@]}"}; do
    # shellcheck disable=SC2053  # the pattern is meant to match as a glob
    if [[ $name == $pattern ]]; then
      skipped=$((skipped + 1))
      continue 2
    fi
  done
  for ext in ai out status err lib; do
    if [ -e "$corpus/$name.$ext" ]; then cp -R "$corpus/$name.$ext" "$tmp/"; fi
  done
  kept=$((kept + 1))
done

echo "conformance: $kept tests from $corpus with $interp (skipped $skipped matching '${skip}')"
bash "$corpus/run.sh" "$interp" "$tmp"
