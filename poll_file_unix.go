//go:build unix

package socket

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The poller file: a dup of the socket's descriptor in an *os.File, which Go's
// netpoller watches directly (created on first wait, closed by Close and
// Detach). The dup, not the descriptor itself: os.File owns and closes its
// descriptor (also from a finalizer), and Detach must hand the socket's
// descriptor out open. So a socket waiting this way holds two descriptors.
// Outside linux it is the netpoller wait (poll_other.go); on linux it is
// the fast one while descriptors are plentiful, and the package's epoll
// instance takes over beyond a budget (poll_linux.go).

// pollFile is a socket's poller file (netFD.pfile, under netFD.pmu).
type pollFile struct {
	f  *os.File
	rc syscall.RawConn
	// the file's deadline per direction, when pdlOK (read and written by
	// the holder of the direction's turn; a poke invalidates it)
	pdlOK [2]bool
	pdl   [2]int64 // UnixNano, 0: none
}

// dupsLive counts the poller files open (each holds a descriptor).
var dupsLive atomic.Int64

// The poller-file helper: one goroutine, started on first use, that runs
// newPollFile for the requesting goroutines, one at a time, without
// allocating per request. Creating the poller file goes deep into os and
// the runtime; done by the goroutine that is about to park, it would grow
// its stack (to 4 KiB, for good). Responses cannot be mismatched: the helper
// receives the next request only after the previous response was taken,
// and only the sender of the previous request can be waiting for it.
var setup struct {
	once sync.Once
	req  chan *netFD
	resp chan error
}

// startPollFileHelper starts the helper goroutine (once).
func startPollFileHelper() {
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

// pollFileSetup creates fd's poller file through the helper.
func pollFileSetup(fd *netFD) error {
	startPollFileHelper()
	setup.req <- fd
	return <-setup.resp
}

// newPollFile creates fd.pfile (unless it exists or the socket is closed).
func (fd *netFD) newPollFile() error {
	fd.pmu.Lock()
	defer fd.pmu.Unlock()
	if fd.pclosed || fd.pfile != nil {
		return nil
	}
	// os.NewFile registers the dup with the netpoller only if the
	// description is O_NONBLOCK.
	fd.nonblockLocked()
	nfd, err := dupForPoller(fd.sysfd) // wait_linux.go, wait_nodirect.go
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(nfd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return err
	}
	// a new file has no deadlines (nobody holds a turn yet: a turn is
	// taken only once pollOpen has returned the file)
	fd.pfile = &pollFile{f: f, rc: rc, pdlOK: [2]bool{true, true}}
	dupsLive.Add(1)
	return nil
}

// pollFileClose (markClosed, under fd.pmu) closes the poller file: its
// waiters wake; only the dup is closed.
func (fd *netFD) pollFileClose() {
	if p := fd.pfile; p != nil {
		p.f.Close()
		fd.pfile = nil
		dupsLive.Add(-1)
	}
}

// setPollDeadline sets the poller file's deadline for direction dir
// (EBADF: no poller file).
func (fd *netFD) setPollDeadline(dir int, t time.Time) error {
	fd.pmu.Lock()
	p := fd.pfile
	fd.pmu.Unlock()
	if p == nil {
		return syscall.EBADF
	}
	if dir == dirRead {
		return p.f.SetReadDeadline(t)
	}
	return p.f.SetWriteDeadline(t)
}

// pollFileWait runs o in the poller file's RawConn callback until it
// completes (nil: o.errno holds its result), the deadline passes or a poke
// arrives (os.ErrDeadlineExceeded), or the file is closed. The caller holds
// the direction's turn.
func (fd *netFD) pollFileWait(o *ioOp, p *pollFile, deadline time.Time) error {
	dir := int(o.dir)
	// Setting a deadline goes deep into the runtime (it would grow a 2 KiB
	// stack): only when it changes.
	dl := int64(0)
	if !deadline.IsZero() {
		dl = deadline.UnixNano()
	}
	if !p.pdlOK[dir] || p.pdl[dir] != dl {
		if err := fd.setPollDeadline(dir, deadline); err != nil {
			p.pdlOK[dir] = false
			return err
		}
		p.pdl[dir], p.pdlOK[dir] = dl, true
	}
	if o.intr != nil && isDone(o.intr) {
		return errInterrupted
	}
	if o.cb == nil {
		o.cb = o.pollCallback // bound once per op (ops are reused)
	}
	var err error
	if dir == dirRead {
		err = p.rc.Read(o.cb)
	} else {
		err = p.rc.Write(o.cb)
	}
	if err != nil {
		p.pdlOK[dir] = false // perhaps poked
	}
	return err
}
