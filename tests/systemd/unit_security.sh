#!/usr/bin/env bash
# Usage: unit_security.sh UNIT
# The sandboxing gate (README, "Running as a service"): `systemd-analyze security` must rate UNIT at most 2.0.
# Prints the measured exposure and every setting that still adds to it. Exits 77 (skip)
# only when systemd-analyze is not installed (scripts/install-deps.sh --test-tools).
set -euo pipefail
unit=$1
max_exposure=2.0

if ! analyze=$(command -v systemd-analyze); then
  echo "SKIP: systemd-analyze is not installed (scripts/install-deps.sh --test-tools installs it)"
  exit 77
fi

# --threshold is ten times the printed score: 20 is the 2.0 gate. Under LC_ALL=C the
# table marks settings with "+" (safe) and "-" (adds to the exposure).
status=0
report=$(LC_ALL=C "$analyze" security --offline=true --threshold=20 "$unit" 2>&1) || status=$?

score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' <<<"$report")
if [[ -z $score ]]; then
  echo "FAIL: no exposure level in the output of systemd-analyze security (exit status $status):"
  echo "$report"
  exit 1
fi

echo "settings that add to the exposure:"
grep -E '^- ' <<<"$report" || true
echo "measured exposure of $(basename "$unit"): $score (gate: at most $max_exposure)"
echo "<DartMeasurement name=\"exposure\" type=\"numeric/double\">$score</DartMeasurement>"

if [[ $status -ne 0 ]] || ! awk -v s="$score" -v max="$max_exposure" 'BEGIN { exit !(s <= max) }'; then
  echo "FAIL: exposure $score is above $max_exposure (systemd-analyze exit status $status)"
  echo "$report"
  exit 1
fi
