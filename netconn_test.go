package socket

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---- a test certificate ----

type testCert struct {
	cert    tls.Certificate
	pool    *x509.CertPool
	certPEM []byte
}

var (
	testCertOnce sync.Once
	testCertVal  *testCert
	testCertErr  error
)

// newTestCert makes (once) a self-signed ECDSA certificate for localhost,
// 127.0.0.1 and ::1.
func newTestCert(t *testing.T) *testCert {
	t.Helper()
	testCertOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			testCertErr = err
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "sockspec test"},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(24 * time.Hour),
			DNSNames:              []string{"localhost", "sockspec.test"},
			IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			testCertErr = err
			return
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			testCertErr = err
			return
		}
		pool := x509.NewCertPool()
		pool.AddCert(leaf)
		testCertVal = &testCert{
			cert:    tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
			pool:    pool,
			certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		}
	})
	if testCertErr != nil {
		t.Fatal(testCertErr)
	}
	return testCertVal
}

// ---- listeners and an HTTP server over them ----

// listenSock returns a *Listener on a new socket bound to addr.
func listenSock(t *testing.T, family AddressFamily, proto int, addr Address) *Listener {
	t.Helper()
	s, err := NewSocket(family, SOCK_STREAM, proto)
	if err != nil {
		t.Skipf("socket(%v, SOCK_STREAM, %d): %v", family, proto, err)
	}
	if err := s.Bind(addr); err != nil {
		s.Close()
		t.Skipf("bind %v: %v", addr, err)
	}
	if err := s.Listen(); err != nil {
		s.Close()
		t.Fatal(err)
	}
	l, err := NetListener(s)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	return l
}

// startHTTP serves a small handler on l (over TLS with HTTP/2 when tlsOn)
// and stops the server at the end of the test. The handler answers
// "hello <proto> from <RemoteAddr>" and echoes POST bodies.
func startHTTP(t *testing.T, l net.Listener, tlsOn bool) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			io.Copy(w, r.Body)
			return
		}
		fmt.Fprintf(w, "hello %s from %s", r.Proto, r.RemoteAddr)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	if tlsOn {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{newTestCert(t).cert}}
		go func() { errc <- srv.ServeTLS(l, "", "") }()
	} else {
		go func() { errc <- srv.Serve(l) }()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-errc:
			if err != http.ErrServerClosed {
				t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Shutdown")
		}
	})
}

// sockspecClient is an http.Client whose connections are sockspec sockets
// connected to addr (whatever host the URL names), through ConnectContext
// and NetConn.
func sockspecClient(t *testing.T, family AddressFamily, proto int, addr Address, tlsOn bool) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			s, err := NewSocket(family, SOCK_STREAM, proto)
			if err != nil {
				return nil, err
			}
			if err := s.ConnectContext(ctx, addr); err != nil {
				s.Close()
				return nil, err
			}
			return NetConn(s)
		},
		ForceAttemptHTTP2: true,
	}
	if tlsOn {
		tr.TLSClientConfig = &tls.Config{RootCAs: newTestCert(t).pool, ServerName: "localhost"}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// checkHTTP makes a GET and a 1 MiB POST with c against base and checks
// the answers.
func checkHTTP(t *testing.T, c *http.Client, base string, wantProto string) {
	t.Helper()
	resp, err := c.Get(base + "/")
	if err != nil {
		t.Fatalf("GET %s: %v", base, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "hello "+wantProto+" from ") {
		t.Fatalf("GET %s: %d %q (want %s)", base, resp.StatusCode, body, wantProto)
	}
	t.Logf("GET %s: %q", base, body)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	resp, err = c.Post(base+"/echo", "application/octet-stream", bytes.NewReader(big))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("POST echo: %d bytes, %v", len(got), err)
	}
}

func hasIPv6Loopback() bool {
	s, err := NewSocket(AF_INET6, SOCK_STREAM, 0)
	if err != nil {
		return false
	}
	defer s.Close()
	return s.Bind(Inet6Address{Host: "::1"}) == nil
}

// HTTP/1.1 and HTTP/2 over TLS on sockspec listeners and connections, for
// AF_INET and AF_INET6 (abstract AF_UNIX and curl: netconn_linux_test.go).
func TestNetHTTPOverSockets(t *testing.T) {
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
			name := tc.name + map[bool]string{false: "/http", true: "/https"}[tlsOn]
			t.Run(name, func(t *testing.T) {
				if tc.family == AF_INET6 && !hasIPv6Loopback() {
					t.Skip("no IPv6 loopback on this machine")
				}
				l := listenSock(t, tc.family, 0, tc.bind)
				startHTTP(t, l, tlsOn)
				addr := l.Addr().(*NetAddr).Addr
				scheme, proto := "http", "HTTP/1.1"
				if tlsOn {
					scheme, proto = "https", "HTTP/2.0"
				}
				c := sockspecClient(t, tc.family, 0, addr, tlsOn)
				checkHTTP(t, c, scheme+"://localhost", proto)
				// net's own client against the sockspec server too.
				std := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true}}
				if tlsOn {
					std.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: newTestCert(t).pool}
				}
				defer std.CloseIdleConnections()
				checkHTTP(t, std, scheme+"://"+l.Addr().String(), proto)
			})
		}
	}
}

