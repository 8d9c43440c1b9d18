//go:build unix

package socket

// recvmsg / recvmsg_into / sendmsg with ancillary data and addresses, and
// Python's send_fds / recv_fds, on core's I/O engine (s.readOp/s.writeOp,
// s.do: timeouts, EINTR, readiness waiting and close wake-up as for every
// other method).

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// cmsgCloexecFlag is MSG_CMSG_CLOEXEC where the platform has it (received
// descriptors are then close-on-exec atomically); elsewhere the flag is
// set on each received descriptor after the call. (CPython 3.11 leaves
// received descriptors inheritable; in Go every descriptor the runtime and
// this package create is close-on-exec, and so are these.)
var cmsgCloexecFlag, haveCmsgCloexec = func() (int, bool) {
	v, ok := LookupConstant("MSG_CMSG_CLOEXEC")
	return int(v), ok
}()

// RecvMsg receives up to bufsize bytes of data and up to ancbufsize bytes
// of ancillary data (Python's socket.recvmsg). It returns the data, the
// ancillary items, the message flags (e.g. MSG_TRUNC, MSG_CTRUNC) and the
// sender's address (nil when the kernel reports none, as for a connected
// stream; Python's None).
//
// An empty datagram is data: RecvMsg returns an empty, non-nil slice and
// no error. Descriptors received with SCM_RIGHTS are close-on-exec and
// appear in the ancillary data as native C ints; if RecvMsg fails after
// the kernel returned, it closes them first. An item that extends past the
// end of the buffer is returned with the part inside it (Python's
// RuntimeWarning case). A negative bufsize or ancbufsize is a *ValueError.
func (s *Socket) RecvMsg(bufsize, ancbufsize int, flags MsgFlag) (data []byte, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	if bufsize < 0 {
		return nil, nil, 0, nil, &ValueError{Msg: "negative buffer size in recvmsg()"}
	}
	buf := make([]byte, bufsize)
	n, anc, mf, addr, err := s.recvmsg("recvmsg", [][]byte{buf}, ancbufsize, flags)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	return buf[:n], anc, mf, addr, nil
}

// RecvMsgInto is RecvMsg scattering the data into buffers, filled in turn
// (Python's socket.recvmsg_into). It returns the number of bytes written in
// all, the ancillary items, the message flags and the sender's address.
func (s *Socket) RecvMsgInto(buffers [][]byte, ancbufsize int, flags MsgFlag) (nbytes int, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	return s.recvmsg("recvmsg_into", buffers, ancbufsize, flags)
}

// recvmsg builds the msghdr, runs the call on core's engine and decodes the
// result.
func (s *Socket) recvmsg(op string, buffers [][]byte, ancbufsize int, flags MsgFlag) (int, []Ancdata, MsgFlag, Address, error) {
	if ancbufsize < 0 || int64(ancbufsize) > cmsgLimit {
		return 0, nil, 0, nil, &ValueError{Msg: "invalid ancillary data buffer length"}
	}
	st := &msgState{}
	st.setIov(buffers)
	var ctl []byte
	if ancbufsize > 0 {
		ctl = make([]byte, ancbufsize)
		st.msg.Control = &ctl[0]
		st.msg.SetControllen(ancbufsize)
	}
	st.msg.Name = &st.sa[0]
	st.msg.Namelen = uint32(len(st.sa))

	fl := int(flags)
	// Only AF_UNIX sockets can receive descriptors, and some families
	// (AF_PACKET) reject flags they do not know with EINVAL.
	cloexecFlag := haveCmsgCloexec && s.family == AF_UNIX
	if cloexecFlag {
		fl |= cmsgCloexecFlag
	}
	o := s.readOp(opRecvmsg)
	o.msg = &st.msg
	o.flags = fl
	err := s.do(o, op)
	n := o.n
	s.doneOp(o)
	if err != nil {
		return 0, nil, 0, nil, err
	}

	// From here on the kernel may have installed descriptors: any failure
	// closes them.
	var anc []Ancdata
	if clen := int(st.msg.Controllen); clen > 0 && ctl != nil {
		if clen > len(ctl) {
			clen = len(ctl)
		}
		anc, _ = parseAncdata(ctl[:clen])
	}
	fds := rightsFds(anc)
	if !cloexecFlag {
		for _, fd := range fds {
			unix.CloseOnExec(fd)
		}
	}
	var addr Address
	if nl := int(st.msg.Namelen); nl > 0 {
		if nl > len(st.sa) {
			nl = len(st.sa)
		}
		addr, err = s.decodeAddr(st.sa[:nl])
		if err != nil {
			closeFds(fds)
			return 0, nil, 0, nil, err
		}
	}
	if anc == nil {
		anc = []Ancdata{}
	}
	mf := int(st.msg.Flags)
	if cloexecFlag && int(flags)&cmsgCloexecFlag == 0 {
		// Linux echoes MSG_CMSG_CLOEXEC in msg_flags; it was our flag, not
		// the caller's.
		mf &^= cmsgCloexecFlag
	}
	return n, anc, MsgFlag(mf), addr, nil
}

