//go:build !windows

// Not on windows: the targets write their inputs to files in a temporary
// directory, and under Wine os.RemoveAll cannot delete it.

package resolve

// Fuzz targets for the resolver's parsers of bytes it does not control:
// the hosts, services, protocols, nsswitch.conf, resolv.conf and gai.conf
// files, DNS messages from a nameserver, and the numeric forms of host and
// port arguments. No target sends anything: the files are temporary, and
// the resolvers built here have a Dial that fails the test for any address
// off loopback and refuses the rest.

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzDir is a directory for one fuzz process's input files.
func fuzzDir(f *testing.F) string {
	dir, err := os.MkdirTemp("", "sockspec-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func writeFuzzFile(t *testing.T, path, content string) {
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// offlineResolver reads its files from dir and may not reach the network.
func offlineResolver(dir string) *Resolver {
	return New(Config{
		HostsPath:      filepath.Join(dir, "hosts"),
		ServicesPath:   filepath.Join(dir, "services"),
		ProtocolsPath:  filepath.Join(dir, "protocols"),
		NSSwitchPath:   filepath.Join(dir, "nsswitch.conf"),
		ResolvConfPath: filepath.Join(dir, "resolv.conf"),
		GaiConfPath:    filepath.Join(dir, "gai.conf"),
		Hostname:       func() (string, error) { return "fuzz.example", nil },
		Interfaces: func() ([]Interface, error) {
			return []Interface{{Index: 1, Name: "lo", Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("::1/128")}}}, nil
		},
		SourceAddr: func(dst netip.Addr, _ uint32) (netip.Addr, bool) {
			if dst.Is4() {
				return netip.MustParseAddr("127.0.0.1"), true
			}
			return netip.IPv6Loopback(), true
		},
		DNSPort: 1,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				panic("resolver dials a malformed address " + address)
			}
			if a, err := netip.ParseAddr(strings.SplitN(host, "%", 2)[0]); err != nil || !a.IsLoopback() {
				panic("resolver dials " + address + ", off loopback")
			}
			return nil, errors.New("fuzz: no network")
		},
	})
}

// FuzzHostsFile: any hosts file parses; lookups by name and address in it
// return entries of the right size.
func FuzzHostsFile(f *testing.F) {
	dir := fuzzDir(f)
	f.Add("127.0.0.1 localhost\n::1 localhost ip6-localhost\n", "localhost")
	f.Add("# comment\n10.0.0.1\tfoo foo.example # x\n\n::ffff:1.2.3.4 mapped\n", "mapped")
	f.Add("1.2.3.4\n999.1.1.1 bad\nfe80::1%lo zoned\n", "bad")
	f.Add(strings.Repeat("a", 5000)+"\n1.1.1.1 long\n", "long")
	f.Add("0x7f.1 hex\n", "hex")
	r := offlineResolver(dir)
	path := r.cfg.HostsPath
	f.Fuzz(func(t *testing.T, content, name string) {
		writeFuzzFile(t, path, content)
		ents, err := parseHosts(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if len(e.addr) != 4 && len(e.addr) != 16 {
				t.Fatalf("entry %+v: address of %d bytes", e, len(e.addr))
			}
			if e.name == "" || strings.ContainsAny(e.name, " \t#") {
				t.Fatalf("entry name %q", e.name)
			}
		}
		for _, fam := range []Family{FamilyUnspec, FamilyInet, FamilyInet6} {
			res := r.filesByName(name, fam)
			for _, a := range res.addrs {
				if len(a) != 4 && len(a) != 16 || fam == FamilyInet && len(a) != 4 || fam == FamilyInet6 && len(a) != 16 {
					t.Fatalf("filesByName(%q, %v): %d-byte address", name, fam, len(a))
				}
			}
		}
		if len(ents) > 0 {
			if res := r.filesByAddr(ents[0].addr); res.status != nssSuccess {
				t.Fatalf("filesByAddr of the first entry %+v: %+v", ents[0], res)
			}
		}
	})
}

