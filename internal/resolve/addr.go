package resolve

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// parseInetAton parses the BSD inet_aton forms glibc's getaddrinfo accepts
// for IPv4 (a, a.b, a.b.c, a.b.c.d; each part decimal, 0octal or 0xhex).
// Like glibc's __inet_aton_exact, nothing may follow the address.
func parseInetAton(s string) (netip.Addr, bool) {
	var parts [4]uint32
	np := 0
	i := 0
	for {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return netip.Addr{}, false
		}
		var val uint64
		base := uint64(10)
		if s[i] == '0' {
			i++
			if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
				base = 16
				i++
				// glibc wants at least one hex digit after "0x"
				if i >= len(s) || !isHex(s[i]) {
					return netip.Addr{}, false
				}
			} else {
				base = 8
			}
		}
		for ; i < len(s); i++ {
			c := s[i]
			var d uint64
			switch {
			case c >= '0' && c <= '9':
				if base == 8 && c >= '8' {
					return netip.Addr{}, false
				}
				d = uint64(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				d = uint64(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = uint64(c-'A') + 10
			default:
				goto endnum
			}
			val = val*base + d
			if val > 0xffffffff {
				return netip.Addr{}, false
			}
		}
	endnum:
		if i < len(s) && s[i] == '.' {
			if np > 2 || val > 0xff {
				return netip.Addr{}, false
			}
			parts[np] = uint32(val)
			np++
			i++
			continue
		}
		if i != len(s) {
			return netip.Addr{}, false
		}
		max := [4]uint64{0xffffffff, 0xffffff, 0xffff, 0xff}
		if val > max[np] {
			return netip.Addr{}, false
		}
		var v uint32
		for k := 0; k < np; k++ {
			v |= parts[k] << (24 - 8*uint(k))
		}
		v |= uint32(val)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
	}
}

// parsePton4 is inet_pton(AF_INET): exactly four decimal parts, no
// leading zeros.
func parsePton4(s string) (netip.Addr, bool) {
	var b [4]byte
	n := 0
	i := 0
	for n < 4 {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return netip.Addr{}, false
		}
		v := 0
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i > start && s[start] == '0' {
				return netip.Addr{}, false
			}
			v = v*10 + int(s[i]-'0')
			if v > 255 {
				return netip.Addr{}, false
			}
			i++
		}
		b[n] = byte(v)
		n++
		if n < 4 {
			if i >= len(s) || s[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
	}
	if i != len(s) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(b), true
}

// parsePton6 is inet_pton(AF_INET6) (no zone).
func parsePton6(s string) (netip.Addr, bool) {
	var out [16]byte
	if s == "" {
		return netip.Addr{}, false
	}
	i := 0
	if s[0] == ':' {
		if len(s) < 2 || s[1] != ':' {
			return netip.Addr{}, false
		}
		i = 1
	}
	tp := 0
	colonp := -1
	curtok := i
	sawXdigit := false
	val := 0
	ndig := 0
	for i < len(s) {
		c := s[i]
		i++
		d := -1
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		}
		if d >= 0 {
			if ndig >= 4 {
				return netip.Addr{}, false
			}
			val = val<<4 | d
			ndig++
			sawXdigit = true
			continue
		}
		if c == ':' {
			curtok = i
			if !sawXdigit {
				if colonp >= 0 {
					return netip.Addr{}, false
				}
				colonp = tp
				continue
			} else if i >= len(s) {
				return netip.Addr{}, false
			}
			if tp+2 > 16 {
				return netip.Addr{}, false
			}
			out[tp] = byte(val >> 8)
			out[tp+1] = byte(val)
			tp += 2
			sawXdigit = false
			val, ndig = 0, 0
			continue
		}
		if c == '.' && tp+4 <= 16 {
			a4, ok := parsePton4(s[curtok:])
			if !ok {
				return netip.Addr{}, false
			}
			b := a4.As4()
			copy(out[tp:], b[:])
			tp += 4
			sawXdigit = false
			i = len(s)
			goto done
		}
		return netip.Addr{}, false
	}
	if sawXdigit {
		if tp+2 > 16 {
			return netip.Addr{}, false
		}
		out[tp] = byte(val >> 8)
		out[tp+1] = byte(val)
		tp += 2
	}
done:
	if colonp >= 0 {
		if tp == 16 {
			return netip.Addr{}, false
		}
		n := tp - colonp
		for k := 1; k <= n; k++ {
			out[16-k] = out[colonp+n-k]
			out[colonp+n-k] = 0
		}
		tp = 16
	}
	if tp != 16 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16(out), true
}

