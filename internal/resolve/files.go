package resolve

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

const maxFileSize = 16 << 20

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	total := 0
	for sc.Scan() {
		line := sc.Text()
		total += len(line)
		if total > maxFileSize {
			break
		}
		lines = append(lines, line)
	}
	return lines, nil
}

func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// hostsEntry is one line of the hosts database.
type hostsEntry struct {
	addr  []byte // 4 or 16 bytes
	name  string
	alias []string
}

func (e hostsEntry) matches(name string) bool {
	if strings.EqualFold(e.name, name) {
		return true
	}
	for _, a := range e.alias {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

func parseHosts(path string) ([]hostsEntry, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var out []hostsEntry
	for _, l := range lines {
		f := strings.Fields(stripComment(l))
		if len(f) < 2 {
			continue
		}
		var e hostsEntry
		if a, ok := parsePton6(f[0]); ok {
			b := a.As16()
			e.addr = b[:]
		} else if a, ok := parsePton4(f[0]); ok {
			b := a.As4()
			e.addr = b[:]
		} else {
			continue
		}
		e.name = f[1]
		e.alias = f[2:]
		out = append(out, e)
	}
	return out, nil
}

// servEntry is one line of the services database.
type servEntry struct {
	name  string
	port  int
	proto string
	alias []string
}

func parseServices(path string) ([]servEntry, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var out []servEntry
	for _, l := range lines {
		f := strings.Fields(stripComment(l))
		if len(f) < 2 {
			continue
		}
		pp := strings.SplitN(f[1], "/", 2)
		if len(pp) != 2 || pp[1] == "" {
			continue
		}
		port, err := strconv.ParseUint(pp[0], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, servEntry{name: f[0], port: int(port & 0xffff), proto: pp[1], alias: f[2:]})
	}
	return out, nil
}

type protoEntry struct {
	name  string
	num   int
	alias []string
}

func parseProtocols(path string) ([]protoEntry, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var out []protoEntry
	for _, l := range lines {
		f := strings.Fields(stripComment(l))
		if len(f) < 2 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 32)
		if err != nil {
			continue
		}
		out = append(out, protoEntry{name: f[0], num: int(n), alias: f[2:]})
	}
	return out, nil
}

// nss statuses and actions.
type nssStatus int

const (
	nssSuccess nssStatus = iota
	nssNotFound
	nssUnavail
	nssTryAgain
)

type nssSource struct {
	name   string
	action [4]bool // true: return after this status
}

// parseNSSwitch returns the sources of the "hosts:" database.
func parseNSSwitch(path string) []nssSource {
	lines, err := readLines(path)
	spec := ""
	if err == nil {
		for _, l := range lines {
			l = stripComment(l)
			i := strings.IndexByte(l, ':')
			if i < 0 {
				continue
			}
			if strings.TrimSpace(l[:i]) == "hosts" {
				spec = l[i+1:]
			}
		}
	}
	if strings.TrimSpace(spec) == "" {
		spec = defaultHostsNSS
	}
	var out []nssSource
	rest := spec
	for guard := 0; guard < 256; guard++ {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		if rest[0] == '[' {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				break
			}
			if len(out) > 0 {
				applyActions(&out[len(out)-1], rest[1:j])
			}
			rest = rest[j+1:]
			continue
		}
		j := strings.IndexAny(rest, " \t[")
		if j < 0 {
			j = len(rest)
		}
		out = append(out, nssSource{name: rest[:j], action: [4]bool{true, false, false, false}})
		rest = rest[j:]
	}
	return out
}

