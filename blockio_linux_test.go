//go:build linux

package socket

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
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

// The blocking receive path of blockio_linux.go, taken by a process on
// one P. (CI also runs the package's whole suite with GOMAXPROCS=1.)

// oneP runs the rest of the test with GOMAXPROCS=1.
func oneP(t *testing.T) {
	withProcs(t, 1)
	uncrowd()
	if !directInit() {
		t.Skip("direct waits are disabled (SOCKSPEC_DIRECTWAIT=0)")
	}
}

// withProcs sets GOMAXPROCS to n for the test (and clears the package's
// cached count, wait_linux.go's gomaxprocs).
func withProcs(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(n)
	procs.Store(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(old); procs.Store(0) })
}

// uncrowd clears the process's crowded state (blockio_linux.go), as in a
// fresh process: an earlier test, or its own setup, may have set it.
func uncrowd() {
	crowdedGen.Add(1) // an earlier episode's timer must not clear a new one
	crowded.Store(false)
	heldUpLast.Store(0)
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
	uncrowd() // (a timer goroutine of the test may have set it)
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
		uncrowd()
		i0 := onePInterrupts.Load()
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocs per op", name, n)
		}
		t.Logf("%s: %d one-P slices interrupted or expired, crowded %v", name, onePInterrupts.Load()-i0, crowded.Load())
	}
	// (the description may be O_NONBLOCK again by now: a slice that
	// expired sends the next waits to the netpoller)
	if _, tmo := descBlocking(t, b); b.fd.bmode.Load()&bmRcvTimeo == 0 || !sliceTimeo(tmo) {
		t.Errorf("the receives did not take the blocking path (bmode %b SO_RCVTIMEO=%v)", b.fd.bmode.Load(), tmo)
	}
}

// TestBlockingRecvPath: on one P, a blocking-mode receive whose data comes
// from another process blocks in the receive itself (the description goes
// to blocking mode with SO_RCVTIMEO = the slice) and never needs the
// netpoller; with more Ps the description stays O_NONBLOCK.
//
// Unless the process goes crowded meanwhile: a slice cut short by sysmon's
// preemption (every 10 ms of a goroutine that never yields) while some
// background goroutine of the test binary was ready to run counts as
// holding it up, and twice sends the waits to the netpoller, as it should.
// That happened in ~3% of runs; such a run is repeated (at most 5 times).
func TestBlockingRecvPath(t *testing.T) {
	oneP(t)
	buf := make([]byte, 16)
	for attempt := 1; ; attempt++ {
		uncrowd()
		episode := crowdedGen.Load()
		_, b := coreUDPPair(t)
		port := coreMust(b.GetSockName()).(InetAddress).Port
		poke := pySender(t, port)
		for i := 0; i < 20; i++ {
			poke() // the receive below starts before python3 has sent
			n, _, err := b.RecvFromInto(buf, 0, 0)
			coreOK(t, err)
			if string(buf[:n]) != "ping" {
				t.Fatalf("round %d: got %q", i, buf[:n])
			}
		}
		if crowdedGen.Load() != episode {
			if attempt < 5 {
				t.Logf("attempt %d: the process went crowded; again", attempt)
				continue
			}
			t.Fatalf("the process went crowded in %d attempts", attempt)
		}
		if blk, tmo := descBlocking(t, b); !blk || !sliceTimeo(tmo) {
			t.Fatalf("blocking=%v SO_RCVTIMEO=%v, want true and %v", blk, tmo, directSlice)
		}
		b.fd.pmu.Lock()
		mode := b.fd.pmode
		b.fd.pmu.Unlock()
		if mode != pmNone {
			t.Errorf("the receives used the netpoller")
		}
		break
	}

	withProcs(t, 2)
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
	closeWhileBlocked(t, "recv", b, 150*time.Millisecond, nil, func() error {
		_, err := b.RecvInto(make([]byte, 16), 0, 0)
		return err
	})
}

