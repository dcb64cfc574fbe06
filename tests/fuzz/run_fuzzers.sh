#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, one after another, on a fresh corpus made of
# its seeds (the same list as targets() in fuzz_entries.cpp) and its saved findings.
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
# A crash, sanitizer report, oracle failure, timeout or leak fails the run and leaves
# the input under $FUZZ_ARTIFACTS (default: BUILD_DIR/fuzz-artifacts)/<target>/:
# fix the bug, then keep the input as tests/fixtures/regressions/<target>/<what-it-found>.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "$1")
seconds=$2
shift 2
targets=("$@")
((${#targets[@]} > 0)) || targets=(class4 crocodial smartflo worksection rest config)
artifacts=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}

declare -A seeds=(
  [class4]="tests/fixtures/class4"
  [crocodial]="tests/fixtures/crocodial"
  [smartflo]="tests/fixtures/smartflo"
  [worksection]="tests/fixtures/worksection"
  [rest]="tests/fixtures/smartflo tests/fixtures/class4 tests/fixtures/worksection tests/fixtures/scim"
  [config]="tests/fuzz/config_seeds config/rosterd.example.yaml"
)
declare -A dicts=([class4]=json [crocodial]=json [smartflo]=json [worksection]=json [rest]=json [config]=yaml)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for target in "${targets[@]}"; do
  corpus=$work/$target
  mkdir -p "$corpus" "$artifacts/$target"
  for seed in ${seeds[$target]} "tests/fixtures/regressions/$target"; do
    if [[ -d $seed ]]; then
      find "$seed" -maxdepth 1 -type f ! -name README.md -exec cp -t "$corpus" {} +
    elif [[ -f $seed ]]; then
      cp "$seed" "$corpus/"
    fi
  done
  echo "== fuzz_$target: ${seconds}s from $(find "$corpus" -type f | wc -l) seeds"
  if "$build/tests/fuzz/fuzz_$target" "$corpus" -dict="tests/fuzz/${dicts[$target]}.dict" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -artifact_prefix="$artifacts/$target/" -print_final_stats=1 </dev/null >"$work/$target.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$work/$target.log" | tr '\n' ' '
    echo
  else
    failed+=("$target")
    tail -n 60 "$work/$target.log"
    echo "== fuzz_$target FAILED; input saved in $artifacts/$target/"
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
