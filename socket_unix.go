//go:build unix

package socket

import (
	"bytes"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newSocketFD wraps an fd the package owns (already O_NONBLOCK).
func newSocketFD(sysfd int, family AddressFamily, typ SocketKind, proto int, timeout time.Duration) *Socket {
	s := &Socket{fd: newNetFD(sysfd), family: family, typ: typ &^ (sockNonblock | sockCloexec), proto: proto}
	s.timeout.Store(int64(timeout))
	s.cleanup = runtime.AddCleanup(s, (*netFD).closeUnreachable, s.fd)
	return s
}

// closeUnreachable closes the fd of a Socket that was garbage collected
// without Close (Python closes it too).
func (fd *netFD) closeUnreachable() {
	if fd.markClosed() {
		unix.Close(fd.sysfd)
	}
}

// NewSocket creates a socket (Python's socket(family, type, proto)). The
// socket is non-inheritable and gets the module default timeout;
// SOCK_NONBLOCK in typ makes it non-blocking (timeout 0). Type() reports
// typ without SOCK_NONBLOCK/SOCK_CLOEXEC.
func NewSocket(family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	if err := checkCInts(int(family), int(typ), proto); err != nil {
		return nil, err
	}
	fd, err := retryEINTR(func() (int, error) {
		return sysSocket(family, typ, proto) // per OS: CLOEXEC|NONBLOCK
	})
	if err != nil {
		return nil, wrapErrno("socket", err)
	}
	timeout := GetDefaultTimeout()
	if typ&sockNonblock != 0 {
		timeout = 0
	}
	return newSocketFD(fd, family, typ, proto, timeout).ownDescription(), nil
}

func retryEINTR(f func() (int, error)) (int, error) {
	for i := 0; ; i++ {
		n, err := f()
		if err != syscall.EINTR || i > 1000 {
			return n, err
		}
	}
}

// SocketFromFD is Python's socket(fileno=fd): a Socket owning fd itself (no
// dup), with family, type and protocol read from the fd (SO_DOMAIN,
// SO_TYPE, SO_PROTOCOL) and the module default timeout. The fd is switched
// to O_NONBLOCK (the package's invariant). A negative fd is a *ValueError.
func SocketFromFD(fd int) (*Socket, error) {
	return socketFromFD(fd, -1, -1, -1)
}

// SocketFromFDAs is SocketFromFD with explicit family, type and protocol
// overriding the auto-detection (pass -1 to detect one of them).
func SocketFromFDAs(fd int, family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	return socketFromFD(fd, family, typ, proto)
}

func socketFromFD(fd int, family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	if fd < 0 {
		return nil, &ValueError{Msg: "negative file descriptor"}
	}
	if family < 0 {
		v, err := fdFamily(fd) // per OS: SO_DOMAIN, or getsockname
		if err != nil {
			return nil, wrapErrno("socket", err)
		}
		family = v
	}
	if typ < 0 {
		v, err := unix.GetsockoptInt(fd, SOL_SOCKET, SO_TYPE)
		if err != nil {
			return nil, wrapErrno("socket", err)
		}
		typ = SocketKind(v)
	}
	if proto < 0 {
		v, err := fdProto(fd) // per OS: SO_PROTOCOL, or 0
		if err != nil {
			return nil, wrapErrno("socket", err)
		}
		proto = v
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, wrapErrno("socket", err)
	}
	return newSocketFD(fd, family, typ, proto, GetDefaultTimeout()), nil
}

// FromFd is Python's socket.fromfd: a Socket on a duplicate of fd (the
// caller keeps fd), with the given family, type and protocol.
func FromFd(fd int, family AddressFamily, typ SocketKind, proto int) (*Socket, error) {
	// A negative fd fails in dup with EBADF, as Python's os.dup does.
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, wrapErrno("fromfd", err)
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return nil, wrapErrno("fromfd", err)
	}
	return newSocketFD(nfd, family, typ, proto, GetDefaultTimeout()), nil
}

