//go:build unix

package socket

// The engine calls behind the context variants and the net.Conn adapters
// (unix): the same ops as socket_unix.go / msg_unix.go, run through doCtl,
// which adds an opCtl's deadline and interrupt channel to one call.

import (
	"context"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// aLongTimeAgo is a deadline in the past: setting it on the poller file
// wakes a goroutine parked there at once.
var aLongTimeAgo = time.Unix(1, 0)

// pokeWaiter wakes the goroutine that waits in the netpoller for direction
// dir (if any). A waiter whose interrupt channel is closed then returns
// errInterrupted; any other waiter sees a deadline that has not passed and
// simply waits again (fd_unix.go: pollLeave).
func (s *Socket) pokeWaiter(dir int) {
	s.fd.pollPoke(dir)
}

// doCtl is s.doDeadline under c: the effective timeout and deadline (see
// opCtl.effective; deadline, when not zero, is a total deadline computed by
// the caller) and c's interrupt channel.
func (s *Socket) doCtl(o *ioOp, op string, c *opCtl, deadline time.Time) error {
	if !s.fd.incref() {
		return errClosed(op)
	}
	timeout, dl := c.effective(s)
	if !deadline.IsZero() {
		dl = deadline
	}
	o.intr = c.intr
	errno, err := s.fd.runOp(o, timeout, dl)
	o.intr = nil
	s.fd.decref()
	if err == errInterrupted {
		return err
	}
	return s.opError(op, errno, err)
}

// ctlOp runs one transfer of kind under c (the context variants), through
// finish as the hot path's slow side does.
func (s *Socket) ctlOp(dir int, kind opKind, p []byte, flags MsgFlag, op string, c *opCtl) (int, Address, error) {
	o := s.fd.acquireOp(dir, kind)
	o.p = p
	o.flags = int(flags)
	return s.finish(o, s.doCtl(o, op, c, time.Time{}))
}

func (s *Socket) recvCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	n, _, err := s.ctlOp(dirRead, opRecv, p, flags, op, c)
	return n, err
}

func (s *Socket) recvFromCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, Address, error) {
	return s.ctlOp(dirRead, opRecvFrom, p, flags, op, c)
}

func (s *Socket) sendCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	n, _, err := s.ctlOp(dirWrite, opSend, p, flags, op, c)
	return n, err
}

// sendAllCtl sends all of p; with a positive socket timeout the timeout
// bounds the whole call (SendAll). It returns the number of bytes sent.
func (s *Socket) sendAllCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	_, deadline := c.effective(s)
	o := s.fd.acquireOp(dirWrite, opSend)
	defer s.fd.releaseOp(o)
	total := 0
	for i := 0; len(p) > 0 || i == 0; i++ {
		if s.fd.isClosed() {
			return total, errClosed(op)
		}
		o.p = p
		o.flags = int(flags)
		o.n = 0
		if err := s.doCtl(o, op, c, deadline); err != nil {
			return total, err
		}
		total += o.n
		p = p[o.n:]
	}
	return total, nil
}

func (s *Socket) sendToCtl(p []byte, flags MsgFlag, addr Address, c *opCtl) (int, error) {
	o := s.fd.acquireOp(dirWrite, opSendTo)
	n, err := encodeSockaddr(s.family, "sendto", addr, o.sa[:])
	if err != nil {
		s.fd.releaseOp(o)
		return 0, err
	}
	o.salen = uint32(n)
	o.p = p
	o.flags = int(flags)
	err = s.doCtl(o, "sendto", c, time.Time{})
	n = o.n
	s.fd.releaseOp(o)
	return n, err
}

func (s *Socket) acceptCtl(c *opCtl) (*Socket, Address, error) {
	o := s.fd.acquireOp(dirRead, opAccept)
	err := s.doCtl(o, "accept", c, time.Time{})
	if err != nil {
		s.fd.releaseOp(o)
		return nil, nil, err
	}
	nfd := o.n
	var a Address
	if !noPeerAddress(s.family) {
		a, err = s.decodeAddr(o.sa[:min(int(o.salen), len(o.sa))])
	}
	s.fd.releaseOp(o)
	if err != nil {
		unix.Close(nfd)
		return nil, nil, err
	}
	return newSocketFD(nfd, s.family, s.typ, s.proto, GetDefaultTimeout()).ownDescription(), a, nil
}

