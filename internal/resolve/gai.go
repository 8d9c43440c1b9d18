package resolve

import (
	"context"
	"net/netip"
	"strings"
)

// typeProto is glibc's table of socket types and protocols getaddrinfo
// knows; def marks the ones returned when neither type nor protocol is
// given; noServ/protoAny mark SOCK_RAW.
type typeProto struct {
	st       SockType
	proto    int
	name     string
	def      bool
	noServ   bool
	protoAny bool
}

var typeProtos = []typeProto{
	{SockStream, ProtoTCP, "tcp", true, false, false},
	{SockDgram, ProtoUDP, "udp", true, false, false},
	{SockDCCP, ProtoDCCP, "dccp", false, false, false},
	{SockDgram, ProtoUDPLite, "udplite", false, false, false},
	{SockStream, ProtoSCTP, "sctp", false, false, false},
	{SockSeqpacket, ProtoSCTP, "sctp", false, false, false},
	{SockRaw, 0, "raw", true, true, true},
}

type servTuple struct {
	st    SockType
	proto int
	port  int
}

func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// hostArg converts Python's host argument the way CPython does before
// calling getaddrinfo: str through the "idna" codec, then as a C string
// (an embedded NUL ends it: CPython does not check).
func hostArg(h Host) (string, bool, error) {
	switch h.kind {
	case 0:
		return "", false, nil
	case 1:
		s, err := idnaEncode(h.s)
		if err != nil {
			return "", false, err
		}
		return cString(s), true, nil
	}
	return cString(h.s), true, nil
}

func portArg(p Port) (string, bool) {
	switch p.kind {
	case 0:
		return "", false
	case 2:
		return itoa(p.n), true
	}
	return cString(p.s), true
}

// strtoulInt mimics glibc's use of strtoul(s, &end, 10) stored in an int:
// leading space and a sign are accepted; ok is false if characters
// follow the number (or there is none).
func strtoulInt(s string) (int32, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if v > (^uint64(0)-d)/10 {
			over = true
		}
		v = v*10 + d
		i++
	}
	if i == start {
		// no digits: end pointer is the start of the string
		return 0, s == ""
	}
	if i != len(s) {
		return 0, false
	}
	if over {
		v = ^uint64(0)
	} else if neg {
		v = -v
	}
	return int32(uint32(v)), true
}

// GetAddrInfo implements Python's socket.getaddrinfo(host, port, family,
// type, proto, flags) as CPython on glibc answers it: same tuples, same
// order (RFC 3484 sorting with gai.conf), same errors.
func (r *Resolver) GetAddrInfo(ctx context.Context, host Host, port Port, h Hints) ([]AddrInfo, error) {
	name, haveName, err := hostArg(host)
	if err != nil {
		return nil, err
	}
	service, haveServ := portArg(port)
	return r.getaddrinfo(ctx, name, haveName, service, haveServ, h)
}

