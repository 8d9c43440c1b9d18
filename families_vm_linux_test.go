//go:build linux

package socket

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"reflect"
	"syscall"
	"testing"
	"time"
)

// Families this machine's kernel lacks (ALG, CAN, TIPC, RDS, QIPCRTR,
// BLUETOOTH), run in Debian's kernel under QEMU by .ci/vm/run.sh
// (SOCKSPEC_VM=1; .ci/test.sh runs -test.run '^TestVM'). Outside the VM
// they skip, naming the reason.

func vmOnly(t *testing.T) {
	t.Helper()
	if !inVM() {
		t.Skip("needs a kernel with this family: runs in the VM (.ci/vm/run.sh sets SOCKSPEC_VM=1)")
	}
}

// ---- AF_ALG ----

// algOp binds an AF_ALG socket to the algorithm, sets the key (if any) and
// returns the operation socket Accept gives.
func algOp(t *testing.T, typ, name string, key []byte, setup func(s *Socket)) *Socket {
	t.Helper()
	s := needFamily(t, AF_ALG, SOCK_SEQPACKET, 0)
	if err := s.Bind(ALGAddress{Type: typ, Name: name}); err != nil {
		t.Fatalf("bind %s %s: %v", typ, name, err)
	}
	if key != nil {
		if err := s.SetSockOptBytes(SOL_ALG, ALG_SET_KEY, key); err != nil {
			t.Fatal(err)
		}
	}
	if setup != nil {
		setup(s)
	}
	op, _, err := s.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	t.Cleanup(func() { op.Close() })
	op.SetTimeout(5 * time.Second)
	return op
}

func TestVMALGHash(t *testing.T) {
	vmOnly(t)
	data := bytes.Repeat([]byte("sockspec AF_ALG "), 100)
	key := []byte("a secret key")
	for _, c := range []struct {
		name string
		key  []byte
		want []byte
	}{
		{"sha256", nil, func() []byte { h := sha256.Sum256(data); return h[:] }()},
		{"hmac(sha256)", key, func() []byte { m := hmac.New(sha256.New, key); m.Write(data); return m.Sum(nil) }()},
	} {
		op := algOp(t, "hash", c.name, c.key, nil)
		if err := op.SendAll(data, 0); err != nil {
			t.Fatal(err)
		}
		got, err := op.Recv(64, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: %x, want %x", c.name, got, c.want)
		}
	}
}

func TestVMALGSkcipherCBC(t *testing.T) {
	vmOnly(t)
	key := []byte("0123456789abcdef")
	iv := []byte("fedcba9876543210")
	pt := bytes.Repeat([]byte("16 byte block..."), 4)
	blk, _ := aes.NewCipher(key)
	want := make([]byte, len(pt))
	cipher.NewCBCEncrypter(blk, iv).CryptBlocks(want, pt)

	op := algOp(t, "skcipher", "cbc(aes)", key, nil)
	if n, err := op.SendMsgAfalg([][]byte{pt[:20], pt[20:]}, ALG_OP_ENCRYPT, iv, -1, 0); err != nil || n != len(pt) {
		t.Fatalf("sendmsg_afalg: %d %v", n, err)
	}
	ct, err := op.Recv(len(pt), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ct, want) {
		t.Fatalf("cbc(aes) encrypt: %x, want %x", ct, want)
	}
	op2 := algOp(t, "skcipher", "cbc(aes)", key, nil)
	if _, err := op2.SendMsgAfalg([][]byte{ct}, ALG_OP_DECRYPT, iv, -1, 0); err != nil {
		t.Fatal(err)
	}
	if back, err := op2.Recv(len(ct), 0); err != nil || !bytes.Equal(back, pt) {
		t.Errorf("cbc(aes) decrypt: %q %v", back, err)
	}
	var te *TypeError
	if _, err := op2.SendMsgAfalg(nil, -1, nil, -1, 0); !errors.As(err, &te) {
		t.Errorf("op -1: %v, want Python's TypeError", err)
	}
}

