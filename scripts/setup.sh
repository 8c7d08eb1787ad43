#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set up a Kefu build on Debian 12: install the missing Debian packages, make
# sure the en_US.UTF-8 and zh_CN.UTF-8 locales exist, configure the meson
# build dir and compile.
#
#   scripts/setup.sh [MESON_OPTION...]        e.g. scripts/setup.sh -Dwerror=true
#
# Environment:
#   KEFU_BUILDDIR   build dir, relative to the source root or absolute (default: _build)
#   KEFU_SKIP_DEPS  set to 1 to skip the package and locale checks
#
# Every step is skipped when there is nothing to do, so running it again is cheap.
# The meson options given are compared with the build dir's current values; the
# build dir is reconfigured only when one differs.

set -euo pipefail

srcdir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
builddir="${KEFU_BUILDDIR:-_build}"
case "$builddir" in
  /*) ;;
  *) builddir="$srcdir/$builddir" ;;
esac

# Keep this list in step with the dependencies in meson.build.
packages=(
  build-essential
  meson
  ninja-build
  pkg-config
  gettext
  libglib2.0-dev
  libglib2.0-dev-bin
  libgtk-4-dev
  libadwaita-1-dev
  libsqlite3-dev
  sqlite3
  libjson-glib-dev
  libsoup-3.0-dev
  libcsv-dev
  libxlsxwriter-dev
  libsodium-dev
  libpq-dev
  postgresql
  libsecret-1-dev
  gnome-keyring
  libgtksourceview-5-dev
  libmd4c-dev
  clang
  poppler-utils
  desktop-file-utils
  appstream
  xvfb
  xauth
  dbus
  dbus-x11
  fonts-noto-cjk
  imagemagick
  locales
)

# Locales the app and its tests use (names as in /etc/locale.gen).
locales=(
  "en_US.UTF-8 UTF-8"
  "zh_CN.UTF-8 UTF-8"
)

log ()
{
  printf '==> %s\n' "$*" >&2
}

die ()
{
  printf 'setup.sh: %s\n' "$*" >&2
  exit 1
}

# Run a command as root: directly when we are root, else through sudo.
as_root ()
{
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (run this script as root or install sudo)"
  fi
}

install_packages ()
{
  local missing=() pkg status

  for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done

  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi

  log "Installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# "zh_CN.UTF-8" is listed by `locale -a` as "zh_CN.utf8".
have_locale ()
{
  local want
  want="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed 's/utf-8$/utf8/')"
  locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | grep -qx "$want"
}

generate_locales ()
{
  local missing=() entry name

  for entry in "${locales[@]}"; do
    name="${entry%% *}"
    if ! have_locale "$name"; then
      missing+=("$entry")
    fi
  done

  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi

  log "Generating locales: ${missing[*]%% *}"
  for entry in "${missing[@]}"; do
    # Uncomment the line when it is there, else append it.
    if grep -Eq "^[#[:space:]]*${entry}\$" /etc/locale.gen 2>/dev/null; then
      as_root sed -i -E "s/^[#[:space:]]*(${entry})\$/\\1/" /etc/locale.gen
    else
      printf '%s\n' "$entry" | as_root tee -a /etc/locale.gen >/dev/null
    fi
  done
  as_root locale-gen
}

# Print "1" when every -Dkey=value / --key=value option already has that value in
# the build dir, "0" otherwise (or when an option cannot be compared).
options_match ()
{
  meson introspect --buildoptions "$builddir" 2>/dev/null | python3 -c '
import json, sys

try:
    current = {o["name"]: o["value"] for o in json.load(sys.stdin)}
except Exception:
    print(0)
    sys.exit(0)

def norm(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(str(x) for x in v)
    return str(v)

for arg in sys.argv[1:]:
    if arg.startswith("-D"):
        arg = arg[2:]
    elif arg.startswith("--"):
        arg = arg[2:]
        if "=" not in arg:
            arg += "=true"            # --werror and friends
    else:
        print(0)
        sys.exit(0)
    key, _, value = arg.partition("=")
    key = key.replace("-", "_") if key not in current else key
    if key not in current or norm(current[key]) != value:
        print(0)
        sys.exit(0)
print(1)
' "$@"
}

configure ()
{
  if [ ! -f "$builddir/meson-private/coredata.dat" ]; then
    log "Configuring $builddir"
    meson setup "$builddir" "$srcdir" "$@"
  elif [ "$#" -gt 0 ] && [ "$(options_match "$@")" != 1 ]; then
    log "Reconfiguring $builddir with: $*"
    meson setup --reconfigure "$builddir" "$srcdir" "$@"
  fi
}

if [ "${KEFU_SKIP_DEPS:-0}" != 1 ]; then
  install_packages
  generate_locales
fi

cd "$srcdir"
configure "$@"
log "Building in $builddir"
meson compile -C "$builddir"
