//go:build windows

package socket

// socket.ioctl, socket.share and socket.fromshare (Windows only).

import (
	"encoding/binary"
	"strconv"
	"unsafe"

	"golang.org/x/sys/windows"
)

// KeepaliveVals is the option of Ioctl(SIO_KEEPALIVE_VALS, ...), Python's
// (onoff, keepalivetime, keepaliveinterval) tuple: keep-alive on or off,
// the idle time before the first probe and the interval between probes,
// in milliseconds.
type KeepaliveVals struct {
	OnOff    uint32
	Time     uint32
	Interval uint32
}

// Ioctl is Python's socket.ioctl(control, option) (WSAIoctl), for the
// three controls Python accepts:
//
//	SIO_RCVALL              option: one of the RCVALL_* values (int)
//	SIO_KEEPALIVE_VALS      option: KeepaliveVals, or [3]int / []int of three
//	SIO_LOOPBACK_FAST_PATH  option: bool or int
//
// Another control is a *ValueError ("invalid ioctl command N"); an option
// of the wrong form is a *TypeError. Winsock's error is an *OSError.
func (s *Socket) Ioctl(control int, option any) error {
	var in []byte
	switch uint32(control) {
	case SIO_RCVALL, SIO_LOOPBACK_FAST_PATH:
		v, ok := ioctlInt(option)
		if !ok {
			return &TypeError{Msg: "ioctl(): option must be an integer"}
		}
		if v < 0 || v > 0xffffffff {
			return &OverflowError{Msg: "Python int too large to convert to C unsigned long"}
		}
		in = make([]byte, 4)
		binary.NativeEndian.PutUint32(in, uint32(v))
	case SIO_KEEPALIVE_VALS:
		kv, err := keepaliveArg(option)
		if err != nil {
			return err
		}
		r := rawTCPKeepalive{Onoff: kv.OnOff, Time: kv.Time, Interval: kv.Interval}
		in = make([]byte, sizeofTCPKeepalive)
		r.marshal(in)
	default:
		return &ValueError{Msg: "invalid ioctl command " + strconv.FormatUint(uint64(uint32(control)), 10)}
	}
	return s.withFD("ioctl", func(h windows.Handle) error {
		var ret uint32
		return windows.WSAIoctl(h, uint32(control), &in[0], uint32(len(in)), nil, 0, &ret, nil, 0)
	})
}

func ioctlInt(v any) (int64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint32:
		return int64(x), true
	case uint:
		return int64(x), true
	}
	return 0, false
}

func keepaliveArg(option any) (KeepaliveVals, error) {
	var vals []int64
	switch x := option.(type) {
	case KeepaliveVals:
		return x, nil
	case *KeepaliveVals:
		if x != nil {
			return *x, nil
		}
	case [3]int:
		vals = []int64{int64(x[0]), int64(x[1]), int64(x[2])}
	case [3]uint32:
		vals = []int64{int64(x[0]), int64(x[1]), int64(x[2])}
	case []int:
		for _, v := range x {
			vals = append(vals, int64(v))
		}
	}
	if len(vals) != 3 {
		return KeepaliveVals{}, &TypeError{Msg: "ioctl(): SIO_KEEPALIVE_VALS needs (onoff, keepalivetime, keepaliveinterval)"}
	}
	for _, v := range vals {
		if v < 0 || v > 0xffffffff {
			return KeepaliveVals{}, &OverflowError{Msg: "Python int too large to convert to C unsigned long"}
		}
	}
	return KeepaliveVals{OnOff: uint32(vals[0]), Time: uint32(vals[1]), Interval: uint32(vals[2])}, nil
}

// The bytes of Share are a WSAPROTOCOL_INFOW, read and written through
// x/sys' WSAProtocolInfo: its size must be the generated one.
var _ [sizeofWSAProtocolInfo - unsafe.Sizeof(windows.WSAProtocolInfo{})]struct{}
var _ [unsafe.Sizeof(windows.WSAProtocolInfo{}) - sizeofWSAProtocolInfo]struct{}

// Share is Python's socket.share(process_id): the bytes (a
// WSAPROTOCOL_INFOW from WSADuplicateSocketW) that FromShare in the process
// processID turns into a socket on the same connection.
func (s *Socket) Share(processID int) ([]byte, error) {
	var info windows.WSAProtocolInfo
	err := s.withFD("share", func(h windows.Handle) error {
		return windows.WSADuplicateSocket(h, uint32(processID), &info)
	})
	if err != nil {
		return nil, err
	}
	b := make([]byte, sizeofWSAProtocolInfo)
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(&info)), sizeofWSAProtocolInfo))
	return b, nil
}

// FromShare is Python's socket.fromshare(data): a socket from the bytes
// Share returned (for this process). Data of another size is a
// *ValueError. The socket gets the family, type and protocol the data
// describes and the module default timeout.
func FromShare(data []byte) (*Socket, error) {
	if len(data) != sizeofWSAProtocolInfo {
		return nil, &ValueError{Msg: "wrong size of WSAPROTOCOL_INFOW structure"}
	}
	var info windows.WSAProtocolInfo
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&info)), sizeofWSAProtocolInfo), data)
	h, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, &info, 0, wsaFlags)
	if err != nil {
		return nil, wrapErrno("fromshare", err)
	}
	return adopt("fromshare", h, AddressFamily(info.AddressFamily), SocketKind(info.SocketType), int(info.Protocol), GetDefaultTimeout())
}
