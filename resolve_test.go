package socket

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ---- a loopback DNS server for the tests ----

// testDNS answers DNS queries over UDP from its maps (names in lower case,
// without the final dot). Unknown names are NXDOMAIN; silent makes it read
// and never answer.
type testDNS struct {
	a, aaaa map[string][]string
	cname   map[string]string
	ptr     map[string]string
	exists  map[string]bool // names that exist without records
	rcode   map[string]int  // forced response codes
	silent  bool
	queries atomic.Int64
	mu      sync.Mutex
	names   []string // every query name, in order
}

// parseQuestion returns the query's id, name (lower case), type and the
// raw question section.
func parseQuestion(b []byte) (id uint16, name string, qtype uint16, q []byte, ok bool) {
	if len(b) < 12 || b[2]&0x80 != 0 || binary.BigEndian.Uint16(b[4:]) != 1 {
		return
	}
	var labels []string
	i := 12
	for {
		if i >= len(b) {
			return
		}
		n := int(b[i])
		i++
		if n == 0 {
			break
		}
		if n > 63 || i+n > len(b) {
			return
		}
		labels = append(labels, strings.ToLower(string(b[i:i+n])))
		i += n
	}
	if i+4 > len(b) {
		return
	}
	return binary.BigEndian.Uint16(b), strings.Join(labels, "."), binary.BigEndian.Uint16(b[i:]), b[12 : i+4], true
}

func appendDNSName(b []byte, name string) []byte {
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" {
			continue
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

const (
	dnsA     = 1
	dnsCNAME = 5
	dnsPTR   = 12
	dnsAAAA  = 28
)

func (z *testDNS) answer(req []byte) []byte {
	id, name, qtype, question, ok := parseQuestion(req)
	if !ok {
		return nil
	}
	z.queries.Add(1)
	z.mu.Lock()
	z.names = append(z.names, name)
	z.mu.Unlock()
	if z.silent {
		return nil
	}
	resp := make([]byte, 12, 512)
	binary.BigEndian.PutUint16(resp[0:], id)
	binary.BigEndian.PutUint16(resp[4:], 1)
	resp = append(resp, question...)
	flags := uint16(0x8180) // QR RD RA
	an := 0
	add := func(owner string, typ uint16, rdata []byte) {
		resp = appendDNSName(resp, owner)
		resp = binary.BigEndian.AppendUint16(resp, typ)
		resp = binary.BigEndian.AppendUint16(resp, 1) // IN
		resp = binary.BigEndian.AppendUint32(resp, 60)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
		an++
	}
	if rc, ok := z.rcode[name]; ok {
		flags |= uint16(rc)
	} else {
		cur, known := name, false
		for hop := 0; hop < 8; hop++ {
			t, ok := z.cname[cur]
			if !ok {
				break
			}
			known = true
			add(cur, dnsCNAME, appendDNSName(nil, t))
			cur = t
		}
		known = known || z.a[cur] != nil || z.aaaa[cur] != nil || z.exists[cur] || z.ptr[cur] != ""
		switch qtype {
		case dnsA:
			for _, s := range z.a[cur] {
				a := netip.MustParseAddr(s).As4()
				add(cur, dnsA, a[:])
			}
		case dnsAAAA:
			for _, s := range z.aaaa[cur] {
				a := netip.MustParseAddr(s).As16()
				add(cur, dnsAAAA, a[:])
			}
		case dnsPTR:
			if t := z.ptr[cur]; t != "" {
				add(cur, dnsPTR, appendDNSName(nil, t))
			}
		}
		if !known {
			flags |= 3 // NXDOMAIN
		}
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[6:], uint16(an))
	return resp
}

// takeNames returns the query names seen so far and forgets them.
func (z *testDNS) takeNames() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	n := z.names
	z.names = nil
	return n
}

// serve answers on pc until it is closed.
func (z *testDNS) serve(pc net.PacketConn) {
	buf := make([]byte, 4096)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := z.answer(buf[:n]); resp != nil {
			pc.WriteTo(resp, from)
		}
	}
}

