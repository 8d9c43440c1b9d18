//go:build linux

package socket

// Blocking receives and sends on the calling thread, for a process on one P.
//
// With GOMAXPROCS=1 (a process pinned to one core) a direct wait
// (wait_linux.go) is a raw ppoll followed by the receive: three system calls
// per side of a round trip, where C and CPython make two (send, then a
// receive that blocks). The extra ppoll costs ~20% of the round trips. A
// bulk sender that fills the socket's buffer pays the same way through the
// netpoller: a partial send, a send that fails with EAGAIN, the scheduler's
// epoll_pwait and the send again, where C's blocking send is one call per
// chunk. So on one P, a receive or send of a socket in blocking mode
// (Python's timeout None) that is predicted to wait blocks in the system
// call itself:
//
//   - The socket's open file description loses O_NONBLOCK (as CPython's
//     blocking sockets have it) and gets SO_RCVTIMEO (for a receive) or
//     SO_SNDTIMEO (for a send) = directSlice. Every other receive and send
//     passes MSG_DONTWAIT (fd_unix.go: msgDontWait), which is what the
//     kernel adds itself for an O_NONBLOCK descriptor, so nothing else
//     changes. accept, connect, sendfile and the poller file need
//     O_NONBLOCK itself and set it back first (nonblockOn); the epoll
//     instance does not mind (poll_linux.go).
//   - The call is a raw system call, as the ppoll was (to the scheduler the
//     goroutine is running: sysmon does not hand the only P to a new thread
//     on the same core). The timeout bounds it to one slice (10 ms, rounded
//     up to the kernel's tick) and makes it interruptible: with a timeout
//     set, the kernel never restarts a receive or send after a signal
//     handler (signal(7)), so sysmon's preemption signal and GC's
//     stop-the-world return it with EINTR (or, for a send that had copied
//     part of its data, that count), and the goroutine yields.
//   - An expired slice (EAGAIN) sends the direction's next waits to the
//     netpoller, like an expired ppoll.
//   - Close from another goroutine cannot run while the only P is held;
//     it runs when the slice ends or the call is interrupted, as with the
//     ppoll. (From a non-Go thread, Close waits for the slice.)
//   - Nor can any other goroutine of the process: one that the blocked
//     call waits for (a producer feeding the peer through a channel, a
//     worker the peer hands data to) would hold it up for a whole slice,
//     every time (measured: an in-process relay of small messages on one P
//     went from 3.4 µs to 780 µs a message). So the yield that follows an
//     interrupted or expired slice first reads the runtime's count of
//     runnable goroutines (runtime/metrics): if some were waiting for the
//     P (twice within heldUpWindow: the runtime's start-up goroutines may
//     be the once), for the next crowdedFor no wait of the process blocks
//     the P (these paths and the one-P ppoll); they use the netpoller. A
//     process whose goroutines talk to each other loses two slices per
//     crowdedFor; one conversation with another process keeps the blocking
//     path. (A count rather than the time the yield takes: under emulation
//     or a tracer, an empty yield can take long.)
//
// Only descriptions the package created and nobody else holds (NewSocket,
// Accept, SocketPair; not SocketFromFD, FromFd, SocketFromSyscallConn or
// a Dup, and not after Dup, MakeFile or Detach) of AF_INET, AF_INET6 and
// AF_UNIX (whose receives and sends honour SO_RCVTIMEO and SO_SNDTIMEO in
// every protocol) take this path. A user's getsockopt or setsockopt of
// SO_RCVTIMEO or SO_SNDTIMEO restores the socket for good (their value, or
// the kernel's 0, is what they see).

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// msgDontWait is added to the flags of every non-blocking attempt of a
// receive or send (see above).
const msgDontWait = unix.MSG_DONTWAIT

// Results of blockingIO.
const (
	brNone  = iota // not taken: wait as usual
	brDone         // the call completed (errno is its result)
	brRetry        // interrupted: retry the operation
	brSkip         // the direction's waits skip direct paths for now (or the slice expired): the netpoller
)

