//go:build unix

package socket

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func unixPair(t *testing.T, typ SocketKind) (*Socket, *Socket) {
	t.Helper()
	a, b, err := SocketPair(AF_UNIX, typ, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// openFds counts this process's open descriptors (Linux only).
func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count fds: %v", err)
	}
	return len(ents)
}

// pipes makes n pipes and returns their read and write ends.
func pipes(t *testing.T, n int) (r, w []int) {
	t.Helper()
	for i := 0; i < n; i++ {
		var p [2]int
		if err := unix.Pipe(p[:]); err != nil { // no pipe2 on darwin
			t.Fatal(err)
		}
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
		r, w = append(r, p[0]), append(w, p[1])
	}
	t.Cleanup(func() { closeFds(r); closeFds(w) })
	return r, w
}

func testSendRecvFds(t *testing.T, n int) {
	a, b := unixPair(t, SOCK_STREAM)
	r, w := pipes(t, n)
	sent, err := a.SendFds([][]byte{[]byte("fd"), []byte("s!")}, w, 0, nil)
	if err != nil || sent != 4 {
		t.Fatalf("SendFds = %d, %v", sent, err)
	}
	data, fds, flags, addr, err := b.RecvFds(100, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFds(fds)
	if string(data) != "fds!" || len(fds) != n || flags&MSG_CTRUNC != 0 || addr != nil {
		t.Fatalf("RecvFds = %q, %v, %v, %v", data, fds, flags, addr)
	}
	for i, fd := range fds {
		// The received fd is a new descriptor for the pipe's write end.
		if fd == w[i] {
			t.Errorf("fd %d: received the same number as sent", i)
		}
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil || fl&unix.FD_CLOEXEC == 0 {
			t.Errorf("fd %d: FD_CLOEXEC not set (%#x, %v)", fd, fl, err)
		}
		msg := []byte{byte('a' + i)}
		if _, err := unix.Write(fd, msg); err != nil {
			t.Fatalf("write to received fd: %v", err)
		}
		got := make([]byte, 1)
		if _, err := unix.Read(r[i], got); err != nil || got[0] != msg[0] {
			t.Errorf("pipe %d: read %q, %v", i, got, err)
		}
	}
}

func TestSCMRightsOneFd(t *testing.T)  { testSendRecvFds(t, 1) }
func TestSCMRightsTenFds(t *testing.T) { testSendRecvFds(t, 10) }

// With room for fewer descriptors than were sent, the kernel sets
// MSG_CTRUNC and installs only those that fit: none may leak.
func TestSCMRightsTruncatedNoLeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	if underQEMUUser() {
		t.Skip("qemu-user's recvmsg passes the kernel a control buffer of its own size: descriptors the guest's buffer cannot hold are installed and MSG_CTRUNC is lost")
	}
	a, b := unixPair(t, SOCK_STREAM)
	_, w := pipes(t, 10)
	before := openFds(t)
	for _, maxfds := range []int{0, 1, 3} {
		if _, err := a.SendFds([][]byte{[]byte("x")}, w, 0, nil); err != nil {
			t.Fatal(err)
		}
		data, fds, flags, _, err := b.RecvFds(10, maxfds, 0)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "x" || flags&MSG_CTRUNC == 0 || len(fds) > maxfds {
			t.Errorf("maxfds=%d: %q, %d fds, flags %v", maxfds, data, len(fds), flags)
		}
		closeFds(fds)
	}
	// The same through RecvMsg with a control buffer that cuts the array.
	if _, err := a.SendFds([][]byte{[]byte("y")}, w, 0, nil); err != nil {
		t.Fatal(err)
	}
	space, _ := CmsgSpace(2 * sizeofInt)
	_, anc, flags, _, err := b.RecvMsg(10, space+3, 0)
	if err != nil {
		t.Fatal(err)
	}
	fds := rightsFds(anc)
	closeFds(fds)
	if flags&MSG_CTRUNC == 0 || len(fds) == 0 || len(fds) > 3 {
		t.Errorf("RecvMsg with a short control buffer: %d fds, flags %v", len(fds), flags)
	}
	if after := openFds(t); after != before {
		t.Errorf("open fds: %d before, %d after: descriptors leaked", before, after)
	}
}

// The example of the reference's recvmsg_into.
func TestRecvMsgIntoMaryHadALittleLamb(t *testing.T) {
	s1, s2 := unixPair(t, SOCK_STREAM)
	b1 := []byte("----")
	b2 := []byte("0123456789")
	b3 := []byte("--------------")
	if n, err := s1.Send([]byte("Mary had a little lamb"), 0); err != nil || n != 22 {
		t.Fatalf("Send = %d, %v", n, err)
	}
	n, anc, flags, addr, err := s2.RecvMsgInto([][]byte{b1, b2[2:9], b3}, 0, 0)
	if err != nil || n != 22 || len(anc) != 0 || flags != 0 || addr != nil {
		t.Fatalf("RecvMsgInto = (%d, %v, %v, %v), %v; want (22, [], 0, nil)", n, anc, flags, addr, err)
	}
	if string(b1) != "Mary" || string(b2) != "01 had a 9" || string(b3) != "little lamb---" {
		t.Errorf("buffers = %q %q %q", b1, b2, b3)
	}
}

