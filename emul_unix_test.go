//go:build unix

package socket

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
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

// selfExec returns the command line that runs this test binary again in a
// child process. Under qemu-user that goes through the emulator: the
// kernel cannot execute the foreign binary (ENOEXEC), and execvp's
// fallback (unshare(1) and setpriv(1) use it) would run it with /bin/sh as
// a script, whose redirections create files with garbage names in the
// working directory.
func selfExec() ([]string, error) {
	if !underQEMUUser() {
		return []string{os.Args[0]}, nil
	}
	arch := map[string]string{"arm64": "aarch64", "amd64": "x86_64", "386": "i386"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	for _, name := range []string{"qemu-" + arch + "-static", "qemu-" + arch} {
		if p, err := exec.LookPath(name); err == nil {
			return []string{p, os.Args[0]}, nil
		}
	}
	return nil, fmt.Errorf("under qemu-user, and neither qemu-%s-static nor qemu-%s is on PATH", arch, arch)
}