// blockingIO performs o (a receive or a send of a socket in blocking mode,
// no context, predicted to wait) as one blocking raw system call when the
// process has one P and the socket allows it.
//
//go:noinline
func (fd *netFD) blockingIO(o *ioOp) (int, syscall.Errno) {
	switch o.kind {
	case opRecv, opRecvFrom, opRecvmsg, opSend, opSendTo, opSendmsg:
	default:
		return brNone, 0
	}
	if fd.bmode.Load()&bmPrivate == 0 || gomaxprocs() > 1 {
		return brNone, 0
	}
	d := &fd.dirs[o.dir]
	// No budget to take: on one P, one goroutine runs at a time. But not
	// while goroutines of this package wait in the netpoller (they may be
	// the peer: see ppollAcquire).
	if netpollWaiting.Load() > 0 || crowded.Load() || !directInit() {
		return brNone, 0
	}
	if d.directSkip.Load() > 0 {
		d.directSkip.Add(-1)
		return brSkip, 0
	}
	if !fd.blockingOn(int(o.dir)) || fd.isClosed() {
		return brNone, 0
	}
	for i := 0; ; i++ {
		e := o.sys(0, false)
		switch e {
		case 0:
			if o.dir == dirWrite && o.n < len(o.p) {
				// a send cut short: its slice expired or a signal
				// interrupted it (as EINTR or EAGAIN would have, had
				// nothing been sent)
				yieldAfterBlock()
			}
			return brDone, 0
		case syscall.EAGAIN:
			// The slice expired (or somebody set O_NONBLOCK on the
			// description): the netpoller's turn.
			fd.blockInterrupted(d, e)
			return brSkip, 0
		case syscall.EINTR:
			// A preemption request (sysmon, every 10 ms of a busy
			// conversation, or GC) or another signal: yield, and block
			// again; after a few in a row, the netpoller's turn.
			if yieldAfterBlock() || i == maxBlockingIntr || fd.isClosed() {
				d.directSkip.Store(directSkipAfterExpiry)
				return brRetry, 0
			}
			continue
		}
		return brDone, e
	}
}

// maxBlockingIntr: interrupted blocking calls retried in place.
const maxBlockingIntr = 3

// timeoBit and timeoOpt are the bmode bit and the socket option of a
// direction's slice.
func timeoBit(dir int) uint32 {
	if dir == dirWrite {
		return bmSndTimeo
	}
	return bmRcvTimeo
}

func timeoOpt(dir int) int {
	if dir == dirWrite {
		return unix.SO_SNDTIMEO
	}
	return unix.SO_RCVTIMEO
}

// blockingOn clears O_NONBLOCK and sets the slice as the direction's
// timeout (once); false if the socket may not block (shared, pinned,
// closed) or that failed.
func (fd *netFD) blockingOn(dir int) bool {
	tb := timeoBit(dir)
	m := fd.bmode.Load()
	if m&(bmBlocking|tb) == bmBlocking|tb {
		return true
	}
	if m&bmPinned != 0 {
		return false
	}
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	m = fd.bmode.Load()
	if fd.pclosed || m&bmPinned != 0 {
		return false
	}
	if m&tb == 0 {
		tv := unix.NsecToTimeval(int64(directSlice))
		if rawSetsockopt(fd.sysfd, unix.SOL_SOCKET, timeoOpt(dir), unsafe.Pointer(&tv), unsafe.Sizeof(tv)) != 0 {
			fd.bmode.Or(bmPinned)
			return false
		}
		fd.bmode.Or(tb)
	}
	if m&bmBlocking == 0 {
		if setNonblockRaw(fd.sysfd, false) != 0 {
			fd.bmode.Or(bmPinned)
			return false
		}
		fd.bmode.Or(bmBlocking)
	}
	return true
}

// timeoReset sets the slices the package set (SO_RCVTIMEO, SO_SNDTIMEO)
// back to the kernel's default (no timeout). The caller holds pmu.
func (fd *netFD) timeoReset() {
	for dir := range 2 {
		if tb := timeoBit(dir); fd.bmode.Load()&tb != 0 {
			var tv unix.Timeval
			rawSetsockopt(fd.sysfd, unix.SOL_SOCKET, timeoOpt(dir), unsafe.Pointer(&tv), unsafe.Sizeof(tv))
			fd.bmode.And(^tb)
		}
	}
}

func rawSetsockopt(fd, level, opt int, p unsafe.Pointer, n uintptr) syscall.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(p), n, 0)
	return e
}

