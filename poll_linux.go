//go:build linux

package socket

import (
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The netpoller wait on linux: the package's own epoll instance, which Go's
// netpoller watches (an epoll descriptor is readable while events are
// ready).
//
// A socket that has to wait registers its own descriptor in that instance
// (on its first wait) and arms it for the directions that wait, one shot at
// a time (EPOLLONESHOT): after an attempt failed with EAGAIN, the waiter
// arms its direction (unless it is armed already) and parks. So events come
// only for a direction somebody waits for: a socket whose reads and writes
// succeed at once costs the poller nothing, however much traffic it has.
// One goroutine, parked in the netpoller on the epoll descriptor, drains it
// when it becomes readable and hands each event to the socket's directions
// as a token in a channel of capacity 1 (re-arming a direction that still
// waits and did not get one); the goroutine that waits in that direction
// receives the token (or its deadline, interrupt or Close) and retries the
// system call.
//
// Why not an *os.File per socket: os.File takes ownership of its
// descriptor (it closes it, also from a finalizer), so the socket's own
// descriptor cannot be given to it without breaking Detach; it would have
// to be a dup, and a socket waiting in the netpoller would hold two
// descriptors. 10,000 blocked readers then need 20,000 descriptors, above
// common limits where Go's net needs 10,000. Here a socket keeps exactly
// its one descriptor, Detach removes the registration and hands it out
// untouched, and a waiting socket costs a channel instead of an os.File and
// the runtime's pollDesc.

// pollHandle is what a netpoller wait needs: the direction's token channel.
type pollHandle = chan struct{}

// pollState is netFD's part for the netpoller (under netFD.pmu).
type pollState struct {
	preg   uint32           // the registration: slot+1 in ep.regs (0: none)
	pgen   uint32           // and its generation
	parmed uint8            // the directions armed (1<<dir), until their shot fires
	pwake  [2]chan struct{} // per direction: readiness tokens (made on first wait)
}

// ep is the package's epoll instance (started on first use).
var ep struct {
	once sync.Once
	err  error
	fd   int
	file *os.File // the epoll descriptor in Go's netpoller (kept for good)
	rc   syscall.RawConn
	evs  [128]unix.EpollEvent // the harvester's buffer

	mu   sync.Mutex
	regs []*netFD // by slot
	gens []uint32 // by slot: the registration's generation (in the event data)
	free []uint32 // free slots
}

// startPoller starts the epoll instance and its goroutine (once).
func startPoller() { ep.once.Do(epStart) }

// epStart creates the epoll instance and its harvester goroutine.
func epStart() {
	efd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		ep.err = os.NewSyscallError("epoll_create1", err)
		return
	}
	// os.NewFile puts a descriptor in the netpoller only if it is
	// non-blocking (for an epoll descriptor the flag changes nothing else:
	// the harvester's epoll_pwait has a zero timeout).
	if err := unix.SetNonblock(efd, true); err != nil {
		unix.Close(efd)
		ep.err = os.NewSyscallError("fcntl", err)
		return
	}
	f := os.NewFile(uintptr(efd), "sockspec-epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		ep.err = err
		return
	}
	ep.fd, ep.file, ep.rc = efd, f, rc
	go epHarvest()
}

// epHarvest runs for the life of the process: it parks in the netpoller
// until the epoll descriptor is readable, then drains it (epDrain reports
// false, so Read waits again).
func epHarvest() {
	for {
		if err := ep.rc.Read(epDrain); err != nil {
			// Only if the epoll descriptor were closed behind the
			// package's back: nothing can wake the waiters any more
			// except their deadlines and Close.
			return
		}
	}
}

// epDrain takes every ready event (the netpoller's registration of the
// epoll descriptor is edge-triggered: it must be emptied) and dispatches it.
func epDrain(uintptr) bool {
	for i := 0; i < 1<<20; i++ {
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(ep.fd), uintptr(unsafe.Pointer(&ep.evs[0])), uintptr(len(ep.evs)), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 || n == 0 {
			return false
		}
		epDispatch(ep.evs[:n])
		if int(n) < len(ep.evs) {
			return false
		}
	}
	return false
}

