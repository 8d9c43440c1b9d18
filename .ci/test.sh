#!/usr/bin/env bash
# The whole test suite, as the README's second command. Installs what the tests
# need with apt (idempotent, quick when present), then runs, in order: format and
# vet checks on every target, the generator drift check, the native tests with
# -race, the arm64 tests under qemu-user, the windows tests under Wine, and the
# kernel-family tests in a VM. Each stage prints a header; go test prints its own
# result lines.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOCKSPEC_CACHE=${SOCKSPEC_CACHE:-$HOME/.cache/sockspec}
start=$SECONDS
stage() { printf '\n==> %s (%ds)\n' "$*" $((SECONDS - start)); }

stage "setup: toolchains and tools (apt, only what is missing)"
bash .ci/setup.sh

stage "gofmt"
bad=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$bad" ]; then
	printf 'gofmt needed:\n%s\n' "$bad"
	exit 1
fi

stage "go vet (linux/amd64, linux/arm64)"
go vet ./...
GOARCH=arm64 go vet ./...

stage "generator: regenerate and compare (mkall.sh --check)"
./mkall.sh --check

stage "tests: linux/$(go env GOARCH), -race"
go test -race -count=1 ./...

stage "tests: the socket package on one P (GOMAXPROCS=1: raw direct waits, blocking receives)"
GOMAXPROCS=1 go test -count=1 .

stage "tests: the socket package with every netpoller wait through the epoll instance (SOCKSPEC_POLLDUPS=0)"
SOCKSPEC_POLLDUPS=0 go test -count=1 .

stage "address families in a VM (ALG, CAN, TIPC, RDS, QIPCRTR, BLUETOOTH, VSOCK; Debian kernel under QEMU)"
famtest=$(mktemp /tmp/sockspec-families.XXXXXX.test)
CGO_ENABLED=0 go test -c -o "$famtest" .
# rfcomm is not in run.sh's module list; the Bluetooth test binds an RFCOMM socket.
SOCKSPEC_VM_MODULES=rfcomm SOCKSPEC_VM_TIMEOUT=180 .ci/vm/run.sh "$famtest" -test.run '^TestVM|^TestVSOCKLocal' -test.v ||
	{ rc=$?; rm -f "$famtest"; exit $rc; }
rm -f "$famtest"

stage "tests: linux/arm64 under qemu-user (.ci/cross/arm64.sh)"
.ci/cross/arm64.sh -count=1 ./...

stage "tests: windows/amd64 under Wine (.ci/cross/windows.sh), after go vet for windows"
GOOS=windows go vet ./...
.ci/cross/windows.sh -count=1 ./...

stage "vet + test compile: darwin/amd64, darwin/arm64, freebsd/amd64, freebsd/arm64 (.ci/cross/vet-other.sh)"
.ci/cross/vet-other.sh ./...

stage "README mapping table, every platform enforced (-mapping.strict)"
go test -count=1 -run '^TestMappingTable' . -args -mapping.strict

stage "fuzz: every fuzz target for 3000 execs (seed corpora in testdata/fuzz/<Target>)"
# A count, not a duration: with -fuzztime <duration> Go 1.26's fuzz coordinator can
# report its own deadline as a failure ("context deadline exceeded", golang/go#75804).
for pkg in $(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u | sed 's|^|./|'); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		log=$(mktemp /tmp/sockspec-fuzz.XXXXXX)
		if ! timeout 90 go test -run '^$' -fuzz "^${target}\$" -fuzztime 3000x -parallel 2 "$pkg" >"$log" 2>&1; then
			cat "$log"
			rm -f "$log"
			echo "fuzz target $target ($pkg) failed"
			exit 1
		fi
		printf '%-28s %s\n' "$target" "$(grep -o 'execs: [0-9]*' "$log" | tail -1)"
		rm -f "$log"
	done
done

stage "done"