// getaddrinfo is glibc's getaddrinfo on C strings.
func (r *Resolver) getaddrinfo(ctx context.Context, name string, haveName bool, service string, haveServ bool, h Hints) ([]AddrInfo, error) {
	if haveName && name == "*" {
		haveName = false
	}
	if haveServ && service == "*" {
		haveServ = false
	}
	if !haveName && !haveServ {
		return nil, gaiErr(EAINoName)
	}
	if h.Flags&FlagUnknown != 0 {
		return nil, gaiErr(EAIBadFlags)
	}
	if h.Flags&FlagCanonName != 0 && !haveName {
		return nil, gaiErr(EAIBadFlags)
	}
	if h.Family != FamilyUnspec && h.Family != FamilyInet && h.Family != FamilyInet6 {
		return nil, gaiErr(EAIFamily)
	}
	if h.Flags&FlagAddrConfig != 0 {
		v4, v6 := r.seenFamilies()
		if h.Family == FamilyUnspec && (v4 || v6) {
			if v4 != v6 {
				if v4 {
					h.Family = FamilyInet
				} else {
					h.Family = FamilyInet6
				}
			}
		} else if h.Family == FamilyInet && !v4 || h.Family == FamilyInet6 && !v6 {
			return nil, gaiErr(EAINoName)
		}
	}
	servNum := int32(-1)
	servGiven := haveServ && service != ""
	if servGiven {
		n, ok := strtoulInt(service)
		if !ok {
			if h.Flags&FlagNumericServ != 0 {
				return nil, gaiErr(EAINoName)
			}
		} else {
			servNum = n
		}
	}
	// Socket type and protocol.
	var tp *typeProto
	if h.SockType != SockAny || h.Proto != 0 {
		for i := range typeProtos {
			t := &typeProtos[i]
			if (h.SockType == SockAny || h.SockType == t.st) && (h.Proto == 0 || t.protoAny || h.Proto == t.proto) {
				tp = t
				break
			}
		}
		if tp == nil {
			if h.SockType != SockAny {
				return nil, gaiErr(EAISockType)
			}
			return nil, gaiErr(EAIService)
		}
	}
	var servs []servTuple
	if servGiven {
		if tp != nil && tp.noServ {
			return nil, gaiErr(EAIService)
		}
		if servNum < 0 {
			if tp != nil {
				p, ok := r.servPort(service, tp.name)
				if !ok {
					return nil, gaiErr(EAIService)
				}
				servs = append(servs, servTuple{tp.st, protoOf(tp, h.Proto), p})
			} else {
				for i := range typeProtos {
					t := &typeProtos[i]
					if t.noServ {
						continue
					}
					if p, ok := r.servPort(service, t.name); ok {
						servs = append(servs, servTuple{t.st, protoOf(t, h.Proto), p})
					}
				}
				if len(servs) == 0 {
					return nil, gaiErr(EAIService)
				}
			}
		}
	}
	if servs == nil {
		port := 0
		if servGiven {
			port = int(uint16(servNum))
		}
		if tp != nil {
			servs = append(servs, servTuple{tp.st, protoOf(tp, h.Proto), port})
		} else {
			for i := range typeProtos {
				if typeProtos[i].def {
					servs = append(servs, servTuple{typeProtos[i].st, typeProtos[i].proto, port})
				}
			}
		}
	}

	type tuple struct {
		addr  netip.Addr
		scope uint32
	}
	var at []tuple
	canon := ""
	haveCanon := false
	if haveName {
		if a, ok := parseInetAton(name); ok {
			switch {
			case h.Family == FamilyUnspec || h.Family == FamilyInet:
				at = append(at, tuple{addr: a})
			case h.Family == FamilyInet6 && h.Flags&FlagV4Mapped != 0:
				at = append(at, tuple{addr: netip.AddrFrom16(a.As16())})
			default:
				return nil, gaiErr(EAIAddrFamily)
			}
			canon, haveCanon = name, true
		} else {
			addrPart, scopePart, hasScope := strings.Cut(name, "%")
			if a, ok := parsePton6(addrPart); ok {
				t := tuple{}
				switch {
				case h.Family == FamilyUnspec || h.Family == FamilyInet6:
					t.addr = a
				case h.Family == FamilyInet && a.Is4In6():
					t.addr = a.Unmap()
				default:
					return nil, gaiErr(EAIAddrFamily)
				}
				if hasScope {
					sc, ok := r.parseScopeID(a, scopePart)
					if !ok {
						return nil, gaiErr(EAINoName)
					}
					t.scope = sc
				}
				at = append(at, t)
				canon, haveCanon = name, true
			} else if h.Flags&FlagNumericHost != 0 {
				return nil, gaiErr(EAINoName)
			} else {
				res, err := r.gaiLookup(ctx, name, h)
				if err != nil {
					return nil, err
				}
				for _, b := range res.addrs {
					a, _ := netip.AddrFromSlice(b)
					at = append(at, tuple{addr: a})
				}
				if res.name != "" {
					canon, haveCanon = res.name, true
				}
			}
		}
	} else {
		if h.Family == FamilyUnspec || h.Family == FamilyInet6 {
			a := netip.IPv6Unspecified()
			if h.Flags&FlagPassive == 0 {
				a = netip.IPv6Loopback()
			}
			at = append(at, tuple{addr: a})
		}
		if h.Family == FamilyUnspec || h.Family == FamilyInet {
			a := netip.IPv4Unspecified()
			if h.Flags&FlagPassive == 0 {
				a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
			}
			at = append(at, tuple{addr: a})
		}
	}
	if len(at) == 0 {
		return nil, gaiErr(EAINoName)
	}
	if h.Flags&FlagCanonName != 0 && !haveCanon {
		canon = name
	}
	var out []AddrInfo
	for _, t := range at {
		fam := FamilyInet
		if t.addr.Is6() {
			fam = FamilyInet6
		}
		for _, s := range servs {
			out = append(out, AddrInfo{Family: fam, SockType: s.st, Proto: s.proto, Addr: t.addr, Port: s.port, ScopeID: t.scope})
		}
	}
	if len(out) > 1 {
		r.sortRFC3484(out)
	}
	if h.Flags&FlagCanonName != 0 {
		out[0].CanonName = canon
	}
	return out, nil
}

func protoOf(t *typeProto, reqProto int) int {
	if t.protoAny {
		return reqProto
	}
	return t.proto
}

