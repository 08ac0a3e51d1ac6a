#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, separate from any system cluster.
#   .ci/pg-cluster.sh start DIR   -> prints the TEST_DATABASE_URL to use
#   .ci/pg-cluster.sh stop DIR
# Runs the server as the `postgres` user when started as root (postgres refuses to run as root).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case $action in
  start)
    # A free port unless one is asked for, so it never collides with another cluster.
    port=${PG_TEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -d "$dir/data" ]; then
      as_pg "$bin/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8" >/dev/null
    fi
    as_pg "$bin/pg_ctl -D '$dir/data' -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l '$dir/pg.log' -w start" >/dev/null
    as_pg "$bin/psql -h 127.0.0.1 -p $port -U postgres -qtAc \"SELECT 1 FROM pg_database WHERE datname='register_test'\" | grep -q 1 || $bin/createdb -h 127.0.0.1 -p $port -U postgres register_test"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/register_test"
    ;;
  stop)
    as_pg "$bin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
