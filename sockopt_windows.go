//go:build windows

package socket

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// The socket option calls on Winsock; sockopt.go checks the arguments.

func (s *Socket) getsockoptInt(level, opt int) (int, error) {
	var v int
	err := s.withFD("getsockopt", func(h windows.Handle) error {
		var err error
		v, err = windows.GetsockoptInt(h, level, opt)
		return err
	})
	return v, err
}

// getsockoptBuf fills b (len > 0) and returns the length Winsock reports.
func (s *Socket) getsockoptBuf(level, opt int, b []byte) (int, error) {
	n := int32(len(b))
	err := s.withFD("getsockopt", func(h windows.Handle) error {
		return windows.Getsockopt(h, int32(level), int32(opt), &b[0], &n)
	})
	return int(n), err
}

func (s *Socket) setsockoptInt(level, opt, value int) error {
	return s.withFD("setsockopt", func(h windows.Handle) error { return windows.SetsockoptInt(h, level, opt, value) })
}

func (s *Socket) setsockoptBuf(level, opt int, value []byte) error {
	return s.withFD("setsockopt", func(h windows.Handle) error {
		return windows.Setsockopt(h, int32(level), int32(opt), (*byte)(unsafe.Pointer(unsafe.SliceData(value))), int32(len(value)))
	})
}

// setsockoptNull passes optlen as an int32, so it must fit one.
func (s *Socket) setsockoptNull(level, opt, optlen int) error {
	if err := checkCInt(optlen); err != nil {
		return err
	}
	return s.withFD("setsockopt", func(h windows.Handle) error {
		return windows.Setsockopt(h, int32(level), int32(opt), nil, int32(optlen))
	})
}
