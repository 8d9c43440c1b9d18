//go:build linux

package socket

// Fuzz targets for the bytes the kernel or a peer controls on the core
// paths: the sockaddr decoder (the generic dispatch and the INET, INET6
// and UNIX forms) and the ancillary data (cmsg) parser. Seeds live in
// testdata/fuzz/<Target>/; `go test` runs them as unit tests.
//
// Nothing here reaches a real socket: the cmsg targets call the
// parse-only functions (parseAncdata, rightsFds), never closeFds, and check
// that two sentinel descriptors stay open whatever SCM_RIGHTS items carry.

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// sockaddrBytes returns family af (native u16) followed by data.
func sockaddrBytes(af AddressFamily, data []byte) []byte {
	b := make([]byte, 2+len(data))
	binary.NativeEndian.PutUint16(b, uint16(af))
	copy(b[2:], data)
	return b
}

// FuzzDecodeSockaddr feeds arbitrary bytes (family included) and any
// protocol to decodeSockaddrProto, the dispatch every recvfrom, accept,
// getsockname and recvmsg result goes through.
func FuzzDecodeSockaddr(f *testing.F) {
	f.Add([]byte{}, 0)
	f.Add([]byte{2}, 0)
	f.Add(sockaddrBytes(AF_INET, []byte{0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), 0)
	f.Add(sockaddrBytes(AF_INET6, make([]byte, 26)), 0)
	f.Add(sockaddrBytes(AF_UNIX, []byte("/tmp/x\x00")), 0)
	f.Add(sockaddrBytes(AF_UNIX, []byte("\x00abstract")), 0)
	f.Add(sockaddrBytes(AF_NETLINK, make([]byte, 10)), 0)
	f.Add(sockaddrBytes(AF_PACKET, make([]byte, 18)), 0)
	f.Add(sockaddrBytes(AF_CAN, make([]byte, 22)), CAN_J1939)
	f.Add(sockaddrBytes(AF_BLUETOOTH, make([]byte, 12)), BTPROTO_L2CAP)
	f.Add(sockaddrBytes(AF_RDS, []byte{0, 80, 10, 0, 0, 1}), 0)
	f.Add(sockaddrBytes(AddressFamily(0xffff), []byte{1, 2, 3}), -1)
	f.Fuzz(func(t *testing.T, b []byte, proto int) {
		in := append([]byte(nil), b...)
		a, err := decodeSockaddrProto(b, proto)
		if !bytes.Equal(in, b) {
			t.Fatalf("decoder modified its input")
		}
		if len(b) < 2 {
			if a != nil || err != nil {
				t.Fatalf("short sockaddr %x: %v, %v; want nil, nil", b, a, err)
			}
			return
		}
		if err != nil {
			if a != nil {
				t.Fatalf("address %v with error %v", a, err)
			}
			return
		}
		if a == nil {
			t.Fatalf("nil address and no error for %x", b)
		}
		af := sockaddrFamily(b)
		if a.Family() != af && af != AF_RDS {
			t.Fatalf("decoded %#v (family %d) for family %d", a, a.Family(), af)
		}
		_ = a.String()
		var out [sizeofSockaddrStorage]byte
		_, _ = encodeSockaddr(af, "bind", a, out[:])
		if g, ok := a.(GenericAddress); ok && len(g.Data) > 0 && len(b) > 2 {
			b[2] ^= 0xff // the address must not share the kernel's buffer
			if g.Data[0] == b[2] {
				t.Fatalf("GenericAddress aliases its input")
			}
			b[2] ^= 0xff
		}
	})
}

// FuzzDecodeInet: an AF_INET sockaddr decodes to an InetAddress that
// encodes back to the same family, port and address bytes.
func FuzzDecodeInet(f *testing.F) {
	f.Add([]byte{0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 255, 255, 255, 255})
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := sockaddrBytes(AF_INET, data)
		a, err := decodeSockaddr(b)
		if err != nil {
			t.Fatalf("decode %x: %v", b, err)
		}
		ia, ok := a.(InetAddress)
		if !ok {
			t.Fatalf("decoded %#v, want InetAddress", a)
		}
		if ia.Port < 0 || ia.Port > 0xffff {
			t.Fatalf("port %d out of range", ia.Port)
		}
		var out [sizeofSockaddrStorage]byte
		n, err := encodeSockaddr(AF_INET, "bind", ia, out[:])
		if err != nil {
			t.Fatalf("re-encoding %v: %v", ia, err)
		}
		if n != sizeofSockaddrInet4 {
			t.Fatalf("encoded length %d", n)
		}
		if len(b) >= 8 && !bytes.Equal(out[:8], b[:8]) {
			t.Fatalf("round trip %x -> %v -> %x", b[:8], ia, out[:8])
		}
	})
}

