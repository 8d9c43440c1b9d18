//go:build linux

package socket

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func coreCountFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

func TestMain(m *testing.M) {
	// Start Go's netpoller (its epoll fd and eventfd stay open) before
	// counting.
	if r, w, err := os.Pipe(); err == nil {
		r.SetReadDeadline(time.Now())
		r.Close()
		w.Close()
	}
	before := coreCountFDs()
	g0 := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		runtime.GC()
		runtime.GC()
		var g1 int
		for i := 0; i < 100; i++ { // bounded: let exiting goroutines finish
			g1 = runtime.NumGoroutine()
			if g1 <= g0+2 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		after := coreCountFDs()
		if after > before {
			fmt.Fprintf(os.Stderr, "fd leak: %d open before the tests, %d after\n", before, after)
			code = 1
		}
		if g1 > g0+2 {
			fmt.Fprintf(os.Stderr, "goroutine leak: %d before, %d after\n", g0, g1)
			code = 1
		}
	}
	os.Exit(code)
}

// must returns v, or panics (failing the test binary) on err.
func coreMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func coreOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// coreTCPPair returns a listener, a connected client and the accepted server side.
func coreTCPPair(t testing.TB) (ln, c, s *Socket) {
	t.Helper()
	ln = coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	coreOK(t, ln.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, ln.Listen())
	addr := coreMust(ln.GetSockName())
	c = coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	coreOK(t, c.Connect(addr))
	s, _, err := ln.Accept()
	coreOK(t, err)
	t.Cleanup(func() { ln.Close(); c.Close(); s.Close() })
	return ln, c, s
}

