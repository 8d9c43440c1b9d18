//go:build linux

package socket

import (
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// Round trips of every Linux family's address type (Go value -> sockaddr
// bytes -> Go value) and the bytes checked against the scraped layout
// (layoutTable). Pure encoding: runs on every arch (qemu-user too).

// layoutField returns the scraped offset and size of a C member.
func scrapedField(t testing.TB, layout, member string) (int, int) {
	t.Helper()
	for _, l := range layoutTable {
		if l.name != layout {
			continue
		}
		for _, f := range l.fields {
			if f.name == member {
				return f.offset, f.size
			}
		}
		t.Fatalf("layout %s has no member %s", layout, member)
	}
	t.Fatalf("no layout %s", layout)
	return 0, 0
}

func scrapedSize(t testing.TB, layout string) int {
	t.Helper()
	for _, l := range layoutTable {
		if l.name == layout {
			return l.size
		}
	}
	t.Fatalf("no layout %s", layout)
	return 0
}

// want is one expected member value: an integer in the member's byte order
// (native unless be), or raw bytes (a prefix of the member; the rest zero).
type want struct {
	member string
	v      uint64
	raw    []byte
	be     bool
}

func checkBytes(t *testing.T, b []byte, layout string, ws []want) {
	t.Helper()
	for _, w := range ws {
		off, size := scrapedField(t, layout, w.member)
		if off+size > len(b) {
			t.Errorf("%s.%s: offset %d+%d past the %d-byte sockaddr", layout, w.member, off, size, len(b))
			continue
		}
		got := b[off : off+size]
		exp := make([]byte, size)
		if w.raw != nil {
			copy(exp, w.raw)
		} else {
			switch {
			case size == 1:
				exp[0] = byte(w.v)
			case w.be && size == 2:
				binary.BigEndian.PutUint16(exp, uint16(w.v))
			case size == 2:
				binary.NativeEndian.PutUint16(exp, uint16(w.v))
			case size == 4:
				binary.NativeEndian.PutUint32(exp, uint32(w.v))
			case size == 8:
				binary.NativeEndian.PutUint64(exp, w.v)
			default:
				t.Fatalf("%s.%s: size %d", layout, w.member, size)
			}
		}
		if string(got) != string(exp) {
			t.Errorf("%s.%s at offset %d: % x, want % x", layout, w.member, off, got, exp)
		}
	}
}

type familyCase struct {
	name   string
	family AddressFamily
	proto  int
	addr   Address
	back   Address // the decoded value when it differs from addr (CPython's rules)
	layout string
	want   []want
}

func familyCases(t *testing.T) []familyCase {
	lo, err := IfNameToIndex("lo")
	if err != nil {
		t.Fatalf("IfNameToIndex(lo): %v", err)
	}
	u := func(v AddressFamily) uint64 { return uint64(v) }
	return []familyCase{
		{name: "netlink", family: AF_NETLINK, addr: NetlinkAddress{PID: 0xdeadbeef, Groups: 0x11},
			layout: "SockaddrNetlink", want: []want{{member: "nl_family", v: u(AF_NETLINK)}, {member: "nl_pid", v: 0xdeadbeef}, {member: "nl_groups", v: 0x11}}},
		{name: "tipc-nameseq", family: AF_TIPC, addr: TIPCAddress{AddrType: TIPC_ADDR_NAMESEQ, V1: 18888, V2: 17, V3: 0x7fffffff, Scope: TIPC_CLUSTER_SCOPE},
			layout: "SockaddrTIPC", want: []want{{member: "family", v: u(AF_TIPC)}, {member: "addrtype", v: TIPC_ADDR_NAMESEQ}, {member: "scope", v: TIPC_CLUSTER_SCOPE},
				{member: "addr.nameseq.type", v: 18888}, {member: "addr.nameseq.lower", v: 17}, {member: "addr.nameseq.upper", v: 0x7fffffff}}},
		{name: "tipc-name", family: AF_TIPC, addr: TIPCAddress{AddrType: TIPC_ADDR_NAME, V1: 18888, V2: 5, V3: 99, Scope: TIPC_NODE_SCOPE},
			back:   TIPCAddress{AddrType: TIPC_ADDR_NAME, V1: 18888, V2: 5, V3: 5, Scope: TIPC_NODE_SCOPE},
			layout: "SockaddrTIPCName", want: []want{{member: "addrtype", v: TIPC_ADDR_NAME}, {member: "scope", v: TIPC_NODE_SCOPE},
				{member: "addr.name.name.type", v: 18888}, {member: "addr.name.name.instance", v: 5}, {member: "addr.name.domain", v: 0}}},
		{name: "tipc-id", family: AF_TIPC, addr: TIPCAddress{AddrType: TIPC_ADDR_ID, V1: 0x1001001, V2: 0xabcdef, Scope: TIPC_ZONE_SCOPE},
			layout: "SockaddrTIPCID", want: []want{{member: "addrtype", v: TIPC_ADDR_ID}, {member: "addr.id.node", v: 0x1001001}, {member: "addr.id.ref", v: 0xabcdef}}},
		{name: "can-raw", family: AF_CAN, proto: CAN_RAW, addr: CANAddress{Interface: "lo"},
			layout: "SockaddrCAN", want: []want{{member: "can_family", v: u(AF_CAN)}, {member: "can_ifindex", v: uint64(lo)}}},
		{name: "can-any", family: AF_CAN, proto: CAN_BCM, addr: CANAddress{},
			layout: "SockaddrCAN", want: []want{{member: "can_ifindex", v: 0}}},
		{name: "can-isotp", family: AF_CAN, proto: CAN_ISOTP, addr: ISOTPAddress{Interface: "lo", RxAddr: 0x123, TxAddr: 0x80000456},
			layout: "SockaddrCANTP", want: []want{{member: "can_ifindex", v: uint64(lo)}, {member: "can_addr.tp.rx_id", v: 0x123}, {member: "can_addr.tp.tx_id", v: 0x80000456}}},
		{name: "can-j1939", family: AF_CAN, proto: CAN_J1939, addr: J1939Address{Interface: "lo", Name: 0x0123456789abcdef, PGN: 0x12300, Addr: 0x20},
			layout: "SockaddrCANJ1939", want: []want{{member: "can_ifindex", v: uint64(lo)}, {member: "can_addr.j1939.name", v: 0x0123456789abcdef},
				{member: "can_addr.j1939.pgn", v: 0x12300}, {member: "can_addr.j1939.addr", v: 0x20}}},
		{name: "l2cap", family: AF_BLUETOOTH, proto: BTPROTO_L2CAP, addr: L2CAPAddress{BDAddr: "01:23:45:67:89:AB", PSM: 0x1001},
			layout: "SockaddrL2", want: []want{{member: "l2_family", v: u(AF_BLUETOOTH)}, {member: "l2_psm", v: 0x1001},
				{member: "l2_bdaddr", raw: []byte{0xab, 0x89, 0x67, 0x45, 0x23, 0x01}}, {member: "l2_cid", v: 0}, {member: "l2_bdaddr_type", v: 0}}},
		{name: "rfcomm", family: AF_BLUETOOTH, proto: BTPROTO_RFCOMM, addr: RFCOMMAddress{BDAddr: "00:00:00:00:00:00", Channel: 30},
			layout: "SockaddrRC", want: []want{{member: "rc_bdaddr", raw: make([]byte, 6)}, {member: "rc_channel", v: 30}}},
		{name: "hci", family: AF_BLUETOOTH, proto: BTPROTO_HCI, addr: HCIAddress{DeviceID: 3},
			layout: "SockaddrHCI", want: []want{{member: "hci_family", v: u(AF_BLUETOOTH)}, {member: "hci_dev", v: 3}, {member: "hci_channel", v: 0}}},
		{name: "sco", family: AF_BLUETOOTH, proto: BTPROTO_SCO, addr: SCOAddress{BDAddr: "FF:FF:FF:00:00:00"},
			layout: "SockaddrSCO", want: []want{{member: "sco_bdaddr", raw: []byte{0, 0, 0, 0xff, 0xff, 0xff}}}},
		{name: "alg", family: AF_ALG, addr: ALGAddress{Type: "skcipher", Name: "cbc(aes)", Feat: 1, Mask: 0x10000},
			layout: "SockaddrALG", want: []want{{member: "salg_family", v: u(AF_ALG)}, {member: "salg_type", raw: []byte("skcipher")},
				{member: "salg_feat", v: 1}, {member: "salg_mask", v: 0x10000}, {member: "salg_name", raw: []byte("cbc(aes)")}}},
		{name: "vsock", family: AF_VSOCK, addr: VSOCKAddress{CID: VMADDR_CID_LOCAL, Port: 0xfffffffe},
			layout: "SockaddrVM", want: []want{{member: "svm_family", v: u(AF_VSOCK)}, {member: "svm_cid", v: VMADDR_CID_LOCAL}, {member: "svm_port", v: 0xfffffffe}, {member: "svm_flags", v: 0}}},
		{name: "packet", family: AF_PACKET, addr: PacketAddress{IfName: "lo", Proto: 0x88b5, PktType: PACKET_BROADCAST, HAType: 772, Addr: []byte{1, 2, 3}},
			layout: "SockaddrLL", want: []want{{member: "sll_family", v: u(AF_PACKET)}, {member: "sll_protocol", v: 0x88b5, be: true},
				{member: "sll_ifindex", v: uint64(lo)}, {member: "sll_hatype", v: 772}, {member: "sll_pkttype", v: PACKET_BROADCAST},
				{member: "sll_halen", v: 3}, {member: "sll_addr", raw: []byte{1, 2, 3}}}},
		{name: "packet-noaddr", family: AF_PACKET, addr: PacketAddress{IfName: "lo", Proto: ETH_P_ALL},
			back:   PacketAddress{IfName: "lo", Proto: ETH_P_ALL, Addr: []byte{}},
			layout: "SockaddrLL", want: []want{{member: "sll_protocol", v: ETH_P_ALL, be: true}, {member: "sll_halen", v: 0}}},
		{name: "qipcrtr", family: AF_QIPCRTR, addr: QIPCRTRAddress{Node: 1, Port: 0x4000},
			layout: "SockaddrQRTR", want: []want{{member: "sq_family", v: u(AF_QIPCRTR)}, {member: "sq_node", v: 1}, {member: "sq_port", v: 0x4000}}},
		{name: "rds", family: AF_RDS, addr: InetAddress{Host: "127.0.0.1", Port: 4000},
			layout: "SockaddrInet4", want: []want{{member: "sin_family", v: u(AF_INET)}, {member: "sin_port", v: 4000, be: true}, {member: "sin_addr", raw: []byte{127, 0, 0, 1}}}},
	}
}

func TestFamilyRoundTrip(t *testing.T) {
	for _, c := range familyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var b [sizeofSockaddrStorage]byte
			n, err := encodeSockaddr(c.family, "bind", c.addr, b[:])
			if err != nil {
				t.Fatalf("encode %v: %v", c.addr, err)
			}
			if size := scrapedSize(t, c.layout); n != size {
				t.Errorf("encoded %d bytes, the scraped %s is %d", n, c.layout, size)
			}
			checkBytes(t, b[:n], c.layout, c.want)
			got, err := decodeSockaddrProto(b[:n], c.proto)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			exp := c.back
			if exp == nil {
				exp = c.addr
			}
			if !reflect.DeepEqual(got, exp) {
				t.Errorf("round trip: %#v, want %#v", got, exp)
			}
			if got.String() != exp.String() {
				t.Errorf("String %s, want %s", got, exp)
			}
			// A pointer encodes the same.
			var b2 [sizeofSockaddrStorage]byte
			pv := reflect.New(reflect.TypeOf(c.addr))
			pv.Elem().Set(reflect.ValueOf(c.addr))
			n2, err := encodeSockaddr(c.family, "bind", pv.Interface().(Address), b2[:])
			if err != nil || n2 != n || b2 != b {
				t.Errorf("pointer form: n=%d err=%v", n2, err)
			}
		})
	}
}