func TestVMALGAEADGCM(t *testing.T) {
	vmOnly(t)
	key := []byte("0123456789abcdef")
	nonce := []byte("twelve bytes")
	assoc := []byte("associated data!")
	pt := []byte("the plaintext of an AEAD message")
	const tagLen = 16
	blk, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(blk)
	sealed := gcm.Seal(nil, nonce, pt, assoc) // ciphertext || tag

	setTag := func(s *Socket) {
		if err := s.SetSockOptNone(SOL_ALG, ALG_SET_AEAD_AUTHSIZE, tagLen); err != nil {
			t.Fatal(err)
		}
	}
	op := algOp(t, "aead", "gcm(aes)", key, setTag)
	msg := append(append([]byte{}, assoc...), pt...)
	if _, err := op.SendMsgAfalg([][]byte{msg}, ALG_OP_ENCRYPT, nonce, len(assoc), 0); err != nil {
		t.Fatal(err)
	}
	out, err := op.Recv(len(assoc)+len(pt)+tagLen, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[:len(assoc)], assoc) || !bytes.Equal(out[len(assoc):], sealed) {
		t.Fatalf("gcm(aes) encrypt: %x, want %x || %x", out, assoc, sealed)
	}
	op2 := algOp(t, "aead", "gcm(aes)", key, setTag)
	in := append(append([]byte{}, assoc...), sealed...)
	if _, err := op2.SendMsgAfalg([][]byte{in}, ALG_OP_DECRYPT, nonce, len(assoc), 0); err != nil {
		t.Fatal(err)
	}
	back, err := op2.Recv(len(assoc)+len(pt), 0)
	if err != nil || !bytes.Equal(back[len(assoc):], pt) {
		t.Errorf("gcm(aes) decrypt: %q %v", back, err)
	}
	// A forged tag fails authentication (EBADMSG).
	op3 := algOp(t, "aead", "gcm(aes)", key, setTag)
	in[len(in)-1] ^= 1
	op3.SendMsgAfalg([][]byte{in}, ALG_OP_DECRYPT, nonce, len(assoc), 0)
	if _, err := op3.Recv(len(assoc)+len(pt), 0); !errors.Is(err, syscall.EBADMSG) {
		t.Errorf("forged tag: %v, want EBADMSG", err)
	}
}

// ---- AF_CAN ----

const vcan = "vcan0"

func canRaw(t *testing.T) *Socket {
	t.Helper()
	s := needFamily(t, AF_CAN, SOCK_RAW, CAN_RAW)
	if err := s.Bind(CANAddress{Interface: vcan}); err != nil {
		t.Fatal(err)
	}
	return s
}

func canFrame(id uint32, data []byte) []byte {
	r := rawCANFrame{ID: id, Len: uint8(len(data))}
	copy(r.Data[:], data)
	b := make([]byte, sizeofCANFrame)
	r.marshal(b)
	return b
}