func coreUDPPair(t testing.TB) (a, b *Socket) {
	t.Helper()
	a = coreMust(NewSocket(AF_INET, SOCK_DGRAM, 0))
	b = coreMust(NewSocket(AF_INET, SOCK_DGRAM, 0))
	coreOK(t, a.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, b.Bind(InetAddress{"127.0.0.1", 0}))
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func coreIsErrno(err error, e syscall.Errno) bool { return errors.Is(err, e) }

func TestTCPBasics(t *testing.T) {
	ln, c, s := coreTCPPair(t)
	if ln.Family() != AF_INET || ln.Type() != SOCK_STREAM || ln.Proto() != 0 {
		t.Fatalf("family/type/proto %v %v %v", ln.Family(), ln.Type(), ln.Proto())
	}
	lnAddr := coreMust(ln.GetSockName()).(InetAddress)
	if lnAddr.Host != "127.0.0.1" || lnAddr.Port == 0 {
		t.Fatalf("getsockname %v", lnAddr)
	}
	peer := coreMust(c.GetPeerName())
	if peer != Address(lnAddr) {
		t.Fatalf("getpeername %v, want %v", peer, lnAddr)
	}
	if n := coreMust(c.Send([]byte("hello"), 0)); n != 5 {
		t.Fatalf("send %d", n)
	}
	b := coreMust(s.Recv(100, 0))
	if string(b) != "hello" {
		t.Fatalf("recv %q", b)
	}
	coreOK(t, s.SendAll(bytes.Repeat([]byte("x"), 1<<20), 0))
	got := 0
	buf := make([]byte, 65536)
	for got < 1<<20 {
		n := coreMust(c.RecvInto(buf, 0, 0))
		if n == 0 {
			t.Fatal("EOF early")
		}
		got += n
	}
	// peek, then recv_into with nbytes
	coreMust(s.Send([]byte("abcdef"), 0))
	p := coreMust(c.Recv(3, MSG_PEEK))
	if string(p) != "abc" {
		t.Fatalf("peek %q", p)
	}
	n := coreMust(c.RecvInto(buf, 2, 0))
	if string(buf[:n]) != "ab" {
		t.Fatalf("recv_into nbytes %q", buf[:n])
	}
	// recvfrom on a connected stream: address nil (Python None)
	d, a, err := c.RecvFrom(10, 0)
	coreOK(t, err)
	if string(d) != "cdef" || a != nil {
		t.Fatalf("recvfrom %q %v", d, a)
	}
	coreOK(t, s.Shutdown(SHUT_WR))
	e := coreMust(c.Recv(10, 0))
	if len(e) != 0 {
		t.Fatalf("after shutdown %q", e)
	}
	if v := coreMust(ln.GetSockOpt(SOL_SOCKET, SO_ACCEPTCONN)); v != 1 {
		t.Fatalf("SO_ACCEPTCONN %d", v)
	}
}

func TestUDP(t *testing.T) {
	a, b := coreUDPPair(t)
	bAddr := coreMust(b.GetSockName())
	aAddr := coreMust(a.GetSockName())
	coreMust(a.SendTo([]byte("one"), bAddr))
	coreMust(a.SendToFlags([]byte("two"), 0, bAddr))
	prepared := coreMust(PrepareAddress(AF_INET, bAddr))
	coreMust(a.SendTo([]byte("three"), prepared))
	coreMust(a.SendTo([]byte(""), &InetAddress{"127.0.0.1", bAddr.(InetAddress).Port}))
	d, from, err := b.RecvFrom(100, 0)
	coreOK(t, err)
	if string(d) != "one" || from != aAddr {
		t.Fatalf("recvfrom %q %v want %v", d, from, aAddr)
	}
	buf := make([]byte, 10)
	n, from, err := b.RecvFromInto(buf, 0, 0)
	coreOK(t, err)
	if string(buf[:n]) != "two" || from != aAddr {
		t.Fatalf("recvfrom_into %q %v", buf[:n], from)
	}
	n = coreMust(b.RecvInto(buf, 0, 0))
	if string(buf[:n]) != "three" {
		t.Fatalf("recv_into %q", buf[:n])
	}
	// An empty datagram is data, not EOF.
	b.SetTimeout(time.Second)
	e := coreMust(b.Recv(10, 0))
	if e == nil || len(e) != 0 {
		t.Fatalf("empty datagram %v", e)
	}
	if _, err := a.Send([]byte("x"), 0); !coreIsErrno(err, syscall.EDESTADDRREQ) {
		t.Fatalf("send unconnected: %v", err)
	}
	if _, err := a.GetPeerName(); !coreIsErrno(err, syscall.ENOTCONN) || err.Error() != "[Errno 107] Transport endpoint is not connected" {
		t.Fatalf("getpeername: %v", err)
	}
	// IPv6
	s6 := coreMust(NewSocket(AF_INET6, SOCK_DGRAM, 0))
	defer s6.Close()
	coreOK(t, s6.Bind(InetAddress{"::1", 0}))
	a6 := coreMust(s6.GetSockName()).(Inet6Address)
	if a6.Host != "::1" || a6.Port == 0 || a6.FlowInfo != 0 || a6.ScopeID != 0 {
		t.Fatalf("v6 name %v", a6)
	}
	coreMust(s6.SendTo([]byte("six"), a6))
	d, from, err = s6.RecvFrom(10, 0)
	coreOK(t, err)
	if string(d) != "six" || from != Address(a6) {
		t.Fatalf("v6 recvfrom %q %v", d, from)
	}
	if got := a6.String(); got != "('::1', "+strconv.Itoa(a6.Port)+", 0, 0)" {
		t.Fatalf("String %s", got)
	}
}

func TestTimeoutModes(t *testing.T) {
	a, b, err := SocketPair(0, 0, 0)
	coreOK(t, err)
	defer a.Close()
	defer b.Close()
	if a.GetTimeout() != NoTimeout || !a.GetBlocking() {
		t.Fatal("default not blocking")
	}
	coreOK(t, a.SetBlocking(false))
	if a.GetTimeout() != 0 || a.GetBlocking() {
		t.Fatal("setblocking(false)")
	}
	_, err = a.Recv(1, 0)
	if !coreIsErrno(err, syscall.EAGAIN) || err.Error() != "[Errno 11] Resource temporarily unavailable" {
		t.Fatalf("non-blocking recv: %v", err)
	}
	coreOK(t, a.SetTimeout(50*time.Millisecond))
	if !a.GetBlocking() {
		t.Fatal("getblocking in timeout mode")
	}
	t0 := time.Now()
	_, err = a.Recv(1, 0)
	el := time.Since(t0)
	if err != ErrTimeout || !errors.Is(err, os.ErrDeadlineExceeded) || err.Error() != "timed out" {
		t.Fatalf("timeout recv: %v", err)
	}
	if el < 45*time.Millisecond || el > 1*time.Second {
		t.Fatalf("timeout took %v", el)
	}
	coreOK(t, a.SetBlocking(true))
	if a.GetTimeout() != NoTimeout {
		t.Fatal("setblocking(true)")
	}
	// bad values
	var ve *ValueError
	if err := a.SetTimeout(-time.Second); !errors.As(err, &ve) || ve.Msg != "Timeout value out of range" {
		t.Fatalf("negative: %v", err)
	}
	if err := a.SetTimeoutSeconds(math.NaN()); !errors.As(err, &ve) || ve.Msg != "Invalid value NaN (not a number)" {
		t.Fatalf("nan: %v", err)
	}
	var oe *OverflowError
	for _, v := range []float64{1e10, math.Inf(1), 1e300} {
		if err := a.SetTimeoutSeconds(v); !errors.As(err, &oe) {
			t.Fatalf("%v: %v", v, err)
		}
	}
	coreOK(t, a.SetTimeoutSeconds(1.5))
	if a.GetTimeout() != 1500*time.Millisecond {
		t.Fatal(a.GetTimeout())
	}
	if err := SetDefaultTimeout(-2); !errors.As(err, &ve) {
		t.Fatal(err)
	}
	// SOCK_NONBLOCK in the type: timeout 0, masked out of Type().
	nb := coreMust(NewSocket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0))
	defer nb.Close()
	if nb.Type() != SOCK_STREAM || nb.GetTimeout() != 0 {
		t.Fatalf("nonblock type %v timeout %v", nb.Type(), nb.GetTimeout())
	}
}

func TestDefaultTimeoutAndAccept(t *testing.T) {
	defer SetDefaultTimeout(NoTimeout)
	coreOK(t, SetDefaultTimeout(3*time.Second))
	s := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer s.Close()
	if s.GetTimeout() != 3*time.Second || GetDefaultTimeout() != 3*time.Second {
		t.Fatal("default not applied")
	}
	coreOK(t, s.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, s.Listen())
	coreOK(t, s.SetTimeout(time.Second))
	for _, def := range []time.Duration{2 * time.Second, NoTimeout} {
		coreOK(t, SetDefaultTimeout(def))
		c := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
		coreOK(t, c.Connect(coreMust(s.GetSockName())))
		conn, _, err := s.Accept()
		coreOK(t, err)
		if conn.GetTimeout() != def {
			t.Errorf("accepted socket timeout %v, want the default %v", conn.GetTimeout(), def)
		}
		conn.Close()
		c.Close()
	}
	// module default applies to socketpair and fromfd
	coreOK(t, SetDefaultTimeout(time.Second))
	a, b := coreMust2(SocketPair(0, 0, 0))
	if a.GetTimeout() != time.Second {
		t.Fatal("socketpair default")
	}
	a.Close()
	b.Close()
}

