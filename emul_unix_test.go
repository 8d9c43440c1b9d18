//go:build unix

package socket

import (
	"os"
	"strings"
)

// underQEMUUser reports whether the test binary runs under qemu-user (the
// linux/arm64 stage, .ci/cross/arm64.sh): the process is the emulator,
// and /proc/self/status names it ("qemu-aarch64-st"). Syscalls then reach
// the host kernel through qemu's translation, which lacks a few of them.
func underQEMUUser() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	name, _, _ := strings.Cut(string(b), "\n")
	return strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(name, "Name:")), "qemu-")
}
