package socket

// Name and service resolution: Python's getaddrinfo, getnameinfo,
// gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn, getservbyname,
// getservbyport and getprotobyname.
//
// The answers come from internal/resolve, a pure-Go resolver modelled on
// glibc (hosts, services and protocols files, nsswitch.conf's "hosts:"
// line, resolv.conf, gai.conf, DNS over UDP/TCP, RFC 3484 sorting): the
// same tuples in the same order and the same errors as CPython on a glibc
// system. No lookup runs in C or blocks an OS thread, so every lookup can
// be cancelled through its context (the ...Context variants).
//
// This file maps the platform's AF_*, SOCK_*, AI_*, NI_* and EAI_* values
// (the generated constants) to and from the resolver's own enums, and its
// errors to the package's error types:
//
//	Python                     Go
//	gaierror(EAI_x, msg)       *GAIError{Code: EAI_x, Msg: gai_strerror text}
//	                           (EAI_SYSTEM: *OSError with the errno, as CPython)
//	herror(h_errno, msg)       *HError{Code: h_errno, Msg: hstrerror text}
//	OSError("message")         *OSError{Msg: ...} ("service/proto not found", ...)
//	UnicodeError (idna codec)  *UnicodeError (errors.As also finds a *ValueError)
//	ValueError, OverflowError, *ValueError, *OverflowError, *TypeError
//	TypeError
//
// A lookup whose context is cancelled or expires returns an error that
// matches both the resolver's error (typically *GAIError EAI_AGAIN, as for
// a DNS timeout) and ctx.Err() with errors.Is/errors.As.

import (
	"context"
	"errors"
	"math"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sockspec/socket/internal/resolve"
)

