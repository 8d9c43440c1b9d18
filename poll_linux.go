//go:build linux

package socket

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The netpoller wait on linux, two ways, chosen per socket at its first
// wait in the netpoller:
//
//   - The poller file (poll_file_unix.go): a dup of the descriptor in an
//     *os.File, watched by Go's netpoller itself. The quickest wake-up, but
//     a socket waiting this way holds two descriptors (os.File owns and
//     closes its descriptor, also from a finalizer, so the socket's own
//     cannot be given to it without breaking Detach).
//   - The package's epoll instance, which Go's netpoller watches (an epoll
//     descriptor is readable while events are ready): the socket's own
//     descriptor, no dup. A waiter arms its direction one shot
//     (EPOLLONESHOT) after an attempt failed with EAGAIN, unless it is
//     armed already, and parks on the direction's token channel; so events
//     come only for a direction somebody waits for. One goroutine, parked
//     in the netpoller on the epoll descriptor, drains it when it becomes
//     readable and hands each event to the socket's directions as a token
//     (re-arming a direction that still waits and did not get one). Detach
//     removes the registration and hands the descriptor out untouched. A
//     waiting socket costs a channel (and the park's sudog) instead of an
//     os.File and the runtime's pollDesc; a wait costs two system calls more
//     (the re-arm, the drain) and a goroutine switch.
//
// Poller files are made while fewer than dupBudget of them are open (a
// quarter of RLIMIT_NOFILE), and whenever a dup fails for want of
// descriptors the socket takes the epoll instance instead. So the dups never
// take more than a quarter of the process's descriptors: 10,000 blocked
// readers under a limit of 20,000 (where Go's net needs 10,000) use 15,000,
// and a process with a generous limit keeps the quicker wake-ups.

// pollHandle is what a netpoller wait needs: the poller file, or (when nil)
// the direction's token channel.
type pollHandle struct {
	pf *pollFile
	ch chan struct{}
}

// Poll modes (pollState.pmode).
const (
	pmNone  = iota // not waited in the netpoller yet
	pmFile         // the poller file
	pmEpoll        // the epoll instance
)

// pollState is netFD's part for the netpoller (under netFD.pmu).
type pollState struct {
	pfile  *pollFile        // the poller file (pmFile)
	preg   uint32           // the epoll registration: slot+1 in ep.regs (0: none)
	pgen   uint32           // and its generation
	pmode  uint8            // pmNone, pmFile, pmEpoll (sticky)
	parmed uint8            // the directions armed (1<<dir), until their shot fires
	pwake  [2]chan struct{} // per direction: readiness tokens (made on first wait)
}

// dupBudget is how many poller files may be open at once: a quarter of the
// soft RLIMIT_NOFILE (which Go raises to the hard one at start-up), read
// once, or SOCKSPEC_POLLDUPS from the environment (0: every socket waits
// through the epoll instance). pollDupBudget overrides both when >= 0
// (tests).
var (
	dupBudgetOnce  sync.Once
	dupBudgetValue int64
	pollDupBudget  atomic.Int64
)

func init() { pollDupBudget.Store(-1) }

func dupBudget() int64 {
	if b := pollDupBudget.Load(); b >= 0 {
		return b
	}
	dupBudgetOnce.Do(func() {
		if v, err := strconv.ParseInt(os.Getenv("SOCKSPEC_POLLDUPS"), 10, 64); err == nil && v >= 0 {
			dupBudgetValue = v
			return
		}
		var rl unix.Rlimit
		dupBudgetValue = 256
		if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil {
			if rl.Cur == unix.RLIM_INFINITY || rl.Cur > 1<<40 {
				dupBudgetValue = 1 << 40
			} else {
				dupBudgetValue = int64(rl.Cur / 4)
			}
		}
	})
	return dupBudgetValue
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

// startPoller starts the epoll instance and its goroutine, and the
// poller-file helper (once).
func startPoller() {
	ep.once.Do(epStart)
	startPollFileHelper()
}

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

// pollOpen returns the socket's netpoller handle for direction dir,
// choosing the way on the socket's first wait (see the top of the file).
func (fd *netFD) pollOpen(dir int) (pollHandle, error) {
	fd.pmu.Lock()
	if fd.pclosed {
		fd.pmu.Unlock()
		return pollHandle{}, errClosedSentinel
	}
	if fd.pmode == pmFile && fd.pfile != nil {
		p := fd.pfile
		fd.pmu.Unlock()
		return pollHandle{pf: p}, nil
	}
	try := fd.pmode == pmNone && dupsLive.Load() < dupBudget()
	fd.pmu.Unlock()
	if try {
		err := pollFileSetup(fd) // through the helper goroutine
		fd.pmu.Lock()
		if fd.pclosed {
			fd.pmu.Unlock()
			return pollHandle{}, errClosedSentinel
		}
		if err == nil && fd.pfile != nil {
			fd.pmode = pmFile
			p := fd.pfile
			fd.pmu.Unlock()
			return pollHandle{pf: p}, nil
		}
		fd.pmu.Unlock()
		if err != nil && err != syscall.EMFILE && err != syscall.ENFILE {
			return pollHandle{}, err
		}
		// out of descriptors: the epoll instance needs none
	}
	return fd.epollOpen(dir)
}

// epollOpen puts the socket in epoll mode and returns direction dir's token
// channel (made on first use).
func (fd *netFD) epollOpen(dir int) (pollHandle, error) {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed {
		return pollHandle{}, errClosedSentinel
	}
	if fd.pmode == pmFile && fd.pfile != nil {
		return pollHandle{pf: fd.pfile}, nil // another goroutine's dup succeeded
	}
	ch := fd.pwake[dir]
	if ch == nil {
		ep.once.Do(epStart)
		if ep.err != nil {
			return pollHandle{}, ep.err
		}
		ch = make(chan struct{}, 1)
		fd.pwake[dir] = ch
	}
	fd.pmode = pmEpoll
	return pollHandle{ch: ch}, nil
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

// pollClose (markClosed, under fd.pmu, the descriptor still open) closes
// the poller file, or removes the epoll registration and wakes the waiters:
// they see the closed state.
func (fd *netFD) pollClose() {
	fd.pollFileClose()
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
	ch, pf := fd.pwake[dir], fd.pfile
	fd.pmu.Unlock()
	if pf != nil {
		// a deadline in the past: the waiter sees os.ErrDeadlineExceeded,
		// then its interrupt channel closed, or waits again
		fd.setPollDeadline(dir, aLongTimeAgo)
	}
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
func (fd *netFD) pollWait(o *ioOp, h pollHandle, deadline time.Time) error {
	if h.pf != nil {
		return fd.pollFileWait(o, h.pf, deadline)
	}
	ch := h.ch
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
func (fd *netFD) pollWaitTimed(o *ioOp, ch chan struct{}, deadline time.Time) error {
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
