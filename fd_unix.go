//go:build unix

package socket

// # File descriptor ownership and the I/O engine
//
// Every Socket owns one *netFD. The fd is O_NONBLOCK at the OS level for its
// whole life; Python's blocking / timeout / non-blocking modes are the
// Socket's own state (Socket.timeout), applied by runOp.
//
// Internal helpers for code that builds on the Socket (recvmsg/sendmsg,
// sendfile, makefile, ...). Use these, never the raw fd number directly:
//
//   - s.fd.incref() / s.fd.decref(): hold the fd for the duration of a
//     syscall that does not go through runOp (getsockopt, fcntl, ...):
//
//     if !s.fd.incref() { return errClosed("op") }
//     defer s.fd.decref()
//     ... use s.fd.sysfd ...
//
//     While a reference is held, the fd number stays valid (Close marks the
//     socket closed, wakes every waiter and closes the fd only when the last
//     reference is gone). s.withFD(op, func(fd int) error) wraps this.
//
//   - s.readOp(kind) / s.writeOp(kind) give a per-socket *ioOp (allocated once
//     per socket, reused: no allocation per call) for one read-side or
//     write-side operation; fill its fields, call s.do(o, opName), read the
//     results, then s.doneOp(o). s.do applies the socket's timeout mode
//     (blocking / timeout / non-blocking), retries EINTR, waits for
//     readiness on EAGAIN, and returns a package error (*OSError,
//     ErrTimeout, errClosed). Kinds and their fields:
//
//     opRecv      p, flags              -> n
//     opRecvFrom  p, flags              -> n, sa[:salen] (source sockaddr)
//     opSend      p, flags              -> n
//     opSendTo    p, flags, sa[:salen]  -> n
//     opRecvmsg   msg (*unix.Msghdr, caller-built; Name/Iov/Control), flags -> n
//                 (the kernel updates msg.Namelen, msg.Controllen, msg.Flags)
//     opSendmsg   msg, flags            -> n
//     opAccept    -                     -> n (new fd, CLOEXEC|NONBLOCK), sa[:salen]
//
//     For recvmsg with SCM_RIGHTS, set MSG_CMSG_CLOEXEC in flags yourself.
//
//   - s.decodeAddr(b []byte) (Address, error) decodes a sockaddr;
//     s.encodeAddr(op, a Address, b []byte) (int, error) encodes one for
//     this socket's family with Python's validation (b must have
//     sizeofSockaddrStorage bytes).
//   - s.timeoutValue() time.Duration is the current mode (NoTimeout, 0, >0).
//
// # Waiting
//
// runOp tries the syscall first. On EAGAIN (and in timeout or blocking mode)
// it waits for readiness, adaptively:
//
//  1. If one of a few global "ppoll slots" is free (wait_linux.go; the budget
//     is min(4, GOMAXPROCS-1), so none with GOMAXPROCS=1), it calls
//     ppoll on the calling thread for a short slice (sub-slices of ~1 ms,
//     re-checking the closed flag and the deadline between them), then
//     retries the syscall. This costs no epoll and no goroutine switch: a
//     blocking round trip is ppoll + the I/O syscall.
//  2. Otherwise, or when the slice expires, it waits in Go's netpoller through
//     a lazily created *os.File wrapping a dup of the fd (readiness and
//     deadlines only; the I/O syscall runs on the original fd inside the
//     RawConn callback; Fd() is never called). Thousands of goroutines can
//     wait this way on a handful of threads. Per direction, one goroutine at
//     a time uses the os.File (its deadline is per direction); others wait
//     for their turn on a channel, with their own deadline and close wake-up.
//
// Prediction: if the previous operation in the same direction had to wait,
// the next one waits first (a ppoll that returns at once when data is
// already there), skipping the speculative syscall that would fail with
// EAGAIN.
//
// Close marks the socket closed, closes the os.File (waking poller waiters),
// wakes turn waiters, and ppoll waiters notice within one sub-slice; then it
// waits for the operations in flight to leave and closes the fd.

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	dirRead  = 0
	dirWrite = 1
)

