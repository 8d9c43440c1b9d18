//go:build darwin

package socket

// macOS has no SOCK_CLOEXEC/SOCK_NONBLOCK flags and no accept4(2): the
// flags are set right after creation, under syscall.ForkLock so that no
// fork+exec in between can inherit the descriptor. Every socket also gets
// SO_NOSIGPIPE (macOS has no MSG_NOSIGNAL semantics for send(2)): a
// write to a broken connection fails with EPIPE instead of raising
// SIGPIPE. There is no SO_DOMAIN/SO_PROTOCOL: socket(fileno=fd) reads the
// family from getsockname and reports protocol 0, as CPython does there.

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockNonblock and sockCloexec: macOS's socket(2) takes no flags.
const (
	sockNonblock SocketKind = 0
	sockCloexec  SocketKind = 0
)

// setupFD makes a new fd close-on-exec and non-blocking and sets
// SO_NOSIGPIPE; it closes the fd on failure. The caller holds
// syscall.ForkLock for reading.
func setupFD(fd int) error {
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return err
	}
	// Not every family knows SO_NOSIGPIPE; its absence is harmless.
	unix.SetsockoptInt(fd, SOL_SOCKET, SO_NOSIGPIPE, 1)
	return nil
}

// sysSocket creates a close-on-exec, non-blocking socket.
func sysSocket(family AddressFamily, typ SocketKind, proto int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(int(family), int(typ), proto)
	if err != nil {
		return -1, err
	}
	return fd, setupFD(fd)
}

// sysSocketpair creates a close-on-exec, non-blocking socket pair.
func sysSocketpair(family AddressFamily, typ SocketKind, proto int) ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := unix.Socketpair(int(family), int(typ), proto)
	if err != nil {
		return fds, err
	}
	if err := setupFD(fds[0]); err != nil {
		unix.Close(fds[1])
		return fds, err
	}
	if err := setupFD(fds[1]); err != nil {
		unix.Close(fds[0])
		return fds, err
	}
	return fds, nil
}

// acceptRaw accepts one connection on fd; the new fd is made
// close-on-exec and non-blocking under syscall.ForkLock.
func acceptRaw(fd uintptr, sa *byte, salen *uint32) (uintptr, syscall.Errno) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	r, _, e := unix.RawSyscall(unix.SYS_ACCEPT, fd, uintptr(unsafe.Pointer(sa)), uintptr(unsafe.Pointer(salen)))
	if e != 0 {
		return r, e
	}
	if err := setupFD(int(r)); err != nil {
		return 0, errnoOf(err)
	}
	return r, 0
}

// fdFamily reads a socket's family from its address (no SO_DOMAIN).
func fdFamily(fd int) (AddressFamily, error) {
	var b [sizeofSockaddrStorage]byte
	n := uint32(len(b))
	_, _, e := unix.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return 0, e
	}
	if n < 2 {
		return AF_UNSPEC, nil
	}
	return sockaddrFamily(b[:]), nil
}

// fdProto: macOS has no SO_PROTOCOL; CPython reports 0 there.
func fdProto(fd int) (int, error) { return 0, nil }
