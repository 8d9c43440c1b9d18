package socket

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
)

// pyCase is one call compared with python3: Fn names the Python function of
// module socket; Args are its arguments (bytes travel as hex strings, marked
// by the function's name).
type pyCase struct {
	Fn   string `json:"fn"`
	Args []any  `json:"args"`
}

// pyResult is a call's outcome: a value (bytes as hex) or an exception.
type pyResult struct {
	Value any    `json:"value"`
	Exc   string `json:"exc"`
	Msg   string `json:"msg"`
	Errno *int   `json:"errno"`
}

// pyScript runs every case in one python3 process: JSON in, JSON out.
const pyScript = `
import json, socket, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    fn, args = c["fn"], c["args"]
    if fn in ("inet_ntoa",):
        args = [bytes.fromhex(args[0])]
    elif fn == "inet_ntop":
        args = [args[0], bytes.fromhex(args[1])]
    try:
        v = getattr(socket, fn)(*args)
        if isinstance(v, bytes):
            v = v.hex()
        out.append({"value": v})
    except Exception as e:
        out.append({"exc": type(e).__name__, "msg": str(e),
                    "errno": getattr(e, "errno", None) if isinstance(e, OSError) else None})
json.dump(out, sys.stdout)
`

// runPython evaluates the cases with python3, or skips the test.
func runPython(t *testing.T, cases []pyCase) []pyResult {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("python3 comparison tables are recorded for Linux (glibc)")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", pyScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	var res []pyResult
	if err := json.Unmarshal(outb, &res); err != nil {
		t.Fatalf("python3 output: %v", err)
	}
	if len(res) != len(cases) {
		t.Fatalf("python3 answered %d cases of %d", len(res), len(cases))
	}
	return res
}

// goResult turns a Go call's outcome into the form python3 reports.
func goResult(v any, err error) pyResult {
	if err != nil {
		r := pyResult{Msg: err.Error()}
		var oe *OSError
		var ve *ValueError
		var ov *OverflowError
		switch {
		case errors.As(err, &oe):
			r.Exc = "OSError"
			if oe.Errno != 0 {
				n := int(oe.Errno)
				r.Errno = &n
			}
		case errors.As(err, &ve):
			r.Exc = "ValueError"
		case errors.As(err, &ov):
			r.Exc = "OverflowError"
		default:
			r.Exc = fmt.Sprintf("%T", err)
		}
		return r
	}
	switch x := v.(type) {
	case []byte:
		return pyResult{Value: hex.EncodeToString(x)}
	case uint16:
		return pyResult{Value: float64(x)}
	case uint32:
		return pyResult{Value: float64(x)}
	case int:
		return pyResult{Value: float64(x)}
	}
	return pyResult{Value: v}
}

func callGo(c pyCase) pyResult {
	num := func(i int) int64 { return argInt(c.Args[i]) }
	str := func(i int) string { return c.Args[i].(string) }
	hexb := func(i int) []byte {
		b, err := hex.DecodeString(str(i))
		if err != nil {
			panic(err)
		}
		return b
	}
	switch c.Fn {
	case "htons":
		return goResult(Htons(int(num(0))))
	case "ntohs":
		return goResult(Ntohs(int(num(0))))
	case "htonl":
		return goResult(Htonl(num(0)))
	case "ntohl":
		return goResult(Ntohl(num(0)))
	case "inet_aton":
		return goResult(InetAton(str(0)))
	case "inet_ntoa":
		return goResult(InetNtoa(hexb(0)))
	case "inet_pton":
		return goResult(InetPton(AddressFamily(num(0)), str(1)))
	case "inet_ntop":
		return goResult(InetNtop(AddressFamily(num(0)), hexb(1)))
	}
	if f := extraGoCalls[c.Fn]; f != nil {
		return f(c.Args)
	}
	panic("unknown function " + c.Fn)
}

// argInt reads an integer argument of a case (int64 or a JSON float64).
func argInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	panic(fmt.Sprintf("not an integer: %T", v))
}

// extraGoCalls holds the Go side of functions that exist on some platforms
// only (CMSG_LEN/CMSG_SPACE on unix); their test files register them.
var extraGoCalls = map[string]func(args []any) pyResult{}

func sameResult(a, b pyResult) bool {
	if a.Exc != b.Exc || a.Msg != b.Msg || fmt.Sprint(a.Value) != fmt.Sprint(b.Value) {
		return false
	}
	if (a.Errno == nil) != (b.Errno == nil) {
		return false
	}
	return a.Errno == nil || *a.Errno == *b.Errno
}

func compareWithPython(t *testing.T, cases []pyCase) {
	t.Helper()
	want := runPython(t, cases)
	bad := 0
	for i, c := range cases {
		got := callGo(c)
		if !sameResult(got, want[i]) {
			bad++
			if bad <= 30 {
				t.Errorf("%s%q: Go %+v, Python %+v", c.Fn, c.Args, fmtResult(got), fmtResult(want[i]))
			}
		}
	}
	if bad > 30 {
		t.Errorf("... %d mismatches in all, of %d cases", bad, len(cases))
	}
	t.Logf("%d cases compared with python3", len(cases))
}

