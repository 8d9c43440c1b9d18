package socket

// Byte-order helpers and textual/packed IP address conversions:
// Python's htons/htonl/ntohs/ntohl and inet_aton/inet_ntoa/inet_pton/inet_ntop.
//
// The accepted and rejected inputs follow CPython on Linux (glibc), which
// the tests check against python3 on a table of inputs. The parsers are our
// own; they do not call the C library, so every platform gets the same
// answers.

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall"
)

// Htons converts a 16-bit integer from host to network byte order (Python's
// socket.htons). Like Python (since 3.10), a value outside 0..65535 is an
// *OverflowError, never silently truncated.
func Htons(x int) (uint16, error) {
	v, err := check16("htons", x)
	if err != nil {
		return 0, err
	}
	return swap16(v), nil
}

// Ntohs converts a 16-bit integer from network to host byte order (Python's
// socket.ntohs). Errors as for Htons.
func Ntohs(x int) (uint16, error) {
	v, err := check16("ntohs", x)
	if err != nil {
		return 0, err
	}
	return swap16(v), nil
}

// Htonl converts a 32-bit integer from host to network byte order (Python's
// socket.htonl). A value outside 0..2**32-1 is an *OverflowError.
func Htonl(x int64) (uint32, error) {
	v, err := check32(x)
	if err != nil {
		return 0, err
	}
	return swap32(v), nil
}

// Ntohl converts a 32-bit integer from network to host byte order (Python's
// socket.ntohl). Errors as for Htonl.
func Ntohl(x int64) (uint32, error) {
	v, err := check32(x)
	if err != nil {
		return 0, err
	}
	return swap32(v), nil
}

// check16 reproduces CPython's argument checks and messages for
// htons/ntohs: the argument is first converted to a C int, then checked
// against the 16-bit range.
func check16(name string, x int) (uint16, error) {
	switch {
	case x < 0:
		return 0, newOverflowErr("%s: can't convert negative Python int to C 16-bit unsigned integer", name)
	case int64(x) > math.MaxInt32:
		return 0, newOverflowErr("signed integer is greater than maximum")
	case x > math.MaxUint16:
		return 0, newOverflowErr("%s: Python int too large to convert to C 16-bit unsigned integer", name)
	}
	return uint16(x), nil
}

// check32 reproduces CPython's checks and messages for htonl/ntohl.
func check32(x int64) (uint32, error) {
	switch {
	case x < 0:
		return 0, newOverflowErr("can't convert negative value to unsigned int")
	case x > math.MaxUint32:
		return 0, newOverflowErr("int larger than 32 bits")
	}
	return uint32(x), nil
}

// The byte swaps are written against the host's byte order: on a big-endian
// host they are no-ops, as the C functions are.
func swap16(v uint16) uint16 {
	if hostBigEndian {
		return v
	}
	return v<<8 | v>>8
}

func swap32(v uint32) uint32 {
	if hostBigEndian {
		return v
	}
	return v<<24 | (v<<8)&0x00ff0000 | (v>>8)&0x0000ff00 | v>>24
}

// hostBigEndian reports the byte order of the machine the program runs on
// (a property of the running CPU, not a platform constant from the spec).
var hostBigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// InetAton converts an IPv4 address in the forms the C library's
// inet_aton(3) accepts to its 4-byte packed form (Python's
// socket.inet_aton): one to four parts separated by dots, each decimal,
// octal (leading 0) or hexadecimal (leading 0x/0X); the last part fills the
// remaining bytes ("127.1" is 127.0.0.1, "0x7f000001" too). The string may
// end with ASCII whitespace followed by anything ("1.2.3.4 junk" is
// accepted, as glibc does). An invalid string is an *OSError with the
// message "illegal IP address string passed to inet_aton"; a string with a
// NUL byte is a *ValueError ("embedded null character"), as in Python.
func InetAton(s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, newValueErr("embedded null character")
	}
	v, ok := parseInetAton(s)
	if !ok {
		return nil, newMsgOSErr("illegal IP address string passed to inet_aton")
	}
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, nil
}

