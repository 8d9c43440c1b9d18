//go:build darwin || freebsd

package socket

// What darwin and freebsd share in the unix implementation: BSD sockaddrs
// (a length byte, then a one-byte family), the 2 GB single-I/O limit,
// poll(2) instead of ppoll(2).

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sizeofSockaddrStorage is the room for any address (struct
// sockaddr_storage, _SS_MAXSIZE), under the name the unix files use.
const sizeofSockaddrStorage = maxSockaddrLen

// maxIO bounds one read or write: darwin and freebsd fail with EINVAL
// above INT_MAX bytes, so a single call moves at most 1 GB (callers that
// need everything loop, as SendAll does).
const maxIO = 1 << 30

// capIO bounds the length of one read or write.
func capIO(p []byte) []byte {
	if len(p) > maxIO {
		return p[:maxIO]
	}
	return p
}

// pollNow reports whether fd is ready for events right now (poll with a zero
// timeout).
func pollNow(fd int, events int16) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for i := 0; i < 100; i++ {
		n, err := unix.Poll(pfd, 0)
		if err == syscall.EINTR {
			continue
		}
		return err == nil && n > 0
	}
	return false
}

// sockaddrFamily reads sa_family (a u8 at offset 1, after sa_len).
func sockaddrFamily(b []byte) AddressFamily { return AddressFamily(b[1]) }

// sockaddr headers: the BSDs have a length byte before a one-byte family.
func inet4Header(r *rawSockaddrInet4) { r.Len, r.Family = sizeofSockaddrInet4, uint8(AF_INET) }
func inet6Header(r *rawSockaddrInet6) { r.Len, r.Family = sizeofSockaddrInet6, uint8(AF_INET6) }

// unixHeader: sun_len is the length of the address passed (n bytes), as
// SUN_LEN computes it.
func unixHeader(r *rawSockaddrUnix, n int) { r.Len, r.Family = uint8(n), uint8(AF_UNIX) }
