//go:build linux

package socket

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The blocking receive path of blockrecv_linux.go, taken by a process on
// one P. (CI also runs the package's whole suite with GOMAXPROCS=1.)

// oneP runs the rest of the test with GOMAXPROCS=1.
func oneP(t *testing.T) {
	old := runtime.GOMAXPROCS(1)
	procs.Store(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(old); procs.Store(0) })
	if !directInit() {
		t.Skip("direct waits are disabled (SOCKSPEC_DIRECTWAIT=0)")
	}
}

// descBlocking reports whether s's description is in blocking mode, and its
// SO_RCVTIMEO, read with raw system calls (the package's GetSockOpt would
// restore the socket).
func descBlocking(t *testing.T, s *Socket) (blocking bool, rcvtimeo time.Duration) {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(s.fd.sysfd), unix.F_GETFL, 0)
	coreOK(t, err)
	var tv unix.Timeval
	n := uint32(unsafe.Sizeof(tv))
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(s.fd.sysfd), unix.SOL_SOCKET, unix.SO_RCVTIMEO, uintptr(unsafe.Pointer(&tv)), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		t.Fatal(e)
	}
	return fl&unix.O_NONBLOCK == 0, time.Duration(tv.Nano())
}

// flipUDP returns an unconnected UDP pair whose b received once on one P
// through the blocking path (from python3, in another process), which left
// its description in blocking mode.
func flipUDP(t *testing.T) (a, b *Socket) {
	t.Helper()
	a, b = coreUDPPair(t)
	poke := pySender(t, coreMust(b.GetSockName()).(InetAddress).Port)
	buf := make([]byte, 16)
	// until a receive starts before python3 has sent (the first, almost
	// always)
	for i := 0; i < 50; i++ {
		poke()
		n, err := b.RecvInto(buf, 0, 0)
		coreOK(t, err)
		if string(buf[:n]) != "ping" {
			t.Fatalf("got %q", buf[:n])
		}
		if blk, _ := descBlocking(t, b); blk {
			break
		}
	}
	if blk, tmo := descBlocking(t, b); !blk || !sliceTimeo(tmo) {
		t.Fatalf("after a blocking receive on one P: blocking=%v SO_RCVTIMEO=%v, want true and %v (netpollWaiting %d, procs %d)", blk, tmo, directSlice, netpollWaiting.Load(), procs.Load())
	}
	return a, b
}

// sliceTimeo: SO_RCVTIMEO reads back as the slice rounded up to the
// kernel's tick (at most 10 ms at HZ=100).
func sliceTimeo(d time.Duration) bool {
	return d >= directSlice && d <= directSlice+10*time.Millisecond
}

// pySender starts python3 sending one datagram to port 2 ms after each line
// it reads from its stdin (so that the receive the test starts right after
// the poke has blocked by then); it prints "ready" first.
func pySender(t *testing.T, port int) (poke func()) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	cmd := exec.Command("python3", "-c", `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("ready", flush=True)
for line in sys.stdin:
    time.sleep(0.002)
    s.sendto(line.strip().encode(), ("127.0.0.1", `+strconv.Itoa(port)+`))
`)
	in, err := cmd.StdinPipe()
	coreOK(t, err)
	out, err := cmd.StdoutPipe()
	coreOK(t, err)
	coreOK(t, cmd.Start())
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	if l, err := bufio.NewReader(out).ReadString('\n'); err != nil || l != "ready\n" {
		t.Fatalf("python3 sender: %q %v", l, err)
	}
	line := []byte("ping\n")
	return func() {
		if _, err := in.Write(line); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBlockingRecvAllocs: no allocation per blocking receive on one P
// (RecvInto and RecvFromInto, data from another process).
func TestBlockingRecvAllocs(t *testing.T) {
	if coreRaceEnabled() {
		t.Skip("the race detector allocates")
	}
	oneP(t)
	_, b := coreUDPPair(t)
	poke := pySender(t, coreMust(b.GetSockName()).(InetAddress).Port)
	buf := make([]byte, 16)
	for name, f := range map[string]func(){
		"RecvInto":     func() { poke(); b.RecvInto(buf, 0, 0) },
		"RecvFromInto": func() { poke(); b.RecvFromInto(buf, 0, 0) },
	} {
		f() // warm up (source address cache)
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocs per op", name, n)
		}
	}
	if blk, tmo := descBlocking(t, b); !blk || !sliceTimeo(tmo) {
		t.Errorf("the receives did not take the blocking path (blocking=%v SO_RCVTIMEO=%v)", blk, tmo)
	}
}