func TestVMCANRaw(t *testing.T) {
	vmOnly(t)
	a, b := canRaw(t), canRaw(t)
	if name, err := a.GetSockName(); err != nil || name != (CANAddress{Interface: vcan}) {
		t.Errorf("getsockname %#v %v", name, err)
	}
	f := canFrame(0x123, []byte{1, 2, 3, 4})
	if _, err := a.Send(f, 0); err != nil {
		t.Fatal(err)
	}
	got, from, err := b.RecvFrom(sizeofCANFDFrame, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, f) || from != (CANAddress{Interface: vcan}) {
		t.Errorf("recvfrom % x from %#v, want % x from ('vcan0',)", got, from, f)
	}
	// sendto an interface, on a socket bound to all of them.
	all := needFamily(t, AF_CAN, SOCK_RAW, CAN_RAW)
	if err := all.Bind(CANAddress{}); err != nil {
		t.Fatal(err)
	}
	if _, err := all.SendTo(canFrame(0x124, []byte{9}), CANAddress{Interface: vcan}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Recv(sizeofCANFDFrame, 0); err != nil || binary.NativeEndian.Uint32(got) != 0x124 {
		t.Errorf("frame sent with sendto: % x %v", got, err)
	}

	// CAN FD frames.
	for _, s := range []*Socket{a, b} {
		if err := s.SetSockOpt(SOL_CAN_RAW, CAN_RAW_FD_FRAMES, 1); err != nil {
			t.Fatal(err)
		}
	}
	fd := rawCANFDFrame{ID: 0x456, Len: 48}
	for i := range fd.Data[:48] {
		fd.Data[i] = byte(i)
	}
	fb := make([]byte, sizeofCANFDFrame)
	fd.marshal(fb)
	if _, err := a.Send(fb, 0); err != nil {
		t.Fatal(err)
	}
	got, err = b.Recv(sizeofCANFDFrame, 0)
	if err != nil {
		t.Fatal(err)
	}
	var back rawCANFDFrame
	back.unmarshal(got)
	if len(got) != sizeofCANFDFrame || back.ID != 0x456 || back.Len != 48 || back.Data != fd.Data {
		t.Errorf("CAN FD frame: %d bytes %+v", len(got), back)
	}

	// CAN_RAW_FILTER: only 0x200 passes.
	flt := rawCANFilter{ID: 0x200, Mask: CAN_SFF_MASK}
	fbuf := make([]byte, sizeofCANFilter)
	flt.marshal(fbuf)
	if err := b.SetSockOptBytes(SOL_CAN_RAW, CAN_RAW_FILTER, fbuf); err != nil {
		t.Fatal(err)
	}
	a.Send(canFrame(0x100, []byte{1}), 0)
	a.Send(canFrame(0x200, []byte{2}), 0)
	got, err = b.Recv(sizeofCANFDFrame, 0)
	if err != nil || binary.NativeEndian.Uint32(got) != 0x200 {
		t.Errorf("filtered: % x %v, want the 0x200 frame only", got, err)
	}
	if back, err := b.GetSockOptBytes(SOL_CAN_RAW, CAN_RAW_FILTER, sizeofCANFilter); err != nil || !bytes.Equal(back, fbuf) {
		t.Errorf("getsockopt CAN_RAW_FILTER % x %v", back, err)
	}
}

func bcmMsg(op, flags uint32, id uint32, ival2 time.Duration, frames ...[]byte) []byte {
	h := rawBCMMsgHead{Opcode: op, Flags: flags, CANID: id, Nframes: uint32(len(frames)),
		Ival2Sec: uint64(ival2 / time.Second), Ival2Usec: uint64(ival2 % time.Second / time.Microsecond)}
	b := make([]byte, bcmMsgHeadFrames+len(frames)*sizeofCANFrame)
	h.marshal(b)
	for i, f := range frames {
		copy(b[bcmMsgHeadFrames+i*sizeofCANFrame:], f)
	}
	return b
}

func TestVMCANBCM(t *testing.T) {
	vmOnly(t)
	raw := canRaw(t)
	tx := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_BCM)
	if err := tx.Connect(CANAddress{Interface: vcan}); err != nil {
		t.Fatal(err)
	}
	f := canFrame(0x321, []byte{0xca, 0xfe})
	if _, err := tx.Send(bcmMsg(CAN_BCM_TX_SETUP, CAN_BCM_SETTIMER|CAN_BCM_STARTTIMER, 0x321, 20*time.Millisecond, f), 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // cyclic: at least two
		got, err := raw.Recv(sizeofCANFDFrame, 0)
		if err != nil || !bytes.Equal(got, f) {
			t.Fatalf("cyclic frame %d: % x %v", i, got, err)
		}
	}
	tx.Send(bcmMsg(CAN_BCM_TX_DELETE, 0, 0x321, 0), 0)

	rx := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_BCM)
	if err := rx.Connect(CANAddress{Interface: vcan}); err != nil {
		t.Fatal(err)
	}
	if _, err := rx.Send(bcmMsg(CAN_BCM_RX_SETUP, CAN_BCM_RX_FILTER_ID, 0x322, 0), 0); err != nil {
		t.Fatal(err)
	}
	want := canFrame(0x322, []byte{7, 7})
	raw.Send(want, 0)
	got, from, err := rx.RecvFrom(4096, 0)
	if err != nil {
		t.Fatal(err)
	}
	var h rawBCMMsgHead
	h.unmarshal(got)
	if h.Opcode != CAN_BCM_RX_CHANGED || h.CANID != 0x322 || h.Nframes != 1 || !bytes.Equal(got[bcmMsgHeadFrames:], want) {
		t.Errorf("RX_CHANGED: %+v % x", h, got[bcmMsgHeadFrames:])
	}
	if from != (CANAddress{Interface: vcan}) {
		t.Errorf("recvfrom address %#v", from)
	}
}

func TestVMCANISOTP(t *testing.T) {
	vmOnly(t)
	a := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_ISOTP)
	b := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_ISOTP)
	aa := ISOTPAddress{Interface: vcan, RxAddr: 0x7e8, TxAddr: 0x7e0}
	ba := ISOTPAddress{Interface: vcan, RxAddr: 0x7e0, TxAddr: 0x7e8}
	if err := a.Bind(aa); err != nil {
		t.Fatal(err)
	}
	if err := b.Bind(ba); err != nil {
		t.Fatal(err)
	}
	if got, err := a.GetSockName(); err != nil || got != aa {
		t.Errorf("getsockname %#v %v, want %#v", got, err, aa)
	}
	msg := bytes.Repeat([]byte("ISO-TP multi-frame "), 10) // 190 bytes: FF + CFs
	if _, err := a.Send(msg, 0); err != nil {
		t.Fatal(err)
	}
	got, err := b.Recv(4096, 0)
	if err != nil || !bytes.Equal(got, msg) {
		t.Errorf("recv %q %v", got, err)
	}
	b.SetTimeout(200 * time.Millisecond)
	if got, err := b.Recv(4096, 0); !errors.Is(err, ErrTimeout) {
		t.Errorf("one message expected, then nothing: %q %v", got, err)
	}
}