// startTestDNS serves z on addr (UDP) until the test ends and returns the
// address it listens on.
func startTestDNS(t testing.TB, addr string, z *testDNS) *net.UDPAddr {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); z.serve(pc) }()
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	return pc.LocalAddr().(*net.UDPAddr)
}

// hermeticResolver is the resolver configuration of this package's tests:
// the machine's hosts, services and protocols files, "hosts: files dns"
// (testdata/resolve/nsswitch.conf; glibc's default without the file would
// be "dns [!UNAVAIL=return] files"), and DNS sent to a server of the test
// binary on 127.0.0.1 that answers NXDOMAIN to everything. No test of the package (including the core
// tests that bind to host names) can reach the machine's nameserver.
var hermeticResolver ResolverConfig

func init() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	port := 1 // nothing listens there: queries fail at once
	if err == nil {
		port = pc.LocalAddr().(*net.UDPAddr).Port
		go (&testDNS{}).serve(pc) // lives as long as the test binary
	}
	nss, _ := filepath.Abs(filepath.Join("testdata", "resolve", "nsswitch.conf")) // hosts: files dns
	hermeticResolver = ResolverConfig{
		NSSwitchPath:   nss,
		ResolvConfPath: "/nonexistent/sockspec/resolv.conf", // glibc's default: nameserver 127.0.0.1
		DNSPort:        port,
	}
	SetResolverConfig(hermeticResolver)
}

// useResolver switches the package's resolver for one test.
func useResolver(t testing.TB, cfg ResolverConfig) {
	SetResolverConfig(cfg)
	t.Cleanup(func() { SetResolverConfig(hermeticResolver) })
}

