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

# aiprof::serve in the embedding program: its endpoint answers with the guest's hot function,
# and SIGUSR2 writes a snapshot into the folder it was given.
"$work/build/embedding" serve "$source/tests/server/spin.ai" 127.0.0.1:0 "$work/snaps" -- 1000000 \
  >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 300); do
  url=$(sed -n 's|^embedding: serving on \(http://127.0.0.1:[0-9]*\)$|\1|p' "$work/serve.err")
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n ${url:-} ]] || { kill $serve_pid; cat "$work/serve.err"; fail "embedding serve printed no address"; }
code=$(curl -s -o "$work/live.pb.gz" -w '%{http_code}' --max-time 60 "$url/debug/pprof/profile?seconds=1")
kill -USR2 $serve_pid
for _ in $(seq 1 300); do compgen -G "$work/snaps/aiprof-*.pb.gz" >/dev/null && break; sleep 0.1; done
kill $serve_pid; wait $serve_pid 2>/dev/null || true
[[ $code == 200 ]] || fail "embedding serve: profile request answered $code"
PPROF_TMPDIR=$work go tool pprof -raw "$work/live.pb.gz" >"$work/live.txt" 2>&1 || { cat "$work/live.txt"; fail "not a profile"; }
grep -Eq ' m\.hotLoop .*spin\.ai:[0-9]+' "$work/live.txt" || { cat "$work/live.txt"; fail "m.hotLoop not served by the embedding program"; }
compgen -G "$work/snaps/aiprof-*.pb.gz" >/dev/null || fail "SIGUSR2 wrote no snapshot in the embedding program"

# No installed library defines a function libc defines (the interposition is an object target).
libc=$(${CXX:-c++} -print-file-name=libc.so.6)
[[ -f $libc ]] || fail "libc.so.6 not found ($libc)"
nm -D --defined-only "$libc" | awk '{sub(/@.*/, "", $3); print $3}' | sort -u >"$work/libc.syms"
shopt -s nullglob
libraries=("$work"/prefix/lib*/*.a "$work"/prefix/lib*/*.so)
(( ${#libraries[@]} >= 5 )) || fail "expected the five installed libraries, found ${#libraries[@]}"
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
  "aiprof::serve answered with the hot function and wrote a SIGUSR2 snapshot;" \
  "no libc symbol in the libraries; interposition only when opted in)"