func coreMust2(a, b *Socket, err error) (*Socket, *Socket) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestConnectErrors(t *testing.T) {
	// Find a closed port: bind, read the port, close.
	p := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	coreOK(t, p.Bind(InetAddress{"127.0.0.1", 0}))
	addr := coreMust(p.GetSockName())
	p.Close()
	c := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	err := c.Connect(addr)
	c.Close()
	if !coreIsErrno(err, syscall.ECONNREFUSED) || err.Error() != "[Errno 111] Connection refused" {
		t.Fatalf("connect: %v", err)
	}
	c = coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	if e := coreMust(c.ConnectEx(addr)); e != int(syscall.ECONNREFUSED) {
		t.Fatalf("connect_ex %d", e)
	}
	c.Close()
	// non-blocking connect: EINPROGRESS or success
	ln := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer ln.Close()
	coreOK(t, ln.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, ln.Listen())
	c = coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer c.Close()
	c.SetBlocking(false)
	if e := coreMust(c.ConnectEx(coreMust(ln.GetSockName()))); e != 0 && e != int(syscall.EINPROGRESS) {
		t.Fatalf("non-blocking connect_ex %d", e)
	}
	u := coreMust(NewSocket(AF_UNIX, SOCK_STREAM, 0))
	defer u.Close()
	err = u.Connect(UnixAddress{"/nonexistent/x"})
	if !errors.Is(err, os.ErrNotExist) || err.Error() != "[Errno 2] No such file or directory" {
		t.Fatalf("unix connect: %v", err)
	}
}

func TestClosedSocket(t *testing.T) {
	s := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	fd := s.Fileno()
	if fd < 0 {
		t.Fatal("fileno")
	}
	coreOK(t, s.Close())
	coreOK(t, s.Close()) // closing twice does nothing, as in Python
	if s.Fileno() != -1 || s.Detach() != -1 {
		t.Fatal("fileno/detach after close")
	}
	check := func(name string, err error) {
		t.Helper()
		if !coreIsErrno(err, syscall.EBADF) || !errors.Is(err, net.ErrClosed) || err.Error() != "[Errno 9] Bad file descriptor" {
			t.Errorf("%s on closed socket: %v", name, err)
		}
	}
	_, err := s.Recv(1, 0)
	check("recv", err)
	_, err = s.Send([]byte("x"), 0)
	check("send", err)
	check("sendall", s.SendAll([]byte("x"), 0))
	_, _, err = s.Accept()
	check("accept", err)
	check("connect", s.Connect(InetAddress{"127.0.0.1", 1}))
	check("bind", s.Bind(InetAddress{"127.0.0.1", 0}))
	check("listen", s.Listen())
	_, err = s.GetSockName()
	check("getsockname", err)
	_, err = s.GetSockOpt(SOL_SOCKET, SO_TYPE)
	check("getsockopt", err)
	check("settimeout", s.SetTimeout(time.Second))
	check("setblocking", s.SetBlocking(true))
	_, err = s.Dup()
	check("dup", err)
	_, err = s.GetInheritable()
	check("get_inheritable", err)
	check("shutdown", s.Shutdown(SHUT_RDWR))
	if e, _ := s.ConnectEx(InetAddress{"127.0.0.1", 1}); e != int(syscall.EBADF) {
		t.Errorf("connect_ex on closed: %d", e)
	}
	_ = s.GetTimeout() // works on a closed socket
	if err := Close(-1); !coreIsErrno(err, syscall.EBADF) {
		t.Errorf("Close(-1): %v", err)
	}
}

func TestWindowsOnly(t *testing.T) {
	a, b := coreMust2(SocketPair(0, 0, 0))
	defer a.Close()
	defer b.Close()
	if err := a.Ioctl(0, nil); !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "not available on linux") {
		t.Fatal(err)
	}
	if _, err := a.Share(1); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
}

func TestUnixAddresses(t *testing.T) {
	// abstract namespace
	s := coreMust(NewSocket(AF_UNIX, SOCK_DGRAM, 0))
	defer s.Close()
	name := "\x00sockspec-test-" + strconv.Itoa(os.Getpid())
	coreOK(t, s.Bind(UnixAddress{name}))
	if a := coreMust(s.GetSockName()).(UnixAddress); a.Path != name || !a.Abstract() {
		t.Fatalf("abstract name %q", a.Path)
	}
	c := coreMust(NewSocket(AF_UNIX, SOCK_DGRAM, 0))
	defer c.Close()
	if a := coreMust(c.GetSockName()).(UnixAddress); a.Path != "" {
		t.Fatalf("unbound name %q", a.Path)
	}
	coreOK(t, c.Bind(UnixAddress{""})) // autobind
	auto := coreMust(c.GetSockName()).(UnixAddress)
	if !auto.Abstract() || len(auto.Path) != 6 {
		t.Fatalf("autobind name %q", auto.Path)
	}
	coreMust(c.SendTo([]byte("hi"), UnixAddress{name}))
	d, from, err := s.RecvFrom(10, 0)
	coreOK(t, err)
	if string(d) != "hi" || from != Address(auto) {
		t.Fatalf("recvfrom %q %v", d, from)
	}
	// file system path
	dir := t.TempDir()
	path := dir + "/s"
	f := coreMust(NewSocket(AF_UNIX, SOCK_STREAM, 0))
	defer f.Close()
	coreOK(t, f.Bind(UnixAddress{path}))
	if a := coreMust(f.GetSockName()).(UnixAddress); a.Path != path {
		t.Fatalf("path name %q", a.Path)
	}
	// too long: OSError without errno, as CPython
	for _, p := range []string{"/tmp/" + strings.Repeat("a", 103), "\x00" + strings.Repeat("a", 108)} {
		x := coreMust(NewSocket(AF_UNIX, SOCK_STREAM, 0))
		err := x.Bind(UnixAddress{p})
		x.Close()
		var oe *OSError
		if !errors.As(err, &oe) || oe.Errno != 0 || err.Error() != "AF_UNIX path too long" {
			t.Fatalf("len %d: %v", len(p), err)
		}
	}
	x := coreMust(NewSocket(AF_UNIX, SOCK_STREAM, 0))
	coreOK(t, x.Bind(UnixAddress{"\x00" + strings.Repeat("b", 107)})) // 108 abstract bytes fit
	x.Close()
	if s := (UnixAddress{"\x00ab"}).String(); s != `b'\x00ab'` {
		t.Fatalf("String %s", s)
	}
	// wrong address form
	var te *TypeError
	if err := s.Bind(InetAddress{"", 0}); !errors.As(err, &te) {
		t.Fatalf("wrong form: %v", err)
	}
}

