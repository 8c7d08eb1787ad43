#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set up and run every test suite headless, then the core suite again in a
# sanitizer build. The last line of output is always
#
#   N passed, N failed, N skipped
#
# summed over both runs, and the exit status is non-zero when anything failed
# (a failed build counts as one failure).
#
# Runs:
#   1. _build       -Dwerror=true; all suites (data, core, sync, server, ui) under
#                   dbus-run-session + xvfb-run, with
#                   GSETTINGS_BACKEND=memory GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
#   2. _build-asan  -Db_sanitize=address,undefined -Db_lundef=false; suite core, with
#                   ASAN_OPTIONS=detect_leaks=1
#                   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
#
# Each run gets fresh, empty XDG home directories, so tests never see (or write
# to) the real user's data, settings or cache.
#
# Extra arguments are passed to both `meson test` runs (e.g. --repeat 3, or a test name).

set -uo pipefail

srcdir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$srcdir" || exit 1

builddir="$srcdir/_build"
asandir="$srcdir/_build-asan"

build_failures=0
logs=()

log ()
{
  printf '\n==> %s\n' "$*" >&2
}

scratch="$(mktemp -d -t kefu-test.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

# Fresh XDG directories for one run.
isolated_env ()
{
  local home="$scratch/$1"
  mkdir -p "$home/data" "$home/config" "$home/cache" "$home/state" "$home/runtime"
  chmod 700 "$home/runtime"
  echo "XDG_DATA_HOME=$home/data" \
       "XDG_CONFIG_HOME=$home/config" \
       "XDG_CACHE_HOME=$home/cache" \
       "XDG_STATE_HOME=$home/state" \
       "XDG_RUNTIME_DIR=$home/runtime"
}

# --- 1. all suites ---------------------------------------------------------

log "Setting up $builddir (-Dwerror=true)"
if KEFU_BUILDDIR="$builddir" bash scripts/setup.sh -Dwerror=true; then
  rm -f "$builddir/meson-logs/testlog.json"
  mkdir -p "$builddir/screenshots"

  log "Running all suites in $builddir"
  # shellcheck disable=SC2046  # word splitting of isolated_env is wanted
  env $(isolated_env main) \
    GSETTINGS_BACKEND=memory \
    GSK_RENDERER=cairo \
    GTK_A11Y=none \
    NO_AT_BRIDGE=1 \
    dbus-run-session -- \
    xvfb-run -a -s '-screen 0 1400x900x24' \
    meson test -C "$builddir" --print-errorlogs "$@"
  logs+=("$builddir/meson-logs/testlog.json")
else
  echo "test.sh: setting up or building $builddir failed" >&2
  build_failures=$((build_failures + 1))
fi

# --- 2. sanitizers, core suite ---------------------------------------------

log "Setting up $asandir (address and undefined behaviour sanitizers)"
if KEFU_BUILDDIR="$asandir" KEFU_SKIP_DEPS=1 bash scripts/setup.sh \
     -Db_sanitize=address,undefined -Db_lundef=false; then
  rm -f "$asandir/meson-logs/testlog.json"

  log "Running suite core in $asandir"
  # G_SLICE/G_DEBUG make GLib use plain malloc and clear freed pointers, so
  # LeakSanitizer sees real leaks only.
  # shellcheck disable=SC2046
  env $(isolated_env asan) \
    GSETTINGS_BACKEND=memory \
    ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    G_SLICE=always-malloc \
    G_DEBUG=gc-friendly \
    meson test -C "$asandir" --suite core --print-errorlogs --timeout-multiplier 3 "$@"
  logs+=("$asandir/meson-logs/testlog.json")
else
  echo "test.sh: setting up or building $asandir failed" >&2
  build_failures=$((build_failures + 1))
fi

# --- screenshots -------------------------------------------------------------

shots="$(find "$builddir/screenshots" -name '*.png' 2>/dev/null | wc -l)"
if [ "$shots" -gt 0 ]; then
  log "UI screenshots ($shots PNG files): $builddir/screenshots/"
fi

# --- summary (must stay the last output) ------------------------------------

log "Summary"
python3 - "$build_failures" "${logs[@]}" <<'EOF'
import json
import os
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}
# Everything else (FAIL, UNEXPECTEDPASS, TIMEOUT, ERROR, INTERRUPT, ...) fails.

passed = skipped = 0
failed = int(sys.argv[1])

for path in sys.argv[2:]:
    if not os.path.exists(path):
        # meson test stopped before running anything (e.g. a rebuild failed).
        print(f"{path}: missing, counted as one failure", file=sys.stderr)
        failed += 1
        continue
    p = f = s = 0
    with open(path, encoding="utf-8") as log:
        for line in log:
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = {"name": "(unreadable testlog line)"}
            result = entry.get("result", "ERROR")
            if result in PASSED:
                p += 1
            elif result in SKIPPED:
                s += 1
            else:
                f += 1
                print(f"  {result}: {entry.get('name', '?')}", file=sys.stderr)
    print(f"{path}: {p} passed, {f} failed, {s} skipped", file=sys.stderr)
    passed += p
    failed += f
    skipped += s

sys.stderr.flush()
print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)
sys.exit(1 if failed else 0)
EOF
