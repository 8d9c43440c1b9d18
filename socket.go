// Package socket is Python's socket module for Go: the same functions,
// constants, socket methods and semantics, with every platform fact
// (constant values, sockaddr layouts) generated from a declarative spec.
//
// # Sockets
//
// NewSocket is Python's socket(); the *Socket methods are the socket
// object's methods under Go names (recv_into → RecvInto, connect_ex →
// ConnectEx, getsockopt(level, opt, buflen) → GetSockOptBytes, ...).
// Optional Python arguments are explicit Go parameters, with Python's
// default spelled 0 (flags, nbytes).
//
// Python's blocking / non-blocking / timeout modes are the Socket's own
// state (see NoTimeout and SetTimeout); the descriptor is O_NONBLOCK at the
// OS level, with one exception on Linux: in a process with GOMAXPROCS=1, a
// socket in blocking mode that this package created (NewSocket, Accept,
// SocketPair; AF_INET, AF_INET6, AF_UNIX) blocks in the receive or send
// system call itself, as CPython's blocking sockets do: its descriptor may
// then be in blocking mode with SO_RCVTIMEO and SO_SNDTIMEO set to 10 ms
// (Dup, MakeFile, Detach and a getsockopt or setsockopt of SO_RCVTIMEO or
// SO_SNDTIMEO restore O_NONBLOCK and the kernel's timeouts for good; see
// blockio_linux.go). A goroutine blocked in Accept, Recv*, Send* or
// Connect is woken at once, with an *OSError EBADF that matches
// net.ErrClosed, when another goroutine closes the socket; the fd is closed
// when the last operation using it has left, so its number cannot be reused
// under a running operation. Blocked goroutines do not hold OS threads
// (beyond a small fixed number that wait directly for latency). EINTR never
// reaches the caller (PEP 475).
//
// # Errors
//
// See errors.go's table: *OSError (errors.Is(err, syscall.ECONNREFUSED),
// net.ErrClosed for a closed socket, EAGAIN for Python's BlockingIOError),
// ErrTimeout (also os.ErrDeadlineExceeded), *GAIError, *HError, and
// *ValueError, *OverflowError, *TypeError for Python's argument errors.
package socket

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Socket is Python's socket object. Its methods are safe for concurrent
// use.
type Socket struct {
	fd      *netFD
	family  AddressFamily
	typ     SocketKind
	proto   int
	timeout atomic.Int64 // time.Duration; NoTimeout, 0 or > 0
	cleanup runtime.Cleanup
}

// SocketType is Python's socket.SocketType: the socket object's type.
type SocketType = Socket

// Family returns the socket's address family (Python's socket.family).
func (s *Socket) Family() AddressFamily { return s.family }

// Type returns the socket's type (Python's socket.type), without the
// SOCK_NONBLOCK and SOCK_CLOEXEC flags.
func (s *Socket) Type() SocketKind { return s.typ }

// Proto returns the socket's protocol (Python's socket.proto).
func (s *Socket) Proto() int { return s.proto }

// String describes the socket like Python's repr.
func (s *Socket) String() string {
	return "<socket.socket fd=" + itoa(s.Fileno()) + ", family=" + itoa(int(s.family)) +
		", type=" + itoa(int(s.typ)) + ", proto=" + itoa(s.proto) + ">"
}

func (s *Socket) timeoutValue() time.Duration { return time.Duration(s.timeout.Load()) }

// GetTimeout returns the socket's timeout: NoTimeout (Python's None) in
// blocking mode, 0 in non-blocking mode, else the timeout. It works on a
// closed socket, as in Python.
func (s *Socket) GetTimeout() time.Duration { return s.timeoutValue() }

// GetBlocking is Python's getblocking: false in non-blocking mode (timeout
// 0), true in blocking and timeout modes, as CPython.
func (s *Socket) GetBlocking() bool { return s.timeoutValue() != 0 }

// SetTimeout sets the socket's mode: NoTimeout (blocking), 0 (non-blocking)
// or a positive timeout. Another negative value is a *ValueError; on a
// closed socket it is an *OSError EBADF, as in Python.
func (s *Socket) SetTimeout(d time.Duration) error {
	if err := checkTimeout(d); err != nil {
		return err
	}
	if s.fd.isClosed() {
		return errClosed("settimeout")
	}
	s.timeout.Store(int64(d))
	return nil
}

// SetTimeoutSeconds is SetTimeout with Python's float seconds and checks
// (see SecondsToTimeout). Use SetTimeout(NoTimeout) for Python's None.
func (s *Socket) SetTimeoutSeconds(sec float64) error {
	d, err := SecondsToTimeout(sec)
	if err != nil {
		return err
	}
	return s.SetTimeout(d)
}

// SetBlocking is Python's setblocking: true is SetTimeout(NoTimeout), false
// is SetTimeout(0).
func (s *Socket) SetBlocking(flag bool) error {
	if flag {
		return s.SetTimeout(NoTimeout)
	}
	return s.SetTimeout(0)
}

// defaultBacklog is CPython's listen() default: min(SOMAXCONN, 128).
const defaultBacklog = min(SOMAXCONN, 128)

// Listen is Python's listen() without a backlog: CPython's default
// min(SOMAXCONN, 128).
func (s *Socket) Listen() error { return s.ListenBacklog(defaultBacklog) }

func itoa(v int) string {
	if v < 0 {
		return "-" + uitoa(uint(-v))
	}
	return uitoa(uint(v))
}

func uitoa(v uint) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// ---- receiving: Python's argument rules, then the per-OS recv/recvFrom ----

// Recv receives up to bufsize bytes (Python's recv(bufsize, flags)). A
// negative bufsize is a *ValueError; bufsize 0 returns an empty slice at
// once, without a system call (as CPython).
func (s *Socket) Recv(bufsize int, flags MsgFlag) ([]byte, error) {
	if bufsize < 0 {
		return nil, &ValueError{Msg: "negative buffersize in recv"}
	}
	b := make([]byte, bufsize)
	n, err := s.recv(b, 0, flags, "recv")
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// intoN applies the nbytes argument of recv_into and recvfrom_into (op):
// 0 is all of buf.
func intoN(buf []byte, nbytes int, op string) ([]byte, error) {
	if nbytes < 0 {
		return nil, &ValueError{Msg: "negative buffersize in " + op}
	}
	if nbytes > len(buf) {
		if op == "recv_into" {
			return nil, &ValueError{Msg: "buffer too small for requested bytes"}
		}
		return nil, &ValueError{Msg: "nbytes is greater than the length of the buffer"}
	}
	if nbytes == 0 {
		return buf, nil
	}
	return buf[:nbytes], nil
}

// RecvFrom receives up to bufsize bytes and the sender's address (Python's
// recvfrom). The address is nil when the kernel reports none (Python's
// None, e.g. on a connected stream socket).
func (s *Socket) RecvFrom(bufsize int, flags MsgFlag) ([]byte, Address, error) {
	if bufsize < 0 {
		return nil, nil, &ValueError{Msg: "negative buffersize in recvfrom"}
	}
	b := make([]byte, bufsize)
	n, a, err := s.recvFrom(b, 0, flags, "recvfrom")
	if err != nil {
		return nil, nil, err
	}
	return b[:n], a, nil
}
