package socket

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// cancelBound is the promise: a blocked call returns this soon after its
// context is cancelled.
const cancelBound = 100 * time.Millisecond

// ctxTCPPair returns a connected TCP pair on 127.0.0.1 and the listener.
func ctxTCPPair(t *testing.T) (ln, a, b *Socket) {
	t.Helper()
	ln, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	if err := ln.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := ln.Listen(); err != nil {
		t.Fatal(err)
	}
	la, _ := ln.GetSockName()
	a, err = NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Connect(la); err != nil {
		t.Fatal(err)
	}
	b, _, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return ln, a, b
}

// checkCancel runs block in a goroutine, cancels its context after wait and
// checks that it returns within cancelBound with an error matching
// context.Canceled (and not ErrTimeout). It returns the latency.
func checkCancel(t *testing.T, name string, wait time.Duration, block func(ctx context.Context) error) time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- block(ctx) }()
	time.Sleep(wait)
	select {
	case err := <-errc:
		t.Fatalf("%s returned before the cancel: %v", name, err)
	default:
	}
	start := time.Now()
	cancel()
	var err error
	select {
	case err = <-errc:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: not woken 5 s after cancel", name)
	}
	lat := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s: error %v (%T) does not match context.Canceled", name, err, err)
	}
	if errors.Is(err, ErrTimeout) {
		t.Errorf("%s: a cancel matches ErrTimeout: %v", name, err)
	}
	if lat > cancelBound {
		t.Errorf("%s: woken %v after cancel (bound %v)", name, lat, cancelBound)
	}
	t.Logf("%s: cancel latency %v (cancelled after %v)", name, lat, wait)
	return lat
}

// The waits cover both waiting paths: ~2 ms (a direct ppoll slice when a
// slot is free) and 50 ms (the netpoller).
var cancelWaits = []time.Duration{2 * time.Millisecond, 50 * time.Millisecond}

func TestContextCancelRecv(t *testing.T) {
	_, a, b := ctxTCPPair(t)
	for _, w := range cancelWaits {
		checkCancel(t, "RecvContext", w, func(ctx context.Context) error {
			_, err := b.RecvContext(ctx, 10, 0)
			return err
		})
		checkCancel(t, "RecvIntoContext", w, func(ctx context.Context) error {
			_, err := b.RecvIntoContext(ctx, make([]byte, 10), 0, 0)
			return err
		})
		checkCancel(t, "RecvFromContext", w, func(ctx context.Context) error {
			_, _, err := b.RecvFromContext(ctx, 10, 0)
			return err
		})
		checkCancel(t, "RecvFromIntoContext", w, func(ctx context.Context) error {
			_, _, err := b.RecvFromIntoContext(ctx, make([]byte, 10), 0, 0)
			return err
		})
	}
	// The socket is still usable, in both the context and plain calls.
	if err := a.SendAll([]byte("ping"), 0); err != nil {
		t.Fatal(err)
	}
	got, err := b.RecvContext(context.Background(), 10, 0)
	if err != nil || string(got) != "ping" {
		t.Fatalf("RecvContext after cancels: %q, %v", got, err)
	}
	a.SendAll([]byte("pong"), 0)
	if got, err := b.Recv(10, 0); err != nil || string(got) != "pong" {
		t.Fatalf("Recv after cancels: %q, %v", got, err)
	}
}

func TestContextCancelAccept(t *testing.T) {
	ln, _, _ := ctxTCPPair(t)
	for _, w := range cancelWaits {
		checkCancel(t, "AcceptContext", w, func(ctx context.Context) error {
			c, _, err := ln.AcceptContext(ctx)
			if c != nil {
				c.Close()
			}
			return err
		})
	}
	la, _ := ln.GetSockName()
	c, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(la); err != nil {
		t.Fatal(err)
	}
	s, addr, err := ln.AcceptContext(context.Background())
	if err != nil {
		t.Fatalf("AcceptContext after cancels: %v", err)
	}
	s.Close()
	if addr.(InetAddress).Host != "127.0.0.1" {
		t.Errorf("peer %v", addr)
	}
}

