//go:build windows

package socket

// Winsock tests: they run for real under Wine (.ci/cross/windows.sh) and
// on Windows. Loopback only.

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// underWine reports whether the test runs under Wine (ntdll exports
// wine_get_version).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

func mustSocket(t *testing.T, family AddressFamily, typ SocketKind) *Socket {
	t.Helper()
	s, err := NewSocket(family, typ, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tcpPair returns a listener's accepted socket and the connected client.
func tcpPair(t *testing.T) (srv, cli *Socket) {
	t.Helper()
	l := mustSocket(t, AF_INET, SOCK_STREAM)
	if err := l.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Listen(); err != nil {
		t.Fatal(err)
	}
	addr, err := l.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	cli = mustSocket(t, AF_INET, SOCK_STREAM)
	if err := cli.Connect(addr); err != nil {
		t.Fatal(err)
	}
	srv, peer, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cname, _ := cli.GetSockName()
	if peer.String() != cname.String() {
		t.Fatalf("accept peer %v, client name %v", peer, cname)
	}
	return srv, cli
}

func TestWinTCPLoopback(t *testing.T) {
	srv, cli := tcpPair(t)
	if _, err := cli.Send([]byte("hello"), 0); err != nil {
		t.Fatal(err)
	}
	b, err := srv.Recv(100, 0)
	if err != nil || string(b) != "hello" {
		t.Fatalf("recv %q, %v", b, err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	done := make(chan error, 1)
	go func() { done <- cli.SendAll(big, 0) }()
	got := make([]byte, 0, len(big))
	buf := make([]byte, 65536)
	for len(got) < len(big) {
		n, err := srv.RecvInto(buf, 0, 0)
		if err != nil || n == 0 {
			t.Fatalf("recv_into after %d bytes: %d, %v", len(got), n, err)
		}
		got = append(got, buf[:n]...)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, big) {
		t.Fatal("sendall data differs")
	}
	// shutdown(SHUT_WR): the peer reads EOF.
	if err := cli.Shutdown(SHUT_WR); err != nil {
		t.Fatal(err)
	}
	if b, err := srv.Recv(10, 0); err != nil || len(b) != 0 {
		t.Fatalf("after shutdown: %q, %v", b, err)
	}
	if p, err := cli.GetPeerName(); err != nil || !strings.HasPrefix(p.String(), "('127.0.0.1', ") {
		t.Fatalf("getpeername %v, %v", p, err)
	}
	if v, err := srv.GetSockOpt(SOL_SOCKET, SO_TYPE); err != nil || v != int(SOCK_STREAM) {
		t.Fatalf("SO_TYPE %d, %v", v, err)
	}
	if err := cli.SetSockOpt(IPPROTO_TCP, TCP_NODELAY, 1); err != nil {
		t.Fatal(err)
	}
	if v, err := cli.GetSockOpt(IPPROTO_TCP, TCP_NODELAY); err != nil || v == 0 {
		t.Fatalf("TCP_NODELAY %d, %v", v, err)
	}
}

func TestWinTCPv6(t *testing.T) {
	l, err := NewSocket(AF_INET6, SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("no IPv6: %v", err)
	}
	defer l.Close()
	if err := l.Bind(Inet6Address{Host: "::1"}); err != nil {
		t.Skipf("no ::1: %v", err)
	}
	l.Listen()
	addr, _ := l.GetSockName()
	c := mustSocket(t, AF_INET6, SOCK_STREAM)
	if err := c.Connect(addr); err != nil {
		t.Fatal(err)
	}
	s, peer, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(peer.String(), "('::1', ") {
		t.Fatalf("peer %v", peer)
	}
}

func TestWinUDPLoopback(t *testing.T) {
	a := mustSocket(t, AF_INET, SOCK_DGRAM)
	b := mustSocket(t, AF_INET, SOCK_DGRAM)
	if err := a.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	addr, _ := a.GetSockName()
	if err := b.SetTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	a.SetTimeout(5 * time.Second)
	for _, msg := range []string{"datagram", ""} {
		if n, err := b.SendTo([]byte(msg), addr); err != nil || n != len(msg) {
			t.Fatalf("sendto %d, %v", n, err)
		}
		data, from, err := a.RecvFrom(100, 0)
		if err != nil || string(data) != msg {
			t.Fatalf("recvfrom %q, %v", data, err)
		}
		// b was bound implicitly to 0.0.0.0:port by sendto; it sent from
		// 127.0.0.1:port.
		bname, _ := b.GetSockName()
		fa, ok := from.(InetAddress)
		if !ok || fa.Host != "127.0.0.1" || fa.Port != bname.(InetAddress).Port {
			t.Fatalf("from %v, want 127.0.0.1 and the port of %v", from, bname)
		}
	}
	buf := make([]byte, 4)
	b.SendTo([]byte("truncated"), addr)
	if n, _, err := a.RecvFromInto(buf, 0, 0); err == nil {
		t.Fatalf("recvfrom_into of a longer datagram: %d bytes, no error", n)
	} else if !errors.Is(err, windows.WSAEMSGSIZE) {
		t.Fatalf("recvfrom_into: %v, want WSAEMSGSIZE", err)
	}
}

func TestWinTimeoutModes(t *testing.T) {
	srv, cli := tcpPair(t)
	// non-blocking: WSAEWOULDBLOCK at once (Python's BlockingIOError)
	if err := srv.SetBlocking(false); err != nil {
		t.Fatal(err)
	}
	_, err := srv.Recv(10, 0)
	var oe *OSError
	if !errors.As(err, &oe) || !errors.Is(err, windows.WSAEWOULDBLOCK) || !errors.Is(err, syscall.Errno(windows.WSAEWOULDBLOCK)) {
		t.Fatalf("non-blocking recv: %v", err)
	}
	if srv.GetBlocking() {
		t.Fatal("GetBlocking true in non-blocking mode")
	}
	// timeout: ErrTimeout after about the timeout
	srv.SetTimeout(150 * time.Millisecond)
	start := time.Now()
	_, err = srv.Recv(10, 0)
	el := time.Since(start)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("timeout recv: %v", err)
	}
	if el < 140*time.Millisecond || el > 2*time.Second {
		t.Fatalf("timeout after %v, want ~150ms", el)
	}
	// blocking: waits for the data
	srv.SetTimeout(NoTimeout)
	go func() {
		time.Sleep(100 * time.Millisecond)
		cli.Send([]byte("late"), 0)
	}()
	start = time.Now()
	b, err := srv.Recv(10, 0)
	if err != nil || string(b) != "late" {
		t.Fatalf("blocking recv %q, %v", b, err)
	}
	if time.Since(start) < 80*time.Millisecond {
		t.Fatal("blocking recv returned before the data was sent")
	}
	// accept in timeout mode
	l := mustSocket(t, AF_INET, SOCK_STREAM)
	l.Bind(InetAddress{Host: "127.0.0.1"})
	l.Listen()
	l.SetTimeout(100 * time.Millisecond)
	if _, _, err := l.Accept(); !errors.Is(err, ErrTimeout) {
		t.Fatalf("accept timeout: %v", err)
	}
}

func TestWinCloseWakesBlocked(t *testing.T) {
	srv, _ := tcpPair(t)
	l := mustSocket(t, AF_INET, SOCK_STREAM)
	l.Bind(InetAddress{Host: "127.0.0.1"})
	l.Listen()
	for _, c := range []struct {
		name string
		s    *Socket
		op   func() error
	}{
		{"recv", srv, func() error { _, err := srv.Recv(10, 0); return err }},
		{"accept", l, func() error { _, _, err := l.Accept(); return err }},
	} {
		errc := make(chan error, 1)
		go func() { errc <- c.op() }()
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		if err := c.s.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-errc:
			if !errors.Is(err, syscall.EBADF) {
				t.Fatalf("%s after close: %v", c.name, err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s still blocked 2 s after close", c.name)
		}
		if el := time.Since(start); el > 500*time.Millisecond {
			t.Fatalf("%s woke %v after close", c.name, el)
		}
		if c.s.Fileno() != -1 {
			t.Fatal("fileno after close")
		}
	}
}

func TestWinConnectErrors(t *testing.T) {
	// A port nobody listens on: bind one and close it.
	p := mustSocket(t, AF_INET, SOCK_STREAM)
	p.Bind(InetAddress{Host: "127.0.0.1"})
	addr, _ := p.GetSockName()
	p.Close()
	c := mustSocket(t, AF_INET, SOCK_STREAM)
	c.SetTimeout(10 * time.Second)
	err := c.Connect(addr)
	if !errors.Is(err, windows.WSAECONNREFUSED) || !errors.Is(err, syscall.Errno(windows.WSAECONNREFUSED)) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("connect to a closed port: %v", err)
	}
	// Python's text: "[WinError 10061] <FormatMessage text without the final dot>"
	if msg := err.Error(); !strings.HasPrefix(msg, "[WinError 10061] ") || strings.HasSuffix(msg, ".") || len(msg) <= len("[WinError 10061] ") {
		t.Fatalf("message %q", msg)
	}
	c2 := mustSocket(t, AF_INET, SOCK_STREAM)
	c2.SetTimeout(10 * time.Second)
	if e, err := c2.ConnectEx(addr); err != nil || e != int(windows.WSAECONNREFUSED) {
		t.Fatalf("connect_ex: %d, %v", e, err)
	}
	// non-blocking connect: in progress (or done at once on loopback)
	l := mustSocket(t, AF_INET, SOCK_STREAM)
	l.Bind(InetAddress{Host: "127.0.0.1"})
	l.Listen()
	laddr, _ := l.GetSockName()
	c3 := mustSocket(t, AF_INET, SOCK_STREAM)
	c3.SetBlocking(false)
	if e, err := c3.ConnectEx(laddr); err != nil || (e != 0 && e != int(windows.WSAEWOULDBLOCK)) {
		t.Fatalf("non-blocking connect_ex: %d, %v", e, err)
	}
	// bad port: OverflowError, as Python
	var ov *OverflowError
	if err := c.Connect(InetAddress{Host: "127.0.0.1", Port: 70000}); !errors.As(err, &ov) {
		t.Fatalf("port 70000: %v", err)
	}
}

func TestWinIoctl(t *testing.T) {
	_, cli := tcpPair(t)
	if err := cli.Ioctl(SIO_KEEPALIVE_VALS, KeepaliveVals{OnOff: 1, Time: 10000, Interval: 3000}); err != nil {
		t.Fatalf("SIO_KEEPALIVE_VALS: %v", err)
	}
	if err := cli.Ioctl(SIO_KEEPALIVE_VALS, [3]int{1, 20000, 5000}); err != nil {
		t.Fatalf("SIO_KEEPALIVE_VALS tuple: %v", err)
	}
	if v, err := cli.GetSockOpt(SOL_SOCKET, SO_KEEPALIVE); err != nil || v == 0 {
		t.Fatalf("SO_KEEPALIVE after SIO_KEEPALIVE_VALS on: %d, %v", v, err)
	}
	var ve *ValueError
	if err := cli.Ioctl(12345, 1); !errors.As(err, &ve) || ve.Msg != "invalid ioctl command 12345" {
		t.Fatalf("unknown control: %v", err)
	}
	var te *TypeError
	if err := cli.Ioctl(SIO_KEEPALIVE_VALS, 1); !errors.As(err, &te) {
		t.Fatalf("keepalive with an int: %v", err)
	}
	// SIO_LOOPBACK_FAST_PATH must be set before connecting; Wine 8.0
	// answers WSAEOPNOTSUPP.
	s := mustSocket(t, AF_INET, SOCK_STREAM)
	if err := s.Ioctl(SIO_LOOPBACK_FAST_PATH, true); err != nil {
		if !(underWine() && errors.Is(err, windows.WSAEOPNOTSUPP)) {
			t.Fatalf("SIO_LOOPBACK_FAST_PATH: %v", err)
		}
		t.Logf("SIO_LOOPBACK_FAST_PATH under Wine: %v (Wine 8.0 lacks it)", err)
	}
	// SIO_RCVALL needs a raw socket bound to an interface (and rights):
	// the call must reach Winsock and fail there, not in argument checks.
	var oe *OSError
	if err := s.Ioctl(SIO_RCVALL, RCVALL_ON); err == nil || !errors.As(err, &oe) || oe.Errno == 0 {
		t.Fatalf("SIO_RCVALL on a TCP socket: %v, want a Winsock error", err)
	}
}

func TestWinShareFromShare(t *testing.T) {
	srv, cli := tcpPair(t)
	data, err := cli.Share(int(windows.GetCurrentProcessId()))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != sizeofWSAProtocolInfo {
		t.Fatalf("share: %d bytes", len(data))
	}
	s2, err := FromShare(data)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Family() != AF_INET || s2.Type() != SOCK_STREAM {
		t.Fatalf("fromshare: family %v type %v", s2.Family(), s2.Type())
	}
	cli.Close()
	if _, err := s2.Send([]byte("via share"), 0); err != nil {
		t.Fatal(err)
	}
	srv.SetTimeout(5 * time.Second)
	if b, err := srv.Recv(100, 0); err != nil || string(b) != "via share" {
		t.Fatalf("recv %q, %v", b, err)
	}
	var ve *ValueError
	if _, err := FromShare(data[:10]); !errors.As(err, &ve) {
		t.Fatalf("fromshare of 10 bytes: %v", err)
	}
}

func TestWinSocketPair(t *testing.T) {
	a, b, err := SocketPair(0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	if a.Family() != AF_INET || b.Type() != SOCK_STREAM {
		t.Fatalf("socketpair: %v %v", a.Family(), b.Type())
	}
	a.Send([]byte("ping"), 0)
	if m, err := b.Recv(10, 0); err != nil || string(m) != "ping" {
		t.Fatalf("%q %v", m, err)
	}
	b.Send([]byte("pong"), 0)
	if m, err := a.Recv(10, 0); err != nil || string(m) != "pong" {
		t.Fatalf("%q %v", m, err)
	}
	var ve *ValueError
	if _, _, err := SocketPair(AF_UNIX, SOCK_STREAM, 0); !errors.As(err, &ve) {
		t.Fatalf("socketpair(AF_UNIX): %v", err)
	}
	if _, _, err := SocketPair(AF_INET, SOCK_DGRAM, 0); !errors.As(err, &ve) {
		t.Fatalf("socketpair(SOCK_DGRAM): %v", err)
	}
}

func TestWinDupInheritDetach(t *testing.T) {
	srv, cli := tcpPair(t)
	if inh, err := cli.GetInheritable(); err != nil || inh {
		t.Fatalf("new socket inheritable %v, %v", inh, err)
	}
	if err := cli.SetInheritable(true); err != nil {
		t.Fatal(err)
	}
	if inh, err := cli.GetInheritable(); err != nil || !inh {
		t.Fatalf("after set_inheritable(True): %v, %v", inh, err)
	}
	d, err := cli.Dup()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if inh, _ := d.GetInheritable(); inh {
		t.Fatal("dup is inheritable")
	}
	d.Send([]byte("dup"), 0)
	srv.SetTimeout(5 * time.Second)
	if b, err := srv.Recv(10, 0); err != nil || string(b) != "dup" {
		t.Fatalf("%q %v", b, err)
	}
	h := d.Detach()
	if h < 0 || d.Fileno() != -1 {
		t.Fatal("detach")
	}
	s3, err := SocketFromFD(h)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	if s3.Family() != AF_INET || s3.Type() != SOCK_STREAM || s3.Proto() != IPPROTO_TCP {
		t.Fatalf("socket(fileno=): %v %v %v", s3.Family(), s3.Type(), s3.Proto())
	}
	f, err := FromFd(s3.Fileno(), AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestWinNotAvailable(t *testing.T) {
	s := mustSocket(t, AF_INET, SOCK_DGRAM)
	for name, err := range map[string]error{
		"socket.sendmsg":      func() error { _, err := s.SendMsg(nil, nil, 0, nil); return err }(),
		"socket.recvmsg":      func() error { _, _, _, _, err := s.RecvMsg(1, 0, 0); return err }(),
		"socket.recvmsg_into": func() error { _, _, _, _, err := s.RecvMsgInto(nil, 0, 0); return err }(),
		"socket.send_fds":     func() error { _, err := s.SendFds(nil, nil, 0, nil); return err }(),
		"socket.recv_fds":     func() error { _, _, _, _, err := s.RecvFds(1, 1, 0); return err }(),
		"sendmsg_afalg":       func() error { _, err := s.SendMsgAfalg(nil, 0, nil, 0, 0); return err }(),
		"socket.sethostname":  SetHostname("x"),
	} {
		if !errors.Is(err, errors.ErrUnsupported) || err.Error() != name+" is not available on windows" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestWinUnixSockets(t *testing.T) {
	s, err := NewSocket(AF_UNIX, SOCK_STREAM, 0)
	if errors.Is(err, windows.WSAEAFNOSUPPORT) {
		t.Skipf("AF_UNIX: %v (Wine 8.0 and Windows before 10 1803 have no AF_UNIX)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir, err := os.MkdirTemp("", "sockspec")
	if err != nil {
		t.Fatal(err)
	}
	path := dir + `\s.sock`
	defer os.Remove(dir)
	defer os.Remove(path)
	if err := s.Bind(UnixAddress{Path: path}); err != nil {
		t.Fatal(err)
	}
	s.Listen()
	c := mustSocket(t, AF_UNIX, SOCK_STREAM)
	if err := c.Connect(UnixAddress{Path: path}); err != nil {
		t.Fatal(err)
	}
	a, _, err := s.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c.Send([]byte("unix"), 0)
	if b, err := a.Recv(10, 0); err != nil || string(b) != "unix" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestWinMakeFileAndSendFile(t *testing.T) {
	srv, cli := tcpPair(t)
	f, err := os.CreateTemp("", "sockspec")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	f.WriteString("line one\nline two\n")
	f.Seek(0, 0)
	n, err := cli.SendFile(f, 0, 0)
	if err != nil || n != 18 {
		t.Fatalf("sendfile %d, %v", n, err)
	}
	r, err := srv.MakeFile("rb", -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	line, err := r.ReadLine()
	if err != nil || string(line) != "line one\n" {
		t.Fatalf("readline %q, %v", line, err)
	}
}

func TestWinHostnameAndInterfaces(t *testing.T) {
	h, err := GetHostname()
	if err != nil || h == "" {
		t.Fatalf("gethostname %q, %v", h, err)
	}
	ifs, err := IfNameIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if idx, err := IfNameToIndex(i.Name); err != nil || idx != i.Index {
			t.Errorf("if_nametoindex(%q) = %d, %v", i.Name, idx, err)
		}
	}
	if _, err := IfNameToIndex("no such interface"); err == nil {
		t.Error("if_nametoindex of an unknown name succeeded")
	}
}
