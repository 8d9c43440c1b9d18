package socket

import "encoding/binary"

// The socket option methods: Python's argument rules here, the system calls
// in sockopt_<os>.go (getsockoptInt, getsockoptBuf, setsockoptInt,
// setsockoptBuf, setsockoptNull).

// GetSockOpt returns an integer socket option (Python's getsockopt(level,
// optname)).
func (s *Socket) GetSockOpt(level, opt int) (int, error) {
	if err := checkCInts(level, opt); err != nil {
		return 0, err
	}
	return s.getsockoptInt(level, opt)
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
		v, err := s.getsockoptInt(level, opt)
		if err != nil {
			return nil, err
		}
		b := make([]byte, sizeofInt)
		binary.NativeEndian.PutUint32(b, uint32(int32(v)))
		return b, nil
	}
	b := make([]byte, buflen)
	n, err := s.getsockoptBuf(level, opt, b)
	if err != nil {
		return nil, err
	}
	return b[:min(max(n, 0), buflen)], nil
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
	return s.setsockoptInt(level, opt, value)
}

// SetSockOptBytes sets a socket option from raw bytes (Python's
// setsockopt(level, optname, buffer)).
func (s *Socket) SetSockOptBytes(level, opt int, value []byte) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	return s.setsockoptBuf(level, opt, value)
}

// SetSockOptNone is Python's setsockopt(level, optname, None, optlen):
// setsockopt with optval NULL.
func (s *Socket) SetSockOptNone(level, opt int, optlen int) error {
	if err := checkCInts(level, opt); err != nil {
		return err
	}
	return s.setsockoptNull(level, opt, optlen)
}
