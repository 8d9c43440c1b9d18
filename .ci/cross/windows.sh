#!/usr/bin/env bash
# .ci/cross/windows.sh [go test args...] — run windows/amd64 tests under Wine.
#
#   .ci/cross/windows.sh ./...          (default args: ./...)
#
# Installs what is missing (.ci/setup.sh), prepares the Wine prefix and a pre-warmed persistent
# wineserver (.ci/wine/setup.sh), then GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test with
# -exec .ci/wine/exec.sh. Runs in the repo root, or in $SOCKSPEC_DIR if set.
# Bounded by $SOCKSPEC_CROSS_TIMEOUT s (1800); each test binary by $SOCKSPEC_WINE_TIMEOUT (600).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$root/.ci/setup.sh" >&2
bash "$root/.ci/wine/setup.sh" >&2
cd "${SOCKSPEC_DIR:-$root}"
[ $# -gt 0 ] || set -- ./...
echo "windows.sh: GOOS=windows GOARCH=amd64 go test -exec .ci/wine/exec.sh $* (in $PWD)" >&2
exec timeout --kill-after=30 "${SOCKSPEC_CROSS_TIMEOUT:-1800}" \
  env GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -exec "$root/.ci/wine/exec.sh" "$@"
