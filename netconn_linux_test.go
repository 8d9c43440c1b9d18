//go:build linux

package socket

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// abstractName returns a fresh abstract AF_UNIX name ("\x00sockspec-...").
func abstractName(t *testing.T) string {
	var b [6]byte
	rand.Read(b[:])
	return "\x00sockspec-test-" + hex.EncodeToString(b[:])
}

// curlGet runs curl (10 s bound) and returns its output; it skips the test
// when curl is not installed.
func curlGet(t *testing.T, args ...string) string {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed (apt-get install curl)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--max-time", "10"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func writeCertFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, newTestCert(t).certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// HTTP and HTTPS (HTTP/2) over an abstract AF_UNIX listener, with a
// sockspec client and with curl --abstract-unix-socket.
func TestNetHTTPAbstractUnix(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[tlsOn], func(t *testing.T) {
			name := abstractName(t)
			l := listenSock(t, AF_UNIX, 0, UnixAddress{Path: name})
			if got := l.Addr().String(); got != "@"+name[1:] || l.Addr().Network() != "unix" {
				t.Errorf("Addr %q %q", got, l.Addr().Network())
			}
			startHTTP(t, l, tlsOn)
			scheme, proto := "http", "HTTP/1.1"
			if tlsOn {
				scheme, proto = "https", "HTTP/2.0"
			}
			c := sockspecClient(t, AF_UNIX, 0, UnixAddress{Path: name}, tlsOn)
			checkHTTP(t, c, scheme+"://localhost", proto)

			args := []string{"--abstract-unix-socket", name[1:]}
			if tlsOn {
				args = append(args, "--http2", "--cacert", writeCertFile(t))
			}
			out := curlGet(t, append(args, scheme+"://localhost/")...)
			if !strings.HasPrefix(out, "hello "+proto+" from ") {
				t.Errorf("curl: %q", out)
			}
			t.Logf("curl: %q", out)
		})
	}
}

// curl against sockspec listeners on AF_INET and AF_INET6, plain and TLS.
func TestNetHTTPCurlInet(t *testing.T) {
	cases := []struct {
		name   string
		family AddressFamily
		bind   Address
	}{
		{"inet", AF_INET, InetAddress{Host: "127.0.0.1"}},
		{"inet6", AF_INET6, Inet6Address{Host: "::1"}},
	}
	for _, tc := range cases {
		for _, tlsOn := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: "/http", true: "/https"}[tlsOn], func(t *testing.T) {
				if tc.family == AF_INET6 && !hasIPv6Loopback() {
					t.Skip("no IPv6 loopback")
				}
				l := listenSock(t, tc.family, 0, tc.bind)
				startHTTP(t, l, tlsOn)
				url := "http://" + l.Addr().String() + "/"
				args := []string{"-g"}
				proto := "HTTP/1.1"
				if tlsOn {
					url = "https://" + l.Addr().String() + "/"
					args = append(args, "--http2", "--cacert", writeCertFile(t))
					proto = "HTTP/2.0"
				}
				out := curlGet(t, append(args, url)...)
				if !regexp.MustCompile(`^hello ` + regexp.QuoteMeta(proto) + ` from (127\.0\.0\.1|\[::1\]):\d+$`).MatchString(out) {
					t.Errorf("curl %s: %q", url, out)
				}
			})
		}
	}
}

// MPTCP: a socket the net package only makes through a Dialer/ListenConfig
// flag, here with IPPROTO_MPTCP directly, serving HTTP to curl (which
// speaks plain TCP: MPTCP falls back) and to an MPTCP sockspec client.
func TestNetHTTPMPTCP(t *testing.T) {
	l := listenSock(t, AF_INET, IPPROTO_MPTCP, InetAddress{Host: "127.0.0.1"})
	if l.Socket().Proto() != IPPROTO_MPTCP {
		t.Fatalf("proto %d", l.Socket().Proto())
	}
	startHTTP(t, l, false)
	c := sockspecClient(t, AF_INET, IPPROTO_MPTCP, l.Addr().(*NetAddr).Addr, false)
	checkHTTP(t, c, "http://localhost", "HTTP/1.1")
	if out := curlGet(t, "http://"+l.Addr().String()+"/"); !strings.HasPrefix(out, "hello HTTP/1.1") {
		t.Errorf("curl: %q", out)
	}
}