// opKind selects the syscall an ioOp performs.
type opKind uint8

const (
	opRecv opKind = iota
	opRecvFrom
	opSend
	opSendTo
	opRecvmsg
	opSendmsg
	opAccept
	opConnect // completion of a non-blocking connect: writable, then SO_ERROR
)

// ioOp is one I/O syscall's arguments and results, kept in a struct so that
// the wait machinery can retry it (and run it inside a netpoller callback)
// without allocating.
type ioOp struct {
	fd    *netFD
	dir   int
	kind  opKind
	p     []byte
	msg   *unix.Msghdr
	flags int
	sa    [sizeofSockaddrStorage]byte
	salen uint32
	n     int

	errno syscall.Errno      // result of the op when run by the poller callback
	cb    func(uintptr) bool // o.pollCallback, bound once
	owned bool               // o is the per-socket op of its direction
	intr  <-chan struct{}    // closed: stop waiting with errInterrupted (context.go); nil: never
}

// run performs the syscall once, without waiting.
func (o *ioOp) run() syscall.Errno {
	fd := uintptr(o.fd.sysfd)
	p := capIO(o.p) // per OS (sys_*.go): darwin/freebsd cap one I/O below 2 GB
	var r uintptr
	var e syscall.Errno
	switch o.kind {
	case opRecv:
		r, _, e = unix.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), uintptr(o.flags), 0, 0)
	case opRecvFrom:
		o.salen = sizeofSockaddrStorage
		r, _, e = unix.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), uintptr(o.flags), uintptr(unsafe.Pointer(&o.sa[0])), uintptr(unsafe.Pointer(&o.salen)))
	case opSend:
		r, _, e = unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), uintptr(o.flags), 0, 0)
	case opSendTo:
		r, _, e = unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), uintptr(o.flags), uintptr(unsafe.Pointer(&o.sa[0])), uintptr(o.salen))
	case opRecvmsg:
		r, _, e = unix.RawSyscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(o.msg)), uintptr(o.flags))
	case opSendmsg:
		r, _, e = unix.RawSyscall(unix.SYS_SENDMSG, fd, uintptr(unsafe.Pointer(o.msg)), uintptr(o.flags))
	case opAccept:
		o.salen = sizeofSockaddrStorage
		r, e = acceptRaw(fd, &o.sa[0], &o.salen) // per OS (sys_*.go): CLOEXEC|NONBLOCK
	case opConnect:
		if !pollNow(o.fd.sysfd, unix.POLLOUT) {
			return syscall.EAGAIN
		}
		v, err := unix.GetsockoptInt(o.fd.sysfd, SOL_SOCKET, SO_ERROR)
		if err != nil {
			return errnoOf(err)
		}
		return syscall.Errno(v)
	}
	if e != 0 {
		return e
	}
	o.n = int(r)
	return 0
}

// pollCallback is the RawConn callback: it runs the op on the original fd
// (the argument is the dup's number and is ignored) and reports false on
// EAGAIN so that the netpoller waits.
func (o *ioOp) pollCallback(uintptr) bool {
	for i := 0; i < 1000; i++ {
		e := o.run()
		if e == syscall.EINTR {
			continue
		}
		if e == syscall.EAGAIN {
			return false
		}
		o.errno = e
		return true
	}
	o.errno = syscall.EINTR
	return true
}

// dirState is the per-direction state of a netFD.
type dirState struct {
	slot   sync.Mutex    // owns op
	op     ioOp          // reused by one operation at a time
	turn   chan struct{} // capacity 1: the holder may wait in the netpoller
	waited atomic.Bool   // the last operation in this direction had to wait

	// cache of the last decoded source address (read side; under slot)
	lastSA   [sizeofSockaddrStorage]byte
	lastLen  uint32
	lastAddr Address
}

const closedBit = 1

