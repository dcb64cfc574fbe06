#!/usr/bin/env bash
# Usage: check_layers_fixture.sh CHECK_LAYERS_SH WORK_DIR
# check_layers.sh can fail: on a small tree written here, with one violation of each rule
# next to code each rule must let pass (comments, exempt folders, a URL, an HTTP method,
# a constructor's braced member initializer), it must exit 1 and report exactly the
# expected lines; once the violations are removed, the same tree must pass.
set -euo pipefail
check=$1
work=$2
root=$work/tree

fail() {
  echo "FAIL: $*"
  exit 1
}

if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is not installed (scripts/install-deps.sh --test-tools installs it)"
  exit 77
fi

rm -rf "$root"
mkdir -p "$root"/daemon/{sync,cli,store/sqlite,store/postgresql,sources/class4,core}

# A function of `count` lines, its braces included, whose first line is `head`.
function_of() {
  local head=$1 count=$2
  echo "$head {"
  for ((i = 0; i < count - 2; ++i)); do echo "  x += $i;"; done
  echo "  return; }"
}

cat >"$root/daemon/sync/x.cpp" <<'EOF'
#include "http/curl_client.hpp"
#include <SQLiteCpp/Database.h>
#include <libpq-fe.h>

// A comment may name crocodial, Class4, DNL and SQL: SELECT * FROM users.
/* Worksection and smartflo
   in a block comment are fine too: "class4" */

namespace rosterd::sync {

void open() {
  SQLite::Database db("x.db");
  const char* url = "https://example.com//path";  // a URL is not a comment
  const char* sql = "SELECT id FROM users WHERE source = ?";
  const char* method = "DELETE";  // an HTTP method, not SQL
  const char* text = "update the file";
  const char* vendor = "SmartFlo";
  const char brace = '{';
  const long big = 1'000'000;
  PQexec(nullptr, "COPY users TO STDOUT");
}

struct Counter {
  Counter() : m_value{0}, m_other{1} {}
  int m_value;
  int m_other;
};

EOF
{
  function_of "void fits(int x)" 60
  # The braces of the member initializers are not the body.
  function_of "Counter::Counter(int x) : m_value{x}, m_other{0}" 61
  echo "}  // namespace rosterd::sync"
} >>"$root/daemon/sync/x.cpp"

cat >"$root/daemon/cli/status.cpp" <<'EOF'
// Lists sources; the Class4 quirk is documented in docs/vendor-facts.md.
int dnl_rate = 0;
const char* label = R"(Worksection
)";
const char* endnl = "endnl";
EOF

# Exempt: the engine may use SQLite; sources/ and the demo may name vendors.
cat >"$root/daemon/store/sqlite/engine.cpp" <<'EOF'
#include <SQLiteCpp/Database.h>
#include <sqlite3.h>
void f(SQLite::Database& db) { db.exec("PRAGMA journal_mode = WAL"); sqlite3_sleep(1); }
EOF
cat >"$root/daemon/store/postgresql/engine.cpp" <<'EOF'
#include <libpq-fe.h>
void f(PGconn* c) { PQexec(c, "SELECT 1 FROM users"); }
EOF
echo 'const char* type = "class4";' >"$root/daemon/sources/class4/class4_source.cpp"
echo 'const char* types[] = {"crocodial", "smartflo", "DNL"};' >"$root/daemon/cli/demo_command.cpp"
echo 'const char* type = "worksection";' >"$root/daemon/cli/demo_report.hpp"

# 400 lines pass; 401 do not.
for ((i = 0; i < 400; ++i)); do echo "// $i"; done >"$root/daemon/core/fits.hpp"
for ((i = 0; i < 401; ++i)); do echo "// $i"; done >"$root/daemon/core/too_long.hpp"

expected=$(
  cat <<'EOF'
daemon/cli/status.cpp:2: vendor-outside-sources: names a vendor (dnl): int dnl_rate = 0;
daemon/cli/status.cpp:3: vendor-outside-sources: names a vendor (Worksection): const char* label = R"(Worksection
daemon/core/too_long.hpp:401: file-too-long: 401 lines (more than 400)
daemon/sync/x.cpp:1: sync-includes-curl: includes #include "http/curl_client.hpp"
daemon/sync/x.cpp:2: sqlite-outside-engine: includes #include <SQLiteCpp/Database.h>
daemon/sync/x.cpp:3: libpq-outside-engine: includes #include <libpq-fe.h>
daemon/sync/x.cpp:12: sqlite-outside-engine: uses SQLite::
daemon/sync/x.cpp:14: sql-outside-engine: SQL text "SELECT id FROM users WHERE source = ?"
daemon/sync/x.cpp:17: vendor-outside-sources: names a vendor (SmartFlo): const char* vendor = "SmartFlo";
daemon/sync/x.cpp:20: libpq-outside-engine: uses PQexec
daemon/sync/x.cpp:20: sql-outside-engine: SQL text "COPY users TO STDOUT"
daemon/sync/x.cpp:89: function-too-long: Counter::Counter is 61 lines (more than 60)
check_layers: 12 layering violation(s) in 9 files under daemon/
EOF
)

status=0
output=$("$check" "$root") || status=$?
[[ $status -eq 1 ]] || fail "check_layers.sh exited $status on a tree with violations, not 1; it printed:
$output"
if [[ "$output" != "$expected" ]]; then
  diff <(echo "$expected") <(echo "$output") || true
  fail "check_layers.sh did not report exactly the expected violations (diff: expected, got)"
fi

# The same tree without its violations passes.
rm "$root/daemon/core/too_long.hpp" "$root/daemon/cli/status.cpp"
sed -i -e '/curl_client\|SQLiteCpp\|libpq-fe\|PQexec\|SQLite::\|SELECT id\|SmartFlo/d' "$root/daemon/sync/x.cpp"
sed -i -e '/^Counter::Counter/,/return; }/d' "$root/daemon/sync/x.cpp"
status=0
output=$("$check" "$root") || status=$?
[[ $status -eq 0 ]] || fail "check_layers.sh exited $status on a tree without violations, not 0; it printed:
$output"
echo "PASS: check_layers.sh reports each kind of violation and passes a clean tree"