// SocketPair is Python's socketpair: two connected sockets. family 0 means
// AF_UNIX (Python's default) and typ 0 means SOCK_STREAM.
func SocketPair(family AddressFamily, typ SocketKind, proto int) (*Socket, *Socket, error) {
	if err := checkCInts(int(family), int(typ), proto); err != nil {
		return nil, nil, err
	}
	if family == 0 {
		family = AF_UNIX
	}
	if typ == 0 {
		typ = SOCK_STREAM
	}
	fds, err := sysSocketpair(family, typ, proto) // per OS: CLOEXEC|NONBLOCK
	if err != nil {
		return nil, nil, wrapErrno("socketpair", err)
	}
	timeout := GetDefaultTimeout()
	if typ&sockNonblock != 0 {
		timeout = 0
	}
	return newSocketFD(fds[0], family, typ, proto, timeout).ownDescription(), newSocketFD(fds[1], family, typ, proto, timeout).ownDescription(), nil
}

// Close is Python's socket.close(fd): close a file descriptor.
func Close(fd int) error {
	if err := unix.Close(fd); err != nil {
		return wrapErrno("close", err)
	}
	return nil
}

// ---- internal helpers (see fd_unix.go) ----

// readOp / writeOp return the per-socket op for one operation.
func (s *Socket) readOp(kind opKind) *ioOp  { return s.fd.acquireOp(dirRead, kind) }
func (s *Socket) writeOp(kind opKind) *ioOp { return s.fd.acquireOp(dirWrite, kind) }
func (s *Socket) doneOp(o *ioOp)            { s.fd.releaseOp(o) }

// do runs o under the socket's timeout mode, converting the outcome into
// the package's errors (op is the Python method name).
func (s *Socket) do(o *ioOp, op string) error {
	return s.doDeadline(o, op, time.Time{})
}

func (s *Socket) doDeadline(o *ioOp, op string, deadline time.Time) error {
	if o.flags != int(int32(o.flags)) {
		return checkCInt(o.flags) // Python's flags argument is a C int
	}
	if !s.fd.incref() {
		return errClosed(op)
	}
	errno, err := s.fd.runOp(o, s.timeoutValue(), deadline)
	s.fd.decref()
	return s.opError(op, errno, err)
}

func (s *Socket) opError(op string, errno syscall.Errno, err error) error {
	if err != nil {
		if err == errClosedSentinel && s.fd.isClosed() {
			return errClosed(op)
		}
		if err == ErrTimeout {
			return ErrTimeout
		}
		return wrapErrno(op, err)
	}
	if errno != 0 {
		if errno == syscall.EBADF && s.fd.isClosed() {
			return errClosed(op)
		}
		return &OSError{Op: op, Errno: errno}
	}
	return nil
}

// withFD runs f with the fd number held valid.
func (s *Socket) withFD(op string, f func(fd int) error) error {
	if !s.fd.incref() {
		return errClosed(op)
	}
	defer s.fd.decref()
	return wrapErrno(op, f(s.fd.sysfd))
}

// decodeAddr decodes a sockaddr returned by the kernel.
func (s *Socket) decodeAddr(b []byte) (Address, error) { return decodeSockaddrProto(b, s.proto) }

// encodeAddr encodes a for this socket's family into b.
func (s *Socket) encodeAddr(op string, a Address, b []byte) (int, error) {
	return encodeSockaddr(s.family, op, a, b)
}

// srcAddr decodes the source address of a recvfrom/accept op (srcFrom).
func (s *Socket) srcAddr(o *ioOp) (Address, error) {
	return s.srcFrom(&s.fd.dirs[o.dir], o.sa[:min(int(o.salen), len(o.sa))])
}