// closeWhileBlocked runs op (which blocks on s) while a goroutine ticks
// every millisecond, closes s from a timer after delay (calling atClose
// first, if not nil), and checks that op returns net.ErrClosed promptly
// and that the ticker was not held up for long.
func closeWhileBlocked(t *testing.T, name string, s *Socket, delay time.Duration, atClose func(), op func() error) {
	t.Helper()
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
	uncrowd()                        // (the ticker may set it: it waits for the P)
	closed := time.Now().Add(delay)
	timer := time.AfterFunc(delay, func() {
		if atClose != nil {
			atClose()
		}
		s.Close()
	})
	defer timer.Stop()
	err := op()
	late := time.Since(closed)
	close(stop)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("%s after close: %v, want net.ErrClosed", name, err)
	}
	if late > time.Second {
		t.Errorf("%s returned %v after Close", name, late)
	}
	g := <-gaps
	if g > 500*time.Millisecond {
		t.Errorf("a ticking goroutine was held up for %v while %s blocked", g, name)
	}
	t.Logf("%s returned %v after Close; longest gap of a 1 ms ticker: %v", name, late, g)
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

// The blocking send path: a bulk sender on one P blocks in the send itself
// (one system call per chunk, as C's blocking send) instead of a partial
// send, an EAGAIN and the netpoller.

// rawTimeo reads a SO_RCVTIMEO or SO_SNDTIMEO with a raw getsockopt (the
// package's GetSockOpt would restore the socket).
func rawTimeo(t *testing.T, s *Socket, opt int) time.Duration {
	t.Helper()
	var tv unix.Timeval
	n := uint32(unsafe.Sizeof(tv))
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(s.fd.sysfd), unix.SOL_SOCKET, uintptr(opt), uintptr(unsafe.Pointer(&tv)), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		t.Fatal(e)
	}
	return time.Duration(tv.Nano())
}