// FuzzDecodeInet6: an AF_INET6 sockaddr decodes to an Inet6Address that
// encodes back to the same bytes when its flowinfo is in Python's range
// (and is CPython's OverflowError otherwise).
func FuzzDecodeInet6(f *testing.F) {
	seed := make([]byte, 26)
	seed[1] = 80
	seed[4+15] = 1
	f.Add(seed)
	mapped := make([]byte, 26)
	copy(mapped[4:], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1})
	mapped[22] = 2 // scope id
	f.Add(mapped)
	big := bytes.Repeat([]byte{0xff}, 26)
	f.Add(big)
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := sockaddrBytes(AF_INET6, data)
		a, err := decodeSockaddr(b)
		if err != nil {
			t.Fatalf("decode %x: %v", b, err)
		}
		ia, ok := a.(Inet6Address)
		if !ok {
			t.Fatalf("decoded %#v, want Inet6Address", a)
		}
		_ = ia.String()
		var out [sizeofSockaddrStorage]byte
		n, err := encodeSockaddr(AF_INET6, "bind", ia, out[:])
		if ia.FlowInfo > 0xfffff {
			if _, ok := err.(*OverflowError); !ok {
				t.Fatalf("flowinfo %#x: err %v, want *OverflowError", ia.FlowInfo, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("re-encoding %v: %v", ia, err)
		}
		if n != sizeofSockaddrInet6 {
			t.Fatalf("encoded length %d", n)
		}
		if len(b) >= sizeofSockaddrInet6 && !bytes.Equal(out[:n], b[:n]) {
			t.Fatalf("round trip %x -> %v -> %x", b[:n], ia, out[:n])
		}
	})
}

// FuzzDecodeUnix: an AF_UNIX sockaddr (any sun_path bytes, any length the
// kernel may report) decodes to a UnixAddress; when that address encodes,
// it decodes to itself again.
func FuzzDecodeUnix(f *testing.F) {
	f.Add([]byte("/tmp/sock\x00"))
	f.Add([]byte("\x00abstract\x00with nul"))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{'a'}, 108))
	f.Add(bytes.Repeat([]byte{'b'}, 126))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := sockaddrBytes(AF_UNIX, data)
		a, err := decodeSockaddr(b)
		if err != nil {
			t.Fatalf("decode %x: %v", b, err)
		}
		ua, ok := a.(UnixAddress)
		if !ok {
			t.Fatalf("decoded %#v, want UnixAddress", a)
		}
		_ = ua.String()
		var out [sizeofSockaddrStorage]byte
		n, err := encodeSockaddr(AF_UNIX, "bind", ua, out[:])
		if err != nil {
			var oe *OSError
			if !asOSError(err, &oe) || oe.Msg != "AF_UNIX path too long" {
				t.Fatalf("encoding %q: %v", ua.Path, err)
			}
			return
		}
		a2, err := decodeSockaddr(out[:n])
		if err != nil || a2 != ua {
			t.Fatalf("round trip %q -> %x -> %#v, %v", ua.Path, out[:n], a2, err)
		}
	})
}

// cmsgSentinels are two descriptors the cmsg targets must never close.
func cmsgSentinels(f *testing.F) (int, int) {
	r, w, err := os.Pipe()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { r.Close(); w.Close() })
	return int(r.Fd()), int(w.Fd())
}

func checkSentinels(t *testing.T, fds ...int) {
	for _, fd := range fds {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			t.Fatalf("sentinel fd %d was closed: %v", fd, err)
		}
	}
}

func cmsgItem(level, typ int, data []byte) []byte {
	b, err := encodeAncdata([]Ancdata{{Level: level, Type: typ, Data: data}})
	if err != nil {
		panic(err)
	}
	return b
}

func rightsData(fds ...int) []byte {
	b := make([]byte, len(fds)*sizeofInt)
	for i, fd := range fds {
		putCInt(b[i*sizeofInt:], fd)
	}
	return b
}

