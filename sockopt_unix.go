//go:build unix

package socket

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The socket option system calls on unix; sockopt.go checks the arguments.

// sockoptFD runs f, a getsockopt or setsockopt (op) of level and opt, on
// the held fd, after the hook that restores a description in blocking mode
// for the options that concern it (blockio_linux.go).
func (s *Socket) sockoptFD(op string, level, opt int, f func(fd int) error) error {
	s.fd.sockoptHook(level, opt)
	return s.withFD(op, f)
}

func (s *Socket) getsockoptInt(level, opt int) (int, error) {
	var v int
	err := s.sockoptFD("getsockopt", level, opt, func(fd int) error {
		var err error
		v, err = unix.GetsockoptInt(fd, level, opt)
		return err
	})
	return v, err
}

// getsockoptBuf fills b (len > 0) and returns the length the kernel reports.
func (s *Socket) getsockoptBuf(level, opt int, b []byte) (int, error) {
	n := uint32(len(b))
	err := s.sockoptFD("getsockopt", level, opt, func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&n)), 0)
		return errOrNil(e)
	})
	return int(n), err
}

func (s *Socket) setsockoptInt(level, opt, value int) error {
	return s.sockoptFD("setsockopt", level, opt, func(fd int) error { return unix.SetsockoptInt(fd, level, opt, value) })
}

func (s *Socket) setsockoptBuf(level, opt int, value []byte) error {
	return s.sockoptFD("setsockopt", level, opt, func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(unsafe.SliceData(value))), uintptr(len(value)), 0)
		return errOrNil(e)
	})
}

func (s *Socket) setsockoptNull(level, opt, optlen int) error {
	return s.sockoptFD("setsockopt", level, opt, func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), 0, uintptr(optlen), 0)
		return errOrNil(e)
	})
}
