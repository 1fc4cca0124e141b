#!/usr/bin/env bash
# Trains a profile-guided build: runs an instrumented anarchy (configured with AIPROF_PGO=gen)
# over a fixed set of programs so that it writes its profile, then touches PROFILE_DIR/stamp
# (builds configured with AIPROF_PGO=use recompile when the stamp changes).
#
#   usage: bench/pgo-train.sh INSTRUMENTED_ANARCHY PROFILE_DIR
#
# The training set: the workloads of bench/workloads/ with their sizes scaled down (the same
# code paths, a few seconds in all), examples/demo.ai run plainly and under the exact-mode
# profiler, and the shared conformance corpus when it is found (SHARED, default ../shared).
# Nothing is trained again while PROFILE_DIR/trained-for still names the same binary.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 INSTRUMENTED_ANARCHY PROFILE_DIR" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
interp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
profile=$2
shared=${SHARED:-$root/../shared}
[ -x "$interp" ] || { echo "pgo-train: not built: $interp" >&2; exit 2; }

identity=$(stat -c '%s %Y' "$interp")
if [ -f "$profile/stamp" ] && [ "$(cat "$profile/trained-for" 2>/dev/null)" = "$identity" ]; then
  echo "pgo-train: profile in $profile is up to date"
  exit 0
fi

# A stale profile would be merged into, so every training starts from no profile. (The stamp
# stays: builds depend on it.)
mkdir -p "$profile"
find "$profile" -name '*.gcda' -delete
rm -f "$profile/trained-for"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiprof-pgo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The workloads, smaller: each substitution must change the program (else the run would take
# minutes under instrumentation), so a workload whose size line changed fails loudly here.
scale() {  # scale NAME SED-EXPRESSION
  local src="$root/bench/workloads/$1.ai" dst="$tmp/$1.ai"
  sed -e "$2" "$src" >"$dst"
  if cmp -s "$src" "$dst"; then
    echo "pgo-train: could not scale down bench/workloads/$1.ai (its size line changed?)" >&2
    exit 1
  fi
}
scale fib 's/fib(35)/fib(24)/'
scale loop 's/n = 16000000;/n = 400000;/'
scale strings 's/rounds = 13;/rounds = 2;/; s/rowsPerRound = 25000;/rowsPerRound = 4000;/'
scale churn 's/n = 2400000;/n = 150000;/'

start=$SECONDS
for w in fib loop strings churn; do
  "$interp" run "$tmp/$w.ai" >/dev/null
done
"$interp" run "$root/examples/demo.ai" >/dev/null
"$interp" profile --mode exact -o "$tmp/demo-profile.txt" "$root/examples/demo.ai" >/dev/null
if [ -f "$shared/conformance/run.sh" ]; then
  # Only the runs matter here, not whether they pass (the tests check that).
  bash "$shared/conformance/run.sh" "$interp" >/dev/null 2>&1 || true
else
  echo "pgo-train: no conformance corpus at $shared/conformance; training on the workloads only" >&2
fi

count=$(find "$profile" -name '*.gcda' | wc -l)
if [ "$count" -eq 0 ]; then
  echo "pgo-train: $interp wrote no profile into $profile (not built with AIPROF_PGO=gen?)" >&2
  exit 1
fi
echo "$identity" >"$profile/trained-for"
touch "$profile/stamp"
echo "pgo-train: $count profile files in $profile ($((SECONDS - start)) s of training)"