// srcFrom decodes the source sockaddr b of a receive or accept in direction
// d, reusing the previous result when the bytes are the same (no
// allocation for a peer that keeps talking).
func (s *Socket) srcFrom(d *dirState, b []byte) (Address, error) {
	if len(b) < 2 {
		return nil, nil // no address (a connected stream), as decodeAddr
	}
	if c := d.addr.Load(); c != nil && int(c.n) == len(b) && bytes.Equal(c.sa[:c.n], b) {
		return c.addr, nil
	}
	return s.srcNew(d, b)
}

// srcNew decodes b from a copy that it publishes as d's cache.
func (s *Socket) srcNew(d *dirState, b []byte) (Address, error) {
	c := new(addrCache)
	c.n = uint32(copy(c.sa[:], b))
	a, err := s.decodeAddr(c.sa[:c.n])
	if err == nil && a != nil {
		c.addr = a
		d.addr.Store(c)
	}
	return a, err
}

// ---- methods ----

// Fileno returns the socket's file descriptor, or -1 once closed or
// detached.
func (s *Socket) Fileno() int {
	if s.fd.isClosed() {
		return -1
	}
	return s.fd.sysfd
}

// Close closes the socket (Python's close). Operations blocked in other
// goroutines return EBADF (net.ErrClosed) at once; the fd is closed when
// they have left, before Close returns. Closing a closed socket does
// nothing. ECONNRESET from close(2) is ignored, as in CPython.
func (s *Socket) Close() error {
	if !s.fd.markClosed() {
		return nil
	}
	s.cleanup.Stop()
	if err := unix.Close(s.fd.sysfd); err != nil && err != syscall.ECONNRESET {
		return wrapErrno("close", err)
	}
	return nil
}

// Detach puts the socket in the closed state without closing the fd and
// returns the fd (-1 if already closed). The fd is O_NONBLOCK (and its
// SO_RCVTIMEO and SO_SNDTIMEO the kernel's 0; see the package notes).
// Operations blocked in other goroutines return EBADF first.
func (s *Socket) Detach() int {
	if !s.fd.markClosed() {
		return -1
	}
	s.cleanup.Stop()
	s.fd.pin() // O_NONBLOCK, the kernel's SO_RCVTIMEO and SO_SNDTIMEO
	return s.fd.sysfd
}

// Dup duplicates the socket (non-inheritable; same timeout).
func (s *Socket) Dup() (*Socket, error) {
	var nfd int
	err := s.withFD("dup", func(fd int) error {
		s.fd.pin() // the description is shared from now on
		var err error
		nfd, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return newSocketFD(nfd, s.family, s.typ, s.proto, s.timeoutValue()), nil
}

// GetInheritable reports whether the fd is inherited by child processes.
func (s *Socket) GetInheritable() (bool, error) {
	var v int
	err := s.withFD("get_inheritable", func(fd int) error {
		var err error
		v, err = unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		return err
	})
	return err == nil && v&unix.FD_CLOEXEC == 0, err
}

// SetInheritable sets whether the fd is inherited by child processes.
func (s *Socket) SetInheritable(inheritable bool) error {
	return s.withFD("set_inheritable", func(fd int) error {
		v, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil {
			return err
		}
		if inheritable {
			v &^= unix.FD_CLOEXEC
		} else {
			v |= unix.FD_CLOEXEC
		}
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFD, v)
		return err
	})
}

// Bind binds the socket to addr.
func (s *Socket) Bind(addr Address) error {
	var b [sizeofSockaddrStorage]byte
	n, err := encodeSockaddr(s.family, "bind", addr, b[:])
	if err != nil {
		return err
	}
	return s.withFD("bind", func(fd int) error {
		_, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(n))
		return errOrNil(e)
	})
}

func errOrNil(e syscall.Errno) error {
	if e != 0 {
		return e
	}
	return nil
}