// TestFamilyStrings checks the Python reprs of the address forms.
func TestFamilyStrings(t *testing.T) {
	for _, c := range []struct {
		a    Address
		want string
	}{
		{NetlinkAddress{PID: 5, Groups: 1}, "(5, 1)"},
		{TIPCAddress{AddrType: 1, V1: 2, V2: 3, V3: 4, Scope: 2}, "(1, 2, 3, 4, 2)"},
		{CANAddress{Interface: "vcan0"}, "('vcan0',)"},
		{ISOTPAddress{Interface: "vcan0", RxAddr: 1, TxAddr: 2}, "('vcan0', 1, 2)"},
		{J1939Address{Interface: "vcan0", Name: 3, PGN: 4, Addr: 5}, "('vcan0', 3, 4, 5)"},
		{L2CAPAddress{BDAddr: "00:11:22:33:44:55", PSM: 1}, "('00:11:22:33:44:55', 1)"},
		{RFCOMMAddress{BDAddr: "00:11:22:33:44:55", Channel: 1}, "('00:11:22:33:44:55', 1)"},
		{HCIAddress{DeviceID: 0}, "0"},
		{SCOAddress{BDAddr: "00:11:22:33:44:55"}, "'00:11:22:33:44:55'"},
		{ALGAddress{Type: "hash", Name: "sha256"}, "('hash', 'sha256', 0, 0)"},
		{VSOCKAddress{CID: 1, Port: 2}, "(1, 2)"},
		{PacketAddress{IfName: "lo", Proto: 34997, HAType: 772, Addr: []byte{0, 0}}, "('lo', 34997, 0, 772, b'\\x00\\x00')"},
		{QIPCRTRAddress{Node: 1, Port: 2}, "(1, 2)"},
	} {
		if got := c.a.String(); got != c.want {
			t.Errorf("%#v.String() = %s, want %s", c.a, got, c.want)
		}
	}
}

