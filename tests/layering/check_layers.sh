#!/usr/bin/env bash
# Usage: check_layers.sh REPO_ROOT
# The layering rules of daemon/ (which code may name SQLite, SQL, vendors and libcurl;
# the size of files and of sync/'s functions): check_layers.py says what each rule
# counts. Prints each violation as path:line: rule: message and exits 1 when there is
# any, 0 when there is none. Exits 77 (skipped) only when python3 is missing
# (scripts/install-deps.sh --test-tools installs it).
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 REPO_ROOT" >&2
  exit 2
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is not installed (scripts/install-deps.sh --test-tools installs it)"
  exit 77
fi
exec python3 "$(dirname "$0")/check_layers.py" "$1"