// epDispatch hands each event to its socket's directions.
func epDispatch(evs []unix.EpollEvent) {
	var fds [len(ep.evs)]*netFD
	ep.mu.Lock()
	for i := range evs {
		slot, gen := epSlotGen(&evs[i])
		if int(slot) < len(ep.regs) && ep.gens[slot] == gen {
			fds[i] = ep.regs[slot]
		}
	}
	ep.mu.Unlock()
	for i := range evs {
		fd := fds[i]
		if fd == nil {
			continue // deregistered meanwhile
		}
		ev := evs[i].Events
		var got uint8
		if ev&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			got |= 1 << dirRead
		}
		if ev&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			got |= 1 << dirWrite
		}
		fd.pmu.Lock()
		r, w := fd.pwake[dirRead], fd.pwake[dirWrite]
		if slot, gen := epSlotGen(&evs[i]); fd.preg == slot+1 && fd.pgen == gen {
			// the shot fired: nothing is armed; a direction that still
			// waits and got nothing is armed again
			rest := fd.parmed &^ got
			fd.parmed = 0
			if rest != 0 && epArm(fd, unix.EPOLL_CTL_MOD, rest) == nil {
				fd.parmed = rest
			}
		}
		fd.pmu.Unlock()
		if got&(1<<dirRead) != 0 {
			giveToken(r)
		}
		if got&(1<<dirWrite) != 0 {
			giveToken(w)
		}
	}
}

// giveToken leaves a token in ch unless one is there already (or ch is nil:
// nobody has waited in that direction yet).
func giveToken(ch chan struct{}) {
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// pollOpen returns direction dir's token channel (made on first use).
func (fd *netFD) pollOpen(dir int) (pollHandle, error) {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed {
		return nil, errClosedSentinel
	}
	ch := fd.pwake[dir]
	if ch == nil {
		startPoller()
		if ep.err != nil {
			return nil, ep.err
		}
		ch = make(chan struct{}, 1)
		fd.pwake[dir] = ch
	}
	return ch, nil
}

// pollArm arms direction dir after a failed attempt (registering the
// socket on its first wait). Arming reports the current readiness, so
// nothing that arrived since the attempt is missed.
func (fd *netFD) pollArm(dir int) error {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed {
		return errClosedSentinel
	}
	bit := uint8(1) << dir
	if fd.parmed&bit != 0 {
		return nil // its shot has not fired yet
	}
	if fd.preg == 0 {
		if err := epRegister(fd, fd.parmed|bit); err != nil {
			return err
		}
	} else if err := epArm(fd, unix.EPOLL_CTL_MOD, fd.parmed|bit); err != nil {
		return err
	}
	fd.parmed |= bit
	return nil
}

// epArm adds (EPOLL_CTL_ADD) or re-arms (EPOLL_CTL_MOD) fd's registration
// for the directions in mask, one shot (under fd.pmu, fd.preg set).
func epArm(fd *netFD, op int, mask uint8) error {
	ev := unix.EpollEvent{Events: unix.EPOLLONESHOT}
	if mask&(1<<dirRead) != 0 {
		ev.Events |= unix.EPOLLIN | unix.EPOLLRDHUP
	}
	if mask&(1<<dirWrite) != 0 {
		ev.Events |= unix.EPOLLOUT
	}
	epSetSlotGen(&ev, fd.preg-1, fd.pgen)
	if _, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(ep.fd), uintptr(op), uintptr(fd.sysfd), uintptr(unsafe.Pointer(&ev)), 0, 0); e != 0 {
		return os.NewSyscallError("epoll_ctl", e)
	}
	return nil
}

// epRegister adds fd to the epoll instance, armed for mask (under
// fd.pmu).
func epRegister(fd *netFD, mask uint8) error {
	ep.mu.Lock()
	var slot uint32
	if n := len(ep.free); n > 0 {
		slot = ep.free[n-1]
		ep.free = ep.free[:n-1]
	} else {
		slot = uint32(len(ep.regs))
		ep.regs = append(ep.regs, nil)
		ep.gens = append(ep.gens, 0)
	}
	ep.gens[slot]++
	ep.regs[slot] = fd
	fd.preg, fd.pgen = slot+1, ep.gens[slot]
	ep.mu.Unlock()
	if err := epArm(fd, unix.EPOLL_CTL_ADD, mask); err != nil {
		fd.preg = 0
		ep.mu.Lock()
		ep.regs[slot] = nil
		ep.free = append(ep.free, slot)
		ep.mu.Unlock()
		return err
	}
	return nil
}

