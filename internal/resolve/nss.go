package resolve

import (
	"context"
	"net/netip"
	"strings"
)

// hostsResult is what one NSS "hosts" source answers.
type hostsResult struct {
	status  nssStatus
	herr    HErrKind
	name    string   // official (canonical) name
	aliases []string // other names
	addrs   [][]byte // 4- or 16-byte addresses
}

// filesByName looks name up in the hosts file. fam FamilyUnspec returns
// every matching line of either family (gethostbyname4_r); otherwise only
// lines of that family, merged (gethostbyname3_r, "multi").
func (r *Resolver) filesByName(name string, fam Family) hostsResult {
	ents, err := parseHosts(r.cfg.HostsPath)
	if err != nil {
		return hostsResult{status: nssUnavail, herr: HostNotFound}
	}
	var res hostsResult
	for _, e := range ents {
		if fam == FamilyInet6 && len(e.addr) != 16 {
			continue
		}
		if fam == FamilyInet && len(e.addr) == 16 {
			// glibc's hosts parser turns ::1 and IPv4-mapped lines into
			// IPv4 addresses for an AF_INET lookup.
			a := netip.AddrFrom16([16]byte(e.addr))
			switch {
			case a == netip.IPv6Loopback():
				e.addr = []byte{127, 0, 0, 1}
			case a.Is4In6():
				b := a.Unmap().As4()
				e.addr = b[:]
			default:
				continue
			}
		}
		if !e.matches(name) {
			continue
		}
		if res.name == "" {
			res.name = e.name
			res.aliases = append(res.aliases, e.alias...)
		} else if fam != FamilyUnspec {
			for _, a := range append([]string{e.name}, e.alias...) {
				if a != res.name && !containsExact(res.aliases, a) {
					res.aliases = append(res.aliases, a)
				}
			}
		}
		res.addrs = append(res.addrs, e.addr)
	}
	if len(res.addrs) == 0 {
		return hostsResult{status: nssNotFound, herr: HostNotFound}
	}
	res.status = nssSuccess
	return res
}

