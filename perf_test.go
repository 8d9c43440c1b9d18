//go:build linux

package socket

// Hot-path benchmarks (go test -bench . -benchmem -run '^$') and the
// allocation guarantees of the hot paths (allocation counts are
// deterministic; nothing here asserts a time). The cross-process,
// cross-implementation comparison lives in bench/ (see bench/README.md).

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

func init() {
	// The direct-wait slots' eventfds live for the whole process; create
	// them before TestMain counts the open descriptors and goroutines.
	directInit()
	// likewise the netpoller's goroutines (poll_linux.go's epoll
	// instance, poll_file_unix.go's poller-file helper)
	startPoller()
}

// perfUDPPair returns two connected UDP sockets on loopback.
func perfUDPPair(tb testing.TB) (a, b *Socket) {
	tb.Helper()
	a, b = coreUDPPair(tb)
	coreOK(tb, a.Connect(coreMust(b.GetSockName())))
	coreOK(tb, b.Connect(coreMust(a.GetSockName())))
	return a, b
}

// TestHotPathAllocs: no allocation per operation on Send, RecvInto into a
// caller buffer, SendTo with a prepared address and RecvFromInto, in
// non-blocking use, in blocking use that waits directly (ppoll) and in
// blocking use that waits in the netpoller.
func TestHotPathAllocs(t *testing.T) {
	if coreRaceEnabled() {
		t.Skip("the race detector allocates")
	}
	a, b := coreUDPPair(t)
	bAddr := coreMust(b.GetSockName())
	prepared := coreMust(PrepareAddress(AF_INET, bAddr))
	coreOK(t, a.Connect(bAddr))
	buf := make([]byte, 64)
	msg := make([]byte, 64)
	check := func(name string, f func()) {
		t.Helper()
		f() // warm up (address cache, poller file)
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocs per op", name, n)
		}
	}
	check("Send", func() { a.Send(msg, 0); b.RecvInto(buf, 0, 0) })
	check("SendTo(prepared)+RecvFromInto", func() {
		a.SendTo(msg, prepared)
		b.RecvFromInto(buf, 0, 0)
	})
	// an echo server: SendTo the address RecvFromInto returned (the
	// caches of both directions)
	check("RecvFromInto+SendTo(its address)", func() {
		a.Send(msg, 0)
		n, from, _ := b.RecvFromInto(buf, 0, 0)
		b.SendTo(buf[:n], from)
		a.RecvInto(buf, 0, 0)
	})

	// Blocking receives that must wait: a peer goroutine sends after a
	// short delay.
	coreOK(t, b.SetTimeout(NoTimeout))
	quit := make(chan struct{})
	defer close(quit)
	kicker := func(from *Socket) chan struct{} {
		kick := make(chan struct{})
		go func() {
			for {
				select {
				case <-kick:
					time.Sleep(20 * time.Microsecond)
					from.Send(msg, 0)
				case <-quit:
					return
				}
			}
		}()
		return kick
	}
	kick := kicker(a)
	check("blocking RecvInto (waits)", func() { kick <- struct{}{}; b.RecvInto(buf, 0, 0) })
	check("blocking RecvFromInto (waits)", func() { kick <- struct{}{}; b.RecvFromInto(buf, 0, 0) })
	release := coreHoldPPollSlots() // force the netpoller path
	check("blocking RecvInto (netpoller)", func() { kick <- struct{}{}; b.RecvInto(buf, 0, 0) })
	release()
	// with a timeout (deadline arithmetic, poller deadlines)
	coreOK(t, b.SetTimeout(time.Second))
	check("timeout RecvInto (waits)", func() { kick <- struct{}{}; b.RecvInto(buf, 0, 0) })
	release = coreHoldPPollSlots()
	check("timeout RecvInto (netpoller)", func() { kick <- struct{}{}; b.RecvInto(buf, 0, 0) })
	release()

	// The same waits through the epoll instance (poll_linux.go: its
	// token channel, the op's reused timer).
	pollDupBudget.Store(0)
	defer pollDupBudget.Store(-1)
	c, d := coreUDPPair(t)
	coreOK(t, c.Connect(coreMust(d.GetSockName())))
	kick2 := kicker(c)
	release = coreHoldPPollSlots()
	defer release()
	coreOK(t, d.SetTimeout(NoTimeout))
	check("blocking RecvInto (epoll)", func() { kick2 <- struct{}{}; d.RecvInto(buf, 0, 0) })
	coreOK(t, d.SetTimeout(time.Second))
	check("timeout RecvInto (epoll)", func() { kick2 <- struct{}{}; d.RecvInto(buf, 0, 0) })
	d.fd.pmu.Lock()
	mode := d.fd.pmode
	d.fd.pmu.Unlock()
	if mode != pmEpoll && runtime.GOMAXPROCS(0) > 1 {
		t.Errorf("the epoll checks did not use the epoll instance (mode %d)", mode)
	}
}

