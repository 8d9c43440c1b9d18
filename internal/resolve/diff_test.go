//go:build linux

package resolve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The differential test runs every case through CPython (python3, one
// process, JSON on stdin/stdout) and through this package, and requires
// equal answers. In "ns" mode python3 runs in a private user+mount
// namespace where the test's own hosts, resolv.conf and nsswitch.conf are
// bind-mounted over /etc (nothing on the machine is changed) and DNS goes
// to the test's server on 127.53.0.1:53; in "sys" mode both sides use the
// machine's real files and only cases that cannot leave the machine are
// asked.

const pyHarness = `
import json, socket, sys
EAI = {getattr(socket, n): n for n in dir(socket) if n.startswith('EAI_')}
def err(e):
    if isinstance(e, socket.gaierror):
        return {"err": "gaierror", "code": EAI.get(e.args[0], str(e.args[0]))}
    if isinstance(e, socket.herror):
        return {"err": "herror", "code": e.args[0]}
    if type(e) is OSError:
        return {"err": "OSError", "msg": str(e)}
    return {"err": type(e).__name__}
def host(c):
    h = c.get("host")
    if h is not None and c.get("bytes"):
        h = h.encode()
    return h
def run(c):
    op = c["op"]
    if op == "gai":
        r = socket.getaddrinfo(host(c), c.get("port"), c.get("family", 0), c.get("type", 0), c.get("proto", 0), c.get("flags", 0))
        out = []
        for fam, typ, proto, canon, sa in r:
            out.append([fam.name, typ.name if isinstance(typ, socket.SocketKind) else str(int(typ)), proto, canon, list(sa)])
        return {"ok": out}
    if op == "gni":
        return {"ok": list(socket.getnameinfo(tuple(c["sa"]), c.get("flags", 0)))}
    if op == "ghbn":
        return {"ok": socket.gethostbyname(host(c))}
    if op == "ghbnex":
        return {"ok": list(socket.gethostbyname_ex(host(c)))}
    if op == "ghba":
        return {"ok": list(socket.gethostbyaddr(host(c)))}
    if op == "fqdn":
        return {"ok": socket.getfqdn(c.get("host", ""))}
    if op == "gsbn":
        return {"ok": socket.getservbyname(*c["args"])}
    if op == "gsbp":
        return {"ok": socket.getservbyport(*c["args"])}
    if op == "gpbn":
        return {"ok": socket.getprotobyname(*c["args"])}
    raise Exception("bad op")
res = []
for c in json.load(sys.stdin):
    try:
        res.append(run(c))
    except Exception as e:
        res.append(err(e))
json.dump(res, sys.stdout)
`

// dcase is one differential case (the JSON the harness reads).
type dcase struct {
	Op     string `json:"op"`
	Host   any    `json:"host,omitempty"` // string or nil (omitted = None)
	Bytes  bool   `json:"bytes,omitempty"`
	Port   any    `json:"port,omitempty"`
	Family int    `json:"family,omitempty"`
	Type   int    `json:"type,omitempty"`
	Proto  int    `json:"proto,omitempty"`
	Flags  int    `json:"flags,omitempty"`
	SA     []any  `json:"sa,omitempty"`
	Args   []any  `json:"args,omitempty"`
}

// Linux values of the constants the cases use.
const (
	afInet  = 2
	afInet6 = 10
	afUnix  = 1

	sockStream    = 1
	sockDgram     = 2
	sockRaw       = 3
	sockRDM       = 4
	sockSeqpacket = 5
	sockDCCP      = 6

	aiPassive     = 0x1
	aiCanonName   = 0x2
	aiNumericHost = 0x4
	aiV4Mapped    = 0x8
	aiAll         = 0x10
	aiAddrConfig  = 0x20
	aiNumericServ = 0x400

	niNumericHost = 1
	niNumericServ = 2
	niNoFQDN      = 4
	niNameReqd    = 8
	niDgram       = 16
)

func linuxFamily(v int) Family {
	switch v {
	case 0:
		return FamilyUnspec
	case afInet:
		return FamilyInet
	case afInet6:
		return FamilyInet6
	}
	return FamilyOther
}

func linuxSockType(v int) SockType {
	switch v {
	case 0:
		return SockAny
	case sockStream:
		return SockStream
	case sockDgram:
		return SockDgram
	case sockRaw:
		return SockRaw
	case sockSeqpacket:
		return SockSeqpacket
	case sockDCCP:
		return SockDCCP
	}
	return SockOther
}

var sockTypeLinux = map[SockType]string{SockStream: "SOCK_STREAM", SockDgram: "SOCK_DGRAM", SockRaw: "SOCK_RAW", SockSeqpacket: "SOCK_SEQPACKET", SockDCCP: "6"}

func linuxFlags(v int) Flags {
	var f Flags
	m := map[int]Flags{aiPassive: FlagPassive, aiCanonName: FlagCanonName, aiNumericHost: FlagNumericHost,
		aiV4Mapped: FlagV4Mapped, aiAll: FlagAll, aiAddrConfig: FlagAddrConfig, aiNumericServ: FlagNumericServ}
	for bit := 0; bit < 31; bit++ {
		b := 1 << bit
		if v&b == 0 {
			continue
		}
		if x, ok := m[b]; ok {
			f |= x
		} else {
			f |= FlagUnknown
		}
	}
	return f
}

func linuxNIFlags(v int) NIFlags {
	var f NIFlags
	m := map[int]NIFlags{niNumericHost: NINumericHost, niNumericServ: NINumericServ, niNoFQDN: NINoFQDN, niNameReqd: NINameReqd, niDgram: NIDgram}
	for bit := 0; bit < 31; bit++ {
		b := 1 << bit
		if v&b == 0 {
			continue
		}
		if x, ok := m[b]; ok {
			f |= x
		} else {
			f |= NIUnknown
		}
	}
	return f
}

func errJSON(err error) map[string]any {
	var ge *GAIError
	var he *HError
	var oe *OSError
	var ve *ValueError
	var ue *UnicodeError
	var ov *OverflowError
	var te *TypeError
	switch {
	case errors.As(err, &ge):
		return map[string]any{"err": "gaierror", "code": ge.Kind.String()}
	case errors.As(err, &he):
		return map[string]any{"err": "herror", "code": int(he.Kind)}
	case errors.As(err, &oe):
		if oe.Errno != 0 {
			m := oe.Errno.Error()
			return map[string]any{"err": "OSError", "msg": fmt.Sprintf("[Errno %d] %s", int(oe.Errno), strings.ToUpper(m[:1])+m[1:])}
		}
		return map[string]any{"err": "OSError", "msg": oe.Msg}
	case errors.As(err, &te):
		return map[string]any{"err": "TypeError"}
	case errors.As(err, &ue):
		return map[string]any{"err": "UnicodeError"}
	case errors.As(err, &ve):
		return map[string]any{"err": "ValueError"}
	case errors.As(err, &ov):
		return map[string]any{"err": "OverflowError"}
	}
	return map[string]any{"err": "Go:" + err.Error()}
}

func caseHost(c dcase) Host {
	s, ok := c.Host.(string)
	if !ok {
		return HostNone()
	}
	if c.Bytes {
		return HostBytes(s)
	}
	return HostString(s)
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

// runGo answers a case with this package, in the harness's JSON shape.
func runGo(ctx context.Context, r *Resolver, c dcase) map[string]any {
	var res any
	var err error
	switch c.Op {
	case "gai":
		port := PortNone()
		switch p := c.Port.(type) {
		case string:
			port = PortString(p)
		case int, int64, float64:
			port = PortInt(toInt64(p))
		}
		var ais []AddrInfo
		ais, err = r.GetAddrInfo(ctx, caseHost(c), port, Hints{Family: linuxFamily(c.Family), SockType: linuxSockType(c.Type), Proto: c.Proto, Flags: linuxFlags(c.Flags)})
		out := []any{}
		for _, a := range ais {
			var sa []any
			if a.Family == FamilyInet {
				sa = []any{a.HostString(), a.Port}
			} else {
				sa = []any{a.HostString(), a.Port, a.Flowinfo, a.ScopeID}
			}
			out = append(out, []any{a.Family.String(), sockTypeLinux[a.SockType], a.Proto, a.CanonName, sa})
		}
		res = out
	case "gni":
		sa := SockAddrArg{Fields: len(c.SA)}
		sa.Host, _ = c.SA[0].(string)
		sa.Port = toInt64(c.SA[1])
		if len(c.SA) > 2 {
			sa.Flowinfo = toInt64(c.SA[2])
		}
		if len(c.SA) > 3 {
			sa.ScopeID = toInt64(c.SA[3])
		}
		var ni NameInfo
		ni, err = r.GetNameInfo(ctx, sa, linuxNIFlags(c.Flags))
		res = []any{ni.Host, ni.Service}
	case "ghbn":
		res, err = r.GetHostByName(ctx, caseHost(c))
	case "ghbnex", "ghba":
		var he HostEnt
		if c.Op == "ghbnex" {
			he, err = r.GetHostByNameEx(ctx, caseHost(c))
		} else {
			he, err = r.GetHostByAddr(ctx, caseHost(c))
		}
		res = []any{he.Name, he.Aliases, he.Addrs}
	case "fqdn":
		s, _ := c.Host.(string)
		res = r.GetFQDN(ctx, s)
	case "gsbn", "gsbp":
		var proto *string
		if len(c.Args) > 1 {
			if p, ok := c.Args[1].(string); ok {
				proto = &p
			}
		}
		if c.Op == "gsbn" {
			name, _ := c.Args[0].(string)
			res, err = r.GetServByName(name, proto)
		} else {
			res, err = r.GetServByPort(toInt64(c.Args[0]), proto)
		}
	case "gpbn":
		name, _ := c.Args[0].(string)
		res, err = r.GetProtoByName(name)
	}
	if err != nil {
		return errJSON(err)
	}
	return map[string]any{"ok": res}
}

// normalize makes Go values comparable with decoded JSON.
func normalize(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// runPython runs the harness once over all cases. argv0 is the command
// (python3 itself or a namespace wrapper).
func runPython(t *testing.T, argv []string, cases []dcase) []any {
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python harness: %v\n%s", err, stderr.String())
	}
	var res []any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	if len(res) != len(cases) {
		t.Fatalf("python answered %d of %d cases", len(res), len(cases))
	}
	return res
}

func compareAll(t *testing.T, r *Resolver, cases []dcase, py []any) int {
	fails := 0
	for i, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		got := normalize(t, runGo(ctx, r, c))
		cancel()
		if os.Getenv("RESOLVE_DIFF_DUMP") != "" {
			cj, _ := json.Marshal(c)
			t.Logf("case %d %s => %v", i, cj, py[i])
		}
		if !reflect.DeepEqual(got, py[i]) {
			fails++
			cj, _ := json.Marshal(c)
			t.Errorf("case %d %s\n  python: %v\n  go:     %v", i, cj, py[i], got)
		}
	}
	return fails
}

func writeFile(t *testing.T, dir, name, content string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func needPython(t *testing.T) string {
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	return p
}

func str(s string) *string { return &s }

const nsHosts = `# test hosts
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
127.0.0.1	vm
192.0.2.50	h1.example.test h1 h1alias
192.0.2.51	h1.example.test h1b
2001:db8::50	h1.example.test
fd00::99	h6only
10.9.9.9	multiline
10.9.9.10	multiline second
fe80::5	llhost
192.0.2.60	both
fe80::6	both
192.0.2.61	CaseName
127.0.0.9	loopnine loopnine.example.test
bad-address	ignored
`

const nsResolv = `# test resolver
nameserver 127.53.0.1
search example.test
options timeout:1 attempts:1
`

func TestDifferentialNamespace(t *testing.T) {
	runNamespace(t, "", append(commonCases(), nsCases()...))
}

// TestDifferentialGaiConf checks the RFC 3484 sorting with a gai.conf
// that changes precedence, labels and IPv4 scopes.
func TestDifferentialGaiConf(t *testing.T) {
	conf := "precedence ::ffff:0:0/96 100\nprecedence ::/0 40\nlabel ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nscopev4 ::ffff:192.0.2.0/120 5\n"
	var c []dcase
	for _, h := range []string{"multi", "www", "loopmix", "linklocal", "both", "h1", "localhost"} {
		c = append(c, gai(h, 80, 0, sockStream, 0, 0), gai(h, 80, afInet6, sockStream, 0, aiV4Mapped|aiAll))
	}
	runNamespace(t, conf, c)
}

func runNamespace(t *testing.T, gaiConf string, cases []dcase) {
	py := needPython(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare not found")
	}
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("cannot create a user+mount namespace: %v", err)
	}
	z := exampleZone()
	startDNS(t, "127.53.0.1:53", z)
	dir := t.TempDir()
	hosts := writeFile(t, dir, "hosts", nsHosts)
	resolv := writeFile(t, dir, "resolv.conf", nsResolv)
	nss := writeFile(t, dir, "nsswitch.conf", "hosts: files dns\n")
	script := writeFile(t, dir, "harness.py", pyHarness)
	shell := fmt.Sprintf("mount --bind %s /etc/hosts && mount --bind %s /etc/resolv.conf && mount --bind %s /etc/nsswitch.conf && ",
		hosts, resolv, nss)
	cfg := Config{HostsPath: hosts, ResolvConfPath: resolv, NSSwitchPath: nss}
	if gaiConf != "" {
		g := writeFile(t, dir, "gai.conf", gaiConf)
		shell += fmt.Sprintf("mount --bind %s /etc/gai.conf && ", g)
		cfg.GaiConfPath = g
	}
	shell += fmt.Sprintf("exec %s %s", py, script)
	start := time.Now()
	pyRes := runPython(t, []string{"unshare", "-rm", "sh", "-c", shell}, cases)
	pyTime := time.Since(start)
	r := New(cfg)
	start = time.Now()
	fails := compareAll(t, r, cases, pyRes)
	t.Logf("%d cases (%d failed); python %v, go %v", len(cases), fails, pyTime, time.Since(start))
}

func TestDifferentialSystem(t *testing.T) {
	py := needPython(t)
	dir := t.TempDir()
	script := writeFile(t, dir, "harness.py", pyHarness)
	cases := commonCases()
	start := time.Now()
	pyRes := runPython(t, []string{py, script}, cases)
	pyTime := time.Since(start)
	start = time.Now()
	fails := compareAll(t, Default(), cases, pyRes)
	t.Logf("%d cases (%d failed); python %v, go %v", len(cases), fails, pyTime, time.Since(start))
}
