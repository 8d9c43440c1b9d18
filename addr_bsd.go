//go:build darwin || freebsd

package socket

// AF_LINK (BSD, macOS): link-level addresses, struct sockaddr_dl, as
// getsockname/recvfrom return them for link-level sockets and as the
// interface routines report them. CPython has no tuple form of its own for
// AF_LINK (makesockaddr's fallback is (family, sa_data)); LinkAddress
// decodes the fields and prints itself as Python's fallback does.

import (
	"strconv"
)

func init() { registerFamily(AF_LINK, decodeLink) }

// LinkAddress is an AF_LINK address (struct sockaddr_dl): the interface
// index and type (IFT_*), the interface name, the link-level address and
// the link-layer selector.
type LinkAddress struct {
	Index uint16
	Type  uint8
	Name  string
	Addr  []byte
	Sel   []byte
}

// Family returns AF_LINK (Address).
func (LinkAddress) Family() AddressFamily { return AF_LINK }

// String is Python's repr of the address: (family, sa_data), sa_data
// being the 14 bytes after sa_len/sa_family of the C sockaddr.
func (a LinkAddress) String() string {
	var b [sizeofSockaddrStorage]byte
	a.marshal(b[:])
	return "(" + strconv.Itoa(int(AF_LINK)) + ", b" + pyRepr(string(b[2:16])) + ")"
}

func (a LinkAddress) marshal(b []byte) (int, error) {
	var r rawSockaddrDL
	if len(a.Name)+len(a.Addr)+len(a.Sel) > len(r.Data) {
		// sockaddr_dl may extend past sdl_data (sdl_len says how far);
		// longer names and addresses use the room of sockaddr_storage.
		if offsetofSockaddrDLData+len(a.Name)+len(a.Addr)+len(a.Sel) > sizeofSockaddrStorage {
			return 0, &OSError{Msg: "AF_LINK address too long"}
		}
	}
	r.Family = uint8(AF_LINK)
	r.Index = a.Index
	r.Type = a.Type
	r.Nlen = uint8(len(a.Name))
	r.Alen = uint8(len(a.Addr))
	r.Slen = uint8(len(a.Sel))
	n := max(sizeofSockaddrDL, offsetofSockaddrDLData+len(a.Name)+len(a.Addr)+len(a.Sel))
	r.Len = uint8(n)
	r.marshal(b)
	d := b[offsetofSockaddrDLData:]
	d = d[copy(d, a.Name):]
	d = d[copy(d, a.Addr):]
	copy(d, a.Sel)
	return n, nil
}

func (a LinkAddress) marshalSockaddr(op string, b []byte) (int, error) { return a.marshal(b) }

// decodeLink decodes a struct sockaddr_dl of len(b) bytes (its data may
// extend past sdl_data).
func decodeLink(b []byte) (Address, error) {
	var r rawSockaddrDL
	r.unmarshal(b)
	a := LinkAddress{Index: r.Index, Type: r.Type}
	if len(b) < offsetofSockaddrDLData {
		return a, nil
	}
	d := b[offsetofSockaddrDLData:]
	take := func(n uint8) []byte {
		k := min(int(n), len(d))
		v := append([]byte(nil), d[:k]...)
		d = d[k:]
		return v
	}
	a.Name = string(take(r.Nlen))
	a.Addr = take(r.Alen)
	a.Sel = take(r.Slen)
	return a, nil
}
