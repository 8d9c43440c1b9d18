//go:build linux

package socket

import (
	"encoding/json"
	"go/constant"
	"go/types"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/sockspec/socket/generator/spec"
	"golang.org/x/tools/go/packages"
)

// python3 runs a Python program and decodes its JSON output. It skips the
// test when python3 is missing, or when it describes another architecture
// than the one under test (e.g. this test running under qemu-user).
func python3JSON(t *testing.T, program string, out any) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	machine, err := exec.Command(py, "-c", "import platform; print(platform.machine())").Output()
	if err != nil {
		t.Skipf("python3 does not run: %v", err)
	}
	goarch := map[string]string{"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[strings.TrimSpace(string(machine))]
	if goarch != runtime.GOARCH {
		t.Skipf("python3 is %s, not %s", strings.TrimSpace(string(machine)), runtime.GOARCH)
	}
	b, err := exec.Command(py, "-c", program).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("python3 output: %v\n%s", err, b)
	}
}

// Every integer constant CPython's socket module exports on this machine
// exists in this build with the same value.
func TestConstantsMatchCPython(t *testing.T) {
	var py map[string]int64
	python3JSON(t, `
import json, socket
print(json.dumps({n: int(getattr(socket, n)) for n in dir(socket)
    if n.isupper() and isinstance(getattr(socket, n), int) and not isinstance(getattr(socket, n), bool)}))`, &py)
	if len(py) < 100 {
		t.Fatalf("python3 exported only %d constants", len(py))
	}
	for name, want := range py {
		got, ok := LookupConstant(name)
		if !ok {
			t.Errorf("%s: CPython has it (%d), this build does not", name, want)
		} else if got != want {
			t.Errorf("%s = %d, CPython %d", name, got, want)
		}
	}
	t.Logf("%d CPython constants checked", len(py))
}

// Every integer constant of golang.org/x/sys/unix for this GOOS/GOARCH that
// falls in one of the spec's groups exists here with the same value, except
// the differences the spec lists with their reasons.
func TestConstantsMatchXSys(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is needed to type-check golang.org/x/sys")
	}
	sp, err := spec.Load("spec")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Env: append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")}
	pkgs, err := packages.Load(cfg, "golang.org/x/sys/unix")
	if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil {
		t.Fatalf("loading x/sys/unix: %v", err)
	}
	scope := pkgs[0].Types.Scope()
	checked := 0
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || !c.Exported() || c.Val().Kind() != constant.Int {
			continue
		}
		g := sp.GroupFor(runtime.GOOS, name)
		if g == nil {
			continue
		}
		want, exact := constant.Int64Val(c.Val())
		if !exact {
			u, _ := constant.Uint64Val(c.Val())
			want = int64(u)
		}
		checked++
		got, ok := LookupConstant(name)
		switch {
		case !ok:
			t.Errorf("%s (group %s): x/sys has it (%d), this build does not", name, g.Name, want)
		case got != want:
			if reason := g.OS[runtime.GOOS].XSysDiffers[name]; reason != "" {
				t.Logf("%s = %d, x/sys %d: known difference: %s", name, got, want, reason)
				continue
			}
			t.Errorf("%s = %d, x/sys %d", name, got, want)
		}
	}
	if checked < 500 {
		t.Errorf("only %d x/sys constants fell in the spec's groups; the comparison is not doing its job", checked)
	}
	t.Logf("%d x/sys constants in the spec's groups checked", checked)
}

// The typed constants print Python's names.
func TestTypedConstantStrings(t *testing.T) {
	cases := map[string]string{
		AF_INET.String():                       "AF_INET",
		AF_INET6.String():                      "AF_INET6",
		SOCK_STREAM.String():                   "SOCK_STREAM",
		(MSG_PEEK | MSG_WAITALL).String():      "MSG_PEEK|MSG_WAITALL",
		(AI_PASSIVE | AI_CANONNAME).String():   "AI_PASSIVE|AI_CANONNAME",
		AddressFamily(12345).String():          "AddressFamily(12345)",
		MsgFlag(0).String():                    "MsgFlag(0)",
		(MSG_OOB | MsgFlag(1<<27)).String():    "MSG_OOB|134217728",
		SocketKind(SOCK_NONBLOCK).String():     "SOCK_NONBLOCK",
		AddressFamily(AF_NETLINK).String():     "AF_NETLINK",
		AddressInfo(AI_NUMERICSERV).String():   "AI_NUMERICSERV",
		(MSG_DONTWAIT | MSG_TRUNC).String():    "MSG_TRUNC|MSG_DONTWAIT",
		AddressFamily(AF_UNIX).String():        "AF_UNIX",
		SocketKind(SOCK_SEQPACKET).String():    "SOCK_SEQPACKET",
		AddressInfo(0).String():                "AddressInfo(0)",
		(AI_V4MAPPED | AI_ADDRCONFIG).String(): "AI_V4MAPPED|AI_ADDRCONFIG",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// For every value CPython's enums know, String gives CPython's name.
func TestTypedConstantStringsMatchCPython(t *testing.T) {
	var py map[string]map[string]string
	python3JSON(t, `
import json, socket
out = {}
for enum in (socket.AddressFamily, socket.SocketKind, socket.MsgFlag, socket.AddressInfo):
    out[enum.__name__] = {str(int(m)): m.name for m in enum}
# flag combinations, and a bit no member names
for v in (socket.MSG_PEEK | socket.MSG_WAITALL, socket.MSG_OOB | socket.MsgFlag(1 << 27), socket.MSG_DONTWAIT | socket.MSG_TRUNC | socket.MSG_CMSG_CLOEXEC):
    out['MsgFlag'][str(int(v))] = v.name
for v in (socket.AI_PASSIVE | socket.AI_NUMERICHOST, socket.AI_ALL | socket.AI_V4MAPPED | socket.AI_ADDRCONFIG):
    out['AddressInfo'][str(int(v))] = v.name
print(json.dumps(out))`, &py)
	str := func(typ string, v int64) string {
		switch typ {
		case "AddressFamily":
			return AddressFamily(v).String()
		case "SocketKind":
			return SocketKind(v).String()
		case "MsgFlag":
			return MsgFlag(v).String()
		default:
			return AddressInfo(v).String()
		}
	}
	n := 0
	for typ, members := range py {
		for val, name := range members {
			var v int64
			if err := json.Unmarshal([]byte(val), &v); err != nil {
				t.Fatal(err)
			}
			n++
			if got := str(typ, v); got != name {
				t.Errorf("%s(%d).String() = %q, CPython %q", typ, v, got, name)
			}
		}
	}
	t.Logf("%d enum members compared", n)
}
