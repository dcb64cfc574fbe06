#!/usr/bin/env bash
# Usage: installed_references.sh CMAKE BUILD_DIR WORK_DIR PREFIX
# `cmake --install` into a fake root (DESTDIR), then installed_references.py: every link and
# file reference in the installed text files resolves in the installed tree. Exits 77
# (skipped) only when python3 is missing (scripts/install-deps.sh --test-tools installs it).
set -euo pipefail
cmake=$1
build=$2
work=$3
prefix=$4
root=$work/root

if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is not installed (scripts/install-deps.sh --test-tools installs it)"
  exit 77
fi
rm -rf "$root"
mkdir -p "$root"
if ! log=$(DESTDIR=$root "$cmake" --install "$build" --prefix "$prefix" 2>&1); then
  echo "$log"
  echo "FAIL: cmake --install failed"
  exit 1
fi
python3 "$(dirname "$0")/installed_references.py" "$root" "$prefix"
