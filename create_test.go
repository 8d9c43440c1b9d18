package socket

import (
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func createOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func boundPort(t testing.TB, s *Socket) int {
	t.Helper()
	a, err := s.GetSockName()
	createOK(t, err)
	switch x := a.(type) {
	case InetAddress:
		return x.Port
	case Inet6Address:
		return x.Port
	}
	t.Fatalf("address %v", a)
	return 0
}

func sockOpt(t testing.TB, s *Socket, level int, name string) int {
	t.Helper()
	opt, ok := LookupConstant(name)
	if !ok {
		t.Skipf("no %s", name)
	}
	v, err := s.GetSockOpt(level, int(opt))
	createOK(t, err)
	return v
}

func needIPv6Loopback(t testing.TB) {
	s, err := NewSocket(AF_INET6, SOCK_STREAM, 0)
	if err != nil {
		t.Skip("no IPv6:", err)
	}
	defer s.Close()
	if err := s.Bind(Inet6Address{Host: "::1"}); err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
}

// pythonStr runs a python3 expression and returns its printed value
// (skipping without python3).
func pythonStr(t testing.TB, code string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	out, err := exec.Command(py, "-c", "import socket\n"+code).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestCreateServerDualstack: one AF_INET6 socket accepts an IPv4 and an
// IPv6 client; the IPv4 peer is reported IPv4-mapped.
func TestCreateServerDualstack(t *testing.T) {
	needIPv6Loopback(t)
	if !HasDualstackIPv6() {
		t.Skip("no dual-stack sockets")
	}
	if got := pythonStr(t, "print(socket.has_dualstack_ipv6())"); got != "True" {
		t.Errorf("python's has_dualstack_ipv6() = %s, ours true", got)
	}
	srv, err := CreateServer("", 0, WithFamily(AF_INET6), WithDualstackIPv6(true))
	createOK(t, err)
	defer srv.Close()
	if v := sockOpt(t, srv, IPPROTO_IPV6, "IPV6_V6ONLY"); v != 0 {
		t.Errorf("IPV6_V6ONLY = %d", v)
	}
	// CPython sets SO_REUSEADDR except on Windows (where it would let
	// another socket take the port over).
	if v := sockOpt(t, srv, SOL_SOCKET, "SO_REUSEADDR"); (v == 0) != (runtime.GOOS == "windows") {
		t.Errorf("SO_REUSEADDR = %d on %s", v, runtime.GOOS)
	}
	port := boundPort(t, srv)
	for _, c := range []struct{ host, peer string }{{"127.0.0.1", "::ffff:127.0.0.1"}, {"::1", "::1"}} {
		cl, err := CreateConnection(c.host, port, WithTimeout(5*time.Second))
		createOK(t, err)
		conn, peer, err := srv.Accept()
		createOK(t, err)
		a, ok := peer.(Inet6Address)
		if !ok || a.Host != c.peer {
			t.Errorf("client %s: accept peer %v, want %s", c.host, peer, c.peer)
		}
		if p, err := conn.GetPeerName(); err != nil || p.(Inet6Address).Host != c.peer {
			t.Errorf("client %s: getpeername %v %v", c.host, p, err)
		}
		_, err = cl.Send([]byte("hi"), 0)
		createOK(t, err)
		if b, err := conn.Recv(2, 0); err != nil || string(b) != "hi" {
			t.Errorf("client %s: recv %q %v", c.host, b, err)
		}
		if cl.GetTimeout() != 5*time.Second {
			t.Errorf("client timeout %v", cl.GetTimeout())
		}
		conn.Close()
		cl.Close()
	}
}

// TestCreateServerV6Only: without dualstack an AF_INET6 server sets
// IPV6_V6ONLY explicitly (Linux defaults to dual-stack), so an IPv4 client
// is refused.
func TestCreateServerV6Only(t *testing.T) {
	needIPv6Loopback(t)
	srv, err := CreateServer("", 0, WithFamily(AF_INET6))
	createOK(t, err)
	defer srv.Close()
	if v := sockOpt(t, srv, IPPROTO_IPV6, "IPV6_V6ONLY"); v != 1 {
		t.Errorf("IPV6_V6ONLY = %d", v)
	}
	port := boundPort(t, srv)
	if s, err := CreateConnection("127.0.0.1", port); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("IPv4 client: %v", err)
		if s != nil {
			s.Close()
		}
	}
	s, err := CreateConnection("::1", port)
	createOK(t, err)
	s.Close()
}

func TestCreateServerOptions(t *testing.T) {
	srv, err := CreateServer("127.0.0.1", 0)
	createOK(t, err)
	defer srv.Close()
	if srv.Family() != AF_INET || srv.Type() != SOCK_STREAM {
		t.Errorf("family %v type %v", srv.Family(), srv.Type())
	}
	// CPython sets SO_REUSEADDR except on Windows (where it would let
	// another socket take the port over).
	if v := sockOpt(t, srv, SOL_SOCKET, "SO_REUSEADDR"); (v == 0) != (runtime.GOOS == "windows") {
		t.Errorf("SO_REUSEADDR = %d on %s", v, runtime.GOOS)
	}
	if v := sockOpt(t, srv, SOL_SOCKET, "SO_ACCEPTCONN"); v != 1 {
		t.Errorf("not listening")
	}
	if _, ok := LookupConstant("SO_REUSEPORT"); ok { // not on windows
		if v := sockOpt(t, srv, SOL_SOCKET, "SO_REUSEPORT"); v != 0 {
			t.Errorf("SO_REUSEPORT set without reuse_port")
		}
	}
	port := boundPort(t, srv)

	// Bind failure: Python's re-raised OSError, same text.
	_, err = CreateServer("127.0.0.1", port)
	var be *BindError
	if !errors.As(err, &be) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("second server: %#v", err)
	}
	want := pythonStr(t, "try:\n socket.create_server(('127.0.0.1', "+strconv.Itoa(port)+"))\nexcept OSError as e:\n print(type(e).__name__, e)")
	if got := "OSError " + err.Error(); got != want {
		t.Errorf("bind error:\n  go:     %s\n  python: %s", got, want)
	}
	// A message-only OSError and a gaierror from bind, as Python words them.
	for _, c := range []struct {
		host   string
		family AddressFamily
		py     string
	}{
		{"<broadcast>", AF_INET6, "('<broadcast>', 0), family=socket.AF_INET6"},
		{"fe80::1%nosuchif", AF_INET6, "('fe80::1%nosuchif', 0), family=socket.AF_INET6"},
		{"::1", AF_INET, "('::1', 0)"},
	} {
		if c.family == AF_INET6 {
			needIPv6Loopback(t)
		}
		_, err := CreateServer(c.host, 0, WithFamily(c.family))
		want := pythonStr(t, "try:\n socket.create_server("+c.py+")\nexcept OSError as e:\n print(type(e).__name__, e)")
		if err == nil || "OSError "+err.Error() != want {
			t.Errorf("create_server(%s): go %v, python %s", c.py, err, want)
		}
	}

	// reuse_port: two servers on one port.
	a, err := CreateServer("127.0.0.1", 0, WithReusePort(true))
	createOK(t, err)
	defer a.Close()
	if v := sockOpt(t, a, SOL_SOCKET, "SO_REUSEPORT"); v != 1 {
		t.Errorf("SO_REUSEPORT = %d", v)
	}
	b, err := CreateServer("127.0.0.1", boundPort(t, a), WithReusePort(true), WithBacklog(5))
	createOK(t, err)
	b.Close()

	// ValueErrors, before any socket exists.
	var ve *ValueError
	if _, err := CreateServer("127.0.0.1", 0, WithDualstackIPv6(true)); HasDualstackIPv6() && (!errors.As(err, &ve) || ve.Msg != "dualstack_ipv6 requires AF_INET6 family") {
		t.Errorf("dualstack on AF_INET: %v", err)
	}
	var ov *OverflowError
	if _, err := CreateServer("127.0.0.1", 70000); !errors.As(err, &ov) || err.Error() != "bind(): port must be 0-65535." {
		t.Errorf("port 70000: %v", err)
	}
	var te *TypeError
	if _, err := CreateServer("127.0.0.1", 0, WithFamily(AF_UNIX)); !errors.As(err, &te) {
		t.Errorf("AF_UNIX: %v", err)
	}
}

