#!/usr/bin/env bash
# .ci/cross/vet-other.sh [packages...] — compile-only checks for targets that cannot run here.
#
# For darwin/amd64, darwin/arm64, freebsd/amd64, freebsd/arm64 (override with
# $SOCKSPEC_VET_TARGETS="os/arch ..."): `go vet` and `go test -c -o /dev/null` for every package
# (code and tests compiled and linked, nothing run). Default packages: ./... . Runs in the repo
# root, or in $SOCKSPEC_DIR if set. Keeps going after a failure and exits 1 if any step failed.
# Bounded by $SOCKSPEC_CROSS_TIMEOUT s (1800) per step.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "${SOCKSPEC_DIR:-$root}"
[ $# -gt 0 ] || set -- ./...
targets=${SOCKSPEC_VET_TARGETS:-"darwin/amd64 darwin/arm64 freebsd/amd64 freebsd/arm64"}
limit=${SOCKSPEC_CROSS_TIMEOUT:-1800}

failed=()
for t in $targets; do
  os=${t%/*} arch=${t#*/}
  export GOOS=$os GOARCH=$arch CGO_ENABLED=0
  if timeout "$limit" go vet "$@"; then
    echo "vet-other: $t go vet ok"
  else
    echo "vet-other: $t go vet FAILED" >&2; failed+=("$t vet")
  fi
  # One package at a time: `go test -c` links each test binary and discards it.
  mapfile -t pkgs < <(timeout "$limit" go list "$@")
  nok=0
  for p in "${pkgs[@]}"; do
    if timeout "$limit" go test -c -o /dev/null "$p" >/dev/null; then  # stdout: "? pkg [no test files]"
      nok=$((nok + 1))
    else
      echo "vet-other: $t go test -c $p FAILED" >&2; failed+=("$t test -c $p")
    fi
  done
  echo "vet-other: $t go test -c: $nok/${#pkgs[@]} packages compiled"
done
unset GOOS GOARCH CGO_ENABLED
if [ ${#failed[@]} -gt 0 ]; then
  echo "vet-other: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "vet-other: all targets ok ($targets)"
