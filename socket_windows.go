//go:build windows

package socket

// The socket object on Winsock (see fd_windows.go for ownership and
// waiting), with Python's Windows behaviour: errors carry the WSA error
// codes (errors.Is(err, windows.WSAECONNREFUSED)), a non-blocking connect
// in progress is WSAEWOULDBLOCK (Python's BlockingIOError [WinError
// 10035]), socketpair is built from a loopback listener as CPython's
// socket.py does, and the methods Windows lacks (recvmsg, sendmsg,
// send_fds, recv_fds, ...) return an error matching errors.ErrUnsupported.

import (
	"errors"
	"math"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// wsaFlags are the WSASocketW flags of every socket we create, as CPython:
// overlapped-capable and not inheritable.
const wsaFlags = windows.WSA_FLAG_OVERLAPPED | windows.WSA_FLAG_NO_HANDLE_INHERIT

// newSocketFD wraps a handle the package owns (already non-blocking).
func newSocketFD(h windows.Handle, family AddressFamily, typ SocketKind, proto int, timeout time.Duration) *Socket {
	s := &Socket{fd: newNetFD(h), family: family, typ: typ, proto: proto}
	s.timeout.Store(int64(timeout))
	s.cleanup = runtime.AddCleanup(s, (*netFD).closeUnreachable, s.fd)
	return s
}

// closeUnreachable closes the handle of a Socket that was garbage
// collected without Close.
func (fd *netFD) closeUnreachable() {
	if fd.markClosed() {
		windows.Closesocket(fd.sysfd)
	}
}

// adopt makes h non-blocking and wraps it; it closes h on failure.
func adopt(op string, h windows.Handle, family AddressFamily, typ SocketKind, proto int, timeout time.Duration) (*Socket, error) {
	if err := setNonblock(h, true); err != nil {
		windows.Closesocket(h)
		return nil, wrapErrno(op, err)
	}
	return newSocketFD(h, family, typ, proto, timeout), nil
}

// NewSocket creates a socket (Python's socket(family, type, proto)): a
// non-inheritable Winsock socket with the module default timeout.
func NewSocket(family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	if err := checkCInts(int(family), int(typ), proto); err != nil {
		return nil, err
	}
	h, err := windows.WSASocket(int32(family), int32(typ), int32(proto), nil, 0, wsaFlags)
	if err != nil {
		return nil, wrapErrno("socket", err)
	}
	return adopt("socket", h, family, typ, proto, GetDefaultTimeout())
}

// protocolInfo reads a socket's WSAPROTOCOL_INFOW (SO_PROTOCOL_INFOW).
func protocolInfo(h windows.Handle) (*windows.WSAProtocolInfo, error) {
	var info windows.WSAProtocolInfo
	n := int32(unsafe.Sizeof(info))
	if err := windows.Getsockopt(h, SOL_SOCKET, SO_PROTOCOL_INFOW, (*byte)(unsafe.Pointer(&info)), &n); err != nil {
		return nil, err
	}
	return &info, nil
}

// SocketFromFD is Python's socket(fileno=handle): a Socket owning the
// handle itself, with family, type and protocol read from it
// (SO_PROTOCOL_INFOW, as CPython on Windows).
func SocketFromFD(fd int) (*Socket, error) { return SocketFromFDAs(fd, -1, -1, -1) }

// SocketFromFDAs is SocketFromFD with explicit family, type and protocol
// (-1: read it from the handle).
func SocketFromFDAs(fd int, family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	if fd < 0 {
		return nil, &ValueError{Msg: "negative file descriptor"}
	}
	h := windows.Handle(fd)
	if family < 0 || typ < 0 || proto < 0 {
		info, err := protocolInfo(h)
		if err != nil {
			return nil, wrapErrno("socket", err)
		}
		if family < 0 {
			family = AddressFamily(info.AddressFamily)
		}
		if typ < 0 {
			typ = SocketKind(info.SocketType)
		}
		if proto < 0 {
			proto = int(info.Protocol)
		}
	}
	if err := setNonblock(h, true); err != nil {
		return nil, wrapErrno("socket", err)
	}
	return newSocketFD(h, family, typ, proto, GetDefaultTimeout()), nil
}

// dupHandle duplicates a socket handle within this process
// (WSADuplicateSocketW + WSASocketW, as CPython's socket.dup on Windows).
func dupHandle(h windows.Handle) (windows.Handle, *windows.WSAProtocolInfo, error) {
	var info windows.WSAProtocolInfo
	if err := windows.WSADuplicateSocket(h, windows.GetCurrentProcessId(), &info); err != nil {
		return 0, nil, err
	}
	nh, err := windows.WSASocket(fromProtocolInfo, fromProtocolInfo, fromProtocolInfo, &info, 0, wsaFlags)
	if err != nil {
		return 0, nil, err
	}
	return nh, &info, nil
}

// FromFd is Python's socket.fromfd: a Socket on a duplicate of the handle
// (the caller keeps it), with the given family, type and protocol.
func FromFd(fd int, family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	if fd < 0 {
		return nil, &ValueError{Msg: "negative file descriptor"}
	}
	nh, _, err := dupHandle(windows.Handle(fd))
	if err != nil {
		return nil, wrapErrno("fromfd", err)
	}
	return adopt("fromfd", nh, family, typ, proto, GetDefaultTimeout())
}

// SocketPair is Python's socketpair on Windows (socket.py's emulation): a
// listening loopback socket, a connection to it, the accepted socket, and a
// check that the two ends are each other's peers. family 0 means AF_INET,
// typ 0 SOCK_STREAM; other families, types and protocols are a
// *ValueError, as in Python. It returns (server side, client side).
func SocketPair(family AddressFamily, typ SocketKind, proto int) (*Socket, *Socket, error) {
	if err := checkCInts(int(family), int(typ), proto); err != nil {
		return nil, nil, err
	}
	if family == 0 {
		family = AF_INET
	}
	if typ == 0 {
		typ = SOCK_STREAM
	}
	var host string
	switch family {
	case AF_INET:
		host = "127.0.0.1"
	case AF_INET6:
		host = "::1"
	default:
		return nil, nil, &ValueError{Msg: "Only AF_INET and AF_INET6 socket address families are supported"}
	}
	if typ != SOCK_STREAM {
		return nil, nil, &ValueError{Msg: "Only SOCK_STREAM socket type is supported"}
	}
	if proto != 0 {
		return nil, nil, &ValueError{Msg: "Only protocol zero is supported"}
	}
	lsock, err := NewSocket(family, typ, proto)
	if err != nil {
		return nil, nil, err
	}
	defer lsock.Close()
	// The pair gets the module default timeout; the setup itself blocks.
	lsock.SetTimeout(NoTimeout)
	var laddr Address = InetAddress{Host: host}
	if family == AF_INET6 {
		laddr = Inet6Address{Host: host}
	}
	if err := lsock.Bind(laddr); err != nil {
		return nil, nil, err
	}
	if err := lsock.Listen(); err != nil {
		return nil, nil, err
	}
	addr, err := lsock.GetSockName()
	if err != nil {
		return nil, nil, err
	}
	csock, err := NewSocket(family, typ, proto)
	if err != nil {
		return nil, nil, err
	}
	deftimeout := csock.timeoutValue()
	csock.SetTimeout(0)
	if err := csock.Connect(addr); err != nil && !errors.Is(err, windows.WSAEWOULDBLOCK) && !errors.Is(err, windows.WSAEINTR) {
		csock.Close()
		return nil, nil, err
	}
	csock.SetTimeout(NoTimeout)
	ssock, _, err := lsock.Accept()
	if err != nil {
		csock.Close()
		return nil, nil, err
	}
	// Authenticate: the accepted connection must be ours.
	sname, err1 := ssock.GetSockName()
	cpeer, err2 := csock.GetPeerName()
	cname, err3 := csock.GetSockName()
	speer, err4 := ssock.GetPeerName()
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		ssock.Close()
		csock.Close()
		return nil, nil, err
	}
	if sname.String() != cpeer.String() || cname.String() != speer.String() {
		ssock.Close()
		csock.Close()
		return nil, nil, &OSError{Op: "socketpair", Msg: "Unexpected peer connection"}
	}
	csock.timeout.Store(int64(deftimeout))
	ssock.timeout.Store(int64(deftimeout))
	return ssock, csock, nil
}