// netFD owns a socket's file descriptor: the reference count, the closed
// state and the poller file.
type netFD struct {
	sysfd   int
	state   atomic.Uint64 // closedBit | references<<1
	closing chan struct{} // closed when the socket is marked closed
	drained chan struct{} // signalled when the references drop to 0 after closing

	pmu     sync.Mutex
	pf      *os.File // dup of sysfd registered with the netpoller (lazy)
	rc      syscall.RawConn
	pclosed bool

	dirs [2]dirState
}

func newNetFD(sysfd int) *netFD {
	fd := &netFD{sysfd: sysfd, closing: make(chan struct{}), drained: make(chan struct{}, 1)}
	for i := range fd.dirs {
		d := &fd.dirs[i]
		d.turn = make(chan struct{}, 1)
		d.op.fd = fd
		d.op.dir = i
		d.op.owned = true
		d.op.cb = d.op.pollCallback
	}
	return fd
}

// incref takes a reference; false if the socket is closed.
func (fd *netFD) incref() bool {
	if fd.state.Add(2)&closedBit != 0 {
		fd.decref()
		return false
	}
	return true
}

// decref drops a reference.
func (fd *netFD) decref() {
	if fd.state.Add(^uint64(1)) == closedBit {
		select {
		case fd.drained <- struct{}{}:
		default:
		}
	}
}

func (fd *netFD) isClosed() bool { return fd.state.Load()&closedBit != 0 }

// markClosed marks the fd closed, wakes every waiter and waits until the
// operations in flight have left. It reports false if it was already closed.
// The caller then owns sysfd (to close it, or to hand it out for detach).
func (fd *netFD) markClosed() bool {
	if fd.state.Or(closedBit)&closedBit != 0 {
		return false
	}
	close(fd.closing)
	fd.pmu.Lock()
	fd.pclosed = true
	if fd.pf != nil {
		fd.pf.Close() // wakes the poller waiters; closes only the dup
		fd.pf, fd.rc = nil, nil
	}
	fd.pmu.Unlock()
	for fd.state.Load() != closedBit {
		// Each waiter leaves within one ppoll sub-slice or at once.
		<-fd.drained
	}
	return true
}