// listenerAt returns a listening socket on host:port (port 0: any).
func listenerAt(t testing.TB, host string, port int) *Socket {
	t.Helper()
	s, err := CreateServer(host, port)
	createOK(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCreateConnectionFallback: the addresses are tried in getaddrinfo's
// order; a refused one is skipped, the error of a total failure is the
// last one (or all of them with all_errors).
func TestCreateConnectionFallback(t *testing.T) {
	localResolver(t, "127.0.0.2\ttwoaddr\n127.0.0.3\ttwoaddr\n")
	ais, err := GetAddrInfo("twoaddr", 0, 0, SOCK_STREAM, 0, 0)
	createOK(t, err)
	if len(ais) != 2 {
		t.Fatalf("twoaddr: %v", ais)
	}
	first, second := ais[0].Addr.(InetAddress).Host, ais[1].Addr.(InetAddress).Host
	srv := listenerAt(t, second, 0)
	port := boundPort(t, srv)

	c, err := CreateConnection("twoaddr", port, WithTimeout(5*time.Second))
	createOK(t, err)
	if p, _ := c.GetPeerName(); p.(InetAddress).Host != second {
		t.Errorf("connected to %v, want %s (after %s refused)", p, second, first)
	}
	c.Close()
	conn, _, err := srv.Accept()
	createOK(t, err)
	conn.Close()

	// every address refused
	srv.Close()
	_, err = CreateConnection("twoaddr", port)
	var oe *OSError
	if !errors.As(err, &oe) || oe.Errno != syscall.ECONNREFUSED || err.Error() != "[Errno 111] Connection refused" {
		t.Errorf("all refused: %#v", err)
	}
	_, err = CreateConnection("twoaddr", port, WithAllErrors(true))
	var eg *ExceptionGroup
	if !errors.As(err, &eg) || len(eg.Errors) != 2 || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("all_errors: %#v", err)
	}
	for _, e := range eg.Errors {
		if !errors.Is(e, syscall.ECONNREFUSED) {
			t.Errorf("all_errors member %v", e)
		}
	}
	want := pythonStr(t, "print(ExceptionGroup('create_connection failed', [OSError(111, 'Connection refused')] * 2))")
	if err.Error() != want {
		t.Errorf("ExceptionGroup: %q, python %q", err.Error(), want)
	}

	// errors Python does not catch in the loop are returned at once
	var ve *ValueError
	if _, err := CreateConnection("twoaddr", port, WithTimeout(-time.Second)); !errors.As(err, &ve) || ve.Msg != "Timeout value out of range" {
		t.Errorf("negative timeout: %v", err)
	}
	var ge *GAIError
	if _, err := CreateConnection("no-such-name", port); !errors.As(err, &ge) || ge.Code != EAI_NONAME {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := CreateConnection("127.0.0.1", -1); !errors.As(err, &ge) || ge.Code != EAI_SERVICE {
		t.Errorf("port -1: %v", err)
	}
}

func TestCreateConnectionSourceAddress(t *testing.T) {
	srv := listenerAt(t, "127.0.0.1", 0)
	port := boundPort(t, srv)
	src := listenerAt(t, "127.0.0.9", 0) // reserve a source port
	srcPort := boundPort(t, src)
	src.Close()
	c, err := CreateConnection("127.0.0.1", port, WithSourceAddress(InetAddress{"127.0.0.9", srcPort}))
	createOK(t, err)
	defer c.Close()
	conn, peer, err := srv.Accept()
	createOK(t, err)
	defer conn.Close()
	if peer != (InetAddress{"127.0.0.9", srcPort}) {
		t.Errorf("peer %v, want 127.0.0.9:%d", peer, srcPort)
	}
	// ("", 0): the OS chooses
	c2, err := CreateConnection("127.0.0.1", port, WithSourceAddress(InetAddress{"", 0}))
	createOK(t, err)
	c2.Close()
	// a source address of the wrong family fails that attempt (an OSError
	// in Python, so the loop goes on and reports it)
	needIPv6Loopback(t)
	if _, err := CreateConnection("::1", port, WithSourceAddress(InetAddress{"127.0.0.1", 0})); err == nil || !isPythonOSError(err) {
		t.Errorf("IPv4 source for IPv6: %v", err)
	}
}

// fullListener returns the port of a listener on 0.0.0.0 whose accept
// queue is full, so that a further connect hangs (SYNs are dropped), or
// skips the test where the stack does not behave so.
func fullListener(t *testing.T) int {
	srv, err := CreateServer("0.0.0.0", 0, WithBacklog(0))
	createOK(t, err)
	t.Cleanup(func() { srv.Close() })
	port := boundPort(t, srv)
	for i := 0; i < 32; i++ {
		c, err := CreateConnection("127.0.0.1", port, WithTimeout(300*time.Millisecond))
		if errors.Is(err, ErrTimeout) {
			return port
		}
		createOK(t, err)
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("the accept queue never fills on this stack")
	return 0
}

// TestCreateConnectionTimeout: the timeout applies to each attempt.
func TestCreateConnectionTimeout(t *testing.T) {
	port := fullListener(t)
	localResolver(t, "127.0.0.1\tslow\n127.0.0.2\tslow\n")
	const d = 250 * time.Millisecond
	start := time.Now()
	_, err := CreateConnection("slow", port, WithTimeout(d), WithAllErrors(true))
	elapsed := time.Since(start)
	var eg *ExceptionGroup
	if !errors.As(err, &eg) || len(eg.Errors) != 2 || !errors.Is(eg.Errors[0], ErrTimeout) || !errors.Is(eg.Errors[1], ErrTimeout) {
		t.Fatalf("error %#v", err)
	}
	if elapsed < 2*d-20*time.Millisecond || elapsed > 2*d+time.Second {
		t.Errorf("two attempts of %v took %v", d, elapsed)
	}
	if _, err := CreateConnection("slow", port, WithTimeout(d)); err != ErrTimeout || err.Error() != "timed out" {
		t.Errorf("last error: %v", err)
	}
	// A context ends a blocking attempt (no timeout on the socket).
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	s, err := CreateConnectionContext(ctx, "127.0.0.1", port, WithTimeout(NoTimeout))
	if s != nil {
		s.Close()
	}
	if elapsed := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || elapsed > 2*time.Second {
		t.Errorf("context: %v after %v", err, elapsed)
	}
}