// ResolverConfig says where the resolver reads its configuration. Zero
// fields take the platform defaults (/etc/hosts, /etc/services,
// /etc/protocols, /etc/nsswitch.conf, /etc/resolv.conf, /etc/gai.conf, the
// machine's host name, DNS port 53, a net.Dialer). The files are reread on
// every lookup, as glibc notices changes to them.
type ResolverConfig struct {
	HostsPath      string // hosts database (default /etc/hosts)
	ServicesPath   string // services database (default /etc/services)
	ProtocolsPath  string // protocols database (default /etc/protocols)
	NSSwitchPath   string // its "hosts:" line orders the sources (files, dns, myhostname)
	ResolvConfPath string // nameservers, search list, options
	GaiConfPath    string // RFC 3484 sorting tables (missing file: glibc's built-in ones)

	// Hostname returns the machine's host name (used by GetFQDN,
	// NI_NOFQDN and the "myhostname" source). Default: os.Hostname.
	Hostname func() (string, error)
	// DNSPort is the port used for every nameserver of resolv.conf
	// (default 53), so a test can run its own server on loopback.
	DNSPort int
	// Dial, if set, opens the DNS connections ("udp" or "tcp").
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

type resolverState struct {
	cfg ResolverConfig
	r   *resolve.Resolver
}

var activeResolver atomic.Pointer[resolverState]

func init() {
	activeResolver.Store(&resolverState{r: resolve.New(resolve.Config{})})
	resolveHostHook = resolveHost
}

// SetResolverConfig replaces the configuration every lookup of this
// package uses from now on (GetAddrInfo and the other functions of this
// file, host names in InetAddress / Inet6Address, CreateConnection).
// SetResolverConfig(ResolverConfig{}) restores the machine's own
// configuration. It is safe to call concurrently with lookups; a lookup
// already running finishes with the configuration it started with.
func SetResolverConfig(cfg ResolverConfig) {
	activeResolver.Store(&resolverState{cfg: cfg, r: resolve.New(resolve.Config{
		HostsPath:      cfg.HostsPath,
		ServicesPath:   cfg.ServicesPath,
		ProtocolsPath:  cfg.ProtocolsPath,
		NSSwitchPath:   cfg.NSSwitchPath,
		ResolvConfPath: cfg.ResolvConfPath,
		GaiConfPath:    cfg.GaiConfPath,
		Hostname:       cfg.Hostname,
		DNSPort:        cfg.DNSPort,
		Dial:           cfg.Dial,
	})})
}

// GetResolverConfig returns the configuration last given to
// SetResolverConfig (the zero value: the machine's own configuration).
func GetResolverConfig() ResolverConfig { return activeResolver.Load().cfg }

func resolver() *resolve.Resolver { return activeResolver.Load().r }

// ---- errors ----

// UnicodeError is Python's UnicodeError, raised by the "idna" codec that
// CPython applies to str host names (an empty label, a label longer than
// 63 characters). It is a ValueError subclass in Python, so
// errors.As(err, &valueError) also succeeds for it.
type UnicodeError struct{ Msg string }

// Error returns the message as Python's str() of the exception prints it.
func (e *UnicodeError) Error() string { return e.Msg }

// As lets errors.As find a *ValueError (Python's base class) too.
func (e *UnicodeError) As(target any) bool {
	if p, ok := target.(**ValueError); ok {
		*p = &ValueError{Msg: e.Msg}
		return true
	}
	return false
}

// lookupCanceledError is the error of a lookup whose context ended: it
// matches both the resolver's answer (usually EAI_AGAIN) and ctx.Err().
type lookupCanceledError struct {
	err    error
	ctxErr error
}

// Error returns the message as Python's str() of the exception prints it.
func (e *lookupCanceledError) Error() string   { return e.err.Error() + " (" + e.ctxErr.Error() + ")" }
func (e *lookupCanceledError) Unwrap() []error { return []error{e.err, e.ctxErr} }

// Timeout reports whether the context's deadline expired (net.Error style).
func (e *lookupCanceledError) Timeout() bool { return errors.Is(e.ctxErr, context.DeadlineExceeded) }

// eaiCode is the platform's EAI_* value of a resolver error kind.
func eaiCode(k resolve.GAIKind) int {
	if v, ok := LookupConstant(k.String()); ok {
		return int(v)
	}
	return int(EAI_FAIL)
}

// convertErr maps an error of internal/resolve to the package's error.
func convertErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var out error
	var (
		ge *resolve.GAIError
		he *resolve.HError
		oe *resolve.OSError
		ve *resolve.ValueError
		ue *resolve.UnicodeError
		ov *resolve.OverflowError
		te *resolve.TypeError
	)
	switch {
	case errors.As(err, &ge):
		var errno syscall.Errno
		if ge.Kind == resolve.EAISystem && errors.As(ge.Err, &errno) {
			out = &OSError{Op: "getaddrinfo", Errno: errno}
		} else {
			out = &GAIError{Code: eaiCode(ge.Kind), Msg: ge.Kind.Message()}
		}
	case errors.As(err, &he):
		out = &HError{Code: int(he.Kind), Msg: he.Kind.Message()}
	case errors.As(err, &oe):
		out = &OSError{Errno: oe.Errno, Msg: oe.Msg}
	case errors.As(err, &ue):
		out = &UnicodeError{Msg: ue.Msg}
	case errors.As(err, &ve):
		out = &ValueError{Msg: ve.Msg}
	case errors.As(err, &ov):
		out = &OverflowError{Msg: ov.Msg}
	case errors.As(err, &te):
		out = &TypeError{Msg: te.Msg}
	default:
		out = err
	}
	if ctxErr := contextEnded(ctx); ctxErr != nil && !errors.Is(out, ctxErr) {
		return &lookupCanceledError{err: out, ctxErr: ctxErr}
	}
	return out
}

