package socket

import (
	"net/netip"
	"strconv"
	"strings"
)

// Address is a socket address: one Go type per address form of Python's
// socket module. The form a socket accepts follows its family, as in Python:
//
//	AF_INET   InetAddress{Host, Port}                       Python (host, port)
//	AF_INET6  Inet6Address{Host, Port, FlowInfo, ScopeID}   Python (host, port, flowinfo, scope_id)
//	          (an InetAddress is accepted too: flowinfo = scope_id = 0)
//	AF_UNIX   UnixAddress{Path}                             Python str / bytes
//
// Pointers to these types are Addresses too; passing a pointer avoids the
// allocation of boxing a struct in an interface on hot paths (SendTo). A
// *SockAddr (PrepareAddress) carries an address already converted to its C
// form.
//
// Types of other families implement, besides Address, the unexported
// sockaddrMarshaler interface and register a decoder (registerFamily).
type Address interface {
	// Family reports the address family of the address's form.
	Family() AddressFamily
	// String formats the address as Python's repr of it would.
	String() string
}

// sockaddrMarshaler is implemented by address types of families other than
// INET/INET6/UNIX: marshalSockaddr writes the C sockaddr into b (which has
// sizeofSockaddrStorage bytes) and returns its length; op is the Python
// method name for error messages ("bind").
type sockaddrMarshaler interface {
	marshalSockaddr(op string, b []byte) (int, error)
}

// familyDecoders maps a family to the decoder of its sockaddr bytes (for
// families other than INET/INET6/UNIX). Register from init functions only.
var familyDecoders = map[AddressFamily]func(b []byte) (Address, error){}

// registerFamily installs the sockaddr decoder of a family.
func registerFamily(af AddressFamily, decode func(b []byte) (Address, error)) {
	familyDecoders[af] = decode
}

// InetAddress is an AF_INET address, Python's (host, port). Host may be an
// IPv4 address, ” (INADDR_ANY), "<broadcast>" (INADDR_BROADCAST) or a host
// name (resolved to its first IPv4 address).
type InetAddress struct {
	Host string
	Port int
}

// Family returns AF_INET (Address).
func (InetAddress) Family() AddressFamily { return AF_INET }

// String formats the address as Python's repr of it (Address).
func (a InetAddress) String() string {
	return "(" + pyRepr(a.Host) + ", " + strconv.Itoa(a.Port) + ")"
}

// Inet6Address is an AF_INET6 address, Python's (host, port, flowinfo,
// scope_id). As in CPython, a "%zone" suffix of Host is accepted (the zone
// must exist) but the scope used is ScopeID.
type Inet6Address struct {
	Host     string
	Port     int
	FlowInfo uint32
	ScopeID  uint32
}

// Family returns AF_INET6 (Address).
func (Inet6Address) Family() AddressFamily { return AF_INET6 }

// String formats the address as Python's repr of it (Address).
func (a Inet6Address) String() string {
	return "(" + pyRepr(a.Host) + ", " + strconv.Itoa(a.Port) + ", " +
		strconv.FormatUint(uint64(a.FlowInfo), 10) + ", " + strconv.FormatUint(uint64(a.ScopeID), 10) + ")"
}

// UnixAddress is an AF_UNIX address. A Path starting with "\x00" is in
// Linux's abstract namespace (Python returns it as bytes); "" is the
// address of an unbound socket, and binding to "" autobinds to an abstract
// name on Linux.
type UnixAddress struct {
	Path string
}

// Family returns AF_UNIX (Address).
func (UnixAddress) Family() AddressFamily { return AF_UNIX }

// String formats the address as Python's repr of it (Address).
func (a UnixAddress) String() string {
	if a.Abstract() {
		return "b" + pyRepr(a.Path)
	}
	return pyRepr(a.Path)
}

// Abstract reports whether the address is in Linux's abstract namespace.
func (a UnixAddress) Abstract() bool { return len(a.Path) > 0 && a.Path[0] == 0 }

// GenericAddress is the address of a family this build cannot decode:
// Python's (family, bytes) fallback. Data holds the sockaddr bytes after
// the family field.
type GenericAddress struct {
	AF   AddressFamily
	Data []byte
}

// Family returns the address's family (Address).
func (a GenericAddress) Family() AddressFamily { return a.AF }

// String formats the address as Python's repr of it (Address).
func (a GenericAddress) String() string {
	return "(" + strconv.Itoa(int(a.AF)) + ", b" + pyRepr(string(a.Data)) + ")"
}

// SockAddr is an address already converted to its C form for one family
// (see PrepareAddress): sending to it converts nothing and allocates
// nothing.
type SockAddr struct {
	af   AddressFamily
	n    int
	b    [sizeofSockaddrStorage]byte
	orig Address
}

// Family returns the address's family (Address).
func (a *SockAddr) Family() AddressFamily { return a.af }

// String formats the address as Python's repr of it (Address).
func (a *SockAddr) String() string { return a.orig.String() }

// Address returns the address the SockAddr was prepared from.
func (a *SockAddr) Address() Address { return a.orig }

