//go:build unix

package socket

// # File descriptor ownership and the I/O engine
//
// Every Socket owns one *netFD. Python's blocking / timeout / non-blocking
// modes are the Socket's own state (Socket.timeout), applied by runOp. The
// fd is O_NONBLOCK at the OS level, except on Linux while a blocking
// receive or send on one P has put it in blocking mode (blockio_linux.go:
// every attempt passes MSG_DONTWAIT, and the calls without such a flag set
// O_NONBLOCK back first).
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
//  1. Directly, on the calling thread (wait_linux.go), when one of a few
//     global slots is free (budget GOMAXPROCS-1, at most 4; 1 with
//     GOMAXPROCS=1) and no goroutine of this package waits in the
//     netpoller (goroutines talking to each other are the netpoller's
//     case; with GOMAXPROCS=1 the ppoll is raw). The thread calls ppoll on the
//     socket and the slot's eventfd with one 10 ms slice (Close and context
//     pokes write the eventfd), then retries the syscall: a blocking round
//     trip costs ppoll + the I/O syscall, no epoll, no goroutine switch.
//     A direct wait that expires sends the direction's next 8 waits to the
//     netpoller. Other unix systems: poll(2) sub-slices (wait_bsd.go).
//     With GOMAXPROCS=1 on Linux, a receive (or a send to a full buffer)
//     in blocking mode skips the ppoll and blocks in the call itself,
//     bounded by SO_RCVTIMEO or SO_SNDTIMEO (blockio_linux.go): a round
//     trip is then send + receive per side, and a bulk sender makes one
//     send per chunk, as in C.
//  2. Otherwise, or when the slice expires, in Go's netpoller, one of two
//     ways chosen per socket at its first such wait:
//     - a poller file (poll_file_unix.go): a lazily created *os.File
//       wrapping a dup of the fd, which the netpoller watches directly
//       (readiness and deadlines only; the I/O syscall runs on the original
//       fd inside the RawConn callback; Fd() is never called), created by a
//       helper goroutine (newPollFile is deep). The quickest wake-up, but
//       the socket holds two descriptors while it exists. The only way
//       outside linux.
//     - on linux, beyond a budget of poller files (a quarter of
//       RLIMIT_NOFILE), or when a dup fails for want of descriptors: the
//       package's own epoll instance, which the netpoller watches
//       (poll_linux.go). The socket's own fd is registered and armed one
//       shot for the waiting direction; a harvester goroutine hands each
//       event to the direction's token channel. One descriptor per socket
//       (10,000 blocked readers fit under a limit of 20,000, as with Go's
//       net), a channel instead of an os.File and a runtime pollDesc, two
//       system calls more per wait.
//     Either way thousands of goroutines can wait on a handful of threads,
//     each in a 2 KiB stack: the frames on the way to the park are kept
//     small. Per direction, one goroutine at a time waits there (a poller
//     file's deadline and the token channel are per direction); others wait
//     for their turn on a channel, with their own deadline and close
//     wake-up. The attempts after a netpoller wake-up enter the system
//     call through the runtime (ioOp.sys).
//
// Prediction: if the previous operation in the same direction had to wait,
// the next one waits first (a direct wait returns at once when data is
// already there, which resets the prediction), skipping the speculative
// syscall that would fail with EAGAIN.
//
// Close marks the socket closed, wakes direct waiters (eventfd), closes the
// poller file or removes the epoll registration (waking the netpoller
// waiters) and wakes turn waiters; then it waits for the operations in
// flight to leave and closes the fd.

import (
	"net/netip"
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
	fd     *netFD
	p      []byte
	msg    *unix.Msghdr
	flags  int
	n      int
	errno  syscall.Errno   // result of the op when run by the poller callback
	intr   <-chan struct{} // closed: stop waiting with errInterrupted (context.go); nil: never
	salen  uint32
	dir    int8
	kind   opKind
	owned  bool                         // o is the per-socket op of its direction
	sa     *[sizeofSockaddrStorage]byte // sockaddr buffer: set by acquireOp for the kinds that use one
	cb     func(uintptr) bool           // o.pollCallback, bound on its first poller-file wait (poll_file_unix.go)
	opPoll                              // per OS (poll_linux.go, poll_other.go)
}