// ListenBacklog is Python's listen(backlog); a negative backlog is 0.
func (s *Socket) ListenBacklog(backlog int) error {
	if err := checkCInt(backlog); err != nil {
		return err
	}
	backlog = max(backlog, 0)
	return s.withFD("listen", func(fd int) error { return unix.Listen(fd, backlog) })
}

// Shutdown shuts down one or both halves of the connection (SHUT_RD,
// SHUT_WR, SHUT_RDWR).
func (s *Socket) Shutdown(how int) error {
	if err := checkCInt(how); err != nil {
		return err
	}
	return s.withFD("shutdown", func(fd int) error { return unix.Shutdown(fd, how) })
}

// GetSockName returns the socket's own address.
func (s *Socket) GetSockName() (Address, error) { return s.nameOf("getsockname", unix.SYS_GETSOCKNAME) }

// GetPeerName returns the address of the connected peer.
func (s *Socket) GetPeerName() (Address, error) { return s.nameOf("getpeername", unix.SYS_GETPEERNAME) }

func (s *Socket) nameOf(op string, trap uintptr) (Address, error) {
	var b [sizeofSockaddrStorage]byte
	n := uint32(len(b))
	err := s.withFD(op, func(fd int) error {
		_, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&n)))
		return errOrNil(e)
	})
	if err != nil {
		return nil, err
	}
	return s.decodeAddr(b[:min(int(n), len(b))])
}

// ---- data transfer ----

// RecvInto receives into buf (Python's recv_into(buffer, nbytes, flags)):
// nbytes 0 means len(buf); a negative nbytes or one larger than len(buf) is
// a *ValueError.
func (s *Socket) RecvInto(buf []byte, nbytes int, flags MsgFlag) (int, error) {
	o, n, _, err := s.quick(opRecv, buf, nbytes, flags, nil, "recv_into")
	if o != nil {
		n, _, err = s.finish(o, s.do(o, "recv_into"))
	}
	return n, err
}

// RecvFromInto is Python's recvfrom_into(buffer, nbytes, flags): nbytes 0
// means len(buf).
func (s *Socket) RecvFromInto(buf []byte, nbytes int, flags MsgFlag) (int, Address, error) {
	o, n, a, err := s.quick(opRecvFrom, buf, nbytes, flags, nil, "recvfrom_into")
	if o != nil {
		return s.finish(o, s.do(o, "recvfrom_into"))
	}
	return n, a, err
}

// recv and recvFrom apply nbytes (intoN) and receive into p. RecvInto and
// RecvFromInto repeat their bodies instead of calling them: a frame less
// across a call that blocks (see quick).
func (s *Socket) recv(p []byte, nbytes int, flags MsgFlag, op string) (int, error) {
	o, n, _, err := s.quick(opRecv, p, nbytes, flags, nil, op)
	if o != nil {
		n, _, err = s.finish(o, s.do(o, op))
	}
	return n, err
}

func (s *Socket) recvFrom(p []byte, nbytes int, flags MsgFlag, op string) (int, Address, error) {
	o, n, a, err := s.quick(opRecvFrom, p, nbytes, flags, nil, op)
	if o != nil {
		return s.finish(o, s.do(o, op))
	}
	return n, a, err
}

// Send sends data (Python's send) and returns the number of bytes sent.
func (s *Socket) Send(data []byte, flags MsgFlag) (int, error) {
	o, n, _, err := s.quick(opSend, data, 0, flags, nil, "send")
	if o != nil {
		n, _, err = s.finish(o, s.do(o, "send"))
	}
	return n, err
}

