//go:build unix

package socket

import "syscall"

// gaiAddrFamily is getaddrinfo's error for a numeric host of the other IP
// family (glibc and the BSDs: EAI_ADDRFAMILY).
func gaiAddrFamily() error {
	return &GAIError{Code: EAI_ADDRFAMILY, Msg: "Address family for hostname not supported"}
}

// errnoPrefix starts an *OSError's message, as Python prints it.
const errnoPrefix = "[Errno "

// isTimeoutErrno reports the errno Python maps to TimeoutError.
func isTimeoutErrno(e syscall.Errno) bool { return e == syscall.ETIMEDOUT }

// errnoAlias: on unix an errno matches only itself (errors.Is compares).
func errnoAlias(e syscall.Errno, target error) bool { return false }
