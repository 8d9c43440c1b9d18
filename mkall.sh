#!/usr/bin/env bash
# Regenerates every target's z-file and scrape record from spec/.
#
#   ./mkall.sh            regenerate in place (zsocket_*.go, spec/scrape/*.json)
#   ./mkall.sh --check    regenerate into a temporary directory and fail if the
#                         committed files differ (the CI drift check)
#
# Installs what it needs with apt-get when missing (cross compilers, header
# packages), caches downloaded header packages under $SOCKSPEC_CACHE
# (default ~/.cache/sockspec), and is deterministic: two runs leave no diff.
# Header package versions are pinned in spec/headers.lock; KERNEL_HEADERS_VERSION
# overrides the linux-libc-dev version.
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
cache=${SOCKSPEC_CACHE:-$HOME/.cache/sockspec}
check=0
for arg in "$@"; do
	case $arg in
	--check) check=1 ;;
	-h | --help)
		sed -n '2,13p' "$0"
		exit 0
		;;
	*)
		echo "mkall.sh: unknown argument $arg" >&2
		exit 2
		;;
	esac
done

log() { printf 'mkall: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update() {
	if [ $apt_updated = 0 ]; then
		log "apt-get update"
		as_root timeout 300 apt-get -o DPkg::Lock::Timeout=300 update -qq
		apt_updated=1
	fi
}

# ensure_pkgs PKG...: install the Debian packages that are missing.
ensure_pkgs() {
	local missing=()
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	apt_update
	log "apt-get install ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
}

# fetch_deb PKG VERSION ARCH: download and unpack one header package into the
# cache; prints the unpacked directory.
fetch_deb() {
	local pkg=$1 ver=$2 arch=$3
	local dir="$cache/headers/${pkg}_${ver}_${arch}"
	if [ ! -f "$dir/.ok" ]; then
		mkdir -p "$cache/debs"
		local deb
		deb=$(find "$cache/debs" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_${arch}.deb" | head -n 1)
		if [ -z "$deb" ]; then
			log "downloading $pkg:$arch=$ver"
			if ! (cd "$cache/debs" && timeout 300 apt-get download -qq "$pkg:$arch=$ver" 2>/dev/null); then
				apt_update
				(cd "$cache/debs" && timeout 300 apt-get download -qq "$pkg:$arch=$ver" 2>/dev/null) || return 1
			fi
			deb="$cache/debs/${pkg}_${ver//:/%3a}_${arch}.deb"
			[ -f "$deb" ] || { log "apt-get download did not produce $deb"; return 1; }
		fi
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.ok"
	fi
	echo "$dir"
}

lock_version() { awk -v p="$1" '$1 == p { print $2 }' spec/headers.lock; }

# --- toolchains --------------------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "dpkg --add-architecture arm64 (to download arm64 kernel headers)"
	as_root dpkg --add-architecture arm64
	apt_updated=0
	apt_update
fi
ensure_pkgs gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-mingw-w64-x86-64-win32

kver=${KERNEL_HEADERS_VERSION:-$(lock_version linux-libc-dev)}
btver=$(lock_version libbluetooth-dev)
for arch in amd64 arm64; do
	if ! fetch_deb linux-libc-dev "$kver" "$arch" >/dev/null; then
		# Debian replaces security updates in place; fall back to what apt offers
		# for both architectures, and say so (the drift check compares values).
		apt_update
		newver=$(apt-cache madison linux-libc-dev | awk '{print $3}' | head -n 1)
		log "linux-libc-dev $kver is no longer downloadable; using $newver (update spec/headers.lock)"
		kver=$newver
		fetch_deb linux-libc-dev "$kver" "$arch" >/dev/null
	fi
done
if ! btdir=$(fetch_deb libbluetooth-dev "$btver" amd64); then
	apt_update
	btver=$(apt-cache madison libbluetooth-dev | awk '{print $3}' | head -n 1)
	log "libbluetooth-dev: using $btver (update spec/headers.lock)"
	btdir=$(fetch_deb libbluetooth-dev "$btver" amd64)
fi

# --- generate ----------------------------------------------------------------
out=$root
records=$root/spec/scrape
if [ $check = 1 ]; then
	out=$(mktemp -d)
	records=$out/scrape
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$cache/bin"
gen=$cache/bin/sockspec-generator
go build -o "$gen" ./generator

# linux: glibc from the compiler's own sysroot, kernel uapi headers from the one
# pinned linux-libc-dev version for every arch, BlueZ headers (arch-independent).
declare -A triplet=([amd64]=x86_64-linux-gnu [arm64]=aarch64-linux-gnu)
declare -A linuxcc=([amd64]=gcc [arm64]=aarch64-linux-gnu-gcc)
for arch in amd64 arm64; do
	kdir=$(fetch_deb linux-libc-dev "$kver" "$arch")/usr/include
	"$gen" gen -spec spec -out "$out" -records "$records" \
		-target "linux/$arch" -cc "${linuxcc[$arch]}" \
		-I "$kdir" -I "$kdir/${triplet[$arch]}" -I "$btdir/usr/include" \
		-kernel-headers "linux-libc-dev $kver" \
		-extra "libbluetooth-dev $btver (arch-independent headers)"
done

# windows: mingw-w64's Winsock headers; names it lacks come from
# golang.org/x/sys/windows or are stated in the spec with their source.
mingwver=$(dpkg-query -W -f '${Version}' mingw-w64-x86-64-dev)
"$gen" gen -spec spec -out "$out" -records "$records" \
	-target windows/amd64 -cc x86_64-w64-mingw32-gcc -per-arch=false \
	-extra "mingw-w64-x86-64-dev $mingwver"

# darwin, freebsd: their headers are not available here, so their values come
# from golang.org/x/sys/unix (generated from the real headers on those systems),
# read with go/types, plus the values the spec states with their documents. Both
# arches go into one file when they agree. On a macOS or FreeBSD host with a C
# compiler, that host's own headers are scraped for its arch instead.
host=$(uname -s)
for os in darwin freebsd; do
	if { [ "$host" = Darwin ] && [ $os = darwin ]; } || { [ "$host" = FreeBSD ] && [ $os = freebsd ]; }; then
		harch=$(go env GOARCH)
		rm -f "$out/zsocket_$os.go"
		"$gen" gen -spec spec -out "$out" -records "$records" -target "$os/$harch" -cc cc \
			-extra "$(uname -sr) SDK headers"
		for a in amd64 arm64; do
			[ "$a" = "$harch" ] || "$gen" gen -spec spec -out "$out" -records "$records" -target "$os/$a"
		done
	else
		"$gen" gen -spec spec -out "$out" -records "$records" -target "$os/amd64,arm64" -per-arch=false
	fi
done

if [ $check = 1 ]; then
	"$gen" drift -committed "$root" "$out"
fi
