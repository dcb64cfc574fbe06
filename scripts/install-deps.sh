#!/usr/bin/env bash
# Installs rosterd's build and test dependencies from Debian 12's packages.
# Does nothing when everything is already present; needs root (or sudo) otherwise.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev   # HTTP client
  libsimdjson-dev        # JSON parsing
  libsqlite3-dev sqlite3 libsqlitecpp-dev  # storage: SQLite, the embedded default
  libpq-dev              # storage: PostgreSQL's client library (database: postgresql://...)
  libyaml-cpp-dev        # configuration
  libspdlog-dev libfmt-dev  # logging and formatting
  libsystemd-dev         # sd_notify for Type=notify
  libcpp-httplib-dev     # the vendor simulator's HTTP server
  libcli11-dev           # command-line parsing
  libxxhash-dev          # content hashes
  libssl-dev             # MD5 for the Worksection request hash
  libgtest-dev libgmock-dev  # tests
)
for arg in "$@"; do
  case "$arg" in
    # What the test suite needs beyond the build: clang for the libFuzzer targets,
    # faketime for the test of a system clock that steps back,
    # systemd for `systemd-analyze security` on the unit, python3 for the benchmark smoke test,
    # PostgreSQL 15 for the tests of that engine (scripts/pg-cluster.sh starts a throwaway cluster),
    # Prometheus for promtool and a real server scraping `rosterd run` (tests/e2e/monitoring_e2e_test.cpp),
    # man-db and groff-base to render the generated man pages and check them for warnings.
    --test-tools) packages+=(clang-14 libclang-rt-14-dev systemd python3 faketime postgresql-15 prometheus man-db groff-base) ;;
    # The benchmark's comparison tool and measurement helpers.
    --bench-tools) packages+=(sqlite-utils time valgrind) ;;
    *) echo "usage: $0 [--test-tools] [--bench-tools]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
