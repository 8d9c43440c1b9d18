//go:build darwin || freebsd

package socket

// Direct waiting on the calling thread, as wait_linux.go, with poll(2) and
// millisecond sub-slices (darwin has no ppoll).

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const (
	// pollSubSlice is how long one poll call may block: the latency with
	// which a direct waiter notices Close or its deadline.
	pollSubSlice = time.Millisecond
	// pollSubSlices is how many sub-slices a wait spends in poll before
	// moving to the netpoller.
	pollSubSlices = 5
	// maxPPollBudget bounds the number of goroutines waiting in poll at once.
	maxPPollBudget = 4
)

// ppollBudget: GOMAXPROCS-1, at most maxPPollBudget (see wait_linux.go).
func ppollBudget() int32 { return int32(min(maxPPollBudget, runtime.GOMAXPROCS(0)-1)) }

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
// at most pollSubSlices sub-slices.
func (fd *netFD) ppollWait(dir int, deadline time.Time) int {
	pfd := []unix.PollFd{{Fd: int32(fd.sysfd), Events: unix.POLLIN}}
	if dir == dirWrite {
		pfd[0].Events = unix.POLLOUT
	}
	// A zero-timeout poll first tells "ready on entry" apart.
	if n, err := unix.Poll(pfd, 0); err == nil && n > 0 {
		return pollReadyAtOnce
	}
	for i := 0; i < pollSubSlices; i++ {
		if fd.isClosed() {
			return pollClosed
		}
		if !deadline.IsZero() && time.Until(deadline) <= 0 {
			return pollTimeout
		}
		n, err := unix.Poll(pfd, int(pollSubSlice/time.Millisecond))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return pollReady // let the syscall report the real error
		}
		if n > 0 {
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
