//go:build linux

package main

// The Go peers of the benchmark: the same protocol as peer_c.c and peer.py
// (see there), for sockspec ("sockspec") and Go's net package ("net"). They
// run as `bench peer IMPL WORKLOAD ROLE ...` in child processes, with
// GOMAXPROCS left at Go's default (the CPUs the process may use: 1 under
// taskset -c 0). A client also prints "ALLOCS n" (heap allocations per
// operation in the measured loop).

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	socket "github.com/sockspec/socket"
)

func monoNS() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

func procStatus() (threads, rssKB int) {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "Threads:" {
			threads, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rssKB, _ = strconv.Atoi(f[1])
		}
	}
	return
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "peer:", err)
	os.Exit(1)
}

func must[T any](v T, err error) T {
	if err != nil {
		fatal(err)
	}
	return v
}

func check(err error) {
	if err != nil {
		fatal(err)
	}
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// conn is what the workloads need from a connected socket.
type conn interface {
	send(b []byte) error // all of b
	recv(b []byte) (int, error)
	closeWrite() error
}

// sockspec connections.
type ssConn struct{ s *socket.Socket }

func (c ssConn) send(b []byte) error {
	if len(b) <= 64 {
		_, err := c.s.Send(b, 0) // a datagram, or a small segment in one go
		return err
	}
	return c.s.SendAll(b, 0)
}
func (c ssConn) recv(b []byte) (int, error) { return c.s.RecvInto(b, 0, 0) }
func (c ssConn) closeWrite() error          { return c.s.Shutdown(unix.SHUT_WR) }

type netConn struct{ c net.Conn }

func (c netConn) send(b []byte) error {
	_, err := c.c.Write(b)
	return err
}
func (c netConn) recv(b []byte) (int, error) {
	n, err := c.c.Read(b)
	if err == io.EOF {
		return 0, nil
	}
	return n, err
}
func (c netConn) closeWrite() error { return c.c.(*net.TCPConn).CloseWrite() }

var loop4 = socket.InetAddress{Host: "127.0.0.1", Port: 0}

func ssListen(kind socket.SocketKind) *socket.Socket {
	s := must(socket.NewSocket(socket.AF_INET, kind, 0))
	check(s.Bind(loop4))
	if kind == socket.SOCK_STREAM {
		check(s.ListenBacklog(4096))
	}
	a := must(s.GetSockName()).(socket.InetAddress)
	fmt.Printf("PORT %d\n", a.Port)
	return s
}

func netListen(network string) (net.Listener, net.PacketConn) {
	if network == "udp" {
		pc := must(net.ListenPacket("udp4", "127.0.0.1:0"))
		fmt.Printf("PORT %d\n", pc.LocalAddr().(*net.UDPAddr).Port)
		return nil, pc
	}
	ln := must(net.Listen("tcp4", "127.0.0.1:0"))
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	return ln, nil
}

func full(c conn, b []byte) error {
	for got := 0; got < len(b); {
		n, err := c.recv(b[got:])
		if err != nil {
			return err
		}
		if n == 0 {
			return io.EOF
		}
		got += n
	}
	return nil
}

func peerMain(args []string) {
	impl, w, role := args[0], args[1], args[2]
	switch {
	case w == "blocked":
		blockedServer(impl, must(strconv.Atoi(args[3])))
	case role == "server":
		server(impl, w)
	default:
		client(impl, w, must(strconv.Atoi(args[3])), must(strconv.Atoi(args[4])), must(strconv.Atoi(args[5])))
	}
}

func server(impl, w string) {
	buf := make([]byte, 65536)
	var c conn
	if w == "udp" {
		if impl == "sockspec" {
			s := ssListen(socket.SOCK_DGRAM)
			for {
				n, a, err := s.RecvFromInto(buf, 0, 0)
				check(err)
				if n <= 1 {
					return
				}
				_, err = s.SendTo(buf[:n], a)
				check(err)
			}
		}
		_, pc := netListen("udp")
		u := pc.(*net.UDPConn)
		for {
			n, a, err := u.ReadFromUDPAddrPort(buf)
			check(err)
			if n <= 1 {
				return
			}
			_, err = u.WriteToUDPAddrPort(buf[:n], a)
			check(err)
		}
	}
	if impl == "sockspec" {
		ln := ssListen(socket.SOCK_STREAM)
		s, _ := must2(ln.Accept())
		check(s.SetSockOpt(unix.IPPROTO_TCP, unix.TCP_NODELAY, 1))
		c = ssConn{s}
	} else {
		ln, _ := netListen("tcp")
		c = netConn{must(ln.Accept())} // TCP_NODELAY is Go's default
	}
	if w == "tcp" {
		// echo until the client closes, against each library's own API
		switch c := c.(type) {
		case ssConn:
			ssEcho(c.s, buf[:64])
		case netConn:
			netEcho(c.c, buf[:64])
		}
		return
	}
	var total uint64
	for {
		n, err := c.recv(buf)
		check(err)
		if n == 0 {
			break
		}
		total += uint64(n)
	}
	check(c.send(binary.NativeEndian.AppendUint64(nil, total)[:8:8]))
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		fatal(err)
	}
	return a, b
}

