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

// wsaAliases pairs Winsock's error codes with the syscall.E* names Go
// gives the same conditions, as Python's errno module on Windows does
// (errno.ECONNREFUSED == WSAECONNREFUSED there): errors.Is(err,
// syscall.ECONNREFUSED) holds for an *OSError of WSAECONNREFUSED, so
// portable code can test for the condition by its POSIX name.
var wsaAliases = map[syscall.Errno][]syscall.Errno{
	windows.WSAEINTR:           {syscall.EINTR},
	windows.WSAEBADF:           {syscall.EBADF},
	windows.WSAEACCES:          {syscall.EACCES},
	windows.WSAEFAULT:          {syscall.EFAULT},
	windows.WSAEINVAL:          {syscall.EINVAL},
	windows.WSAEMFILE:          {syscall.EMFILE},
	windows.WSAEWOULDBLOCK:     {syscall.EWOULDBLOCK, syscall.EAGAIN},
	windows.WSAEINPROGRESS:     {syscall.EINPROGRESS},
	windows.WSAEALREADY:        {syscall.EALREADY},
	windows.WSAENOTSOCK:        {syscall.ENOTSOCK},
	windows.WSAEDESTADDRREQ:    {syscall.EDESTADDRREQ},
	windows.WSAEMSGSIZE:        {syscall.EMSGSIZE},
	windows.WSAEPROTOTYPE:      {syscall.EPROTOTYPE},
	windows.WSAENOPROTOOPT:     {syscall.ENOPROTOOPT},
	windows.WSAEPROTONOSUPPORT: {syscall.EPROTONOSUPPORT},
	windows.WSAESOCKTNOSUPPORT: {syscall.ESOCKTNOSUPPORT},
	windows.WSAEOPNOTSUPP:      {syscall.EOPNOTSUPP},
	windows.WSAEPFNOSUPPORT:    {syscall.EPFNOSUPPORT},
	windows.WSAEAFNOSUPPORT:    {syscall.EAFNOSUPPORT},
	windows.WSAEADDRINUSE:      {syscall.EADDRINUSE},
	windows.WSAEADDRNOTAVAIL:   {syscall.EADDRNOTAVAIL},
	windows.WSAENETDOWN:        {syscall.ENETDOWN},
	windows.WSAENETUNREACH:     {syscall.ENETUNREACH},
	windows.WSAENETRESET:       {syscall.ENETRESET},
	windows.WSAECONNABORTED:    {syscall.ECONNABORTED},
	windows.WSAECONNRESET:      {syscall.ECONNRESET},
	windows.WSAENOBUFS:         {syscall.ENOBUFS},
	windows.WSAEISCONN:         {syscall.EISCONN},
	windows.WSAENOTCONN:        {syscall.ENOTCONN},
	windows.WSAESHUTDOWN:       {syscall.ESHUTDOWN},
	windows.WSAETIMEDOUT:       {syscall.ETIMEDOUT},
	windows.WSAECONNREFUSED:    {syscall.ECONNREFUSED},
	windows.WSAEHOSTDOWN:       {syscall.EHOSTDOWN},
	windows.WSAEHOSTUNREACH:    {syscall.EHOSTUNREACH},
}

// errnoAlias reports whether the Winsock code e is the condition target
// names (a syscall.Errno of Go's POSIX names).
func errnoAlias(e syscall.Errno, target error) bool {
	t, ok := target.(syscall.Errno)
	if !ok {
		return false
	}
	for _, a := range wsaAliases[e] {
		if a == t {
			return true
		}
	}
	return false
}
