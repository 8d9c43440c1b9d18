#!/usr/bin/env bash
# .ci/cross/arm64.sh [go test args...] — run linux/arm64 tests under qemu-user.
#
#   .ci/cross/arm64.sh ./...            (default args: ./...)
#   .ci/cross/arm64.sh -run TestX -v .
#
# Builds with GOARCH=arm64 CGO_ENABLED=0 and runs each test binary with qemu-aarch64-static
# (syscalls go to the host kernel, so loopback sockets work). Runs in the repo root, or in
# $SOCKSPEC_DIR if set (e.g. a scratch module). Bounded by $SOCKSPEC_CROSS_TIMEOUT s (1800).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$root/.ci/setup.sh" >&2
command -v qemu-aarch64-static >/dev/null || { echo "arm64.sh: qemu-aarch64-static missing" >&2; exit 1; }
cd "${SOCKSPEC_DIR:-$root}"
[ $# -gt 0 ] || set -- ./...
echo "arm64.sh: GOOS=linux GOARCH=arm64 go test -exec qemu-aarch64-static $* (in $PWD)" >&2
exec timeout --kill-after=30 "${SOCKSPEC_CROSS_TIMEOUT:-1800}" \
  env GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go test -exec qemu-aarch64-static "$@"
