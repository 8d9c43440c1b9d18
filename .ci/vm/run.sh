#!/usr/bin/env bash
# Run a static Go test binary inside a small QEMU VM that boots Debian's own
# generic kernel, for the socket families this machine's kernel lacks
# (AF_ALG, AF_CAN, AF_TIPC, AF_RDS, AF_QIPCRTR, AF_BLUETOOTH, plus AF_VSOCK).
#
# Usage: .ci/vm/run.sh TESTBINARY [TEST ARGS...]
#   TESTBINARY  built with `CGO_ENABLED=0 go test -c -o X ./pkg`
#   TEST ARGS   passed to the binary unchanged (e.g. -test.run 'VM|Family' -test.v)
# Exit status: the test binary's exit status inside the VM; 3 when the harness
# itself failed (setup error, guest crash, hang or timeout: no exit marker).
#
# Environment (all optional):
#   SOCKSPEC_CACHE        cache root (default $HOME/.cache/sockspec); we use ./vm under it
#   SOCKSPEC_VM_TIMEOUT   seconds the whole VM run may take (default 300)
#   SOCKSPEC_VM_MODULES   extra kernel modules to load in the guest (space separated)
#   SOCKSPEC_VM_KERNEL    kernel ABI to use, e.g. 6.1.0-56-amd64 (default: the one
#                         linux-image-amd64 depends on; a cached one when apt has no lists)
#   SOCKSPEC_VM_ACCEL     QEMU accelerator (default tcg)
#   SOCKSPEC_VM_RAW=1     print the guest console unfiltered (kernel messages too)
#   SOCKSPEC_VM_APPEND    extra kernel command line parameters
set -euo pipefail

readonly HARNESS_FAIL=3
readonly PACKAGES=(qemu-system-x86 busybox-static cpio kmod xz-utils)
# Modules loaded in the guest, in this order, each with all its dependencies.
# A trailing '?' marks a module that may be absent or fail to load.
# The guest has no usable modprobe, so the kernel cannot load what it asks for
# (e.g. "ctr(aes)" for drbg, "stdrng" for ecdh): order matters.
readonly MODULES=(
  ctr gcm ghash_generic seqiv 'ccm?' 'aesni_intel?' sha512_generic 'jitterentropy_rng?' drbg
  af_alg algif_hash algif_skcipher algif_aead algif_rng
  vcan can_raw can_bcm can_isotp can_j1939 can_gw
  tipc
  rds rds_tcp
  qrtr
  bluetooth hci_vhci
  vsock vsock_loopback
)
# Bump when the guest's /init or the initramfs layout changes.
readonly INITRAMFS_FORMAT=1

CACHE="${SOCKSPEC_CACHE:-${HOME:-/root}/.cache/sockspec}/vm"
VM_TIMEOUT="${SOCKSPEC_VM_TIMEOUT:-300}"
ACCEL="${SOCKSPEC_VM_ACCEL:-tcg}"
START_NS=$(date +%s%N)

log() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit "$HARNESS_FAIL"; }
elapsed() { echo "$(( ($(date +%s%N) - START_NS) / 1000000 )) ms"; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 && SUDO=(sudo -n)
fi

apt_install() {
  local out
  if out=$(DEBIAN_FRONTEND=noninteractive timeout 900 "${SUDO[@]}" apt-get \
      -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" 2>&1); then
    return 0
  fi
  if grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch|404' <<<"$out"; then
    log "apt-get install failed for lack of lists; running apt-get update"
    timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 ||
      die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive timeout 900 "${SUDO[@]}" apt-get \
      -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" >&2 ||
      die "apt-get install $* failed"
  else
    printf '%s\n' "$out" >&2
    die "apt-get install $* failed"
  fi
}

ensure_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# Prints the kernel ABI (e.g. 6.1.0-56-amd64) to use.
kernel_version() {
  local v
  if [[ -n ${SOCKSPEC_VM_KERNEL:-} ]]; then
    echo "$SOCKSPEC_VM_KERNEL"
    return
  fi
  # apt-cache takes over a second here: remember its answer for the current lists.
  local stamp memo=$CACHE/kernel/depends.memo
  stamp=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -printf '%f %s %T@\n' 2>/dev/null |
    LC_ALL=C sort | sha256sum | cut -c1-16)
  if [[ -e $memo && $(cut -d' ' -f1 "$memo") == "$stamp" ]]; then
    cut -d' ' -f2 "$memo"
    return
  fi
  v=$(timeout 60 apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1)
  if [[ -n $v ]]; then
    echo "$stamp $v" >"$memo.tmp"
    mv -f "$memo.tmp" "$memo"
  elif [[ -e $CACHE/kernel/current ]]; then
    v=$(<"$CACHE/kernel/current")
  fi
  if [[ -z $v ]]; then
    log "apt knows no linux-image-amd64; running apt-get update"
    timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 ||
      die "apt-get update failed"
    v=$(timeout 60 apt-cache depends linux-image-amd64 2>/dev/null |
      sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' | head -n 1)
  fi
  [[ -n $v ]] || die "cannot tell which kernel linux-image-amd64 depends on"
  echo "$v"
}

# Extracts an uncompressed ELF vmlinux from a bzImage; fails if it cannot.
extract_vmlinux() {
  local img=$1 out=$2 off
  # Debian's amd64 kernels are xz-compressed (CONFIG_KERNEL_XZ).
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | head -n 1 | cut -d: -f1) || true
  [[ -n $off ]] || return 1
  # xz stops at the end of the stream, so tail may die of SIGPIPE: only xz counts.
  { tail -c +"$((off + 1))" "$img" || true; } |
    timeout 120 xz -dc --single-stream >"$out" 2>/dev/null || return 1
  [[ $(head -c 4 "$out" | od -An -c | tr -d ' ') == '177ELF' ]]
}

# Downloads and unpacks linux-image-$1 into $CACHE/kernel/$1; fails if it cannot.
fetch_kernel() {
  local ver=$1 tmp deb
  log "fetching kernel linux-image-$ver (no /boot changes)"
  # Called in a condition, so set -e is off here: check every step.
  tmp=$(mktemp -d "$CACHE/kernel/.tmp.XXXXXX") || return 1
  if ! (cd "$tmp" && timeout 600 apt-get download "linux-image-$ver" >/dev/null 2>&1); then
    log "apt-get download failed; running apt-get update"
    if ! { timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 &&
      (cd "$tmp" && timeout 600 apt-get download "linux-image-$ver" >&2); }; then
      log "apt-get download linux-image-$ver failed"
      rm -rf "$tmp"
      return 1
    fi
  fi
  deb=$(find "$tmp" -maxdepth 1 -name 'linux-image-*.deb' | head -n 1)
  if [[ -z $deb ]] || ! timeout 300 dpkg-deb -x "$deb" "$tmp/root"; then
    rm -rf "$tmp"
    die "dpkg-deb -x ${deb:-linux-image-$ver} failed"
  fi
  rm -f "$deb" || return 1
  # Newer Debian ships modules under usr/lib only.
  if [[ ! -d $tmp/root/lib/modules && -d $tmp/root/usr/lib/modules ]]; then
    ln -s usr/lib "$tmp/root/lib" || return 1
  fi
  timeout 300 depmod -b "$tmp/root" "$ver" || { rm -rf "$tmp"; die "depmod failed"; }
  if ! extract_vmlinux "$tmp/root/boot/vmlinuz-$ver" "$tmp/vmlinux"; then
    log "could not extract an uncompressed vmlinux; booting vmlinuz (slower)"
    rm -f "$tmp/vmlinux"
  fi
  chmod 755 "$tmp" && touch "$tmp/.complete" && rm -rf "$CACHE/kernel/$ver" &&
    mv -T "$tmp" "$CACHE/kernel/$ver"
}

# Makes $CACHE/kernel/$KVER hold the extracted package, depmod'ed, and a boot
# image; sets KROOT and KIMAGE.  Falls back to the cached kernel when a newer
# one cannot be fetched.
ensure_kernel() {
  local old=''
  [[ -e $CACHE/kernel/current ]] && old=$(<"$CACHE/kernel/current")
  if [[ ! -e $CACHE/kernel/$KVER/.complete ]] && ! fetch_kernel "$KVER"; then
    [[ -n $old && -e $CACHE/kernel/$old/.complete ]] || die "no kernel to boot"
    log "warning: using the cached kernel $old instead of $KVER"
    KVER=$old
  fi
  echo "$KVER" >"$CACHE/kernel/current.tmp"
  mv -f "$CACHE/kernel/current.tmp" "$CACHE/kernel/current"
  # Keep only this kernel in the cache (and no leftovers of interrupted runs).
  find "$CACHE/kernel" -mindepth 1 -maxdepth 1 -type d ! -name "$KVER" -exec rm -rf {} +
  KROOT=$CACHE/kernel/$KVER/root
  KIMAGE=$CACHE/kernel/$KVER/vmlinux
  [[ -e $KIMAGE ]] || KIMAGE=$KROOT/boot/vmlinuz-$KVER
}

# The guest's /init (busybox sh).  The per-run part (the test binary and its
# arguments) comes in a second cpio archive appended to this one.
write_init() {
  cat >"$1" <<'EOF'
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
# shellcheck source=/dev/null
. /etc/sockspec-vm/run.conf
# Console: only emergencies/alerts/critical from here on (e.g. hide the
# harmless Bluetooth "command tx timeout" on the virtual controller).
[ "$VM_RAW" = 1 ] || echo 3 >/proc/sys/kernel/printk
while read -r m; do
  case "$m" in
    '?'*) insmod "${m#?}" 2>/dev/null || [ "$VM_RAW" != 1 ] ||
      echo "sockspec-vm: optional module ${m#?} not loaded" ;;
    *) insmod "$m" || echo "sockspec-vm: insmod $m failed" ;;
  esac