// TestBlockingRecvPath: on one P, a blocking-mode receive whose data comes
// from another process blocks in the receive itself (the description goes
// to blocking mode with SO_RCVTIMEO = the slice) and never needs the
// netpoller; with more Ps the description stays O_NONBLOCK.
func TestBlockingRecvPath(t *testing.T) {
	oneP(t)
	_, b := coreUDPPair(t)
	port := coreMust(b.GetSockName()).(InetAddress).Port
	poke := pySender(t, port)
	buf := make([]byte, 16)
	for i := 0; i < 20; i++ {
		poke() // the receive below starts before python3 has sent
		n, _, err := b.RecvFromInto(buf, 0, 0)
		coreOK(t, err)
		if string(buf[:n]) != "ping" {
			t.Fatalf("round %d: got %q", i, buf[:n])
		}
	}
	if blk, tmo := descBlocking(t, b); !blk || !sliceTimeo(tmo) {
		t.Fatalf("blocking=%v SO_RCVTIMEO=%v, want true and %v", blk, tmo, directSlice)
	}
	b.fd.pmu.Lock()
	pf := b.fd.pf
	b.fd.pmu.Unlock()
	if pf != nil {
		t.Errorf("the receives used the netpoller")
	}

	runtime.GOMAXPROCS(2)
	procs.Store(0)
	_, c := coreUDPPair(t)
	poke2 := pySender(t, coreMust(c.GetSockName()).(InetAddress).Port)
	poke2()
	_, _, err := c.RecvFromInto(buf, 0, 0)
	coreOK(t, err)
	if blk, _ := descBlocking(t, c); blk {
		t.Errorf("GOMAXPROCS=2: the description went to blocking mode")
	}
}

