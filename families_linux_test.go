//go:build linux

package socket

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Families this machine's kernel has (NETLINK, PACKET, VSOCK, UDPLITE),
// tested natively; families_vm_linux_test.go has the others.

func inVM() bool { return os.Getenv("SOCKSPEC_VM") == "1" }

// needFamily skips when the kernel lacks the family, except in the VM,
// where every family must exist.
func needFamily(t *testing.T, af AddressFamily, typ SocketKind, proto int) *Socket {
	t.Helper()
	s, err := NewSocket(af, typ, proto)
	if err != nil {
		if !inVM() && (errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT)) {
			t.Skipf("this kernel has no %v (type %v, proto %d): %v", af, typ, proto, err)
		}
		t.Fatalf("NewSocket(%v, %v, %d): %v", af, typ, proto, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	return s
}

func nlmsgAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
func rtaAlign(n int) int   { return (n + unix.RTA_ALIGNTO - 1) &^ (unix.RTA_ALIGNTO - 1) }

// TestNetlinkRouteDump dumps the links with RTM_GETLINK (request built with
// the scraped nlmsghdr/ifinfomsg layouts) and finds "lo" at its index.
func TestNetlinkRouteDump(t *testing.T) {
	s := needFamily(t, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
	if err := s.Bind(NetlinkAddress{}); err != nil {
		t.Fatal(err)
	}
	me, err := s.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	nl, ok := me.(NetlinkAddress)
	if !ok || nl.PID == 0 {
		t.Fatalf("getsockname: %#v, want a NetlinkAddress with the assigned pid", me)
	}
	req := make([]byte, nlmsgAlign(sizeofNlmsghdr)+sizeofIfinfomsg)
	h := rawNlmsghdr{Len: uint32(len(req)), Type: unix.RTM_GETLINK, Flags: unix.NLM_F_REQUEST | unix.NLM_F_DUMP, Seq: 42}
	h.marshal(req)
	ifi := rawIfinfomsg{Family: uint8(AF_UNSPEC)}
	ifi.marshal(req[nlmsgAlign(sizeofNlmsghdr):])
	if _, err := s.SendTo(req, NetlinkAddress{}); err != nil {
		t.Fatal(err)
	}
	loIndex, err := IfNameToIndex("lo")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for done := false; !done; {
		msg, from, err := s.RecvFrom(1<<16, 0)
		if err != nil {
			t.Fatal(err)
		}
		if from != (NetlinkAddress{PID: 0, Groups: 0}) {
			t.Errorf("recvfrom address %#v, want the kernel's NetlinkAddress{0, 0}", from)
		}
		for len(msg) >= sizeofNlmsghdr {
			var mh rawNlmsghdr
			mh.unmarshal(msg)
			if mh.Len < sizeofNlmsghdr || int(mh.Len) > len(msg) {
				t.Fatalf("bad nlmsg_len %d", mh.Len)
			}
			if mh.Seq != 42 || mh.Pid != nl.PID {
				t.Errorf("seq %d pid %d, want 42, %d", mh.Seq, mh.Pid, nl.PID)
			}
			body := msg[nlmsgAlign(sizeofNlmsghdr):mh.Len]
			switch mh.Type {
			case unix.NLMSG_DONE:
				done = true
			case unix.NLMSG_ERROR:
				t.Fatalf("NLMSG_ERROR % x", body)
			case unix.RTM_NEWLINK:
				var im rawIfinfomsg
				im.unmarshal(body)
				attrs := body[min(len(body), nlmsgAlign(sizeofIfinfomsg)):]
				for len(attrs) >= sizeofRtattr {
					var ra rawRtattr
					ra.unmarshal(attrs)
					if ra.Len < sizeofRtattr || int(ra.Len) > len(attrs) {
						break
					}
					if ra.Type == unix.IFLA_IFNAME {
						name := strings.TrimRight(string(attrs[rtaAlign(sizeofRtattr):ra.Len]), "\x00")
						if name == "lo" {
							found = true
							if int(int32(im.Index)) != loIndex || im.Flags&unix.IFF_LOOPBACK == 0 {
								t.Errorf("lo: index %d flags %#x, want index %d and IFF_LOOPBACK", im.Index, im.Flags, loIndex)
							}
						}
					}
					attrs = attrs[min(len(attrs), rtaAlign(int(ra.Len))):]
				}
			}
			msg = msg[min(len(msg), nlmsgAlign(int(mh.Len))):]
		}
	}
	if !found {
		t.Error("RTM_GETLINK dump has no \"lo\"")
	}
}

// TestPacketLoopback sends an Ethernet frame with a distinctive ethertype
// on lo from one AF_PACKET socket and receives it on another bound to lo
// and that ethertype; the addresses decode to PacketAddress.
func TestPacketLoopback(t *testing.T) {
	const ethertype = 0x88b5 // IEEE 802 local experimental ethertype 1
	proto, _ := Htons(ethertype)
	rx, err := NewSocket(AF_PACKET, SOCK_RAW, int(proto))
	if err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("AF_PACKET needs CAP_NET_RAW (uid %d): %v", os.Getuid(), err)
		}
		t.Fatal(err)
	}
	defer rx.Close()
	rx.SetTimeout(5 * time.Second)
	if err := rx.Bind(PacketAddress{IfName: "lo", Proto: ethertype}); err != nil {
		t.Fatal(err)
	}
	name, err := rx.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	pn, ok := name.(PacketAddress)
	if !ok || pn.IfName != "lo" || pn.Proto != ethertype || pn.HAType != unix.ARPHRD_LOOPBACK || len(pn.Addr) != 6 {
		t.Fatalf("getsockname %#v", name)
	}
	tx, err := NewSocket(AF_PACKET, SOCK_RAW, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	payload := []byte("sockspec AF_PACKET " + strconv.Itoa(os.Getpid()))
	frame := make([]byte, 14, 14+len(payload))
	copy(frame[0:6], []byte{0, 0, 0, 0, 0, 0})
	copy(frame[6:12], []byte{0, 0, 0, 0, 0, 0})
	binary.BigEndian.PutUint16(frame[12:], ethertype)
	frame = append(frame, payload...)
	if n, err := tx.SendTo(frame, PacketAddress{IfName: "lo", Proto: ethertype}); err != nil || n != len(frame) {
		t.Fatalf("sendto: %d, %v", n, err)
	}
	for {
		got, from, err := rx.RecvFrom(4096, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(got, payload) {
			continue // another test's frame of the same type
		}
		if !bytes.Equal(got, frame) {
			t.Errorf("frame % x, want % x", got, frame)
		}
		pa, ok := from.(PacketAddress)
		if !ok || pa.IfName != "lo" || pa.Proto != ethertype || pa.HAType != unix.ARPHRD_LOOPBACK {
			t.Errorf("recvfrom address %#v", from)
		}
		// recvmsg decodes the same way.
		break
	}
	t.Run("recvmsg", func(t *testing.T) {
		if _, err := tx.SendTo(frame, PacketAddress{IfName: "lo", Proto: ethertype}); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if i == 1000 { // bounded: other traffic on lo is skipped
				t.Fatal("our frame did not arrive among 1000 frames")
			}
			data, _, _, from, err := rx.RecvMsg(4096, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, payload) {
				continue
			}
			if pa, ok := from.(PacketAddress); !ok || pa.IfName != "lo" || pa.Proto != ethertype {
				t.Errorf("recvmsg address %#v", from)
			}
			break
		}
	})
	// CPython's result for the same getsockname, when python3 is here.
	if py, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(py, "-c", "import socket\ns=socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))\ns.bind(('lo', 0x88b5))\nprint(s.getsockname())").Output()
		if err == nil && strings.TrimSpace(string(out)) != pn.String() {
			t.Errorf("Python getsockname %s, Go %s", strings.TrimSpace(string(out)), pn)
		}
	}
}

