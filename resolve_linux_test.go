//go:build linux

package socket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// ---- differential test against CPython ----

// The differential test runs every case through python3 (one process, JSON
// on stdin/stdout) and through this package's public functions, and
// requires the same answer: the same tuples in the same order, or the same
// exception class and str(). python3 runs in a private user+mount
// namespace where the test's hosts, resolv.conf and nsswitch.conf are
// bind-mounted over /etc (nothing on the machine changes), so DNS goes to
// the test's server on 127.53.0.2:53 and never to the machine's
// nameserver; this package is pointed at the same files with
// SetResolverConfig.

const resolvePyHarness = `
import json, socket, sys
def err(e):
    return {"err": type(e).__name__, "str": str(e)}
def run(c):
    op, a = c["op"], c.get("args", [])
    if op == "gai":
        host, port = a[0], a[1]
        if c.get("hbytes"):
            host = host.encode()
        if c.get("pbytes"):
            port = port.encode()
        return [[int(f), int(t), p, cn, list(sa)] for f, t, p, cn, sa in socket.getaddrinfo(host, port, *a[2:])]
    if op == "gni":
        return list(socket.getnameinfo(tuple(a[0]), a[1]))
    if op == "ghbn":
        return socket.gethostbyname(a[0])
    if op == "ghbnex":
        return list(socket.gethostbyname_ex(a[0]))
    if op == "ghba":
        return list(socket.gethostbyaddr(a[0]))
    if op == "fqdn":
        return socket.getfqdn(*a)
    if op == "gsbn":
        return socket.getservbyname(*a)
    if op == "gsbp":
        return socket.getservbyport(*a)
    if op == "gpbn":
        return socket.getprotobyname(*a)
    if op == "hostname":
        return socket.gethostname()
    raise Exception("bad op " + op)
res = []
for c in json.load(sys.stdin):
    try:
        res.append({"ok": run(c)})
    except Exception as e:
        res.append(err(e))
json.dump(res, sys.stdout)
`

// rcase is one differential case.
type rcase struct {
	Op     string `json:"op"`
	Args   []any  `json:"args,omitempty"`
	HBytes bool   `json:"hbytes,omitempty"` // host as bytes
	PBytes bool   `json:"pbytes,omitempty"` // port as bytes
}

func gaiCase(host, port any, fam AddressFamily, typ SocketKind, proto int, flags AddressInfo) rcase {
	return rcase{Op: "gai", Args: []any{host, port, int64(fam), int64(typ), proto, int64(flags)}}
}

func gniCase(flags int, sa ...any) rcase { return rcase{Op: "gni", Args: []any{sa, flags}} }

func opCase(op string, args ...any) rcase { return rcase{Op: op, Args: args} }

func constFlag(t testing.TB, name string) AddressInfo {
	v, ok := LookupConstant(name)
	if !ok {
		t.Fatalf("no constant %s", name)
	}
	return AddressInfo(v)
}

func pyErrClass(err error) string {
	var (
		ge *GAIError
		he *HError
		ue *UnicodeError
		ve *ValueError
		ov *OverflowError
		te *TypeError
		oe *OSError
	)
	switch {
	case errors.As(err, &ge):
		return "gaierror"
	case errors.As(err, &he):
		return "herror"
	case errors.As(err, &ue):
		return "UnicodeError"
	case errors.As(err, &ve):
		return "ValueError"
	case errors.As(err, &ov):
		return "OverflowError"
	case errors.As(err, &te):
		return "TypeError"
	case errors.As(err, &oe):
		return "OSError"
	}
	return "Go:" + err.Error()
}

func caseInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	panic("not an int")
}

func sockaddrTuple(a Address) []any {
	switch x := a.(type) {
	case InetAddress:
		return []any{x.Host, x.Port}
	case Inet6Address:
		return []any{x.Host, x.Port, x.FlowInfo, x.ScopeID}
	}
	return []any{a.String()}
}