func writeTestFile(t testing.TB, dir, name, content string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// localResolver points the resolver at a hosts file (and a DNS server
// that answers NXDOMAIN) for one test.
func localResolver(t testing.TB, hosts string) {
	dir := testTempDir(t) // t.TempDir cannot clean up under Wine
	z := &testDNS{}
	srv := startTestDNS(t, "127.0.0.1:0", z)
	useResolver(t, ResolverConfig{
		HostsPath:      writeTestFile(t, dir, "hosts", hosts),
		NSSwitchPath:   writeTestFile(t, dir, "nsswitch.conf", "hosts: files dns\n"),
		ResolvConfPath: writeTestFile(t, dir, "resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"),
		DNSPort:        srv.Port,
	})
}

// ---- unit tests of the public layer ----

func TestGetAddrInfoArguments(t *testing.T) {
	var te *TypeError
	if _, err := GetAddrInfo(1.5, 80, 0, 0, 0, 0); !errors.As(err, &te) || err.Error() != "getaddrinfo() argument 1 must be string or None" {
		t.Errorf("float host: %v", err)
	}
	var oe *OSError
	for _, p := range []any{true, 1.5, []int{1}} {
		if _, err := GetAddrInfo("127.0.0.1", p, 0, 0, 0, 0); !errors.As(err, &oe) || oe.Msg != "Int or String expected" {
			t.Errorf("port %v: %v", p, err)
		}
	}
	var ov *OverflowError
	if _, err := GetAddrInfo("127.0.0.1", uint64(1<<63), 0, 0, 0, 0); !errors.As(err, &ov) {
		t.Errorf("huge port: %v", err)
	}
	if _, err := GetAddrInfo("127.0.0.1", 80, AddressFamily(1<<31), 0, 0, 0); !errors.As(err, &ov) || err.Error() != "signed integer is greater than maximum" {
		t.Errorf("family 2**31: %v", err)
	}
	if _, err := GetAddrInfo("127.0.0.1", 80, 0, 0, -1<<31-1, 0); !errors.As(err, &ov) || err.Error() != "signed integer is less than minimum" {
		t.Errorf("proto -2**31-1: %v", err)
	}
	for _, p := range []any{80, int8(80), int16(80), int32(80), int64(80), uint(80), uint8(80), uint16(80), uint32(80), uint64(80), "80", []byte("80"), "http"} {
		res, err := GetAddrInfo([]byte("127.0.0.1"), p, AF_INET, SOCK_STREAM, 0, 0)
		if err != nil || len(res) != 1 || res[0].Addr != (InetAddress{"127.0.0.1", 80}) || res[0].Family != AF_INET || res[0].Type != SOCK_STREAM || res[0].Proto != IPPROTO_TCP {
			t.Errorf("port %T %v: %v %v", p, p, res, err)
		}
	}
	res, err := GetAddrInfo("fe80::1%lo", 443, AF_INET6, SOCK_DGRAM, 0, AI_NUMERICHOST)
	lo, _ := IfNameToIndex("lo")
	if err != nil || len(res) != 1 || res[0].Addr != (Inet6Address{Host: "fe80::1", Port: 443, ScopeID: uint32(lo)}) {
		t.Errorf("scoped: %v %v", res, err)
	}
	if s := (AddrInfo{AF_INET, SOCK_STREAM, 6, "", InetAddress{"127.0.0.1", 80}}).String(); s != "(<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('127.0.0.1', 80))" {
		t.Errorf("String: %s", s)
	}
}

func TestResolverErrors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("expects glibc's error codes and texts; Winsock's (WSAHOST_NOT_FOUND, CPython's \"getaddrinfo failed\") are not modelled yet")
	}
	var ge *GAIError
	_, err := GetAddrInfo("localhost", 80, 0, 0, 0, AI_NUMERICHOST)
	if !errors.As(err, &ge) || ge.Code != EAI_NONAME || err.Error() != "[Errno -2] Name or service not known" {
		t.Errorf("numeric host: %#v", err)
	}
	_, err = GetAddrInfo("127.0.0.1", 80, 0, 0, 0, AddressInfo(0x800))
	if !errors.As(err, &ge) || ge.Code != EAI_BADFLAGS || ge.Msg != "Bad value for ai_flags" {
		t.Errorf("bad flags: %#v", err)
	}
	_, err = GetAddrInfo("127.0.0.1", "nosuchservice", 0, 0, 0, 0)
	if !errors.As(err, &ge) || ge.Code != EAI_SERVICE {
		t.Errorf("bad service: %#v", err)
	}
	_, err = GetAddrInfo("a..b", 80, 0, 0, 0, 0)
	var ue *UnicodeError
	var ve *ValueError
	if !errors.As(err, &ue) || !errors.As(err, &ve) || ve.Msg != ue.Msg {
		t.Errorf("idna: %#v", err)
	}
	_, err = GetAddrInfo("nonexistent-name.invalid", 80, 0, 0, 0, 0)
	if !errors.As(err, &ge) || ge.Code != EAI_NONAME {
		t.Errorf("NXDOMAIN: %v", err)
	}
	_, _, _, err = GetHostByAddr("192.0.2.99")
	var he *HError
	if !errors.As(err, &he) || he.Code != 1 || err.Error() != "[Errno 1] Unknown host" {
		t.Errorf("gethostbyaddr: %#v", err)
	}
	var te *TypeError
	if _, err := GetServByName("http", "tcp", "x"); !errors.As(err, &te) || err.Error() != "getservbyname() takes at most 2 arguments (3 given)" {
		t.Errorf("getservbyname args: %v", err)
	}
	if _, err := GetServByPort(80, "tcp", "x"); !errors.As(err, &te) {
		t.Errorf("getservbyport args: %v", err)
	}
	var oe *OSError
	if _, err := GetServByName("http", ""); !errors.As(err, &oe) || oe.Msg != "service/proto not found" {
		t.Errorf("empty proto: %v", err)
	}
	if _, _, err := GetNameInfo(UnixAddress{"/x"}, 0); !errors.As(err, &te) || err.Error() != "getnameinfo() argument 1 must be a tuple" {
		t.Errorf("getnameinfo unix: %v", err)
	}
	var ov *OverflowError
	if _, _, err := GetNameInfo(InetAddress{"127.0.0.1", 80}, 1<<31); !errors.As(err, &ov) {
		t.Errorf("getnameinfo flags: %v", err)
	}
	if h, p, err := GetNameInfo(&Inet6Address{Host: "::1", Port: 22}, NI_NUMERICHOST|NI_NUMERICSERV); err != nil || h != "::1" || p != "22" {
		t.Errorf("getnameinfo *Inet6Address: %q %q %v", h, p, err)
	}
	if n, err := GetProtoByName("udp"); err != nil || n != IPPROTO_UDP {
		t.Errorf("udp: %d %v", n, err)
	}
}