func udpPair(t *testing.T) (*Socket, *Socket, Address, Address) {
	t.Helper()
	a, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	for _, s := range []*Socket{a, b} {
		if err := s.Bind(InetAddress{Host: "127.0.0.1", Port: 0}); err != nil {
			t.Fatal(err)
		}
	}
	aa, err := a.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	ba, err := b.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	return a, b, aa, ba
}

func TestSendMsgToAddressUDP(t *testing.T) {
	a, b, aAddr, bAddr := udpPair(t)
	n, err := a.SendMsg([][]byte{[]byte("hello "), nil, []byte("world")}, nil, 0, bAddr)
	if err != nil || n != 11 {
		t.Fatalf("SendMsg = %d, %v", n, err)
	}
	if err := b.SetTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	data, anc, flags, from, err := b.RecvMsg(100, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "hello world" || len(anc) != 0 || flags != 0 || from == nil || from.String() != aAddr.String() {
		t.Errorf("RecvMsg = %q, %v, %v, %v; want from %v", data, anc, flags, from, aAddr)
	}
	// A datagram larger than the buffer: MSG_TRUNC.
	if _, err := a.SendMsg([][]byte{[]byte("0123456789")}, nil, 0, bAddr); err != nil {
		t.Fatal(err)
	}
	data, _, flags, _, err = b.RecvMsg(4, 0, 0)
	if err != nil || string(data) != "0123" || flags&MSG_TRUNC == 0 {
		t.Errorf("short RecvMsg = %q, %v, %v", data, flags, err)
	}
	// An empty datagram is data, not EOF.
	if underQEMUUser() {
		t.Log("empty datagram not tested: qemu-user's sendmsg returns 0 for an empty iovec without sending")
		return
	}
	if n, err := a.SendMsg(nil, nil, 0, bAddr); err != nil || n != 0 {
		t.Fatalf("empty SendMsg = %d, %v", n, err)
	}
	data, _, _, from, err = b.RecvMsg(100, 0, 0)
	if err != nil || data == nil || len(data) != 0 || from == nil {
		t.Errorf("empty datagram: %q (nil=%v), %v, %v", data, data == nil, from, err)
	}
}

func TestRecvMsgTimeoutAndErrors(t *testing.T) {
	_, b := unixPair(t, SOCK_DGRAM)
	if err := b.SetTimeout(30 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, _, _, err := b.RecvMsg(10, 0, 0)
	if !errors.Is(err, ErrTimeout) || time.Since(start) < 25*time.Millisecond {
		t.Errorf("RecvMsg on an idle socket in timeout mode: %v after %v", err, time.Since(start))
	}
	if err := b.SetBlocking(false); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := b.RecvMsg(10, 0, 0); !errors.Is(err, syscall.EAGAIN) {
		t.Errorf("non-blocking RecvMsg: %v, want EAGAIN", err)
	}
	var ve *ValueError
	if _, _, _, _, err := b.RecvMsg(-1, 0, 0); !errors.As(err, &ve) || ve.Msg != "negative buffer size in recvmsg()" {
		t.Errorf("RecvMsg(-1): %v", err)
	}
	if _, _, _, _, err := b.RecvMsgInto(nil, -1, 0); !errors.As(err, &ve) || ve.Msg != "invalid ancillary data buffer length" {
		t.Errorf("RecvMsgInto(ancbufsize -1): %v", err)
	}
}

func TestRecvMsgUnblockedByClose(t *testing.T) {
	_, b := unixPair(t, SOCK_STREAM)
	done := make(chan error, 1)
	go func() {
		_, _, _, _, err := b.RecvMsg(10, 64, 0)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	b.Close()
	select {
	case err := <-done:
		if !errors.Is(err, syscall.EBADF) {
			t.Errorf("RecvMsg after Close: %v, want EBADF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RecvMsg still blocked 5s after Close")
	}
}

// Ancillary data other than SCM_RIGHTS passes through RecvMsg unchanged
// (SCM_CREDENTIALS on Linux needs SO_PASSCRED; elsewhere skip).
func TestSendMsgAncdataPassthrough(t *testing.T) {
	a, b := unixPair(t, SOCK_STREAM)
	r, _ := pipes(t, 1)
	buf := make([]byte, sizeofInt)
	putCInt(buf, r[0])
	n, err := a.SendMsg([][]byte{[]byte("x")}, []Ancdata{{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: buf}}, 0, nil)
	if err != nil || n != 1 {
		t.Fatalf("SendMsg = %d, %v", n, err)
	}
	space, _ := CmsgSpace(sizeofInt)
	data, anc, _, _, err := b.RecvMsg(10, space, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(anc) != 1 || anc[0].Level != SOL_SOCKET || anc[0].Type != SCM_RIGHTS || len(anc[0].Data) != sizeofInt || !bytes.Equal(data, []byte("x")) {
		t.Fatalf("RecvMsg = %q, %+v", data, anc)
	}
	closeFds(rightsFds(anc))
	if _, err := a.SendMsg(nil, []Ancdata{{Level: 1 << 40}}, 0, nil); !errors.As(err, new(*OverflowError)) {
		t.Errorf("level out of range: %v", err)
	}
}