func TestVMCANJ1939(t *testing.T) {
	vmOnly(t)
	a := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_J1939)
	b := needFamily(t, AF_CAN, SOCK_DGRAM, CAN_J1939)
	aa := J1939Address{Interface: vcan, Name: J1939_NO_NAME, PGN: J1939_NO_PGN, Addr: 0x20}
	ba := J1939Address{Interface: vcan, Name: J1939_NO_NAME, PGN: J1939_NO_PGN, Addr: 0x30}
	if err := a.Bind(aa); err != nil {
		t.Fatal(err)
	}
	if err := b.Bind(ba); err != nil {
		t.Fatal(err)
	}
	if got, err := b.GetSockName(); err != nil || got != ba {
		t.Errorf("getsockname %#v %v, want %#v", got, err, ba)
	}
	const pgn = 0x12300
	data := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	if _, err := a.SendTo(data, J1939Address{Interface: vcan, Name: J1939_NO_NAME, PGN: pgn, Addr: 0x30}); err != nil {
		t.Fatal(err)
	}
	got, from, err := b.RecvFrom(64, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := J1939Address{Interface: vcan, Name: J1939_NO_NAME, PGN: pgn, Addr: 0x20}
	if !bytes.Equal(got, data) || from != want {
		t.Errorf("recvfrom % x from %#v, want % x from %#v", got, from, data, want)
	}
}

// ---- AF_TIPC ----

const tipcType = 18888

func TestVMTIPCRDM(t *testing.T) {
	vmOnly(t)
	srv := needFamily(t, AF_TIPC, SOCK_RDM, 0)
	if err := srv.Bind(TIPCAddress{AddrType: TIPC_ADDR_NAMESEQ, V1: tipcType, V2: 10, V3: 20, Scope: TIPC_CLUSTER_SCOPE}); err != nil {
		t.Fatal(err)
	}
	cli := needFamily(t, AF_TIPC, SOCK_RDM, 0)
	if _, err := cli.SendTo([]byte("tipc rdm"), TIPCAddress{AddrType: TIPC_ADDR_NAME, V1: tipcType, V2: 15, Scope: TIPC_CLUSTER_SCOPE}); err != nil {
		t.Fatal(err)
	}
	msg, from, err := srv.RecvFrom(100, 0)
	if err != nil {
		t.Fatal(err)
	}
	me, err := cli.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	fa, ok := from.(TIPCAddress)
	if string(msg) != "tipc rdm" || !ok || fa.AddrType != TIPC_ADDR_ID || from != me {
		t.Errorf("recvfrom %q from %#v; client getsockname %#v", msg, from, me)
	}
}

