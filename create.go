package socket

// create_connection, create_server and has_dualstack_ipv6.

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"time"
)

// ---- create_connection ----

// ConnectionOption is an optional argument of CreateConnection (Python's
// timeout, source_address and all_errors).
type ConnectionOption func(*connectionOptions)

type connectionOptions struct {
	timeout    time.Duration
	hasTimeout bool
	source     Address
	allErrors  bool
}

// WithTimeout is create_connection's timeout: set on each socket before
// it connects, so it bounds every connection attempt separately (and
// stays the socket's timeout). NoTimeout is Python's None (blocking);
// without this option the socket keeps the module default
// (GetDefaultTimeout), as in Python.
func WithTimeout(d time.Duration) ConnectionOption {
	return func(o *connectionOptions) { o.timeout, o.hasTimeout = d, true }
}

// WithSourceAddress is create_connection's source_address: each socket is
// bound to addr before it connects (InetAddress{"", 0} leaves the choice to
// the OS, as Python's ("", 0) does). nil means no binding.
func WithSourceAddress(addr Address) ConnectionOption {
	return func(o *connectionOptions) { o.source = addr }
}

// WithAllErrors is create_connection's all_errors (Python 3.11): when every
// attempt fails, the error is an *ExceptionGroup holding each attempt's
// error in order, instead of the last attempt's error alone.
func WithAllErrors(all bool) ConnectionOption {
	return func(o *connectionOptions) { o.allErrors = all }
}

// ExceptionGroup is Python's ExceptionGroup as create_connection raises it
// with all_errors=True: Msg is "create_connection failed" and Errors are
// the attempts' errors in order. errors.Is and errors.As look into every
// one of them.
type ExceptionGroup struct {
	Msg    string
	Errors []error
}

// Error reads as Python's str(ExceptionGroup): "create_connection failed
// (2 sub-exceptions)".
func (e *ExceptionGroup) Error() string {
	s := " sub-exceptions)"
	if len(e.Errors) == 1 {
		s = " sub-exception)"
	}
	return e.Msg + " (" + strconv.Itoa(len(e.Errors)) + s
}

// Unwrap returns the attempts' errors.
func (e *ExceptionGroup) Unwrap() []error { return e.Errors }

// isPythonOSError reports whether Python's "except OSError" would catch
// the error (OSError and its subclasses: timeout, gaierror, herror).
func isPythonOSError(err error) bool {
	var (
		oe *OSError
		te *TimeoutError
		ge *GAIError
		he *HError
	)
	return errors.As(err, &oe) || errors.As(err, &te) || errors.As(err, &ge) || errors.As(err, &he)
}

// CreateConnection is Python's socket.create_connection((host, port),
// timeout, source_address, all_errors=...): it resolves host and port with
// GetAddrInfo(host, port, 0, SOCK_STREAM, 0, 0) (IPv4 and IPv6) and tries
// each address in turn until a connection succeeds, returning the
// connected socket.
//
// Errors, as in Python: a failed lookup is returned as is (*GAIError);
// when every attempt fails, the last attempt's error (*OSError such as
// ECONNREFUSED, ErrTimeout, ...), or with WithAllErrors(true) an
// *ExceptionGroup of all of them. An error Python does not catch there
// (*ValueError, *OverflowError, *TypeError, e.g. from a bad timeout or
// source address) is returned at once.
func CreateConnection(host string, port int, opts ...ConnectionOption) (*Socket, error) {
	return CreateConnectionContext(context.Background(), host, port, opts...)
}

