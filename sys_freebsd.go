//go:build freebsd

package socket

// FreeBSD has Linux's socket-type flags, accept4(2) and SO_DOMAIN /
// SO_PROTOCOL.

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockNonblock and sockCloexec are the socket-type flags of socket(2).
const (
	sockNonblock = SOCK_NONBLOCK
	sockCloexec  = SOCK_CLOEXEC
)

// sysSocket creates a close-on-exec, non-blocking socket.
func sysSocket(family AddressFamily, typ SocketKind, proto int) (int, error) {
	return unix.Socket(int(family), int(typ|SOCK_CLOEXEC|SOCK_NONBLOCK), proto)
}

// sysSocketpair creates a close-on-exec, non-blocking socket pair.
func sysSocketpair(family AddressFamily, typ SocketKind, proto int) ([2]int, error) {
	return unix.Socketpair(int(family), int(typ|SOCK_CLOEXEC|SOCK_NONBLOCK), proto)
}

// acceptRaw accepts one connection on fd with accept4(2); the new fd is
// close-on-exec and non-blocking.
func acceptRaw(fd uintptr, sa *byte, salen *uint32) (uintptr, syscall.Errno) {
	r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, fd, uintptr(unsafe.Pointer(sa)), uintptr(unsafe.Pointer(salen)), uintptr(SOCK_CLOEXEC|SOCK_NONBLOCK), 0, 0)
	return r, e
}

// fdFamily and fdProto read a socket's family and protocol
// (SO_DOMAIN, SO_PROTOCOL), as CPython's socket(fileno=fd).
func fdFamily(fd int) (AddressFamily, error) {
	v, err := unix.GetsockoptInt(fd, SOL_SOCKET, SO_DOMAIN)
	return AddressFamily(v), err
}

func fdProto(fd int) (int, error) { return unix.GetsockoptInt(fd, SOL_SOCKET, SO_PROTOCOL) }
