#!/usr/bin/env bash
# Installs what is missing (Debian 12), then builds and tests rosterd three ways:
#   1. GCC, Release (-O2, no debug info: a third faster to build): the whole test suite.
#   2. clang-14 with AddressSanitizer and UndefinedBehaviorSanitizer
#      (-DROSTERD_SANITIZE=ON, plus -DROSTERD_FUZZ=ON so that the same build also has
#      the libFuzzer targets): the whole test suite again; the kill -9 test writes
#      ROSTERD_CRASH_USERS users instead of 200,000.
#   3. Each libFuzzer target for FUZZ_SECONDS, from its seeds and saved findings.
# Both builds are unity builds (CMAKE_UNITY_BUILD: a target's .cpp files compiled a batch
# at a time), which more than halves their time on two cores.
# Usage: scripts/test.sh [build-dir]   (default: build; the sanitizer build is <build-dir>-asan)
# Environment: FUZZ_SECONDS (default 20), ROSTERD_CRASH_USERS (default 20000 under the sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
asan=$build-asan
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-20}

timings=()
stage() {  # stage NAME COMMAND...: runs it and reports its wall and CPU time
  local name=$1 start=$SECONDS
  shift
  echo "==> $name"
  TIMEFORMAT="<== $name: %0R s wall, %0U s user, %0S s sys"
  time "$@"
  timings+=("$(printf '%-36s %3d:%02d' "$name" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)))")
}
summary() {
  local status=$?
  ((${#timings[@]} == 0)) || printf '    %s\n' "${timings[@]}"
  ((status == 0)) && echo "==> all passed" || echo "==> FAILED (exit $status)"
}
trap summary EXIT

stage "install dependencies" scripts/install-deps.sh --test-tools

stage "build (gcc, Release)" bash -c "
  cmake -S . -B '$build' -G Ninja -DCMAKE_BUILD_TYPE=Release '-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG' \
    -DCMAKE_UNITY_BUILD=ON >/dev/null
  cmake --build '$build' -j$jobs"
stage "test suite" ctest --test-dir "$build" --output-on-failure -j"$jobs"

stage "build (clang-14, ASan+UBSan, fuzz)" bash -c "
  CXX=clang++-14 cmake -S . -B '$asan' -G Ninja -DCMAKE_BUILD_TYPE=Debug '-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -O1' \
    -DROSTERD_SANITIZE=ON -DROSTERD_FUZZ=ON -DROSTERD_BENCH=OFF -DCMAKE_UNITY_BUILD=ON >/dev/null
  cmake --build '$asan' -j$jobs"
stage "test suite under ASan+UBSan" env ROSTERD_CRASH_USERS="${ROSTERD_CRASH_USERS:-20000}" \
  UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$asan" --output-on-failure -j"$jobs"

stage "fuzz each target ${fuzz_seconds}s" tests/fuzz/run_fuzzers.sh "$asan" "$fuzz_seconds"

