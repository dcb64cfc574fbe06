#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds rosterd and runs `rosterd demo`:
# the bundled vendor simulator synced into a new ./rosterd-demo.db over three rounds.
# Arguments go to `rosterd demo`: an existing database is refused, so a second run
# needs `scripts/demo.sh --database other.db` (or the old one removed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target rosterd
exec ./build/rosterd demo "$@"
