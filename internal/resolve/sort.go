package resolve

import (
	"math/bits"
	"net/netip"
	"sort"
)

type sortInfo struct {
	ok        bool
	src       netip.Addr
	prefixLen int
}

func as16(a netip.Addr) [16]byte {
	return a.As16()
}

func (g *gaiConf) scope(a netip.Addr) int {
	if a.Is4() {
		return matchPrefix(g.scopes, as16(a), 14)
	}
	b := a.As16()
	if b[0] == 0xff {
		return int(b[1] & 0xf)
	}
	if isLinkLocal6(a) || a == netip.IPv6Loopback() {
		return 2
	}
	if isSiteLocal6(a) {
		return 5
	}
	return 14
}

// sortRFC3484 orders results as glibc's getaddrinfo does (RFC 3484
// rules 1, 2, 5, 6, 8, 9 and 10, tables from gai.conf).
func (r *Resolver) sortRFC3484(out []AddrInfo) {
	g := r.loadGaiConf()
	info := make([]sortInfo, len(out))
	var ifs []Interface
	ifsLoaded := false
	for i := range out {
		if i > 0 && out[i].Addr == out[i-1].Addr && out[i].ScopeID == out[i-1].ScopeID {
			info[i] = info[i-1]
			continue
		}
		src, ok := r.cfg.SourceAddr(out[i].Addr, out[i].ScopeID)
		info[i].ok = ok
		info[i].src = src
		if ok {
			if !ifsLoaded {
				ifs, _ = r.cfg.Interfaces()
				ifsLoaded = true
			}
			info[i].prefixLen = -1
			for _, it := range ifs {
				for _, p := range it.Addrs {
					if p.Addr() == src.Unmap() || p.Addr() == src {
						info[i].prefixLen = p.Bits()
					}
				}
			}
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	less := func(i1, i2 int) bool {
		a1, a2 := &info[i1], &info[i2]
		d1, d2 := out[i1].Addr, out[i2].Addr
		if a1.ok != a2.ok {
			return a1.ok
		}
		s1, s2 := g.scope(d1), g.scope(d2)
		if a1.ok {
			m1 := s1 == g.scope(a1.src)
			m2 := s2 == g.scope(a2.src)
			if m1 != m2 {
				return m1
			}
			l1 := matchPrefix(g.labels, as16(d1), 1<<31-1) == matchPrefix(g.labels, as16(a1.src), 1<<31-1)
			l2 := matchPrefix(g.labels, as16(d2), 1<<31-1) == matchPrefix(g.labels, as16(a2.src), 1<<31-1)
			if l1 != l2 {
				return l1
			}
		}
		p1, p2 := matchPrefix(g.precedence, as16(d1), 0), matchPrefix(g.precedence, as16(d2), 0)
		if p1 != p2 {
			return p1 > p2
		}
		if s1 != s2 {
			return s1 < s2
		}
		if a1.ok && d1.Is4() == d2.Is4() {
			b1, b2 := 0, 0
			if d1.Is4() {
				b1 = v4Common(d1, a1.src, a1.prefixLen)
				b2 = v4Common(d2, a2.src, a2.prefixLen)
			} else {
				x1, y1, x2, y2 := d1.As16(), a1.src.As16(), d2.As16(), a2.src.As16()
				for w := 0; w < 4; w++ {
					u1 := be32(x1[4*w:]) ^ be32(y1[4*w:])
					u2 := be32(x2[4*w:]) ^ be32(y2[4*w:])
					if u1 != 0 || u2 != 0 {
						b1 = bits.LeadingZeros32(u1)
						b2 = bits.LeadingZeros32(u2)
						break
					}
				}
			}
			if b1 != b2 {
				return b1 > b2
			}
		}
		return i1 < i2
	}
	sort.SliceStable(idx, func(a, b int) bool { return less(idx[a], idx[b]) })
	sorted := make([]AddrInfo, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	copy(out, sorted)
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func v4Common(dst, src netip.Addr, prefixLen int) int {
	if !src.Is4() {
		src = src.Unmap()
	}
	if !src.Is4() {
		return 0
	}
	d, s := dst.As4(), src.As4()
	dv, sv := be32(d[:]), be32(s[:])
	var mask uint32 = 0xffffffff
	if prefixLen > 0 && prefixLen < 32 {
		mask = 0xffffffff << uint(32-prefixLen)
	} else if prefixLen == 0 {
		mask = 0
	}
	if dv&mask == sv&mask {
		return bits.LeadingZeros32(dv ^ sv)
	}
	return 0
}