func containsExact(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// filesByAddr is the hosts file's gethostbyaddr: the first line with that
// address.
func (r *Resolver) filesByAddr(addr []byte) hostsResult {
	ents, err := parseHosts(r.cfg.HostsPath)
	if err != nil {
		return hostsResult{status: nssUnavail, herr: HostNotFound}
	}
	for _, e := range ents {
		if string(e.addr) == string(addr) {
			return hostsResult{status: nssSuccess, name: e.name, aliases: append([]string(nil), e.alias...), addrs: [][]byte{addr}}
		}
	}
	return hostsResult{status: nssNotFound, herr: HostNotFound}
}

func dnsStatus(o dnsOutcome) hostsResult {
	if o.unav {
		return hostsResult{status: nssUnavail, herr: o.herr}
	}
	if o.herr == TryAgain {
		return hostsResult{status: nssTryAgain, herr: TryAgain}
	}
	return hostsResult{status: nssNotFound, herr: o.herr}
}

// dnsByName asks DNS (A and/or AAAA, per fam).
func (r *Resolver) dnsByName(ctx context.Context, name string, fam Family) hostsResult {
	if !hostnameOK(name) {
		return hostsResult{status: nssNotFound, herr: NoRecovery}
	}
	var types []uint16
	switch fam {
	case FamilyInet:
		types = []uint16{dnsTypeA}
	case FamilyInet6:
		types = []uint16{dnsTypeAAAA}
	default:
		types = []uint16{dnsTypeA, dnsTypeAAAA}
	}
	ans, o := r.search(ctx, name, types)
	if !o.found {
		return dnsStatus(o)
	}
	return hostsResult{status: nssSuccess, name: ans.canon, aliases: ans.aliases, addrs: ans.addrs}
}

// dnsByAddr does the PTR lookup. Like glibc's DNS module, an IPv4-mapped
// or IPv4-compatible IPv6 address is looked up as IPv4.
func (r *Resolver) dnsByAddr(ctx context.Context, addr []byte) hostsResult {
	q := addr
	if len(addr) == 16 {
		zero10 := string(addr[:10]) == string(make([]byte, 10))
		if zero10 && addr[10] == 0xff && addr[11] == 0xff {
			q = addr[12:]
		} else if zero10 && addr[10] == 0 && addr[11] == 0 && string(addr[12:]) != "\x00\x00\x00\x01" && string(addr[12:]) != "\x00\x00\x00\x00" {
			q = addr[12:]
		}
	}
	conf := r.loadResolvConf()
	ans, o := r.queryDomain(ctx, &conf, reverseName(q), []uint16{dnsTypePTR})
	if !o.found {
		return dnsStatus(o)
	}
	return hostsResult{status: nssSuccess, name: ans.ptr, addrs: [][]byte{q}}
}

// sourceFunc answers one NSS source; nil result means "source
// unavailable" (unknown module).
type sourceFunc func(src string) *hostsResult

// nssRun walks the "hosts:" sources with their actions and returns the
// last answer (status SUCCESS if some source succeeded).
func (r *Resolver) nssRun(ctx context.Context, f sourceFunc) hostsResult {
	last := hostsResult{status: nssUnavail, herr: HostNotFound}
	for _, s := range parseNSSwitch(r.cfg.NSSwitchPath) {
		if ctx.Err() != nil {
			return hostsResult{status: nssUnavail, herr: TryAgain}
		}
		res := f(s.name)
		if res == nil {
			res = &hostsResult{status: nssUnavail, herr: HostNotFound}
		}
		last = *res
		if s.action[res.status] {
			break
		}
	}
	return last
}

// byName3 is gethostbyname3_r through the NSS sources for one family.
func (r *Resolver) byName3(ctx context.Context, name string, fam Family) hostsResult {
	return r.nssRun(ctx, func(src string) *hostsResult {
		switch src {
		case "files":
			res := r.filesByName(name, fam)
			return &res
		case "dns":
			res := r.dnsByName(ctx, name, fam)
			return &res
		case "myhostname":
			res := r.myHostname(name, fam)
			return &res
		}
		return nil
	})
}

// byAddr is gethostbyaddr_r through the NSS sources.
func (r *Resolver) byAddr(ctx context.Context, addr []byte) hostsResult {
	return r.nssRun(ctx, func(src string) *hostsResult {
		switch src {
		case "files":
			res := r.filesByAddr(addr)
			return &res
		case "dns":
			res := r.dnsByAddr(ctx, addr)
			return &res
		}
		return nil
	})
}

// myHostname is a small model of systemd's nss-myhostname: the host name
// and "localhost" names resolve to local addresses.
func (r *Resolver) myHostname(name string, fam Family) hostsResult {
	hn, _ := r.cfg.Hostname()
	lname := strings.ToLower(strings.TrimSuffix(name, "."))
	var addrs [][]byte
	switch {
	case lname == "localhost" || strings.HasSuffix(lname, ".localhost"):
		if fam != FamilyInet {
			addrs = append(addrs, []byte{15: 1})
		}
		if fam != FamilyInet6 {
			addrs = append(addrs, []byte{127, 0, 0, 1})
		}
	case hn != "" && strings.EqualFold(lname, hn):
		ifs, _ := r.cfg.Interfaces()
		for _, it := range ifs {
			for _, p := range it.Addrs {
				a := p.Addr()
				if a.IsLoopback() || a.IsLinkLocalUnicast() {
					continue
				}
				if a.Is4() && fam != FamilyInet6 {
					b := a.As4()
					addrs = append(addrs, b[:])
				} else if a.Is6() && fam != FamilyInet {
					b := a.As16()
					addrs = append(addrs, b[:])
				}
			}
		}
	}
	if len(addrs) == 0 {
		return hostsResult{status: nssNotFound, herr: HostNotFound}
	}
	return hostsResult{status: nssSuccess, name: name, addrs: addrs}
}