// runGoCase answers a case with the public API, in the harness's shape.
func runGoCase(c rcase) map[string]any {
	var res any
	var err error
	a := c.Args
	str := func(i int) string { s, _ := a[i].(string); return s }
	switch c.Op {
	case "gai":
		host, port := a[0], a[1]
		if c.HBytes {
			host = []byte(host.(string))
		}
		if c.PBytes {
			port = []byte(port.(string))
		}
		var ais []AddrInfo
		ais, err = GetAddrInfo(host, port, AddressFamily(caseInt(a[2])), SocketKind(caseInt(a[3])), int(caseInt(a[4])), AddressInfo(caseInt(a[5])))
		out := []any{}
		for _, ai := range ais {
			out = append(out, []any{int(ai.Family), int(ai.Type), ai.Proto, ai.CanonName, sockaddrTuple(ai.Addr)})
		}
		res = out
	case "gni":
		sa := a[0].([]any)
		var addr Address
		if len(sa) == 2 {
			addr = InetAddress{Host: sa[0].(string), Port: int(caseInt(sa[1]))}
		} else {
			addr = Inet6Address{Host: sa[0].(string), Port: int(caseInt(sa[1])), FlowInfo: uint32(caseInt(sa[2])), ScopeID: uint32(caseInt(sa[3]))}
		}
		var h, p string
		h, p, err = GetNameInfo(addr, int(caseInt(a[1])))
		res = []any{h, p}
	case "ghbn":
		res, err = GetHostByName(str(0))
	case "ghbnex", "ghba":
		var name string
		var aliases, addrs []string
		if c.Op == "ghbnex" {
			name, aliases, addrs, err = GetHostByNameEx(str(0))
		} else {
			name, aliases, addrs, err = GetHostByAddr(str(0))
		}
		res = []any{name, aliases, addrs}
	case "fqdn":
		name := ""
		if len(a) > 0 {
			name = str(0)
		}
		res = GetFQDN(name)
	case "gsbn":
		var protos []string
		for _, p := range a[1:] {
			protos = append(protos, p.(string))
		}
		res, err = GetServByName(str(0), protos...)
	case "gsbp":
		var protos []string
		for _, p := range a[1:] {
			protos = append(protos, p.(string))
		}
		res, err = GetServByPort(int(caseInt(a[0])), protos...)
	case "gpbn":
		res, err = GetProtoByName(str(0))
	case "hostname":
		res, err = GetHostname()
	}
	if err != nil {
		return map[string]any{"err": pyErrClass(err), "str": err.Error()}
	}
	return map[string]any{"ok": res}
}

// groupConstants returns the constants of a group (e.g. every AI_* flag
// this platform has), without the NI_MAX* sizes.
func groupConstants(group string) []Constant {
	var out []Constant
	for _, c := range Constants() {
		if c.Group == group && !strings.HasPrefix(c.Name, "NI_MAX") {
			out = append(out, c)
		}
	}
	return out
}

