package socket

// Context variants of the blocking socket methods (a Go-native extra; the
// Python surface is unchanged).
//
// # How cancellation reaches a blocked call
//
// Every context variant runs the same I/O engine as the plain method (the
// socket's timeout mode, EINTR retries, readiness waiting, close wake-up),
// with two additions for that one call:
//
//   - a deadline: the earlier of the context's deadline and the socket's own
//     timeout (the timeout set with SetTimeout is never changed);
//   - an interrupt channel (ctx.Done()) that the waiters check: on unix the
//     netpoller wait and the wait for the poller turn select on it, and a
//     context.AfterFunc pokes the direction's poller deadline so that a
//     goroutine parked in the netpoller wakes at once (a direct ppoll wait
//     notices within its few-millisecond slice); on windows the WSAPoll
//     slices check it.
//
// A cancelled call leaves the socket open and usable: the next call works
// normally. Nothing was transferred by the cancelled call, except that a
// SendAll may have sent a prefix of its data (as when it times out), and a
// cancelled Connect leaves the connection attempt in progress in the
// kernel (as a timed-out one does): ConnectContext called again waits for
// that attempt instead of failing with EALREADY.
//
// # Errors
//
// When the context ends first, the error matches ctx.Err() with errors.Is
// (context.Canceled, context.DeadlineExceeded) and context.Cause(ctx) when
// it differs; an expired context deadline also matches ErrTimeout and
// os.ErrDeadlineExceeded and reports Timeout() == true. Otherwise the
// errors are those of the plain method. A context that has already ended
// when the call starts fails at once, without a system call. In
// non-blocking mode (timeout 0) the context cannot matter: the call never
// waits.

import (
	"context"
	"errors"
	"os"
	"time"
)

// errInterrupted is the wait machinery's result when an operation's
// interrupt channel (ioOp.intr on unix) was closed while it waited.
var errInterrupted = errors.New("socket: wait interrupted")

// opCtl carries what one call adds to the socket's own timeout mode.
type opCtl struct {
	deadline time.Time       // zero: none
	intr     <-chan struct{} // closed: stop waiting; nil: never
	blocking bool            // wait even in non-blocking mode (net.Conn)
	dir      int             // the direction whose waiter is poked
}

// effective returns the timeout mode and the absolute deadline for one call
// starting now under the socket's current timeout.
func (c *opCtl) effective(s *Socket) (time.Duration, time.Time) {
	timeout := s.timeoutValue()
	if timeout == 0 && c.blocking {
		timeout = NoTimeout
	}
	dl := c.deadline
	if timeout > 0 {
		if t := time.Now().Add(timeout); dl.IsZero() || t.Before(dl) {
			dl = t
		}
	}
	return timeout, dl
}

// interrupted reports whether c's interrupt channel is closed.
func (c *opCtl) interrupted() bool {
	if c.intr == nil {
		return false
	}
	select {
	case <-c.intr:
		return true
	default:
		return false
	}
}

// contextError is the error of a call whose context ended first.
type contextError struct {
	op    string
	err   error // ctx.Err()
	cause error // context.Cause(ctx) when it differs, else nil
}

func (e *contextError) Error() string {
	msg := e.err.Error()
	if e.cause != nil {
		msg = e.cause.Error()
	}
	return e.op + ": " + msg
}

func (e *contextError) Unwrap() []error {
	errs := []error{e.err}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	if e.err == context.DeadlineExceeded {
		errs = append(errs, ErrTimeout)
	}
	return errs
}

// Timeout reports whether the context's deadline expired (net.Error style).
func (e *contextError) Timeout() bool { return e.err == context.DeadlineExceeded }

// Temporary reports the same as Timeout (net.Error style).
func (e *contextError) Temporary() bool { return e.Timeout() }

func newContextError(ctx context.Context, op string, ctxErr error) error {
	e := &contextError{op: op, err: ctxErr}
	if c := context.Cause(ctx); c != nil && c != ctxErr {
		e.cause = c
	}
	return e
}

// withContext runs f (one engine call) under ctx: the context's deadline
// and Done channel go into the opCtl, a context.AfterFunc wakes a waiter
// parked in the netpoller, and the result is mapped to the context's error
// when the context ended first.
func (s *Socket) withContext(ctx context.Context, op string, dir int, f func(c *opCtl) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	c := opCtl{dir: dir}
	done := ctx.Done()
	if done == nil { // never cancelled: the plain method's path
		return f(&c)
	}
	if err := contextEnded(ctx); err != nil {
		return newContextError(ctx, op, err)
	}
	c.deadline, _ = ctx.Deadline()
	c.intr = done
	stop := context.AfterFunc(ctx, func() { s.pokeWaiter(dir) })
	err := f(&c)
	stop()
	if err == nil {
		return nil
	}
	if err == errInterrupted || errors.Is(err, ErrTimeout) || errors.Is(err, os.ErrDeadlineExceeded) {
		if ctxErr := contextEnded(ctx); ctxErr != nil {
			return newContextError(ctx, op, ctxErr)
		}
	}
	if err == errInterrupted { // cannot happen without the context ending
		return newContextError(ctx, op, context.Canceled)
	}
	return err
}

