//go:build unix

package socket

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"
)

// GetSockOpt returns an integer socket option (Python's getsockopt(level,
// optname)).
func (s *Socket) GetSockOpt(level, opt int) (int, error) {
	if err := checkCInts(level, opt); err != nil {
		return 0, err
	}
	var v int
	err := s.withFD("getsockopt", func(fd int) error {
		var err error
		v, err = unix.GetsockoptInt(fd, level, opt)
		return err
	})
	return v, err
}

// GetSockOptBytes is Python's getsockopt(level, optname, buflen): the raw
// option value, at most buflen bytes. buflen outside 0..1024 is an *OSError
// "getsockopt buflen out of range", as in CPython; buflen 0 is the integer
// form (Python returns an int), here as sizeofInt native-order bytes.
func (s *Socket) GetSockOptBytes(level, opt, buflen int) ([]byte, error) {
	if err := checkCInts(level, opt, buflen); err != nil {
		return nil, err
	}
	if buflen < 0 || buflen > 1024 {
		return nil, &OSError{Op: "getsockopt", Msg: "getsockopt buflen out of range"}
	}
	if buflen == 0 {
		v, err := s.GetSockOpt(level, opt)
		if err != nil {
			return nil, err
		}
		b := make([]byte, sizeofInt)
		binary.NativeEndian.PutUint32(b, uint32(int32(v)))
		return b, nil
	}
	b := make([]byte, buflen)
	n := uint32(buflen)
	err := s.withFD("getsockopt", func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&n)), 0)
		return errOrNil(e)
	})
	if err != nil {
		return nil, err
	}
	return b[:min(int(n), buflen)], nil
}

// SetSockOpt sets an integer socket option (Python's setsockopt(level,
// optname, int)).
func (s *Socket) SetSockOpt(level, opt, value int) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	if value != int(int32(value)) {
		// CPython tries setsockopt(level, opt, int) and then the buffer
		// form, whose error it reports.
		return &TypeError{Msg: "a bytes-like object is required, not 'int'"}
	}
	return s.withFD("setsockopt", func(fd int) error { return unix.SetsockoptInt(fd, level, opt, value) })
}

// SetSockOptBytes sets a socket option from raw bytes (Python's
// setsockopt(level, optname, buffer)).
func (s *Socket) SetSockOptBytes(level, opt int, value []byte) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	return s.withFD("setsockopt", func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(unsafe.SliceData(value))), uintptr(len(value)), 0)
		return errOrNil(e)
	})
}

// SetSockOptNone is Python's setsockopt(level, optname, None, optlen):
// setsockopt(2) with optval NULL.
func (s *Socket) SetSockOptNone(level, opt int, optlen int) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	return s.withFD("setsockopt", func(fd int) error {
		_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), 0, uintptr(optlen), 0)
		return errOrNil(e)
	})
}