// resolveCases is the public-API table. hostname is the machine's host
// name (in the test's hosts file).
func resolveCases(t testing.TB, hostname string) []rcase {
	var c []rcase
	add := func(cs ...rcase) { c = append(c, cs...) }
	// every AI_* flag alone, on a numeric host, a hosts-file name, a DNS
	// name (through the search list) and the null host
	var all AddressInfo
	for _, f := range groupConstants("AI") {
		fl := AddressInfo(f.Value)
		all |= fl
		add(gaiCase("127.0.0.1", "http", 0, SOCK_STREAM, 0, fl),
			gaiCase("h1", 80, 0, SOCK_STREAM, 0, fl),
			gaiCase("www", 443, AF_INET6, SOCK_STREAM, 0, fl),
			gaiCase(nil, 80, 0, SOCK_DGRAM, 0, fl))
	}
	// combinations
	for _, fl := range []AddressInfo{
		AI_V4MAPPED | AI_ALL, AI_V4MAPPED | AI_ALL | AI_CANONNAME, AI_CANONNAME | AI_NUMERICHOST,
		AI_PASSIVE | AI_NUMERICSERV, AI_ADDRCONFIG | AI_V4MAPPED, AI_CANONNAME | constFlag(t, "AI_CANONIDN"),
		AI_PASSIVE | AI_CANONNAME, all, all &^ AI_NUMERICHOST, AI_NUMERICHOST | 0x800, 0x800, 1 << 30,
	} {
		add(gaiCase("alias", 80, AF_INET6, SOCK_STREAM, 0, fl),
			gaiCase("v4only", "ssh", AF_INET6, 0, 0, fl),
			gaiCase("::ffff:127.0.0.1", 80, 0, SOCK_STREAM, 0, fl))
	}
	add(gaiCase(nil, "http", 0, SOCK_STREAM, 0, AI_PASSIVE|AI_NUMERICSERV))
	// named hosts: localhost, the machine's name, hosts entries, DNS
	// names, names that do not exist (NXDOMAIN from the test's server)
	for _, h := range []string{"localhost", hostname, "h1", "h1alias", "h1.example.test", "h6only", "llhost", "both",
		"www", "www.example.test", "www.example.test.", "WWW.Example.Test", "alias", "multi", "v6only", "v4only",
		"empty", "servfail", "nonexistent", "nonexistent.example.test.", "bücher", "a..b", ""} {
		add(gaiCase(h, 80, 0, SOCK_STREAM, 0, AI_CANONNAME),
			gaiCase(h, nil, AF_INET, 0, 0, 0),
			gaiCase(h, "domain", AF_INET6, 0, 0, 0))
	}
	// numeric hosts and IPv6 scopes
	for _, h := range []string{"127.0.0.1", "127.1", "0x7f.1", "::1", "::", "0.0.0.0", "1:2:3:4:5:6:7:8", "fe80::1%lo",
		"fe80::1%1", "fe80::1%bogus", "ff02::1%lo", "ff05::2%1", "2001:db8::1%lo", "fe80::1%4294967296", "1.2.3.256"} {
		add(gaiCase(h, 80, 0, 0, 0, AI_NUMERICHOST))
	}
	// services by name and number, socket types and protocols
	for _, p := range []any{nil, 0, "0", 65535, 65536, -1, "-1", "http", "www", "domain", "ssh", "nosuchservice", " 80", "0x50"} {
		add(gaiCase("127.0.0.1", p, AF_INET, 0, 0, 0))
	}
	add(rcase{Op: "gai", Args: []any{"127.0.0.1", "http", 0, 0, 0, 0}, HBytes: true, PBytes: true},
		rcase{Op: "gai", Args: []any{"www", 80, 0, 0, 0, 0}, HBytes: true},
		gaiCase("127.0.0.1", "domain", 0, SOCK_DGRAM, 0, 0),
		gaiCase("127.0.0.1", "http", 0, SOCK_DGRAM, 0, 0),
		gaiCase("127.0.0.1", "http", 0, 0, 0, AI_NUMERICSERV),
		gaiCase("127.0.0.1", 80, 0, SOCK_RAW, 0, 0),
		gaiCase("127.0.0.1", nil, 0, SOCK_RAW, 0, 0),
		gaiCase("127.0.0.1", 80, 0, SOCK_SEQPACKET, 0, 0),
		gaiCase("127.0.0.1", 80, 0, SOCK_DCCP, 0, 0),
		gaiCase("127.0.0.1", 80, 0, SOCK_RDM, 0, 0),
		gaiCase("127.0.0.1", 80, 0, SOCK_STREAM|SOCK_CLOEXEC, 0, 0),
		gaiCase("127.0.0.1", 80, 0, 0, IPPROTO_UDP, 0),
		gaiCase("127.0.0.1", 80, 0, 0, IPPROTO_SCTP, 0),
		gaiCase("127.0.0.1", 80, 0, SOCK_STREAM, IPPROTO_UDP, 0),
		gaiCase("127.0.0.1", 80, AF_UNIX, 0, 0, 0),
		gaiCase("127.0.0.1", 80, AF_INET6, 0, 0, 0),
		gaiCase("::1", 80, AF_INET, 0, 0, 0),
		gaiCase(nil, nil, 0, 0, 0, 0),
		// argument errors
		gaiCase(1.5, 80, 0, 0, 0, 0),
		gaiCase("127.0.0.1", true, 0, 0, 0, 0),
		gaiCase("127.0.0.1", 1.5, 0, 0, 0, 0),
		gaiCase("127.0.0.1", 80, AddressFamily(1<<31), 0, 0, 0),
		gaiCase("127.0.0.1", 80, 0, 0, -1<<31-1, 0),
	)
	// getnameinfo: every NI_* flag alone and combined, reverse lookups in
	// the hosts file and DNS, IPv6 scopes
	var niAll int
	for _, f := range groupConstants("NI") {
		niAll |= int(f.Value)
		for _, sa := range [][]any{{"127.0.0.1", 80}, {"192.0.2.10", 53}, {"192.0.2.99", 22}, {"fe80::5", 443, 0, 1}, {"192.0.2.50", 21}} {
			add(gniCase(int(f.Value), sa...))
		}
	}
	for _, fl := range []int{0, NI_NUMERICHOST | NI_NUMERICSERV, NI_NOFQDN | NI_DGRAM, NI_NAMEREQD | NI_NUMERICSERV, niAll, niAll &^ NI_NAMEREQD, 0x100, 1 << 31} {
		add(gniCase(fl, "192.0.2.10", 80),
			gniCase(fl, "2001:db8::10", 443, 0, 0),
			gniCase(fl, "fe80::1", 80, 0, 1),
			gniCase(fl, "ff02::1", 80, 5, 1))
	}
	add(gniCase(0, "::1", 80, 0, 0), gniCase(0, "127.0.0.1", 80, 0, 0), gniCase(0, "::1", 80, 0x100000, 0),
		gniCase(0, "localhost", 80), gniCase(NI_NUMERICHOST, "127.0.0.1", 1<<31), gniCase(0, "::ffff:192.0.2.10", 80),
		gniCase(0, hostname, 80), gniCase(0, "h1", 80))
	// gethostby*, getfqdn
	for _, h := range []string{"localhost", hostname, "h1", "h1alias", "www", "alias", "multi", "v6only", "h6only",
		"nonexistent", "empty", "127.0.0.1", "127.1", "::1", "", "<broadcast>", "a..b", "bücher",
		"a b", "a_b", "-x", "x-", "xyz.", "A.-b", "0.0.0.0", "255.255.255.255", "*"} {
		add(opCase("ghbn", h), opCase("ghbnex", h), gaiCase(h, nil, AF_INET, SOCK_STREAM, 0, 0))
	}
	for _, h := range []string{"127.0.0.1", "::1", "192.0.2.50", "192.0.2.10", "2001:db8::10", "192.0.2.99", "h1",
		"www", "nonexistent", "fe80::5", "::", hostname, "a..b"} {
		add(opCase("ghba", h))
	}
	for _, h := range []string{"", hostname, "localhost", "h1", "www", "192.0.2.10", "nonexistent", "0.0.0.0", "::1"} {
		add(opCase("fqdn", h))
	}
	add(opCase("fqdn"), opCase("hostname"))
	// services and protocols
	add(opCase("gsbn", "http"), opCase("gsbn", "http", "tcp"), opCase("gsbn", "domain", "udp"), opCase("gsbn", "www", "tcp"),
		opCase("gsbn", "nosuch"), opCase("gsbn", "http", ""), opCase("gsbn", "ht\x00tp"), opCase("gsbn", "http", "tcp", "x"),
		opCase("gsbp", 80), opCase("gsbp", 53, "udp"), opCase("gsbp", 22, "tcp"), opCase("gsbp", 65536), opCase("gsbp", -1),
		opCase("gsbp", 1<<31), opCase("gsbp", 0), opCase("gsbp", 80, "tcp", "x"),
		opCase("gpbn", "tcp"), opCase("gpbn", "TCP"), opCase("gpbn", "udp"), opCase("gpbn", "icmp"),
		opCase("gpbn", "ipv6-icmp"), opCase("gpbn", "nosuch"), opCase("gpbn", "ip"))
	return c
}