// TestFamilyErrors checks CPython's validation errors (classes and
// messages; AF_PACKET's checked against python3 on this machine).
func TestFamilyErrors(t *testing.T) {
	var te *TypeError
	var ve *ValueError
	var oe *OverflowError
	var ose *OSError
	isType := func(err error) bool { return errors.As(err, &te) }
	isValue := func(err error) bool { return errors.As(err, &ve) }
	isOverflow := func(err error) bool { return errors.As(err, &oe) }
	isOS := func(err error) bool { return errors.As(err, &ose) }
	isErrno := func(e syscall.Errno) func(error) bool { return func(err error) bool { return errors.Is(err, e) } }
	for _, c := range []struct {
		family AddressFamily
		a      Address
		is     func(error) bool
		msg    string
	}{
		{AF_TIPC, TIPCAddress{AddrType: 99}, isType, "Invalid address type"},
		{AF_TIPC, TIPCAddress{AddrType: TIPC_ADDR_NAME, Scope: 256}, isOverflow, "scope must be 0-255"},
		{AF_CAN, CANAddress{Interface: "nosuchif0"}, isErrno(syscall.ENODEV), "No such device"},
		{AF_CAN, CANAddress{Interface: strings.Repeat("x", ifNameSize)}, isOS, "AF_CAN interface name too long"},
		{AF_CAN, ISOTPAddress{Interface: "lo\x00"}, isValue, "embedded null byte"},
		{AF_CAN, J1939Address{Interface: "nosuchif0"}, isErrno(syscall.ENODEV), "No such device"},
		{AF_BLUETOOTH, L2CAPAddress{BDAddr: "00:11:22:33:44", PSM: 1}, isOS, "bad bluetooth address"},
		{AF_BLUETOOTH, L2CAPAddress{BDAddr: "00:11:22:33:44:100"}, isOS, "bad bluetooth address"},
		{AF_BLUETOOTH, L2CAPAddress{BDAddr: "00:11:22:33:44:55", PSM: 70000}, isOS, "bind(): wrong format"},
		{AF_BLUETOOTH, RFCOMMAddress{BDAddr: "00:11:22:33:44:55", Channel: 256}, isOS, "bind(): wrong format"},
		{AF_BLUETOOTH, RFCOMMAddress{BDAddr: "zz:11:22:33:44:55"}, isOS, "bad bluetooth address"},
		{AF_BLUETOOTH, HCIAddress{DeviceID: -1}, isOS, "bind(): wrong format"},
		{AF_BLUETOOTH, SCOAddress{BDAddr: ""}, isOS, "bad bluetooth address"},
		{AF_ALG, ALGAddress{Type: strings.Repeat("t", 14), Name: "x"}, isValue, "AF_ALG type too long."},
		{AF_ALG, ALGAddress{Type: "hash", Name: strings.Repeat("n", 64)}, isValue, "AF_ALG name too long."},
		{AF_ALG, ALGAddress{Type: "hash", Name: "sha\x00256"}, isValue, "embedded null character"},
		{AF_PACKET, PacketAddress{IfName: "nosuchif0"}, isErrno(syscall.ENODEV), "No such device"},
		{AF_PACKET, PacketAddress{IfName: ""}, isErrno(syscall.ENODEV), "No such device"},
		{AF_PACKET, PacketAddress{IfName: "lo" + strings.Repeat("x", 20)}, isErrno(syscall.ENODEV), "No such device"},
		{AF_PACKET, PacketAddress{IfName: "lo", Proto: 70000}, isOverflow, "bind(): proto must be 0-65535."},
		{AF_PACKET, PacketAddress{IfName: "lo", Proto: -1}, isOverflow, "bind(): proto must be 0-65535."},
		{AF_PACKET, PacketAddress{IfName: "lo", Addr: make([]byte, 9)}, isValue, "Hardware address must be 8 bytes or less"},
		{AF_PACKET, PacketAddress{IfName: "lo\x00"}, isValue, "embedded null character"},
		{AF_VSOCK, NetlinkAddress{}, isOS, "address family mismatched"},
		{AF_RDS, Inet6Address{Host: "::1"}, isType, "AF_INET address must be InetAddress"},
	} {
		var b [sizeofSockaddrStorage]byte
		_, err := encodeSockaddr(c.family, "bind", c.a, b[:])
		if err == nil || !c.is(err) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%#v: err %T %v, want %q", c.a, err, err, c.msg)
		}
	}
}