// FuzzServicesFile: any services and protocols file parses; lookups
// return ports in 0..65535 and their errors are the documented types.
func FuzzServicesFile(f *testing.F) {
	dir := fuzzDir(f)
	f.Add("http 80/tcp www\nhttp 80/udp\n# c\ndomain 53/udp\n", "tcp 6 TCP\n", "http", "tcp", int64(80))
	f.Add("big 99999/tcp\nneg -1/tcp\nslash 1/\nnone\n", "x 4294967296 X\n", "big", "", int64(34463))
	f.Add("a 1/b/c\n", "ip 0 IP\n", "a", "b/c", int64(-1))
	r := offlineResolver(dir)
	f.Fuzz(func(t *testing.T, services, protocols, name, proto string, port int64) {
		writeFuzzFile(t, r.cfg.ServicesPath, services)
		writeFuzzFile(t, r.cfg.ProtocolsPath, protocols)
		ents, err := parseServices(r.cfg.ServicesPath)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.port < 0 || e.port > 0xffff || e.proto == "" {
				t.Fatalf("entry %+v", e)
			}
		}
		if _, err := parseProtocols(r.cfg.ProtocolsPath); err != nil {
			t.Fatal(err)
		}
		var p *string
		if proto != "" {
			p = &proto
		}
		if n, err := r.GetServByName(name, p); err == nil && (n < 0 || n > 0xffff) {
			t.Fatalf("GetServByName(%q) = %d", name, n)
		} else if err != nil && !isDocumented(err) {
			t.Fatalf("GetServByName(%q): %T %v", name, err, err)
		}
		if _, err := r.GetServByPort(port, p); err != nil && !isDocumented(err) {
			t.Fatalf("GetServByPort(%d): %T %v", port, err, err)
		}
		if _, err := r.GetProtoByName(name); err != nil && !isDocumented(err) {
			t.Fatalf("GetProtoByName(%q): %T %v", name, err, err)
		}
	})
}

func isDocumented(err error) bool {
	var (
		oe *OSError
		ve *ValueError
		ov *OverflowError
		te *TypeError
		ue *UnicodeError
		ge *GAIError
		he *HError
	)
	return errors.As(err, &oe) || errors.As(err, &ve) || errors.As(err, &ov) || errors.As(err, &te) ||
		errors.As(err, &ue) || errors.As(err, &ge) || errors.As(err, &he)
}

// FuzzResolvConf: any resolv.conf parses to a bounded configuration whose
// nameservers are IP literals.
func FuzzResolvConf(f *testing.F) {
	dir := fuzzDir(f)
	f.Add("nameserver 127.0.0.1\nsearch a b c\noptions ndots:3 timeout:0 attempts:99 rotate\n")
	f.Add("nameserver ::1\nnameserver fe80::1%eth0\nnameserver 1.2.3.4\nnameserver 5.6.7.8\n")
	f.Add("domain x.example\n; c\n# c\noptions ndots:-1 ndots:x timeout:99999999999999999999\n")
	f.Add("nameserver 999.1.1.1\nnameserver\nsearch\n")
	r := offlineResolver(dir)
	f.Fuzz(func(t *testing.T, content string) {
		writeFuzzFile(t, r.cfg.ResolvConfPath, content)
		c := r.loadResolvConf()
		if len(c.servers) == 0 || len(c.servers) > 3 {
			t.Fatalf("%d servers", len(c.servers))
		}
		for _, s := range c.servers {
			if _, err := netip.ParseAddr(s); err != nil {
				t.Fatalf("server %q is not an IP literal: %v", s, err)
			}
		}
		if c.ndots < 0 || c.ndots > 15 || c.timeout < 1 || c.timeout > 30 || c.attempts < 1 || c.attempts > 5 {
			t.Fatalf("options out of range: %+v", c)
		}
	})
}

// FuzzNSSwitchGaiConf: any nsswitch.conf and gai.conf parse; the sources
// are bounded and named, the gai.conf tables have their catch-all entries.
func FuzzNSSwitchGaiConf(f *testing.F) {
	dir := fuzzDir(f)
	f.Add("hosts: files dns\n", "label ::1/128 0\nprecedence ::ffff:0:0/96 100\nscopev4 ::ffff:169.254.0.0/112 2\n")
	f.Add("hosts: files [NOTFOUND=return] dns [!UNAVAIL=continue] myhostname\n", "label ::/0 1\nprecedence x/129 1\n")
	f.Add("hosts:[SUCCESS=return\npasswd: files\n", "label\nreload yes\nlabel ::/200 1\n")
	f.Add("hosts: "+strings.Repeat("a ", 400)+"\n", "precedence ::/0 99999999999999999999\n")
	r := offlineResolver(dir)
	f.Fuzz(func(t *testing.T, nss, gai string) {
		writeFuzzFile(t, r.cfg.NSSwitchPath, nss)
		writeFuzzFile(t, r.cfg.GaiConfPath, gai)
		srcs := parseNSSwitch(r.cfg.NSSwitchPath)
		if len(srcs) > 256 {
			t.Fatalf("%d sources", len(srcs))
		}
		for _, s := range srcs {
			if s.name == "" {
				t.Fatalf("unnamed source in %+v", srcs)
			}
		}
		g := r.loadGaiConf()
		if len(g.labels) == 0 || len(g.precedence) == 0 || len(g.scopes) == 0 {
			t.Fatalf("empty table: %+v", g)
		}
		for _, e := range append(append(g.labels, g.precedence...), g.scopes...) {
			if e.bits < 0 || e.bits > 128 {
				t.Fatalf("prefix length %d", e.bits)
			}
		}
		var a [16]byte
		_ = matchPrefix(g.labels, a, 1)
	})
}