// FormatAddr formats an address as glibc's inet_ntop does (IPv4 dotted
// quad; IPv6 with the first longest run of two or more zero groups
// compressed, and the "::a.b.c.d" / "::ffff:a.b.c.d" forms).
func FormatAddr(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	if a.Is4() {
		b := a.As4()
		return itoa(int64(b[0])) + "." + itoa(int64(b[1])) + "." + itoa(int64(b[2])) + "." + itoa(int64(b[3]))
	}
	b := a.As16()
	var w [8]int
	for i := 0; i < 8; i++ {
		w[i] = int(b[2*i])<<8 | int(b[2*i+1])
	}
	bestBase, bestLen := -1, 0
	curBase, curLen := -1, 0
	for i := 0; i < 8; i++ {
		if w[i] == 0 {
			if curBase < 0 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
		} else if curBase >= 0 {
			if bestBase < 0 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase >= 0 && (bestBase < 0 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase >= 0 && bestLen < 2 {
		bestBase = -1
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				sb.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			sb.WriteByte(':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && w[7] != 1) || (bestLen == 5 && w[5] == 0xffff)) {
			sb.WriteString(FormatAddr(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})))
			break
		}
		sb.WriteString(strconv.FormatInt(int64(w[i]), 16))
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		sb.WriteByte(':')
	}
	return sb.String()
}

func isLinkLocal6(a netip.Addr) bool {
	b := a.As16()
	return b[0] == 0xfe && b[1]&0xc0 == 0x80
}

func isSiteLocal6(a netip.Addr) bool {
	b := a.As16()
	return b[0] == 0xfe && b[1]&0xc0 == 0xc0
}

func isMCLinkLocal6(a netip.Addr) bool {
	b := a.As16()
	return b[0] == 0xff && b[1]&0xf == 0x2
}

func isMCNodeLocal6(a netip.Addr) bool {
	b := a.As16()
	return b[0] == 0xff && b[1]&0xf == 0x1
}

// parseScopeID is glibc's __inet6_scopeid_pton: an interface name for
// link-local (and node/link-local multicast) addresses, else a decimal
// number that fits 32 bits.
func (r *Resolver) parseScopeID(a netip.Addr, scope string) (uint32, bool) {
	if isLinkLocal6(a) || isMCNodeLocal6(a) || isMCLinkLocal6(a) {
		if idx := r.ifNameToIndex(scope); idx != 0 {
			return uint32(idx), true
		}
	}
	if scope == "" || scope[0] < '0' || scope[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseUint(scope, 10, 64)
	if err != nil || v > 0xffffffff {
		return 0, false
	}
	return uint32(v), true
}

func (r *Resolver) ifNameToIndex(name string) int {
	ifs, err := r.cfg.Interfaces()
	if err != nil {
		return 0
	}
	for _, i := range ifs {
		if i.Name == name {
			return i.Index
		}
	}
	return 0
}

func (r *Resolver) ifIndexToName(idx uint32) string {
	ifs, err := r.cfg.Interfaces()
	if err != nil {
		return ""
	}
	for _, i := range ifs {
		if uint32(i.Index) == idx {
			return i.Name
		}
	}
	return ""
}

// numericHostString is getnameinfo's NI_NUMERICHOST text: inet_ntop plus,
// for a non-zero scope, "%ifname" (link-local and link-local multicast
// addresses whose interface exists) or "%number".
func (r *Resolver) numericHostString(a netip.Addr, scope uint32) string {
	s := FormatAddr(a)
	if a.Is6() && scope != 0 {
		if isLinkLocal6(a) || isMCLinkLocal6(a) {
			if n := r.ifIndexToName(scope); n != "" {
				return s + "%" + n
			}
		}
		s += "%" + itoa(int64(scope))
	}
	return s
}

// idnaEncode is CPython's str.encode("idna") as used for host names: an
// ASCII name passes unchanged once every label but the last is 1..63
// characters and the last is shorter than 64; other names are converted
// label by label to "xn--" punycode (case-folded with strings.ToLower, an
// approximation of nameprep).
func idnaEncode(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		labels := strings.Split(s, ".")
		for _, l := range labels[:len(labels)-1] {
			if len(l) == 0 || len(l) >= 64 {
				return "", &UnicodeError{Msg: "encoding with 'idna' codec failed (UnicodeError: label empty or too long)"}
			}
		}
		if len(labels[len(labels)-1]) >= 64 {
			return "", &UnicodeError{Msg: "encoding with 'idna' codec failed (UnicodeError: label too long)"}
		}
		return s, nil
	}
	if !utf8.ValidString(s) {
		return "", &UnicodeError{Msg: "encoding with 'idna' codec failed"}
	}
	s = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(s)
	labels := strings.Split(s, ".")
	trailing := false
	if len(labels) > 1 && labels[len(labels)-1] == "" {
		trailing = true
		labels = labels[:len(labels)-1]
	}
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		l = strings.ToLower(l)
		isASCII := true
		for i := 0; i < len(l); i++ {
			if l[i] >= 0x80 {
				isASCII = false
			}
		}
		if !isASCII {
			l = "xn--" + punycode(l)
		}
		if len(l) == 0 || len(l) >= 64 {
			return "", &UnicodeError{Msg: "encoding with 'idna' codec failed (UnicodeError: label empty or too long)"}
		}
		out = append(out, l)
	}
	res := strings.Join(out, ".")
	if trailing {
		res += "."
	}
	return res, nil
}

// punycode encodes a label (RFC 3492).
func punycode(s string) string {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	rs := []rune(s)
	var out []byte
	for _, r := range rs {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, numpoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numpoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(rs) {
		m := int(^uint(0) >> 1)
		for _, r := range rs {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range rs {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out = append(out, digit(t+(q-t)%(base-t)))
					q = (q - t) / (base - t)
				}
				out = append(out, digit(q))
				bias = adapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out)
}