func TestVMTIPCStream(t *testing.T) {
	vmOnly(t)
	srv := needFamily(t, AF_TIPC, SOCK_STREAM, 0)
	if err := srv.Bind(TIPCAddress{AddrType: TIPC_ADDR_NAMESEQ, V1: tipcType + 1, V2: 1, V3: 1, Scope: TIPC_CLUSTER_SCOPE}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	cli := needFamily(t, AF_TIPC, SOCK_STREAM, 0)
	// A TIPC connect completes when the server accepts: connect meanwhile.
	connected := make(chan error, 1)
	go func() {
		connected <- cli.Connect(TIPCAddress{AddrType: TIPC_ADDR_NAME, V1: tipcType + 1, V2: 1, Scope: TIPC_CLUSTER_SCOPE})
	}()
	conn, peer, err := srv.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if err := <-connected; err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetTimeout(5 * time.Second)
	me, _ := cli.GetSockName()
	if peer != me {
		t.Errorf("accept peer %#v, client getsockname %#v", peer, me)
	}
	cp, _ := cli.GetPeerName()
	cs, _ := conn.GetSockName()
	if _, ok := cp.(TIPCAddress); !ok || cp != cs {
		t.Errorf("client getpeername %#v, server side getsockname %#v", cp, cs)
	}
	cli.SendAll([]byte("tipc stream"), 0)
	if got, err := conn.Recv(100, 0); err != nil || string(got) != "tipc stream" {
		t.Errorf("recv %q %v", got, err)
	}
}

// ---- AF_RDS ----

func TestVMRDS(t *testing.T) {
	vmOnly(t)
	a := needFamily(t, AF_RDS, SOCK_SEQPACKET, 0)
	b := needFamily(t, AF_RDS, SOCK_SEQPACKET, 0)
	for _, s := range []*Socket{a, b} {
		if err := s.Bind(InetAddress{Host: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	an, _ := a.GetSockName()
	bn, err := b.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	if ia, ok := bn.(InetAddress); !ok || ia.Host != "127.0.0.1" || ia.Port == 0 {
		t.Fatalf("getsockname %#v", bn)
	}
	if _, err := a.SendTo([]byte("rds datagram"), bn); err != nil {
		t.Fatal(err)
	}
	got, from, err := b.RecvFrom(100, 0)
	if err != nil || string(got) != "rds datagram" || from != an {
		t.Errorf("recvfrom %q from %#v (%v), want from %#v", got, from, err, an)
	}
}

// ---- AF_QIPCRTR ----

func TestVMQIPCRTR(t *testing.T) {
	vmOnly(t)
	s := needFamily(t, AF_QIPCRTR, SOCK_DGRAM, 0)
	name, err := s.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	q, ok := name.(QIPCRTRAddress)
	if !ok {
		t.Fatalf("getsockname %#v", name)
	}
	s2 := needFamily(t, AF_QIPCRTR, SOCK_DGRAM, 0)
	want := QIPCRTRAddress{Node: q.Node, Port: 0x1234}
	if err := s2.Bind(want); err != nil {
		t.Fatal(err)
	}
	if got, err := s2.GetSockName(); err != nil || got != want {
		t.Errorf("getsockname after bind %#v %v, want %#v", got, err, want)
	}
}

// ---- AF_BLUETOOTH ----

// vhciController makes a virtual controller through /dev/vhci (kept open
// until the test ends) and returns its device id.
func vhciController(t *testing.T) int {
	t.Helper()
	f, err := os.OpenFile("/dev/vhci", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open /dev/vhci: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.Write([]byte{0xff, 0x00}); err != nil { // HCI_VENDOR_PKT, HCI_PRIMARY
		t.Fatal(err)
	}
	// The driver answers with the vendor packet: ff 00 <dev id le16>.
	resp := make([]byte, 4)
	if _, err := f.Read(resp); err != nil || resp[0] != 0xff {
		t.Fatalf("vhci response % x %v", resp, err)
	}
	return int(binary.LittleEndian.Uint16(resp[2:]))
}

func TestVMBluetooth(t *testing.T) {
	vmOnly(t)
	dev := vhciController(t)
	h := needFamily(t, AF_BLUETOOTH, SOCK_RAW, BTPROTO_HCI)
	if err := h.Bind(HCIAddress{DeviceID: dev}); err != nil {
		t.Fatal(err)
	}
	if got, err := h.GetSockName(); err != nil || got != (HCIAddress{DeviceID: dev}) {
		t.Errorf("HCI getsockname %#v %v", got, err)
	}
	flt := rawHCIFilter{TypeMask: 1 << HCI_EVENT_PKT, Opcode: 0}
	for i := range flt.EventMask {
		flt.EventMask[i] = 0xff
	}
	fb := make([]byte, sizeofHCIFilter)
	flt.marshal(fb)
	if err := h.SetSockOptBytes(SOL_HCI, HCI_FILTER, fb); err != nil {
		t.Fatal(err)
	}
	if back, err := h.GetSockOptBytes(SOL_HCI, HCI_FILTER, sizeofHCIFilter); err != nil {
		t.Error(err)
	} else {
		var r rawHCIFilter
		r.unmarshal(back)
		if r.TypeMask != flt.TypeMask || r.EventMask != flt.EventMask {
			t.Errorf("HCI_FILTER read back %+v, set %+v", r, flt)
		}
	}

	for _, c := range []struct {
		typ   SocketKind
		proto int
		addr  Address
	}{
		{SOCK_SEQPACKET, BTPROTO_L2CAP, L2CAPAddress{BDAddr: "00:00:00:00:00:00", PSM: 0x1001}},
		{SOCK_STREAM, BTPROTO_RFCOMM, RFCOMMAddress{BDAddr: "00:00:00:00:00:00", Channel: 5}},
		{SOCK_SEQPACKET, BTPROTO_SCO, SCOAddress{BDAddr: "00:00:00:00:00:00"}},
	} {
		s := needFamily(t, AF_BLUETOOTH, c.typ, c.proto)
		if err := s.Bind(c.addr); err != nil {
			t.Errorf("bind %#v: %v", c.addr, err)
			continue
		}
		if got, err := s.GetSockName(); err != nil || !reflect.DeepEqual(got, c.addr) {
			t.Errorf("getsockname %#v %v, want %#v", got, err, c.addr)
		}
	}
}