// CreateConnectionContext is CreateConnection with a context: it bounds
// the lookup and every connection attempt. When the context ends, the
// attempt in progress is abandoned (its socket closed) and the error
// matches ctx.Err() with errors.Is.
func CreateConnectionContext(ctx context.Context, host string, port int, opts ...ConnectionOption) (*Socket, error) {
	var o connectionOptions
	for _, f := range opts {
		f(&o)
	}
	infos, err := GetAddrInfoContext(ctx, host, port, 0, SOCK_STREAM, 0, 0)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ai := range infos {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := connectAttempt(ctx, ai, &o)
		if err == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !isPythonOSError(err) {
			return nil, err
		}
		if !o.allErrors {
			errs = errs[:0]
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, &OSError{Op: "create_connection", Msg: "getaddrinfo returns an empty list"}
	}
	if !o.allErrors {
		return nil, errs[0]
	}
	return nil, &ExceptionGroup{Msg: "create_connection failed", Errors: errs}
}

// connectAttempt is one iteration of create_connection's loop.
func connectAttempt(ctx context.Context, ai AddrInfo, o *connectionOptions) (*Socket, error) {
	s, err := NewSocket(ai.Family, ai.Type, ai.Proto)
	if err != nil {
		return nil, err
	}
	if o.hasTimeout {
		if err := s.SetTimeout(o.timeout); err != nil {
			s.Close()
			return nil, err
		}
	}
	if o.source != nil {
		if err := s.Bind(o.source); err != nil {
			s.Close()
			return nil, err
		}
	}
	// Closing the socket wakes a connect blocked in it.
	stop := context.AfterFunc(ctx, func() { s.Close() })
	err = s.Connect(ai.Addr)
	if !stop() {
		s.Close()
		return nil, ctx.Err()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ---- create_server ----

// ServerOption is an optional keyword argument of CreateServer.
type ServerOption func(*serverOptions)

type serverOptions struct {
	family     AddressFamily
	backlog    int
	hasBacklog bool
	reusePort  bool
	dualstack  bool
}

// WithFamily is create_server's family (AF_INET, the default, or
// AF_INET6).
func WithFamily(family AddressFamily) ServerOption {
	return func(o *serverOptions) { o.family = family }
}

// WithBacklog is create_server's backlog: passed to listen(backlog) as
// given (0 lets the OS choose its minimum, as in Python). Without it,
// Python's backlog=None: Listen() with its default min(SOMAXCONN, 128).
func WithBacklog(backlog int) ServerOption {
	return func(o *serverOptions) { o.backlog, o.hasBacklog = backlog, true }
}

// WithReusePort is create_server's reuse_port: set SO_REUSEPORT (a
// *ValueError where the platform has no SO_REUSEPORT).
func WithReusePort(reuse bool) ServerOption {
	return func(o *serverOptions) { o.reusePort = reuse }
}

// WithDualstackIPv6 is create_server's dualstack_ipv6: one AF_INET6 socket
// that also accepts IPv4 connections (their peers appear as IPv4-mapped
// addresses, '::ffff:127.0.0.1'). It needs WithFamily(AF_INET6) and a
// platform where HasDualstackIPv6 is true, else it is a *ValueError.
func WithDualstackIPv6(dualstack bool) ServerOption {
	return func(o *serverOptions) { o.dualstack = dualstack }
}

// BindError is the error of CreateServer's bind, which Python re-raises
// as OSError(errno, "<strerror> (while attempting to bind on address
// ('host', port))"). Err is the original error (an *OSError, or a
// *GAIError for a host name that does not resolve), so errors.Is(err,
// syscall.EADDRINUSE) holds as for Bind.
type BindError struct {
	Address InetAddress
	Err     error
}

// Error reads as Python's str() of the re-raised OSError.
func (e *BindError) Error() string {
	errno, text := "None", "None"
	var (
		oe *OSError
		ge *GAIError
		he *HError
	)
	switch {
	case errors.As(e.Err, &oe) && oe.Errno != 0:
		errno, text = strconv.Itoa(int(oe.Errno)), strerror(oe.Errno)
	case errors.As(e.Err, &ge):
		errno, text = strconv.Itoa(ge.Code), ge.Msg
	case errors.As(e.Err, &he):
		errno, text = strconv.Itoa(he.Code), he.Msg
	}
	return "[Errno " + errno + "] " + text + " (while attempting to bind on address " + e.Address.String() + ")"
}

// Unwrap returns the bind error.
func (e *BindError) Unwrap() error { return e.Err }

// CreateServer is Python's socket.create_server((host, port), family=,
// backlog=, reuse_port=, dualstack_ipv6=): a TCP socket bound to host:port
// ("" for every interface) and listening. On POSIX it sets SO_REUSEADDR
// first; on AF_INET6 it sets IPV6_V6ONLY to 0 with WithDualstackIPv6(true)
// and explicitly to 1 otherwise (Linux's default is dual-stack). A bind
// failure is a *BindError; every failure closes the socket.
func CreateServer(host string, port int, opts ...ServerOption) (*Socket, error) {
	o := serverOptions{family: AF_INET}
	for _, f := range opts {
		f(&o)
	}
	reusePort, haveReusePort := LookupConstant("SO_REUSEPORT")
	if o.reusePort && !haveReusePort {
		return nil, &ValueError{Msg: "SO_REUSEPORT not supported on this platform"}
	}
	if o.dualstack {
		if !HasDualstackIPv6() {
			return nil, &ValueError{Msg: "dualstack_ipv6 not supported on this platform"}
		}
		if o.family != AF_INET6 {
			return nil, &ValueError{Msg: "dualstack_ipv6 requires AF_INET6 family"}
		}
	}
	s, err := NewSocket(o.family, SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	if err := setupServer(s, &o, host, port, int(reusePort)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func setupServer(s *Socket, o *serverOptions, host string, port int, reusePort int) error {
	if reuseAddr, ok := LookupConstant("SO_REUSEADDR"); ok && runtime.GOOS != "windows" {
		// A failure here shows up at bind, as in Python.
		_ = s.SetSockOpt(SOL_SOCKET, int(reuseAddr), 1)
	}
	if o.reusePort {
		if err := s.SetSockOpt(SOL_SOCKET, reusePort, 1); err != nil {
			return err
		}
	}
	if HasIPv6 && o.family == AF_INET6 {
		level, okLevel := LookupConstant("IPPROTO_IPV6")
		v6only, okOpt := LookupConstant("IPV6_V6ONLY")
		if o.dualstack {
			if err := s.SetSockOpt(int(level), int(v6only), 0); err != nil {
				return err
			}
		} else if okLevel && okOpt {
			if err := s.SetSockOpt(int(level), int(v6only), 1); err != nil {
				return err
			}
		}
	}
	addr := InetAddress{Host: host, Port: port}
	if err := s.Bind(addr); err != nil {
		if isPythonOSError(err) {
			return &BindError{Address: addr, Err: err}
		}
		return err
	}
	if o.hasBacklog {
		return s.ListenBacklog(o.backlog)
	}
	return s.Listen()
}

// HasDualstackIPv6 is Python's socket.has_dualstack_ipv6(): whether a TCP
// socket can accept both IPv4 and IPv6 connections (an AF_INET6 socket
// accepts IPV6_V6ONLY = 0).
func HasDualstackIPv6() bool {
	level, ok1 := LookupConstant("IPPROTO_IPV6")
	v6only, ok2 := LookupConstant("IPV6_V6ONLY")
	if !HasIPv6 || !ok1 || !ok2 {
		return false
	}
	s, err := NewSocket(AF_INET6, SOCK_STREAM, 0)
	if err != nil {
		return false
	}
	defer s.Close()
	return s.SetSockOpt(int(level), int(v6only), 0) == nil
}