// quick runs the hot operations, send, sendto (to), recv and recvfrom (with
// recv_into's and recvfrom_into's nbytes), as far as one system call takes
// them: an attempt that succeeds (or fails for good), or, on one P, a
// blocking-mode receive or send that blocks in the call itself
// (blockio_linux.go). Otherwise it returns the op, and the caller goes on
// with finish(o, do(o, op)) (do: waits, timeouts, EINTR).
//
// The kernel refills the CPU's return-stack buffer at every context switch,
// so each frame that is live across a blocking call (or a send that wakes
// the peer on the same CPU) costs a mispredicted return afterwards:
// measured, 8 extra frames cost ~1.6% of one-core UDP round trips, and the
// general path (4 frames deeper) ~4% a side. Here the system call is two
// frames above the caller's (the method, quick); and quick has returned
// before do runs, so that its large frame is not on the stack of a
// goroutine that parks in the netpoller (a blocked reader keeps Go's 2 KiB
// initial stack: TestBlockedReaderStack).
//
// The attempt touches nothing shared but the descriptor reference (two
// atomic operations): no op, no slot lock. recvfrom's source address lands
// in a stack buffer and is decoded through the read direction's cache
// (srcFrom); sendto sends from a prepared *SockAddr or the write
// direction's cached encoding, and takes the op only to encode another
// destination.
func (s *Socket) quick(kind opKind, p []byte, nbytes int, flags MsgFlag, to Address, op string) (*ioOp, int, Address, error) {
	if nbytes != 0 {
		var err error
		if p, err = intoN(p, nbytes, op); err != nil {
			return nil, 0, nil, err
		}
	}
	if kind == opRecv && len(p) == 0 {
		// CPython returns b'' (0) for recv(0) / recv_into of an empty
		// buffer without calling recv(2), which would block on an idle
		// stream or consume a datagram.
		return nil, 0, nil, nil
	}
	dir := dirWrite
	if kind == opRecv || kind == opRecvFrom {
		dir = dirRead
	}
	fd := s.fd
	// The op (the slow path's state) only for a destination without a
	// ready encoding: send, recv and recvfrom run on locals, sendto on the
	// published encoding of its destination (a prepared *SockAddr or the
	// cached last one).
	var o *ioOp
	var sa [sizeofSockaddrStorage]byte // recvfrom's source
	salen := uint32(len(sa))
	var to5 unsafe.Pointer // sendto's destination
	if kind == opSendTo {
		if c := fd.dirs[dirWrite].addr.Load(); c != nil && sameInet(c.addr, to) {
			to5, salen = unsafe.Pointer(&c.sa[0]), c.n
		} else if pa, ok := to.(*SockAddr); ok && pa.af == s.family && pa.n > 0 {
			to5, salen = unsafe.Pointer(&pa.b[0]), uint32(pa.n)
		} else {
			o = fd.acquireOp(dirWrite, kind)
			o.p = p
			o.flags = int(flags)
			if err := o.encodeTo(s.family, op, to); err != nil {
				fd.releaseOp(o)
				return nil, 0, nil, err
			}
			to5, salen = unsafe.Pointer(&o.sa[0]), o.salen
		}
	}
	d := &fd.dirs[dir]
	timeout := dontWaitMode(s.timeoutValue(), int(flags))
	extra := msgDontWait // an attempt
	if timeout != 0 && d.waited.Load() {
		// predicted to wait
		if !fd.blockNow(dir, d, timeout) {
			return fd.handOver(o, dir, kind, p, flags, to5, salen), 0, nil, nil
		}
		extra = 0 // block in the receive or send
	}
	if flags != MsgFlag(int32(flags)) || !fd.incref() {
		return fd.handOver(o, dir, kind, p, flags, to5, salen), 0, nil, nil // do reports these
	}
	q := capIO(p)
	trap, a5, a6p := uintptr(unix.SYS_SENDTO), to5, unsafe.Pointer(nil)
	switch kind {
	case opRecvFrom:
		trap, a5, a6p = unix.SYS_RECVFROM, unsafe.Pointer(&sa[0]), unsafe.Pointer(&salen)
	case opRecv:
		trap = unix.SYS_RECVFROM
	}
	a6 := uintptr(0)
	if kind == opSendTo {
		a6 = uintptr(salen)
	}
	r, e := sysio(trap, uintptr(fd.sysfd), unsafe.Pointer(unsafe.SliceData(q)), uintptr(len(q)), uintptr(int(flags)|extra), a5, a6p, a6)
	fd.decref()
	var err error
	n := int(r)
	switch e {
	case 0:
		fd.noteDone(d, dir, n, len(p), extra == 0)
		if extra == 0 && n < len(p) && dir == dirWrite {
			yieldAfterBlock() // a blocking send cut short (see blockingIO)
		}
	case syscall.EAGAIN, syscall.EINTR:
		if extra == 0 {
			fd.blockInterrupted(d, e)
			return fd.handOver(o, dir, kind, p, flags, to5, salen), 0, nil, nil
		}
		if timeout != 0 || e == syscall.EINTR {
			if e == syscall.EAGAIN {
				d.waited.Store(true) // do waits first instead of repeating the attempt
			}
			return fd.handOver(o, dir, kind, p, flags, to5, salen), 0, nil, nil
		}
		n, err = 0, s.opError(op, e, nil) // non-blocking mode
	default:
		fd.noteDone(d, dir, 0, len(p), extra == 0)
		n, err = 0, s.opError(op, e, nil)
	}
	if o != nil {
		fd.releaseOp(o)
	}
	if err != nil {
		return nil, 0, nil, err
	}
	if kind == opRecvFrom {
		a, err := s.srcFrom(d, sa[:min(int(salen), len(sa))])
		if err != nil {
			return nil, 0, nil, err
		}
		return nil, n, a, nil
	}
	return nil, n, nil, nil
}