// dnsHeader builds a response header (id, flags, counts).
func dnsHeader(id, flags, qd, an uint16) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint16(b, id)
	binary.BigEndian.PutUint16(b[2:], flags)
	binary.BigEndian.PutUint16(b[4:], qd)
	binary.BigEndian.PutUint16(b[6:], an)
	return b
}

// FuzzDNSMessage: any datagram a nameserver (or an attacker on the path)
// sends parses or is rejected; names are bounded; following the CNAME chain
// and collecting A/AAAA/PTR answers never panics or loops.
func FuzzDNSMessage(f *testing.F) {
	q, _ := buildQuery(0x1234, "www.example.com", dnsTypeA)
	f.Add(q, "www.example.com")
	resp := append(dnsHeader(0x1234, 0x8180, 1, 2), q[12:]...)
	resp = append(resp, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12) // CNAME to itself
	resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1)
	f.Add(resp, "www.example.com")
	loop := append(dnsHeader(1, 0x8180, 1, 0), 0xc0, 12) // pointer to itself
	f.Add(loop, "")
	f.Add(dnsHeader(1, 0x8183, 0xffff, 0xffff), "x")
	f.Add([]byte{1, 2, 3}, "x")
	f.Fuzz(func(t *testing.T, msg []byte, qname string) {
		in := append([]byte(nil), msg...)
		m, err := parseMsg(msg)
		if string(in) != string(msg) {
			t.Fatal("parseMsg modified its input")
		}
		if err != nil {
			if m != nil {
				t.Fatal("message and error")
			}
			return
		}
		if len(m.qname) > 1100 {
			t.Fatalf("question name of %d bytes", len(m.qname))
		}
		if len(m.answers) > len(msg)/11 {
			t.Fatalf("%d answers from %d bytes", len(m.answers), len(msg))
		}
		_ = m.rcode()
		_ = m.truncated()
		for _, typ := range []uint16{dnsTypeA, dnsTypeAAAA, dnsTypePTR} {
			var ans dnsAnswer
			collect(m, qname, typ, &ans)
			collect(m, m.qname, typ, &ans)
			for _, a := range ans.addrs {
				if typ == dnsTypeA && len(a) != 4 || typ == dnsTypeAAAA && len(a) != 16 {
					t.Fatalf("type %d answer of %d bytes", typ, len(a))
				}
			}
			if len(ans.aliases) > 32 {
				t.Fatalf("%d aliases", len(ans.aliases))
			}
		}
	})
}

// FuzzNumericForms: the numeric parsers behind host and port arguments
// (inet_aton, inet_pton, strtoul, the digits-and-dots shortcut, the idna
// codec, res_hnok) never panic and agree where their grammars overlap.
func FuzzNumericForms(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "127.1", "0x7f.1", "0x", "1.2.3.4.", "::1", "fe80::1%lo", "::ffff:1.2.3.4", "80", " +80", "-1",
		"18446744073709551616", "4294967376", "xn--bcher-kva", "bücher.example", "a..b", strings.Repeat("a", 64) + ".com", "\u3002", "-x", "_x.y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseInetAton(s)
		if ok && !a.Is4() {
			t.Fatalf("parseInetAton(%q) = %v", s, a)
		}
		if p4, ok4 := parsePton4(s); ok4 {
			if !p4.Is4() || !ok || a != p4 {
				t.Fatalf("inet_pton accepts %q (%v) but inet_aton gives %v, %v", s, p4, a, ok)
			}
			if FormatAddr(p4) != s {
				t.Fatalf("inet_pton(%q) formats as %q", s, FormatAddr(p4))
			}
		}
		if p6, ok6 := parsePton6(s); ok6 {
			if !p6.Is6() || p6.Zone() != "" {
				t.Fatalf("parsePton6(%q) = %v", s, p6)
			}
			back, ok := parsePton6(FormatAddr(p6))
			if !ok || back != p6 {
				t.Fatalf("%q -> %v -> %q -> %v", s, p6, FormatAddr(p6), back)
			}
		}
		if d, ok := digitsDots(s); ok && (!d.Is4() || d != a) {
			t.Fatalf("digitsDots(%q) = %v, inet_aton %v", s, d, a)
		}
		_, _ = strtoulInt(s)
		if enc, err := idnaEncode(s); err == nil {
			for i := 0; i < len(enc); i++ {
				if enc[i] >= 0x80 {
					t.Fatalf("idna(%q) = %q is not ASCII", s, enc)
				}
			}
		} else if !isDocumented(err) {
			t.Fatalf("idna(%q): %T %v", s, err, err)
		}
		_ = hostnameOK(s)
		_, _, _ = hostArg(HostString(s))
		_, _ = portArg(PortString(s))
	})
}
