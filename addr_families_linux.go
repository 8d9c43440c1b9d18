//go:build linux

package socket

// Address types of the Linux families other than INET/INET6/UNIX, with
// CPython's checks (getsockaddrarg) and decoding (makesockaddr). Their C
// layouts are generated from spec/families.yaml (raw<Name>, sizeof<Name>,
// offsetof<Name><Field>); nothing here states an offset or a size.
//
//	AF_NETLINK    NetlinkAddress{PID, Groups}                    (pid, groups)
//	AF_TIPC       TIPCAddress{AddrType, V1, V2, V3, Scope}       (addr_type, v1, v2, v3, scope)
//	AF_CAN        CANAddress{Interface}                          (interface,)  CAN_RAW, CAN_BCM
//	              ISOTPAddress{Interface, RxAddr, TxAddr}        (interface, rx_addr, tx_addr)  CAN_ISOTP
//	              J1939Address{Interface, Name, PGN, Addr}       (interface, name, pgn, addr)  CAN_J1939
//	AF_BLUETOOTH  L2CAPAddress{BDAddr, PSM}                      (bdaddr, psm)  BTPROTO_L2CAP
//	              RFCOMMAddress{BDAddr, Channel}                 (bdaddr, channel)  BTPROTO_RFCOMM
//	              HCIAddress{DeviceID}                           (device_id,) / device_id  BTPROTO_HCI
//	              SCOAddress{BDAddr}                             bdaddr  BTPROTO_SCO
//	AF_ALG        ALGAddress{Type, Name, Feat, Mask}             (type, name, feat, mask)
//	AF_VSOCK      VSOCKAddress{CID, Port}                        (CID, port)
//	AF_PACKET     PacketAddress{IfName, Proto, PktType, HAType, Addr}  (ifname, proto, pkttype, hatype, addr)
//	AF_QIPCRTR    QIPCRTRAddress{Node, Port}                     (node, port)
//	AF_RDS        InetAddress (RDS sockets use sockaddr_in, as in CPython)