// TestHostNamesInAddresses: a host name in an InetAddress / Inet6Address
// is resolved by this package's resolver (CPython's setipaddr: the first
// getaddrinfo result of the socket's family).
func TestHostNamesInAddresses(t *testing.T) {
	localResolver(t, "127.0.0.5\thookname\n::1\thookname6\n")
	s, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(InetAddress{"hookname", 0}); err != nil {
		t.Fatal(err)
	}
	if a, err := s.GetSockName(); err != nil || a.(InetAddress).Host != "127.0.0.5" {
		t.Errorf("bound to %v %v", a, err)
	}
	var ge *GAIError
	if err := s.Connect(InetAddress{"no-such-host", 9}); !errors.As(err, &ge) || ge.Code != EAI_NONAME {
		t.Errorf("unknown name: %v", err)
	}
	// glibc's hosts module answers an AF_INET query for a "::1" line
	// with 127.0.0.1.
	if err := s.Connect(InetAddress{"hookname6", 9}); err != nil {
		t.Errorf("::1 name on AF_INET: %v", err)
	} else if a, _ := s.GetPeerName(); a.(InetAddress).Host != "127.0.0.1" {
		t.Errorf("::1 name on AF_INET: peer %v", a)
	}
	s6, err := NewSocket(AF_INET6, SOCK_DGRAM, 0)
	if err != nil {
		t.Skip("no IPv6:", err)
	}
	defer s6.Close()
	if err := s6.Connect(Inet6Address{Host: "hookname6", Port: 9}); err != nil {
		t.Errorf("name on AF_INET6: %v", err)
	} else if a, _ := s6.GetPeerName(); a.(Inet6Address).Host != "::1" {
		t.Errorf("name on AF_INET6: peer %v", a)
	}
	if err := s6.Connect(Inet6Address{Host: "hookname", Port: 9}); !errors.As(err, &ge) {
		t.Errorf("IPv4-only name on AF_INET6: %v", err)
	}
}

// ---- cancellation ----

// silentResolver points the resolver at a DNS server that reads every
// query and never answers, with resolv.conf timeouts far longer than the
// test (30 s × 5 attempts).
func silentResolver(t *testing.T) *testDNS {
	z := &testDNS{silent: true}
	srv := startTestDNS(t, "127.0.0.1:0", z)
	dir := testTempDir(t) // t.TempDir cannot clean up under Wine
	useResolver(t, ResolverConfig{
		HostsPath:      writeTestFile(t, dir, "hosts", "127.0.0.1\tlocalhost\n"),
		NSSwitchPath:   writeTestFile(t, dir, "nsswitch.conf", "hosts: files dns\n"),
		ResolvConfPath: writeTestFile(t, dir, "resolv.conf", "nameserver 127.0.0.1\noptions timeout:30 attempts:5\n"),
		DNSPort:        srv.Port,
	})
	return z
}