// contextEnded is ctx.Err(), also when the deadline has passed but the
// context's timer has not fired yet (the resolver's socket deadline, set
// from the context's, can fire first).
func contextEnded(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// checkIntArg is CPython's "i" argument conversion: a value outside C int's
// range is an OverflowError.
func checkIntArg(v int64) error {
	if v > math.MaxInt32 {
		return &OverflowError{Msg: "signed integer is greater than maximum"}
	}
	if v < math.MinInt32 {
		return &OverflowError{Msg: "signed integer is less than minimum"}
	}
	return nil
}

// ---- platform values ↔ resolver enums ----

func gaiFamily(f AddressFamily) resolve.Family {
	switch f {
	case AF_UNSPEC:
		return resolve.FamilyUnspec
	case AF_INET:
		return resolve.FamilyInet
	case AF_INET6:
		return resolve.FamilyInet6
	}
	return resolve.FamilyOther
}

// optional reports the value of a constant that only some platforms have.
func optional(name string) (int64, bool) { return LookupConstant(name) }

func gaiSockType(t SocketKind) resolve.SockType {
	switch t {
	case 0:
		return resolve.SockAny
	case SOCK_STREAM:
		return resolve.SockStream
	case SOCK_DGRAM:
		return resolve.SockDgram
	case SOCK_RAW:
		return resolve.SockRaw
	case SOCK_SEQPACKET:
		return resolve.SockSeqpacket
	}
	if v, ok := optional("SOCK_DCCP"); ok && int64(t) == v {
		return resolve.SockDCCP
	}
	return resolve.SockOther
}

func platformSockType(t resolve.SockType) SocketKind {
	switch t {
	case resolve.SockStream:
		return SOCK_STREAM
	case resolve.SockDgram:
		return SOCK_DGRAM
	case resolve.SockRaw:
		return SOCK_RAW
	case resolve.SockSeqpacket:
		return SOCK_SEQPACKET
	case resolve.SockDCCP:
		if v, ok := optional("SOCK_DCCP"); ok {
			return SocketKind(v)
		}
	}
	return 0
}

func platformFamily(f resolve.Family) AddressFamily {
	if f == resolve.FamilyInet6 {
		return AF_INET6
	}
	return AF_INET
}

// aiFlagTable maps the platform's AI_* bits to the resolver's flags.
var aiFlagTable = []struct {
	bit  AddressInfo
	flag resolve.Flags
}{
	{AI_PASSIVE, resolve.FlagPassive},
	{AI_CANONNAME, resolve.FlagCanonName},
	{AI_NUMERICHOST, resolve.FlagNumericHost},
	{AI_NUMERICSERV, resolve.FlagNumericServ},
	{AI_V4MAPPED, resolve.FlagV4Mapped},
	{AI_ALL, resolve.FlagAll},
	{AI_ADDRCONFIG, resolve.FlagAddrConfig},
}

// acceptedBits returns the OR of the named constants this platform has:
// flags glibc accepts and that change nothing for the names this package
// passes (CPython has already applied the idna codec to str hosts).
func acceptedBits(names ...string) int64 {
	var m int64
	for _, n := range names {
		if v, ok := optional(n); ok {
			m |= v
		}
	}
	return m
}

var (
	aiIgnored = acceptedBits("AI_IDN", "AI_CANONIDN", "AI_IDN_ALLOW_UNASSIGNED", "AI_IDN_USE_STD3_ASCII_RULES")
	niIgnored = acceptedBits("NI_IDN", "NI_IDN_ALLOW_UNASSIGNED", "NI_IDN_USE_STD3_ASCII_RULES")
)

func gaiFlags(f AddressInfo) resolve.Flags {
	var out resolve.Flags
	rest := int64(f) &^ aiIgnored
	for _, e := range aiFlagTable {
		if rest&int64(e.bit) != 0 {
			out |= e.flag
			rest &^= int64(e.bit)
		}
	}
	if rest != 0 {
		out |= resolve.FlagUnknown
	}
	return out
}

var niFlagTable = []struct {
	bit  int64
	flag resolve.NIFlags
}{
	{NI_NUMERICHOST, resolve.NINumericHost},
	{NI_NUMERICSERV, resolve.NINumericServ},
	{NI_NOFQDN, resolve.NINoFQDN},
	{NI_NAMEREQD, resolve.NINameReqd},
	{NI_DGRAM, resolve.NIDgram},
}

func gniFlags(f int) resolve.NIFlags {
	var out resolve.NIFlags
	rest := int64(f) &^ niIgnored
	for _, e := range niFlagTable {
		if rest&e.bit != 0 {
			out |= e.flag
			rest &^= e.bit
		}
	}
	if rest != 0 {
		out |= resolve.NIUnknown
	}
	return out
}

// ---- getaddrinfo ----

// AddrInfo is one result of GetAddrInfo: Python's 5-tuple
// (family, type, proto, canonname, sockaddr). Addr is an InetAddress for
// AF_INET and an Inet6Address for AF_INET6 (host without "%scope": the
// scope is ScopeID), ready for NewSocket(Family, Type, Proto) and
// Socket.Connect / Socket.Bind.
type AddrInfo struct {
	Family    AddressFamily
	Type      SocketKind
	Proto     int
	CanonName string
	Addr      Address
}

// String formats the result as Python's repr of the tuple.
func (a AddrInfo) String() string {
	return "(<AddressFamily." + a.Family.String() + ": " + strconv.Itoa(int(a.Family)) + ">, <SocketKind." +
		a.Type.String() + ": " + strconv.Itoa(int(a.Type)) + ">, " + strconv.Itoa(a.Proto) + ", " +
		pyRepr(a.CanonName) + ", " + a.Addr.String() + ")"
}

func hostArgument(host any) (resolve.Host, error) {
	switch h := host.(type) {
	case nil:
		return resolve.HostNone(), nil
	case string:
		return resolve.HostString(h), nil
	case []byte:
		return resolve.HostBytes(string(h)), nil
	}
	return resolve.Host{}, &TypeError{Msg: "getaddrinfo() argument 1 must be string or None"}
}

func portArgument(port any) (resolve.Port, error) {
	switch p := port.(type) {
	case nil:
		return resolve.PortNone(), nil
	case string:
		return resolve.PortString(p), nil
	case []byte:
		return resolve.PortString(string(p)), nil
	case int:
		return resolve.PortInt(int64(p)), nil
	case int8:
		return resolve.PortInt(int64(p)), nil
	case int16:
		return resolve.PortInt(int64(p)), nil
	case int32:
		return resolve.PortInt(int64(p)), nil
	case int64:
		return resolve.PortInt(p), nil
	case uint, uint8, uint16, uint32, uint64, uintptr:
		u := toUint64(p)
		if u > math.MaxInt64 {
			return resolve.Port{}, &OverflowError{Msg: "Python int too large to convert to C long"}
		}
		return resolve.PortInt(int64(u)), nil
	}
	return resolve.Port{}, &OSError{Msg: "Int or String expected"}
}

func toUint64(v any) uint64 {
	switch x := v.(type) {
	case uint:
		return uint64(x)
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case uint64:
		return x
	case uintptr:
		return uint64(x)
	}
	return 0
}

// GetAddrInfo is Python's socket.getaddrinfo(host, port, family=0,
// type=0, proto=0, flags=0). Pass 0 for Python's defaults.
//
// host is Python's host argument: nil (None, C's NULL), a string (a Python
// str: the "idna" codec is applied first, as CPython does) or a []byte
// (a Python bytes, passed unchanged). Any other type is a *TypeError.
//
// port is nil (None), an integer of any Go integer type (formatted in
// decimal and looked up as a service, as CPython does: 65536 is port 0, -1
// a missing service), or a string / []byte service name or number. Any
// other type (bool included, as Python's bool is not an exact int) is
// Python's OSError("Int or String expected").
//
// family, typ, proto and flags outside C int's range are an
// *OverflowError. The results are in the order CPython returns them.
func GetAddrInfo(host, port any, family AddressFamily, typ SocketKind, proto int, flags AddressInfo) ([]AddrInfo, error) {
	return GetAddrInfoContext(context.Background(), host, port, family, typ, proto, flags)
}

// GetAddrInfoContext is GetAddrInfo with a context that bounds the DNS
// queries (see the file comment for the error of a cancelled lookup).
func GetAddrInfoContext(ctx context.Context, host, port any, family AddressFamily, typ SocketKind, proto int, flags AddressInfo) ([]AddrInfo, error) {
	for _, v := range []int64{int64(family), int64(typ), int64(proto), int64(flags)} {
		if err := checkIntArg(v); err != nil {
			return nil, err
		}
	}
	h, err := hostArgument(host)
	if err != nil {
		return nil, err
	}
	p, err := portArgument(port)
	if err != nil {
		return nil, err
	}
	hints := resolve.Hints{Family: gaiFamily(family), SockType: gaiSockType(typ), Proto: proto, Flags: gaiFlags(flags)}
	res, err := resolver().GetAddrInfo(ctx, h, p, hints)
	if err != nil {
		return nil, convertErr(ctx, err)
	}
	out := make([]AddrInfo, len(res))
	for i, a := range res {
		out[i] = AddrInfo{
			Family:    platformFamily(a.Family),
			Type:      platformSockType(a.SockType),
			Proto:     a.Proto,
			CanonName: a.CanonName,
			Addr:      addrInfoAddress(a),
		}
	}
	return out, nil
}

func addrInfoAddress(a resolve.AddrInfo) Address {
	if a.Family == resolve.FamilyInet6 {
		return Inet6Address{Host: a.HostString(), Port: a.Port, FlowInfo: a.Flowinfo, ScopeID: a.ScopeID}
	}
	return InetAddress{Host: a.HostString(), Port: a.Port}
}

// resolveHost is the resolver behind host names in INET/INET6 addresses
// (hostToIP's resolveHostHook): CPython's setipaddr, i.e. the first
// address getaddrinfo(host, None, family) gives.
func resolveHost(family AddressFamily, host string) (netip.Addr, error) {
	res, err := resolver().GetAddrInfo(context.Background(), resolve.HostString(host), resolve.PortNone(),
		resolve.Hints{Family: gaiFamily(family)})
	if err != nil {
		return netip.Addr{}, convertErr(nil, err)
	}
	a := res[0].Addr
	if family == AF_INET {
		a = a.Unmap()
	}
	return a, nil
}

// ---- getnameinfo ----

// GetNameInfo is Python's socket.getnameinfo(sockaddr, flags): the host
// and port (service) strings of an InetAddress (Python's (host, port)) or
// Inet6Address ((host, port, flowinfo, scope_id)); flags are NI_* bits.
// As in CPython the host must be numeric (a name resolving to several
// addresses is an *OSError), an IPv4 host needs an InetAddress, and a
// scoped IPv6 address is returned with its "%scope" suffix.
func GetNameInfo(sockaddr Address, flags int) (host, port string, err error) {
	return GetNameInfoContext(context.Background(), sockaddr, flags)
}

// GetNameInfoContext is GetNameInfo with a context bounding the reverse
// DNS lookup.
func GetNameInfoContext(ctx context.Context, sockaddr Address, flags int) (host, port string, err error) {
	var sa resolve.SockAddrArg
	switch a := sockaddr.(type) {
	case InetAddress:
		sa = resolve.SockAddrArg{Host: a.Host, Port: int64(a.Port), Fields: 2}
	case *InetAddress:
		sa = resolve.SockAddrArg{Host: a.Host, Port: int64(a.Port), Fields: 2}
	case Inet6Address:
		sa = resolve.SockAddrArg{Host: a.Host, Port: int64(a.Port), Flowinfo: int64(a.FlowInfo), ScopeID: int64(a.ScopeID), Fields: 4}
	case *Inet6Address:
		sa = resolve.SockAddrArg{Host: a.Host, Port: int64(a.Port), Flowinfo: int64(a.FlowInfo), ScopeID: int64(a.ScopeID), Fields: 4}
	default:
		return "", "", &TypeError{Msg: "getnameinfo() argument 1 must be a tuple"}
	}
	if err := checkIntArg(int64(flags)); err != nil {
		return "", "", err
	}
	ni, err := resolver().GetNameInfo(ctx, sa, gniFlags(flags))
	if err != nil {
		return "", "", convertErr(ctx, err)
	}
	return ni.Host, ni.Service, nil
}

// ---- gethostby* ----

// GetHostByName is Python's socket.gethostbyname(hostname): the first IPv4
// address of hostname (a Python str: the "idna" codec applies), or the
// address itself if it is numeric. Errors are *GAIError.
func GetHostByName(hostname string) (string, error) {
	return GetHostByNameContext(context.Background(), hostname)
}

// GetHostByNameContext is GetHostByName with a context.
func GetHostByNameContext(ctx context.Context, hostname string) (string, error) {
	s, err := resolver().GetHostByName(ctx, resolve.HostString(hostname))
	return s, convertErr(ctx, err)
}

// GetHostByNameEx is Python's socket.gethostbyname_ex(hostname): the
// triple (hostname, aliaslist, ipaddrlist), IPv4 only. The name is first
// checked with getaddrinfo (*GAIError), then looked up with
// gethostbyname_r (*HError), as CPython does.
func GetHostByNameEx(hostname string) (name string, aliases, addrs []string, err error) {
	return GetHostByNameExContext(context.Background(), hostname)
}

// GetHostByNameExContext is GetHostByNameEx with a context.
func GetHostByNameExContext(ctx context.Context, hostname string) (name string, aliases, addrs []string, err error) {
	he, err := resolver().GetHostByNameEx(ctx, resolve.HostString(hostname))
	if err != nil {
		return "", nil, nil, convertErr(ctx, err)
	}
	return he.Name, he.Aliases, he.Addrs, nil
}

// GetHostByAddr is Python's socket.gethostbyaddr(ip_address): the triple
// (hostname, aliaslist, ipaddrlist) of a reverse lookup, IPv4 or IPv6. A
// host name is accepted too (resolved first, as CPython does). Errors:
// *GAIError for the first resolution, *HError for the reverse lookup.
func GetHostByAddr(ipAddress string) (name string, aliases, addrs []string, err error) {
	return GetHostByAddrContext(context.Background(), ipAddress)
}

// GetHostByAddrContext is GetHostByAddr with a context.
func GetHostByAddrContext(ctx context.Context, ipAddress string) (name string, aliases, addrs []string, err error) {
	he, err := resolver().GetHostByAddr(ctx, resolve.HostString(ipAddress))
	if err != nil {
		return "", nil, nil, convertErr(ctx, err)
	}
	return he.Name, he.Aliases, he.Addrs, nil
}

// GetFQDN is Python's socket.getfqdn(name=""): a fully qualified name for
// name ("" for the local host): the first name containing a dot among
// gethostbyaddr's host name and aliases, else its host name; name itself
// (the host name for "") when the lookup fails. It never fails.
func GetFQDN(name string) string { return GetFQDNContext(context.Background(), name) }

// GetFQDNContext is GetFQDN with a context.
func GetFQDNContext(ctx context.Context, name string) string {
	return resolver().GetFQDN(ctx, name)
}

// ---- services and protocols (file lookups, no network) ----

// GetServByName is Python's socket.getservbyname(servicename[,
// protocolname]): the port of a service. proto is Python's optional
// argument: omit it to match any protocol (an explicit "" matches none, as
// in Python). Not found is *OSError "service/proto not found".
func GetServByName(name string, proto ...string) (int, error) {
	if len(proto) > 1 {
		return 0, &TypeError{Msg: "getservbyname() takes at most 2 arguments (" + strconv.Itoa(len(proto)+1) + " given)"}
	}
	var p *string
	if len(proto) == 1 {
		p = &proto[0]
	}
	n, err := resolver().GetServByName(name, p)
	return n, convertErr(nil, err)
}

// GetServByPort is Python's socket.getservbyport(port[, protocolname]):
// the name of the service on port (0-65535, else *OverflowError). proto
// is optional as in GetServByName. Not found is *OSError "port/proto not
// found".
func GetServByPort(port int, proto ...string) (string, error) {
	if len(proto) > 1 {
		return "", &TypeError{Msg: "getservbyport() takes at most 2 arguments (" + strconv.Itoa(len(proto)+1) + " given)"}
	}
	var p *string
	if len(proto) == 1 {
		p = &proto[0]
	}
	s, err := resolver().GetServByPort(int64(port), p)
	return s, convertErr(nil, err)
}

// GetProtoByName is Python's socket.getprotobyname(protocolname): the
// number of an IP protocol ("icmp" → 1). Not found is *OSError "protocol
// not found".
func GetProtoByName(name string) (int, error) {
	n, err := resolver().GetProtoByName(name)
	return n, convertErr(nil, err)
}
