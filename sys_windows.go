//go:build windows

package socket

// What addr_unix.go (shared with windows) needs per OS: Winsock sockaddrs
// start with a u16 family, as on Linux, and have no length byte.

import "encoding/binary"

// sockaddrFamily reads sa_family (a u16 at offset 0).
func sockaddrFamily(b []byte) AddressFamily { return AddressFamily(binary.NativeEndian.Uint16(b)) }

func inet4Header(r *rawSockaddrInet4)      { r.Family = uint16(AF_INET) }
func inet6Header(r *rawSockaddrInet6)      { r.Family = uint16(AF_INET6) }
func unixHeader(r *rawSockaddrUnix, n int) { r.Family = uint16(AF_UNIX) }

// inetForm: no family other than AF_INET takes AF_INET addresses here.
func inetForm(family AddressFamily) bool { return false }
