//go:build linux && (amd64 || arm64)

package socket

import (
	"syscall"
	"unsafe"
)

// sysio makes the system call of one transfer of Socket.quick: trap
// (recvfrom or sendto) on fd with the buffer p of n bytes, the flags, the
// address addr and, as the sixth argument, either the pointer addrlenp
// (recvfrom) or the length addrlen (sendto); the other one is zero. It
// returns the result, or the errno of a failure.
//
// In assembly on linux/amd64 and linux/arm64: one frame above quick where
// syscall.RawSyscall6 takes two (it calls the runtime's Syscall6). Each
// frame that is live across a call that blocks costs a mispredicted return
// (see Socket.quick). It is NOSPLIT and calls nothing, so the stack does
// not move during the call; the pointer arguments keep their objects alive.
//
//go:noescape
func sysio(trap, fd uintptr, p unsafe.Pointer, n, flags uintptr, addr, addrlenp unsafe.Pointer, addrlen uintptr) (r uintptr, errno syscall.Errno)