// TestDirectWaitWokenByClose: a blocking Recv waiting directly in ppoll (a
// long slice) is woken by Close through its slot's eventfd, and the slots
// are all free afterwards.
func TestDirectWaitWokenByClose(t *testing.T) {
	if !directInit() {
		t.Skip("no eventfd")
	}
	for i := 0; i < 20; i++ { // bounded; each close must wake its waiter
		a, b := coreMust2(SocketPair(0, SOCK_DGRAM, 0))
		done := make(chan error, 1)
		go func() { _, err := a.Recv(8, 0); done <- err }()
		time.Sleep(time.Millisecond)
		a.Close()
		select {
		case err := <-done:
			if !coreIsErrno(err, 9) { // EBADF
				t.Fatalf("recv after close: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("recv not woken by close")
		}
		b.Close()
	}
	for i := range directSlots {
		if directSlots[i].busy.Load() || directSlots[i].owner.Load() != nil {
			t.Fatalf("slot %d still held", i)
		}
	}
	if n := ppollUsed.Load(); n != 0 {
		t.Fatalf("%d reservations left", n)
	}
}

// TestDirectBudget: the budget follows GOMAXPROCS (1 → 1; n → n-1, at most
// maxPPollBudget), and no direct wait starts while a goroutine of the
// package waits in the netpoller.
func TestDirectBudget(t *testing.T) {
	old := runtime.GOMAXPROCS(0)
	defer func() { runtime.GOMAXPROCS(old); procs.Store(0) }()
	for _, c := range []struct{ procs, want int32 }{{1, 1}, {2, 1}, {3, 2}, {8, maxPPollBudget}} {
		runtime.GOMAXPROCS(int(c.procs))
		procs.Store(0)
		if got := ppollBudget(); got != c.want {
			t.Errorf("GOMAXPROCS=%d: budget %d, want %d", c.procs, got, c.want)
		}
	}
	uncrowd() // as in a fresh process (an earlier test may have set it)
	for _, p := range []int{1, 2} {
		runtime.GOMAXPROCS(p)
		procs.Store(0)
		netpollWaiting.Add(1)
		ok := ppollAcquire()
		netpollWaiting.Add(-1)
		if ok {
			ppollRelease()
			t.Errorf("GOMAXPROCS=%d: direct wait admitted while a netpoller waiter exists", p)
		}
		if !ppollAcquire() {
			t.Errorf("GOMAXPROCS=%d: direct wait refused with no netpoller waiter", p)
		} else {
			ppollRelease()
		}
	}
}

// BenchmarkSendRecvInto: non-blocking Send + RecvInto on connected UDP
// sockets (the syscall cost and nothing else).
func BenchmarkSendRecvInto(b *testing.B) {
	x, y := perfUDPPair(b)
	buf := make([]byte, 64)
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		x.Send(msg, 0)
		y.RecvInto(buf, 0, 0)
	}
}

// BenchmarkSendToRecvFromInto: SendTo with a prepared address +
// RecvFromInto (source address decoded from the cache).
func BenchmarkSendToRecvFromInto(b *testing.B) {
	x, y := coreUDPPair(b)
	prepared := coreMust(PrepareAddress(AF_INET, coreMust(y.GetSockName())))
	buf := make([]byte, 64)
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		x.SendTo(msg, prepared)
		y.RecvFromInto(buf, 0, 0)
	}
}