// blockingFamily reports whether sockets of family may take the blocking
// path (their receives and sends honour SO_RCVTIMEO and SO_SNDTIMEO).
func blockingFamily(family AddressFamily) bool {
	return family == AF_INET || family == AF_INET6 || family == AF_UNIX
}

// sockoptHook runs before a user's getsockopt or setsockopt: SO_RCVTIMEO
// and SO_SNDTIMEO restore the socket for good (see above).
func (fd *netFD) sockoptHook(level, opt int) {
	if level != unix.SOL_SOCKET || fd.bmode.Load()&bmPinned != 0 {
		return
	}
	switch opt {
	case unix.SO_RCVTIMEO, unix.SO_RCVTIMEO_NEW, unix.SO_SNDTIMEO, unix.SO_SNDTIMEO_NEW:
		fd.pin()
	}
}

// blockNow reports whether a receive or send (dir), predicted to wait,
// blocks in the system call itself right now (Socket.quick; the first
// blocking call of a direction, which switches the description, takes
// blockingIO). A timeout bit implies directInit succeeded; a bulk receiver
// waits in the netpoller (runOp).
func (fd *netFD) blockNow(dir int, d *dirState, timeout time.Duration) bool {
	want := bmPrivate | bmBlocking | timeoBit(dir)
	return timeout < 0 && fd.bmode.Load()&(want|bmPinned) == want && (dir == dirWrite || d.bulk.Load() == 0) &&
		d.directSkip.Load() == 0 && netpollWaiting.Load() == 0 && !crowded.Load() && gomaxprocs() <= 1
}

// blockInterrupted handles a blocking receive or send of Socket.quick that
// returned EAGAIN (the slice expired: the netpoller's turn) or EINTR (a
// preemption request: yield) before the operation goes on in do.
func (fd *netFD) blockInterrupted(d *dirState, e syscall.Errno) {
	if e == syscall.EAGAIN {
		d.directSkip.Store(directSkipAfterExpiry)
	}
	yieldAfterBlock()
}

// crowded: other goroutines of the process were held up by a one-P block
// (see above); cleared crowdedFor after it was set, by the timer of the
// episode numbered crowdedGen.
var (
	crowded    atomic.Bool
	crowdedGen atomic.Int64
)

// onePInterrupts counts the one-P blocking calls that ended in an
// interruption or an expired slice (read by tests).
var onePInterrupts atomic.Int64

const (
	crowdedFor   = time.Second
	heldUpWindow = 200 * time.Millisecond
)

// yieldAfterBlock yields the P after a one-P blocking call (a receive, a
// send or a raw ppoll) was interrupted or its slice expired, and marks the
// process crowded if other goroutines were waiting to run (for the second
// time within heldUpWindow): the call had held them up. It reports whether
// some were.
func yieldAfterBlock() bool {
	onePInterrupts.Add(1)
	waiting := runnableGoroutines() > 0
	if waiting {
		// Before the yield: the goroutines that run meanwhile may be
		// other such callers, each with its own slice, and this one runs
		// again only after all of them (500 readers starting at once on
		// one P took 10 ms slices in turn for 5 s when this came after
		// the yield). Twice within heldUpWindow: once may be the
		// runtime's own start-up goroutines.
		now := time.Now().UnixNano()
		last := heldUpLast.Swap(now)
		if now-last < int64(heldUpWindow) && crowded.CompareAndSwap(false, true) {
			gen := crowdedGen.Add(1)
			time.AfterFunc(crowdedFor, func() {
				if crowdedGen.Load() == gen { // not a later episode's
					crowded.Store(false)
				}
			})
		}
	}
	runtime.Gosched()
	return waiting
}

// runnableGoroutines returns the runtime's count of goroutines ready to run
// but not running (~100 ns; only after an interrupted or expired slice).
func runnableGoroutines() uint64 {
	runnableMu.Lock()
	defer runnableMu.Unlock()
	metrics.Read(runnableSample[:])
	if runnableSample[0].Value.Kind() != metrics.KindUint64 {
		return 0 // not supported by this runtime: never crowded
	}
	return runnableSample[0].Value.Uint64()
}

var (
	runnableMu     sync.Mutex
	runnableSample = [1]metrics.Sample{{Name: "/sched/goroutines/runnable:goroutines"}}
)

// heldUpLast is when a yield last found goroutines waiting (UnixNano).
var heldUpLast atomic.Int64