import (
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

func init() {
	registerFamily(AF_NETLINK, decodeNetlink)
	registerFamily(AF_TIPC, decodeTIPC)
	registerFamily(AF_ALG, decodeALG)
	registerFamily(AF_VSOCK, decodeVSOCK)
	registerFamily(AF_PACKET, decodePacket)
	registerFamily(AF_QIPCRTR, decodeQIPCRTR)
	protoDecoders[AF_CAN] = decodeCAN
	protoDecoders[AF_BLUETOOTH] = decodeBluetooth
}

// inetForm reports whether sockets of family take AF_INET addresses
// (AF_RDS, as CPython's getsockaddrarg).
func inetForm(family AddressFamily) bool { return family == AF_RDS }

func u32s(v ...uint64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatUint(x, 10)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// noPeerAddress reports whether accept on sockets of family must not ask
// for the peer's address: Linux's AF_ALG sockets have no getname, so
// accept(2) with an address buffer fails with ECONNABORTED (after making
// and dropping the operation socket).
func noPeerAddress(family AddressFamily) bool { return family == AF_ALG }

// acceptNoAddr is Accept without a peer address (AF_ALG: the operation
// socket; it never waits). The address returned is nil (Python's None).
func (s *Socket) acceptNoAddr() (*Socket, Address, error) {
	var nfd int
	err := s.withFD("accept", func(fd int) error {
		for {
			r, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0, 0)
			if e == syscall.EINTR {
				continue
			}
			if e != 0 {
				return e
			}
			nfd = int(r)
			return nil
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return newSocketFD(nfd, s.family, s.typ, s.proto, GetDefaultTimeout()), nil, nil
}

// ---- AF_NETLINK ----

// NetlinkAddress is an AF_NETLINK address, Python's (pid, groups): the
// port id (0: the kernel, or "assign one" on bind) and the multicast group
// mask.
type NetlinkAddress struct {
	PID    uint32
	Groups uint32
}

// Family returns AF_NETLINK (Address).
func (NetlinkAddress) Family() AddressFamily { return AF_NETLINK }

// String formats the address as Python's repr of it (Address).
func (a NetlinkAddress) String() string { return u32s(uint64(a.PID), uint64(a.Groups)) }

func (a NetlinkAddress) marshalSockaddr(op string, b []byte) (int, error) {
	r := rawSockaddrNetlink{Family: uint16(AF_NETLINK), Pid: a.PID, Groups: a.Groups}
	return r.marshal(b), nil
}

func decodeNetlink(b []byte) (Address, error) {
	var r rawSockaddrNetlink
	r.unmarshal(b)
	return NetlinkAddress{PID: r.Pid, Groups: r.Groups}, nil
}

// ---- AF_TIPC ----

// TIPCAddress is an AF_TIPC address, Python's (addr_type, v1, v2, v3,
// scope). AddrType selects the meaning of V1..V3:
//
//	TIPC_ADDR_NAMESEQ  V1 = service type, V2 = lower, V3 = upper instance
//	TIPC_ADDR_NAME     V1 = service type, V2 = instance (V3 is not sent;
//	                   decoded addresses repeat the instance in V3, as CPython)
//	TIPC_ADDR_ID       V1 = node, V2 = socket reference (V3 unused, 0)
//
// Scope (TIPC_ZONE_SCOPE, TIPC_CLUSTER_SCOPE, TIPC_NODE_SCOPE) is sent as
// given; Python's default when the tuple omits it is TIPC_CLUSTER_SCOPE.
// Another AddrType is a *TypeError ("Invalid address type"), a Scope
// outside the C unsigned char an *OverflowError (CPython truncates it).
type TIPCAddress struct {
	AddrType   uint32
	V1, V2, V3 uint32
	Scope      int
}

// Family returns AF_TIPC (Address).
func (TIPCAddress) Family() AddressFamily { return AF_TIPC }

// String formats the address as Python's repr of it (Address).
func (a TIPCAddress) String() string {
	s := u32s(uint64(a.AddrType), uint64(a.V1), uint64(a.V2), uint64(a.V3))
	return s[:len(s)-1] + ", " + strconv.Itoa(a.Scope) + ")"
}

func (a TIPCAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if a.Scope < 0 || a.Scope > 0xff {
		return 0, &OverflowError{Msg: op + "(): scope must be 0-255"}
	}
	fam, scope := uint16(AF_TIPC), uint8(a.Scope)
	switch a.AddrType {
	case TIPC_ADDR_NAMESEQ:
		r := rawSockaddrTIPC{Family: fam, Addrtype: uint8(a.AddrType), Scope: scope, Type: a.V1, Lower: a.V2, Upper: a.V3}
		return r.marshal(b), nil
	case TIPC_ADDR_NAME:
		r := rawSockaddrTIPCName{Family: fam, Addrtype: uint8(a.AddrType), Scope: scope, Type: a.V1, Instance: a.V2}
		return r.marshal(b), nil
	case TIPC_ADDR_ID:
		r := rawSockaddrTIPCID{Family: fam, Addrtype: uint8(a.AddrType), Scope: scope, Node: a.V1, Ref: a.V2}
		return r.marshal(b), nil
	}
	return 0, &TypeError{Msg: "Invalid address type"}
}

func decodeTIPC(b []byte) (Address, error) {
	var r rawSockaddrTIPC
	r.unmarshal(b)
	switch uint32(r.Addrtype) {
	case TIPC_ADDR_NAMESEQ:
		return TIPCAddress{AddrType: TIPC_ADDR_NAMESEQ, V1: r.Type, V2: r.Lower, V3: r.Upper, Scope: int(r.Scope)}, nil
	case TIPC_ADDR_NAME:
		var n rawSockaddrTIPCName
		n.unmarshal(b)
		return TIPCAddress{AddrType: TIPC_ADDR_NAME, V1: n.Type, V2: n.Instance, V3: n.Instance, Scope: int(n.Scope)}, nil
	case TIPC_ADDR_ID:
		var id rawSockaddrTIPCID
		id.unmarshal(b)
		return TIPCAddress{AddrType: TIPC_ADDR_ID, V1: id.Node, V2: id.Ref, Scope: int(id.Scope)}, nil
	}
	return nil, &ValueError{Msg: "Invalid address type"}
}

// ---- interface names ----

// canIfIndex resolves the interface of an AF_CAN address as CPython: ""
// is 0 (every interface), a name too long for struct ifreq an *OSError
// "AF_CAN interface name too long", an unknown name ENODEV.
func canIfIndex(op, name string) (uint32, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return 0, &ValueError{Msg: "embedded null byte"}
	}
	if name == "" {
		return 0, nil
	}
	if len(name) >= ifNameSize {
		return 0, &OSError{Op: op, Msg: "AF_CAN interface name too long"}
	}
	idx, err := IfNameToIndex(name)
	if err != nil {
		return 0, newOSError(op, syscall.ENODEV)
	}
	return uint32(idx), nil
}

// ifName is the name of interface index idx, "" for 0 or an unknown index
// (CPython's makesockaddr ignores a failed SIOCGIFNAME).
func ifName(idx int32) string {
	if idx <= 0 {
		return ""
	}
	name, err := IfIndexToName(int(idx))
	if err != nil {
		return ""
	}
	return name
}

// ---- AF_CAN ----

// CANAddress is an AF_CAN address of a CAN_RAW or CAN_BCM socket, Python's
// (interface,): an interface name, "" for every interface (CAN_RAW bind).
type CANAddress struct {
	Interface string
}

// Family returns AF_CAN (Address).
func (CANAddress) Family() AddressFamily { return AF_CAN }

// String formats the address as Python's repr of it (Address).
func (a CANAddress) String() string { return "(" + pyRepr(a.Interface) + ",)" }

func (a CANAddress) marshalSockaddr(op string, b []byte) (int, error) {
	idx, err := canIfIndex(op, a.Interface)
	if err != nil {
		return 0, err
	}
	r := rawSockaddrCAN{Family: uint16(AF_CAN), Ifindex: idx}
	return r.marshal(b), nil
}

// ISOTPAddress is an AF_CAN address of a CAN_ISOTP socket, Python's
// (interface, rx_addr, tx_addr): the CAN ids this socket receives on and
// sends with.
type ISOTPAddress struct {
	Interface      string
	RxAddr, TxAddr uint32
}

// Family returns AF_CAN (Address).
func (ISOTPAddress) Family() AddressFamily { return AF_CAN }

// String formats the address as Python's repr of it (Address).
func (a ISOTPAddress) String() string {
	return "(" + pyRepr(a.Interface) + ", " + strconv.FormatUint(uint64(a.RxAddr), 10) + ", " + strconv.FormatUint(uint64(a.TxAddr), 10) + ")"
}

func (a ISOTPAddress) marshalSockaddr(op string, b []byte) (int, error) {
	idx, err := canIfIndex(op, a.Interface)
	if err != nil {
		return 0, err
	}
	r := rawSockaddrCANTP{Family: uint16(AF_CAN), Ifindex: idx, RxID: a.RxAddr, TxID: a.TxAddr}
	return r.marshal(b), nil
}

// J1939Address is an AF_CAN address of a CAN_J1939 socket, Python's
// (interface, name, pgn, addr): the 64-bit ECU NAME (J1939_NO_NAME for
// none), the parameter group number (J1939_NO_PGN) and the 8-bit address
// (J1939_NO_ADDR, J1939_IDLE_ADDR).
type J1939Address struct {
	Interface string
	Name      uint64
	PGN       uint32
	Addr      uint8
}

// Family returns AF_CAN (Address).
func (J1939Address) Family() AddressFamily { return AF_CAN }

// String formats the address as Python's repr of it (Address).
func (a J1939Address) String() string {
	return "(" + pyRepr(a.Interface) + ", " + strconv.FormatUint(a.Name, 10) + ", " +
		strconv.FormatUint(uint64(a.PGN), 10) + ", " + strconv.FormatUint(uint64(a.Addr), 10) + ")"
}

func (a J1939Address) marshalSockaddr(op string, b []byte) (int, error) {
	idx, err := canIfIndex(op, a.Interface)
	if err != nil {
		return 0, err
	}
	r := rawSockaddrCANJ1939{Family: uint16(AF_CAN), Ifindex: idx, Name: a.Name, PGN: a.PGN, Addr: a.Addr}
	return r.marshal(b), nil
}

// decodeCAN follows CPython: the form is the socket's protocol's
// (CAN_ISOTP, CAN_J1939, else the interface only). For an unknown protocol
// (proto < 0, a decoder without a socket) a sockaddr that ends after
// can_addr.tp (the length Linux's CAN_ISOTP reports) is an ISOTPAddress,
// anything else the interface-only form.
func decodeCAN(b []byte, proto int) (Address, error) {
	var r rawSockaddrCAN
	r.unmarshal(b)
	name := ifName(int32(r.Ifindex))
	if proto < 0 && len(b) == offsetofSockaddrCANTPTxID+4 {
		proto = CAN_ISOTP
	}
	switch proto {
	case CAN_ISOTP:
		var t rawSockaddrCANTP
		t.unmarshal(b)
		return ISOTPAddress{Interface: name, RxAddr: t.RxID, TxAddr: t.TxID}, nil
	case CAN_J1939:
		var j rawSockaddrCANJ1939
		j.unmarshal(b)
		return J1939Address{Interface: name, Name: j.Name, PGN: j.PGN, Addr: j.Addr}, nil
	}
	return CANAddress{Interface: name}, nil
}

// ---- AF_BLUETOOTH ----

// parseBDAddr converts "XX:XX:XX:XX:XX:XX" to bdaddr_t (least significant
// byte first), as CPython's setbdaddr (sscanf "%X:%X:%X:%X:%X:%X", each
// part below 256); anything else is an *OSError "bad bluetooth address".
func parseBDAddr(s string, out []byte) error {
	bad := &OSError{Msg: "bad bluetooth address"}
	parts := strings.Split(s, ":")
	if len(parts) != 6 || len(out) < 6 {
		return bad
	}
	for i, p := range parts {
		p = strings.TrimLeft(p, " \t\n\v\f\r")
		p = strings.TrimPrefix(p, "+")
		if len(p) > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') {
			p = p[2:]
		}
		if p == "" {
			return bad
		}
		var v uint64
		for _, c := range []byte(p) {
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = c - '0'
			case c >= 'a' && c <= 'f':
				d = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				d = c - 'A' + 10
			default:
				return bad
			}
			v = v<<4 | uint64(d)
			if v > 0xff {
				return bad
			}
		}
		out[5-i] = byte(v)
	}
	return nil
}

// formatBDAddr is CPython's makebdaddr: "%02X:..." most significant first.
func formatBDAddr(b []byte) string {
	const hex = "0123456789ABCDEF"
	var out [17]byte
	for i := 0; i < 6; i++ {
		var v byte
		if 5-i < len(b) {
			v = b[5-i]
		}
		out[i*3] = hex[v>>4]
		out[i*3+1] = hex[v&15]
		if i < 5 {
			out[i*3+2] = ':'
		}
	}
	return string(out[:])
}

func btWrongFormat(op string) error { return &OSError{Op: op, Msg: op + "(): wrong format"} }

// L2CAPAddress is an AF_BLUETOOTH BTPROTO_L2CAP address, Python's (bdaddr,
// psm). BlueZ's sockaddr_l2 also has l2_cid and l2_bdaddr_type; as in
// CPython they are sent as 0 and not returned. A PSM outside 0-65535 is an
// *OSError "<op>(): wrong format".
type L2CAPAddress struct {
	BDAddr string
	PSM    int
}

// Family returns AF_BLUETOOTH (Address).
func (L2CAPAddress) Family() AddressFamily { return AF_BLUETOOTH }

// String formats the address as Python's repr of it (Address).
func (a L2CAPAddress) String() string {
	return "(" + pyRepr(a.BDAddr) + ", " + strconv.Itoa(a.PSM) + ")"
}

func (a L2CAPAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if a.PSM < 0 || a.PSM > 0xffff {
		return 0, btWrongFormat(op)
	}
	r := rawSockaddrL2{Family: uint16(AF_BLUETOOTH), Psm: uint16(a.PSM)}
	if err := parseBDAddr(a.BDAddr, r.Bdaddr[:]); err != nil {
		return 0, err
	}
	return r.marshal(b), nil
}

// RFCOMMAddress is an AF_BLUETOOTH BTPROTO_RFCOMM address, Python's
// (bdaddr, channel). A channel outside 0-255 is an *OSError "<op>(): wrong
// format".
type RFCOMMAddress struct {
	BDAddr  string
	Channel int
}

// Family returns AF_BLUETOOTH (Address).
func (RFCOMMAddress) Family() AddressFamily { return AF_BLUETOOTH }

// String formats the address as Python's repr of it (Address).
func (a RFCOMMAddress) String() string {
	return "(" + pyRepr(a.BDAddr) + ", " + strconv.Itoa(a.Channel) + ")"
}

func (a RFCOMMAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if a.Channel < 0 || a.Channel > 0xff {
		return 0, btWrongFormat(op)
	}
	r := rawSockaddrRC{Family: uint16(AF_BLUETOOTH), Channel: uint8(a.Channel)}
	if err := parseBDAddr(a.BDAddr, r.Bdaddr[:]); err != nil {
		return 0, err
	}
	return r.marshal(b), nil
}

// HCIAddress is an AF_BLUETOOTH BTPROTO_HCI address: Python takes
// (device_id,) and returns device_id. The channel is HCI_CHANNEL_RAW, as in
// CPython. A DeviceID outside 0-65535 is an *OSError "<op>(): wrong format".
type HCIAddress struct {
	DeviceID int
}

// Family returns AF_BLUETOOTH (Address).
func (HCIAddress) Family() AddressFamily { return AF_BLUETOOTH }

// String formats the address as Python's repr of it (Address).
func (a HCIAddress) String() string { return strconv.Itoa(a.DeviceID) }

func (a HCIAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if a.DeviceID < 0 || a.DeviceID > 0xffff {
		return 0, btWrongFormat(op)
	}
	r := rawSockaddrHCI{Family: uint16(AF_BLUETOOTH), Dev: uint16(a.DeviceID)}
	return r.marshal(b), nil
}

// SCOAddress is an AF_BLUETOOTH BTPROTO_SCO address: Python's bdaddr (bytes
// when given, str when returned).
type SCOAddress struct {
	BDAddr string
}

// Family returns AF_BLUETOOTH (Address).
func (SCOAddress) Family() AddressFamily { return AF_BLUETOOTH }

// String formats the address as Python's repr of it (Address).
func (a SCOAddress) String() string { return pyRepr(a.BDAddr) }

func (a SCOAddress) marshalSockaddr(op string, b []byte) (int, error) {
	r := rawSockaddrSCO{Family: uint16(AF_BLUETOOTH)}
	if err := parseBDAddr(a.BDAddr, r.Bdaddr[:]); err != nil {
		return 0, err
	}
	return r.marshal(b), nil
}

// decodeBluetooth follows CPython's makesockaddr: the socket's protocol
// selects the form (another protocol is a *ValueError "Unknown Bluetooth
// protocol"); for an unknown protocol (proto < 0) the length does, as each
// form has its own struct size.
func decodeBluetooth(b []byte, proto int) (Address, error) {
	if proto < 0 {
		switch len(b) {
		case sizeofSockaddrL2:
			proto = BTPROTO_L2CAP
		case sizeofSockaddrRC:
			proto = BTPROTO_RFCOMM
		case sizeofSockaddrHCI:
			proto = BTPROTO_HCI
		case sizeofSockaddrSCO:
			proto = BTPROTO_SCO
		}
	}
	switch proto {
	case BTPROTO_L2CAP:
		var r rawSockaddrL2
		r.unmarshal(b)
		return L2CAPAddress{BDAddr: formatBDAddr(r.Bdaddr[:]), PSM: int(r.Psm)}, nil
	case BTPROTO_RFCOMM:
		var r rawSockaddrRC
		r.unmarshal(b)
		return RFCOMMAddress{BDAddr: formatBDAddr(r.Bdaddr[:]), Channel: int(r.Channel)}, nil
	case BTPROTO_HCI:
		var r rawSockaddrHCI
		r.unmarshal(b)
		return HCIAddress{DeviceID: int(r.Dev)}, nil
	case BTPROTO_SCO:
		var r rawSockaddrSCO
		r.unmarshal(b)
		return SCOAddress{BDAddr: formatBDAddr(r.Bdaddr[:])}, nil
	}
	return nil, &ValueError{Msg: "Unknown Bluetooth protocol"}
}

// ---- AF_ALG ----

// ALGAddress is an AF_ALG address, Python's (type, name[, feat[, mask]]):
// the algorithm type ("hash", "skcipher", "aead", "rng") and name
// ("sha256", "cbc(aes)", ...). A type or name that does not fit its C array
// with a NUL is a *ValueError ("AF_ALG type too long." / "AF_ALG name too
// long."), one with a NUL byte a *ValueError ("embedded null character").
// Feat and Mask are the full 32-bit fields (CPython parses them as 16-bit).
type ALGAddress struct {
	Type, Name string
	Feat, Mask uint32
}

// Family returns AF_ALG (Address).
func (ALGAddress) Family() AddressFamily { return AF_ALG }

// String formats the address as Python's repr of it (Address).
func (a ALGAddress) String() string {
	return "(" + pyRepr(a.Type) + ", " + pyRepr(a.Name) + ", " + strconv.FormatUint(uint64(a.Feat), 10) + ", " + strconv.FormatUint(uint64(a.Mask), 10) + ")"
}

func (a ALGAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if strings.IndexByte(a.Type, 0) >= 0 || strings.IndexByte(a.Name, 0) >= 0 {
		return 0, &ValueError{Msg: "embedded null character"}
	}
	r := rawSockaddrALG{Family: uint16(AF_ALG), Feat: a.Feat, Mask: a.Mask}
	if len(a.Type) >= len(r.Type) {
		return 0, &ValueError{Msg: "AF_ALG type too long."}
	}
	if len(a.Name) >= len(r.Name) {
		return 0, &ValueError{Msg: "AF_ALG name too long."}
	}
	copy(r.Type[:], a.Type)
	copy(r.Name[:], a.Name)
	return r.marshal(b), nil
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// decodeALG decodes a sockaddr_alg (Linux's AF_ALG sockets have no
// getsockname; CPython would return (family, bytes)). It exists so that
// every family round-trips.
func decodeALG(b []byte) (Address, error) {
	var r rawSockaddrALG
	r.unmarshal(b)
	return ALGAddress{Type: cString(r.Type[:]), Name: cString(r.Name[:]), Feat: r.Feat, Mask: r.Mask}, nil
}

// ---- AF_VSOCK ----

// VSOCKAddress is an AF_VSOCK address, Python's (CID, port): VMADDR_CID_ANY,
// VMADDR_CID_LOCAL, VMADDR_CID_HOST or a guest's context id, and a port
// (VMADDR_PORT_ANY).
type VSOCKAddress struct {
	CID, Port uint32
}

// Family returns AF_VSOCK (Address).
func (VSOCKAddress) Family() AddressFamily { return AF_VSOCK }

// String formats the address as Python's repr of it (Address).
func (a VSOCKAddress) String() string { return u32s(uint64(a.CID), uint64(a.Port)) }

func (a VSOCKAddress) marshalSockaddr(op string, b []byte) (int, error) {
	r := rawSockaddrVM{Family: uint16(AF_VSOCK), Cid: a.CID, Port: a.Port}
	return r.marshal(b), nil
}

func decodeVSOCK(b []byte) (Address, error) {
	var r rawSockaddrVM
	r.unmarshal(b)
	return VSOCKAddress{CID: r.Cid, Port: r.Port}, nil
}

// VSOCKLocalCID returns this machine's own context id, from the
// IOCTL_VM_SOCKETS_GET_LOCAL_CID ioctl on /dev/vsock (Python exposes only
// the constant).
func VSOCKLocalCID() (uint32, error) {
	fd, err := unix.Open("/dev/vsock", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if e, ok := err.(syscall.Errno); ok {
			return 0, &OSError{Op: "open", Errno: e, Filename: "/dev/vsock"}
		}
		return 0, err
	}
	defer unix.Close(fd)
	var cid uint32
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(IOCTL_VM_SOCKETS_GET_LOCAL_CID), uintptr(unsafe.Pointer(&cid)))
	if e != 0 {
		return 0, newOSError("ioctl", e)
	}
	return cid, nil
}

// ---- AF_PACKET ----

// PacketAddress is an AF_PACKET address, Python's (ifname, proto[,
// pkttype[, hatype[, addr]]]): the interface name, the Ethernet protocol
// number in host order (ETH_P_ALL, ETH_P_IP, ...), the packet type
// (PACKET_HOST, the default, PACKET_BROADCAST, ...), the ARP hardware type
// and the hardware address (at most 8 bytes). As in CPython, an unknown
// interface (or "") is ENODEV, a Proto outside 0-65535 an *OverflowError
// ("<op>(): proto must be 0-65535."), a longer Addr a *ValueError
// ("Hardware address must be 8 bytes or less"); a name longer than
// struct ifreq's field is cut to fit. Decoded addresses always carry all
// five fields; Addr has sll_halen bytes.
type PacketAddress struct {
	IfName  string
	Proto   int
	PktType int
	HAType  int
	Addr    []byte
}

// Family returns AF_PACKET (Address).
func (PacketAddress) Family() AddressFamily { return AF_PACKET }

// String formats the address as Python's repr of it (Address).
func (a PacketAddress) String() string {
	return "(" + pyRepr(a.IfName) + ", " + strconv.Itoa(a.Proto) + ", " + strconv.Itoa(a.PktType) + ", " +
		strconv.Itoa(a.HAType) + ", b" + pyRepr(string(a.Addr)) + ")"
}

func (a PacketAddress) marshalSockaddr(op string, b []byte) (int, error) {
	if strings.IndexByte(a.IfName, 0) >= 0 {
		return 0, &ValueError{Msg: "embedded null character"}
	}
	name := a.IfName
	if len(name) > ifNameSize-1 {
		name = name[:ifNameSize-1]
	}
	idx, err := IfNameToIndex(name)
	if err != nil {
		return 0, newOSError(op, syscall.ENODEV)
	}
	var r rawSockaddrLL
	if len(a.Addr) > len(r.Addr) {
		return 0, &ValueError{Msg: "Hardware address must be 8 bytes or less"}
	}
	if a.Proto < 0 || a.Proto > 0xffff {
		return 0, &OverflowError{Msg: op + "(): proto must be 0-65535."}
	}
	r.Family = uint16(AF_PACKET)
	r.Protocol = uint16(a.Proto)
	r.Ifindex = uint32(idx)
	r.Pkttype = uint8(a.PktType)
	r.Hatype = uint16(a.HAType)
	r.Halen = uint8(copy(r.Addr[:], a.Addr))
	return r.marshal(b), nil
}

func decodePacket(b []byte) (Address, error) {
	var r rawSockaddrLL
	r.unmarshal(b)
	// sll_halen may exceed sll_addr (the kernel then reports a longer
	// address); take what the reported length holds.
	n := int(r.Halen)
	var hw []byte
	if len(b) > offsetofSockaddrLLAddr {
		hw = b[offsetofSockaddrLLAddr:]
	}
	n = min(n, len(hw))
	return PacketAddress{IfName: ifName(int32(r.Ifindex)), Proto: int(r.Protocol), PktType: int(r.Pkttype),
		HAType: int(r.Hatype), Addr: append([]byte{}, hw[:n]...)}, nil
}

// ---- AF_QIPCRTR ----

// QIPCRTRAddress is an AF_QIPCRTR address, Python's (node, port).
type QIPCRTRAddress struct {
	Node, Port uint32
}

// Family returns AF_QIPCRTR (Address).
func (QIPCRTRAddress) Family() AddressFamily { return AF_QIPCRTR }

// String formats the address as Python's repr of it (Address).
func (a QIPCRTRAddress) String() string { return u32s(uint64(a.Node), uint64(a.Port)) }

func (a QIPCRTRAddress) marshalSockaddr(op string, b []byte) (int, error) {
	r := rawSockaddrQRTR{Family: uint16(AF_QIPCRTR), Node: a.Node, Port: a.Port}
	return r.marshal(b), nil
}

func decodeQIPCRTR(b []byte) (Address, error) {
	var r rawSockaddrQRTR
	r.unmarshal(b)
	return QIPCRTRAddress{Node: r.Node, Port: r.Port}, nil
}