// FuzzParseAncdata feeds any control buffer (as msg_controllen bytes
// returned by the kernel) to the parser and the SCM_RIGHTS extraction.
func FuzzParseAncdata(f *testing.F) {
	s1, s2 := cmsgSentinels(f)
	rights := cmsgItem(SOL_SOCKET, SCM_RIGHTS, rightsData(s1, s2, 0, 1, 2))
	f.Add([]byte{})
	f.Add(rights)
	f.Add(rights[:len(rights)-3])   // truncated integer
	f.Add(rights[:sizeofCmsghdr+2]) // truncated data
	f.Add(rights[:sizeofCmsghdr-1]) // truncated header
	f.Add(append(cmsgItem(SOL_SOCKET, SCM_CREDENTIALS, make([]byte, 12)), rights...))
	f.Add(append(cmsgItem(IPPROTO_IP, IP_TTL, []byte{64, 0, 0, 0}), cmsgItem(SOL_SOCKET, SCM_TIMESTAMP, make([]byte, 16))...))
	huge := append([]byte(nil), rights...)
	putCmsgLen(huge, 1<<62) // cmsg_len past the buffer
	f.Add(huge)
	zero := append([]byte(nil), rights...)
	putCmsgLen(zero, 0) // cmsg_len smaller than a header
	f.Add(zero)
	f.Fuzz(func(t *testing.T, ctl []byte) {
		in := append([]byte(nil), ctl...)
		items, truncated := parseAncdata(ctl)
		if !bytes.Equal(in, ctl) {
			t.Fatal("parser modified its input")
		}
		total := 0
		for _, it := range items {
			total += cmsgHdrSpace + len(it.Data)
		}
		if total > len(ctl) {
			t.Fatalf("items span %d bytes of a %d-byte buffer", total, len(ctl))
		}
		if len(items) > 0 && len(ctl) > 0 {
			ctl[len(ctl)-1] ^= 0xff // items must be copies
			again, _ := parseAncdata(in)
			for i := range items {
				if !bytes.Equal(again[i].Data, items[i].Data) {
					t.Fatalf("item %d data aliases the control buffer", i)
				}
			}
			ctl[len(ctl)-1] ^= 0xff
		}
		if len(items) > 0 && len(ctl) < sizeofCmsghdr {
			t.Fatalf("%d items from %d bytes", len(items), len(ctl))
		}
		fds := rightsFds(items)
		if len(fds)*sizeofInt > len(ctl) {
			t.Fatalf("%d descriptors from %d bytes", len(fds), len(ctl))
		}
		_ = truncated
		checkSentinels(t, s1, s2)
	})
}

// FuzzAncdataRoundTrip: two items encoded as sendmsg does parse back to
// themselves, and every prefix of the buffer (a truncated control buffer,
// MSG_CTRUNC) parses to a prefix of them without panicking or closing
// anything.
func FuzzAncdataRoundTrip(f *testing.F) {
	s1, s2 := cmsgSentinels(f)
	f.Add(int32(SOL_SOCKET), int32(SCM_RIGHTS), rightsData(s1, s2), int32(0), int32(0), []byte("x"), uint16(7))
	f.Add(int32(IPPROTO_IPV6), int32(IPV6_PKTINFO), make([]byte, 20), int32(-1), int32(1<<30), []byte{}, uint16(0))
	f.Add(int32(-5), int32(7), []byte{}, int32(SOL_SOCKET), int32(SCM_RIGHTS), rightsData(s1, 1<<30), uint16(40))
	f.Fuzz(func(t *testing.T, l1, t1 int32, d1 []byte, l2, t2 int32, d2 []byte, cut uint16) {
		want := []Ancdata{{Level: int(l1), Type: int(t1), Data: d1}, {Level: int(l2), Type: int(t2), Data: d2}}
		ctl, err := encodeAncdata(want)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		sp1, _ := CmsgSpace(len(d1))
		sp2, _ := CmsgSpace(len(d2))
		if len(ctl) != sp1+sp2 {
			t.Fatalf("encoded %d bytes, want CMSG_SPACE sum %d", len(ctl), sp1+sp2)
		}
		items, truncated := parseAncdata(ctl)
		if truncated || len(items) != 2 {
			t.Fatalf("parsed %d items (truncated %v), want 2", len(items), truncated)
		}
		for i := range items {
			if items[i].Level != want[i].Level || items[i].Type != want[i].Type || !bytes.Equal(items[i].Data, want[i].Data) {
				t.Fatalf("item %d: got %+v want %+v", i, items[i], want[i])
			}
		}
		c := int(cut) % (len(ctl) + 1)
		part, _ := parseAncdata(ctl[:c])
		if len(part) > 2 {
			t.Fatalf("%d items from a prefix", len(part))
		}
		for i, it := range part {
			if it.Level != want[i].Level || it.Type != want[i].Type || !bytes.HasPrefix(want[i].Data, it.Data) {
				t.Fatalf("prefix %d item %d: got %+v want a prefix of %+v", c, i, it, want[i])
			}
		}
		_ = rightsFds(part)
		checkSentinels(t, s1, s2)
	})
}
