// Package resolve implements the name and service resolution functions of
// Python's socket module (getaddrinfo, getnameinfo, gethostbyname,
// gethostbyname_ex, gethostbyaddr, getfqdn, getservbyname, getservbyport,
// getprotobyname) in pure Go, giving the answers CPython gives on a glibc
// system: it reads the hosts, services and protocols databases,
// nsswitch.conf's "hosts:" line, resolv.conf and gai.conf the way glibc
// does, talks DNS itself, and sorts getaddrinfo results per RFC 3484 as
// glibc does.
//
// The package is platform-neutral: families, socket types and flags are its
// own small enums, which the public package maps to the platform's AF_*,
// SOCK_*, AI_* and NI_* values; errors are typed (GAIError, HError,
// ValueError, OverflowError, UnicodeError, OSError) and carry abstract kinds
// that the public package maps to the platform's EAI_* codes and messages.
package resolve

import (
	"context"
	"net"
	"net/netip"
	"os"
	"time"
)

// Family is an address family as far as resolution is concerned.
type Family int

const (
	FamilyUnspec Family = iota // AF_UNSPEC
	FamilyInet                 // AF_INET
	FamilyInet6                // AF_INET6
	FamilyOther                // any other family (getaddrinfo: EAI_FAMILY)
)

func (f Family) String() string {
	switch f {
	case FamilyUnspec:
		return "AF_UNSPEC"
	case FamilyInet:
		return "AF_INET"
	case FamilyInet6:
		return "AF_INET6"
	}
	return "AF_OTHER"
}

// SockType is a socket type as far as resolution is concerned. glibc's
// getaddrinfo knows stream, datagram, raw, seqpacket (SCTP) and DCCP
// sockets; every other type is SockOther (EAI_SOCKTYPE).
type SockType int

const (
	SockAny       SockType = iota // 0: any type
	SockStream                    // SOCK_STREAM
	SockDgram                     // SOCK_DGRAM
	SockRaw                       // SOCK_RAW
	SockSeqpacket                 // SOCK_SEQPACKET
	SockDCCP                      // SOCK_DCCP
	SockOther                     // any other value
)

func (t SockType) String() string {
	switch t {
	case SockAny:
		return "0"
	case SockStream:
		return "SOCK_STREAM"
	case SockDgram:
		return "SOCK_DGRAM"
	case SockRaw:
		return "SOCK_RAW"
	case SockSeqpacket:
		return "SOCK_SEQPACKET"
	case SockDCCP:
		return "SOCK_DCCP"
	}
	return "SOCK_OTHER"
}

// IP protocol numbers used by getaddrinfo (the same on every platform).
const (
	ProtoTCP     = 6
	ProtoUDP     = 17
	ProtoDCCP    = 33
	ProtoSCTP    = 132
	ProtoUDPLite = 136
)

// Flags are getaddrinfo's AI_* flags. The public package maps the
// platform's bits to these; any bit it does not know becomes FlagUnknown,
// which getaddrinfo rejects with EAI_BADFLAGS as glibc does.
type Flags uint

const (
	FlagPassive     Flags = 1 << iota // AI_PASSIVE
	FlagCanonName                     // AI_CANONNAME
	FlagNumericHost                   // AI_NUMERICHOST
	FlagNumericServ                   // AI_NUMERICSERV
	FlagV4Mapped                      // AI_V4MAPPED
	FlagAll                           // AI_ALL
	FlagAddrConfig                    // AI_ADDRCONFIG
	FlagUnknown                       // any flag glibc does not accept
)

// NIFlags are getnameinfo's NI_* flags; unknown bits become NIUnknown
// (EAI_BADFLAGS).
type NIFlags uint

const (
	NINumericHost NIFlags = 1 << iota // NI_NUMERICHOST
	NINumericServ                     // NI_NUMERICSERV
	NINoFQDN                          // NI_NOFQDN
	NINameReqd                        // NI_NAMEREQD
	NIDgram                           // NI_DGRAM
	NIUnknown                         // any flag glibc does not accept
)