func client(impl, w string, port, ms, maxops int) {
	var c conn
	if impl == "sockspec" {
		kind := socket.SOCK_STREAM
		if w == "udp" {
			kind = socket.SOCK_DGRAM
		}
		s := must(socket.NewSocket(socket.AF_INET, kind, 0))
		check(s.Connect(socket.InetAddress{Host: "127.0.0.1", Port: port}))
		if kind == socket.SOCK_STREAM {
			check(s.SetSockOpt(unix.IPPROTO_TCP, unix.TCP_NODELAY, 1))
		}
		c = ssConn{s}
	} else {
		network := "tcp4"
		if w == "udp" {
			network = "udp4"
		}
		c = netConn{must(net.Dial(network, "127.0.0.1:"+strconv.Itoa(port)))}
	}
	end := monoNS() + int64(ms)*1e6
	if w == "stream" {
		data := make([]byte, 65536)
		m0 := mallocs()
		t0 := monoNS()
		ops := 0
		for ; ops < maxops; ops++ {
			if ops&15 == 0 && monoNS() > end {
				break
			}
			check(c.send(data))
		}
		m1 := mallocs()
		check(c.closeWrite())
		var got [8]byte
		check(full(c, got[:]))
		secs := float64(monoNS()-t0) / 1e9
		if binary.NativeEndian.Uint64(got[:]) != uint64(ops)*65536 {
			fatal(fmt.Errorf("stream: byte count mismatch"))
		}
		fmt.Printf("RESULT %d %.6f\nALLOCS %.3f\n", ops, secs, float64(m1-m0)/float64(max(ops, 1)))
		return
	}
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	// The loop is written against each library's own API (no interface or
	// closure per call), as a program using it would be.
	roundTrips := func(n int, end int64) int {
		switch c := c.(type) {
		case ssConn:
			return ssRoundTrips(c.s, w == "udp", msg, buf, n, end)
		case netConn:
			return netRoundTrips(c.c, w == "udp", msg, buf, n, end)
		}
		panic("unknown conn")
	}
	roundTrips(1000, math.MaxInt64) // warm-up
	m0 := mallocs()
	t0 := monoNS()
	end = t0 + int64(ms)*1e6
	ops := roundTrips(maxops, end)
	secs := float64(monoNS()-t0) / 1e9
	m1 := mallocs()
	if w == "udp" {
		check(c.send(msg[:1]))
	}
	fmt.Printf("RESULT %d %.6f\nALLOCS %.3f\n", ops, secs, float64(m1-m0)/float64(max(ops, 1)))
}