// ---- net.Conn behaviour ----

// netConnPair returns two connected *Conn over TCP loopback.
func netConnPair(t *testing.T) (*Conn, *Conn) {
	t.Helper()
	_, a, b := ctxTCPPair(t)
	ca, err := NetConn(a)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := NetConn(b)
	if err != nil {
		t.Fatal(err)
	}
	return ca, cb
}

func TestNetConnBasics(t *testing.T) {
	ca, cb := netConnPair(t)
	if ca.LocalAddr().Network() != "tcp" || ca.RemoteAddr().String() != cb.LocalAddr().String() {
		t.Errorf("addresses: %v %v / %v %v", ca.LocalAddr(), ca.RemoteAddr(), cb.LocalAddr(), cb.RemoteAddr())
	}
	if _, err := netip.ParseAddrPort(ca.LocalAddr().String()); err != nil {
		t.Errorf("LocalAddr().String() is not host:port: %v", err)
	}
	go func() {
		ca.Write([]byte("hello"))
		ca.CloseWrite()
	}()
	got, err := io.ReadAll(cb)
	if err != nil || string(got) != "hello" {
		t.Fatalf("ReadAll: %q %v", got, err)
	}
	// io.EOF at the end of the stream, again and again.
	if n, err := cb.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("Read after EOF: %d %v", n, err)
	}
	// Socket.Recv keeps Python's b''.
	if b, err := cb.Socket().Recv(4, 0); err != nil || b == nil || len(b) != 0 {
		t.Errorf("Recv at EOF: %q %v", b, err)
	}
	cb.Close()
	_, err = cb.Read(make([]byte, 1))
	var oe *net.OpError
	if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Errorf("Read after Close: %v", err)
	}
	if err := cb.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