done </etc/sockspec-vm/modules
ip link set lo up
ip addr add 127.0.0.1/8 dev lo 2>/dev/null
ip link add dev vcan0 type vcan && ip link set vcan0 up ||
  echo "sockspec-vm: could not create vcan0"
export SOCKSPEC_VM=1 HOME=/root TMPDIR=/tmp
mkdir -p /root
cd /work || exit 1
vm_test # defined in run.conf: runs /work/test.bin with the harness's arguments
rc=$?
echo
echo "SOCKSPEC-VM-EXIT-$VM_NONCE=$rc"
poweroff -f
EOF
  chmod 755 "$1"
}

# Builds (once) the initramfs part with busybox, modules and /init.
ensure_base_initramfs() {
  local key m want path rel st bb extra=()
  read -r -a extra <<<"${SOCKSPEC_VM_MODULES:-}"
  want=("${MODULES[@]}" "${extra[@]}")
  bb=$(command -v busybox || echo /bin/busybox)
  [[ -x $bb ]] || die "busybox not found"
  key=$( { echo "$INITRAMFS_FORMAT $KVER"; printf '%s\n' "${want[@]}"; sha256sum "$bb" "$0"; } |
    sha256sum | cut -c1-16)
  BASE=$CACHE/initramfs/base-$key.cpio.gz
  [[ -e $BASE ]] && return
  find "$CACHE/initramfs" -mindepth 1 -maxdepth 1 -type d -name '.tmp.*' -exec rm -rf {} +
  log "building initramfs for $KVER"
  st=$(mktemp -d "$CACHE/initramfs/.tmp.XXXXXX")
  mkdir -p "$st/root/bin" "$st/root/etc/sockspec-vm" "$st/root/"{proc,sys,dev,tmp,work,root,sbin,usr/bin,usr/sbin}
  cp "$bb" "$st/root/bin/busybox"
  while read -r path; do
    [[ $path == bin/busybox ]] && continue
    mkdir -p "$st/root/$(dirname "$path")"
    ln -sf /bin/busybox "$st/root/$path"
  done < <("$bb" --list-full)
  write_init "$st/root/init"
  : >"$st/modules.list"
  for m in "${want[@]}"; do
    local opt='' lines
    if [[ $m == *'?' ]]; then opt='?'; m=${m%'?'}; fi
    if ! lines=$(timeout 60 modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>&1); then
      [[ -n $opt ]] && continue
      rm -rf "$st"
      die "kernel $KVER has no module $m: $lines"
    fi
    while read -r kind path _; do
      [[ $kind == insmod ]] || continue  # "builtin X": nothing to load
      rel=${path#"$KROOT"/}
      grep -qxF "$rel" "$st/modules.list" && continue
      echo "$rel" >>"$st/modules.list"
      local dst=$st/root/${rel%.xz}
      dst=${dst%.zst}
      dst=${dst%.gz}
      mkdir -p "$(dirname "$dst")"
      case $path in
        *.xz) xz -dc "$path" >"$dst" ;;
        *.zst) zstd -qdc "$path" >"$dst" ;;
        *.gz) gzip -dc "$path" >"$dst" ;;
        *) cp "$path" "$dst" ;;
      esac
      rel=/${dst#"$st"/root/}
      # Dependencies of an optional module are optional too (one list entry each).
      if [[ -n $opt ]]; then echo "?$rel"; else echo "$rel"; fi >>"$st/root/etc/sockspec-vm/modules"
    done <<<"$lines"
  done
  (cd "$st/root" && find . -print0 | LC_ALL=C sort -z |
    timeout 120 cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$st/base.cpio.gz"
  # Pad to 4 bytes so the appended per-run archive starts aligned.
  local size; size=$(stat -c %s "$st/base.cpio.gz")
  if ((size % 4)); then head -c $((4 - size % 4)) /dev/zero >>"$st/base.cpio.gz"; fi
  mv -f "$st/base.cpio.gz" "$BASE"
  rm -rf "$st"
  find "$CACHE/initramfs" -maxdepth 1 -name 'base-*.cpio.gz' ! -name "${BASE##*/}" -delete
}

# Single-quotes a word for sh.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

main() {
  (($# >= 1)) || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
  local bin=$1; shift
  [[ -f $bin && -r $bin ]] || die "no test binary: $bin"
  if LC_ALL=C grep -qa 'ld-linux-x86-64.so' "$bin"; then
    log "warning: $bin looks dynamically linked; build it with CGO_ENABLED=0"
  fi

  mkdir -p "$CACHE/kernel" "$CACHE/initramfs"
  ensure_packages
  local lockfd
  exec {lockfd}>"$CACHE/.lock"
  flock -w 1200 "$lockfd" || die "timed out waiting for the cache lock"
  KVER=$(kernel_version)
  ensure_kernel
  ensure_base_initramfs
  flock -u "$lockfd"
  exec {lockfd}>&-

  local work nonce a
  work=$(mktemp -d "${TMPDIR:-/tmp}/sockspec-vm.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  mkdir -p "$work/run/etc/sockspec-vm" "$work/run/work"
  cp "$bin" "$work/run/work/test.bin"
  chmod 755 "$work/run/work/test.bin"
  {
    echo "VM_NONCE=$nonce"
    echo "VM_RAW=${SOCKSPEC_VM_RAW:-0}"
    printf 'vm_test() {\n  /work/test.bin'
    for a in "$@"; do printf ' %s' "$(shq "$a")"; done
    printf '\n}\n'
  } >"$work/run/etc/sockspec-vm/run.conf"
  # run.conf is sourced by /init, which then calls vm_test.
  (cd "$work/run" && find . -print0 | LC_ALL=C sort -z |
    timeout 120 cpio --null -o -H newc -R 0:0 --quiet) >"$work/run.cpio"
  cat "$BASE" "$work/run.cpio" >"$work/initrd"

  # cryptomgr.notests: skip the crypto self-tests at boot and module load
  # (~0.5 s under TCG); the tests check their results against Go's crypto anyway.
  local append='console=ttyS0 panic=-1 cryptomgr.notests'
  [[ ${SOCKSPEC_VM_RAW:-0} == 1 ]] || append+=' quiet'
  append+=${SOCKSPEC_VM_APPEND:+ $SOCKSPEC_VM_APPEND}
  log "booting $KVER ($(basename "$KIMAGE"), accel $ACCEL) after $(elapsed)"
  local st
  set +e
  timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu max -m 1024 \
      -nographic -no-reboot -nic none \
      -kernel "$KIMAGE" -initrd "$work/initrd" -append "$append" </dev/null 2>&1 |
    tee "$work/console.log" |
    if [[ ${SOCKSPEC_VM_RAW:-0} == 1 ]]; then cat; else
      LC_ALL=C sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' \
        -e '/^\[ *[0-9]*\.[0-9]*\] /d' \
        -e '/^SeaBIOS (version /d' -e 's/^Booting from ROM\.\.//' -e "/^SOCKSPEC-VM-EXIT-$nonce=/d"
    fi
  st=("${PIPESTATUS[@]}")
  set -e

  local marker rc
  marker=$(LC_ALL=C grep -ao "SOCKSPEC-VM-EXIT-$nonce=[0-9]*" "$work/console.log" | tail -n 1) || true
  if [[ -z $marker ]]; then
    if [[ ${st[0]} == 124 || ${st[0]} == 137 ]]; then
      log "error: the VM timed out after ${VM_TIMEOUT}s without reporting the tests' exit code"
    else
      log "error: the VM stopped (qemu status ${st[0]}) without reporting the tests' exit code"
    fi
    log "last lines of the raw guest console:"
    LC_ALL=C tail -n 40 "$work/console.log" |
      LC_ALL=C sed -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' >&2
    exit "$HARNESS_FAIL"
  fi
  rc=${marker##*=}
  log "tests exited with status $rc; total $(elapsed)"
  exit "$rc"
}

main "$@"