func TestBadAddresses(t *testing.T) {
	s := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer s.Close()
	s6 := coreMust(NewSocket(AF_INET6, SOCK_STREAM, 0))
	defer s6.Close()
	var oe *OverflowError
	for _, p := range []int{-1, 65536, 70000} {
		if err := s.Bind(InetAddress{"127.0.0.1", p}); !errors.As(err, &oe) || oe.Msg != "bind(): port must be 0-65535." {
			t.Errorf("port %d: %v", p, err)
		}
		if err := s.Connect(InetAddress{"127.0.0.1", p}); !errors.As(err, &oe) || oe.Msg != "connect(): port must be 0-65535." {
			t.Errorf("connect port %d: %v", p, err)
		}
	}
	if err := s6.Bind(Inet6Address{"::1", 0, 1 << 20, 0}); !errors.As(err, &oe) || oe.Msg != "bind(): flowinfo must be 0-1048575." {
		t.Errorf("flowinfo: %v", err)
	}
	var te *TypeError
	if err := s.Bind(InetAddress{"127.0.0\x001", 0}); !errors.As(err, &te) || te.Msg != "host name must not contain null character" {
		t.Errorf("NUL host: %v", err)
	}
	var ge *GAIError
	if err := s.Bind(InetAddress{"1.2.3.4.5", 0}); !errors.As(err, &ge) || ge.Code != EAI_NONAME || err.Error() != "[Errno -2] Name or service not known" {
		t.Errorf("bad host: %v", err)
	}
	if err := s.Bind(InetAddress{"::1", 0}); !errors.As(err, &ge) || ge.Code != EAI_ADDRFAMILY {
		t.Errorf("v6 host on v4: %v", err)
	}
	var ose *OSError
	if err := s6.Bind(InetAddress{"<broadcast>", 0}); !errors.As(err, &ose) || ose.Msg != "address family mismatched" {
		t.Errorf("<broadcast> on v6: %v", err)
	}
	// numeric forms getaddrinfo accepts
	for _, h := range []string{"127.1", "0x7f.1", "2130706433", "localhost", "127.0.0.1"} {
		x := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
		err := x.Bind(InetAddress{h, 0})
		if err == nil {
			a := coreMust(x.GetSockName()).(InetAddress)
			if a.Host != "127.0.0.1" {
				err = fmt.Errorf("bound to %s", a.Host)
			}
		}
		x.Close()
		if err != nil {
			t.Errorf("host %q: %v", h, err)
		}
	}
	// '' = INADDR_ANY, '<broadcast>' = INADDR_BROADCAST
	u := coreMust(NewSocket(AF_INET, SOCK_DGRAM, 0))
	defer u.Close()
	coreOK(t, u.Bind(InetAddress{"", 0}))
	if a := coreMust(u.GetSockName()).(InetAddress); a.Host != "0.0.0.0" {
		t.Errorf("'' bound to %s", a.Host)
	}
	coreOK(t, u.SetSockOpt(SOL_SOCKET, SO_BROADCAST, 1))
	if _, err := u.SendTo([]byte("x"), InetAddress{"<broadcast>", 9}); err != nil && !coreIsErrno(err, syscall.ENETUNREACH) {
		t.Errorf("<broadcast>: %v", err)
	}
	// buffers
	var ve *ValueError
	if _, err := u.Recv(-1, 0); !errors.As(err, &ve) || ve.Msg != "negative buffersize in recv" {
		t.Error(err)
	}
	if _, err := u.RecvInto(make([]byte, 4), 5, 0); !errors.As(err, &ve) || ve.Msg != "buffer too small for requested bytes" {
		t.Error(err)
	}
	if _, _, err := u.RecvFromInto(make([]byte, 4), 5, 0); !errors.As(err, &ve) || ve.Msg != "nbytes is greater than the length of the buffer" {
		t.Error(err)
	}
	if _, _, err := u.RecvFrom(-1, 0); !errors.As(err, &ve) || ve.Msg != "negative buffersize in recvfrom" {
		t.Error(err)
	}
	if _, err := SocketFromFD(-1); !errors.As(err, &ve) || ve.Msg != "negative file descriptor" {
		t.Error(err)
	}
	if _, err := NewSocket(12345, SOCK_STREAM, 0); !coreIsErrno(err, syscall.EAFNOSUPPORT) {
		t.Error(err)
	}
}