// msgState holds a msghdr and everything it points to, in one heap object
// that stays reachable (and so in place) for the syscall.
type msgState struct {
	msg unix.Msghdr
	iov []unix.Iovec
	sa  [sizeofSockaddrStorage]byte
}

func (st *msgState) setIov(buffers [][]byte) {
	if len(buffers) == 0 {
		return
	}
	st.iov = make([]unix.Iovec, len(buffers))
	for i, b := range buffers {
		if len(b) > 0 {
			st.iov[i].Base = &b[0]
		}
		st.iov[i].SetLen(len(b))
	}
	st.msg.Iov = &st.iov[0]
	st.msg.SetIovlen(len(st.iov))
}

// SendMsg sends the data of buffers, gathered into one message, with the
// ancillary items ancdata (Python's socket.sendmsg). A non-nil address
// sets the destination (for an unconnected datagram socket). It returns
// the number of data bytes sent. An item's level and type must fit in a C
// int (*OverflowError otherwise).
func (s *Socket) SendMsg(buffers [][]byte, ancdata []Ancdata, flags MsgFlag, address Address) (int, error) {
	ctl, err := encodeAncdata(ancdata)
	if err != nil {
		return 0, err
	}
	st := &msgState{}
	if address != nil {
		salen, err := s.encodeAddr("sendmsg", address, st.sa[:])
		if err != nil {
			return 0, err
		}
		st.msg.Name = &st.sa[0]
		st.msg.Namelen = uint32(salen)
	}
	st.setIov(buffers)
	if len(ctl) > 0 {
		st.msg.Control = &ctl[0]
		st.msg.SetControllen(len(ctl))
	}
	o := s.writeOp(opSendmsg)
	o.msg = &st.msg
	o.flags = int(flags)
	err = s.do(o, "sendmsg")
	n := o.n
	s.doneOp(o)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// SendFds sends the data of buffers with the descriptors fds as one
// SCM_RIGHTS item (Python's socket.send_fds; AF_UNIX sockets). flags and
// address are as for SendMsg.
func (s *Socket) SendFds(buffers [][]byte, fds []int, flags MsgFlag, address Address) (int, error) {
	data := make([]byte, len(fds)*sizeofInt)
	for i, fd := range fds {
		if err := checkCInt(fd); err != nil {
			return 0, err
		}
		putCInt(data[i*sizeofInt:], fd)
	}
	return s.SendMsg(buffers, []Ancdata{{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: data}}, flags, address)
}

// RecvFds receives up to bufsize bytes of data and up to maxfds
// descriptors (Python's socket.recv_fds; AF_UNIX sockets). It returns the
// data, the descriptors (close-on-exec; the caller owns them), the message
// flags and the sender's address. Like Python it sizes the control buffer
// with CMSG_LEN(maxfds * sizeof(int)); descriptors the kernel could not fit
// are never installed (MSG_CTRUNC is set), and a truncated integer at the
// end of an item is dropped. Items other than SCM_RIGHTS are ignored.
func (s *Socket) RecvFds(bufsize, maxfds int, flags MsgFlag) (data []byte, fds []int, msgFlags MsgFlag, address Address, err error) {
	if maxfds < 0 || maxfds > cmsgLimit/sizeofInt {
		return nil, nil, 0, nil, &OverflowError{Msg: "CMSG_LEN() argument out of range"}
	}
	anclen, err := CmsgLen(maxfds * sizeofInt)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	data, anc, mf, addr, err := s.RecvMsg(bufsize, anclen, flags)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	fds = rightsFds(anc)
	if fds == nil {
		fds = []int{}
	}
	return data, fds, mf, addr, nil
}

// putCInt writes a C int in native byte order.
func putCInt(b []byte, v int) {
	switch sizeofInt {
	case 8:
		binary.NativeEndian.PutUint64(b, uint64(int64(v)))
	default:
		binary.NativeEndian.PutUint32(b, uint32(int32(v)))
	}
}

// getCInt reads a C int in native byte order.
func getCInt(b []byte) int {
	switch sizeofInt {
	case 8:
		return int(int64(binary.NativeEndian.Uint64(b)))
	default:
		return int(int32(binary.NativeEndian.Uint32(b)))
	}
}
