//go:build windows

package socket

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// gaiAddrFamily is getaddrinfo's error for a numeric host of the other IP
// family. Winsock has no EAI_ADDRFAMILY: it answers WSAHOST_NOT_FOUND
// (EAI_NONAME), and CPython on Windows words every gaierror "getaddrinfo
// failed".
func gaiAddrFamily() error { return &GAIError{Code: EAI_NONAME, Msg: "getaddrinfo failed"} }

// errnoPrefix starts an *OSError's message: Python prints Windows error
// codes as "[WinError 10061] ...".
const errnoPrefix = "[WinError "

// isTimeoutErrno reports the codes Python maps to TimeoutError
// (WSAETIMEDOUT, and Go's ETIMEDOUT).
func isTimeoutErrno(e syscall.Errno) bool {
	return e == syscall.Errno(windows.WSAETIMEDOUT) || e == syscall.ETIMEDOUT
}
