#!/usr/bin/env bash
# Usage: unit_checked_in.sh CMAKE SOURCE_DIR WORK_DIR
# The checked-in systemd/rosterd.service must be exactly systemd/rosterd.service.in rendered
# for the default prefix /usr/local, so that people who copy it get what `cmake --install`
# installs.
set -euo pipefail
cmake=$1
source_dir=$2
work=$3

mkdir -p "$work"
rendered=$work/rosterd.service.usr-local
"$cmake" -DPREFIX=/usr/local -DOUT="$rendered" -P "$source_dir/systemd/render_unit.cmake"
if ! diff -u "$source_dir/systemd/rosterd.service" "$rendered"; then
  echo "FAIL: systemd/rosterd.service is stale; regenerate it from the source directory with"
  echo "  cmake -DPREFIX=/usr/local -DOUT=systemd/rosterd.service -P systemd/render_unit.cmake"
  exit 1
fi
echo "systemd/rosterd.service matches rosterd.service.in rendered for /usr/local"