// Host is getaddrinfo's host argument: Python's None, a str (encoded with
// the "idna" codec first, as CPython does) or bytes (used as is).
type Host struct {
	kind uint8 // 0 none, 1 str, 2 bytes
	s    string
}

// HostNone is Python's None.
func HostNone() Host { return Host{} }

// HostString is a Python str host (IDNA-encoded before use).
func HostString(s string) Host { return Host{kind: 1, s: s} }

// HostBytes is a Python bytes host (passed to the resolver unchanged).
func HostBytes(b string) Host { return Host{kind: 2, s: b} }

// Port is getaddrinfo's port argument: None, an int or a str (service name
// or number).
type Port struct {
	kind uint8 // 0 none, 1 str, 2 int
	s    string
	n    int64
}

// PortNone is Python's None.
func PortNone() Port { return Port{} }

// PortString is a str or bytes port: a service name or a decimal number.
func PortString(s string) Port { return Port{kind: 1, s: s} }

// PortInt is an int port. CPython formats it with "%ld" and passes the
// string to getaddrinfo, so 65536 means port 0 and -1 is a (missing)
// service name; a Python int that does not fit a C long is the caller's
// OverflowError.
func PortInt(n int64) Port { return Port{kind: 2, n: n} }

// Hints are getaddrinfo's family, type, proto and flags arguments.
type Hints struct {
	Family   Family
	SockType SockType
	Proto    int
	Flags    Flags
}

// AddrInfo is one getaddrinfo result: Python's
// (family, type, proto, canonname, sockaddr) tuple. Addr is an IPv4 or
// IPv6 address (IPv6 without zone: the scope is ScopeID).
type AddrInfo struct {
	Family    Family
	SockType  SockType
	Proto     int
	CanonName string
	Addr      netip.Addr
	Port      int
	Flowinfo  uint32
	ScopeID   uint32
}

// HostString is the sockaddr's host string as CPython builds it for
// getaddrinfo results (inet_ntop; no %scope suffix).
func (a AddrInfo) HostString() string { return FormatAddr(a.Addr) }

// Interface is a network interface as the resolver needs it.
type Interface struct {
	Index int
	Name  string
	// Addrs are the interface's addresses with their prefix lengths.
	Addrs []netip.Prefix
}

