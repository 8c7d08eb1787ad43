#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set up (scripts/setup.sh) and start Kefu from the build dir, without installing.
#
#   scripts/run.sh [KEFU_ARGUMENT...]        e.g. scripts/run.sh --database /tmp/kefu.db
#
# The uninstalled app finds its data through these variables:
#   GSETTINGS_SCHEMA_DIR=<builddir>/data   the compiled GSettings schema
#   KEFU_LOCALEDIR=<builddir>/po           the built translations
#                                          (<builddir>/po/zh_CN/LC_MESSAGES/kefu.mo);
#                                          the app passes it to bindtextdomain()
#                                          instead of LOCALEDIR when it is set.
# Try the Chinese interface with:  LANG=zh_CN.UTF-8 scripts/run.sh
#
# Environment: KEFU_BUILDDIR (default _build), as for setup.sh.

set -euo pipefail

srcdir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
builddir="${KEFU_BUILDDIR:-_build}"
case "$builddir" in
  /*) ;;
  *) builddir="$srcdir/$builddir" ;;
esac
export KEFU_BUILDDIR="$builddir"

bash "$srcdir/scripts/setup.sh"

kefu="$builddir/src/app/kefu"
if [ ! -x "$kefu" ]; then
  echo "run.sh: $kefu was not built; see the build output above." >&2
  exit 1
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<EOF
run.sh: Kefu is built, but there is no graphical session to show it in
(neither DISPLAY nor WAYLAND_DISPLAY is set).

Kefu is a desktop application and needs a graphical session. Start it from a
terminal inside your desktop session. If you ran this script through sudo, sudo
may have dropped those variables; keep them with:
  sudo --preserve-env=DISPLAY,WAYLAND_DISPLAY,XDG_RUNTIME_DIR,XAUTHORITY scripts/run.sh

To check the build without a display, run scripts/test.sh.
EOF
  exit 1
fi

export GSETTINGS_SCHEMA_DIR="$builddir/data"
export KEFU_LOCALEDIR="$builddir/po"

exec "$kefu" "$@"