func TestDupDetachFromFD(t *testing.T) {
	a, b := coreMust2(SocketPair(0, SOCK_DGRAM, 0))
	defer b.Close()
	if a.Family() != AF_UNIX || a.Type() != SOCK_DGRAM {
		t.Fatal("socketpair family/type")
	}
	coreOK(t, a.SetTimeout(2*time.Second))
	d := coreMust(a.Dup())
	if d.Fileno() == a.Fileno() || d.GetTimeout() != 2*time.Second || d.Type() != SOCK_DGRAM {
		t.Fatal("dup")
	}
	if inh := coreMust(d.GetInheritable()); inh {
		t.Fatal("dup inheritable")
	}
	coreOK(t, d.Close())
	fd := a.Detach()
	if fd < 0 || a.Fileno() != -1 {
		t.Fatal("detach")
	}
	// the fd is still open and usable
	s := coreMust(SocketFromFD(fd))
	if s.Fileno() != fd || s.Family() != AF_UNIX || s.Type() != SOCK_DGRAM || s.Proto() != 0 {
		t.Fatalf("socket(fileno) %v %v %v %v", s.Fileno(), s.Family(), s.Type(), s.Proto())
	}
	coreMust(b.Send([]byte("ping"), 0))
	if got := coreMust(s.Recv(10, 0)); string(got) != "ping" {
		t.Fatal(string(got))
	}
	f := coreMust(FromFd(s.Fileno(), AF_UNIX, SOCK_DGRAM, 0))
	if f.Fileno() == s.Fileno() {
		t.Fatal("fromfd did not dup")
	}
	coreOK(t, f.Close())
	coreOK(t, s.Close())
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != syscall.EBADF {
		t.Fatalf("fd still open after Close: %v", err)
	}
	// SocketFromFD on a TCP socket
	tcp := coreMust(NewSocket(AF_INET6, SOCK_STREAM, 0))
	tfd := tcp.Detach()
	t2 := coreMust(SocketFromFD(tfd))
	if t2.Family() != AF_INET6 || t2.Type() != SOCK_STREAM || t2.Proto() != IPPROTO_TCP {
		t.Fatalf("auto-detect %v %v %v", t2.Family(), t2.Type(), t2.Proto())
	}
	t2.Close()
	if _, err := SocketFromFD(tfd); !coreIsErrno(err, syscall.EBADF) {
		t.Fatalf("from closed fd: %v", err)
	}
	if err := Close(coreMust(NewSocket(AF_INET, SOCK_DGRAM, 0)).Detach()); err != nil {
		t.Fatal(err)
	}
}

func TestInheritableAndSockopts(t *testing.T) {
	s := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer s.Close()
	if coreMust(s.GetInheritable()) {
		t.Fatal("new socket inheritable")
	}
	coreOK(t, s.SetInheritable(true))
	if !coreMust(s.GetInheritable()) {
		t.Fatal("set_inheritable(true)")
	}
	coreOK(t, s.SetInheritable(false))
	if coreMust(s.GetInheritable()) {
		t.Fatal("set_inheritable(false)")
	}
	coreOK(t, s.SetSockOpt(SOL_SOCKET, SO_REUSEADDR, 1))
	if v := coreMust(s.GetSockOpt(SOL_SOCKET, SO_REUSEADDR)); v != 1 {
		t.Fatal(v)
	}
	coreOK(t, s.SetSockOptBytes(SOL_SOCKET, SO_LINGER, []byte{1, 0, 0, 0, 5, 0, 0, 0}))
	b := coreMust(s.GetSockOptBytes(SOL_SOCKET, SO_LINGER, 8))
	if !bytes.Equal(b, []byte{1, 0, 0, 0, 5, 0, 0, 0}) {
		t.Fatalf("SO_LINGER %v", b)
	}
	if b := coreMust(s.GetSockOptBytes(SOL_SOCKET, SO_TYPE, 1024)); len(b) != 4 || b[0] != byte(SOCK_STREAM) {
		t.Fatalf("buflen 1024: %v", b)
	}
	if b := coreMust(s.GetSockOptBytes(SOL_SOCKET, SO_TYPE, 0)); len(b) != 4 || b[0] != byte(SOCK_STREAM) {
		t.Fatalf("buflen 0: %v", b)
	}
	for _, n := range []int{-1, 1025} {
		_, err := s.GetSockOptBytes(SOL_SOCKET, SO_TYPE, n)
		var oe *OSError
		if !errors.As(err, &oe) || err.Error() != "getsockopt buflen out of range" {
			t.Fatalf("buflen %d: %v", n, err)
		}
	}
	if err := s.SetSockOptNone(SOL_SOCKET, SO_SNDBUF, 4); !coreIsErrno(err, syscall.EFAULT) {
		t.Fatalf("optval NULL: %v", err)
	}
	if err := s.Shutdown(7); !coreIsErrno(err, syscall.EINVAL) && !coreIsErrno(err, syscall.ENOTCONN) {
		t.Fatalf("shutdown(7): %v", err)
	}
	coreOK(t, s.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, s.ListenBacklog(-5))
}

// blockedOp starts op in a goroutine, closes sock after it has had time to
// block, and checks it returns a closed error promptly.
func coreCloseWhileBlocked(t *testing.T, name string, sock *Socket, op func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	time.Sleep(30 * time.Millisecond) // ppoll slices and the netpoller both
	select {
	case err := <-done:
		t.Fatalf("%s did not block: %v", name, err)
	default:
	}
	t0 := time.Now()
	coreOK(t, sock.Close())
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s not woken by close", name)
	}
	el := time.Since(t0)
	if !errors.Is(err, net.ErrClosed) || !coreIsErrno(err, syscall.EBADF) {
		t.Fatalf("%s woken with %v", name, err)
	}
	if el > 100*time.Millisecond {
		t.Fatalf("%s woken after %v", name, el)
	}
	t.Logf("%s woken %v after close", name, el)
}

