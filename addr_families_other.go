//go:build unix && !linux

package socket

// inetForm reports whether sockets of family take AF_INET addresses
// (AF_RDS on Linux; no family here).
func inetForm(family AddressFamily) bool { return false }

// noPeerAddress reports whether accept on sockets of family must not ask
// for the peer's address (AF_ALG on Linux; no family here).
func noPeerAddress(family AddressFamily) bool { return false }

func (s *Socket) acceptNoAddr() (*Socket, Address, error) { panic("unreachable") }
