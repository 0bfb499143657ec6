#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: `start DIR PORT` prints a DATABASE_URL on its
# last line; `stop DIR` stops it and removes DIR. Installs Debian's postgresql if missing.
# `pause DIR` stops the server and keeps its data; `resume DIR` starts it again on the same
# port (the reliability tests restart PostgreSQL under a running app this way).
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start DIR PORT | stop DIR | pause DIR | resume DIR}
dir=${2:?cluster directory}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

case "$cmd" in
  start)
    port=${3:?port}
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "installing postgresql from Debian" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(find_bin)
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    chown postgres "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >"$dir/options"
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$(cat "$dir/options")" -w start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  pause)
    runuser -u postgres -- "$(find_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    runuser -u postgres -- "$(find_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$(cat "$dir/options")" -w start >/dev/null
    ;;
  stop)
    bin=$(find_bin)
    if [ -d "$dir/data" ]; then
      runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
