//go:build windows

package socket

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/windows"
)

// GetSockOpt returns an integer socket option (Python's getsockopt(level,
// optname)).
func (s *Socket) GetSockOpt(level, opt int) (int, error) {
	if err := checkCInts(level, opt); err != nil {
		return 0, err
	}
	var v int
	err := s.withFD("getsockopt", func(h windows.Handle) error {
		var err error
		v, err = windows.GetsockoptInt(h, level, opt)
		return err
	})
	return v, err
}

// GetSockOptBytes is Python's getsockopt(level, optname, buflen): the raw
// option value, at most buflen bytes (0..1024; 0 is the integer form as
// sizeofInt native-order bytes).
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
	n := int32(buflen)
	err := s.withFD("getsockopt", func(h windows.Handle) error {
		return windows.Getsockopt(h, int32(level), int32(opt), &b[0], &n)
	})
	if err != nil {
		return nil, err
	}
	return b[:min(max(int(n), 0), buflen)], nil
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
	return s.withFD("setsockopt", func(h windows.Handle) error { return windows.SetsockoptInt(h, level, opt, value) })
}

// SetSockOptBytes sets a socket option from raw bytes (Python's
// setsockopt(level, optname, buffer)).
func (s *Socket) SetSockOptBytes(level, opt int, value []byte) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	return s.withFD("setsockopt", func(h windows.Handle) error {
		return windows.Setsockopt(h, int32(level), int32(opt), (*byte)(unsafe.Pointer(unsafe.SliceData(value))), int32(len(value)))
	})
}

// SetSockOptNone is Python's setsockopt(level, optname, None, optlen):
// optval NULL.
func (s *Socket) SetSockOptNone(level, opt int, optlen int) error {
	if err := checkCInts(level, opt, optlen); err != nil {
		return err
	}
	return s.withFD("setsockopt", func(h windows.Handle) error {
		return windows.Setsockopt(h, int32(level), int32(opt), nil, int32(optlen))
	})
}