func TestBDAddrParse(t *testing.T) {
	for in, want := range map[string]string{
		"01:23:45:67:89:ab":       "01:23:45:67:89:AB",
		"1:2:3:4:5:6":             "01:02:03:04:05:06",
		"0x1:0X2:3:4:5: 6":        "01:02:03:04:05:06",
		"00:00:00:00:00:00":       "00:00:00:00:00:00",
		"0001:2:3:4:5:0ff":        "01:02:03:04:05:FF",
		"01:23:45:67:89:ab:":      "",
		"01:23:45:67:89":          "",
		"01:23:45:67:89:g0":       "",
		"01:23:45:67:89:100":      "",
		"01:23:45:67:89:-1":       "",
		"01:23:45:67::ab":         "",
		"01:23:45:67:89:ab\x00xx": "",
	} {
		var b [6]byte
		err := parseBDAddr(in, b[:])
		if want == "" {
			if err == nil {
				t.Errorf("parseBDAddr(%q) accepted: % x", in, b)
			}
			continue
		}
		if err != nil || formatBDAddr(b[:]) != want {
			t.Errorf("parseBDAddr(%q) = %s, %v; want %s", in, formatBDAddr(b[:]), err, want)
		}
	}
}

// TestDecodeByProto checks that the socket's protocol selects the AF_CAN and
// AF_BLUETOOTH forms, as CPython's makesockaddr, and the length-based guess
// without one.
func TestDecodeByProto(t *testing.T) {
	var b [sizeofSockaddrStorage]byte
	n, err := encodeSockaddr(AF_CAN, "bind", ISOTPAddress{RxAddr: 1, TxAddr: 2}, b[:])
	if err != nil {
		t.Fatal(err)
	}
	for proto, want := range map[int]Address{
		CAN_RAW:   CANAddress{},
		CAN_BCM:   CANAddress{},
		CAN_ISOTP: ISOTPAddress{RxAddr: 1, TxAddr: 2},
		CAN_J1939: J1939Address{Name: 2<<32 | 1},
	} {
		got, err := decodeSockaddrProto(b[:n], proto)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("proto %d: %#v, %v; want %#v", proto, got, err, want)
		}
	}
	// Linux's CAN_ISOTP reports the sockaddr up to can_addr.tp.
	if got, _ := decodeSockaddr(b[:offsetofSockaddrCANTPTxID+4]); !reflect.DeepEqual(got, ISOTPAddress{RxAddr: 1, TxAddr: 2}) {
		t.Errorf("no proto, ISOTP length: %#v", got)
	}
	if got, _ := decodeSockaddr(b[:offsetofSockaddrCANIfindex+4]); !reflect.DeepEqual(got, CANAddress{}) {
		t.Errorf("no proto, CAN_RAW length: %#v", got)
	}
	n, _ = encodeSockaddr(AF_BLUETOOTH, "bind", HCIAddress{DeviceID: 7}, b[:])
	if got, err := decodeSockaddrProto(b[:n], BTPROTO_HCI); err != nil || got != (HCIAddress{DeviceID: 7}) {
		t.Errorf("HCI: %#v %v", got, err)
	}
	if got, err := decodeSockaddr(b[:n]); err != nil || got != (HCIAddress{DeviceID: 7}) {
		t.Errorf("HCI by length: %#v %v", got, err)
	}
	var ve *ValueError
	if _, err := decodeSockaddrProto(b[:n], BTPROTO_BNEP); !errors.As(err, &ve) || err.Error() != "Unknown Bluetooth protocol" {
		t.Errorf("BNEP: %v", err)
	}
	// TIPC: an unknown address type is CPython's ValueError.
	tb := make([]byte, sizeofSockaddrTIPC)
	binary.NativeEndian.PutUint16(tb, uint16(AF_TIPC))
	tb[offsetofSockaddrTIPCAddrtype] = 9
	if _, err := decodeSockaddr(tb); !errors.As(err, &ve) || err.Error() != "Invalid address type" {
		t.Errorf("TIPC type 9: %v", err)
	}
	// An unknown interface index decodes to "" (CPython ignores SIOCGIFNAME failing).
	cb := make([]byte, sizeofSockaddrCAN)
	binary.NativeEndian.PutUint16(cb, uint16(AF_CAN))
	binary.NativeEndian.PutUint32(cb[offsetofSockaddrCANIfindex:], 0x7ffffff0)
	if got, _ := decodeSockaddrProto(cb, CAN_RAW); got != (CANAddress{}) {
		t.Errorf("unknown ifindex: %#v", got)
	}
}