// AF_VSOCK over the loopback transport (VMADDR_CID_LOCAL), in the VM.
func TestVMNetHTTPVSOCK(t *testing.T) {
	vmOnly(t)
	port := uint32(20000 + time.Now().UnixNano()%10000)
	l := listenSock(t, AF_VSOCK, 0, VSOCKAddress{CID: VMADDR_CID_LOCAL, Port: port})
	if l.Addr().Network() != "vsock" {
		t.Errorf("network %q", l.Addr().Network())
	}
	startHTTP(t, l, true)
	c := sockspecClient(t, AF_VSOCK, 0, VSOCKAddress{CID: VMADDR_CID_LOCAL, Port: port}, true)
	checkHTTP(t, c, "https://localhost", "HTTP/2.0")
}

// RecvMsgContext / RecvMsgIntoContext / SendMsgContext (unix-only calls),
// on an AF_UNIX datagram pair (SendMsg blocks when the peer's queue is
// full).
func TestContextCancelMsg(t *testing.T) {
	a, b, err := SocketPair(AF_UNIX, SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	for _, w := range cancelWaits {
		checkCancel(t, "RecvMsgContext", w, func(ctx context.Context) error {
			_, _, _, _, err := b.RecvMsgContext(ctx, 10, 64, 0)
			return err
		})
		checkCancel(t, "RecvMsgIntoContext", w, func(ctx context.Context) error {
			_, _, _, _, err := b.RecvMsgIntoContext(ctx, [][]byte{make([]byte, 10)}, 0, 0)
			return err
		})
	}
	a.SetBlocking(false)
	for i := 0; i < 100000; i++ { // fill b's queue
		if _, err := a.Send(make([]byte, 512), 0); err != nil {
			break
		}
	}
	a.SetBlocking(true)
	for _, w := range cancelWaits {
		checkCancel(t, "SendMsgContext", w, func(ctx context.Context) error {
			_, err := a.SendMsgContext(ctx, [][]byte{[]byte("x")}, nil, 0, nil)
			return err
		})
	}
	// Both usable: drain, then a message with a descriptor goes through.
	b.SetBlocking(false)
	for i := 0; i < 100000; i++ {
		if _, err := b.Recv(512, 0); err != nil {
			break
		}
	}
	b.SetBlocking(true)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rights := make([]byte, sizeofInt)
	putCInt(rights, 0)
	if _, err := a.SendMsgContext(ctx, [][]byte{[]byte("fd")}, []Ancdata{{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: rights}}, 0, nil); err != nil {
		t.Fatal(err)
	}
	data, anc, _, _, err := b.RecvMsgContext(ctx, 10, 64, 0)
	if err != nil || string(data) != "fd" {
		t.Fatalf("RecvMsgContext: %q %v", data, err)
	}
	closeFds(rightsFds(anc))
	if len(rightsFds(anc)) != 1 {
		t.Errorf("ancdata %v", anc)
	}
}

// SocketFromFile: an *os.File holding a socket (as inherited from a
// parent) becomes a Socket; the file stays usable.
func TestSocketFromFile(t *testing.T) {
	a, b, err := SocketPair(AF_UNIX, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f := os.NewFile(uintptr(b.Detach()), "inherited")
	defer f.Close()
	s, err := SocketFromFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if s.Family() != AF_UNIX || s.Type() != SOCK_STREAM {
		t.Errorf("%v %v", s.Family(), s.Type())
	}
	if err := s.SendAll([]byte("from socket"), 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := f.Write([]byte(", from file")); err != nil {
		t.Fatalf("file after the Socket's Close: %v", err)
	}
	a.SetTimeout(5 * time.Second)
	var got []byte
	for i := 0; i < 10 && len(got) < len("from socket, from file"); i++ {
		b, err := a.Recv(64, 0)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if string(got) != "from socket, from file" {
		t.Errorf("got %q", got)
	}
}