func TestNetConnDeadlines(t *testing.T) {
	ca, cb := netConnPair(t)
	// A deadline in the past fails at once, even with data ready.
	ca.Write([]byte("x"))
	time.Sleep(10 * time.Millisecond)
	cb.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := cb.Read(make([]byte, 1))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("past deadline: %v", err)
	}
	// A future deadline fires.
	cb.SetReadDeadline(time.Time{})
	if _, err := cb.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cb.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = cb.Read(make([]byte, 1))
	if el := time.Since(start); !errors.Is(err, os.ErrDeadlineExceeded) || el < 45*time.Millisecond || el > 2*time.Second {
		t.Fatalf("deadline: %v after %v", err, el)
	}
	// Changing the deadline wakes a blocked Read (net/http's
	// abortPendingRead): first extend it, then set it in the past.
	cb.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	errc := make(chan error, 1)
	go func() {
		_, err := cb.Read(make([]byte, 1))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cb.SetReadDeadline(time.Now().Add(time.Hour)) // extended: must not fire at 100 ms
	select {
	case err := <-errc:
		t.Fatalf("Read returned after the deadline was extended: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	start = time.Now()
	cb.SetReadDeadline(time.Unix(1, 0))
	select {
	case err := <-errc:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("aborted Read: %v", err)
		}
		t.Logf("Read woken %v after SetReadDeadline(past)", time.Since(start))
		if el := time.Since(start); el > cancelBound {
			t.Errorf("Read woken %v after SetReadDeadline(past)", el)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SetReadDeadline(past) did not wake the Read")
	}
	// Usable afterwards.
	cb.SetReadDeadline(time.Time{})
	ca.Write([]byte("y"))
	b := make([]byte, 1)
	if n, err := cb.Read(b); n != 1 || err != nil || b[0] != 'y' {
		t.Fatalf("Read after deadlines: %d %v %q", n, err, b)
	}
	// Write deadline: fill the buffers.
	cb.Socket().SetSockOpt(SOL_SOCKET, SO_RCVBUF, 4096)
	ca.Socket().SetSockOpt(SOL_SOCKET, SO_SNDBUF, 4096)
	ca.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	n, err := ca.Write(make([]byte, 16<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) || n <= 0 || n >= 16<<20 {
		t.Fatalf("write deadline: %d %v", n, err)
	}
}

func TestNetConnCloseWakesRead(t *testing.T) {
	_, cb := netConnPair(t)
	errc := make(chan error, 1)
	go func() {
		_, err := cb.Read(make([]byte, 1))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cb.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake Read")
	}
}

func TestNetListenerAcceptDeadlineAndClose(t *testing.T) {
	l := listenSock(t, AF_INET, 0, InetAddress{Host: "127.0.0.1"})
	l.SetDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := l.Accept(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Accept deadline: %v", err)
	}
	l.SetDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	l.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake Accept")
	}
}

func TestNetPacketConnUDP(t *testing.T) {
	mk := func() *PacketConn {
		s, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		p, err := NetPacketConn(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	a, b := mk(), mk()
	if a.LocalAddr().Network() != "udp" {
		t.Errorf("network %q", a.LocalAddr().Network())
	}
	// To a *NetAddr and to a *net.UDPAddr; an empty datagram is data.
	if _, err := a.WriteTo([]byte("one"), b.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	ua, _ := net.ResolveUDPAddr("udp", b.LocalAddr().String())
	if _, err := a.WriteTo(nil, ua); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	n, from, err := b.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "one" || from.String() != a.LocalAddr().String() {
		t.Fatalf("ReadFrom: %q %v %v", buf[:n], from, err)
	}
	n, _, err = b.ReadFrom(buf)
	if err != nil || n != 0 {
		t.Fatalf("empty datagram: %d %v", n, err)
	}
	b.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	if _, _, err := b.ReadFrom(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("ReadFrom deadline: %v", err)
	}
	if _, err := a.WriteTo([]byte("x"), &net.UnixAddr{Name: "/x", Net: "unixgram"}); err == nil {
		t.Error("WriteTo a unix address on an AF_INET socket worked")
	}
}

// The reverse direction: net's sockets as Sockets, closed independently.
func TestSocketFromNet(t *testing.T) {
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	ls, err := SocketFromListener(nl)
	if err != nil {
		t.Fatal(err)
	}
	if ls.Family() != AF_INET || ls.Type() != SOCK_STREAM {
		t.Errorf("listener socket: %v %v", ls.Family(), ls.Type())
	}
	la, _ := ls.GetSockName()
	if la.(InetAddress).Port != nl.Addr().(*net.TCPAddr).Port {
		t.Errorf("GetSockName %v vs %v", la, nl.Addr())
	}
	// Accept through the sockspec Socket a connection made with net.
	nc, err := net.Dial("tcp", nl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ls.SetTimeout(5 * time.Second)
	srv, _, err := ls.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ls.Close() // the net.Listener stays open and accepts
	nc2, err := net.Dial("tcp", nl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	nl.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	if c2, err := nl.Accept(); err != nil {
		t.Errorf("net.Listener after the Socket's Close: %v", err)
	} else {
		c2.Close()
	}
	// The net.Conn as a Socket: both work, and closing the Socket leaves
	// the net.Conn open.
	cs, err := SocketFromNetConn(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.SendAll([]byte("via socket"), 0); err != nil {
		t.Fatal(err)
	}
	cs.Close()
	if _, err := nc.Write([]byte(" and net")); err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).CloseWrite()
	srv.SetTimeout(5 * time.Second)
	var got []byte
	for i := 0; i < 100; i++ {
		b, err := srv.Recv(100, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			break
		}
		got = append(got, b...)
	}
	if string(got) != "via socket and net" {
		t.Errorf("got %q", got)
	}
	if _, err := SocketFromNetConn(tls.Client(nc, &tls.Config{})); err == nil {
		t.Error("a *tls.Conn became a Socket")
	}
}

func TestNetipConversions(t *testing.T) {
	ap := netip.MustParseAddrPort("192.0.2.1:80")
	a, err := InetAddressFromAddrPort(ap)
	if err != nil || a != (InetAddress{Host: "192.0.2.1", Port: 80}) {
		t.Fatalf("%v %v", a, err)
	}
	if back, err := a.AddrPort(); err != nil || back != ap {
		t.Fatalf("%v %v", back, err)
	}
	if _, err := InetAddressFromAddrPort(netip.MustParseAddrPort("[::1]:1")); err == nil {
		t.Error("IPv6 as InetAddress")
	}
	if a, _ := InetAddressFromAddrPort(netip.MustParseAddrPort("[::ffff:10.0.0.1]:5")); a.Host != "10.0.0.1" {
		t.Errorf("mapped: %v", a)
	}
	if ap, _ := (InetAddress{Port: 1}).AddrPort(); ap.String() != "0.0.0.0:1" {
		t.Errorf("'' → %v", ap)
	}
	if ap, _ := (InetAddress{Host: "<broadcast>"}).AddrPort(); ap.Addr().String() != "255.255.255.255" {
		t.Errorf("<broadcast> → %v", ap)
	}
	var ve *ValueError
	if _, err := (InetAddress{Host: "example.org"}).AddrPort(); !errors.As(err, &ve) {
		t.Errorf("host name: %v", err)
	}
	var oe *OverflowError
	if _, err := (InetAddress{Host: "1.2.3.4", Port: 70000}).AddrPort(); !errors.As(err, &oe) {
		t.Errorf("port: %v", err)
	}
	// IPv6 with a zone ↔ scope ID, through the loopback interface.
	ifs, err := IfNameIndex()
	if err != nil || len(ifs) == 0 {
		t.Skipf("no interfaces: %v", err)
	}
	ifc := ifs[0]
	z := netip.MustParseAddr("fe80::1").WithZone(ifc.Name)
	a6, err := Inet6AddressFromAddrPort(netip.AddrPortFrom(z, 443))
	if err != nil || a6.Host != "fe80::1" || a6.ScopeID != uint32(ifc.Index) || a6.Port != 443 {
		t.Fatalf("zone %q: %+v %v", ifc.Name, a6, err)
	}
	back, err := a6.AddrPort()
	if err != nil || back.Addr().Zone() != ifc.Name || back.Addr().WithZone("") != netip.MustParseAddr("fe80::1") {
		t.Fatalf("back: %v %v", back, err)
	}
	if a6, _ := Inet6AddressFromAddrPort(netip.MustParseAddrPort("[fe80::1%7]:1")); a6.ScopeID != 7 {
		t.Errorf("numeric zone: %+v", a6)
	}
	var ge *GAIError
	if _, err := Inet6AddressFromAddrPort(netip.MustParseAddrPort("[fe80::1%nosuchif0]:1")); !errors.As(err, &ge) {
		t.Errorf("unknown zone: %v", err)
	}
	if a6, _ := Inet6AddressFromAddrPort(ap); a6.Host != "::ffff:192.0.2.1" {
		t.Errorf("v4 as v6: %+v", a6)
	}
	if x, _ := AddressFromAddrPort(AF_UNSPEC, ap); x != (InetAddress{Host: "192.0.2.1", Port: 80}) {
		t.Errorf("AF_UNSPEC: %v", x)
	}
	// NetAddr formats as net does.
	na := &NetAddr{Addr: Inet6Address{Host: "fe80::1", Port: 8, ScopeID: uint32(ifc.Index)}, Net: "tcp"}
	if na.String() != "[fe80::1%"+ifc.Name+"]:8" {
		t.Errorf("NetAddr: %s", na)
	}
	if s := (&NetAddr{Addr: UnixAddress{Path: "\x00abc"}}).String(); s != "@abc" {
		t.Errorf("abstract NetAddr: %q", s)
	}
}
