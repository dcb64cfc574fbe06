#!/usr/bin/env bash
# Usage: unit_verify.sh UNIT BINARY
# `systemd-analyze verify` on UNIT, with ExecStart pointed at BINARY (verify rejects a unit
# whose ExecStart does not exist, and the install prefix need not hold rosterd yet). verify
# exits 0 on unknown keys and unparsable values ("..., ignoring"), so any output fails the
# test. Also rejects a comment after a setting, which systemd 252 reads as part of the
# value. Exits 77 (skip) only when systemd-analyze is not installed.
set -euo pipefail
unit=$1
binary=$2

status=0
bad_comments=$(grep -nE '^[^#;].*[[:space:]][#;]' "$unit") || status=$?
if [[ $status -gt 1 ]]; then
  echo "FAIL: cannot read $unit"
  exit 1
fi
if [[ -n $bad_comments ]]; then
  echo "FAIL: comments must be on their own lines (systemd reads them as part of the value):"
  echo "$bad_comments"
  exit 1
fi

if ! analyze=$(command -v systemd-analyze); then
  echo "SKIP: systemd-analyze is not installed (scripts/install-deps.sh --test-tools installs it)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$binary|" "$unit" >"$work/rosterd.service"
if ! grep -q "^ExecStart=$binary run " "$work/rosterd.service"; then
  echo "FAIL: $unit has no 'ExecStart=<path> run ...' line"
  exit 1
fi

status=0
output=$(LC_ALL=C "$analyze" verify --man=no "$work/rosterd.service" 2>&1) || status=$?
if [[ $status -ne 0 || -n $output ]]; then
  echo "FAIL: systemd-analyze verify (exit status $status):"
  echo "$output"
  exit 1
fi
echo "systemd-analyze verify: no findings"