// pollClose (markClosed, under fd.pmu, the descriptor still open) removes
// the registration and wakes the waiters: they see the closed state.
func (fd *netFD) pollClose() {
	if fd.preg != 0 {
		slot := fd.preg - 1
		fd.preg, fd.parmed = 0, 0
		unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(ep.fd), unix.EPOLL_CTL_DEL, uintptr(fd.sysfd), 0, 0, 0)
		ep.mu.Lock()
		ep.regs[slot] = nil
		ep.gens[slot]++ // events already read for it are dropped
		ep.free = append(ep.free, slot)
		ep.mu.Unlock()
	}
	giveToken(fd.pwake[dirRead])
	giveToken(fd.pwake[dirWrite])
}

// pollPoke wakes the goroutine waiting in direction dir (context.go's
// interrupts: it finds its interrupt channel closed, or waits again).
func (fd *netFD) pollPoke(dir int) {
	fd.wakeDirect()
	fd.pmu.Lock()
	ch := fd.pwake[dir]
	fd.pmu.Unlock()
	giveToken(ch)
}

// pollWait runs o until it completes (nil: o.errno holds its result), the
// deadline passes (os.ErrDeadlineExceeded), o's interrupt channel is closed
// (errInterrupted) or the socket is closed. The caller holds the
// direction's turn: it is the only goroutine receiving from ch.
//
// An untimed wait parks in a plain channel receive, at the bottom of frames
// kept small: the runtime may allocate the park's sudog there, and that
// must not grow a blocked reader's stack beyond Go's initial 2 KiB.
func (fd *netFD) pollWait(o *ioOp, ch pollHandle, deadline time.Time) error {
	if !deadline.IsZero() || o.intr != nil {
		return fd.pollWaitTimed(o, ch, deadline)
	}
	for {
		if fd.isClosed() {
			return errClosedSentinel
		}
		if o.pollCallback(0) {
			return nil
		}
		if err := fd.pollArm(int(o.dir)); err != nil {
			return err
		}
		<-ch
	}
}

// pollWaitTimed is pollWait with a deadline or an interrupt channel.
//
//go:noinline
func (fd *netFD) pollWaitTimed(o *ioOp, ch pollHandle, deadline time.Time) error {
	var tc <-chan time.Time
	for {
		if fd.isClosed() {
			o.stopTimer(tc)
			return errClosedSentinel
		}
		if o.pollCallback(0) {
			o.stopTimer(tc)
			return nil
		}
		if err := fd.pollArm(int(o.dir)); err != nil {
			o.stopTimer(tc)
			return err
		}
		if tc == nil && !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return os.ErrDeadlineExceeded
			}
			tc = o.startTimer(d)
		}
		select {
		case <-ch:
		case <-o.intr:
			o.stopTimer(tc)
			return errInterrupted
		case <-tc:
			return os.ErrDeadlineExceeded
		}
	}
}

// startTimer arms o's timer (made on first use, then reused: a timed wait
// allocates nothing).
func (o *ioOp) startTimer(d time.Duration) <-chan time.Time {
	if o.timer == nil {
		o.timer = time.NewTimer(d)
	} else {
		o.timer.Reset(d)
	}
	return o.timer.C
}

// stopTimer stops o's timer if tc says it runs (Go 1.23's timers: no stale
// value is received after Stop or Reset).
func (o *ioOp) stopTimer(tc <-chan time.Time) {
	if tc != nil {
		o.timer.Stop()
	}
}

// The event's data carries the slot (low half) and its generation (high
// half); x/sys names the halves Fd and Pad on every linux architecture.
func epSlotGen(ev *unix.EpollEvent) (slot, gen uint32) { return uint32(ev.Fd), uint32(ev.Pad) }

func epSetSlotGen(ev *unix.EpollEvent, slot, gen uint32) {
	ev.Fd, ev.Pad = int32(slot), int32(gen)
}

// opPoll is ioOp's part for the netpoller: the timer of its timed waits.
type opPoll struct {
	timer *time.Timer
}

func (o *ioOp) bindPoll() {}