func applyActions(s *nssSource, spec string) {
	for _, item := range strings.Fields(spec) {
		kv := strings.SplitN(item, "=", 2)
		if len(kv) != 2 {
			continue
		}
		k := strings.ToUpper(kv[0])
		neg := strings.HasPrefix(k, "!")
		k = strings.TrimPrefix(k, "!")
		var ret bool
		switch strings.ToUpper(kv[1]) {
		case "RETURN":
			ret = true
		case "CONTINUE":
			ret = false
		case "MERGE":
			ret = false
		default:
			continue
		}
		idx := map[string]int{"SUCCESS": 0, "NOTFOUND": 1, "UNAVAIL": 2, "TRYAGAIN": 3}
		st, ok := idx[k]
		if !ok {
			continue
		}
		for i := 0; i < 4; i++ {
			if (i == st) != neg {
				s.action[i] = ret
			}
		}
	}
}

// resolvConf is the part of resolv.conf the stub resolver uses.
type resolvConf struct {
	servers  []string // IP literals
	search   []string
	ndots    int
	timeout  int // seconds
	attempts int
	rotate   bool
	noTLD    bool
	useVC    bool
}

func (r *Resolver) loadResolvConf() resolvConf {
	c := resolvConf{ndots: 1, timeout: 5, attempts: 2}
	lines, _ := readLines(r.cfg.ResolvConfPath)
	var domain string
	haveSearch := false
	for _, l := range lines {
		if len(l) > 0 && (l[0] == '#' || l[0] == ';') {
			continue
		}
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if len(f) > 1 && len(c.servers) < 3 {
				s := f[1]
				if a, ok := parsePton4(s); ok {
					c.servers = append(c.servers, FormatAddr(a))
				} else if i := strings.IndexByte(s, '%'); i >= 0 {
					// glibc's res_init skips a nameserver with an empty
					// zone ("fe80::1%").
					if a, ok := parsePton6(s[:i]); ok && i+1 < len(s) {
						c.servers = append(c.servers, FormatAddr(a)+s[i:])
					}
				} else if a, ok := parsePton6(s); ok {
					c.servers = append(c.servers, FormatAddr(a))
				}
			}
		case "domain":
			if len(f) > 1 {
				domain = f[1]
				c.search = []string{f[1]}
				haveSearch = true
			}
		case "search":
			c.search = append([]string(nil), f[1:]...)
			haveSearch = true
		case "options":
			c.applyOptions(f[1:])
		}
	}
	_ = domain
	if ld := os.Getenv("LOCALDOMAIN"); ld != "" {
		c.search = strings.Fields(ld)
		haveSearch = true
	}
	if ro := os.Getenv("RES_OPTIONS"); ro != "" {
		c.applyOptions(strings.Fields(ro))
	}
	if !haveSearch {
		if hn, err := r.cfg.Hostname(); err == nil {
			if i := strings.IndexByte(hn, '.'); i >= 0 && i+1 < len(hn) {
				c.search = []string{hn[i+1:]}
			}
		}
	}
	if len(c.servers) == 0 {
		c.servers = []string{"127.0.0.1"}
	}
	return c
}

func (c *resolvConf) applyOptions(opts []string) {
	num := func(s, p string, max int) (int, bool) {
		if !strings.HasPrefix(s, p) {
			return 0, false
		}
		v, err := strconv.Atoi(s[len(p):])
		if err != nil || v < 0 {
			return 0, false
		}
		if v > max {
			v = max
		}
		return v, true
	}
	for _, o := range opts {
		if v, ok := num(o, "ndots:", 15); ok {
			c.ndots = v
		} else if v, ok := num(o, "timeout:", 30); ok {
			if v < 1 {
				v = 1
			}
			c.timeout = v
		} else if v, ok := num(o, "attempts:", 5); ok {
			if v < 1 {
				v = 1
			}
			c.attempts = v
		} else {
			switch o {
			case "rotate":
				c.rotate = true
			case "no-tld-query":
				c.noTLD = true
			case "use-vc":
				c.useVC = true
			}
		}
	}
}

// gai.conf tables.
type prefixEntry struct {
	addr [16]byte
	bits int
	val  int
}

type gaiConf struct {
	labels     []prefixEntry
	precedence []prefixEntry
	scopes     []prefixEntry // IPv4-mapped prefixes (bits >= 96)
}