// encodeTo encodes to into o.sa for a sendto of a socket of family, when
// the write direction's addrCache does not hold it (Socket.quick looks
// there first). The last destination whose encoding depends on the address
// alone (a numeric INET or INET6 host: no name resolution) is published in
// that cache: a server answering its peers skips parsing the host each
// time (quick sends to it without an op).
func (o *ioOp) encodeTo(family AddressFamily, op string, to Address) error {
	d := &o.fd.dirs[o.dir]
	n, err := encodeSockaddr(family, op, to, o.sa[:])
	if err != nil {
		return err
	}
	o.salen = uint32(n)
	cache := false
	switch v := to.(type) {
	case InetAddress:
		_, numeric := parseIPv4Loose(v.Host)
		cache = family == AF_INET && numeric
	case Inet6Address:
		a, err := netip.ParseAddr(v.Host)
		cache = family == AF_INET6 && err == nil && a.Is6() && a.Zone() == ""
	}
	if cache {
		c := &addrCache{n: uint32(n), addr: to}
		copy(c.sa[:], o.sa[:n])
		d.addr.Store(c)
	}
	return nil
}

// sameInet reports whether a and b are equal InetAddress or Inet6Address
// values (other types are never cached by encodeTo).
func sameInet(a, b Address) bool {
	switch v := b.(type) {
	case InetAddress:
		w, ok := a.(InetAddress)
		return ok && w == v
	case Inet6Address:
		w, ok := a.(Inet6Address)
		return ok && w == v
	}
	return false
}

// newOp returns an op of direction dir.
func newOp(fd *netFD, dir int, owned bool) *ioOp {
	return &ioOp{fd: fd, dir: int8(dir), owned: owned}
}

// run performs the syscall once, without waiting.
func (o *ioOp) run() syscall.Errno { return o.sys(msgDontWait, false) }

// sys performs the syscall once with extra added to the flags of the
// receive and send kinds: msgDontWait for an attempt (the description may
// be in blocking mode on linux: blockio_linux.go), 0 for a blocking
// receive or send.
//
// viaRuntime makes it through the runtime's system-call entry
// (syscall.Syscall6: entersyscall), for the attempts after a netpoller
// wake-up (pollCallback; not in a bulk direction). Entering a system call
// that way keeps the runtime's sysmon thread awake, as Go's net does for
// every read and write; measured with 10,000 readers woken by another
// process on the same core, it cut the reader's context switches from
// ~2,400 to ~600 and its CPU time by a fifth (the sender's too). Everything else stays raw: a
// blocking receive on one P must not give its P away, and a first attempt
// that succeeds is cheaper without the runtime's bookkeeping.
func (o *ioOp) sys(extra int, viaRuntime bool) syscall.Errno {
	// One system call site with its arguments chosen by kind keeps this
	// frame small: it also runs inside the netpoller callback, at the
	// bottom of the stack of a goroutine that should fit in 2 KiB.
	var trap, a2, a3, a4, a5, a6 uintptr
	switch o.kind {
	case opRecv, opRecvFrom, opSend, opSendTo:
		p := capIO(o.p) // per OS (sys_*.go): darwin/freebsd cap one I/O below 2 GB
		trap, a2, a3, a4 = unix.SYS_RECVFROM, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), uintptr(o.flags|extra)
		if o.kind == opSend || o.kind == opSendTo {
			trap = unix.SYS_SENDTO
		}
		if o.kind == opRecvFrom {
			o.salen = sizeofSockaddrStorage
			a5, a6 = uintptr(unsafe.Pointer(&o.sa[0])), uintptr(unsafe.Pointer(&o.salen))
		} else if o.kind == opSendTo {
			a5, a6 = uintptr(unsafe.Pointer(&o.sa[0])), uintptr(o.salen)
		}
	case opRecvmsg:
		trap, a2, a3 = unix.SYS_RECVMSG, uintptr(unsafe.Pointer(o.msg)), uintptr(o.flags|extra)
	case opSendmsg:
		trap, a2, a3 = unix.SYS_SENDMSG, uintptr(unsafe.Pointer(o.msg)), uintptr(o.flags|extra)
	default:
		return o.runOther()
	}
	// The pointers are to o's fields and to the buffer o.p and o.msg keep
	// alive (heap objects, which do not move).
	var r uintptr
	var e syscall.Errno
	if viaRuntime {
		r, _, e = syscall.Syscall6(trap, uintptr(o.fd.sysfd), a2, a3, a4, a5, a6)
	} else {
		r, _, e = syscall.RawSyscall6(trap, uintptr(o.fd.sysfd), a2, a3, a4, a5, a6) // unix.RawSyscall6 reaches it through an assembly jump and an ABI wrapper: a frame more
	}
	if e != 0 {
		return e
	}
	o.n = int(r)
	return 0
}