// TestPacketDecodeHalen: sll_halen beyond the bytes reported is cut to
// them (CPython would read past the buffer).
func TestPacketDecodeHalen(t *testing.T) {
	b := make([]byte, sizeofSockaddrLL)
	binary.NativeEndian.PutUint16(b, uint16(AF_PACKET))
	b[offsetofSockaddrLLHalen] = 200
	for i := offsetofSockaddrLLAddr; i < len(b); i++ {
		b[i] = byte(i)
	}
	a, err := decodeSockaddr(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.(PacketAddress).Addr; len(got) != sizeofSockaddrLL-offsetofSockaddrLLAddr || got[0] != offsetofSockaddrLLAddr {
		t.Errorf("Addr % x", got)
	}
}

// ---- fuzzing: bytes from the kernel must never panic a decoder ----

func fuzzDecode(f *testing.F, af AddressFamily, protos []int) {
	f.Fuzz(func(t *testing.T, data []byte, proto int) {
		b := make([]byte, 2+len(data))
		binary.NativeEndian.PutUint16(b, uint16(af))
		copy(b[2:], data)
		if len(protos) > 0 {
			proto = protos[uint(proto)%uint(len(protos))]
		} else {
			proto = -1
		}
		a, err := decodeSockaddrProto(b, proto)
		if err != nil {
			return
		}
		if a == nil || a.Family() != af && af != AF_RDS {
			t.Fatalf("decoded %#v for family %d", a, af)
		}
		_ = a.String()
		// What the decoder returns encodes again (interface names aside,
		// which may have vanished) without panicking.
		var out [sizeofSockaddrStorage]byte
		_, _ = encodeSockaddr(af, "bind", a, out[:])
	})
}

func FuzzDecodeNetlink(f *testing.F) { fuzzDecode(f, AF_NETLINK, nil) }
func FuzzDecodeTIPC(f *testing.F)    { fuzzDecode(f, AF_TIPC, nil) }
func FuzzDecodeCAN(f *testing.F) {
	fuzzDecode(f, AF_CAN, []int{-1, CAN_RAW, CAN_BCM, CAN_ISOTP, CAN_J1939})
}
func FuzzDecodeBluetooth(f *testing.F) {
	fuzzDecode(f, AF_BLUETOOTH, []int{-1, BTPROTO_L2CAP, BTPROTO_RFCOMM, BTPROTO_HCI, BTPROTO_SCO, BTPROTO_BNEP})
}
func FuzzDecodeALG(f *testing.F)     { fuzzDecode(f, AF_ALG, nil) }
func FuzzDecodeVSOCK(f *testing.F)   { fuzzDecode(f, AF_VSOCK, nil) }
func FuzzDecodePacket(f *testing.F)  { fuzzDecode(f, AF_PACKET, nil) }
func FuzzDecodeQIPCRTR(f *testing.F) { fuzzDecode(f, AF_QIPCRTR, nil) }