func mustPrefix(s string, bits, val int) prefixEntry {
	a, _ := parsePton6(s)
	return prefixEntry{addr: a.As16(), bits: bits, val: val}
}

// glibc's built-in tables (RFC 3484).
var (
	defaultLabels = []prefixEntry{
		mustPrefix("::1", 128, 0), mustPrefix("2002::", 16, 2), mustPrefix("::", 96, 3),
		mustPrefix("::ffff:0:0", 96, 4), mustPrefix("fec0::", 10, 5), mustPrefix("fc00::", 7, 6),
		mustPrefix("2001::", 32, 7), mustPrefix("::", 0, 1),
	}
	defaultPrecedence = []prefixEntry{
		mustPrefix("::1", 128, 50), mustPrefix("2002::", 16, 30), mustPrefix("::", 96, 20),
		mustPrefix("::ffff:0:0", 96, 10), mustPrefix("::", 0, 40),
	}
	defaultScopes = []prefixEntry{
		mustPrefix("::ffff:169.254.0.0", 112, 2), mustPrefix("::ffff:127.0.0.0", 104, 2),
		mustPrefix("::ffff:0:0", 96, 14),
	}
)

func sortPrefixes(p []prefixEntry) {
	// stable insertion sort, longest prefix first
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].bits > p[j-1].bits; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

func (r *Resolver) loadGaiConf() gaiConf {
	g := gaiConf{labels: defaultLabels, precedence: defaultPrecedence, scopes: defaultScopes}
	lines, err := readLines(r.cfg.GaiConfPath)
	if err != nil {
		return g
	}
	var labels, prec, scopes []prefixEntry
	for _, l := range lines {
		f := strings.Fields(stripComment(l))
		if len(f) < 3 {
			continue
		}
		pfx := f[1]
		bits := 128
		if i := strings.IndexByte(pfx, '/'); i >= 0 {
			b, err := strconv.Atoi(pfx[i+1:])
			if err != nil || b < 0 || b > 128 {
				continue
			}
			bits = b
			pfx = pfx[:i]
		}
		a, ok := parsePton6(pfx)
		if !ok {
			continue
		}
		v, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		e := prefixEntry{addr: a.As16(), bits: bits, val: v}
		maskPrefix(&e)
		switch f[0] {
		case "label":
			labels = append(labels, e)
		case "precedence":
			prec = append(prec, e)
		case "scopev4":
			if bits >= 96 && a.Is4In6() {
				scopes = append(scopes, e)
			} else if a4, ok := parsePton4(f[1]); ok {
				b := a4.As16()
				_ = b
			}
		}
	}
	finish := func(list []prefixEntry, def int, catchAll prefixEntry) []prefixEntry {
		if list == nil {
			return nil
		}
		has := false
		for _, e := range list {
			if e.bits == catchAll.bits && e.addr == catchAll.addr {
				has = true
			}
		}
		if !has {
			catchAll.val = def
			list = append(list, catchAll)
		}
		sortPrefixes(list)
		return list
	}
	if l := finish(labels, 1, mustPrefix("::", 0, 0)); l != nil {
		g.labels = l
	}
	if l := finish(prec, 40, mustPrefix("::", 0, 0)); l != nil {
		g.precedence = l
	}
	if l := finish(scopes, 14, mustPrefix("::ffff:0:0", 96, 0)); l != nil {
		g.scopes = l
	}
	return g
}

func maskPrefix(e *prefixEntry) {
	for i := 0; i < 16; i++ {
		lo := i * 8
		switch {
		case e.bits >= lo+8:
		case e.bits <= lo:
			e.addr[i] = 0
		default:
			e.addr[i] &= byte(0xff << uint(8-(e.bits-lo)))
		}
	}
}

func matchPrefix(list []prefixEntry, a [16]byte, def int) int {
	for _, e := range list {
		m := e
		m.addr = a
		maskPrefix(&m)
		if bytes.Equal(m.addr[:], e.addr[:]) {
			return e.val
		}
	}
	return def
}