// TestVSOCKLocal: a VSOCK stream to VMADDR_CID_LOCAL (vsock_loopback);
// runs natively where that transport is loaded and always in the VM.
func TestVSOCKLocal(t *testing.T) {
	if _, err := os.Stat("/sys/module/vsock_loopback"); err != nil && !inVM() {
		t.Skip("the vsock_loopback transport is not loaded (no /sys/module/vsock_loopback): VMADDR_CID_LOCAL is unreachable")
	}
	ln := needFamily(t, AF_VSOCK, SOCK_STREAM, 0)
	if err := ln.Bind(VSOCKAddress{CID: VMADDR_CID_ANY, Port: VMADDR_PORT_ANY}); err != nil {
		t.Fatal(err)
	}
	if err := ln.Listen(); err != nil {
		t.Fatal(err)
	}
	la, err := ln.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	lv, ok := la.(VSOCKAddress)
	if !ok || lv.CID != VMADDR_CID_ANY || lv.Port == VMADDR_PORT_ANY {
		t.Fatalf("listener getsockname %#v", la)
	}
	c := needFamily(t, AF_VSOCK, SOCK_STREAM, 0)
	if err := c.Connect(VSOCKAddress{CID: VMADDR_CID_LOCAL, Port: lv.Port}); err != nil {
		t.Fatal(err)
	}
	conn, peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetTimeout(5 * time.Second)
	// The client's own CID stays VMADDR_CID_ANY in getsockname; its port
	// is the peer's.
	cn, _ := c.GetSockName()
	if pv, ok := peer.(VSOCKAddress); !ok || pv.CID != VMADDR_CID_LOCAL || cn == nil || pv.Port != cn.(VSOCKAddress).Port {
		t.Errorf("accept peer %#v, client getsockname %#v", peer, cn)
	}
	if pp, err := c.GetPeerName(); err != nil || pp != (VSOCKAddress{CID: VMADDR_CID_LOCAL, Port: lv.Port}) {
		t.Errorf("getpeername %#v %v", pp, err)
	}
	if err := c.SendAll([]byte("ping over vsock"), 0); err != nil {
		t.Fatal(err)
	}
	if got, err := conn.Recv(100, 0); err != nil || string(got) != "ping over vsock" {
		t.Errorf("recv %q %v", got, err)
	}
}

