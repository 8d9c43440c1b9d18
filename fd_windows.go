//go:build windows

package socket

// # Winsock sockets: ownership and waiting
//
// Every Socket owns one *netFD holding a SOCKET handle. As on unix, the
// handle is non-blocking at the OS level for its whole life (FIONBIO);
// Python's blocking / timeout / non-blocking modes are the Socket's own
// state, applied by (*Socket).loop:
//
//   - the Winsock call is tried first; WSAEWOULDBLOCK in non-blocking mode
//     is returned as an *OSError (Python's BlockingIOError), in the other
//     modes the goroutine waits for readiness with WSAPoll and retries;
//   - a wait is cut into slices of at most pollSlice, between which the
//     closed flag and the deadline are checked: Close from another goroutine
//     wakes a blocked call within one slice (it then fails with EBADF,
//     matching net.ErrClosed), and a timeout fires at its deadline
//     (ErrTimeout, matching os.ErrDeadlineExceeded);
//   - the handle is closed (closesocket) by Close once every operation in
//     flight has left, so a handle value is never reused under a running
//     call.
//
// Winsock calls whose arguments carry sockaddrs are made through ws2_32's
// exports directly (the bytes come from the generated codecs); the others
// use golang.org/x/sys/windows.

import (
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	modws2    = windows.NewLazySystemDLL("ws2_32.dll")
	modkernel = windows.NewLazySystemDLL("kernel32.dll")

	procRecv          = modws2.NewProc("recv")
	procSend          = modws2.NewProc("send")
	procRecvfrom      = modws2.NewProc("recvfrom")
	procSendto        = modws2.NewProc("sendto")
	procAccept        = modws2.NewProc("accept")
	procConnect       = modws2.NewProc("connect")
	procBind          = modws2.NewProc("bind")
	procGetsockname   = modws2.NewProc("getsockname")
	procGetpeername   = modws2.NewProc("getpeername")
	procIoctlsocket   = modws2.NewProc("ioctlsocket")
	procWSAPoll       = modws2.NewProc("WSAPoll")
	procGethostname   = modws2.NewProc("gethostname")
	procGetHandleInfo = modkernel.NewProc("GetHandleInformation")
)

func init() {
	// The runtime (internal/poll) starts Winsock too; WSAStartup counts.
	var d windows.WSAData
	windows.WSAStartup(uint32(0x202), &d)
}

// wsa calls a ws2_32 export that returns SOCKET_ERROR (-1) on failure and
// returns its result or the WSAGetLastError code.
func wsa(p *windows.LazyProc, args ...uintptr) (int, syscall.Errno) {
	r, _, e := syscall.SyscallN(p.Addr(), args...)
	if int32(r) == socketError {
		if e != 0 {
			return -1, e
		}
		return -1, syscall.Errno(windows.WSAEINVAL)
	}
	return int(int32(r)), 0
}

const (
	dirRead   = 0
	dirWrite  = 1
	closedBit = 1
)

// pollSlice is the longest a WSAPoll call blocks: the latency with which a
// blocked call notices Close.
const pollSlice = 10 * time.Millisecond

// netFD owns a SOCKET: the reference count and the closed state.
type netFD struct {
	sysfd   windows.Handle
	state   atomic.Uint64 // closedBit | references<<1
	drained chan struct{}
}

func newNetFD(h windows.Handle) *netFD {
	return &netFD{sysfd: h, drained: make(chan struct{}, 1)}
}

func (fd *netFD) incref() bool {
	if fd.state.Add(2)&closedBit != 0 {
		fd.decref()
		return false
	}
	return true
}

func (fd *netFD) decref() {
	if fd.state.Add(^uint64(1)) == closedBit {
		select {
		case fd.drained <- struct{}{}:
		default:
		}
	}
}

func (fd *netFD) isClosed() bool { return fd.state.Load()&closedBit != 0 }

// markClosed marks the fd closed and waits until the operations in flight
// have left (each notices within one poll slice). It reports false if it
// was already closed; the caller then owns sysfd.
func (fd *netFD) markClosed() bool {
	if fd.state.Or(closedBit)&closedBit != 0 {
		return false
	}
	for fd.state.Load() != closedBit {
		<-fd.drained
	}
	return true
}

// errClosedSentinel is converted to errClosed(op) by the callers.
var errClosedSentinel = syscall.EBADF

// poll waits until h is ready for events, at most d (rounded up to a
// millisecond). It reports the returned events (0: the time ran out).
func pollHandle(h windows.Handle, events uint16, d time.Duration) (uint16, syscall.Errno) {
	var b [sizeofWSAPollFD]byte
	r := rawWSAPollFD{FD: uint64(h), Events: events}
	r.marshal(b[:])
	ms := int((d + time.Millisecond - 1) / time.Millisecond)
	n, e := wsa(procWSAPoll, uintptr(unsafe.Pointer(&b[0])), 1, uintptr(ms))
	if e != 0 {
		return 0, e
	}
	if n == 0 {
		return 0, 0
	}
	r.unmarshal(b[:])
	return r.Revents, 0
}

// wait blocks until the socket is ready for dir, the deadline passes
// (ErrTimeout) or the socket is closed (errClosedSentinel). A nil error
// means: retry the call. check, if not nil, is asked after every empty
// slice whether the wait is over anyway (connect: a pending SO_ERROR,
// which older WSAPoll implementations never signal).
func (fd *netFD) wait(dir int, deadline time.Time, check func() bool) error {
	events := uint16(pollRdNorm)
	if dir == dirWrite {
		events = pollWrNorm
	}
	for {
		if fd.isClosed() {
			return errClosedSentinel
		}
		d := pollSlice
		if !deadline.IsZero() {
			rem := time.Until(deadline)
			if rem <= 0 {
				return ErrTimeout
			}
			d = min(d, rem)
		}
		rev, e := pollHandle(fd.sysfd, events, d)
		if e == windows.WSAEINTR {
			continue
		}
		if e != 0 || rev != 0 {
			// Ready, or an error the retried call will report.
			return nil
		}
		if check != nil && check() {
			return nil
		}
	}
}

// setNonblock switches a handle's non-blocking mode (ioctlsocket FIONBIO).
func setNonblock(h windows.Handle, on bool) error {
	var v uint32
	if on {
		v = 1
	}
	if _, e := wsa(procIoctlsocket, uintptr(h), uintptr(uint32(fionbio)), uintptr(unsafe.Pointer(&v))); e != 0 {
		return e
	}
	return nil
}
