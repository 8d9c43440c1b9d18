package socket

// Conversions between the INET/INET6 address types and net/netip (a
// Go-native extra). An IPv6 zone and a scope ID are the same thing under
// two names: a zone that names an interface ("eth0") is converted with
// if_nametoindex, a numeric zone ("2") is the index itself, and a scope ID
// becomes the interface's name (its decimal value when no interface has
// that index).

import (
	"net/netip"
	"strconv"
	"strings"
)

// AddrPort returns the address as a netip.AddrPort. Host must be a numeric
// IPv4 address in dotted-quad form, "" (INADDR_ANY) or "<broadcast>"
// (INADDR_BROADCAST); a host name is a *ValueError (resolve it with
// GetAddrInfo first), and a port outside 0-65535 an *OverflowError, as in
// Python's bind().
func (a InetAddress) AddrPort() (netip.AddrPort, error) {
	if err := checkPort("AddrPort", a.Port); err != nil {
		return netip.AddrPort{}, err
	}
	var ip netip.Addr
	switch a.Host {
	case "":
		ip = netip.AddrFrom4(be32bytes(INADDR_ANY))
	case "<broadcast>":
		ip = netip.AddrFrom4(be32bytes(INADDR_BROADCAST))
	default:
		v, err := netip.ParseAddr(a.Host)
		if err != nil || !v.Is4() {
			return netip.AddrPort{}, &ValueError{Msg: "not a numeric IPv4 address: " + pyRepr(a.Host)}
		}
		ip = v
	}
	return netip.AddrPortFrom(ip, uint16(a.Port)), nil
}

// AddrPort returns the address as a netip.AddrPort. Host must be a numeric
// IPv6 address or "" (the unspecified address "::"); the zone is ScopeID's
// interface name when ScopeID is not 0, else Host's own "%zone" suffix.
// FlowInfo has no netip counterpart and is dropped.
func (a Inet6Address) AddrPort() (netip.AddrPort, error) {
	if err := checkPort("AddrPort", a.Port); err != nil {
		return netip.AddrPort{}, err
	}
	if a.Host == "" {
		return netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(a.Port)), nil
	}
	ip, err := netip.ParseAddr(a.Host)
	if err != nil || !ip.Is6() {
		return netip.AddrPort{}, &ValueError{Msg: "not a numeric IPv6 address: " + pyRepr(a.Host)}
	}
	if a.ScopeID != 0 {
		ip = ip.WithZone(zoneName(a.ScopeID))
	}
	return netip.AddrPortFrom(ip, uint16(a.Port)), nil
}

// InetAddressFromAddrPort returns ap as an InetAddress. ap's address must be
// IPv4 or IPv4-mapped IPv6 (::ffff:a.b.c.d, which is unmapped); anything
// else is a *ValueError.
func InetAddressFromAddrPort(ap netip.AddrPort) (InetAddress, error) {
	ip := ap.Addr().Unmap()
	if !ip.Is4() {
		return InetAddress{}, &ValueError{Msg: "not an IPv4 address: " + ap.Addr().String()}
	}
	return InetAddress{Host: ip.String(), Port: int(ap.Port())}, nil
}

// Inet6AddressFromAddrPort returns ap as an Inet6Address: an IPv4 address
// becomes its IPv4-mapped form (::ffff:a.b.c.d) and the zone becomes
// ScopeID (an interface name that does not exist is a *GAIError
// EAI_NONAME, as in Python's bind()). Host carries no "%zone" suffix.
func Inet6AddressFromAddrPort(ap netip.AddrPort) (Inet6Address, error) {
	ip := ap.Addr()
	if !ip.IsValid() {
		return Inet6Address{}, &ValueError{Msg: "invalid IP address"}
	}
	var scope uint32
	if z := ip.Zone(); z != "" {
		id, err := zoneIndex(z)
		if err != nil {
			return Inet6Address{}, err
		}
		scope = id
		ip = ip.WithZone("")
	}
	if ip.Is4() {
		ip = netip.AddrFrom16(ip.As16())
	}
	return Inet6Address{Host: ip.String(), Port: int(ap.Port()), ScopeID: scope}, nil
}

// AddressFromAddrPort returns ap as an Address for sockets of family:
// AF_INET gives an InetAddress, AF_INET6 an Inet6Address, and family 0
// (AF_UNSPEC) picks by the address (IPv4 or IPv4-mapped: InetAddress).
// Another family is a *ValueError.
func AddressFromAddrPort(family AddressFamily, ap netip.AddrPort) (Address, error) {
	switch family {
	case AF_INET:
		return InetAddressFromAddrPort(ap)
	case AF_INET6:
		return Inet6AddressFromAddrPort(ap)
	case AF_UNSPEC:
		if ap.Addr().Unmap().Is4() {
			return InetAddressFromAddrPort(ap)
		}
		return Inet6AddressFromAddrPort(ap)
	}
	return nil, &ValueError{Msg: "no netip form for " + family.String()}
}

// zoneName is the zone of a scope ID: the interface's name, or the decimal
// number when no interface has that index.
func zoneName(scope uint32) string {
	if name, err := IfIndexToName(int(scope)); err == nil && name != "" {
		return name
	}
	return strconv.FormatUint(uint64(scope), 10)
}

// zoneIndex is the scope ID of a zone: a decimal number, or an interface
// name.
func zoneIndex(zone string) (uint32, error) {
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	if strings.IndexByte(zone, 0) < 0 {
		if idx, err := IfNameToIndex(zone); err == nil && idx > 0 {
			return uint32(idx), nil
		}
	}
	return 0, gaiNoName()
}
