//go:build unix && !linux

package socket

import (
	"syscall"
	"time"
)

// The blocking receive and send path of blockio_linux.go is Linux's: elsewhere a
// socket's description stays O_NONBLOCK, so the attempts need no flag.

const msgDontWait = 0

const (
	brNone = iota
	brDone
	brRetry
	brSkip
)

func (fd *netFD) blockingIO(*ioOp) (int, syscall.Errno) { return brNone, 0 }

func (fd *netFD) timeoReset() {}

func blockingFamily(AddressFamily) bool { return false }

func (fd *netFD) sockoptHook(level, opt int) {}

func (fd *netFD) blockNow(int, *dirState, time.Duration) bool { return false }

func (fd *netFD) blockInterrupted(*dirState, syscall.Errno) {}

func yieldAfterBlock() bool { return false }
