#!/usr/bin/env bash
# .ci/wine/setup.sh — prepare a Wine prefix that runs Go (>= 1.24) windows/amd64 test binaries.
#
#   prefix: ${SOCKSPEC_CACHE:-$HOME/.cache/sockspec}/wine   (outside the repo; reused across runs)
#
# Steps, each skipped when already done:
#   1. wineboot --init (once per prefix, ~11 s; Mono/Gecko installers disabled, no network needed)
#   2. build .ci/wine/processprng.c into bcryptprimitives.dll (cached by source hash) and install
#      it into the prefix's system32 — Wine 8.0 has no bcryptprimitives.dll, Go needs ProcessPrng.
#      Skipped if Wine's own bcryptprimitives.dll already exports ProcessPrng (newer Wine).
#   3. start a persistent wineserver (-p) and pre-warm (services.exe, explorer, ...) with every fd
#      on /dev/null, so that later `go test -exec` runs don't hang on pipes inherited by them.
# Needs: wine64, x86_64-w64-mingw32-gcc (see .ci/setup.sh). Prints one line per action.
# Options: -q  print nothing when nothing had to be done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
quiet=0
[ "${1:-}" = "-q" ] && quiet=1
say() { echo "wine-setup: $*"; }

WINE64=${WINE64:-/usr/lib/wine/wine64}
WINESERVER_BIN=${WINESERVER_BIN:-/usr/lib/wine/wineserver}
cache=${SOCKSPEC_CACHE:-$HOME/.cache/sockspec}
export WINEPREFIX="$cache/wine"
export WINEDEBUG=-all
export WINEARCH=win64
export WINESERVER="$WINESERVER_BIN"
unset DISPLAY WAYLAND_DISPLAY  # console programs only; never try to open windows

for f in "$WINE64" "$WINESERVER_BIN"; do
  [ -x "$f" ] || { echo "wine-setup: $f missing (run .ci/setup.sh)" >&2; exit 1; }
done
mkdir -p "$cache"

# Serialize concurrent setups (several go test -exec / agents at once).
exec 9>"$cache/wine.lock"
timeout 120 flock 9 || { echo "wine-setup: could not lock $cache/wine.lock" >&2; exit 1; }

did=0
# --- 1. prefix ---------------------------------------------------------------------------------
if [ ! -f "$WINEPREFIX/system.reg" ] || [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
  say "wineboot --init in $WINEPREFIX"
  t0=${EPOCHREALTIME/./}
  # mscoree/mshtml disabled: otherwise wineboot offers to download Mono/Gecko.
  WINEDLLOVERRIDES="mscoree,mshtml=" timeout 300 "$WINE64" wineboot --init \
    9>&- </dev/null >"$cache/wineboot.log" 2>&1 || { cat "$cache/wineboot.log" >&2; exit 1; }
  # wineboot returns before the registry is flushed; wait for the server to finish.
  timeout 120 "$WINESERVER_BIN" -w 9>&- || true
  t1=${EPOCHREALTIME/./}
  say "prefix ready in $(( (t1 - t0) / 1000 )) ms"
  did=1
fi

# --- 2. ProcessPrng shim -----------------------------------------------------------------------
sys32="$WINEPREFIX/drive_c/windows/system32"
builtin_dir=$(dirname "$(readlink -f "$WINE64")")
builtin=""
for d in /usr/lib/x86_64-linux-gnu/wine/x86_64-windows /usr/lib/wine/x86_64-windows \
         "$builtin_dir/../x86_64-linux-gnu/wine/x86_64-windows"; do
  [ -f "$d/bcryptprimitives.dll" ] && { builtin="$d/bcryptprimitives.dll"; break; }
done
if [ -n "$builtin" ] && grep -aq ProcessPrng "$builtin"; then
  [ $quiet -eq 1 ] || say "Wine's own bcryptprimitives.dll has ProcessPrng; no shim needed"
else
  src="$here/processprng.c"
  hash=$(sha256sum "$src" | cut -c1-16)
  dll="$cache/bcryptprimitives-$hash.dll"
  if [ ! -f "$dll" ]; then
    command -v x86_64-w64-mingw32-gcc >/dev/null || {
      echo "wine-setup: x86_64-w64-mingw32-gcc missing (run .ci/setup.sh)" >&2; exit 1; }
    say "building ProcessPrng shim -> $dll"
    x86_64-w64-mingw32-gcc -shared -nostdlib -O2 -s -Wall -Wextra \
      -Wl,--entry,ShimEntry -Wl,--no-insert-timestamp \
      -o "$dll.tmp" "$src" -ladvapi32 -lkernel32
    mv "$dll.tmp" "$dll"
    did=1
  fi
  if ! cmp -s "$dll" "$sys32/bcryptprimitives.dll"; then
    say "installing shim as $sys32/bcryptprimitives.dll"
    cp "$dll" "$sys32/bcryptprimitives.dll.tmp"
    mv "$sys32/bcryptprimitives.dll.tmp" "$sys32/bcryptprimitives.dll"
    did=1
  fi
fi

# --- 3. persistent wineserver + pre-warm -------------------------------------------------------
# `wineserver -p` exits at once if a server already runs for this prefix.
# Every process that may outlive this script gets fd 9 (the lock) closed, or it holds the lock.
"$WINESERVER_BIN" -p 9>&- </dev/null >/dev/null 2>&1 || true
# Pre-warm: the first Wine process starts services.exe, winedevice.exe, explorer.exe, ... which
# inherit its fds and live on with the persistent server. They must get /dev/null, not go test's
# pipes. Cheap (~0.3 s) when already warm, so always done.
if ! timeout 120 "$WINE64" cmd.exe /c exit 0 9>&- </dev/null >/dev/null 2>&1; then
  echo "wine-setup: pre-warm (wine64 cmd /c exit) failed" >&2; exit 1
fi
if [ $did -eq 1 ] || [ $quiet -eq 0 ]; then
  say "ready: WINEPREFIX=$WINEPREFIX, wineserver persistent, pre-warmed"
fi