// handOver returns the op for do, acquired now if quick ran on locals
// (with sendto's destination, salen bytes at to).
func (fd *netFD) handOver(o *ioOp, dir int, kind opKind, p []byte, flags MsgFlag, to unsafe.Pointer, salen uint32) *ioOp {
	if o == nil {
		o = fd.acquireOp(dir, kind)
		o.p = p
		o.flags = int(flags)
		if kind == opSendTo {
			o.salen = uint32(copy(o.sa[:], unsafe.Slice((*byte)(to), salen)))
		}
	}
	return o
}

// finish decodes the source address of a recvfrom and gives the op back.
// The callers of quick run a handed-over op as s.finish(o, s.do(o, op)),
// without a helper between: one frame less above a goroutine parked in the
// netpoller (see poll_linux.go's pollWait).
func (s *Socket) finish(o *ioOp, err error) (int, Address, error) {
	var a Address
	if o.kind == opRecvFrom && err == nil {
		a, err = s.srcAddr(o)
	}
	n := o.n
	s.fd.releaseOp(o)
	if err != nil {
		return 0, nil, err
	}
	return n, a, nil
}

// SendAll sends all of data (Python's sendall). In timeout mode the timeout
// is the maximum total duration.
func (s *Socket) SendAll(data []byte, flags MsgFlag) error {
	var deadline time.Time
	if t := s.timeoutValue(); t > 0 {
		deadline = time.Now().Add(t)
	}
	o := s.fd.acquireOp(dirWrite, opSend)
	defer s.fd.releaseOp(o)
	for i := 0; len(data) > 0 || i == 0; i++ {
		if s.fd.isClosed() {
			return errClosed("sendall")
		}
		o.p = data
		o.flags = int(flags)
		o.n = 0
		if err := s.doDeadline(o, "sendall", deadline); err != nil {
			return err
		}
		data = data[o.n:]
	}
	return nil
}

// SendTo sends data to addr (Python's sendto(bytes, address)).
func (s *Socket) SendTo(data []byte, addr Address) (int, error) {
	return s.SendToFlags(data, 0, addr)
}

// SendToFlags is Python's sendto(bytes, flags, address).
func (s *Socket) SendToFlags(data []byte, flags MsgFlag, addr Address) (int, error) {
	o, n, _, err := s.quick(opSendTo, data, 0, flags, addr, "sendto")
	if o != nil {
		n, _, err = s.finish(o, s.do(o, "sendto"))
	}
	return n, err
}