// Close is Python's socket.close(fd): close a socket handle.
func Close(fd int) error {
	if err := windows.Closesocket(windows.Handle(fd)); err != nil {
		return wrapErrno("close", err)
	}
	return nil
}

// ---- the I/O loop ----

// loop runs call under the socket's timeout mode: retried after a wait for
// dir-readiness on WSAEWOULDBLOCK (blocking and timeout modes), returned
// at once in non-blocking mode. deadline, if not zero, overrides the
// timeout (SendAll's total deadline).
func (s *Socket) loop(op string, dir int, deadline time.Time, call func(h windows.Handle) (int, syscall.Errno)) (int, error) {
	if !s.fd.incref() {
		return 0, errClosed(op)
	}
	defer s.fd.decref()
	timeout := s.timeoutValue()
	if timeout > 0 && deadline.IsZero() {
		deadline = time.Now().Add(timeout)
	}
	for {
		if s.fd.isClosed() {
			return 0, errClosed(op)
		}
		n, e := call(s.fd.sysfd)
		if e == 0 {
			return n, nil
		}
		if e == windows.WSAEINTR {
			continue
		}
		if e != windows.WSAEWOULDBLOCK || timeout == 0 {
			return 0, s.errnoError(op, e)
		}
		if err := s.fd.wait(dir, deadline, nil); err != nil {
			return 0, s.waitError(op, err)
		}
	}
}

