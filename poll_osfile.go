//go:build unix && !linux

package socket

import (
	"os"
	"sync"
	"syscall"
	"time"
)

// The netpoller wait outside linux: a dup of the socket's descriptor in an
// *os.File, which Go's netpoller watches (created on first wait, closed by
// Close and Detach). The dup, not the descriptor itself: os.File owns and
// closes its descriptor (also from a finalizer), and Detach must hand the
// socket's descriptor out open. So a socket waiting in the netpoller holds
// two descriptors here (on linux, poll_linux.go keeps it to one).

// pollHandle is what a netpoller wait needs: the poller file's RawConn.
type pollHandle = syscall.RawConn

// pollState is netFD's part for the netpoller (under netFD.pmu).
type pollState struct {
	pf *os.File // dup of sysfd registered with the netpoller (lazy)
	rc syscall.RawConn
	// the poller file's deadline per direction, when pdlOK (read and
	// written by the holder of the direction's turn; a poke invalidates it)
	pdlOK [2]bool
	pdl   [2]int64 // UnixNano, 0: none
}

// opPoll is ioOp's part for the netpoller: the RawConn callback.
type opPoll struct {
	cb func(uintptr) bool // o.pollCallback, bound once
}

func (o *ioOp) bindPoll() { o.cb = o.pollCallback }

// pollOpen returns the netpoller handle, creating the dup on first use.
func (fd *netFD) pollOpen(dir int) (pollHandle, error) {
	fd.pmu.Lock()
	rc, pclosed := fd.rc, fd.pclosed
	fd.pmu.Unlock()
	if rc != nil {
		return rc, nil
	}
	if pclosed {
		return nil, errClosedSentinel
	}
	// Creating the poller file goes deep into os and the runtime; done
	// here, it would grow the stack of the goroutine that is about to park
	// (to 4 KiB, for good). A helper goroutine does it instead, once per
	// socket.
	if err := pollFileSetup(fd); err != nil {
		return nil, err
	}
	fd.pmu.Lock()
	rc = fd.rc
	fd.pmu.Unlock()
	if rc == nil {
		return nil, errClosedSentinel // closed meanwhile
	}
	return rc, nil
}

// The poller-file helper: one goroutine, started on first use, that runs
// newPollFile for the requesting goroutines, one at a time, without
// allocating per request. Responses cannot be mismatched: the helper
// receives the next request only after the previous response was taken,
// and only the sender of the previous request can be waiting for it.
var setup struct {
	once sync.Once
	req  chan *netFD
	resp chan error
}

// startPoller starts the helper goroutine (once).
func startPoller() {
	setup.once.Do(func() {
		setup.req = make(chan *netFD)
		setup.resp = make(chan error)
		go func() {
			for fd := range setup.req {
				setup.resp <- fd.newPollFile()
			}
		}()
	})
}

func pollFileSetup(fd *netFD) error {
	startPoller()
	setup.req <- fd
	return <-setup.resp
}

// newPollFile creates fd.pf and fd.rc (unless they exist or the socket is
// closed).
func (fd *netFD) newPollFile() error {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed || fd.rc != nil {
		return nil
	}
	// os.NewFile registers the dup with the netpoller only if the
	// description is O_NONBLOCK.
	fd.nonblockLocked()
	nfd, err := dupForPoller(fd.sysfd) // wait_nodirect.go
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(nfd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return err
	}
	fd.pf, fd.rc = f, rc
	// a new file has no deadlines (nobody holds a turn yet: a turn is
	// taken only once pollOpen has returned the file)
	fd.pdl, fd.pdlOK = [2]int64{}, [2]bool{true, true}
	return nil
}

// pollClose (markClosed, under fd.pmu) closes the poller file: its waiters
// wake; only the dup is closed.
func (fd *netFD) pollClose() {
	if fd.pf != nil {
		fd.pf.Close()
		fd.pf, fd.rc = nil, nil
	}
}

// pollPoke wakes the goroutine waiting in direction dir (context.go's
// interrupts): a deadline in the past, which the waiter reports as
// os.ErrDeadlineExceeded, then finds its interrupt channel closed or waits
// again.
func (fd *netFD) pollPoke(dir int) {
	fd.setPollDeadline(dir, aLongTimeAgo) // EBADF when no poller file exists: nothing waits there
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

// pollWait runs o in the RawConn callback until it completes (nil: o.errno
// holds its result), the deadline passes or a poke arrives
// (os.ErrDeadlineExceeded), or the file is closed. The caller holds the
// direction's turn.
func (fd *netFD) pollWait(o *ioOp, rc pollHandle, deadline time.Time) error {
	dir := int(o.dir)
	// Setting a deadline goes deep into the runtime (it would grow a 2 KiB
	// stack): only when it changes.
	dl := int64(0)
	if !deadline.IsZero() {
		dl = deadline.UnixNano()
	}
	if !fd.pdlOK[dir] || fd.pdl[dir] != dl {
		if err := fd.setPollDeadline(dir, deadline); err != nil {
			fd.pdlOK[dir] = false
			return err
		}
		fd.pdl[dir], fd.pdlOK[dir] = dl, true
	}
	if o.intr != nil && isDone(o.intr) {
		return errInterrupted
	}
	var err error
	if dir == dirRead {
		err = rc.Read(o.cb)
	} else {
		err = rc.Write(o.cb)
	}
	if err != nil {
		fd.pdlOK[dir] = false // perhaps poked
	}
	return err
}