// blockedServer accepts n connections, blocks one goroutine in a 1-byte
// receive on each, reports threads and RSS once they are all blocked, and
// the CLOCK_MONOTONIC time at which the last one returned.
func blockedServer(impl string, n int) {
	if os.Getenv("BENCH_HEAPPROFILE") != "" {
		runtime.MemProfileRate = 1
	}
	var woken atomic.Int64
	var wg sync.WaitGroup
	done := func() {
		if woken.Add(1) == int64(n) {
			fmt.Printf("WOKEN %d\n", monoNS())
		}
		wg.Done()
	}
	wg.Add(n)
	if impl == "sockspec" {
		ln := ssListen(socket.SOCK_STREAM)
		for i := 0; i < n; i++ {
			s, _ := must2(ln.Accept())
			go func() {
				var b [1]byte
				_, err := s.RecvInto(b[:], 0, 0)
				check(err)
				done()
			}()
		}
	} else {
		ln, _ := netListen("tcp")
		for i := 0; i < n; i++ {
			c := must(ln.Accept())
			go func() {
				var b [1]byte
				_, err := c.Read(b[:])
				check(err)
				done()
			}()
		}
	}
	time.Sleep(200 * time.Millisecond) // let every reader block
	t, r := procStatus()
	if f := os.Getenv("BENCH_HEAPPROFILE"); f != "" {
		runtime.GC()
		if w, err := os.Create(f); err == nil {
			pprof.Lookup("heap").WriteTo(w, 0)
			w.Close()
		}
	}
	if os.Getenv("BENCH_MEM") != "" {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(os.Stderr, "%s: stack in use %d KB, heap in use %d KB, heap objects %d, sys %d KB\n",
			impl, m.StackInuse>>10, m.HeapInuse>>10, m.HeapObjects, m.Sys>>10)
	}
	fmt.Printf("READY %d %d\n", t, r)
	wg.Wait()
}

// lines reads a child's stdout line by line.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	return ch
}

// ssRoundTrips runs up to n round trips of len(msg) bytes on s, until the
// CLOCK_MONOTONIC time end (checked every 64), and returns the count.
func ssRoundTrips(s *socket.Socket, udp bool, msg, buf []byte, n int, end int64) int {
	for i := 0; i < n; i++ {
		if i&63 == 0 && monoNS() > end {
			return i
		}
		if _, err := s.Send(msg, 0); err != nil {
			fatal(err)
		}
		for got := 0; got < len(buf); {
			k, err := s.RecvInto(buf[got:], 0, 0)
			if err != nil {
				fatal(err)
			}
			if k == 0 {
				fatal(io.EOF)
			}
			got += k
			if udp {
				break
			}
		}
	}
	return n
}

// netRoundTrips is ssRoundTrips for a net.Conn.
func netRoundTrips(c net.Conn, udp bool, msg, buf []byte, n int, end int64) int {
	for i := 0; i < n; i++ {
		if i&63 == 0 && monoNS() > end {
			return i
		}
		if _, err := c.Write(msg); err != nil {
			fatal(err)
		}
		for got := 0; got < len(buf); {
			k, err := c.Read(buf[got:])
			if err != nil {
				fatal(err)
			}
			got += k
			if udp {
				break
			}
		}
	}
	return n
}

// ssEcho reads len(buf) bytes and sends them back, until EOF.
func ssEcho(s *socket.Socket, buf []byte) {
	for {
		for got := 0; got < len(buf); {
			k, err := s.RecvInto(buf[got:], 0, 0)
			if err != nil {
				fatal(err)
			}
			if k == 0 {
				return
			}
			got += k
		}
		if _, err := s.Send(buf, 0); err != nil {
			fatal(err)
		}
	}
}

// netEcho is ssEcho for a net.Conn.
func netEcho(c net.Conn, buf []byte) {
	for {
		for got := 0; got < len(buf); {
			k, err := c.Read(buf[got:])
			if err == io.EOF {
				return
			}
			if err != nil {
				fatal(err)
			}
			got += k
		}
		if _, err := c.Write(buf); err != nil {
			fatal(err)
		}
	}
}