// runOther runs the kinds that need more than one system call site.
//
//go:noinline
func (o *ioOp) runOther() syscall.Errno {
	switch o.kind {
	case opAccept:
		o.fd.nonblockOn() // accept4 has no per-call flag
		o.salen = sizeofSockaddrStorage
		r, e := acceptRaw(uintptr(o.fd.sysfd), &o.sa[0], &o.salen) // per OS (sys_*.go): CLOEXEC|NONBLOCK
		if e != 0 {
			return e
		}
		o.n = int(r)
		return 0
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
	return syscall.EINVAL
}

// pollCallback is the netpoller attempt (a poller file's RawConn callback,
// whose argument, the dup's number, is ignored; the epoll wait's attempt on
// linux): it runs the op on the socket's fd and reports false on EAGAIN so
// that the netpoller waits.
func (o *ioOp) pollCallback(uintptr) bool {
	// not for a bulk direction: a long copy through entersyscall may have
	// its P retaken by sysmon (and handed to another thread)
	viaRuntime := o.fd.dirs[o.dir].bulk.Load() == 0
	for i := 0; i < 1000; i++ {
		e := o.sys(msgDontWait, viaRuntime)
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

// dirState is the per-direction state of a netFD. What only some sockets
// use is allocated on first use (a connection with a reader blocked in the
// netpoller costs about as much memory as one of Go's net.Conn).
type dirState struct {
	slot sync.Mutex // owns op
	op   *ioOp      // reused by one operation at a time (under slot; lazy)
	// the netpoller turn: one goroutine at a time waits in the netpoller
	// for this direction (its deadline is per direction); turnWake
	// (capacity 1, under netFD.pmu, made by the first goroutine that has to
	// wait for the turn) wakes the others
	turnHeld    atomic.Bool
	turnWaiters atomic.Int32
	turnWake    chan struct{}
	waited      atomic.Bool // the last operation in this direction had to wait
	// directSkip > 0: the next waits skip the direct path (a direct wait of
	// this direction expired; see wait_linux.go)
	directSkip atomic.Int32
	// bulk > 0: the direction moves large amounts (a send of bulkBytes or
	// more, or a receive that returned that much): it waits in the
	// netpoller, whose later wake-up lets more data or room accumulate per
	// system call (direct waits are for latency). Such a transfer sets it
	// to bulkLinger, a smaller one counts it down: a stream's short
	// receives (its reader woke before the sender's chunk was all there)
	// keep it, a conversation of small messages ends it.
	bulk atomic.Int32
	// read direction: the last source address decoded by recvfrom/accept
	// (Socket.srcFrom); write direction: the last destination encoded by
	// sendto (encodeTo). Lazy; replaced, never modified, so that any
	// goroutine may use it without the slot.
	addr atomic.Pointer[addrCache]
}

// addrCache is an address and its sockaddr bytes (dirState.addr),
// immutable once published.
type addrCache struct {
	sa   [sizeofSockaddrStorage]byte
	n    uint32
	addr Address
}

const closedBit = 1

// netFD owns a socket's file descriptor: the reference count, the closed
// state and the netpoller registration.
type netFD struct {
	sysfd   int
	state   atomic.Uint64 // closedBit | references<<1
	closing chan struct{} // closed when the socket is marked closed (lazy, under pmu: closingChan)
	drained chan struct{} // signalled when the references drop to 0 after closing (made by markClosed)

	pmu     sync.Mutex
	pclosed bool
	// bmode: the description's blocking state (blockio_linux.go);
	// changed under pmu.
	bmode     atomic.Uint32
	pollState // the netpoller's (per OS: poll_linux.go, poll_other.go), under pmu

	dirs [2]dirState
}

// bmode bits.
const (
	bmPrivate  = 1 << iota // created by the package, held by nobody else: may block
	bmBlocking             // O_NONBLOCK is cleared
	bmRcvTimeo             // SO_RCVTIMEO is the package's slice
	bmPinned               // stays O_NONBLOCK with the kernel's SO_RCVTIMEO and SO_SNDTIMEO for good
	bmSndTimeo             // SO_SNDTIMEO is the package's slice
)

// ownDescription marks a socket the package created (socket, accept,
// socketpair) as allowed to take the blocking receive path.
func (s *Socket) ownDescription() *Socket {
	if blockingFamily(s.family) {
		s.fd.bmode.Or(bmPrivate)
	}
	return s
}

// nonblockOn sets O_NONBLOCK back on a description in blocking mode (before
// a system call that has no per-call non-blocking flag).
func (fd *netFD) nonblockOn() {
	if fd.bmode.Load()&bmBlocking == 0 {
		return
	}
	fd.pmu.Lock()
	fd.nonblockLocked()
	fd.pmu.Unlock()
}

func (fd *netFD) nonblockLocked() {
	if fd.bmode.Load()&bmBlocking != 0 && setNonblockRaw(fd.sysfd, true) == 0 {
		fd.bmode.And(^uint32(bmBlocking))
	}
}

// pin restores the description for good: O_NONBLOCK, and the kernel's
// SO_RCVTIMEO and SO_SNDTIMEO if the package had set its own (Dup,
// MakeFile, Detach, a user's SO_RCVTIMEO or SO_SNDTIMEO).
func (fd *netFD) pin() {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	fd.bmode.Or(bmPinned)
	fd.nonblockLocked()
	fd.timeoReset()
}

// setNonblockRaw sets or clears O_NONBLOCK with raw fcntl calls.
func setNonblockRaw(fd int, on bool) syscall.Errno {
	fl, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(fd), unix.F_GETFL, 0)
	if e != 0 {
		return e
	}
	nfl := fl &^ unix.O_NONBLOCK
	if on {
		nfl = fl | unix.O_NONBLOCK
	}
	if nfl == fl {
		return 0
	}
	_, _, e = unix.RawSyscall(unix.SYS_FCNTL, uintptr(fd), unix.F_SETFL, nfl)
	return e
}

func newNetFD(sysfd int) *netFD {
	return &netFD{sysfd: sysfd}
}

// closedChan is a closed channel: closingChan's answer once closed.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// closingChan returns a channel that is closed when the socket is marked
// closed (created on first use: few sockets ever need one).
func (fd *netFD) closingChan() <-chan struct{} {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed {
		return closedChan
	}
	if fd.closing == nil {
		fd.closing = make(chan struct{})
	}
	return fd.closing
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
	fd.pmu.Lock()
	if fd.drained == nil {
		// before the closed bit: a decref that sees the bit sees the channel
		fd.drained = make(chan struct{}, 1)
	}
	fd.pmu.Unlock()
	if fd.state.Or(closedBit)&closedBit != 0 {
		return false
	}
	fd.wakeDirect() // direct waiters (per OS: wait_linux.go)
	fd.pmu.Lock()
	fd.pclosed = true
	if fd.closing != nil {
		close(fd.closing) // wakes turn waiters
	}
	fd.pollClose() // wakes the netpoller waiters
	fd.pmu.Unlock()
	for fd.state.Load() != closedBit {
		// Each waiter leaves at once (direct waiters are woken through
		// their slot's eventfd on linux, within a poll sub-slice elsewhere).
		<-fd.drained
	}
	return true
}

// acquireOp returns the per-socket op of direction dir, or a fresh one when
// another goroutine is using it.
func (fd *netFD) acquireOp(dir int, kind opKind) *ioOp {
	d := &fd.dirs[dir]
	var o *ioOp
	if d.slot.TryLock() {
		if d.op == nil {
			d.op = newOp(fd, dir, true)
		}
		o = d.op
	} else {
		o = newOp(fd, dir, false)
	}
	if o.sa == nil && kind != opRecv && kind != opSend && kind != opRecvmsg && kind != opSendmsg {
		o.sa = new([sizeofSockaddrStorage]byte)
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
//
// The call chain down to the netpoller park is kept short and its frames
// small (the slow paths are separate functions that have returned by then),
// so that a goroutine blocked in Recv fits in Go's initial 2 KiB stack.
func (fd *netFD) runOp(o *ioOp, timeout time.Duration, deadline time.Time) (syscall.Errno, error) {
	timeout = dontWaitMode(timeout, o.flags)
	d := &fd.dirs[o.dir]
	predicted := timeout != 0 && o.kind != opConnect && d.waited.Load()
	waited := predicted // this op needs a wait (the prediction for the next)
	for {
		if !predicted {
			e := o.run()
			if e == syscall.EINTR {
				continue
			}
			if e != syscall.EAGAIN {
				fd.opDone(d, o, waited)
				return e, nil
			}
			if timeout == 0 {
				return e, nil
			}
			waited = true
		}
		if timeout > 0 && deadline.IsZero() {
			deadline = time.Now().Add(timeout)
		}
		r, err, skip := false, error(nil), false
		if timeout < 0 && o.intr == nil && (o.dir == dirWrite || d.bulk.Load() == 0) {
			// one P: block in the receive or send itself
			// (blockio_linux.go); a bulk sender too (one send per chunk,
			// as C's), not a bulk receiver (the netpoller's later
			// wake-up finds more data)
			switch st, e := fd.blockingIO(o); st {
			case brDone:
				fd.opDone(d, o, true)
				return e, nil
			case brRetry:
				predicted = false
				continue
			case brSkip:
				skip = true
			}
		}
		if !skip && d.bulk.Load() == 0 && (o.dir == dirRead || len(o.p) < bulkBytes) {
			r, err = fd.directWaitStep(o, deadline, predicted)
		}
		if predicted && r {
			// directWaitStep cleared d.waited if the fd was ready on entry
			// (the prediction was wrong).
			waited = d.waited.Load()
		}
		predicted = false
		if err != nil {
			return 0, err
		}
		if r {
			continue // ready (or woken): retry the syscall
		}
		// The netpoller (per OS: poll_linux.go, poll_other.go).
		h, err := fd.pollEnter(o, deadline)
		if err != nil {
			return 0, err
		}
		err = fd.pollWait(o, h, deadline)
		done, err := fd.pollLeave(o, deadline, err)
		if err != nil {
			return 0, err
		}
		if done {
			fd.opDone(d, o, waited)
			return o.errno, nil
		}
	}
}

// dontWaitMode is the timeout mode of one call with the given flags: a
// socket in blocking mode makes a single attempt when the caller passes
// MSG_DONTWAIT (CPython calls the function once and raises
// BlockingIOError); in timeout mode CPython waits for readiness first, as
// runOp does.
func dontWaitMode(timeout time.Duration, flags int) time.Duration {
	if timeout < 0 && flags&unix.MSG_DONTWAIT != 0 {
		return 0
	}
	return timeout
}

// bulkBytes and bulkLinger: see dirState.bulk.
const (
	bulkBytes  = 16 << 10
	bulkLinger = 4
)

// opDone records what the completed op tells about the next one.
func (fd *netFD) opDone(d *dirState, o *ioOp, waited bool) {
	if o.kind == opAccept || o.kind == opConnect {
		// o.n is a descriptor
		if d.waited.Load() != waited {
			d.waited.Store(waited)
		}
		return
	}
	fd.noteDone(d, int(o.dir), o.n, len(o.p), waited)
}

// noteDone is opDone for a transfer of n bytes out of plen.
func (fd *netFD) noteDone(d *dirState, dir, n, plen int, waited bool) {
	if d.waited.Load() != waited {
		d.waited.Store(waited)
	}
	b := d.bulk.Load()
	if n >= bulkBytes || plen >= bulkBytes && dir == dirWrite {
		if b != bulkLinger {
			d.bulk.Store(bulkLinger)
		}
	} else if b > 0 {
		d.bulk.Store(b - 1)
	}
}

// directWaitStep waits directly (wait_linux.go) when the budget and the
// direction's history allow it. retry: the syscall should be retried;
// false with a nil error: wait in the netpoller.
func (fd *netFD) directWaitStep(o *ioOp, deadline time.Time, predicted bool) (retry bool, err error) {
	if o.intr != nil && isDone(o.intr) {
		return false, errInterrupted
	}
	d := &fd.dirs[o.dir]
	if d.directSkip.Load() > 0 {
		d.directSkip.Add(-1)
		return false, nil
	}
	if !ppollAcquire() {
		return false, nil
	}
	r := fd.ppollWait(int(o.dir), deadline)
	ppollRelease()
	switch r {
	case pollReady:
		return true, nil
	case pollReadyAtOnce:
		if predicted {
			d.waited.Store(false)
		}
		return true, nil
	case pollClosed:
		return false, errClosedSentinel
	case pollTimeout:
		return false, ErrTimeout
	}
	// pollExpired: this direction waits long; skip direct waits for a
	// while and continue in the netpoller.
	d.directSkip.Store(directSkipAfterExpiry)
	return false, nil
}

// directSkipAfterExpiry: waits that skip the direct path after a direct wait
// of the same direction expired.
const directSkipAfterExpiry = 8

// netpollWaiting counts the goroutines of this package in netpollWait (with
// GOMAXPROCS=1 a direct wait would delay their wake-up: wait_linux.go).
var netpollWaiting atomic.Int32

// errClosedSentinel is converted to errClosed(op) by Socket.do.
var errClosedSentinel = syscall.EBADF

// pollEnter takes the direction's netpoller turn and returns the
// socket's netpoller handle (registered on first use); the caller then runs
// pollWait and must call pollLeave.
//
//go:noinline
func (fd *netFD) pollEnter(o *ioOp, deadline time.Time) (pollHandle, error) {
	var none pollHandle
	d := &fd.dirs[o.dir]
	if !d.turnHeld.CompareAndSwap(false, true) {
		if err := fd.waitTurn(d, deadline, o.intr); err != nil {
			return none, err
		}
	}
	netpollWaiting.Add(1)
	h, err := fd.pollOpen(int(o.dir))
	if err == nil && fd.isClosed() {
		err = errClosedSentinel
	}
	if err != nil {
		netpollWaiting.Add(-1)
		fd.releaseTurn(d)
		if fd.isClosed() {
			return none, errClosedSentinel
		}
		return none, err
	}
	return h, nil
}

// pollLeave releases the turn and maps the poller's result.
//
//go:noinline
func (fd *netFD) pollLeave(o *ioOp, deadline time.Time, err error) (bool, error) {
	d := &fd.dirs[o.dir]
	netpollWaiting.Add(-1)
	fd.releaseTurn(d)
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

// releaseTurn gives the netpoller turn back and wakes a waiter, if any.
func (fd *netFD) releaseTurn(d *dirState) {
	d.turnHeld.Store(false)
	if d.turnWaiters.Load() > 0 {
		select {
		case fd.turnWakeChan(d) <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
}

// turnWakeChan returns d's wake channel, created on first use.
func (fd *netFD) turnWakeChan(d *dirState) chan struct{} {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if d.turnWake == nil {
		d.turnWake = make(chan struct{}, 1)
	}
	return d.turnWake
}

// waitTurn waits for the direction's netpoller turn, the deadline or close.
// A waiter registers before it tries the turn again, and the holder
// releases before it looks for waiters, so a release is never missed; a
// wake-up for a waiter that left is harmless (the next one retries).
func (fd *netFD) waitTurn(d *dirState, deadline time.Time, intr <-chan struct{}) error {
	wake := fd.turnWakeChan(d)
	d.turnWaiters.Add(1)
	defer d.turnWaiters.Add(-1)
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
	closing := fd.closingChan()
	for {
		if d.turnHeld.CompareAndSwap(false, true) {
			return nil
		}
		select {
		case <-wake:
		case <-closing:
			return errClosedSentinel
		case <-intr:
			return errInterrupted
		case <-tc:
			return ErrTimeout
		}
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