func (s *Socket) errnoError(op string, e syscall.Errno) error {
	if s.fd.isClosed() {
		return errClosed(op)
	}
	return &OSError{Op: op, Errno: e}
}

func (s *Socket) waitError(op string, err error) error {
	if err == errClosedSentinel || s.fd.isClosed() {
		return errClosed(op)
	}
	return err
}

// withFD runs f with the handle held valid.
func (s *Socket) withFD(op string, f func(h windows.Handle) error) error {
	if !s.fd.incref() {
		return errClosed(op)
	}
	defer s.fd.decref()
	return wrapErrno(op, f(s.fd.sysfd))
}

// ---- methods ----

// Fileno returns the socket's handle (Python's fileno()), or -1 once
// closed or detached.
func (s *Socket) Fileno() int {
	if s.fd.isClosed() {
		return -1
	}
	return int(s.fd.sysfd)
}

// Close closes the socket (Python's close). Operations blocked in other
// goroutines return EBADF (net.ErrClosed) within a few milliseconds; the
// handle is closed when they have left, before Close returns.
func (s *Socket) Close() error {
	if !s.fd.markClosed() {
		return nil
	}
	s.cleanup.Stop()
	if err := windows.Closesocket(s.fd.sysfd); err != nil && !errors.Is(err, windows.WSAECONNRESET) {
		return wrapErrno("close", err)
	}
	return nil
}

// Detach puts the socket in the closed state without closing the handle
// and returns it (-1 if already closed). The handle stays non-blocking.
func (s *Socket) Detach() int {
	if !s.fd.markClosed() {
		return -1
	}
	s.cleanup.Stop()
	return int(s.fd.sysfd)
}

// Dup duplicates the socket (WSADuplicateSocketW; non-inheritable; same
// timeout).
func (s *Socket) Dup() (*Socket, error) {
	var nh windows.Handle
	err := s.withFD("dup", func(h windows.Handle) error {
		var err error
		nh, _, err = dupHandle(h)
		return err
	})
	if err != nil {
		return nil, err
	}
	return adopt("dup", nh, s.family, s.typ, s.proto, s.timeoutValue())
}

// GetInheritable reports whether the handle is inherited by child
// processes (HANDLE_FLAG_INHERIT).
func (s *Socket) GetInheritable() (bool, error) {
	var flags uint32
	err := s.withFD("get_inheritable", func(h windows.Handle) error {
		r, _, e := procGetHandleInfo.Call(uintptr(h), uintptr(unsafe.Pointer(&flags)))
		if r == 0 {
			return e
		}
		return nil
	})
	return err == nil && flags&windows.HANDLE_FLAG_INHERIT != 0, err
}

// SetInheritable sets whether the handle is inherited by child processes.
func (s *Socket) SetInheritable(inheritable bool) error {
	return s.withFD("set_inheritable", func(h windows.Handle) error {
		var v uint32
		if inheritable {
			v = windows.HANDLE_FLAG_INHERIT
		}
		return windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, v)
	})
}

// Bind binds the socket to addr.
func (s *Socket) Bind(addr Address) error {
	var b [sizeofSockaddrStorage]byte
	n, err := encodeSockaddr(s.family, "bind", addr, b[:])
	if err != nil {
		return err
	}
	return s.withFD("bind", func(h windows.Handle) error {
		if _, e := wsa(procBind, uintptr(h), uintptr(unsafe.Pointer(&b[0])), uintptr(n)); e != 0 {
			return e
		}
		return nil
	})
}

// ListenBacklog is Python's listen(backlog); a negative backlog is 0.
func (s *Socket) ListenBacklog(backlog int) error {
	if err := checkCInt(backlog); err != nil {
		return err
	}
	backlog = min(max(backlog, 0), math.MaxInt32)
	return s.withFD("listen", func(h windows.Handle) error { return windows.Listen(h, backlog) })
}

