//go:build unix && !linux

package socket

import "time"

// The netpoller wait outside linux: the poller file (poll_file_unix.go).

// pollHandle is what a netpoller wait needs: the socket's poller file.
type pollHandle = *pollFile

// pollState is netFD's part for the netpoller (under netFD.pmu).
type pollState struct {
	pfile *pollFile // the poller file (lazy)
}

// opPoll is ioOp's part for the netpoller (nothing beyond the shared cb).
type opPoll struct{}

// startPoller starts what the netpoller waits need (the helper goroutine).
func startPoller() { startPollFileHelper() }

// pollOpen returns the socket's poller file, creating it on first use.
func (fd *netFD) pollOpen(dir int) (pollHandle, error) {
	fd.pmu.Lock()
	p, pclosed := fd.pfile, fd.pclosed
	fd.pmu.Unlock()
	if p != nil {
		return p, nil
	}
	if pclosed {
		return nil, errClosedSentinel
	}
	if err := pollFileSetup(fd); err != nil {
		return nil, err
	}
	fd.pmu.Lock()
	p = fd.pfile
	fd.pmu.Unlock()
	if p == nil {
		return nil, errClosedSentinel // closed meanwhile
	}
	return p, nil
}

// pollWait: see pollFileWait.
func (fd *netFD) pollWait(o *ioOp, p pollHandle, deadline time.Time) error {
	return fd.pollFileWait(o, p, deadline)
}

// pollClose (markClosed, under fd.pmu) closes the poller file.
func (fd *netFD) pollClose() { fd.pollFileClose() }

// pollPoke wakes the goroutine waiting in direction dir (context.go's
// interrupts): a deadline in the past, which the waiter reports as
// os.ErrDeadlineExceeded, then finds its interrupt channel closed or waits
// again.
func (fd *netFD) pollPoke(dir int) {
	fd.setPollDeadline(dir, aLongTimeAgo) // EBADF when no poller file exists: nothing waits there
}