// ConnectContext is Connect (Python's connect) bounded by ctx; see the
// package's notes on context variants (context.go). A connection attempt
// left in progress by a cancelled ConnectContext (or by a timeout) is
// resumed by the next ConnectContext to the same address: it waits for the
// attempt's outcome instead of failing with EALREADY.
func (s *Socket) ConnectContext(ctx context.Context, addr Address) error {
	return s.withContext(ctx, "connect", dirWrite, func(c *opCtl) error { return s.connectCtl("connect", addr, c) })
}

// AcceptContext is Accept (Python's accept) bounded by ctx.
func (s *Socket) AcceptContext(ctx context.Context) (conn *Socket, address Address, err error) {
	err = s.withContext(ctx, "accept", dirRead, func(c *opCtl) error {
		var err error
		conn, address, err = s.acceptCtl(c)
		return err
	})
	return conn, address, err
}

// RecvContext is Recv (Python's recv) bounded by ctx.
func (s *Socket) RecvContext(ctx context.Context, bufsize int, flags MsgFlag) ([]byte, error) {
	if bufsize < 0 {
		return nil, &ValueError{Msg: "negative buffersize in recv"}
	}
	b := make([]byte, bufsize)
	var n int
	err := s.withContext(ctx, "recv", dirRead, func(c *opCtl) error {
		var err error
		n, err = s.recvCtl(b, flags, "recv", c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// RecvIntoContext is RecvInto (Python's recv_into) bounded by ctx.
func (s *Socket) RecvIntoContext(ctx context.Context, buf []byte, nbytes int, flags MsgFlag) (int, error) {
	if nbytes < 0 {
		return 0, &ValueError{Msg: "negative buffersize in recv_into"}
	}
	if nbytes > len(buf) {
		return 0, &ValueError{Msg: "buffer too small for requested bytes"}
	}
	if nbytes == 0 {
		nbytes = len(buf)
	}
	var n int
	err := s.withContext(ctx, "recv_into", dirRead, func(c *opCtl) error {
		var err error
		n, err = s.recvCtl(buf[:nbytes], flags, "recv_into", c)
		return err
	})
	return n, err
}

// RecvFromContext is RecvFrom (Python's recvfrom) bounded by ctx.
func (s *Socket) RecvFromContext(ctx context.Context, bufsize int, flags MsgFlag) ([]byte, Address, error) {
	if bufsize < 0 {
		return nil, nil, &ValueError{Msg: "negative buffersize in recvfrom"}
	}
	b := make([]byte, bufsize)
	var n int
	var a Address
	err := s.withContext(ctx, "recvfrom", dirRead, func(c *opCtl) error {
		var err error
		n, a, err = s.recvFromCtl(b, flags, "recvfrom", c)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return b[:n], a, nil
}

// RecvFromIntoContext is RecvFromInto (Python's recvfrom_into) bounded by
// ctx.
func (s *Socket) RecvFromIntoContext(ctx context.Context, buf []byte, nbytes int, flags MsgFlag) (int, Address, error) {
	if nbytes < 0 {
		return 0, nil, &ValueError{Msg: "negative buffersize in recvfrom_into"}
	}
	if nbytes > len(buf) {
		return 0, nil, &ValueError{Msg: "nbytes is greater than the length of the buffer"}
	}
	if nbytes == 0 {
		nbytes = len(buf)
	}
	var n int
	var a Address
	err := s.withContext(ctx, "recvfrom_into", dirRead, func(c *opCtl) error {
		var err error
		n, a, err = s.recvFromCtl(buf[:nbytes], flags, "recvfrom_into", c)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return n, a, nil
}

// SendContext is Send (Python's send) bounded by ctx.
func (s *Socket) SendContext(ctx context.Context, data []byte, flags MsgFlag) (int, error) {
	var n int
	err := s.withContext(ctx, "send", dirWrite, func(c *opCtl) error {
		var err error
		n, err = s.sendCtl(data, flags, "send", c)
		return err
	})
	return n, err
}

// SendAllContext is SendAll (Python's sendall) bounded by ctx: the socket's
// timeout, if any, bounds the whole call as in SendAll. When it fails, a
// prefix of data may have been sent.
func (s *Socket) SendAllContext(ctx context.Context, data []byte, flags MsgFlag) error {
	return s.withContext(ctx, "sendall", dirWrite, func(c *opCtl) error {
		_, err := s.sendAllCtl(data, flags, "sendall", c)
		return err
	})
}

// SendToContext is SendTo (Python's sendto(bytes, address)) bounded by ctx.
func (s *Socket) SendToContext(ctx context.Context, data []byte, addr Address) (int, error) {
	return s.SendToFlagsContext(ctx, data, 0, addr)
}

// SendToFlagsContext is SendToFlags (Python's sendto(bytes, flags,
// address)) bounded by ctx.
func (s *Socket) SendToFlagsContext(ctx context.Context, data []byte, flags MsgFlag, addr Address) (int, error) {
	var n int
	err := s.withContext(ctx, "sendto", dirWrite, func(c *opCtl) error {
		var err error
		n, err = s.sendToCtl(data, flags, addr, c)
		return err
	})
	return n, err
}

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
