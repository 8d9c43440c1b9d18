package resolve

import (
	"context"
	"net/netip"
	"strings"
	"syscall"
)

// NameInfo is getnameinfo's (host, port) answer.
type NameInfo struct {
	Host    string
	Service string
}

// SockAddrArg is getnameinfo's sockaddr tuple: (host, port) or
// (host, port, flowinfo, scope_id). Fields is the tuple's length (2, 3 or
// 4); Port, Flowinfo and ScopeID carry the Python ints as given.
type SockAddrArg struct {
	Host     string
	Port     int64
	Flowinfo int64
	ScopeID  int64
	Fields   int
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// GetNameInfo implements Python's socket.getnameinfo(sockaddr, flags) as
// CPython 3.11 does: the host is first resolved with AI_NUMERICHOST
// (SOCK_DGRAM, the port as "%d"), a host resolving to several addresses is
// an OSError, a flowinfo above 0xfffff an OverflowError, an IPv4 address
// needs a 2-tuple; then glibc's getnameinfo (NI_* flags, "%scope" suffix
// for scoped IPv6 addresses, reverse lookups through hosts:).
func (r *Resolver) GetNameInfo(ctx context.Context, sa SockAddrArg, flags NIFlags) (NameInfo, error) {
	if hasNUL(sa.Host) {
		return NameInfo{}, &ValueError{Msg: "embedded null character"}
	}
	if sa.Port > 2147483647 {
		return NameInfo{}, &OverflowError{Msg: "signed integer is greater than maximum"}
	}
	if sa.Port < -2147483648 {
		return NameInfo{}, &OverflowError{Msg: "signed integer is less than minimum"}
	}
	flowinfo := uint32(sa.Flowinfo)
	scope := uint32(sa.ScopeID)
	if sa.Fields < 3 {
		flowinfo = 0
	}
	if sa.Fields < 4 {
		scope = 0
	}
	if flowinfo > 0xfffff {
		return NameInfo{}, &OverflowError{Msg: "getnameinfo(): flowinfo must be 0-1048575."}
	}
	res, err := r.getaddrinfo(ctx, sa.Host, true, itoa(sa.Port), true, Hints{SockType: SockDgram, Flags: FlagNumericHost})
	if err != nil {
		return NameInfo{}, err
	}
	if len(res) > 1 {
		return NameInfo{}, &OSError{Msg: "sockaddr resolved to multiple addresses"}
	}
	a := res[0]
	if a.Family == FamilyInet {
		if sa.Fields != 2 {
			return NameInfo{}, &OSError{Msg: "IPv4 sockaddr must be 2 tuple"}
		}
	} else {
		a.ScopeID = scope
	}
	return r.getnameinfo(ctx, a.Addr, a.Port, a.ScopeID, flags)
}

// getnameinfo is glibc's getnameinfo for an INET/INET6 sockaddr.
func (r *Resolver) getnameinfo(ctx context.Context, addr netip.Addr, port int, scope uint32, flags NIFlags) (NameInfo, error) {
	if flags&NIUnknown != 0 {
		return NameInfo{}, gaiErr(EAIBadFlags)
	}
	var ni NameInfo
	found := false
	if flags&NINumericHost == 0 {
		var b []byte
		if addr.Is4() {
			x := addr.As4()
			b = x[:]
		} else {
			x := addr.As16()
			b = x[:]
		}
		hr := r.gethostbyaddr(ctx, b)
		if hr.status == nssSuccess {
			name := hr.name
			if flags&NINoFQDN != 0 {
				if dom := r.localDomain(ctx); dom != "" {
					if i := strings.Index(name, dom); i > 0 && name[i-1] == '.' {
						name = name[:i-1]
					}
				}
			}
			ni.Host = name
			found = true
		} else if hr.herr == TryAgain {
			return NameInfo{}, gaiErr(EAIAgain)
		}
	}
	if !found {
		if flags&NINameReqd != 0 {
			return NameInfo{}, gaiErr(EAINoName)
		}
		ni.Host = r.numericHostString(addr, scope)
	}
	if flags&NINumericServ != 0 {
		ni.Service = itoa(int64(port))
	} else {
		proto := "tcp"
		if flags&NIDgram != 0 {
			proto = "udp"
		}
		if s, ok := r.servByPort(port, proto, true); ok {
			ni.Service = s.name
		} else {
			ni.Service = itoa(int64(port))
		}
	}
	return ni, nil
}

// gethostbyaddr is glibc's gethostbyaddr_r (the unspecified IPv6 address
// is never looked up).
func (r *Resolver) gethostbyaddr(ctx context.Context, b []byte) hostsResult {
	if len(b) == 16 && string(b) == string(make([]byte, 16)) {
		return hostsResult{status: nssNotFound, herr: HostNotFound}
	}
	return r.byAddr(ctx, b)
}

// localDomain is glibc's getnameinfo domain for NI_NOFQDN: the host
// name's part after the first dot, else that of its canonical name, else
// that of the name of 127.0.0.1.
func (r *Resolver) localDomain(ctx context.Context) string {
	hn, err := r.cfg.Hostname()
	if err != nil {
		return ""
	}
	if i := strings.IndexByte(hn, '.'); i >= 0 {
		return hn[i+1:]
	}
	if res := r.byName3(ctx, hn, FamilyInet); res.status == nssSuccess {
		if i := strings.IndexByte(res.name, '.'); i >= 0 {
			return res.name[i+1:]
		}
	}
	if res := r.byAddr(ctx, []byte{127, 0, 0, 1}); res.status == nssSuccess {
		if i := strings.IndexByte(res.name, '.'); i >= 0 {
			return res.name[i+1:]
		}
	}
	return ""
}

// etArg converts a Python argument parsed with "et" and the idna codec.
func etArg(h Host) (string, error) {
	var s string
	switch h.kind {
	case 1:
		e, err := idnaEncode(h.s)
		if err != nil {
			return "", err
		}
		s = e
	case 2:
		s = h.s
	default:
		return "", &ValueError{Msg: "str, bytes or bytearray expected, not NoneType"}
	}
	if hasNUL(s) {
		return "", &TypeError{Msg: "argument 1 must be encoded string without null bytes, not str"}
	}
	return s, nil
}

// setipaddr is CPython's setipaddr(): the address a host argument stands
// for (af FamilyInet or FamilyUnspec).
func (r *Resolver) setipaddr(ctx context.Context, name string, af Family) (netip.Addr, error) {
	if name == "" {
		res, err := r.getaddrinfo(ctx, "", false, "0", true, Hints{Family: af, SockType: SockDgram, Flags: FlagPassive})
		if err != nil {
			return netip.Addr{}, err
		}
		if len(res) > 1 {
			return netip.Addr{}, &OSError{Msg: "wildcard resolved to multiple address"}
		}
		return res[0].Addr, nil
	}
	if name == "255.255.255.255" || name == "<broadcast>" {
		if af != FamilyInet && af != FamilyUnspec {
			return netip.Addr{}, &OSError{Msg: "address family mismatched"}
		}
		return netip.AddrFrom4([4]byte{255, 255, 255, 255}), nil
	}
	if af == FamilyInet || af == FamilyUnspec {
		if a, ok := parsePton4(name); ok {
			return a, nil
		}
	}
	if (af == FamilyInet6 || af == FamilyUnspec) && !strings.Contains(name, "%") {
		if a, ok := parsePton6(name); ok {
			return a, nil
		}
	}
	res, err := r.getaddrinfo(ctx, name, true, "", false, Hints{Family: af})
	if err != nil {
		return netip.Addr{}, err
	}
	return res[0].Addr, nil
}

// GetHostByName implements Python's socket.gethostbyname(hostname): the
// first IPv4 address getaddrinfo gives (errors are gaierrors).
func (r *Resolver) GetHostByName(ctx context.Context, host Host) (string, error) {
	name, err := etArg(host)
	if err != nil {
		return "", err
	}
	a, err := r.setipaddr(ctx, name, FamilyInet)
	if err != nil {
		return "", err
	}
	return FormatAddr(a), nil
}

// HostEnt is Python's (hostname, aliaslist, ipaddrlist) triple.
type HostEnt struct {
	Name    string
	Aliases []string
	Addrs   []string
}

// GetHostByNameEx implements Python's socket.gethostbyname_ex(hostname):
// CPython first checks the name with getaddrinfo (gaierror), then calls
// gethostbyname_r (herror).
func (r *Resolver) GetHostByNameEx(ctx context.Context, host Host) (HostEnt, error) {
	name, err := etArg(host)
	if err != nil {
		return HostEnt{}, err
	}
	if _, err := r.setipaddr(ctx, name, FamilyInet); err != nil {
		return HostEnt{}, err
	}
	if a, ok := digitsDots(name); ok {
		return HostEnt{Name: name, Aliases: []string{}, Addrs: []string{FormatAddr(a)}}, nil
	}
	res := r.byName3(ctx, name, FamilyInet)
	if res.status != nssSuccess {
		return HostEnt{}, &HError{Kind: res.herr}
	}
	he := HostEnt{Name: res.name, Aliases: append([]string{}, res.aliases...)}
	for _, b := range res.addrs {
		a, _ := netip.AddrFromSlice(b)
		he.Addrs = append(he.Addrs, FormatAddr(a))
	}
	return he, nil
}

// digitsDots is glibc's shortcut for gethostbyname of a dotted numeric
// IPv4 name (digits and dots only, not ending in a dot).
func digitsDots(name string) (netip.Addr, bool) {
	if name == "" || name[len(name)-1] == '.' {
		return netip.Addr{}, false
	}
	for i := 0; i < len(name); i++ {
		if (name[i] < '0' || name[i] > '9') && name[i] != '.' {
			return netip.Addr{}, false
		}
	}
	return parseInetAton(name)
}

// GetHostByAddr implements Python's socket.gethostbyaddr(ip_address): the
// argument is first resolved (any family; gaierror), then looked up in
// reverse (herror).
func (r *Resolver) GetHostByAddr(ctx context.Context, host Host) (HostEnt, error) {
	name, err := etArg(host)
	if err != nil {
		return HostEnt{}, err
	}
	a, err := r.setipaddr(ctx, name, FamilyUnspec)
	if err != nil {
		return HostEnt{}, err
	}
	var b []byte
	if a.Is4() {
		x := a.As4()
		b = x[:]
	} else {
		x := a.As16()
		b = x[:]
	}
	res := r.gethostbyaddr(ctx, b)
	if res.status != nssSuccess {
		return HostEnt{}, &HError{Kind: res.herr}
	}
	for _, x := range res.addrs {
		if len(x) != len(b) {
			// glibc's DNS module answers a v4-mapped query as AF_INET;
			// CPython refuses the family mismatch.
			return HostEnt{}, &OSError{Errno: syscall.EAFNOSUPPORT}
		}
	}
	he := HostEnt{Name: res.name, Aliases: append([]string{}, res.aliases...)}
	for _, x := range res.addrs {
		ad, _ := netip.AddrFromSlice(x)
		he.Addrs = append(he.Addrs, FormatAddr(ad))
	}
	return he, nil
}

// GetFQDN implements Python's socket.getfqdn(name=”): an empty name (or
// 0.0.0.0 / ::) means the host name; the first name containing a dot
// among gethostbyaddr's name and aliases, else its name; the name itself
// if the lookup fails.
func (r *Resolver) GetFQDN(ctx context.Context, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" || name == "::" {
		hn, err := r.cfg.Hostname()
		if err == nil {
			name = hn
		}
	}
	he, err := r.GetHostByAddr(ctx, HostString(name))
	if err != nil {
		return name
	}
	for _, n := range append([]string{he.Name}, he.Aliases...) {
		if strings.Contains(n, ".") {
			return n
		}
	}
	return he.Name
}