// Shutdown shuts down one or both halves of the connection (SHUT_RD,
// SHUT_WR, SHUT_RDWR).
func (s *Socket) Shutdown(how int) error {
	if err := checkCInt(how); err != nil {
		return err
	}
	return s.withFD("shutdown", func(h windows.Handle) error { return windows.Shutdown(h, how) })
}

// GetSockName returns the socket's own address.
func (s *Socket) GetSockName() (Address, error) { return s.nameOf("getsockname", procGetsockname) }

// GetPeerName returns the address of the connected peer.
func (s *Socket) GetPeerName() (Address, error) { return s.nameOf("getpeername", procGetpeername) }

func (s *Socket) nameOf(op string, p *windows.LazyProc) (Address, error) {
	var b [sizeofSockaddrStorage]byte
	n := int32(len(b))
	err := s.withFD(op, func(h windows.Handle) error {
		if _, e := wsa(p, uintptr(h), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&n))); e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return decodeSockaddr(b[:min(int(n), len(b))])
}

// ---- data transfer ----

// capLen bounds one Winsock I/O (its length is a C int).
func capLen(p []byte) []byte {
	if len(p) > math.MaxInt32 {
		return p[:math.MaxInt32]
	}
	return p
}

func bufPtr(p []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(p))) }

// RecvInto receives into buf (Python's recv_into(buffer, nbytes, flags)):
// nbytes 0 means len(buf); a negative nbytes or one larger than len(buf) is
// a *ValueError.
func (s *Socket) RecvInto(buf []byte, nbytes int, flags MsgFlag) (int, error) {
	return s.recv(buf, nbytes, flags, "recv_into")
}

// RecvFromInto is Python's recvfrom_into(buffer, nbytes, flags): nbytes 0
// means len(buf).
func (s *Socket) RecvFromInto(buf []byte, nbytes int, flags MsgFlag) (int, Address, error) {
	return s.recvFrom(buf, nbytes, flags, "recvfrom_into")
}

// recv and recvFrom apply nbytes (intoN) and receive into p.
func (s *Socket) recv(p []byte, nbytes int, flags MsgFlag, op string) (int, error) {
	if nbytes != 0 {
		var err error
		if p, err = intoN(p, nbytes, op); err != nil {
			return 0, err
		}
	}
	if err := checkFlags(flags); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		// CPython returns b'' (0) for recv(0) / recv_into of an empty buffer
		// without a system call, which would block on an idle stream.
		return 0, nil
	}
	p = capLen(p)
	return s.loop(op, dirRead, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procRecv, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags))
	})
}

func (s *Socket) recvFrom(p []byte, nbytes int, flags MsgFlag, op string) (int, Address, error) {
	if nbytes != 0 {
		var err error
		if p, err = intoN(p, nbytes, op); err != nil {
			return 0, nil, err
		}
	}
	if err := checkFlags(flags); err != nil {
		return 0, nil, err
	}
	p = capLen(p)
	var sa [sizeofSockaddrStorage]byte
	var salen int32
	n, err := s.loop(op, dirRead, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		clear(sa[:])
		salen = int32(len(sa))
		return wsa(procRecvfrom, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&salen)))
	})
	if err != nil {
		return 0, nil, err
	}
	b := sa[:min(max(int(salen), 0), len(sa))]
	if len(b) < 2 || sockaddrFamily(b) == AF_UNSPEC {
		return n, nil, nil
	}
	a, err := decodeSockaddr(b)
	if err != nil {
		return 0, nil, err
	}
	return n, a, nil
}

// Send sends data (Python's send) and returns the number of bytes sent.
func (s *Socket) Send(data []byte, flags MsgFlag) (int, error) {
	return s.send("send", data, flags, time.Time{})
}

func (s *Socket) send(op string, data []byte, flags MsgFlag, deadline time.Time) (int, error) {
	if err := checkFlags(flags); err != nil {
		return 0, err
	}
	p := capLen(data)
	return s.loop(op, dirWrite, deadline, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procSend, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags))
	})
}