// TestBlockingRecvModes: once the description is in blocking mode, the
// non-blocking and timeout modes still behave as Python's.
func TestBlockingRecvModes(t *testing.T) {
	oneP(t)
	a, b := flipUDP(t)
	buf := make([]byte, 16)

	coreOK(t, b.SetBlocking(false))
	t0 := time.Now()
	_, err := b.RecvInto(buf, 0, 0)
	if !errors.Is(err, syscall.EAGAIN) || time.Since(t0) > 5*time.Millisecond {
		t.Errorf("non-blocking recv: %v after %v, want EAGAIN at once", err, time.Since(t0))
	}

	coreOK(t, b.SetTimeout(60*time.Millisecond))
	t0 = time.Now()
	_, err = b.RecvInto(buf, 0, 0)
	if el := time.Since(t0); err != ErrTimeout || el < 55*time.Millisecond || el > 2*time.Second {
		t.Errorf("timeout recv: %v after %v, want timed out after 60 ms", err, el)
	}

	// back in blocking mode, the send side is unaffected
	coreOK(t, b.SetTimeout(NoTimeout))
	aAddr := coreMust(a.GetSockName())
	for i := 0; i < 100; i++ {
		if _, err := b.SendTo(make([]byte, 64), aAddr); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBlockingRecvClose: Close from another goroutine ends a blocking-mode
// receive on one P, and the program's other goroutines keep running while
// it waits.
func TestBlockingRecvClose(t *testing.T) {
	oneP(t)
	_, b := flipUDP(t)
	stop := make(chan struct{})
	gaps := make(chan time.Duration, 1)
	go func() {
		var worst time.Duration
		last := time.Now()
		for {
			select {
			case <-stop:
				gaps <- worst
				return
			default:
			}
			time.Sleep(time.Millisecond)
			now := time.Now()
			worst = max(worst, now.Sub(last))
			last = now
		}
	}()
	time.Sleep(5 * time.Millisecond) // the ticker runs
	closed := time.Now().Add(150 * time.Millisecond)
	timer := time.AfterFunc(150*time.Millisecond, func() { b.Close() })
	defer timer.Stop()
	_, err := b.RecvInto(make([]byte, 16), 0, 0)
	late := time.Since(closed)
	close(stop)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("recv after close: %v, want net.ErrClosed", err)
	}
	if late > time.Second {
		t.Errorf("recv returned %v after Close", late)
	}
	g := <-gaps
	if g > 500*time.Millisecond {
		t.Errorf("a ticking goroutine was held up for %v while a receive blocked", g)
	}
	t.Logf("recv returned %v after Close; longest gap of a 1 ms ticker: %v", late, g)
}

// TestBlockingRecvRestore: Dup, Detach and a user's SO_RCVTIMEO put the
// description back in non-blocking mode with the kernel's SO_RCVTIMEO, and
// the socket keeps working.
func TestBlockingRecvRestore(t *testing.T) {
	oneP(t)
	check := func(what string, s *Socket) {
		t.Helper()
		if blk, tmo := descBlocking(t, s); blk || tmo != 0 {
			t.Errorf("after %s: blocking=%v SO_RCVTIMEO=%v, want false and 0", what, blk, tmo)
		}
	}

	a, b := flipUDP(t)
	d := coreMust(b.Dup())
	defer d.Close()
	check("Dup", b)
	bAddr := coreMust(b.GetSockName())
	timer := time.AfterFunc(20*time.Millisecond, func() { a.SendTo([]byte("after"), bAddr) })
	n, err := d.RecvInto(make([]byte, 16), 0, 0)
	timer.Stop()
	if err != nil || n != 5 {
		t.Fatalf("recv on the dup: %d %v", n, err)
	}
	check("a receive on the dup", b)

	_, b = flipUDP(t)
	v, err := b.GetSockOptBytes(SOL_SOCKET, SO_RCVTIMEO, int(unsafe.Sizeof(unix.Timeval{})))
	coreOK(t, err)
	for _, c := range v {
		if c != 0 {
			t.Errorf("GetSockOptBytes(SO_RCVTIMEO) = %x, want zeros (Python's view)", v)
			break
		}
	}
	check("getsockopt(SO_RCVTIMEO)", b)

	_, b = flipUDP(t)
	fd := b.Detach()
	defer unix.Close(fd)
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	coreOK(t, err)
	if fl&unix.O_NONBLOCK == 0 {
		t.Errorf("Detach returned a blocking descriptor")
	}
}

// TestBlockingRecvSendfile: a TCP socket whose receives blocked on one P
// can still sendfile (which needs O_NONBLOCK) and accept-side sockets work.
func TestBlockingRecvSendfile(t *testing.T) {
	oneP(t)
	_, c, s := coreTCPPair(t)
	timer := time.AfterFunc(30*time.Millisecond, func() { c.Send([]byte("GET"), 0) })
	defer timer.Stop()
	buf := make([]byte, 16)
	n, err := s.RecvInto(buf, 0, 0)
	coreOK(t, err)
	if string(buf[:n]) != "GET" {
		t.Fatalf("got %q", buf[:n])
	}
	if _, tmo := descBlocking(t, s); !sliceTimeo(tmo) {
		t.Fatalf("the accepted socket's receive did not take the blocking path (SO_RCVTIMEO %v)", tmo)
	}
	// its description is in blocking mode again after this one (the
	// receive above waited in the netpoller after its slice)
	coreOK(t, c.SetTimeout(time.Second))
	c.Send([]byte("x"), 0)
	if _, err := s.RecvInto(buf, 0, 0); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	f, err := os.CreateTemp(t.TempDir(), "sendfile")
	coreOK(t, err)
	defer f.Close()
	_, err = f.Write(data)
	coreOK(t, err)
	_, err = f.Seek(0, 0)
	coreOK(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := s.SendFile(f, 0, 0)
		s.Shutdown(unix.SHUT_WR)
		done <- err
	}()
	got := make([]byte, 0, len(data))
	rb := make([]byte, 65536)
	for i := 0; i < 100000; i++ {
		n, err := c.RecvInto(rb, 0, 0)
		coreOK(t, err)
		if n == 0 {
			break
		}
		got = append(got, rb[:n]...)
	}
	coreOK(t, <-done)
	if string(got) != string(data) {
		t.Fatalf("sendfile: %d bytes received, want %d identical", len(got), len(data))
	}
}

// TestBlockingRecvSignals: on one P, signals while a receive blocks in the
// system call (the CPU profiler's SIGPROF, a signal.Notify'd SIGUSR1 sent
// to the process) interrupt it with EINTR (SO_RCVTIMEO is set, so the
// kernel does not restart it): the signal's goroutine gets to run, and the
// receive still returns its datagram.
func TestBlockingRecvSignals(t *testing.T) {
	oneP(t)
	a, b := flipUDP(t)
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		t.Skipf("CPU profiler: %v", err)
	}
	defer pprof.StopCPUProfile()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	got := make(chan struct{}, 16)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-sigs:
				got <- struct{}{}
			case <-stop:
				return
			}
		}
	}()
	bAddr := coreMust(b.GetSockName())
	timer := time.AfterFunc(300*time.Millisecond, func() { a.SendTo([]byte("late"), bAddr) })
	defer timer.Stop()
	// a non-Go-scheduled sender of signals: a child process
	kill := exec.Command("sh", "-c", "for i in 1 2 3 4 5; do sleep 0.03; kill -USR1 "+strconv.Itoa(os.Getpid())+"; done")
	coreOK(t, kill.Start())
	buf := make([]byte, 16)
	n, err := b.RecvInto(buf, 0, 0)
	coreOK(t, err)
	if string(buf[:n]) != "late" {
		t.Fatalf("got %q", buf[:n])
	}
	coreOK(t, kill.Wait())
	for i := 0; i < 5; i++ {
		select {
		case <-got:
		case <-time.After(2 * time.Second):
			t.Fatalf("%d of 5 SIGUSR1 delivered to signal.Notify", i)
		}
	}
}