func TestCloseWakesBlocked(t *testing.T) {
	for _, waitFirst := range []bool{false, true} {
		// waitFirst: hold the ppoll slots so the op waits in the netpoller
		var release func()
		if waitFirst {
			release = coreHoldPPollSlots()
		}
		a, b := coreMust2(SocketPair(0, 0, 0))
		coreCloseWhileBlocked(t, "recv", a, func() error { _, err := a.Recv(10, 0); return err })
		b.Close()

		ln := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
		coreOK(t, ln.Bind(InetAddress{"127.0.0.1", 0}))
		coreOK(t, ln.Listen())
		coreCloseWhileBlocked(t, "accept", ln, func() error { _, _, err := ln.Accept(); return err })

		a, b = coreMust2(SocketPair(0, 0, 0))
		big := make([]byte, 1<<22)
		coreCloseWhileBlocked(t, "sendall", a, func() error { return a.SendAll(big, 0) })
		b.Close()
		if release != nil {
			release()
		}
	}
	// connect: a listener with a full backlog drops SYNs, so connect blocks.
	ln := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	defer ln.Close()
	coreOK(t, ln.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, ln.ListenBacklog(0))
	addr := coreMust(ln.GetSockName())
	var fill []*Socket
	defer func() {
		for _, s := range fill {
			s.Close()
		}
	}()
	for i := 0; i < 8; i++ {
		c := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
		c.SetTimeout(100 * time.Millisecond)
		err := c.Connect(addr)
		fill = append(fill, c)
		if err == ErrTimeout {
			break
		}
	}
	c := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	coreCloseWhileBlocked(t, "connect", c, func() error { return c.Connect(addr) })
}

// coreHoldPPollSlots takes every ppoll slot, forcing waits into the netpoller.
func coreHoldPPollSlots() func() {
	n := 0
	for i := int32(0); i < maxPPollBudget; i++ {
		if ppollAcquire() {
			n++
		}
	}
	return func() {
		for i := 0; i < n; i++ {
			ppollRelease()
		}
	}
}

func TestEINTR(t *testing.T) {
	c := make(chan os.Signal, 100)
	signal.Notify(c, syscall.SIGUSR1)
	defer signal.Stop(c)
	a, b := coreMust2(SocketPair(0, SOCK_DGRAM, 0))
	defer a.Close()
	defer b.Close()
	coreOK(t, a.SetTimeout(2*time.Second))
	done := make(chan error, 1)
	var got []byte
	go func() {
		var err error
		got, err = a.Recv(10, 0)
		done <- err
	}()
	pid := os.Getpid()
	for i := 0; i < 50; i++ { // bounded signal storm while blocked
		syscall.Kill(pid, syscall.SIGUSR1)
		time.Sleep(time.Millisecond)
	}
	coreMust(b.Send([]byte("after"), 0))
	select {
	case err := <-done:
		coreOK(t, err)
		if string(got) != "after" {
			t.Fatalf("got %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("recv stuck")
	}
}

func coreThreadCount() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "Threads:") {
			n, _ := strconv.Atoi(strings.TrimSpace(l[8:]))
			return n
		}
	}
	return -1
}

func TestManyBlockedReaders(t *testing.T) {
	const pairs, perPair = 100, 10
	threads0 := coreThreadCount()
	var as, bs []*Socket
	for i := 0; i < pairs; i++ {
		a, b := coreMust2(SocketPair(0, SOCK_DGRAM, 0))
		as, bs = append(as, a), append(bs, b)
	}
	var wg sync.WaitGroup
	errs := make(chan error, pairs*perPair)
	for i := 0; i < pairs; i++ {
		for j := 0; j < perPair; j++ {
			wg.Add(1)
			go func(s *Socket) {
				defer wg.Done()
				d, err := s.Recv(16, 0)
				if err == nil && string(d) != "wake" {
					err = fmt.Errorf("got %q", d)
				}
				errs <- err
			}(as[i])
		}
	}
	time.Sleep(200 * time.Millisecond)
	threads := coreThreadCount()
	t.Logf("threads: %d before, %d with %d goroutines blocked", threads0, threads, pairs*perPair)
	if threads-threads0 > 12 {
		t.Errorf("%d extra OS threads for %d blocked readers", threads-threads0, pairs*perPair)
	}
	// wake half by data, half by close
	t0 := time.Now()
	for i := 0; i < pairs; i++ {
		if i%2 == 0 {
			for j := 0; j < perPair; j++ {
				coreMust(bs[i].Send([]byte("wake"), 0))
			}
		} else {
			as[i].Close()
		}
	}
	wg.Wait()
	t.Logf("all woken in %v", time.Since(t0))
	close(errs)
	nclosed := 0
	for err := range errs {
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				t.Fatal(err)
			}
			nclosed++
		}
	}
	if nclosed != pairs/2*perPair {
		t.Fatalf("%d closed errors", nclosed)
	}
	for i := range as {
		as[i].Close()
		bs[i].Close()
	}
}

