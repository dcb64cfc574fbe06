#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: initdb into DIR, owned by an
# unprivileged user, listening on a Unix socket in DIR only (no TCP), trust
# authentication for local connections, a database "rosterd" owned by a role of the
# same name.
#   scripts/pg-cluster.sh start DIR   starts it (DIR must not exist or be empty) and
#                                     prints its URI: postgresql:///rosterd?host=DIR&user=rosterd
#   scripts/pg-cluster.sh stop DIR    stops it fast (its files stay)
#   scripts/pg-cluster.sh resume DIR  starts a stopped one again
#   scripts/pg-cluster.sh remove DIR  stops it and removes DIR
#   scripts/pg-cluster.sh uri DIR     prints the URI again
# PG_CLUSTER_DURABLE=1 keeps PostgreSQL's durability settings (fsync, synchronous commit,
# full-page writes), as the benchmark wants; the tests turn them off to run faster.
# The server runs as the user "postgres" (created by Debian's package) when this runs
# as root, else as the calling user. Needs postgresql-15 (scripts/install-deps.sh --test-tools).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: $0 start|stop|resume|remove|uri DIR}
dir=${2:?usage: $0 start|stop|resume|remove|uri DIR}
dir=$(realpath -m "$dir")

# The server's user may not enter the caller's directory (a build tree in a private
# temporary directory): PostgreSQL's programs refuse to start there.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

uri() { echo "postgresql:///rosterd?host=$dir&user=rosterd"; }

# Fast unless PG_CLUSTER_DURABLE=1: the tests need no durability across a machine crash.
start_server() {
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${PG_CLUSTER_DURABLE:-0} == 1 ]] && durability=""
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir $durability -c max_connections=200 -c shared_buffers=128MB" start >/dev/null
}

case "$cmd" in
  start)
    # A server left by an interrupted run of the tests goes first.
    if [[ -d "$dir/data" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    start_server
    as_owner "$bin/psql" -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE ROLE rosterd LOGIN CREATEDB" -c "CREATE DATABASE rosterd OWNER rosterd" >/dev/null
    uri
    ;;
  stop)
    [[ -d "$dir/data" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  resume) start_server ;;
  remove)
    [[ -d "$dir/data" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  uri) uri ;;
  *) echo "usage: $0 start|stop|resume|remove|uri DIR" >&2; exit 2 ;;
esac
