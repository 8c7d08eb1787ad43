#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command against a throwaway PostgreSQL cluster:
#
#   tests/kefu-test-pg.sh COMMAND [ARG...]
#
# initdb into a fresh temporary folder, start the server listening only on a
# Unix socket in that folder (no TCP, so the Debian cluster on port 5432, if
# any, is never used or disturbed), create the database "kefu", run COMMAND
# with
#
#   KEFU_TEST_PG      libpq conninfo of that database (superuser "kefu", trust)
#   KEFU_TEST_STORE   "postgres" (the server tests' backend switch)
#
# then stop the cluster and remove the folder, also when COMMAND fails or the
# script is interrupted. The exit status is COMMAND's. Nothing is skipped: a
# missing PostgreSQL installation is an error.
#
# initdb and postgres refuse to run as root; as root they run as the
# "postgres" system user (installed with the postgresql package) on folders
# that user owns; COMMAND itself still runs as the caller.
#
# Environment:
#   KEFU_PG_BINDIR    PostgreSQL's bin folder (default: the newest
#                     /usr/lib/postgresql/*/bin)
#   KEFU_PG_DURABLE   1 keeps fsync and synchronous commit on (benchmarks);
#                     tests run without them, which changes no result

set -uo pipefail

die ()
{
  printf 'kefu-test-pg.sh: %s\n' "$*" >&2
  exit 1
}

[ "$#" -gt 0 ] || die "usage: kefu-test-pg.sh COMMAND [ARG...]"

bindir="${KEFU_PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
for tool in initdb pg_ctl createdb; do
  [ -x "$bindir/$tool" ] || die "no PostgreSQL server found (looked for $tool in ${bindir:-/usr/lib/postgresql/*/bin}); install postgresql (scripts/setup.sh does)"
done

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the postgres system user (from the postgresql package)"
  as_pg ()
  {
    runuser -u postgres -- "$@"
  }
else
  as_pg ()
  {
    "$@"
  }
fi

tmp="$(mktemp -d -t kefu-pg.XXXXXX)" || die "cannot create a temporary folder"
data="$tmp/data"
sock="$tmp/sock"
started=0

cleanup ()
{
  local status=$?

  if [ "$started" = 1 ]; then
    as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 \
      || printf 'kefu-test-pg.sh: could not stop the cluster in %s\n' "$data" >&2
  fi
  if [ "$status" -ne 0 ] && [ -f "$tmp/server.log" ]; then
    printf 'kefu-test-pg.sh: last lines of the PostgreSQL log:\n' >&2
    tail -n 20 "$tmp/server.log" >&2
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$sock"
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres: "$tmp"
fi
chmod 700 "$tmp"

as_pg "$bindir/initdb" -D "$data" --username=kefu --auth=trust --encoding=UTF8 \
  --locale=C --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }

# Any port works: the socket lives in our own folder.
port=$((20000 + RANDOM % 20000))
options="-c listen_addresses='' -c unix_socket_directories='$sock' -p $port"
options="$options -c max_connections=40 -c shared_buffers=32MB"
if [ "${KEFU_PG_DURABLE:-0}" != 1 ]; then
  options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi

started=1
as_pg "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -o "$options" -w -t 60 start >/dev/null \
  || die "the PostgreSQL server did not start"
as_pg "$bindir/createdb" -h "$sock" -p "$port" -U kefu kefu \
  || die "createdb failed"

export KEFU_TEST_PG="host=$sock port=$port user=kefu dbname=kefu"
export KEFU_TEST_STORE=postgres
"$@"
