package resolve

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestResolver starts a loopback DNS server on a free port and returns
// a resolver that uses it (and the given hosts file content).
func newTestResolver(t *testing.T, z *testZone, hosts, resolvOpts string) *Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	startDNS(t, net.JoinHostPort("127.0.0.1", itoa(int64(port))), z)
	dir := t.TempDir()
	w := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return New(Config{
		HostsPath:      w("hosts", hosts),
		ResolvConfPath: w("resolv.conf", "nameserver 127.0.0.1\nsearch example.test\n"+resolvOpts),
		NSSwitchPath:   w("nsswitch.conf", "hosts: files dns\n"),
		GaiConfPath:    filepath.Join(dir, "no-gai.conf"),
		DNSPort:        port,
	})
}

func TestDNSTruncationFallsBackToTCP(t *testing.T) {
	z := exampleZone()
	z.trunc = map[string]bool{"www.example.test": true}
	r := newTestResolver(t, z, "", "options timeout:2 attempts:1\n")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := r.GetHostByName(ctx, HostString("www.example.test"))
	if err != nil || got != "192.0.2.10" {
		t.Fatalf("GetHostByName over TCP fallback = %q, %v", got, err)
	}
}

func TestDNSTimeoutHonoursContext(t *testing.T) {
	z := exampleZone()
	z.silent = map[string]bool{"slow.example.test": true}
	r := newTestResolver(t, z, "", "options timeout:30 attempts:5\n")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.GetAddrInfo(ctx, HostString("slow.example.test"), PortInt(80), Hints{})
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("lookup took %v despite a 300ms context", d)
	}
	var ge *GAIError
	if !errors.As(err, &ge) || ge.Kind != EAIAgain {
		t.Fatalf("err = %v, want EAI_AGAIN", err)
	}
}

func TestDNSResolvConfTimeout(t *testing.T) {
	z := exampleZone()
	z.silent = map[string]bool{"slow.example.test": true}
	r := newTestResolver(t, z, "", "options timeout:1 attempts:2\n")
	start := time.Now()
	_, err := r.GetAddrInfo(context.Background(), HostString("slow.example.test."), PortInt(80), Hints{Family: FamilyInet})
	d := time.Since(start)
	if d < 900*time.Millisecond || d > 5*time.Second {
		t.Fatalf("lookup took %v, want about 2s (timeout:1 attempts:2)", d)
	}
	if !errors.Is(err, &GAIError{Kind: EAIAgain}) {
		t.Fatalf("err = %v, want EAI_AGAIN", err)
	}
}

func TestDNSSearchAndNdots(t *testing.T) {
	z := exampleZone()
	r := newTestResolver(t, z, "", "options ndots:2\n")
	// "dotted.name" has 1 dot < ndots 2: the search domain comes first.
	ai, err := r.GetAddrInfo(context.Background(), HostString("dotted.name"), PortNone(), Hints{Family: FamilyInet, SockType: SockStream})
	if err != nil || len(ai) != 1 || ai[0].Addr != netip.MustParseAddr("192.0.2.32") {
		t.Fatalf("dotted.name with ndots:2 = %v, %v", ai, err)
	}
	z.takeQueries()
	r2 := newTestResolver(t, z, "", "")
	ai, err = r2.GetAddrInfo(context.Background(), HostString("dotted.name"), PortNone(), Hints{Family: FamilyInet, SockType: SockStream})
	if err != nil || len(ai) != 1 || ai[0].Addr != netip.MustParseAddr("192.0.2.31") {
		t.Fatalf("dotted.name with ndots:1 = %v, %v", ai, err)
	}
	if q := z.takeQueries(); len(q) == 0 || q[0] != "dotted.name" {
		t.Fatalf("first query %v, want dotted.name as is", q)
	}
}

func TestCanonNameFollowsCNAME(t *testing.T) {
	r := newTestResolver(t, exampleZone(), "", "")
	ai, err := r.GetAddrInfo(context.Background(), HostString("alias2"), PortInt(1), Hints{Family: FamilyInet, SockType: SockStream, Flags: FlagCanonName})
	if err != nil || len(ai) != 1 || ai[0].CanonName != "www.example.test" {
		t.Fatalf("got %+v, %v", ai, err)
	}
	he, err := r.GetHostByNameEx(context.Background(), HostString("alias2"))
	if err != nil || he.Name != "www.example.test" || strings.Join(he.Aliases, ",") != "alias2.example.test,alias.example.test" {
		t.Fatalf("gethostbyname_ex = %+v, %v", he, err)
	}
}

func TestGaiConfPrecedence(t *testing.T) {
	r := newTestResolver(t, exampleZone(), "", "")
	cfg := r.Config()
	p := filepath.Join(t.TempDir(), "gai.conf")
	if err := os.WriteFile(p, []byte("precedence ::ffff:0:0/96 100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Every destination reachable from a same-scope, same-label source.
	cfg.SourceAddr = func(dst netip.Addr, _ uint32) (netip.Addr, bool) { return dst, true }
	def := New(cfg)
	cfg.GaiConfPath = p
	v4first := New(cfg)
	for _, tc := range []struct {
		r    *Resolver
		want string
	}{{def, "2001:db8::10"}, {v4first, "192.0.2.10"}} {
		ai, err := tc.r.GetAddrInfo(context.Background(), HostString("www"), PortNone(), Hints{SockType: SockStream})
		if err != nil || len(ai) != 2 || ai[0].Addr.String() != tc.want {
			t.Fatalf("first = %+v, %v; want %s", ai, err, tc.want)
		}
	}
}

func TestFormatAndParse(t *testing.T) {
	for in, want := range map[string]string{
		"::": "::", "::1": "::1", "1::": "1::", "1:0:0:1:0:0:0:1": "1:0:0:1::1", "1:0:0:0:1:0:0:1": "1::1:0:0:1",
		"::ffff:1.2.3.4": "::ffff:1.2.3.4", "::1.2.3.4": "::1.2.3.4", "::0.0.0.2": "::2", "fe80::1:2": "fe80::1:2",
		"1:2:3:4:5:6:7:8": "1:2:3:4:5:6:7:8", "0:1:0:0:0:0:0:0": "0:1::",
	} {
		a, ok := parsePton6(in)
		if !ok || FormatAddr(a) != want {
			t.Errorf("%s -> %v %v, want %s", in, FormatAddr(a), ok, want)
		}
	}
	for _, bad := range []string{"", ":", ":::", "1:2:3:4:5:6:7:8:9", "12345::", "1::2::3", "::1.2.3", "::01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4"} {
		if _, ok := parsePton6(bad); ok {
			t.Errorf("parsePton6(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{"127.1": "127.0.0.1", "0x7f.1": "127.0.0.1", "017700000001": "127.0.0.1", "1.2.65535": "1.2.255.255"} {
		a, ok := parseInetAton(in)
		if !ok || FormatAddr(a) != want {
			t.Errorf("aton %s -> %v %v", in, a, ok)
		}
	}
	if got := punycode("bücher"); got != "bcher-kva" {
		t.Errorf("punycode = %s", got)
	}
}