func diffHosts(hostname string) string {
	return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t" + hostname + ".example.test " + hostname + "\n" +
		"192.0.2.50\th1.example.test h1 h1alias\n192.0.2.51\th1.example.test h1b\n2001:db8::50\th1.example.test\n" +
		"fd00::99\th6only\nfe80::5\tllhost\n192.0.2.60\tboth\nfe80::6\tboth\n"
}

func diffZone() *testDNS {
	return &testDNS{
		a: map[string][]string{
			"www.example.test":    {"192.0.2.10"},
			"v4only.example.test": {"192.0.2.11"},
			"multi.example.test":  {"10.0.0.1", "192.0.2.20", "192.0.2.21"},
		},
		aaaa: map[string][]string{
			"www.example.test":    {"2001:db8::10"},
			"v6only.example.test": {"2001:db8::11"},
			"multi.example.test":  {"2001:db8::20", "fd00::5"},
		},
		cname: map[string]string{"alias.example.test": "www.example.test"},
		ptr: map[string]string{
			"10.2.0.192.in-addr.arpa": "www.example.test",
			"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": "www.example.test",
		},
		exists: map[string]bool{"empty.example.test": true},
		rcode:  map[string]int{"servfail.example.test": 2},
	}
}

func TestResolveMatchesPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare not found")
	}
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("cannot create a user+mount namespace: %v", err)
	}
	hostname, err := GetHostname()
	if err != nil {
		t.Fatal(err)
	}
	zone := diffZone()
	startTestDNS(t, "127.53.0.2:53", zone)
	dir := t.TempDir()
	hosts := writeTestFile(t, dir, "hosts", diffHosts(hostname))
	resolv := writeTestFile(t, dir, "resolv.conf", "nameserver 127.53.0.2\nsearch example.test\noptions timeout:1 attempts:1\n")
	nss := writeTestFile(t, dir, "nsswitch.conf", "hosts: files dns\n")
	script := writeTestFile(t, dir, "harness.py", resolvePyHarness)
	cases := resolveCases(t, hostname)
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	shell := fmt.Sprintf("mount --bind %s /etc/hosts && mount --bind %s /etc/resolv.conf && mount --bind %s /etc/nsswitch.conf && exec %s %s",
		hosts, resolv, nss, py, script)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "-rm", "sh", "-c", shell)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python harness: %v\n%s", err, stderr.String())
	}
	pyTime := time.Since(start)
	pyQueries := zone.takeNames()
	var pyRes []any
	if err := json.Unmarshal(out, &pyRes); err != nil || len(pyRes) != len(cases) {
		t.Fatalf("python output (%d of %d answers): %v\n%s", len(pyRes), len(cases), err, out)
	}

	useResolver(t, ResolverConfig{HostsPath: hosts, ResolvConfPath: resolv, NSSwitchPath: nss})
	start = time.Now()
	fails := 0
	for i, c := range cases {
		b, err := json.Marshal(runGoCase(c))
		if err != nil {
			t.Fatal(err)
		}
		var got any
		json.Unmarshal(b, &got)
		cj, _ := json.Marshal(c)
		if os.Getenv("SOCKSPEC_RESOLVE_DUMP") != "" {
			t.Logf("case %d %s => %v", i, cj, pyRes[i])
		}
		if !reflect.DeepEqual(got, pyRes[i]) {
			fails++
			t.Errorf("case %d %s\n  python: %v\n  go:     %v", i, cj, pyRes[i], got)
		}
	}
	t.Logf("%d cases (%d failed); python %v, go %v", len(cases), fails, pyTime, time.Since(start))
	// The same DNS queries (names and count), in any order.
	goQueries := zone.takeNames()
	count := map[string]int{}
	for _, n := range pyQueries {
		count[n]++
	}
	for _, n := range goQueries {
		count[n]--
	}
	var diff []string
	for n, k := range count {
		if k != 0 {
			diff = append(diff, fmt.Sprintf("%q python-go=%+d", n, k))
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("DNS queries differ (python %d, go %d): %s", len(pyQueries), len(goQueries), strings.Join(diff, ", "))
	}
}
