#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#   scripts/pgcluster.sh start DIR   # init + start, create qdesk_test, print URL
#   scripts/pgcluster.sh url DIR     # print the SQLAlchemy URL
#   scripts/pgcluster.sh stop DIR    # stop immediately and remove DIR
# The URL is also written to DIR/url.  As root, the server runs as the
# "postgres" user (initdb/postgres refuse to run as root); if that user cannot
# reach DIR (or DIR is too long for a Unix socket path), the cluster lives in
# a mktemp dir under /tmp instead, recorded in DIR/pgroot.
set -euo pipefail

usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
log() { echo "pgcluster: $*" >&2; }

[ $# -eq 2 ] || usage
cmd="$1"
DIR="$2"
# Absolute path: server commands run from / (see as_pg).
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR="${DIR%/}"

find_bindir() {
  local d best="" bestv=-1 v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || continue
    v="$(basename "$(dirname "$d")")"
    v="${v%%.*}"
    case "$v" in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -gt "$bestv" ]; then bestv="$v"; best="$d"; fi
  done
  if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    [ -x "$d/initdb" ] && best="$d"
  fi
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  [ -n "$best" ] || { log "no PostgreSQL server binaries found (install the 'postgresql' package)"; exit 1; }
  echo "$best"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a server-side command (initdb, pg_ctl) as the right user, from / so the
# postgres user does not complain about an unreadable working directory.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Where data/, log and the socket live: DIR itself, or DIR/pgroot's content.
pgroot() {
  if [ -f "$DIR/pgroot" ]; then cat "$DIR/pgroot"; else echo "$DIR"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

do_start() {
  local bindir root port url attempt
  bindir="$(find_bindir)"

  if [ -f "$DIR/url" ] && [ -d "$(pgroot)/data" ] && as_pg "$bindir/pg_ctl" -D "$(pgroot)/data" status >/dev/null 2>&1; then
    log "cluster in $DIR already running"
    cat "$DIR/url"
    return 0
  fi

  mkdir -p "$DIR"
  root="$DIR"
  if is_root; then
    getent passwd postgres >/dev/null || { log "user 'postgres' does not exist (install the 'postgresql' package)"; exit 1; }
    chown postgres: "$DIR"
  fi
  # The socket path is "$root/.s.PGSQL.NNNNN" and must fit in ~107 bytes.
  if { is_root && ! runuser -u postgres -- test -w "$DIR" -a -x "$DIR" 2>/dev/null; } || [ "${#DIR}" -gt 80 ]; then
    root="$(mktemp -d /tmp/qdesk-pg.XXXXXX)"
    is_root && chown postgres: "$root"
    echo "$root" > "$DIR/pgroot"
    log "using $root for the cluster files"
  fi

  rm -rf "$root/data"
  if ! as_pg "$bindir/initdb" -D "$root/data" -U qdesk --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1; then
    log "initdb with --locale=C.UTF-8 failed; retrying with --no-locale"
    rm -rf "$root/data"
    if ! as_pg "$bindir/initdb" -D "$root/data" -U qdesk --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1; then
      cat "$DIR/initdb.log" >&2
      log "initdb failed"
      exit 1
    fi
  fi

  for attempt in 1 2 3; do
    port="$(free_port)"
    if as_pg "$bindir/pg_ctl" -D "$root/data" \
        -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        -l "$root/log" -w start >&2; then
      break
    fi
    log "server failed to start on port $port (attempt $attempt); log follows"
    tail -n 20 "$root/log" >&2 || true
    [ "$attempt" -lt 3 ] || exit 1
  done

  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U qdesk qdesk_test
  url="postgresql+psycopg://qdesk@127.0.0.1:$port/qdesk_test"
  echo "$port" > "$DIR/port"
  echo "$url" > "$DIR/url"
  echo "$url"
}

do_stop() {
  local bindir root
  [ -d "$DIR" ] || return 0
  root="$(pgroot)"
  if [ -d "$root/data" ]; then
    bindir="$(find_bindir)"
    if as_pg "$bindir/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
      as_pg "$bindir/pg_ctl" -D "$root/data" -m immediate stop >/dev/null || log "pg_ctl stop failed for $root/data"
    fi
  fi
  [ "$root" != "$DIR" ] && rm -rf "$root"
  rm -rf "$DIR"
}

do_url() {
  [ -f "$DIR/url" ] || { log "no cluster in $DIR (run: $0 start $DIR)"; exit 1; }
  cat "$DIR/url"
}

case "$cmd" in
  start) do_start ;;
  stop)  do_stop ;;
  url)   do_url ;;
  *)     usage ;;
esac