// pyReader starts python3 connecting to ln and reading until EOF in
// chunk-byte receives, sleeping pause after every 64 of them, and for a
// minute once it has read stallAfter bytes (if > 0); at EOF it sends back
// "count sha256hex\n". It returns the accepted socket.
func pyReader(t *testing.T, ln *Socket, chunk int, pause time.Duration, stallAfter int) *Socket {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	port := coreMust(ln.GetSockName()).(InetAddress).Port
	cmd := exec.Command("python3", "-c", `
import hashlib, socket, sys, time
port, chunk, pause, stall = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port))
h, n, k = hashlib.sha256(), 0, 0
try:
    while True:
        b = s.recv(chunk)
        if not b:
            break
        h.update(b)
        n += len(b)
        k += 1
        if pause and k % 64 == 0:
            time.sleep(pause)
        if stall and n >= stall:
            stall = 0
            time.sleep(60)
    s.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
except OSError:
    pass
`, strconv.Itoa(port), strconv.Itoa(chunk), strconv.FormatFloat(pause.Seconds(), 'f', -1, 64), strconv.Itoa(stallAfter))
	cmd.Stderr = os.Stderr
	coreOK(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	s, _, err := ln.Accept()
	coreOK(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func tcpListener(t *testing.T) *Socket {
	t.Helper()
	ln := coreMust(NewSocket(AF_INET, SOCK_STREAM, 0))
	t.Cleanup(func() { ln.Close() })
	coreOK(t, ln.Bind(InetAddress{"127.0.0.1", 0}))
	coreOK(t, ln.Listen())
	return ln
}

// pattern returns n bytes that differ from one 64 KiB chunk to the next.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + i>>16)
	}
	return b
}

// sendFlip sends 32 MiB to a python3 reader that pauses while reading (so
// the socket's buffer fills), checks the sends blocked in the system call
// (the slice is the description's SO_SNDTIMEO; no SO_RCVTIMEO: it has not
// received), and returns the socket and the data.
func sendFlip(t *testing.T, stallAfter int) (s *Socket, data []byte) {
	t.Helper()
	s = pyReader(t, tcpListener(t), 4096, time.Millisecond, stallAfter)
	data = pattern(32 << 20)
	runtime.GC() // no collection in the background: nothing else needs the P
	uncrowd()    // (the setup's waits may have set it)
	coreOK(t, s.SendAll(data, 0))
	// (the description may be O_NONBLOCK again by now: a slice that
	// expired, e.g. while python3 was descheduled, sends the next waits to
	// the netpoller)
	if snd, rcv := rawTimeo(t, s, unix.SO_SNDTIMEO), rawTimeo(t, s, unix.SO_RCVTIMEO); s.fd.bmode.Load()&bmSndTimeo == 0 || !sliceTimeo(snd) || rcv != 0 {
		t.Fatalf("after a bulk SendAll on one P: SO_SNDTIMEO=%v SO_RCVTIMEO=%v, want %v and 0 (bmode %b, crowded %v)", snd, rcv, directSlice, s.fd.bmode.Load(), crowded.Load())
	}
	return s, data
}

// pyReport reads python3's "count sha256hex" line after a shutdown.
func pyReport(t *testing.T, s *Socket) string {
	t.Helper()
	coreOK(t, s.Shutdown(unix.SHUT_WR))
	var line []byte
	buf := make([]byte, 128)
	for i := 0; i < 100 && (len(line) == 0 || line[len(line)-1] != '\n'); i++ {
		n, err := s.RecvInto(buf, 0, 0)
		coreOK(t, err)
		if n == 0 {
			break
		}
		line = append(line, buf[:n]...)
	}
	return string(line)
}

func sha256Line(b []byte) string {
	h := sha256.Sum256(b)
	return strconv.Itoa(len(b)) + " " + hex.EncodeToString(h[:]) + "\n"
}

// TestBlockingSendPath: a bulk SendAll on one P to another process takes
// the blocking send path, and every byte arrives in order.
func TestBlockingSendPath(t *testing.T) {
	oneP(t)
	s, data := sendFlip(t, 0)
	// a second transfer on the flipped description, in 64 KiB sends
	more := pattern(2 << 20)[1:]
	for off := 0; off < len(more); off += 65536 {
		coreOK(t, s.SendAll(more[off:min(off+65536, len(more))], 0))
	}
	if got, want := pyReport(t, s), sha256Line(append(data, more...)); got != want {
		t.Fatalf("python3 received %q, want %q", got, want)
	}
}

// TestBlockingSendClose: Close from another goroutine ends a SendAll that
// blocks in its sends on one P (the reader drains slowly, so the sends
// keep making progress and stay on the blocking path), and the program's
// other goroutines keep running meanwhile.
func TestBlockingSendClose(t *testing.T) {
	oneP(t)
	s := pyReader(t, tcpListener(t), 4096, 2*time.Millisecond, 0)
	var mode uint32
	closeWhileBlocked(t, "sendall", s, 200*time.Millisecond, func() { mode = s.fd.bmode.Load() }, func() error {
		return s.SendAll(make([]byte, 256<<20), 0)
	})
	if mode&bmSndTimeo == 0 {
		// (bmBlocking may be off at that moment: a slice that expired
		// sends the next waits to the netpoller, which needs O_NONBLOCK)
		t.Errorf("bmode %b when closed: the sends did not take the blocking path", mode)
	}
}

// TestBlockingSendModes: once a send has blocked on one P, sends to a full
// buffer (the reader stalls) in timeout and non-blocking mode behave as
// Python's, and Close ends a blocking one.
func TestBlockingSendModes(t *testing.T) {
	oneP(t)
	s, _ := sendFlip(t, 32<<20)
	big := make([]byte, 64<<20)

	coreOK(t, s.SetTimeout(300*time.Millisecond))
	t0 := time.Now()
	err := s.SendAll(big, 0)
	if el := time.Since(t0); err != ErrTimeout || el < 250*time.Millisecond || el > 3*time.Second {
		t.Fatalf("sendall to a full buffer in timeout mode: %v after %v, want timed out after 300 ms", err, el)
	}

	// (the kernel may still take a little: the buffers grow)
	coreOK(t, s.SetBlocking(false))
	t0 = time.Now()
	err = nil
	for i := 0; err == nil && i < 1000; i++ {
		_, err = s.Send(big[:65536], 0)
	}
	if !errors.Is(err, syscall.EAGAIN) || time.Since(t0) > 100*time.Millisecond {
		t.Errorf("non-blocking sends to a full buffer: %v after %v, want EAGAIN at once", err, time.Since(t0))
	}

	coreOK(t, s.SetTimeout(NoTimeout))
	coreCloseWhileBlocked(t, "blocking sendall to a full buffer", s, func() error { return s.SendAll(big, 0) })
}

// TestBlockingSendRestore: a user's getsockopt of SO_SNDTIMEO sees the
// kernel's 0 and restores the description (O_NONBLOCK, no package
// timeouts); the socket keeps working.
func TestBlockingSendRestore(t *testing.T) {
	oneP(t)
	s, data := sendFlip(t, 0)
	v, err := s.GetSockOptBytes(SOL_SOCKET, SO_SNDTIMEO, int(unsafe.Sizeof(unix.Timeval{})))
	coreOK(t, err)
	for _, c := range v {
		if c != 0 {
			t.Errorf("GetSockOptBytes(SO_SNDTIMEO) = %x, want zeros (Python's view)", v)
			break
		}
	}
	fl, err := unix.FcntlInt(uintptr(s.fd.sysfd), unix.F_GETFL, 0)
	coreOK(t, err)
	if snd := rawTimeo(t, s, unix.SO_SNDTIMEO); fl&unix.O_NONBLOCK == 0 || snd != 0 {
		t.Errorf("after getsockopt(SO_SNDTIMEO): O_NONBLOCK=%v SO_SNDTIMEO=%v, want true and 0", fl&unix.O_NONBLOCK != 0, snd)
	}
	coreOK(t, s.SendAll(data, 0))
	if got, want := pyReport(t, s), sha256Line(append(data, data...)); got != want {
		t.Fatalf("python3 received %q, want %q", got, want)
	}
	if snd := rawTimeo(t, s, unix.SO_SNDTIMEO); snd != 0 {
		t.Errorf("a pinned socket's SO_SNDTIMEO went back to %v", snd)
	}
}

// TestBulkLinger: a direction stays bulk (the netpoller's case) through a
// stream's short receives, and leaves it after bulkLinger small transfers
// in a row (a conversation after a bulk phase gets direct waits back).
func TestBulkLinger(t *testing.T) {
	fd := &netFD{}
	d := &fd.dirs[dirRead]
	fd.noteDone(d, dirRead, 65536, 65536, true)
	for i := 0; i < 3*bulkLinger; i++ {
		fd.noteDone(d, dirRead, 4000, 65536, true) // a short read of a stream
		if d.bulk.Load() == 0 {
			t.Fatalf("bulk ended after %d short receives between full ones", i%(bulkLinger-1)+1)
		}
		if i%(bulkLinger-1) == bulkLinger-2 {
			fd.noteDone(d, dirRead, 30000, 65536, true)
		}
	}
	for i := 0; i < bulkLinger; i++ {
		fd.noteDone(d, dirRead, 64, 65536, false)
	}
	if d.bulk.Load() != 0 {
		t.Fatalf("still bulk after %d small receives in a row", bulkLinger)
	}
	w := &fd.dirs[dirWrite]
	fd.noteDone(w, dirWrite, 20000, 65536, true) // a partial send of a large buffer
	if w.bulk.Load() == 0 {
		t.Fatalf("a send of 64 KiB is not bulk")
	}
}

// TestOnePRelay: on one P, goroutines that feed each other through
// channels and a socket are not held up by a receive that blocks the P:
// the second slice within heldUpWindow that ran while they waited marks
// the process crowded, and its waits then use the netpoller. Without that, every batch of the
// relay waits for a whole slice (~190 interrupted slices for 3,000
// messages; 780 µs a message instead of ~4).
func TestOnePRelay(t *testing.T) {
	oneP(t)
	x, y := perfUDPPair(t)
	i0 := onePInterrupts.Load()
	t0 := time.Now()
	coreOK(t, relayMessages(x, y, 3000))
	n := onePInterrupts.Load() - i0
	t.Logf("3000 messages in %v; %d one-P slices interrupted or expired; crowded %v", time.Since(t0), n, crowded.Load())
	// one per crowdedFor at most, plus the first; the run may be slow
	// (race detector, emulation): allow a few
	if max := int64(5 + time.Since(t0)/crowdedFor*3); n > max {
		t.Errorf("%d one-P slices interrupted or expired during the relay, want at most %d", n, max)
	}
}