// connectCtl is Socket.connect (CPython's internal_connect) under c, with
// EALREADY (an attempt left in progress by a cancelled or timed-out call)
// waited for like EINPROGRESS.
func (s *Socket) connectCtl(op string, addr Address, c *opCtl) error {
	o := s.fd.acquireOp(dirWrite, opConnect)
	defer s.fd.releaseOp(o)
	n, err := encodeSockaddr(s.family, op, addr, o.sa[:])
	if err != nil {
		return err
	}
	if !s.fd.incref() {
		return errClosed(op)
	}
	defer s.fd.decref()
	timeout, deadline := c.effective(s)
	s.fd.nonblockOn()
	var e syscall.Errno
	for i := 0; ; i++ {
		_, _, e = unix.Syscall(unix.SYS_CONNECT, uintptr(s.fd.sysfd), uintptr(unsafe.Pointer(&o.sa[0])), uintptr(n))
		if e == syscall.EAGAIN && timeout != 0 && s.family == AF_UNIX {
			// A full AF_UNIX backlog: a blocking connect waits for room
			// (bounded by the deadline and the interrupt).
			if s.fd.isClosed() {
				return errClosed(op)
			}
			if c.interrupted() {
				return errInterrupted
			}
			if !deadline.IsZero() && !time.Now().Before(deadline) {
				return ErrTimeout
			}
			time.Sleep(time.Duration(min(i+1, 10)) * time.Millisecond)
			continue
		}
		break
	}
	switch {
	case e == 0:
		return nil
	case e == syscall.EINTR && timeout == 0:
		return s.opError(op, syscall.EINPROGRESS, nil)
	case (e == syscall.EINPROGRESS || e == syscall.EINTR || e == syscall.EALREADY) && timeout != 0:
		o.intr = c.intr
		errno, err := s.fd.runOp(o, timeout, deadline)
		o.intr = nil
		if err == errInterrupted {
			return err
		}
		if err != nil {
			return s.opError(op, 0, err)
		}
		if errno != 0 {
			return s.opError(op, errno, nil)
		}
		return nil
	}
	return s.opError(op, e, nil)
}

func (s *Socket) recvmsgCtl(op string, buffers [][]byte, ancbufsize int, flags MsgFlag, c *opCtl) (int, []Ancdata, MsgFlag, Address, error) {
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
	cloexecFlag := haveCmsgCloexec && s.family == AF_UNIX
	if cloexecFlag {
		fl |= cmsgCloexecFlag
	}
	o := s.readOp(opRecvmsg)
	o.msg = &st.msg
	o.flags = fl
	err := s.doCtl(o, op, c, time.Time{})
	n := o.n
	s.doneOp(o)
	if err != nil {
		return 0, nil, 0, nil, err
	}
	var anc []Ancdata
	if clen := int(st.msg.Controllen); clen > 0 && ctl != nil {
		anc, _ = parseAncdata(ctl[:min(clen, len(ctl))])
	}
	fds := rightsFds(anc)
	if !cloexecFlag {
		for _, fd := range fds {
			unix.CloseOnExec(fd)
		}
	}
	var addr Address
	if nl := int(st.msg.Namelen); nl > 0 {
		addr, err = s.decodeAddr(st.sa[:min(nl, len(st.sa))])
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
		mf &^= cmsgCloexecFlag
	}
	return n, anc, MsgFlag(mf), addr, nil
}

func (s *Socket) sendmsgCtl(buffers [][]byte, ancdata []Ancdata, flags MsgFlag, address Address, c *opCtl) (int, error) {
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
	err = s.doCtl(o, "sendmsg", c, time.Time{})
	n := o.n
	s.doneOp(o)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RecvMsgContext is RecvMsg (Python's recvmsg) bounded by ctx (unix).
func (s *Socket) RecvMsgContext(ctx context.Context, bufsize, ancbufsize int, flags MsgFlag) (data []byte, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	if bufsize < 0 {
		return nil, nil, 0, nil, &ValueError{Msg: "negative buffer size in recvmsg()"}
	}
	buf := make([]byte, bufsize)
	var n int
	err = s.withContext(ctx, "recvmsg", dirRead, func(c *opCtl) error {
		var err error
		n, ancdata, msgFlags, address, err = s.recvmsgCtl("recvmsg", [][]byte{buf}, ancbufsize, flags, c)
		return err
	})
	if err != nil {
		return nil, nil, 0, nil, err
	}
	return buf[:n], ancdata, msgFlags, address, nil
}

// RecvMsgIntoContext is RecvMsgInto (Python's recvmsg_into) bounded by ctx
// (unix).
func (s *Socket) RecvMsgIntoContext(ctx context.Context, buffers [][]byte, ancbufsize int, flags MsgFlag) (nbytes int, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	err = s.withContext(ctx, "recvmsg_into", dirRead, func(c *opCtl) error {
		var err error
		nbytes, ancdata, msgFlags, address, err = s.recvmsgCtl("recvmsg_into", buffers, ancbufsize, flags, c)
		return err
	})
	if err != nil {
		return 0, nil, 0, nil, err
	}
	return nbytes, ancdata, msgFlags, address, nil
}

// SendMsgContext is SendMsg (Python's sendmsg) bounded by ctx (unix).
func (s *Socket) SendMsgContext(ctx context.Context, buffers [][]byte, ancdata []Ancdata, flags MsgFlag, address Address) (int, error) {
	var n int
	err := s.withContext(ctx, "sendmsg", dirWrite, func(c *opCtl) error {
		var err error
		n, err = s.sendmsgCtl(buffers, ancdata, flags, address, c)
		return err
	})
	return n, err
}
