#!/usr/bin/env bash
# Installs the Debian packages aiprof needs to build, test, fuzz and benchmark.
# Idempotent: when every package is already installed it does nothing (and touches no network).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format libclang-rt-14-dev llvm valgrind
  python3 lua5.4 libunwind-dev libboost-dev libboost-stacktrace-dev google-perftools
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  chromium
  zlib1g-dev golang-go python3-jsonschema
  libcpp-httplib-dev curl  # the pprof endpoint's HTTP server (server/CMakeLists.txt says why)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  # "install ok installed" is the only state that means the package is really there.
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

echo "install-deps: missing: ${missing[*]}"
"${SUDO[@]}" apt-get update

# Check every name against the freshly updated index first, so a typo fails clearly.
for pkg in "${missing[@]}"; do
  candidate=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    echo "install-deps: package not available from apt: $pkg" >&2
    exit 1
  fi
done

echo "install-deps: installing: ${missing[*]}"
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
