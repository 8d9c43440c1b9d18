//go:build linux

package socket

// Direct waiting on the calling thread: a short ppoll(2) while one of a few
// global slots is free (see the package's fd_unix.go notes).

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// ppollSubSlice is how long one ppoll call may block: the latency with
	// which a ppoll waiter notices Close or its deadline.
	ppollSubSlice = time.Millisecond
	// ppollSubSlices is how many sub-slices a wait spends in ppoll before
	// moving to the netpoller (so a slot is held at most ~5 ms).
	ppollSubSlices = 5
	// atOnce: a ppoll that returns ready having used less than this of its
	// timeout found the fd ready on entry (the wait was not needed).
	atOnce = 2 * time.Microsecond
)

// maxPPollBudget bounds the number of goroutines that may wait in ppoll at
// once: each holds an OS thread, and its P, while it waits.
const maxPPollBudget = 4

// ppollBudget is the current budget: GOMAXPROCS-1 (at most maxPPollBudget),
// so that at least one P always stays free for the program's other
// goroutines. A goroutine in ppoll keeps its P until sysmon retakes it
// (20 µs to 10 ms), so with GOMAXPROCS=1 a direct wait would starve the
// rest of the process: then every wait uses the netpoller.
func ppollBudget() int32 {
	return int32(min(maxPPollBudget, runtime.GOMAXPROCS(0)-1))
}

var ppollUsed atomic.Int32

func ppollAcquire() bool {
	if ppollUsed.Add(1) <= ppollBudget() {
		return true
	}
	ppollUsed.Add(-1)
	return false
}

func ppollRelease() { ppollUsed.Add(-1) }

// Results of ppollWait.
const (
	pollReady       = iota // ready (retry the syscall)
	pollReadyAtOnce        // ready on entry
	pollExpired            // slice used up: continue in the netpoller
	pollTimeout            // the deadline passed
	pollClosed             // the socket was closed
)

// ppollWait waits on the calling thread until the fd is ready for dir, for
// at most ppollSubSlices sub-slices.
func (fd *netFD) ppollWait(dir int, deadline time.Time) int {
	pfd := unix.PollFd{Fd: int32(fd.sysfd), Events: unix.POLLIN}
	if dir == dirWrite {
		pfd.Events = unix.POLLOUT
	}
	for i := 0; i < ppollSubSlices; i++ {
		if fd.isClosed() {
			return pollClosed
		}
		t := ppollSubSlice
		if !deadline.IsZero() {
			rem := time.Until(deadline)
			if rem <= 0 {
				return pollTimeout
			}
			t = min(t, rem)
		}
		ts := unix.NsecToTimespec(int64(t))
		n, _, e := unix.Syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			// Cannot wait here (e.g. EBADF after a detach race); let the
			// caller retry the syscall, which reports the real error.
			return pollReady
		}
		if n > 0 {
			if i == 0 && t-time.Duration(ts.Nano()) < atOnce {
				return pollReadyAtOnce
			}
			return pollReady
		}
	}
	if fd.isClosed() {
		return pollClosed
	}
	if !deadline.IsZero() && time.Until(deadline) <= 0 {
		return pollTimeout
	}
	return pollExpired
}