func TestSendAllTotalTimeout(t *testing.T) {
	a, b := coreMust2(SocketPair(0, 0, 0))
	defer a.Close()
	defer b.Close()
	coreOK(t, a.SetTimeout(200*time.Millisecond))
	// The peer reads slowly, so each send makes progress but the total
	// exceeds the timeout.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for i := 0; i < 1000; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			b.SetTimeout(0)
			b.RecvInto(buf, 0, 0)
		}
	}()
	t0 := time.Now()
	err := a.SendAll(make([]byte, 8<<20), 0)
	el := time.Since(t0)
	close(stop)
	wg.Wait()
	if err != ErrTimeout {
		t.Fatalf("sendall: %v", err)
	}
	if el < 190*time.Millisecond || el > 600*time.Millisecond {
		t.Fatalf("sendall timed out after %v (total timeout 200ms)", el)
	}
}

func coreRaceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

func TestAllocs(t *testing.T) {
	if coreRaceEnabled() {
		t.Skip("the race detector allocates")
	}
	a, b := coreUDPPair(t)
	bAddr := coreMust(b.GetSockName())
	prepared := coreMust(PrepareAddress(AF_INET, bAddr))
	ia := bAddr.(InetAddress)
	ptr := &ia
	coreOK(t, a.Connect(bAddr))
	buf := make([]byte, 64)
	msg := []byte("ping")
	check := func(name string, f func()) {
		t.Helper()
		f() // warm the address cache
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocs per op", name, n)
		}
	}
	check("Send+RecvInto", func() {
		a.Send(msg, 0)
		b.RecvInto(buf, 0, 0)
	})
	check("SendTo(prepared)+RecvFromInto", func() {
		a.SendTo(msg, prepared)
		b.RecvFromInto(buf, 0, 0)
	})
	check("SendTo(*InetAddress)", func() {
		a.SendTo(msg, ptr)
		b.RecvInto(buf, 0, 0)
	})
	// blocking waits (ppoll path): reply from another goroutine
	b.SetTimeout(NoTimeout)
	kick := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-kick:
				time.Sleep(50 * time.Microsecond)
				a.Send(msg, 0)
			case <-quit:
				return
			}
		}
	}()
	defer close(quit)
	check("blocking RecvInto", func() {
		kick <- struct{}{}
		b.RecvInto(buf, 0, 0)
	})
	release := coreHoldPPollSlots() // force the netpoller path
	check("blocking RecvInto (netpoller)", func() {
		kick <- struct{}{}
		b.RecvInto(buf, 0, 0)
	})
	release()
}

// corePythonExceptions runs python3 (skip if missing) and returns one line per
// expression: the exception class name or "OK".
func corePythonExceptions(t *testing.T, exprs []string) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	var sb strings.Builder
	sb.WriteString("import socket\nfor e in [\n")
	for _, e := range exprs {
		sb.WriteString("  " + strconv.Quote(e) + ",\n")
	}
	sb.WriteString("]:\n  try:\n    exec(e); print('OK')\n  except Exception as x:\n    print(type(x).__name__)\n")
	out, err := exec.Command(py, "-c", sb.String()).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))
}

func corePyClass(err error) string {
	var (
		ve *ValueError
		oe *OverflowError
		te *TypeError
		ge *GAIError
		se *OSError
	)
	switch {
	case err == nil:
		return "OK"
	case errors.As(err, &ve):
		return "ValueError"
	case errors.As(err, &oe):
		return "OverflowError"
	case errors.As(err, &te):
		return "TypeError"
	case errors.As(err, &ge):
		return "gaierror"
	case err == ErrTimeout:
		return "TimeoutError"
	case errors.As(err, &se):
		switch se.Errno {
		case syscall.EAGAIN:
			return "BlockingIOError"
		case syscall.ECONNREFUSED:
			return "ConnectionRefusedError"
		case syscall.ENOENT:
			return "FileNotFoundError"
		}
		return "OSError"
	}
	return fmt.Sprintf("%T", err)
}