func fmtResult(r pyResult) string {
	if r.Exc != "" {
		e := "None"
		if r.Errno != nil {
			e = fmt.Sprint(*r.Errno)
		}
		return fmt.Sprintf("%s(%q, errno=%s)", r.Exc, r.Msg, e)
	}
	return fmt.Sprint(r.Value)
}

// inetCases is the table: hand-picked inputs and a seeded random sample of
// strings over the characters the parsers care about.
func inetCases() []pyCase {
	var cs []pyCase
	add := func(fn string, args ...any) { cs = append(cs, pyCase{fn, args}) }

	for _, v := range []int64{0, 1, 255, 256, 0x1234, 65535, 65536, 70000, -1, -65536,
		math.MaxInt32, math.MaxInt32 + 1, math.MaxUint32, math.MaxUint32 + 1, 1 << 40, math.MinInt32} {
		for _, fn := range []string{"htons", "ntohs", "htonl", "ntohl"} {
			add(fn, v)
		}
	}
	aton := []string{"1.2", "0x7f.1", "127.1", "010.0.0.1", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4 junk",
		"1.2.3.4\tx", " 1.2.3.4", "1.2.3.4.5", "256.1.1.1", "", "1", "0", "4294967295", "4294967296",
		"0x", "0x.1", "1..2", "1.2.3.", "09.1.1.1", "0X7F.0.0.1", "1.2.3.4\x00", "255.255.255.255",
		"1.16777215", "1.16777216", "1.2.65535", "1.2.65536", "00000000001.2.3.4", "0xffffffff",
		"0x100000000", "1.2.3.4  5", "abc", "1.2.3.-4", "+1.2.3.4", "1.2.3.4\v", "1.2.3.4\r", "1.2.3.4\f",
		"1.2.3.4\u0085", "\u0661.2.3.4", "0x0x1", "0xg", "08", "07", "0377.0377.0377.0377",
		"0400.0.0.1", "0xff.0xff.0xffff", "99999999999999999999999", "1.2.3.4.", ".1.2.3", "1.2.3.4x",
		"0x1.0x2.0x3.0x4", "1.0xffffff", "1.0x1000000", "01.02.03.04", "1 .2", "1.2 .3"}
	for _, s := range aton {
		add("inet_aton", s)
	}
	for _, h := range []string{"", "01", "010203", "01020304", "0102030405", "ffffffff", "00000000"} {
		add("inet_ntoa", h)
		add("inet_ntop", float64(AF_INET), h)
	}
	pton4 := []string{"1.2.3.4", "01.2.3.4", "1.2.3", "1.2.3.4 ", "256.0.0.1", "0.0.0.0", "1.2.3.04",
		"00.0.0.0", "1.2.3.4.5", "", "1.2.3.255", "1.2..3", "255.255.255.255", "1.2.3.256", "1.2.3.4\x00",
		"0x1.2.3.4", "1.2.3.-0", " 1.2.3.4"}
	for _, s := range pton4 {
		add("inet_pton", float64(AF_INET), s)
	}
	pton6 := []string{"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.4", "::1.2.3.4", "1::2::3", "12345::", "fe80::1%eth0", ":1::",
		"1:", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4", "ABCD::EF", "0000:0000::",
		"::00000", "1:::2", "::1.2.3", "::1.2.3.4:5", "1::1.2.3.4", ":::", ":", "1:2:3:4:5:6:7::8",
		"1::2:3:4:5:6:7:8", "::a.2.3.4", "::1234.1.1.1", "::0001.2.3.4", "1.2.3.4", "::ffff:256.1.1.1",
		"0:0:0:0:0:0:0:0", "FFFF:ffff:FFFF:ffff:FFFF:ffff:FFFF:ffff", "::g", "1::2:", ":1", "1:2:3:4:5:6::7",
		"::1.2.3.4.", "1:2:3:4:5:6:7:8:", "::ffff:1.2.3.4 "}
	for _, s := range pton6 {
		add("inet_pton", float64(AF_INET6), s)
	}
	add("inet_pton", float64(AF_UNIX), "1.2.3.4")
	add("inet_pton", 12345.0, "1.2.3.4")
	add("inet_ntop", float64(AF_UNIX), "01020304")
	add("inet_ntop", 12345.0, "01020304")
	for _, h := range []string{"00000000000000000000000000000001", "00000000000000000000000000000002",
		"00000000000000000000000200000003", "00000000000000000000ffff01020304", "000000000000000000000000ffffffff",
		"00010000000000000000000000000000", "00010000000100000000000000000001", "00010000000000010000000000000001",
		"20010db8000000000000000000000000", "000000000000000000000000ff000000", "0000000000000000000000000000ffff",
		"00000000000000000000fffe01020304", "000000000000ffff0000000001020304", "00000000000000000000000001020304",
		"abcd0000ef0000000000000000000000", "00000000000000000000000000000000", "0000000000000000000000000000",
		"000000000000000000000000000000000000", "ffffffffffffffffffffffffffffffff", "00000000000000000000000000010000"} {
		add("inet_ntop", float64(AF_INET6), h)
	}

	// Seeded random inputs.
	rng := rand.New(rand.NewSource(1))
	const alpha4 = "0123456789..xX af"
	const alpha6 = "0123456789abcdefABCDEF::::...g "
	for i := 0; i < 600; i++ {
		n := 1 + rng.Intn(14)
		b := make([]byte, n)
		for k := range b {
			b[k] = alpha4[rng.Intn(len(alpha4))]
		}
		add("inet_aton", string(b))
		add("inet_pton", float64(AF_INET), string(b))
	}
	for i := 0; i < 600; i++ {
		n := 1 + rng.Intn(30)
		b := make([]byte, n)
		for k := range b {
			b[k] = alpha6[rng.Intn(len(alpha6))]
		}
		add("inet_pton", float64(AF_INET6), string(b))
	}
	for i := 0; i < 400; i++ {
		b := make([]byte, 16)
		for k := 0; k < 8; k++ {
			switch rng.Intn(4) {
			case 0, 1: // zero word
			case 2:
				b[2*k+1] = byte(rng.Intn(256))
			default:
				b[2*k], b[2*k+1] = byte(rng.Intn(256)), byte(rng.Intn(256))
			}
		}
		if rng.Intn(5) == 0 {
			b[10], b[11] = 0xff, 0xff
		}
		add("inet_ntop", float64(AF_INET6), hex.EncodeToString(b))
	}
	return cs
}

