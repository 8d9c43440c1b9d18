//go:build linux

package socket

// Direct waiting on the calling thread (see the package's fd_unix.go notes):
// while one of a few global slots is free, a goroutine that must wait for
// readiness calls ppoll(2) itself instead of parking in Go's netpoller.
//
// Why: a blocking round trip through the netpoller costs a speculative
// syscall that fails with EAGAIN, a goroutine park, the scheduler's
// epoll_pwait and a wake-up; C and CPython pay one blocking syscall. A direct
// wait is ppoll + the I/O syscall (the speculative one is skipped when the
// direction's previous operation had to wait: fd_unix.go's prediction).
//
// The costs we measured on this kind of VM, and what they decide:
//
//   - A ppoll timeout shorter than the next scheduler tick (CONFIG_HZ=250:
//     4 ms) arms an hrtimer that reprograms the local APIC timer on entry
//     and on exit; in a VM that is two exits, ~1 µs a wait. So a direct wait
//     uses one long slice (directSlice) rather than millisecond sub-slices,
//     and Close, context cancellation (a poke) and nothing else interrupt it
//     through the slot's eventfd, the second entry of the ppoll set.
//   - With GOMAXPROCS >= 2, ppoll goes through syscall.Syscall6
//     (entersyscall): sysmon may hand the P to another thread, as for any
//     blocking system call; the budget is GOMAXPROCS-1 (at most
//     maxPPollBudget), so a P always stays free for the rest of the program.
//   - A direct wait is only started when no goroutine of this package waits
//     in the netpoller: goroutines that talk to each other (or many
//     waiters) are the netpoller's case.
//   - With GOMAXPROCS=1 (a process pinned to one core) the budget is 1 and
//     ppoll is a raw system call: to the scheduler the goroutine is running,
//     so sysmon does not retake the only P and start a spinning thread on
//     the same core (that handoff cost 15-40% of the round trips under
//     load); sysmon preempts it after 10 ms like any running goroutine
//     (SIGURG: EINTR, and the waiter yields), GC stops it the same way, and
//     the slice is 10 ms. So other goroutines of a one-P process may wait up
//     to Go's own preemption quantum while a direct wait blocks. A single
//     blocking conversation per process gets C's path, many goroutines get
//     the netpoller's scale. (A receive in blocking mode skips the ppoll and
//     blocks in the receive itself: blockio_linux.go. Neither blocks the P
//     while the process is crowded: when such a wait held other goroutines
//     up, see there.)
//   - A direct wait that expires (no readiness within directSlice) marks its
//     direction: the next directSkipAfterExpiry waits go straight to the
//     netpoller, so idle sockets do not keep slots (and threads) busy.

import (
	"encoding/binary"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// directSlice is how long one direct wait may block before it moves to
	// the netpoller. Longer than the scheduler tick, so that the ppoll timer
	// is rarely the earliest one (cheap to arm and cancel).
	directSlice = 10 * time.Millisecond
	// atOnce: a ppoll that returns ready having used less than this of its
	// timeout found the fd ready on entry (the wait was not needed).
	atOnce = 2 * time.Microsecond
)

// maxPPollBudget bounds the number of goroutines that may wait directly at
// once: each holds an OS thread while it waits.
const maxPPollBudget = 4

// procs caches GOMAXPROCS (runtime.GOMAXPROCS(0) takes the scheduler lock),
// refreshed every 1024 budget checks.
var (
	procs      atomic.Int32
	procsCalls atomic.Uint32
)

func gomaxprocs() int32 {
	p := procs.Load()
	// A load and a store rather than an atomic add: the count only paces
	// the refresh, a lost increment does not matter.
	c := procsCalls.Load() + 1
	procsCalls.Store(c)
	if p == 0 || c&1023 == 0 {
		p = int32(runtime.GOMAXPROCS(0))
		procs.Store(p)
	}
	return p
}

// ppollBudget is the number of direct waits allowed at once: GOMAXPROCS-1
// (at most maxPPollBudget), and 1 when GOMAXPROCS is 1 (see ppollAcquire).
func ppollBudget() int32 {
	p := gomaxprocs()
	if p <= 1 {
		return 1
	}
	return min(maxPPollBudget, p-1)
}

var ppollUsed atomic.Int32

// ppollAcquire reserves a direct wait; false: use the netpoller.
func ppollAcquire() bool {
	if !directInit() {
		return false
	}
	if netpollWaiting.Load() > 0 || crowded.Load() && gomaxprocs() <= 1 {
		// Goroutines of this process talk to each other through the
		// netpoller (or many wait there): a direct wait would hold the only
		// P (GOMAXPROCS=1) while one of them may become ready, or, with more
		// Ps, turn each hand-over into a cross-CPU thread wake-up (measured:
		// 36 µs against 7 µs per round trip between two goroutines). Nor,
		// on one P, while the process is crowded (blockio_linux.go: other
		// goroutines were held up by such a wait).
		return false
	}
	if ppollUsed.Add(1) <= ppollBudget() {
		return true
	}
	ppollUsed.Add(-1)
	return false
}

func ppollRelease() { ppollUsed.Add(-1) }

// directSlot is the state of one direct waiter. ppollAcquire admits at most
// maxPPollBudget waiters, so a free slot always exists for an admitted one.
type directSlot struct {
	busy  atomic.Bool
	owner atomic.Pointer[netFD] // the netFD waited on (Close/poke wake it)
	efd   int32                 // eventfd: written to interrupt the wait
	pfd   [2]unix.PollFd        // the socket, the eventfd
	ts    unix.Timespec
	_     [64]byte
}

