//go:build unix

package socket

// CMSG_LEN/CMSG_SPACE and the encoding and parsing of ancillary data
// buffers. Every size comes from the generated layout (sizeofCmsghdr,
// cmsgAlign, sizeofInt): the cmsghdr is {cmsg_len; int cmsg_level; int
// cmsg_type}, where cmsg_len is a size_t on Linux and a socklen_t on the
// BSDs, so its width is what the header leaves for it.

import (
	"encoding/binary"
	"math"

	"golang.org/x/sys/unix"
)

// cmsgLimit is CPython's SOCKLEN_T_LIMIT: the largest control-buffer size
// it lets CMSG_LEN/CMSG_SPACE/sendmsg produce (a socklen_t is 32 bits on
// every supported platform; CPython keeps to the signed range).
const cmsgLimit = math.MaxInt32

// cmsgLenSize is the width of cmsghdr.cmsg_len, and cmsgLevelOff and
// cmsgTypeOff the offsets of cmsg_level and cmsg_type.
const (
	cmsgLenSize  = sizeofCmsghdr - 2*sizeofInt
	cmsgLevelOff = cmsgLenSize
	cmsgTypeOff  = cmsgLenSize + sizeofInt
)

// cmsgAlignUp is the C macro CMSG_ALIGN.
func cmsgAlignUp(n int) int { return (n + cmsgAlign - 1) &^ (cmsgAlign - 1) }

// cmsgHdrSpace is CMSG_LEN(0): the aligned header, where the data starts.
var cmsgHdrSpace = cmsgAlignUp(sizeofCmsghdr)

// CmsgLen returns the total length, without trailing padding, of an
// ancillary data item carrying length bytes of data (Python's
// socket.CMSG_LEN). A length outside the range CPython accepts is an
// *OverflowError ("CMSG_LEN() argument out of range").
func CmsgLen(length int) (int, error) {
	if length < 0 || int64(length) > int64(cmsgLimit-cmsgHdrSpace) {
		return 0, newOverflowErr("CMSG_LEN() argument out of range")
	}
	return cmsgHdrSpace + length, nil
}

// CmsgSpace returns the buffer size needed to receive an ancillary data
// item carrying length bytes of data, trailing padding included (Python's
// socket.CMSG_SPACE). The space needed for several items is the sum of
// their CmsgSpace values. A length outside the range CPython accepts is an
// *OverflowError ("CMSG_SPACE() argument out of range"); like CPython, the
// bound leaves room for the padding before and after the data
// (length <= limit - CMSG_SPACE(1)).
func CmsgSpace(length int) (int, error) {
	if length < 0 || int64(length) > int64(cmsgLimit-(cmsgHdrSpace+cmsgAlignUp(1))) {
		return 0, newOverflowErr("CMSG_SPACE() argument out of range")
	}
	return cmsgHdrSpace + cmsgAlignUp(length), nil
}

// putCmsgLen and getCmsgLen write and read cmsghdr.cmsg_len, in the
// native byte order and width.
func putCmsgLen(b []byte, v int) {
	switch cmsgLenSize {
	case 8:
		binary.NativeEndian.PutUint64(b, uint64(v))
	default:
		binary.NativeEndian.PutUint32(b, uint32(v))
	}
}

func getCmsgLen(b []byte) uint64 {
	switch cmsgLenSize {
	case 8:
		return binary.NativeEndian.Uint64(b)
	default:
		return uint64(binary.NativeEndian.Uint32(b))
	}
}

// encodeAncdata builds the control buffer for sendmsg: each item takes
// CMSG_SPACE(len(Data)) bytes, its header and data, padding zeroed. No
// items give a nil buffer (msg_control = NULL). Errors are CPython's:
// a level or type outside C int is an *OverflowError, an item or a total
// larger than the socklen_t limit an *OSError.
func encodeAncdata(items []Ancdata) ([]byte, error) {
	if len(items) == 0 {
		return nil, nil
	}
	total := 0
	for _, it := range items {
		if err := checkCInt(it.Level); err != nil {
			return nil, err
		}
		if err := checkCInt(it.Type); err != nil {
			return nil, err
		}
		space, err := CmsgSpace(len(it.Data))
		if err != nil {
			return nil, newMsgOSErr("ancillary data item too large")
		}
		total += space
		if total > cmsgLimit {
			return nil, newMsgOSErr("too much ancillary data")
		}
	}
	buf := make([]byte, total)
	off := 0
	for _, it := range items {
		putCmsgLen(buf[off:], cmsgHdrSpace+len(it.Data))
		binary.NativeEndian.PutUint32(buf[off+cmsgLevelOff:], uint32(int32(it.Level)))
		binary.NativeEndian.PutUint32(buf[off+cmsgTypeOff:], uint32(int32(it.Type)))
		copy(buf[off+cmsgHdrSpace:], it.Data)
		off += cmsgHdrSpace + cmsgAlignUp(len(it.Data))
	}
	return buf, nil
}

// parseAncdata splits a received control buffer (the msg_controllen bytes
// the kernel filled) into items. Items are walked as CMSG_FIRSTHDR /
// CMSG_NXTHDR do. An item whose header does not fit, or whose cmsg_len is
// smaller than a header, ends the walk (malformed: CPython warns and
// stops). An item that claims more data than the buffer holds is returned
// with the part inside the buffer, and ends the walk (CPython's
// RuntimeWarning case); truncated then reports that either happened.
// The returned Data slices are copies.
func parseAncdata(ctl []byte) (items []Ancdata, truncated bool) {
	off := 0
	for step := 0; off+sizeofCmsghdr <= len(ctl) && step <= len(ctl); step++ {
		clen := getCmsgLen(ctl[off:])
		if clen < uint64(cmsgHdrSpace) {
			return items, true
		}
		level := int(int32(binary.NativeEndian.Uint32(ctl[off+cmsgLevelOff:])))
		typ := int(int32(binary.NativeEndian.Uint32(ctl[off+cmsgTypeOff:])))
		dataOff := off + cmsgHdrSpace
		if dataOff > len(ctl) {
			return items, true
		}
		avail := uint64(len(ctl) - dataOff)
		dlen := clen - uint64(cmsgHdrSpace)
		short := false
		if dlen > avail {
			dlen, short = avail, true
		}
		data := make([]byte, int(dlen))
		copy(data, ctl[dataOff:])
		items = append(items, Ancdata{Level: level, Type: typ, Data: data})
		if short {
			return items, true
		}
		next := uint64(off) + uint64(cmsgAlignUp(int(clen)))
		if next > uint64(len(ctl)) {
			break
		}
		off = int(next)
	}
	return items, false
}

// rightsFds returns the descriptors carried in SCM_RIGHTS items, whole
// C ints only (a truncated integer at the end of an item is dropped).
func rightsFds(items []Ancdata) []int {
	var fds []int
	for _, it := range items {
		if it.Level != SOL_SOCKET || it.Type != SCM_RIGHTS {
			continue
		}
		for k := 0; k+sizeofInt <= len(it.Data); k += sizeofInt {
			fds = append(fds, getCInt(it.Data[k:]))
		}
	}
	return fds
}

// closeFds closes descriptors received with SCM_RIGHTS that will not be
// handed to the caller (the call failed after the kernel installed them).
func closeFds(fds []int) {
	for _, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}