// SendAll sends all of data (Python's sendall). In timeout mode the timeout
// is the maximum total duration.
func (s *Socket) SendAll(data []byte, flags MsgFlag) error {
	var deadline time.Time
	if t := s.timeoutValue(); t > 0 {
		deadline = time.Now().Add(t)
	}
	for i := 0; len(data) > 0 || i == 0; i++ {
		n, err := s.send("sendall", data, flags, deadline)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// SendTo sends data to addr (Python's sendto(bytes, address)).
func (s *Socket) SendTo(data []byte, addr Address) (int, error) {
	return s.SendToFlags(data, 0, addr)
}

// SendToFlags is Python's sendto(bytes, flags, address).
func (s *Socket) SendToFlags(data []byte, flags MsgFlag, addr Address) (int, error) {
	if err := checkFlags(flags); err != nil {
		return 0, err
	}
	var sa [sizeofSockaddrStorage]byte
	salen, err := encodeSockaddr(s.family, "sendto", addr, sa[:])
	if err != nil {
		return 0, err
	}
	p := capLen(data)
	return s.loop("sendto", dirWrite, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procSendto, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags), uintptr(unsafe.Pointer(&sa[0])), uintptr(salen))
	})
}

// Accept accepts a connection, returning the new socket and the peer's
// address. The new socket is non-inheritable, has the listener's family,
// type and protocol and the module default timeout.
func (s *Socket) Accept() (*Socket, Address, error) {
	var sa [sizeofSockaddrStorage]byte
	var salen int32
	var nh windows.Handle
	_, err := s.loop("accept", dirRead, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		salen = int32(len(sa))
		r, _, e := syscall.SyscallN(procAccept.Addr(), uintptr(h), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&salen)))
		if windows.Handle(r) == windows.InvalidHandle {
			if e != 0 {
				return 0, e
			}
			return 0, syscall.Errno(windows.WSAEINVAL)
		}
		nh = windows.Handle(r)
		return 0, 0
	})
	if err != nil {
		return nil, nil, err
	}
	windows.SetHandleInformation(nh, windows.HANDLE_FLAG_INHERIT, 0)
	a, err := decodeSockaddr(sa[:min(max(int(salen), 0), len(sa))])
	if err != nil {
		windows.Closesocket(nh)
		return nil, nil, err
	}
	ns, err := adopt("accept", nh, s.family, s.typ, s.proto, GetDefaultTimeout())
	if err != nil {
		return nil, nil, err
	}
	return ns, a, nil
}

// Connect connects to addr (Python's connect). In blocking and timeout
// modes it waits for the connection to complete (ErrTimeout in timeout
// mode); in non-blocking mode a connection in progress is an *OSError
// WSAEWOULDBLOCK (Python's BlockingIOError [WinError 10035]).
func (s *Socket) Connect(addr Address) error {
	errno, err := s.connect("connect", addr)
	if err != nil {
		return err
	}
	if errno != 0 {
		return s.errnoError("connect", errno)
	}
	return nil
}

// ConnectEx is Python's connect_ex: the error code of the connection (0 on
// success; WSAEWOULDBLOCK in progress or when the timeout expires, as
// CPython on Windows). Address errors are returned as err.
func (s *Socket) ConnectEx(addr Address) (int, error) {
	errno, err := s.connect("connect_ex", addr)
	if err == ErrTimeout {
		return int(windows.WSAEWOULDBLOCK), nil
	}
	if err != nil {
		var oe *OSError
		if errors.As(err, &oe) && oe.Errno != 0 {
			return int(oe.Errno), nil
		}
		return 0, err
	}
	return int(errno), nil
}

// connect runs connect with CPython's internal_connect logic for Windows.
func (s *Socket) connect(op string, addr Address) (syscall.Errno, error) {
	var sa [sizeofSockaddrStorage]byte
	n, err := encodeSockaddr(s.family, op, addr, sa[:])
	if err != nil {
		return 0, err
	}
	if !s.fd.incref() {
		return 0, errClosed(op)
	}
	defer s.fd.decref()
	timeout := s.timeoutValue()
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	h := s.fd.sysfd
	_, e := wsa(procConnect, uintptr(h), uintptr(unsafe.Pointer(&sa[0])), uintptr(n))
	if e == 0 || timeout == 0 || e != windows.WSAEWOULDBLOCK {
		return e, nil
	}
	soError := func() syscall.Errno {
		v, err := windows.GetsockoptInt(h, SOL_SOCKET, SO_ERROR)
		if err != nil {
			return errnoOf(err)
		}
		return syscall.Errno(v)
	}
	pending := syscall.Errno(0)
	check := func() bool {
		pending = soError()
		return pending != 0
	}
	if err := s.fd.wait(dirWrite, deadline, check); err != nil {
		return 0, s.waitError(op, err)
	}
	if pending != 0 {
		return pending, nil
	}
	return soError(), nil
}

// errnoOf extracts the error code of a syscall error (WSAEINVAL if it has
// none).
func errnoOf(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return syscall.Errno(windows.WSAEINVAL)
}
