#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts kefu-server from the build dir with the embedded SQLite store on
# 127.0.0.1:8765. The first run creates the data folder and asks for the
# password of its first admin (user name "admin", or $KEFU_ADMIN).
#
#   scripts/run-server.sh [DATA-DIR] [kefu-server options...]
#
# DATA-DIR defaults to ~/.local/share/kefu-server.

set -euo pipefail

srcdir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
builddir="${KEFU_BUILDDIR:-$srcdir/_build}"
data="${1:-${XDG_DATA_HOME:-$HOME/.local/share}/kefu-server}"
shift || true

if [ ! -x "$builddir/src/server/kefu-server" ]; then
  KEFU_BUILDDIR="$builddir" bash "$srcdir/scripts/setup.sh"
fi
server="$builddir/src/server/kefu-server"

if [ ! -e "$data/kefu-server.db" ]; then
  echo "Creating $data with the first admin \"${KEFU_ADMIN:-admin}\"." >&2
  "$server" init --data "$data" --admin "${KEFU_ADMIN:-admin}"
fi
exec "$server" serve --data "$data" "$@"