// rawConn returns the netpoller handle, creating the dup on first use.
func (fd *netFD) rawConn() (syscall.RawConn, error) {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.rc != nil {
		return fd.rc, nil
	}
	if fd.pclosed {
		return nil, syscall.EBADF
	}
	nfd, err := unix.FcntlInt(uintptr(fd.sysfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(nfd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	fd.pf, fd.rc = f, rc
	return rc, nil
}

// setPollDeadline sets the poller file's deadline for direction dir.
func (fd *netFD) setPollDeadline(dir int, t time.Time) error {
	fd.pmu.Lock()
	f := fd.pf
	fd.pmu.Unlock()
	if f == nil {
		return syscall.EBADF
	}
	if dir == dirRead {
		return f.SetReadDeadline(t)
	}
	return f.SetWriteDeadline(t)
}

// acquireOp returns the per-socket op of direction dir, or a fresh one when
// another goroutine is using it.
func (fd *netFD) acquireOp(dir int, kind opKind) *ioOp {
	d := &fd.dirs[dir]
	var o *ioOp
	if d.slot.TryLock() {
		o = &d.op
	} else {
		o = &ioOp{fd: fd, dir: dir}
		o.cb = o.pollCallback
	}
	o.kind = kind
	o.flags = 0
	o.n = 0
	o.errno = 0
	return o
}

// releaseOp gives back an op from acquireOp.
func (fd *netFD) releaseOp(o *ioOp) {
	o.p = nil
	o.msg = nil
	if o.owned {
		fd.dirs[o.dir].slot.Unlock()
	}
}

// runOp performs o under the given timeout mode (timeout < 0: blocking; 0:
// non-blocking; > 0: that long from now, or until deadline if deadline is
// not zero). The caller holds a reference. It returns 0 or the errno, or
// ErrTimeout / closed as err.
func (fd *netFD) runOp(o *ioOp, timeout time.Duration, deadline time.Time) (syscall.Errno, error) {
	d := &fd.dirs[o.dir]
	predicted := timeout != 0 && o.kind != opConnect && d.waited.Load()
	for {
		if !predicted {
			e := o.run()
			if e == syscall.EINTR {
				continue
			}
			if e != syscall.EAGAIN {
				d.waited.Store(false)
				return e, nil
			}
			if timeout == 0 {
				return e, nil
			}
			d.waited.Store(true)
		}
		if timeout > 0 && deadline.IsZero() {
			deadline = time.Now().Add(timeout)
		}
		done, err := fd.wait(o, deadline, predicted)
		predicted = false
		if err != nil {
			return 0, err
		}
		if done {
			return o.errno, nil
		}
	}
}

// wait blocks until the op's direction is ready (done == false: retry the
// syscall) or the op completed inside the poller (done == true: o.errno and
// the results are set).
func (fd *netFD) wait(o *ioOp, deadline time.Time, predicted bool) (done bool, err error) {
	if ppollAcquire() {
		r := fd.ppollWait(o.dir, deadline)
		ppollRelease()
		switch r {
		case pollReady:
			return false, nil
		case pollReadyAtOnce:
			if predicted {
				fd.dirs[o.dir].waited.Store(false)
			}
			return false, nil
		case pollClosed:
			return false, errClosedSentinel
		case pollTimeout:
			return false, ErrTimeout
		}
		// pollExpired: fall through to the netpoller
	}
	return fd.netpollWait(o, deadline)
}

// errClosedSentinel is converted to errClosed(op) by Socket.do.
var errClosedSentinel = syscall.EBADF

// netpollWait waits in Go's netpoller, running the op in the callback.
func (fd *netFD) netpollWait(o *ioOp, deadline time.Time) (bool, error) {
	d := &fd.dirs[o.dir]
	select {
	case d.turn <- struct{}{}:
	default:
		if err := fd.waitTurn(d, deadline, o.intr); err != nil {
			return false, err
		}
	}
	defer func() { <-d.turn }()
	if fd.isClosed() {
		return false, errClosedSentinel
	}
	rc, err := fd.rawConn()
	if err != nil {
		if fd.isClosed() {
			return false, errClosedSentinel
		}
		return false, err
	}
	if err := fd.setPollDeadline(o.dir, deadline); err != nil {
		if fd.isClosed() {
			return false, errClosedSentinel
		}
		return false, err
	}
	if o.intr != nil && isDone(o.intr) {
		return false, errInterrupted
	}
	if o.dir == dirRead {
		err = rc.Read(o.cb)
	} else {
		err = rc.Write(o.cb)
	}
	if err == nil {
		return true, nil
	}
	if fd.isClosed() {
		return false, errClosedSentinel
	}
	if err == os.ErrDeadlineExceeded {
		if o.intr != nil && isDone(o.intr) {
			return false, errInterrupted
		}
		if deadline.IsZero() || time.Now().Before(deadline) {
			return false, nil // woken for another op (context.go's pokeWaiter): wait again
		}
		return false, ErrTimeout
	}
	return false, err
}

// waitTurn waits for the direction's netpoller turn, the deadline or close.
func (fd *netFD) waitTurn(d *dirState, deadline time.Time, intr <-chan struct{}) error {
	var tc <-chan time.Time
	if !deadline.IsZero() {
		dur := time.Until(deadline)
		if dur <= 0 {
			return ErrTimeout
		}
		t := time.NewTimer(dur)
		defer t.Stop()
		tc = t.C
	}
	select {
	case d.turn <- struct{}{}:
		return nil
	case <-fd.closing:
		return errClosedSentinel
	case <-intr:
		return errInterrupted
	case <-tc:
		return ErrTimeout
	}
}

// pollNow (ready right now?) is per OS: sys_linux.go (ppoll), sys_bsd.go (poll).

// errnoOf extracts the errno of a syscall error (EIO if it has none).
func errnoOf(err error) syscall.Errno {
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	return syscall.EIO
}