// parseInetAton implements the inet_aton(3) grammar described at InetAton.
func parseInetAton(s string) (uint32, bool) {
	var parts [4]uint64
	n := 0 // parts stored so far (those followed by '.')
	i := 0
	var val uint64
	for {
		// Every part starts with a decimal digit.
		if i >= len(s) || !isDigit(s[i]) {
			return 0, false
		}
		base := uint64(10)
		if s[i] == '0' {
			base = 8
			i++
			if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
				// "0x" with no hex digit after it parses as "0"
				// followed by 'x', which is then rejected.
				if i+1 < len(s) && isHexDigit(s[i+1]) {
					base = 16
					i++
				} else {
					return 0, false
				}
			}
		}
		val = 0
		for i < len(s) {
			d, ok := digitValue(s[i], base)
			if !ok {
				break
			}
			if val <= math.MaxUint32 { // saturate: anything larger is rejected below
				val = val*base + d
			}
			i++
		}
		if i < len(s) && s[i] == '.' {
			if n >= 3 || val > 0xff {
				return 0, false
			}
			parts[n] = val
			n++
			i++
			continue
		}
		break
	}
	if i < len(s) && !isASCIISpace(s[i]) {
		return 0, false
	}
	// The last part fills the bytes the dotted parts left.
	limit := uint64(math.MaxUint32) >> (8 * uint(n))
	if val > limit {
		return 0, false
	}
	r := val
	for k := 0; k < n; k++ {
		r |= parts[k] << (8 * uint(3-k))
	}
	return uint32(r), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func digitValue(c byte, base uint64) (uint64, bool) {
	var d uint64
	switch {
	case isDigit(c):
		d = uint64(c - '0')
	case c >= 'a' && c <= 'f':
		d = uint64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		d = uint64(c-'A') + 10
	default:
		return 0, false
	}
	return d, d < base
}

// InetNtoa converts a 4-byte packed IPv4 address to dotted-quad text
// (Python's socket.inet_ntoa). Any other length is an *OSError
// ("packed IP wrong length for inet_ntoa").
func InetNtoa(packed []byte) (string, error) {
	if len(packed) != 4 {
		return "", newMsgOSErr("packed IP wrong length for inet_ntoa")
	}
	return formatIPv4(packed), nil
}

func formatIPv4(b []byte) string {
	buf := make([]byte, 0, 15)
	for i := 0; i < 4; i++ {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = strconv.AppendUint(buf, uint64(b[i]), 10)
	}
	return string(buf)
}

// InetPton converts an address in its standard text form to packed bytes
// (Python's socket.inet_pton): 4 bytes for AF_INET (strict dotted decimal,
// no leading zeros), 16 for AF_INET6 (RFC 4291 text, an embedded dotted
// IPv4 tail allowed, no zone). An invalid string is an *OSError ("illegal IP
// address string passed to inet_pton"); any other family is an *OSError
// wrapping EAFNOSUPPORT.
func InetPton(family AddressFamily, s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, newValueErr("embedded null character")
	}
	switch family {
	case AF_INET:
		var b [4]byte
		if !parsePton4(s, b[:]) {
			return nil, newMsgOSErr("illegal IP address string passed to inet_pton")
		}
		return b[:], nil
	case AF_INET6:
		var b [16]byte
		if !parsePton6(s, b[:]) {
			return nil, newMsgOSErr("illegal IP address string passed to inet_pton")
		}
		return b[:], nil
	}
	return nil, newOSError("inet_pton", syscall.EAFNOSUPPORT)
}

// parsePton4 parses strict dotted decimal: exactly four parts of 1-3
// digits, each at most 255, no leading zero in a multi-digit part.
func parsePton4(s string, out []byte) bool {
	part := 0
	i := 0
	for part < 4 {
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		v := 0
		start := i
		for i < len(s) && isDigit(s[i]) {
			if i > start && s[start] == '0' {
				return false
			}
			v = v*10 + int(s[i]-'0')
			if v > 255 {
				return false
			}
			i++
		}
		out[part] = byte(v)
		part++
		if part < 4 {
			if i >= len(s) || s[i] != '.' {
				return false
			}
			i++
		}
	}
	return i == len(s)
}

