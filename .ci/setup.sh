#!/usr/bin/env bash
# .ci/setup.sh — install the cross toolchains and emulators the CI needs, idempotently.
#
# Installs (Debian packages, only those missing, checked with dpkg):
#   gcc-aarch64-linux-gnu, libc6-dev-arm64-cross   linux/arm64 C probe compiler + headers
#   qemu-user-static                               run linux/arm64 test binaries (qemu-aarch64-static)
#   gcc-mingw-w64-x86-64-win32                     x86_64-w64-mingw32-gcc + mingw-w64 headers
#   wine64                                         run windows/amd64 test binaries (/usr/lib/wine/wine64)
#   chromium                                       renders the audit's HTML page in a test (headless)
#   curl                                           a real HTTP client in the ecosystem tests
# `apt-get update` runs only when something must be installed. One line per action.
# A warm run (all present) takes a few tens of milliseconds.
set -euo pipefail

PKGS=(
  gcc-aarch64-linux-gnu
  libc6-dev-arm64-cross
  qemu-user-static
  gcc-mingw-w64-x86-64-win32
  wine64
  chromium
  curl
)

missing=()
# One dpkg-query for all packages; unknown packages make it exit non-zero, so ignore its status.
status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
for p in "${PKGS[@]}"; do
  if ! grep -qx "$p installed" <<<"$status"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present (${PKGS[*]})"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-q -y -o Dpkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0 --no-install-recommends)

start=$SECONDS
echo "setup: missing: ${missing[*]}"
echo "setup: apt-get update"
timeout 600 $SUDO apt-get -q -o Dpkg::Lock::Timeout=600 update >/tmp/sockspec-apt-update.log 2>&1 || {
  cat /tmp/sockspec-apt-update.log >&2; echo "setup: apt-get update failed" >&2; exit 1; }
echo "setup: apt-get install ${missing[*]}"
timeout 1200 $SUDO apt-get "${APT_OPTS[@]}" install "${missing[@]}" >/tmp/sockspec-apt-install.log 2>&1 || {
  tail -50 /tmp/sockspec-apt-install.log >&2; echo "setup: apt-get install failed" >&2; exit 1; }

# Sanity: the commands the CI scripts call.
for c in aarch64-linux-gnu-gcc qemu-aarch64-static x86_64-w64-mingw32-gcc /usr/lib/wine/wine64; do
  command -v "$c" >/dev/null || { echo "setup: $c not found after install" >&2; exit 1; }
done
echo "setup: installed ${#missing[@]} package(s) in $((SECONDS - start)) s"