// servPort is getservbyname_r(name, proto) on the services database.
func (r *Resolver) servPort(name, proto string) (int, bool) {
	ents, err := parseServices(r.cfg.ServicesPath)
	if err != nil {
		return 0, false
	}
	for _, e := range ents {
		if e.proto != proto {
			continue
		}
		if e.name == name || containsExact(e.alias, name) {
			return e.port, true
		}
	}
	return 0, false
}

// seenFamilies reports, like glibc's __check_pf, whether the machine has
// a non-loopback IPv4 and a non-loopback IPv6 address.
func (r *Resolver) seenFamilies() (v4, v6 bool) {
	ifs, err := r.cfg.Interfaces()
	if err != nil {
		return true, true
	}
	for _, it := range ifs {
		for _, p := range it.Addrs {
			a := p.Addr()
			if a.Is4() && a != netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
				v4 = true
			} else if a.Is6() && !a.Is4In6() && a != netip.IPv6Loopback() {
				v6 = true
			}
		}
	}
	return v4, v6
}

// gaiLookup is glibc's NSS part of gaih_inet.
func (r *Resolver) gaiLookup(ctx context.Context, name string, h Hints) (hostsResult, error) {
	var acc hostsResult
	noData, noInet6Data := 0, 0 // 0, 1 (NO_DATA) or -1 (EAI_AGAIN)
	noDataOf := func(res hostsResult) int {
		if res.status == nssSuccess {
			return 0
		}
		if res.herr == TryAgain {
			return -1
		}
		if res.herr == NoData {
			return 1
		}
		return 0
	}
	mapped := func(b []byte) []byte {
		if len(b) == 4 {
			a := netip.AddrFrom16(netip.AddrFrom4([4]byte(b)).As16()).As16()
			return a[:]
		}
		return b
	}
	srcs := parseNSSwitch(r.cfg.NSSwitchPath)
	for _, s := range srcs {
		if err := ctx.Err(); err != nil {
			return acc, gaiErr(EAIAgain)
		}
		lookup := func(fam Family) *hostsResult {
			var res hostsResult
			switch s.name {
			case "files":
				res = r.filesByName(name, fam)
			case "dns":
				res = r.dnsByName(ctx, name, fam)
			case "myhostname":
				res = r.myHostname(name, fam)
			default:
				return nil
			}
			return &res
		}
		var status nssStatus
		if h.Family == FamilyUnspec {
			noData = 0
			res := lookup(FamilyUnspec)
			if res == nil {
				status = nssUnavail
			} else {
				status = res.status
				if res.status == nssSuccess {
					if acc.name == "" {
						acc.name = res.name
					}
					acc.addrs = append(acc.addrs, res.addrs...)
				} else {
					noData = noDataOf(*res)
				}
			}
			noInet6Data = noData
		} else {
			inet6Status := nssUnavail
			avail := true
			if h.Family == FamilyInet6 {
				res := lookup(FamilyInet6)
				if res == nil {
					avail = false
				} else {
					noData = noDataOf(*res)
					noInet6Data = noData
					inet6Status = res.status
					status = res.status
					if res.status == nssSuccess {
						if acc.name == "" {
							acc.name = res.name
						}
						acc.addrs = append(acc.addrs, res.addrs...)
					}
				}
			}
			if avail && (h.Family == FamilyInet || h.Family == FamilyInet6 && h.Flags&FlagV4Mapped != 0 && (h.Flags&FlagAll != 0 || len(acc.addrs) == 0)) {
				res := lookup(FamilyInet)
				if res == nil {
					avail = false
				} else {
					noData = noDataOf(*res)
					status = res.status
					if h.Family == FamilyInet {
						noInet6Data = noData
						inet6Status = status
					}
					if res.status == nssSuccess {
						if acc.name == "" {
							acc.name = res.name
						}
						for _, b := range res.addrs {
							if h.Family == FamilyInet6 {
								b = mapped(b)
							}
							acc.addrs = append(acc.addrs, b)
						}
					}
				}
			}
			if !avail {
				status = nssUnavail
			} else if inet6Status == nssSuccess || status == nssSuccess {
				status = nssSuccess
			} else if inet6Status == nssTryAgain {
				status = nssTryAgain
			} else if status == nssUnavail && inet6Status != nssUnavail {
				status = inet6Status
			}
		}
		if s.action[status] {
			break
		}
	}
	if len(acc.addrs) == 0 && noData != 0 && noInet6Data != 0 {
		if noData == -1 && noInet6Data == -1 {
			return acc, gaiErr(EAIAgain)
		}
		return acc, gaiErr(EAINoData)
	}
	if len(acc.addrs) == 0 {
		return acc, gaiErr(EAINoName)
	}
	return acc, nil
}
