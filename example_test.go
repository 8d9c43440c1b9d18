package socket_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/sockspec/socket"
)

// Python's socket(), bind(), getsockname().
func ExampleNewSocket() {
	s, err := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	if err := s.Bind(socket.InetAddress{Host: "127.0.0.1", Port: 0}); err != nil {
		fmt.Println(err)
		return
	}
	addr, _ := s.GetSockName()
	fmt.Println(s.Family(), s.Type(), addr.(socket.InetAddress).Host)
	// Output: AF_INET SOCK_STREAM 127.0.0.1
}

// The reference's echo server and client, in one program: the server
// accepts one connection and sends back what it receives.
func ExampleSocket_Accept() {
	srv, _ := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	defer srv.Close()
	srv.Bind(socket.InetAddress{Host: "127.0.0.1"})
	srv.ListenBacklog(1)
	addr, _ := srv.GetSockName()
	go func() {
		conn, _, err := srv.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			data, err := conn.Recv(1024, 0)
			if err != nil || len(data) == 0 { // b'': the client closed
				return
			}
			conn.SendAll(data, 0)
		}
	}()

	c, _ := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	defer c.Close()
	if err := c.Connect(addr); err != nil {
		fmt.Println(err)
		return
	}
	c.SendAll([]byte("Hello, world"), 0)
	data, _ := c.Recv(1024, 0)
	fmt.Printf("Received %q\n", data)
	// Output: Received "Hello, world"
}

// Python's socketpair(): two connected sockets.
func ExampleSocketPair() {
	a, b, err := socket.SocketPair(0, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	defer b.Close()
	a.SendAll([]byte("ping"), 0)
	data, _ := b.Recv(16, 0)
	fmt.Println(string(data))
	// Output: ping
}

// Timeout mode: settimeout(0.05) makes a blocked recv fail with
// socket.timeout ("timed out"), which also matches os.ErrDeadlineExceeded.
func ExampleSocket_SetTimeout() {
	a, b, _ := socket.SocketPair(0, 0, 0)
	defer a.Close()
	defer b.Close()
	b.SetTimeout(50 * time.Millisecond)
	_, err := b.Recv(16, 0)
	fmt.Println(err, errors.Is(err, socket.ErrTimeout), errors.Is(err, os.ErrDeadlineExceeded))
	// Output: timed out true true
}

// A context bounds one call without touching the socket's timeout; a
// cancelled call leaves the socket usable.
func ExampleSocket_RecvContext() {
	a, b, _ := socket.SocketPair(0, 0, 0)
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := b.RecvContext(ctx, 16, 0)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), b.GetTimeout() == socket.NoTimeout)

	a.SendAll([]byte("still works"), 0)
	data, _ := b.RecvContext(context.Background(), 16, 0)
	fmt.Println(string(data))
	// Output:
	// true true
	// still works
}

// Python's getaddrinfo() with a numeric host.
func ExampleGetAddrInfo() {
	infos, err := socket.GetAddrInfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ai := range infos {
		fmt.Println(ai.Family, ai.Type, ai.Proto, ai.Addr)
	}
	// Output: AF_INET SOCK_STREAM 6 ('127.0.0.1', 80)
}

// Python's create_server() and create_connection().
func ExampleCreateConnection() {
	srv, err := socket.CreateServer("127.0.0.1", 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	addr, _ := srv.GetSockName()
	c, err := socket.CreateConnection("127.0.0.1", addr.(socket.InetAddress).Port, socket.WithTimeout(5*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	peer, _ := c.GetPeerName()
	fmt.Println(peer.(socket.InetAddress).Port == addr.(socket.InetAddress).Port)
	// Output: true
}

// Python's inet_pton() and inet_ntop().
func ExampleInetPton() {
	packed, _ := socket.InetPton(socket.AF_INET6, "2001:db8::1")
	fmt.Printf("%x\n", packed)
	text, _ := socket.InetNtop(socket.AF_INET6, packed)
	fmt.Println(text)
	// Output:
	// 20010db8000000000000000000000001
	// 2001:db8::1
}

// Python's htons() (the result shown is a little-endian machine's: every
// platform this package builds for).
func ExampleHtons() {
	v, _ := socket.Htons(0x1234)
	fmt.Printf("%#x\n", v)
	_, err := socket.Htons(70000)
	fmt.Println(err)
	// Output:
	// 0x3412
	// htons: Python int too large to convert to C 16-bit unsigned integer
}

// net/http, unchanged, on a sockspec listener: any socket this package
// can make (an abstract AF_UNIX name, AF_VSOCK, MPTCP, ...) can serve
// HTTP; here AF_INET on loopback.
func ExampleNetListener() {
	s, _ := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	s.Bind(socket.InetAddress{Host: "127.0.0.1"})
	s.Listen()
	l, err := socket.NetListener(s) // l owns s
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello over ", l.Addr().Network())
	})}
	go srv.Serve(l)
	defer srv.Close()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://" + l.Addr().String() + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: hello over tcp
}

// A connected socket as a net.Conn: io.EOF at the end of the stream, where
// Socket.Recv returns Python's b”.
func ExampleNetConn() {
	a, b, _ := socket.SocketPair(0, 0, 0)
	defer a.Close()
	conn, err := socket.NetConn(b) // conn owns b
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	a.SendAll([]byte("data, then the end"), 0)
	a.Shutdown(socket.SHUT_WR)
	all, err := io.ReadAll(conn)
	fmt.Printf("%q %v\n", all, err)
	// Output: "data, then the end" <nil>
}

// netip conversions.
func ExampleInetAddressFromAddrPort() {
	a, _ := socket.InetAddressFromAddrPort(netip.MustParseAddrPort("192.0.2.7:443"))
	fmt.Println(a)
	ap, _ := a.AddrPort()
	fmt.Println(ap)
	// Output:
	// ('192.0.2.7', 443)
	// 192.0.2.7:443
}
