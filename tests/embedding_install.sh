#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds examples/embedding against it as an
# outside project (find_package(aiprof)), runs it with its two worker threads and checks
# what both threads' profiles say. Then checks that the installed libraries define no libc
# symbol, and that an outside project linking aiprof::sampler keeps libc's dl_iterate_phdr and
# sigprocmask unless it links the opt-in aiprof::sampler_interposition (tests/install_probe).
#   embedding_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "embedding_install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/embedding" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure failed"; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }

mkdir "$work/out"
"$work/build/embedding" "$work/out" 1.5 | tee "$work/stdout.txt"

# Both threads sampled, with about equal samples for equal work (within 10 points of 50%).
a=$(awk '/^worker-a:/ {print $2}' "$work/stdout.txt")
b=$(awk '/^worker-b:/ {print $2}' "$work/stdout.txt")
[[ -n $a && -n $b && $a -gt 300 && $b -gt 300 ]] || fail "too few samples: a=$a b=$b"
share=$(( 100 * a / (a + b) ))
(( share >= 40 && share <= 60 )) || fail "unequal shares for equal work: worker-a has $share%"

# The folded stacks name the functions the threads pushed, beneath their worker frame.
grep -q '^worker;parse [0-9]' "$work/out/sampled.folded" || fail "no worker;parse stack"
grep -q '^worker;compute [0-9]' "$work/out/sampled.folded" || fail "no worker;compute stack"
# compute does three times parse's work: its share of the samples is near 75% of the two.
p=$(awk '/^worker;parse / {print $2}' "$work/out/sampled.folded")
c=$(awk '/^worker;compute / {print $2}' "$work/out/sampled.folded")
cshare=$(( 100 * c / (p + c) ))
(( cshare >= 68 && cshare <= 82 )) || fail "compute has $cshare% of the samples, not ~75%"
# Each thread's exact spans were recorded.
for t in worker-a worker-b; do
  grep -q 'compute' "$work/out/spans-$t.txt" || fail "no compute span for $t"
done

# No installed library defines a function libc defines (the interposition is an object target).
libc=$(${CXX:-c++} -print-file-name=libc.so.6)
[[ -f $libc ]] || fail "libc.so.6 not found ($libc)"
nm -D --defined-only "$libc" | awk '{sub(/@.*/, "", $3); print $3}' | sort -u >"$work/libc.syms"
shopt -s nullglob
libraries=("$work"/prefix/lib*/*.a "$work"/prefix/lib*/*.so)
(( ${#libraries[@]} >= 4 )) || fail "expected the four installed libraries, found ${#libraries[@]}"
nm -g --defined-only "${libraries[@]}" 2>/dev/null | awk 'NF == 3 && $2 != "U" {print $3}' | sort -u \
  >"$work/aiprof.syms"
clashes=$(comm -12 "$work/libc.syms" "$work/aiprof.syms")
[[ -z $clashes ]] || fail "installed libraries define libc symbols: $(echo $clashes)"

# The sampler without the opt-in: libc's own functions; with it, the program's.
for mode in libc self; do
  opt=OFF; [[ $mode == self ]] && opt=ON
  cmake -S "$source/tests/install_probe" -B "$work/probe-$mode" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DPROBE_INTERPOSITION=$opt >"$work/probe.log" 2>&1 \
    && cmake --build "$work/probe-$mode" >>"$work/probe.log" 2>&1 || { cat "$work/probe.log"; fail "probe ($mode) build failed"; }
  "$work/probe-$mode/probe" $mode >"$work/probe-$mode.txt" || { cat "$work/probe-$mode.txt"; fail "probe: expected $mode's dl_iterate_phdr and sigprocmask, and samples"; }
done
echo "embedding_install: ok (worker-a $share% of samples, compute $cshare% of parse+compute;" \
  "no libc symbol in the libraries; interposition only when opted in)"
