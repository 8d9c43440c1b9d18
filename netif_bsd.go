//go:build darwin || freebsd

package socket

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setHostname writes the kern.hostname sysctl, as the C library's
// sethostname(3) does on the BSDs.
func setHostname(name string) error {
	mib := [2]int32{unix.CTL_KERN, unix.KERN_HOSTNAME}
	b := []byte(name)
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	_, _, e := syscall.Syscall6(syscall.SYS___SYSCTL, uintptr(unsafe.Pointer(&mib[0])), uintptr(len(mib)), 0, 0, uintptr(p), uintptr(len(b)))
	if e != 0 {
		return newOSError("sethostname", e)
	}
	return nil
}
