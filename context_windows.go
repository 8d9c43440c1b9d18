//go:build windows

package socket

// The engine calls behind the context variants and the net.Conn adapters
// (windows): socket_windows.go's calls run through loopCtl, which adds an
// opCtl's deadline and interrupt channel. fd.wait's check hook is asked
// after every empty WSAPoll slice, so an interrupt is noticed within one
// slice (pollSlice).

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// pokeWaiter does nothing on windows: waiters poll their interrupt channel
// between WSAPoll slices.
func (s *Socket) pokeWaiter(dir int) {}

// loopCtl is Socket.loop under c (deadline, when not zero, is a total
// deadline computed by the caller).
func (s *Socket) loopCtl(op string, dir int, c *opCtl, deadline time.Time, call func(h windows.Handle) (int, syscall.Errno)) (int, error) {
	if !s.fd.incref() {
		return 0, errClosed(op)
	}
	defer s.fd.decref()
	timeout, dl := c.effective(s)
	if !deadline.IsZero() {
		dl = deadline
	}
	var check func() bool
	if c.intr != nil {
		check = c.interrupted
	}
	for {
		if s.fd.isClosed() {
			return 0, errClosed(op)
		}
		n, e := call(s.fd.sysfd)
		if e == 0 {
			return n, nil
		}
		if e == windows.WSAEINTR {
			continue
		}
		if e != windows.WSAEWOULDBLOCK || timeout == 0 {
			return 0, s.errnoError(op, e)
		}
		if c.interrupted() {
			return 0, errInterrupted
		}
		if err := s.fd.wait(dir, dl, check); err != nil {
			return 0, s.waitError(op, err)
		}
		if c.interrupted() {
			return 0, errInterrupted
		}
	}
}

func (s *Socket) recvCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	p = capLen(p)
	return s.loopCtl(op, dirRead, c, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procRecv, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags))
	})
}

func (s *Socket) recvFromCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, Address, error) {
	p = capLen(p)
	var sa [sizeofSockaddrStorage]byte
	var salen int32
	n, err := s.loopCtl(op, dirRead, c, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		clear(sa[:])
		salen = int32(len(sa))
		return wsa(procRecvfrom, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&salen)))
	})
	if err != nil {
		return 0, nil, err
	}
	b := sa[:min(max(int(salen), 0), len(sa))]
	if len(b) < 2 || sockaddrFamily(b) == AF_UNSPEC {
		return n, nil, nil
	}
	a, err := decodeSockaddr(b)
	if err != nil {
		return 0, nil, err
	}
	return n, a, nil
}

func (s *Socket) sendCtl(data []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	return s.sendDeadlineCtl(data, flags, op, c, time.Time{})
}

func (s *Socket) sendDeadlineCtl(data []byte, flags MsgFlag, op string, c *opCtl, deadline time.Time) (int, error) {
	p := capLen(data)
	return s.loopCtl(op, dirWrite, c, deadline, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procSend, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags))
	})
}

func (s *Socket) sendAllCtl(p []byte, flags MsgFlag, op string, c *opCtl) (int, error) {
	_, deadline := c.effective(s)
	total := 0
	for i := 0; len(p) > 0 || i == 0; i++ {
		n, err := s.sendDeadlineCtl(p, flags, op, c, deadline)
		if err != nil {
			return total, err
		}
		total += n
		p = p[n:]
	}
	return total, nil
}

func (s *Socket) sendToCtl(data []byte, flags MsgFlag, addr Address, c *opCtl) (int, error) {
	var sa [sizeofSockaddrStorage]byte
	salen, err := encodeSockaddr(s.family, "sendto", addr, sa[:])
	if err != nil {
		return 0, err
	}
	p := capLen(data)
	return s.loopCtl("sendto", dirWrite, c, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		return wsa(procSendto, uintptr(h), bufPtr(p), uintptr(len(p)), uintptr(flags), uintptr(unsafe.Pointer(&sa[0])), uintptr(salen))
	})
}

func (s *Socket) acceptCtl(c *opCtl) (*Socket, Address, error) {
	var sa [sizeofSockaddrStorage]byte
	var salen int32
	var nh windows.Handle
	_, err := s.loopCtl("accept", dirRead, c, time.Time{}, func(h windows.Handle) (int, syscall.Errno) {
		salen = int32(len(sa))
		r, _, e := syscall.SyscallN(procAccept.Addr(), uintptr(h), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&salen)))
		if windows.Handle(r) == windows.InvalidHandle {
			if e != 0 {
				return 0, e
			}
			return 0, syscall.Errno(windows.WSAEINVAL)
		}
		nh = windows.Handle(r)
		return 0, 0
	})
	if err != nil {
		return nil, nil, err
	}
	windows.SetHandleInformation(nh, windows.HANDLE_FLAG_INHERIT, 0)
	a, err := decodeSockaddr(sa[:min(max(int(salen), 0), len(sa))])
	if err != nil {
		windows.Closesocket(nh)
		return nil, nil, err
	}
	ns, err := adopt("accept", nh, s.family, s.typ, s.proto, GetDefaultTimeout())
	if err != nil {
		return nil, nil, err
	}
	return ns, a, nil
}

// connectCtl is Socket.connect under c; WSAEALREADY (an attempt left in
// progress by a cancelled or timed-out call) is waited for like
// WSAEWOULDBLOCK.
func (s *Socket) connectCtl(op string, addr Address, c *opCtl) error {
	var sa [sizeofSockaddrStorage]byte
	n, err := encodeSockaddr(s.family, op, addr, sa[:])
	if err != nil {
		return err
	}
	if !s.fd.incref() {
		return errClosed(op)
	}
	defer s.fd.decref()
	timeout, deadline := c.effective(s)
	h := s.fd.sysfd
	_, e := wsa(procConnect, uintptr(h), uintptr(unsafe.Pointer(&sa[0])), uintptr(n))
	if e == 0 {
		return nil
	}
	if timeout == 0 || (e != windows.WSAEWOULDBLOCK && e != windows.WSAEALREADY) {
		return s.errnoError(op, e)
	}
	soError := func() syscall.Errno {
		v, err := windows.GetsockoptInt(h, SOL_SOCKET, SO_ERROR)
		if err != nil {
			return errnoOf(err)
		}
		return syscall.Errno(v)
	}
	pending := syscall.Errno(0)
	check := func() bool {
		if c.interrupted() {
			return true
		}
		pending = soError()
		return pending != 0
	}
	if err := s.fd.wait(dirWrite, deadline, check); err != nil {
		return s.waitError(op, err)
	}
	if pending == 0 && c.interrupted() {
		return errInterrupted
	}
	if pending == 0 {
		pending = soError()
	}
	if pending != 0 {
		return s.errnoError(op, pending)
	}
	return nil
}