// Config says where the resolver reads its configuration and how it
// learns about the machine. Zero fields take the platform defaults
// (DefaultPaths, os.Hostname, net.Interfaces, a UDP connect for source
// addresses, port 53).
type Config struct {
	HostsPath      string // /etc/hosts
	ServicesPath   string // /etc/services
	ProtocolsPath  string // /etc/protocols
	NSSwitchPath   string // /etc/nsswitch.conf ("hosts:" line); missing file: "files dns"
	ResolvConfPath string // /etc/resolv.conf
	GaiConfPath    string // /etc/gai.conf; missing file: glibc's built-in tables

	// Hostname returns the machine's host name (gethostname()); used by
	// getfqdn, NI_NOFQDN and the "myhostname" NSS source.
	Hostname func() (string, error)
	// Interfaces lists the machine's interfaces: AI_ADDRCONFIG, %scope
	// names, source prefix lengths for sorting.
	Interfaces func() ([]Interface, error)
	// SourceAddr returns the source address the kernel would use to reach
	// dst (glibc connects a UDP socket; nothing is sent). ok=false means
	// the destination is unreachable.
	SourceAddr func(dst netip.Addr, scopeID uint32) (src netip.Addr, ok bool)
	// DNSPort is the port used for every nameserver (default 53;
	// resolv.conf cannot say another).
	DNSPort int
	// Dial, if set, opens DNS connections ("udp" or "tcp"). Default:
	// net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Resolver answers the queries. The zero value is not usable: use New or
// Default. A Resolver rereads its files on every call, as glibc notices
// changes to them; it is safe for concurrent use.
type Resolver struct {
	cfg Config
}

// New returns a resolver for cfg (zero fields take the defaults).
func New(cfg Config) *Resolver {
	d := DefaultPaths()
	if cfg.HostsPath == "" {
		cfg.HostsPath = d.HostsPath
	}
	if cfg.ServicesPath == "" {
		cfg.ServicesPath = d.ServicesPath
	}
	if cfg.ProtocolsPath == "" {
		cfg.ProtocolsPath = d.ProtocolsPath
	}
	if cfg.NSSwitchPath == "" {
		cfg.NSSwitchPath = d.NSSwitchPath
	}
	if cfg.ResolvConfPath == "" {
		cfg.ResolvConfPath = d.ResolvConfPath
	}
	if cfg.GaiConfPath == "" {
		cfg.GaiConfPath = d.GaiConfPath
	}
	if cfg.Hostname == nil {
		cfg.Hostname = os.Hostname
	}
	if cfg.Interfaces == nil {
		cfg.Interfaces = systemInterfaces
	}
	if cfg.SourceAddr == nil {
		cfg.SourceAddr = systemSourceAddr
	}
	if cfg.DNSPort == 0 {
		cfg.DNSPort = 53
	}
	if cfg.Dial == nil {
		var d net.Dialer
		cfg.Dial = d.DialContext
	}
	return &Resolver{cfg: cfg}
}

var defaultResolver = New(Config{})

// Default returns the resolver for the machine's own configuration.
func Default() *Resolver { return defaultResolver }

// Config returns the resolver's effective configuration (defaults filled).
func (r *Resolver) Config() Config { return r.cfg }

func systemInterfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(ifs))
	for _, ifc := range ifs {
		it := Interface{Index: ifc.Index, Name: ifc.Name}
		addrs, err := ifc.Addrs()
		if err == nil {
			for _, a := range addrs {
				ipn, ok := a.(*net.IPNet)
				if !ok {
					continue
				}
				ad, ok := netip.AddrFromSlice(ipn.IP)
				if !ok {
					continue
				}
				ones, _ := ipn.Mask.Size()
				ad = ad.Unmap()
				if ad.Is4() && ones > 32 {
					ones -= 96
				}
				it.Addrs = append(it.Addrs, netip.PrefixFrom(ad, ones))
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// systemSourceAddr asks the kernel which source address it would use for
// dst by connecting a UDP socket (no packet is sent).
func systemSourceAddr(dst netip.Addr, scopeID uint32) (netip.Addr, bool) {
	if dst.Is4In6() {
		// a v4-mapped destination on an IPv6 socket: the kernel routes it
		// as IPv4 and reports the v4-mapped source.
		src, ok := systemSourceAddr(dst.Unmap(), 0)
		if !ok {
			return src, false
		}
		return netip.AddrFrom16(src.As16()), true
	}
	network := "udp4"
	ua := &net.UDPAddr{IP: dst.AsSlice(), Port: 9}
	if dst.Is6() {
		network = "udp6"
		if scopeID != 0 {
			ua.Zone = itoa(int64(scopeID))
		}
	}
	c, err := net.DialUDP(network, nil, ua)
	if err != nil {
		return netip.Addr{}, false
	}
	defer c.Close()
	la, ok := c.LocalAddr().(*net.UDPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	src, ok := netip.AddrFromSlice(la.IP)
	if !ok {
		return netip.Addr{}, false
	}
	if dst.Is4() {
		src = src.Unmap()
	} else if src.Is4() {
		src = netip.AddrFrom16(src.As16())
	}
	return src, true
}

// deadline helper: a context's remaining time, bounded.
func remaining(ctx context.Context, max time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		if d := time.Until(dl); d < max {
			return d
		}
	}
	return max
}
