package socket

import "strconv"

// AddressFamily is an address family (Python's socket.AddressFamily
// IntEnum): the AF_* constants. Its String method prints the constant's
// name, as Python's enum does ("AF_INET").
type AddressFamily int

// SocketKind is a socket type (Python's socket.SocketKind IntEnum): the
// SOCK_* constants. Its String method prints the constant's name.
type SocketKind int

// MsgFlag is a set of MSG_* flags (Python's socket.MsgFlag IntFlag). Its
// String method prints the flags joined by '|' ("MSG_PEEK|MSG_WAITALL").
type MsgFlag int

// AddressInfo is a set of AI_* flags for GetAddrInfo (Python's
// socket.AddressInfo IntFlag). Its String method prints the flags joined by
// '|'.
type AddressInfo int

// Constant is one integer constant of this platform's build, as recorded by
// the generator: its name, the group of the spec it belongs to (e.g. "AF",
// "SO", "TCP") and its value.
type Constant struct {
	Name  string
	Group string
	Value int64
}

// Constants returns every integer constant this platform's build defines,
// sorted by name. The slice is a copy; callers may modify it.
func Constants() []Constant {
	out := make([]Constant, len(constantTable))
	copy(out, constantTable[:])
	return out
}

// LookupConstant reports the value of the named constant on this platform,
// and whether this platform defines it at all ("does this platform have
// SO_REUSEPORT?").
func LookupConstant(name string) (int64, bool) {
	lo, hi := 0, len(constantTable)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if constantTable[m].Name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(constantTable) && constantTable[lo].Name == name {
		return constantTable[lo].Value, true
	}
	return 0, false
}

// flagName is one named bit of a flag type, for String.
type flagName struct {
	v    int64
	name string
}

// formatFlags prints v as Python's IntFlag names it: the names of the set
// bits in ascending order joined by '|', then any unnamed remainder in
// decimal; zero prints as "Type(0)".
func formatFlags(v int64, names []flagName, typ string) string {
	if v == 0 {
		return typ + "(0)"
	}
	var b []byte
	rest := v
	for _, n := range names {
		if rest&n.v == n.v {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, n.name...)
			rest &^= n.v
		}
	}
	if rest != 0 {
		if len(b) > 0 {
			b = append(b, '|')
		}
		b = strconv.AppendInt(b, rest, 10)
	}
	return string(b)
}

// layoutInfo describes one C struct layout of this build (from the scrape).
type layoutInfo struct {
	name   string // Go stem, e.g. "SockaddrInet4"
	cType  string // e.g. "struct sockaddr_in"
	size   int
	align  int
	fields []layoutField
}

// layoutField is one member of a layoutInfo.
type layoutField struct {
	name   string // C member name
	offset int
	size   int
}