// parsePton6 parses the RFC 4291 text forms as the C library does.
func parsePton6(s string, out []byte) bool {
	for k := range out {
		out[k] = 0
	}
	tp := 0      // next byte of out to write
	colonp := -1 // where "::" was seen, as an index into out
	i := 0
	if strings.HasPrefix(s, ":") {
		if !strings.HasPrefix(s, "::") {
			return false
		}
		i = 1
	}
	curtok := i
	sawXdigit := false
	val := 0
	digits := 0
	for i < len(s) {
		c := s[i]
		i++
		if d, ok := digitValue(c, 16); ok {
			digits++
			if digits > 4 {
				return false
			}
			val = val<<4 | int(d)
			sawXdigit = true
			continue
		}
		if c == ':' {
			curtok = i
			if !sawXdigit {
				if colonp >= 0 {
					return false
				}
				colonp = tp
				continue
			}
			if i >= len(s) { // a trailing single ':'
				return false
			}
			if tp+2 > len(out) {
				return false
			}
			out[tp] = byte(val >> 8)
			out[tp+1] = byte(val)
			tp += 2
			sawXdigit = false
			val = 0
			digits = 0
			continue
		}
		if c == '.' && tp+4 <= len(out) {
			if !parsePton4(s[curtok:], out[tp:tp+4]) {
				return false
			}
			tp += 4
			sawXdigit = false
			break
		}
		return false
	}
	if sawXdigit {
		if tp+2 > len(out) {
			return false
		}
		out[tp] = byte(val >> 8)
		out[tp+1] = byte(val)
		tp += 2
	}
	if colonp >= 0 {
		if tp == len(out) { // "::" must stand for at least one group
			return false
		}
		n := tp - colonp
		copy(out[len(out)-n:], out[colonp:tp])
		for k := colonp; k < len(out)-n; k++ {
			out[k] = 0
		}
		tp = len(out)
	}
	return tp == len(out)
}

// InetNtop converts a packed address to its standard text form (Python's
// socket.inet_ntop): 4 bytes for AF_INET, 16 for AF_INET6 (lower-case hex,
// the longest run of two or more zero groups written "::", IPv4-mapped and
// IPv4-compatible addresses with a dotted tail, as the C library prints
// them). A wrong length is a *ValueError ("invalid length of packed IP
// address string"); any other family is a *ValueError ("unknown address
// family N").
func InetNtop(family AddressFamily, packed []byte) (string, error) {
	switch family {
	case AF_INET:
		if len(packed) != 4 {
			return "", newValueErr("invalid length of packed IP address string")
		}
		return formatIPv4(packed), nil
	case AF_INET6:
		if len(packed) != 16 {
			return "", newValueErr("invalid length of packed IP address string")
		}
		return formatIPv6(packed), nil
	}
	return "", newValueErr("unknown address family %d", int(family))
}

func formatIPv6(b []byte) string {
	var w [8]int
	for k := range w {
		w[k] = int(b[2*k])<<8 | int(b[2*k+1])
	}
	// Longest run of zero words (first one on a tie); runs of one word
	// are not compressed.
	bestBase, bestLen := -1, 0
	for k := 0; k < 8; {
		if w[k] != 0 {
			k++
			continue
		}
		j := k
		for j < 8 && w[j] == 0 {
			j++
		}
		if j-k > bestLen {
			bestBase, bestLen = k, j-k
		}
		k = j
	}
	if bestLen < 2 {
		bestBase = -1
	}
	buf := make([]byte, 0, 46)
	for k := 0; k < 8; k++ {
		if bestBase >= 0 && k >= bestBase && k < bestBase+bestLen {
			if k == bestBase {
				buf = append(buf, ':')
			}
			continue
		}
		if k > 0 {
			buf = append(buf, ':')
		}
		// IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d).
		if k == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			buf = append(buf, formatIPv4(b[12:16])...)
			return string(buf)
		}
		buf = strconv.AppendUint(buf, uint64(w[k]), 16)
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		buf = append(buf, ':')
	}
	return string(buf)
}

// Constructors for the Python-style errors raised by this part of the
// package (the types are in errors.go).
func newOverflowErr(format string, args ...any) error {
	return &OverflowError{Msg: fmt.Sprintf(format, args...)}
}

func newValueErr(format string, args ...any) error {
	return &ValueError{Msg: fmt.Sprintf(format, args...)}
}

// newMsgOSErr is an OSError that carries only a message (no errno).
func newMsgOSErr(msg string) error { return &OSError{Msg: msg} }

// HasIPv6 is Python's socket.has_ipv6: whether this build supports IPv6.
// Like CPython's (a build-time value), it is true on every supported
// platform; whether the running kernel has IPv6 enabled is another
// question, answered by creating an AF_INET6 socket (or HasDualstackIPv6).
const HasIPv6 = true
