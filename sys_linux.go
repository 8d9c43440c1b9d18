//go:build linux

package socket

// Linux-specific system calls of the unix implementation (see sys_bsd.go,
// sys_darwin.go and sys_freebsd.go for the other unix systems): atomic
// SOCK_CLOEXEC|SOCK_NONBLOCK on socket(2)/socketpair(2)/accept4(2),
// ppoll(2), and SO_DOMAIN/SO_PROTOCOL for Python's socket(fileno=fd).

import (
	"encoding/binary"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockNonblock and sockCloexec are the socket-type flags of socket(2)
// (0 where the platform has none).
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

// acceptRaw accepts one connection on fd; the new fd is close-on-exec and
// non-blocking. sa/salen receive the peer's address.
func acceptRaw(fd uintptr, sa *byte, salen *uint32) (uintptr, syscall.Errno) {
	r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, fd, uintptr(unsafe.Pointer(sa)), uintptr(unsafe.Pointer(salen)), unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0, 0)
	return r, e
}

// capIO bounds the length of one read or write: Linux caps a single I/O
// itself (at 0x7ffff000 bytes), so nothing to do.
func capIO(p []byte) []byte { return p }

// pollNow reports whether fd is ready for events right now (poll with a zero
// timeout).
func pollNow(fd int, events int16) bool {
	pfd := unix.PollFd{Fd: int32(fd), Events: events}
	for i := 0; i < 100; i++ {
		var ts unix.Timespec
		n, _, e := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		return e == 0 && n > 0
	}
	return false
}

// fdFamily and fdProto read a socket's family and protocol
// (SO_DOMAIN, SO_PROTOCOL), as CPython's socket(fileno=fd).
func fdFamily(fd int) (AddressFamily, error) {
	v, err := unix.GetsockoptInt(fd, SOL_SOCKET, SO_DOMAIN)
	return AddressFamily(v), err
}

func fdProto(fd int) (int, error) { return unix.GetsockoptInt(fd, SOL_SOCKET, SO_PROTOCOL) }

// sockaddrFamily reads sa_family (a u16 at offset 0 on Linux).
func sockaddrFamily(b []byte) AddressFamily { return AddressFamily(binary.NativeEndian.Uint16(b)) }

// sockaddr headers: Linux has no length byte.
func inet4Header(r *rawSockaddrInet4)      { r.Family = uint16(AF_INET) }
func inet6Header(r *rawSockaddrInet6)      { r.Family = uint16(AF_INET6) }
func unixHeader(r *rawSockaddrUnix, n int) { r.Family = uint16(AF_UNIX) }