// BenchmarkUDPPingPongDirect / Netpoller: blocking round trips between two
// goroutines, with direct waits allowed or forced into the netpoller.
func BenchmarkUDPPingPongDirect(b *testing.B)    { benchPingPong(b, false) }
func BenchmarkUDPPingPongNetpoller(b *testing.B) { benchPingPong(b, true) }

func benchPingPong(b *testing.B, netpoller bool) {
	x, y := perfUDPPair(b)
	if netpoller {
		defer coreHoldPPollSlots()()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			n, err := y.RecvInto(buf, 0, 0)
			if err != nil {
				return
			}
			y.Send(buf[:n], 0)
		}
	}()
	buf := make([]byte, 64)
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		x.Send(msg, 0)
		x.RecvInto(buf, 0, 0)
	}
	b.StopTimer()
	y.Close()
	<-done
}

// TestAddrCachesConcurrent: the address caches of recvfrom and sendto are
// shared by goroutines without the op slot. Two echo goroutines serve one
// UDP socket while several clients, each on its own port, talk to it at
// once: every reply reaches the client that sent the request, with the
// client's own payload (run under -race in CI).
func TestAddrCachesConcurrent(t *testing.T) {
	srv := coreMust(NewSocket(AF_INET, SOCK_DGRAM, 0))
	defer srv.Close()
	coreOK(t, srv.Bind(InetAddress{Host: "127.0.0.1"}))
	srvAddr := coreMust(srv.GetSockName())
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64)
			for {
				n, from, err := srv.RecvFromInto(buf, 0, 0)
				if err != nil {
					return // closed
				}
				if _, err := srv.SendTo(buf[:n], from); err != nil {
					t.Errorf("sendto %v: %v", from, err)
					return
				}
			}
		}()
	}
	const clients, rounds = 4, 300
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		go func() {
			s, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			if err := s.SetTimeout(5 * time.Second); err != nil {
				errs <- err
				return
			}
			if err := s.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
				errs <- err
				return
			}
			me := coreMust(s.GetSockName()).(InetAddress)
			buf := make([]byte, 64)
			for r := 0; r < rounds; r++ {
				msg := []byte(strconv.Itoa(me.Port) + "/" + strconv.Itoa(r))
				if _, err := s.SendTo(msg, srvAddr); err != nil {
					errs <- err
					return
				}
				n, from, err := s.RecvFromInto(buf, 0, 0)
				if err != nil {
					errs <- fmt.Errorf("client %d round %d: %w", me.Port, r, err)
					return
				}
				if string(buf[:n]) != string(msg) || from != srvAddr {
					errs <- fmt.Errorf("client %d got %q from %v, want %q from %v", me.Port, buf[:n], from, msg, srvAddr)
					return
				}
			}
			errs <- nil
		}()
	}
	for c := 0; c < clients; c++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	srv.Close()
	wg.Wait()
}

// TestSendToEncodeCache: sendto's cache of the last numeric destination
// never sends to a stale one: alternating destinations, a sendto through
// the context variant in between, and a name (not cached) all arrive where
// they are addressed.
func TestSendToEncodeCache(t *testing.T) {
	x, a := coreUDPPair(t)
	_, b := coreUDPPair(t)
	aAddr := coreMust(a.GetSockName()).(InetAddress)
	bAddr := coreMust(b.GetSockName()).(InetAddress)
	coreOK(t, a.SetTimeout(2*time.Second))
	coreOK(t, b.SetTimeout(2*time.Second))
	expect := func(s *Socket, want string) {
		t.Helper()
		buf := make([]byte, 16)
		n, err := s.RecvInto(buf, 0, 0)
		coreOK(t, err)
		if string(buf[:n]) != want {
			t.Fatalf("got %q, want %q", buf[:n], want)
		}
	}
	for i := 0; i < 20; i++ {
		coreMust(x.SendTo([]byte("a"+strconv.Itoa(i)), aAddr))
		coreMust(x.SendTo([]byte("b"+strconv.Itoa(i)), bAddr))
		expect(a, "a"+strconv.Itoa(i))
		expect(b, "b"+strconv.Itoa(i))
	}
	coreMust(x.SendTo([]byte("a-again"), aAddr))
	coreMust(x.SendToContext(context.Background(), []byte("b-ctx"), bAddr))
	coreMust(x.SendTo([]byte("a-after"), aAddr))
	expect(a, "a-again")
	expect(b, "b-ctx")
	expect(a, "a-after")
	// a name is resolved each time (not cached); same port, other host
	coreMust(x.SendTo([]byte("name"), InetAddress{Host: "localhost", Port: bAddr.Port}))
	expect(b, "name")
	coreMust(x.SendTo([]byte("num"), aAddr))
	expect(a, "num")
	if c := x.fd.dirs[dirWrite].addr.Load(); c == nil || c.addr != Address(aAddr) {
		t.Errorf("the last numeric destination is not cached")
	}
}

// BenchmarkStreamInProcess: a 64 KiB SendAll stream between two goroutines
// of one process over loopback TCP, the reader either consuming the chunks
// itself or handing each to a worker goroutine (a pipeline). With
// GOMAXPROCS=1 (-cpu 1) this is the case the one-P blocking paths must not
// stall: the peer is a goroutine that needs the only P.
func BenchmarkStreamInProcess(b *testing.B) {
	for _, pipeline := range []bool{false, true} {
		name := "reader"
		if pipeline {
			name = "pipeline"
		}
		b.Run(name, func(b *testing.B) { benchStream(b, pipeline) })
	}
}

func benchStream(b *testing.B, pipeline bool) {
	_, c, s := coreTCPPair(b)
	chunk := make([]byte, 64<<10)
	total := int64(b.N) * int64(len(chunk))
	done := make(chan error, 1)
	go func() {
		var work chan []byte
		var wdone chan struct{}
		if pipeline {
			work, wdone = make(chan []byte, 4), make(chan struct{})
			go func() {
				sum := 0
				for p := range work {
					for _, x := range p {
						sum += int(x)
					}
				}
				_ = sum
				close(wdone)
			}()
		}
		buf := make([]byte, 64<<10)
		var got int64
		for got < total {
			n, err := s.RecvInto(buf, 0, 0)
			if err != nil || n == 0 {
				done <- err
				return
			}
			got += int64(n)
			if pipeline {
				p := make([]byte, n)
				copy(p, buf[:n])
				work <- p
			}
		}
		if pipeline {
			close(work)
			<-wdone
		}
		done <- nil
	}()
	b.SetBytes(int64(len(chunk)))
	i0 := onePInterrupts.Load()
	defer func() { b.ReportMetric(float64(onePInterrupts.Load()-i0), "stalls") }()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.SendAll(chunk, 0); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRelayInProcess: small messages from a producer goroutine,
// through a channel to a sender goroutine, over a UDP socket pair to a
// receiver goroutine, which acknowledges each batch of 16 through a
// channel. With GOMAXPROCS=1 (-cpu 1) the receiver must not keep the
// only P from the producer while it waits for data (TestOnePRelay).
func BenchmarkRelayInProcess(b *testing.B) {
	x, y := perfUDPPair(b)
	i0 := onePInterrupts.Load()
	b.ResetTimer()
	if err := relayMessages(x, y, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(onePInterrupts.Load()-i0), "stalls")
}

// relayMessages relays n messages of 64 bytes from x to y as
// BenchmarkRelayInProcess describes.
func relayMessages(x, y *Socket, n int) error {
	msgs := make(chan []byte, 16)
	acks := make(chan struct{}, 1)
	done := make(chan error, 2)
	go func() { // sender
		for m := range msgs {
			if _, err := x.Send(m, 0); err != nil {
				done <- err
				return
			}
		}
	}()
	go func() { // receiver
		buf := make([]byte, 64)
		for i := 0; i < n; i++ {
			if _, err := y.RecvInto(buf, 0, 0); err != nil {
				done <- err
				return
			}
			if i%16 == 15 {
				acks <- struct{}{}
			}
		}
		done <- nil
	}()
	msg := make([]byte, 64)
	for i := 0; i < n; i++ { // producer
		msgs <- msg
		if i%16 == 15 {
			select {
			case <-acks:
			case err := <-done:
				return err
			}
		}
	}
	close(msgs)
	return <-done
}
