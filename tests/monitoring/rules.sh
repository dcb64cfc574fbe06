#!/usr/bin/env bash
# Usage: rules.sh MONITORING_DIR
# The shipped alerting rules: `promtool check rules` (syntax, PromQL, templates) and
# `promtool test rules` (each alert fires, and only, when it should). Exits 77 (skipped)
# only when promtool is missing (scripts/install-deps.sh --test-tools installs it).
set -euo pipefail
dir=${1:?usage: rules.sh MONITORING_DIR}
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool is not installed (Debian's prometheus package has it)"
  exit 77
fi
cd "$dir"
promtool check rules rosterd.rules.yml
promtool test rules rosterd.rules.test.yml