// fillSendBuffer makes a's send buffer (and b's receive buffer) full.
func fillSendBuffer(t *testing.T, a *Socket) int {
	t.Helper()
	a.SetSockOpt(SOL_SOCKET, SO_SNDBUF, 4096)
	if err := a.SetBlocking(false); err != nil {
		t.Fatal(err)
	}
	defer a.SetBlocking(true)
	buf := make([]byte, 65536)
	total := 0
	for i := 0; i < 100000; i++ {
		n, err := a.Send(buf, 0)
		total += n
		if errors.Is(err, syscall.EAGAIN) || isWouldBlock(err) {
			return total
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the send buffer never filled")
	return 0
}

func TestContextCancelSend(t *testing.T) {
	_, a, b := ctxTCPPair(t)
	b.SetSockOpt(SOL_SOCKET, SO_RCVBUF, 4096)
	filled := fillSendBuffer(t, a)
	for _, w := range cancelWaits {
		checkCancel(t, "SendContext", w, func(ctx context.Context) error {
			_, err := a.SendContext(ctx, []byte("x"), 0)
			return err
		})
		checkCancel(t, "SendAllContext", w, func(ctx context.Context) error {
			return a.SendAllContext(ctx, make([]byte, 1<<20), 0)
		})
		checkCancel(t, "SendToContext", w, func(ctx context.Context) error {
			_, err := a.SendToFlagsContext(ctx, []byte("x"), 0, nilAddrFor(a))
			return err
		})
	}
	// Drain the receiver in the background; the next send completes.
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		b.SetTimeout(2 * time.Second)
		for i := 0; i < 100000; i++ {
			n, err := b.RecvInto(buf, 0, 0)
			if err != nil || n == 0 {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.SendAllContext(ctx, []byte("after"), 0); err != nil {
		t.Fatalf("SendAllContext after cancels (filled %d): %v", filled, err)
	}
	a.Shutdown(SHUT_WR)
	<-done
}

// nilAddrFor returns the peer address of a connected socket, for sendto.
func nilAddrFor(s *Socket) Address {
	a, _ := s.GetPeerName()
	return a
}

func TestContextCancelConnect(t *testing.T) {
	// A listener whose accept queue is full drops further SYNs: connect
	// blocks until the kernel retransmits.
	ln, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := ln.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := ln.ListenBacklog(0); err != nil {
		t.Fatal(err)
	}
	la, _ := ln.GetSockName()
	var queued []*Socket
	defer func() {
		for _, s := range queued {
			s.Close()
		}
	}()
	var c *Socket
	for i := 0; i < 16; i++ { // bounded: fill the queue until a connect blocks
		s, err := NewSocket(AF_INET, SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		s.SetTimeout(200 * time.Millisecond)
		err = s.Connect(la)
		if errors.Is(err, ErrTimeout) {
			c = s
			break
		}
		if err != nil {
			s.Close()
			t.Skipf("cannot make connect block on loopback: %v", err)
		}
		queued = append(queued, s)
	}
	if c == nil {
		t.Skip("connect never blocked (this kernel does not drop SYNs for a full queue)")
	}
	defer c.Close()
	c.SetTimeout(NoTimeout)
	for _, w := range cancelWaits {
		checkCancel(t, "ConnectContext", w, func(ctx context.Context) error {
			return c.ConnectContext(ctx, la)
		})
	}
	// Make room; the attempt in progress completes and the next
	// ConnectContext waits for it (EALREADY) instead of failing.
	for i := 0; i < len(queued)+1; i++ {
		ln.SetTimeout(100 * time.Millisecond)
		if s, _, err := ln.Accept(); err == nil {
			s.Close()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = c.ConnectContext(ctx, la)
	if err != nil && !errors.Is(err, syscall.EISCONN) {
		t.Fatalf("ConnectContext after cancels: %v", err)
	}
	if _, err := c.GetPeerName(); err != nil {
		t.Fatalf("not connected after the resumed ConnectContext: %v", err)
	}
}

func TestContextKeepsTimeout(t *testing.T) {
	_, _, b := ctxTCPPair(t)
	if err := b.SetTimeout(150 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// The socket's timeout is earlier than the context's deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := b.RecvContext(ctx, 10, 0)
	el := time.Since(start)
	if !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("socket timeout: %v", err)
	}
	if el < 140*time.Millisecond || el > 2*time.Second {
		t.Errorf("socket timeout fired after %v", el)
	}
	// The context's deadline is earlier than the socket's timeout.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel2()
	start = time.Now()
	_, err = b.RecvContext(ctx2, 10, 0)
	el = time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("context deadline: %v", err)
	}
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("context deadline error %T has no Timeout() true", err)
	}
	if el > 140*time.Millisecond {
		t.Errorf("context deadline fired after %v (the socket timeout is 150 ms)", el)
	}
	if got := b.GetTimeout(); got != 150*time.Millisecond {
		t.Errorf("GetTimeout after context calls = %v", got)
	}
	// An ended context fails at once, without a system call.
	cancel()
	if _, err := b.RecvContext(ctx, 10, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: %v", err)
	}
	// A cause is matched too.
	cause := errors.New("shutting down")
	ctx3, cancel3 := context.WithCancelCause(context.Background())
	cancel3(cause)
	if _, err := b.RecvContext(ctx3, 10, 0); !errors.Is(err, cause) || !errors.Is(err, context.Canceled) {
		t.Errorf("cause: %v", err)
	}
}

func TestContextNonBlocking(t *testing.T) {
	_, _, b := ctxTCPPair(t)
	b.SetBlocking(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := b.RecvContext(ctx, 10, 0)
	if !errors.Is(err, syscall.EAGAIN) && !isWouldBlock(err) {
		t.Errorf("non-blocking RecvContext: %v", err)
	}
}

// Many goroutines blocked on one socket: cancelling one context wakes only
// that call; Close wakes the rest.
func TestContextCancelOneOfMany(t *testing.T) {
	_, _, b := ctxTCPPair(t)
	const n = 8
	ctxs := make([]context.CancelFunc, n)
	errc := make(chan struct {
		i   int
		err error
	}, n)
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i] = cancel
		go func(i int) {
			_, err := b.RecvContext(ctx, 10, 0)
			errc <- struct {
				i   int
				err error
			}{i, err}
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	ctxs[3]()
	select {
	case r := <-errc:
		if r.i != 3 || !errors.Is(r.err, context.Canceled) {
			t.Errorf("woken: %d %v", r.i, r.err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancelled call not woken")
	}
	select {
	case r := <-errc:
		t.Errorf("another call returned: %d %v", r.i, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	b.Close()
	for i := 0; i < n-1; i++ {
		select {
		case r := <-errc:
			if !errors.Is(r.err, errClosedTarget()) {
				t.Errorf("after Close: %v", r.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not wake every call")
		}
	}
	for _, c := range ctxs {
		c()
	}
}
