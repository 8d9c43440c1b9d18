package socket

import (
	"errors"
	"net"
)

// isWouldBlock reports Python's BlockingIOError on any platform: EAGAIN on
// unix, WSAEWOULDBLOCK (10035) on windows.
func isWouldBlock(err error) bool {
	var oe *OSError
	return errors.As(err, &oe) && (oe.Errno == 11 || oe.Errno == 35 || oe.Errno == 10035)
}

func errClosedTarget() error { return net.ErrClosed }