func TestMatchesPython(t *testing.T) {
	type tc struct {
		py  string
		go_ func() error
	}
	s4 := func() *Socket {
		s := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
		t.Cleanup(func() { s.Close() })
		return s
	}
	s6 := func() *Socket {
		s := coreMust(NewSocket(AF_INET6, SOCK_STREAM, 0))
		t.Cleanup(func() { s.Close() })
		return s
	}
	su := func() *Socket {
		s := coreMust(NewSocket(AF_UNIX, SOCK_STREAM, 0))
		t.Cleanup(func() { s.Close() })
		return s
	}
	cases := []tc{
		{"socket.socket().bind(('127.0.0.1', -1))", func() error { return s4().Bind(InetAddress{"127.0.0.1", -1}) }},
		{"socket.socket().bind(('127.0.0.1', 65536))", func() error { return s4().Bind(InetAddress{"127.0.0.1", 65536}) }},
		{"socket.socket().bind(('127.0.0\\x001', 0))", func() error { return s4().Bind(InetAddress{"127.0.0\x001", 0}) }},
		{"socket.socket().bind(('1.2.3.4.5', 0))", func() error { return s4().Bind(InetAddress{"1.2.3.4.5", 0}) }},
		{"socket.socket().bind(('::1', 0))", func() error { return s4().Bind(InetAddress{"::1", 0}) }},
		{"socket.socket().bind(('', 0))", func() error { return s4().Bind(InetAddress{"", 0}) }},
		{"socket.socket(socket.AF_INET6).bind(('127.0.0.1', 0))", func() error { return s6().Bind(Inet6Address{Host: "127.0.0.1"}) }},
		{"socket.socket(socket.AF_INET6).bind(('<broadcast>', 0))", func() error { return s6().Bind(Inet6Address{Host: "<broadcast>"}) }},
		{"socket.socket(socket.AF_INET6).bind(('::1', 0, 1<<20, 0))", func() error { return s6().Bind(Inet6Address{"::1", 0, 1 << 20, 0}) }},
		{"socket.socket(socket.AF_UNIX).bind('/tmp/' + 'a'*103)", func() error { return su().Bind(UnixAddress{"/tmp/" + strings.Repeat("a", 103)}) }},
		{"socket.socket(socket.AF_UNIX).bind('\\0' + 'a'*108)", func() error { return su().Bind(UnixAddress{"\x00" + strings.Repeat("a", 108)}) }},
		{"socket.socket(socket.AF_UNIX).bind('\\0' + 'a'*107)", func() error { return su().Bind(UnixAddress{"\x00" + strings.Repeat("a", 107)}) }},
		{"socket.socket().settimeout(-1)", func() error { return s4().SetTimeoutSeconds(-1) }},
		{"socket.socket().settimeout(float('nan'))", func() error { return s4().SetTimeoutSeconds(math.NaN()) }},
		{"socket.socket().settimeout(1e10)", func() error { return s4().SetTimeoutSeconds(1e10) }},
		{"socket.socket().settimeout(1e9)", func() error { return s4().SetTimeoutSeconds(1e9) }},
		{"socket.socketpair()[0].recv(-1)", func() error { a, _ := coreMust2(SocketPair(0, 0, 0)); _, err := a.Recv(-1, 0); return err }},
		{"socket.socketpair()[0].recv_into(bytearray(4), 5)", func() error {
			a, _ := coreMust2(SocketPair(0, 0, 0))
			_, err := a.RecvInto(make([]byte, 4), 5, 0)
			return err
		}},
		{"s,t=socket.socketpair(); s.setblocking(False); s.recv(1)", func() error {
			a, _ := coreMust2(SocketPair(0, 0, 0))
			a.SetBlocking(false)
			_, err := a.Recv(1, 0)
			return err
		}},
		{"s,t=socket.socketpair(); s.settimeout(0.01); s.recv(1)", func() error {
			a, _ := coreMust2(SocketPair(0, 0, 0))
			a.SetTimeout(10 * time.Millisecond)
			_, err := a.Recv(1, 0)
			return err
		}},
		// blocking mode with MSG_DONTWAIT: one attempt (BlockingIOError)
		{"s,t=socket.socketpair(); s.recv(1, socket.MSG_DONTWAIT)", func() error {
			a, _ := coreMust2(SocketPair(0, 0, 0))
			defer time.AfterFunc(5*time.Second, func() { a.Close() }).Stop() // a wait fails, not hangs
			_, err := a.Recv(1, MSG_DONTWAIT)
			return err
		}},
		{"s,t=socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); s.recvfrom_into(bytearray(4), 0, socket.MSG_DONTWAIT)", func() error {
			a, _ := coreMust2(SocketPair(AF_UNIX, SOCK_DGRAM, 0))
			defer time.AfterFunc(5*time.Second, func() { a.Close() }).Stop()
			_, _, err := a.RecvFromInto(make([]byte, 4), 0, MSG_DONTWAIT)
			return err
		}},
		{"s,t=socket.socketpair()\nwhile True: s.send(b'x'*65536, socket.MSG_DONTWAIT)", func() error {
			a, _ := coreMust2(SocketPair(0, 0, 0))
			defer time.AfterFunc(5*time.Second, func() { a.Close() }).Stop()
			for i := 0; i < 10000; i++ {
				if _, err := a.Send(make([]byte, 65536), MSG_DONTWAIT); err != nil {
					return err
				}
			}
			return nil
		}},
		{"socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1025)", func() error {
			_, err := s4().GetSockOptBytes(SOL_SOCKET, SO_TYPE, 1025)
			return err
		}},
		{"socket.socket(socket.AF_UNIX).connect('/nonexistent/x')", func() error { return su().Connect(UnixAddress{"/nonexistent/x"}) }},
		{"socket.socket(fileno=-1)", func() error { _, err := SocketFromFD(-1); return err }},
		{"s=socket.socket(); s.close(); s.recv(1)", func() error { s := s4(); s.Close(); _, err := s.Recv(1, 0); return err }},
		{"socket.close(-1)", func() error { return Close(-1) }},
	}
	exprs := make([]string, len(cases))
	for i, c := range cases {
		exprs[i] = c.py
	}
	want := corePythonExceptions(t, exprs)
	if len(want) != len(cases) {
		t.Fatalf("python gave %d results for %d cases: %v", len(want), len(cases), want)
	}
	for i, c := range cases {
		if got := corePyClass(c.go_()); got != want[i] {
			t.Errorf("%s: Python raises %s, Go gives %s", c.py, want[i], got)
		}
	}
	// CPython's default listen backlog is min(SOMAXCONN, 128)
	if defaultBacklog != min(SOMAXCONN, 128) {
		t.Fatal(defaultBacklog)
	}
}

// BenchmarkUDPPingPong: blocking UDP round trips between two goroutines
// (run under `strace -f -c` to count syscalls per round trip).
func BenchmarkUDPPingPong(b *testing.B) {
	x, y := coreUDPPair(b)
	coreOK(b, x.Connect(coreMust(y.GetSockName())))
	coreOK(b, y.Connect(coreMust(x.GetSockName())))
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for i := 0; i < b.N; i++ {
			n, err := y.RecvInto(buf, 0, 0)
			if err != nil {
				return
			}
			y.Send(buf[:n], 0)
		}
	}()
	buf := make([]byte, 64)
	msg := []byte("ping")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Send(msg, 0)
		x.RecvInto(buf, 0, 0)
	}
	<-done
}