// Accept accepts a connection, returning the new socket and the peer's
// address. The new socket is non-inheritable, has the listener's family,
// type and protocol and the module default timeout (see the reference's
// "Timeouts and the accept method").
func (s *Socket) Accept() (*Socket, Address, error) {
	if noPeerAddress(s.family) {
		return s.acceptNoAddr()
	}
	o := s.fd.acquireOp(dirRead, opAccept)
	err := s.do(o, "accept")
	if err != nil {
		s.fd.releaseOp(o)
		return nil, nil, err
	}
	nfd := o.n
	a, err := s.decodeAddr(o.sa[:min(int(o.salen), len(o.sa))])
	s.fd.releaseOp(o)
	if err != nil {
		unix.Close(nfd)
		return nil, nil, err
	}
	return newSocketFD(nfd, s.family, s.typ, s.proto, GetDefaultTimeout()).ownDescription(), a, nil
}

// Connect connects to addr (Python's connect). In blocking and timeout
// modes it waits for the connection to complete (ErrTimeout in timeout
// mode); in non-blocking mode an in-progress connection is an *OSError
// EINPROGRESS.
func (s *Socket) Connect(addr Address) error {
	errno, err := s.connect("connect", addr)
	if err != nil {
		return err
	}
	if errno != 0 {
		return s.opError("connect", errno, nil)
	}
	return nil
}

// ConnectEx is Python's connect_ex: the errno of the connection (0 on
// success; EAGAIN/EWOULDBLOCK when the timeout expires, as CPython).
// Address errors are returned as err.
func (s *Socket) ConnectEx(addr Address) (int, error) {
	errno, err := s.connect("connect_ex", addr)
	if err == ErrTimeout {
		return int(syscall.EWOULDBLOCK), nil
	}
	if err != nil {
		var oe *OSError
		if asOSError(err, &oe) && oe.Errno != 0 {
			return int(oe.Errno), nil
		}
		return 0, err
	}
	return int(errno), nil
}

func asOSError(err error, target **OSError) bool {
	e, ok := err.(*OSError)
	if ok {
		*target = e
	}
	return ok
}

// connect runs connect(2) with CPython's internal_connect logic.
func (s *Socket) connect(op string, addr Address) (syscall.Errno, error) {
	o := s.fd.acquireOp(dirWrite, opConnect)
	defer s.fd.releaseOp(o)
	n, err := encodeSockaddr(s.family, op, addr, o.sa[:])
	if err != nil {
		return 0, err
	}
	if !s.fd.incref() {
		return syscall.EBADF, errClosed(op)
	}
	defer s.fd.decref()
	timeout := s.timeoutValue()
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	s.fd.nonblockOn()
	var e syscall.Errno
	for i := 0; ; i++ {
		_, _, e = unix.Syscall(unix.SYS_CONNECT, uintptr(s.fd.sysfd), uintptr(unsafe.Pointer(&o.sa[0])), uintptr(n))
		if e == syscall.EAGAIN && timeout < 0 && s.family == AF_UNIX {
			// A full AF_UNIX backlog: a blocking connect waits for room.
			if s.fd.isClosed() {
				return 0, errClosed(op)
			}
			time.Sleep(time.Duration(min(i+1, 10)) * time.Millisecond)
			continue
		}
		break
	}
	switch {
	case e == 0:
		return 0, nil
	case e == syscall.EINTR && timeout == 0:
		// The connection proceeds asynchronously (PEP 475: no EINTR).
		return syscall.EINPROGRESS, nil
	case (e == syscall.EINPROGRESS || e == syscall.EINTR) && timeout != 0:
		errno, err := s.fd.runOp(o, timeout, deadline)
		if err != nil {
			return 0, s.opError(op, 0, err)
		}
		return errno, nil
	}
	return e, nil
}
