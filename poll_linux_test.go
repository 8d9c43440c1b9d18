//go:build linux

package socket

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// netpollerOnly makes this test's waits go to the netpoller: two Ps (no
// blocking receives, blockio_linux.go) and every direct-wait slot taken.
func netpollerOnly(t *testing.T) {
	withProcs(t, 2)
	t.Cleanup(coreHoldPPollSlots())
}

// epollMode makes this test's sockets wait through the epoll instance (no
// poller files).
func epollMode(t *testing.T) {
	pollDupBudget.Store(0)
	t.Cleanup(func() { pollDupBudget.Store(-1) })
}

// epollTargets lists the descriptors registered in the package's epoll
// instance, from /proc/self/fdinfo.
func epollTargets(t *testing.T) map[int]bool {
	t.Helper()
	b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(ep.fd))
	if err != nil {
		t.Fatalf("fdinfo of the epoll descriptor: %v", err)
	}
	m := map[int]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "tfd:" {
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("fdinfo line %q", line)
			}
			m[n] = true
		}
	}
	return m
}

// waitPoll waits (bounded: 5 s) until ok holds for s's netpoller state,
// read under its lock; who names the goroutine waited for.
func waitPoll(t *testing.T, s *Socket, who string, ok func(ps *pollState) bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		s.fd.pmu.Lock()
		done := ok(&s.fd.pollState)
		s.fd.pmu.Unlock()
		if done {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fd %d: %s did not reach the netpoller in 5 s", s.fd.sysfd, who)
}

// waitRegistered waits until s is registered in the epoll instance with
// its read direction armed: its reader has parked there.
func waitRegistered(t *testing.T, s *Socket) {
	t.Helper()
	waitPoll(t, s, "the reader", func(ps *pollState) bool { return ps.preg != 0 && ps.parmed&(1<<dirRead) != 0 })
}

// blockedPairs makes n socket pairs, each with a goroutine blocked in a
// 1-byte RecvInto on its first socket (reporting to done); started (if not
// nil) runs after each reader is started, before the next. The sockets are
// closed at the end of the test.
func blockedPairs(t *testing.T, n int, started func(a *Socket)) (readers, writers []*Socket, done chan error) {
	t.Helper()
	done = make(chan error, n)
	t.Cleanup(func() {
		for _, s := range append(readers, writers...) {
			s.Close()
		}
	})
	for i := 0; i < n; i++ {
		a, b := coreMust2(SocketPair(AF_UNIX, SOCK_STREAM, 0))
		readers, writers = append(readers, a), append(writers, b)
		go func() {
			var buf [1]byte
			_, err := a.RecvInto(buf[:], 0, 0)
			done <- err
		}()
		if started != nil {
			started(a)
		}
	}
	return readers, writers, done
}

// wakeAll sends a byte to each writer and waits (bounded) for every reader
// of blockedPairs.
func wakeAll(t *testing.T, writers []*Socket, done chan error) {
	t.Helper()
	for _, b := range writers {
		coreMust(b.Send([]byte("x"), 0))
	}
	for i := range writers {
		select {
		case err := <-done:
			coreOK(t, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d readers not woken", len(writers)-i)
		}
	}
}

// TestPollerOneDescriptor: a socket waiting through the epoll instance holds
// its one descriptor, no dup. Its own descriptor is what the epoll instance
// watches; Detach and Close remove it from there, and Detach hands the
// descriptor out open and usable.
func TestPollerOneDescriptor(t *testing.T) {
	netpollerOnly(t)
	epollMode(t)
	startPoller()
	if ep.err != nil {
		t.Fatal(ep.err)
	}
	const n = 64
	before := openFds(t)
	readers, writers, done := blockedPairs(t, n, nil)
	for _, a := range readers {
		waitRegistered(t, a)
	}
	if got := openFds(t) - before; got != 2*n {
		t.Errorf("%d socket pairs with a reader each in the netpoller hold %d descriptors, want %d", n, got, 2*n)
	}
	targets := epollTargets(t)
	for _, a := range readers {
		if !targets[a.fd.sysfd] {
			t.Errorf("fd %d is not in the epoll instance", a.fd.sysfd)
		}
	}
	wakeAll(t, writers, done)

	// Detach: the same descriptor, out of the epoll instance, still open
	// and still the socket.
	a := readers[0]
	fd := a.Fileno()
	if got := a.Detach(); got != fd {
		t.Fatalf("Detach returned %d, want %d", got, fd)
	}
	defer unix.Close(fd)
	if epollTargets(t)[fd] {
		t.Errorf("fd %d is still in the epoll instance after Detach", fd)
	}
	coreMust(writers[0].Send([]byte("after"), 0))
	buf := make([]byte, 16)
	k, err := unix.Read(fd, buf)
	if err != nil || string(buf[:k]) != "after" {
		t.Errorf("read on the detached fd: %q %v", buf[:k], err)
	}

	// Close: nothing of the sockets stays in the epoll instance.
	for _, s := range readers[1:] {
		s.Close()
	}
	targets = epollTargets(t)
	for _, s := range readers {
		if targets[s.fd.sysfd] && s.fd.sysfd != fd {
			t.Errorf("fd %d is still in the epoll instance after Close", s.fd.sysfd)
		}
	}
}

// TestPollerBothDirections: a reader and a writer of one socket wait in the
// netpoller together. Each readiness event is one shot for both; the
// direction that did not get it must be armed again, or it would never
// wake.
func TestPollerBothDirections(t *testing.T) {
	netpollerOnly(t)
	epollMode(t)
	for _, readerFirst := range []bool{true, false} {
		a, b := coreMust2(SocketPair(AF_UNIX, SOCK_STREAM, 0))
		coreOK(t, a.SetSockOpt(SOL_SOCKET, SO_SNDBUF, 4096))
		recvDone := make(chan error, 1)
		startReader := func() {
			go func() {
				var buf [16]byte
				k, err := a.RecvInto(buf[:], 0, 0)
				if err == nil && string(buf[:k]) != "wake" {
					t.Errorf("reader got %q", buf[:k])
				}
				recvDone <- err
			}()
			waitRegistered(t, a)
		}
		payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
		sendDone := make(chan error, 1)
		startWriter := func() {
			go func() { sendDone <- a.SendAll(payload, 0) }()
			waitPoll(t, a, "the writer", func(ps *pollState) bool { return ps.parmed&(1<<dirWrite) != 0 })
		}
		if readerFirst {
			startReader()
			startWriter()
		} else {
			startWriter()
			startReader()
		}
		// Drain the writer: its events come while the reader stays armed.
		got := 0
		buf := make([]byte, 64<<10)
		for got < len(payload) {
			k, err := b.RecvInto(buf, 0, 0)
			coreOK(t, err)
			if k == 0 {
				t.Fatal("EOF")
			}
			got += k
		}
		select {
		case err := <-sendDone:
			coreOK(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("the writer was not woken")
		}
		select {
		case err := <-recvDone:
			t.Fatalf("the reader returned with nothing sent: %v", err)
		default:
		}
		// Now the reader's turn: its direction must still be armed.
		coreMust(b.Send([]byte("wake"), 0))
		select {
		case err := <-recvDone:
			coreOK(t, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("readerFirst=%v: the reader was not woken (its direction was not armed again)", readerFirst)
		}
		a.Close()
		b.Close()
	}
}

// TestPollerDupBudget: poller files (a dup each, the quicker wake-up) are
// made while fewer than the budget are open; beyond it sockets wait through
// the epoll instance with their one descriptor, so the dups never crowd the
// descriptor table (10,000 blocked readers fit under a limit of 20,000).
func TestPollerDupBudget(t *testing.T) {
	netpollerOnly(t)
	startPoller()
	const n, budget = 24, 8
	base := dupsLive.Load()
	pollDupBudget.Store(base + budget)
	t.Cleanup(func() { pollDupBudget.Store(-1) })
	before := openFds(t)
	// one at a time, so that the order of the modes is known
	readers, writers, done := blockedPairs(t, n, func(a *Socket) {
		waitPoll(t, a, "the reader", func(ps *pollState) bool {
			return ps.pmode == pmFile || ps.pmode == pmEpoll && ps.parmed != 0
		})
	})
	files := 0
	for i, a := range readers {
		a.fd.pmu.Lock()
		mode := a.fd.pmode
		a.fd.pmu.Unlock()
		want := uint8(pmEpoll)
		if i < budget {
			want = pmFile
			files++
		}
		if mode != want {
			t.Errorf("reader %d: mode %d, want %d", i, mode, want)
		}
	}
	if got := openFds(t) - before; got != 2*n+files {
		t.Errorf("%d socket pairs, %d of them with a poller file: %d descriptors, want %d", n, files, got, 2*n+files)
	}
	wakeAll(t, writers, done)
}
