//go:build unix && !(linux && (amd64 || arm64))

package socket

import (
	"syscall"
	"unsafe"
)

// sysio makes the system call of one transfer of Socket.quick (see
// sysio_linux_asm.go): through syscall.RawSyscall6 on these systems.
func sysio(trap, fd uintptr, p unsafe.Pointer, n, flags uintptr, addr, addrlenp unsafe.Pointer, addrlen uintptr) (uintptr, syscall.Errno) {
	var r uintptr
	var e syscall.Errno
	if addrlenp != nil {
		r, _, e = syscall.RawSyscall6(trap, fd, uintptr(p), n, flags, uintptr(addr), uintptr(addrlenp))
	} else {
		r, _, e = syscall.RawSyscall6(trap, fd, uintptr(p), n, flags, uintptr(addr), addrlen)
	}
	return r, e
}