func TestLookupContextCancel(t *testing.T) {
	z := silentResolver(t)
	const limit = 2 * time.Second // the deadline is 200 ms; the resolver's own timeout 150 s
	check := func(name string, ctxErr error, f func(ctx context.Context) error) {
		t.Helper()
		var ctx context.Context
		var cancel context.CancelFunc
		if ctxErr == context.Canceled {
			ctx, cancel = context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
		} else {
			ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
		}
		defer cancel()
		q0 := z.queries.Load()
		start := time.Now()
		err := f(ctx)
		elapsed := time.Since(start)
		if elapsed > limit || elapsed < 150*time.Millisecond {
			t.Errorf("%s: returned after %v", name, elapsed)
		}
		if z.queries.Load() == q0 {
			t.Errorf("%s: no query reached the server", name)
		}
		if err == nil || !errors.Is(err, ctxErr) {
			t.Errorf("%s: error %v does not match %v", name, err, ctxErr)
		}
	}
	var ge *GAIError
	check("getaddrinfo", context.DeadlineExceeded, func(ctx context.Context) error {
		_, err := GetAddrInfoContext(ctx, "never.example", 80, 0, SOCK_STREAM, 0, 0)
		if !errors.As(err, &ge) || ge.Code != EAI_AGAIN {
			t.Errorf("getaddrinfo: %v is not EAI_AGAIN", err)
		}
		return err
	})
	check("getaddrinfo cancel", context.Canceled, func(ctx context.Context) error {
		_, err := GetAddrInfoContext(ctx, "never.example", 80, AF_INET6, 0, 0, AI_V4MAPPED|AI_ALL)
		return err
	})
	check("gethostbyname", context.DeadlineExceeded, func(ctx context.Context) error {
		_, err := GetHostByNameContext(ctx, "never")
		return err
	})
	check("gethostbyname_ex", context.Canceled, func(ctx context.Context) error {
		_, _, _, err := GetHostByNameExContext(ctx, "never")
		return err
	})
	check("gethostbyaddr", context.DeadlineExceeded, func(ctx context.Context) error {
		_, _, _, err := GetHostByAddrContext(ctx, "192.0.2.1")
		return err
	})
	check("getnameinfo", context.DeadlineExceeded, func(ctx context.Context) error {
		_, _, err := GetNameInfoContext(ctx, Inet6Address{Host: "2001:db8::1", Port: 80}, 0)
		if !errors.As(err, &ge) || ge.Code != EAI_AGAIN {
			t.Errorf("getnameinfo: %v is not EAI_AGAIN", err)
		}
		return err
	})
	check("getfqdn", context.DeadlineExceeded, func(ctx context.Context) error {
		if s := GetFQDNContext(ctx, "never"); s != "never" {
			t.Errorf("getfqdn: %q", s)
		}
		return contextEnded(ctx)
	})
	check("create_connection", context.DeadlineExceeded, func(ctx context.Context) error {
		s, err := CreateConnectionContext(ctx, "never.example", 80)
		if s != nil {
			s.Close()
		}
		return err
	})

	// A context that has already ended: no query at all.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q0 := z.queries.Load()
	if _, err := GetAddrInfoContext(ctx, "never.example", 80, 0, 0, 0, 0); !errors.Is(err, context.Canceled) || !errors.As(err, &ge) {
		t.Errorf("cancelled context: %v", err)
	}
	if z.queries.Load() != q0 {
		t.Errorf("cancelled context: a query was sent")
	}
}

// TestLookupsHoldNoThreads: many lookups waiting on a silent server at
// once do not each hold an OS thread (the resolver is pure Go: its waits
// are in the netpoller), and all return at their deadline.
func TestLookupsHoldNoThreads(t *testing.T) {
	silentResolver(t)
	threads := pprof.Lookup("threadcreate")
	before := threads.Count()
	const n = 64
	var wg sync.WaitGroup
	var late atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			GetAddrInfoContext(ctx, fmt.Sprintf("never%d.example", i), 80, 0, 0, 0, 0)
			if time.Since(start) > 2*time.Second {
				late.Add(1)
			}
		}(i)
	}
	wg.Wait()
	if late.Load() > 0 {
		t.Errorf("%d lookups returned late", late.Load())
	}
	grown := threads.Count() - before
	if grown > 8 {
		t.Errorf("%d OS threads created for %d concurrent lookups", grown, n)
	}
	t.Logf("%d concurrent lookups: %d OS threads created, all returned in %v", n, grown, time.Since(start))
}