func TestVSOCKLocalCID(t *testing.T) {
	if _, err := os.Stat("/dev/vsock"); err != nil {
		t.Skip("no /dev/vsock on this machine")
	}
	if underQEMUUser() {
		t.Skip("qemu-user does not translate the IOCTL_VM_SOCKETS_GET_LOCAL_CID ioctl (ENOSYS)")
	}
	cid, err := VSOCKLocalCID()
	if err != nil {
		t.Fatal(err)
	}
	if py, err := exec.LookPath("python3"); err == nil && !inVM() {
		out, err := exec.Command(py, "-c", "import socket,fcntl,struct\nf=open('/dev/vsock','rb')\nprint(struct.unpack('I', fcntl.ioctl(f, socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID, bytes(4)))[0])").Output()
		if err == nil && strings.TrimSpace(string(out)) != strconv.FormatUint(uint64(cid), 10) {
			t.Errorf("VSOCKLocalCID %d, Python %s", cid, out)
		}
	}
}

// TestUDPLiteCoverage: UDP-Lite datagrams on loopback with partial
// checksum coverage set through SetSockOpt.
func TestUDPLiteCoverage(t *testing.T) {
	if underQEMUUser() {
		t.Skip("qemu-user does not pass SOL_UDPLITE socket options through (ENOPROTOOPT)")
	}
	a := needFamily(t, AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)
	b := needFamily(t, AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)
	for _, s := range []*Socket{a, b} {
		if err := s.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SetSockOpt(IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV, 20); err != nil {
		t.Fatal(err)
	}
	if err := b.SetSockOpt(IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV, 20); err != nil {
		t.Fatal(err)
	}
	for opt, want := range map[int]int{UDPLITE_SEND_CSCOV: 20} {
		if v, err := a.GetSockOpt(IPPROTO_UDPLITE, opt); err != nil || v != want {
			t.Errorf("getsockopt %d: %d %v", opt, v, err)
		}
	}
	if v, err := b.GetSockOpt(IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV); err != nil || v != 20 {
		t.Errorf("UDPLITE_RECV_CSCOV %d %v", v, err)
	}
	dst, _ := b.GetSockName()
	msg := bytes.Repeat([]byte("udplite!"), 8)
	if _, err := a.SendTo(msg, dst); err != nil {
		t.Fatal(err)
	}
	got, from, err := b.RecvFrom(1024, 0)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := a.GetSockName()
	if !bytes.Equal(got, msg) || !reflect.DeepEqual(from, src) {
		t.Errorf("recvfrom %q from %v, want %q from %v", got, from, msg, src)
	}
	// A receiver demanding more coverage than the sender gives drops the
	// datagram (RFC 3828 3.1).
	if err := b.SetSockOpt(IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV, 60); err != nil {
		t.Fatal(err)
	}
	a.SendTo(msg, dst)
	b.SetTimeout(300 * time.Millisecond)
	if got, _, err := b.RecvFrom(1024, 0); !errors.Is(err, ErrTimeout) {
		t.Errorf("datagram below the receiver's coverage delivered: %q %v", got, err)
	}
}