var (
	directSlots [maxPPollBudget]directSlot
	directOnce  sync.Once
	directOK    bool
)

// directInit creates the slots' eventfds (once; they stay open for the life
// of the process, like the netpoller's own descriptors). False if that
// failed, or if the environment has SOCKSPEC_DIRECTWAIT=0: every wait then
// uses the netpoller.
func directInit() bool {
	directOnce.Do(func() {
		if os.Getenv("SOCKSPEC_DIRECTWAIT") == "0" {
			return // every wait uses the netpoller
		}
		for i := range directSlots {
			efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
			if err != nil {
				for j := 0; j < i; j++ {
					unix.Close(int(directSlots[j].efd))
				}
				return
			}
			directSlots[i].efd = int32(efd)
		}
		directOK = true
	})
	return directOK
}

func takeSlot() *directSlot {
	for try := 0; try < 100; try++ {
		for i := range directSlots {
			s := &directSlots[i]
			if !s.busy.Load() && s.busy.CompareAndSwap(false, true) {
				return s
			}
		}
	}
	return nil
}

// wakeDirect interrupts the direct waits on fd (Close, a context poke).
func (fd *netFD) wakeDirect() {
	if !directOK {
		return
	}
	for i := range directSlots {
		s := &directSlots[i]
		if s.owner.Load() == fd {
			var one [8]byte
			binary.NativeEndian.PutUint64(one[:], 1)
			unix.Write(int(s.efd), one[:])
		}
	}
}

// Results of ppollWait.
const (
	pollReady       = iota // ready, or interrupted (retry the syscall)
	pollReadyAtOnce        // ready on entry
	pollExpired            // slice used up: continue in the netpoller
	pollTimeout            // the deadline passed
	pollClosed             // the socket was closed
)

// ppollWait waits on the calling thread until the fd is ready for dir, the
// deadline passes, the socket is closed or poked, or directSlice has passed.
// The caller holds a ppollAcquire reservation.
func (fd *netFD) ppollWait(dir int, deadline time.Time) int {
	s := takeSlot()
	if s == nil {
		return pollExpired
	}
	s.owner.Store(fd)
	r := fd.directWait(s, dir, deadline)
	s.owner.Store(nil)
	s.busy.Store(false)
	return r
}

func (fd *netFD) directWait(s *directSlot, dir int, deadline time.Time) int {
	// owner is set before this check and Close sets closed before it looks
	// at the owners: either we see closed here or Close writes the eventfd.
	if fd.isClosed() {
		return pollClosed
	}
	t := directSlice
	if !deadline.IsZero() {
		rem := time.Until(deadline)
		if rem <= 0 {
			return pollTimeout
		}
		t = min(t, rem)
	}
	events := int16(unix.POLLIN)
	if dir == dirWrite {
		events = unix.POLLOUT
	}
	s.pfd[0] = unix.PollFd{Fd: int32(fd.sysfd), Events: events}
	s.pfd[1] = unix.PollFd{Fd: s.efd, Events: unix.POLLIN}
	// With GOMAXPROCS=1 the wait is a raw system call: to the scheduler the
	// goroutine is running, so sysmon does not hand the only P to a new
	// spinning thread on the same core (measured: +15-40% round trips/s on
	// one core under load); sysmon preempts it after 10 ms like any running
	// goroutine (SIGURG: EINTR, and we yield), and the slice is 10 ms.
	rawWait := gomaxprocs() <= 1
	for i := 0; i < 100; i++ {
		s.ts = unix.NsecToTimespec(int64(t))
		var n uintptr
		var e syscall.Errno
		if rawWait {
			n, _, e = unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&s.pfd[0])), 2, uintptr(unsafe.Pointer(&s.ts)), 0, 0, 0)
		} else {
			n, _, e = unix.Syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&s.pfd[0])), 2, uintptr(unsafe.Pointer(&s.ts)), 0, 0, 0)
		}
		if e == syscall.EINTR {
			if rawWait && yieldAfterBlock() {
				// a preemption request (GC, sysmon) or another signal,
				// and other goroutines were waiting for the P: retry
				// the syscall (once the process is crowded, the next
				// wait uses the netpoller)
				return pollReady
			}
			// ppoll wrote the time left into ts.
			if t = time.Duration(s.ts.Nano()); t <= 0 {
				break
			}
			continue
		}
		if e != 0 {
			// Cannot wait here (e.g. EBADF after a detach race); let the
			// caller retry the syscall, which reports the real error.
			return pollReady
		}
		if n == 0 {
			break
		}
		if s.pfd[1].Revents != 0 {
			var b [8]byte
			unix.Read(int(s.efd), b[:])
			if fd.isClosed() {
				return pollClosed
			}
			return pollReady // poked: the caller checks its interrupt
		}
		if i == 0 && t-time.Duration(s.ts.Nano()) < atOnce {
			return pollReadyAtOnce
		}
		return pollReady
	}
	if fd.isClosed() {
		return pollClosed
	}
	if !deadline.IsZero() && time.Until(deadline) <= 0 {
		return pollTimeout
	}
	if rawWait {
		yieldAfterBlock()
	}
	return pollExpired
}

// dupForPoller duplicates fd for the netpoller file (close-on-exec). A raw
// system call: when the descriptor table has to grow, the kernel may wait
// for an RCU grace period (milliseconds); through entersyscall, thousands of
// goroutines creating their poller files at once would each get their P
// retaken and a new OS thread started for the others (we saw 50 threads
// for 2,000 blocked readers). Holding the P for that rare wait is cheaper.
func dupForPoller(fd int) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}
