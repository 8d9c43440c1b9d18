//go:build unix

package socket

import "golang.org/x/sys/unix"

// dupSocketFD duplicates a descriptor (close-on-exec) for
// SocketFromSyscallConn.
func dupSocketFD(fd uintptr) (int, error) { return unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0) }

func closeFD(fd int) { unix.Close(fd) }