// PrepareAddress converts a to its C form for sockets of the given family,
// with the same checks as Bind/Connect/SendTo (host names are resolved
// once, here).
func PrepareAddress(family AddressFamily, a Address) (*SockAddr, error) {
	sa := &SockAddr{af: family, orig: a}
	n, err := encodeSockaddr(family, "sendto", a, sa.b[:])
	if err != nil {
		return nil, err
	}
	sa.n = n
	return sa, nil
}

// ---- host names ----

// resolveHostHook, when set (by the resolver), resolves a host name that
// is not numeric for family (AF_INET or AF_INET6) to its first address, as
// CPython's setipaddr does with getaddrinfo. It returns a *GAIError on
// failure.
var resolveHostHook func(family AddressFamily, host string) (netip.Addr, error)

// hostToIP converts the host part of an INET/INET6 address to an IP, as
// CPython's setipaddr: ” is the any address, "<broadcast>" and
// "255.255.255.255" are INADDR_BROADCAST (AF_INET only), a numeric address
// is parsed, anything else is resolved (numeric forms of inet_aton and
// "localhost" without a resolver). op names the Python method for errors.
func hostToIP(family AddressFamily, op, host string) (addr netip.Addr, zone string, err error) {
	if strings.IndexByte(host, 0) >= 0 {
		return addr, "", &TypeError{Msg: "host name must not contain null character"}
	}
	if host == "" {
		if family == AF_INET6 {
			return netip.IPv6Unspecified(), "", nil
		}
		return netip.AddrFrom4(be32bytes(INADDR_ANY)), "", nil
	}
	if host == "<broadcast>" || host == "255.255.255.255" {
		if family != AF_INET {
			return addr, "", &OSError{Op: op, Msg: "address family mismatched"}
		}
		return netip.AddrFrom4(be32bytes(INADDR_BROADCAST)), "", nil
	}
	if family == AF_INET {
		if v, ok := parseIPv4Loose(host); ok {
			return netip.AddrFrom4(be32bytes(v)), "", nil
		}
		if isIPv6Literal(host) {
			return addr, "", gaiAddrFamily() // per OS: gai_unix.go, gai_windows.go
		}
	} else {
		h := host
		if i := strings.IndexByte(h, '%'); i >= 0 {
			h, zone = h[:i], h[i+1:]
		}
		if a, err := netip.ParseAddr(h); err == nil && a.Is6() {
			if zone != "" && !(a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast()) {
				return addr, "", gaiNoName()
			}
			if zone != "" && !zoneExists(zone) {
				return addr, "", gaiNoName()
			}
			return a, zone, nil
		}
		if _, ok := parseIPv4Loose(host); ok {
			return addr, "", gaiAddrFamily() // per OS: gai_unix.go, gai_windows.go
		}
		zone = ""
	}
	if resolveHostHook != nil {
		a, err := resolveHostHook(family, host)
		return a, "", err
	}
	if strings.EqualFold(host, "localhost") && family == AF_INET {
		return netip.AddrFrom4(be32bytes(INADDR_LOOPBACK)), "", nil
	}
	return addr, "", gaiNoName()
}

func gaiNoName() error { return &GAIError{Code: EAI_NONAME, Msg: "Name or service not known"} }

// be32bytes returns v (a host-order IPv4 address constant) as 4 bytes in
// network order.
func be32bytes(v uint32) [4]byte {
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func isIPv6Literal(s string) bool {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

// parseIPv4Loose parses the numbers-and-dots forms getaddrinfo accepts for
// a numeric IPv4 host (inet_aton without trailing characters): a, a.b,
// a.b.c, a.b.c.d, each part decimal, octal (leading 0) or hex (0x).
func parseIPv4Loose(s string) (uint32, bool) {
	var parts [4]uint64
	n := 0
	for i := 0; i < 4; i++ {
		if s == "" {
			return 0, false
		}
		j := 0
		base := uint64(10)
		if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
			base, j = 16, 2
		} else if s[0] == '0' {
			base = 8
		}
		var v uint64
		digits := 0
		for ; j < len(s) && s[j] != '.'; j++ {
			c := s[j]
			var d uint64
			switch {
			case c >= '0' && c <= '9':
				d = uint64(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				d = uint64(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = uint64(c-'A') + 10
			default:
				return 0, false
			}
			if d >= base {
				return 0, false
			}
			v = v*base + d
			if v > 0xffffffff {
				return 0, false
			}
			digits++
		}
		if digits == 0 && base != 8 {
			return 0, false
		}
		parts[n] = v
		n++
		if j == len(s) {
			s = ""
			break
		}
		s = s[j+1:]
		if s == "" {
			return 0, false // trailing dot
		}
	}
	if s != "" {
		return 0, false
	}
	var v uint64
	switch n {
	case 1:
		v = parts[0]
	case 2:
		if parts[0] > 0xff || parts[1] > 0xffffff {
			return 0, false
		}
		v = parts[0]<<24 | parts[1]
	case 3:
		if parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff {
			return 0, false
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]
	case 4:
		for _, p := range parts {
			if p > 0xff {
				return 0, false
			}
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]<<8 | parts[3]
	}
	return uint32(v), true
}

// checkPort applies CPython's port check.
func checkPort(op string, port int) error {
	if port < 0 || port > 0xffff {
		return &OverflowError{Msg: op + "(): port must be 0-65535."}
	}
	return nil
}
