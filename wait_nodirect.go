//go:build unix && !linux

package socket

import "golang.org/x/sys/unix"

// wakeDirect interrupts direct waiters on fd: wait_bsd.go's poll waits notice
// Close within one sub-slice, so there is nothing to do here.
func (fd *netFD) wakeDirect() {}

// dupForPoller duplicates fd for the netpoller file (close-on-exec).
func dupForPoller(fd int) (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }
