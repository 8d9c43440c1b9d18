#!/usr/bin/env bash
# .ci/wine/exec.sh — `go test -exec` wrapper: run a windows/amd64 binary under Wine.
#
#   GOOS=windows go test -exec /path/to/.ci/wine/exec.sh ./...
#
# Makes sure the prefix is ready and the persistent wineserver is pre-warmed (setup.sh -q,
# ~0.1 s when warm; its messages go to stderr), then runs the .exe under wine64 with its
# arguments, stdin from /dev/null, and propagates the exit code. Bounded by
# SOCKSPEC_WINE_TIMEOUT seconds (default 600; exit code 124 on timeout).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 program.exe [args...]" >&2; exit 2; }

bash "$here/setup.sh" -q >&2

export WINEPREFIX="${SOCKSPEC_CACHE:-$HOME/.cache/sockspec}/wine"
export WINEDEBUG=-all
export WINEARCH=win64
export WINESERVER=${WINESERVER_BIN:-/usr/lib/wine/wineserver}
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

exec timeout --kill-after=10 "${SOCKSPEC_WINE_TIMEOUT:-600}" \
  "${WINE64:-/usr/lib/wine/wine64}" "$@" </dev/null