func TestInetAndByteOrderMatchPython(t *testing.T) {
	compareWithPython(t, inetCases())
}

// The expectations below hold without python3, so the behaviour is pinned
// on every machine.
func TestInetFixed(t *testing.T) {
	if v, err := Htons(1); err != nil || (v != 256 && !hostBigEndian) {
		t.Errorf("Htons(1) = %d, %v", v, err)
	}
	_, err := Htons(70000)
	var ov *OverflowError
	if !errors.As(err, &ov) || ov.Msg != "htons: Python int too large to convert to C 16-bit unsigned integer" {
		t.Errorf("Htons(70000) error = %v", err)
	}
	if _, err := Htonl(-1); !errors.As(err, &ov) {
		t.Errorf("Htonl(-1) error = %v", err)
	}
	for s, want := range map[string]string{"127.1": "7f000001", "0x7f.1": "7f000001", "010.0.0.1": "08000001",
		"1.2": "01000002", "1.2.3.4 junk": "01020304"} {
		b, err := InetAton(s)
		if err != nil || hex.EncodeToString(b) != want {
			t.Errorf("InetAton(%q) = %x, %v; want %s", s, b, err, want)
		}
	}
	for _, s := range []string{"1.2.3.4.5", "256.1.1.1", "", " 1.2.3.4", "09"} {
		_, err := InetAton(s)
		var oe *OSError
		if !errors.As(err, &oe) || oe.Msg != "illegal IP address string passed to inet_aton" {
			t.Errorf("InetAton(%q) error = %v", s, err)
		}
	}
	_, err = InetPton(AF_INET, "1.2.3")
	var oe *OSError
	if !errors.As(err, &oe) || oe.Errno != 0 {
		t.Errorf("InetPton(AF_INET, 1.2.3) error = %v", err)
	}
	if _, err := InetPton(AF_UNIX, "1.2.3.4"); !errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Errorf("InetPton(AF_UNIX) error = %v", err)
	}
	var ve *ValueError
	if _, err := InetNtop(AF_INET6, make([]byte, 4)); !errors.As(err, &ve) {
		t.Errorf("InetNtop(AF_INET6, 4 bytes) error = %v", err)
	}
	for _, c := range []struct{ in, out string }{
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4"}, {"1:0:0:1:0:0:0:1", "1:0:0:1::1"}, {"2001:DB8::", "2001:db8::"},
		{"::1", "::1"}, {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
	} {
		b, err := InetPton(AF_INET6, c.in)
		if err != nil {
			t.Errorf("InetPton(%q): %v", c.in, err)
			continue
		}
		s, err := InetNtop(AF_INET6, b)
		if err != nil || s != c.out {
			t.Errorf("InetNtop(InetPton(%q)) = %q, %v; want %q", c.in, s, err, c.out)
		}
	}
	if s, err := InetNtoa([]byte{1, 2, 3, 4}); err != nil || s != "1.2.3.4" {
		t.Errorf("InetNtoa = %q, %v", s, err)
	}
	if !HasIPv6 {
		t.Errorf("HasIPv6 = false")
	}
}
