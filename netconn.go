package socket

// Adapters between Socket and the net package's interfaces (a Go-native
// extra): a connected socket as a net.Conn (Conn), a listening socket as a
// net.Listener (Listener), a datagram socket as a net.PacketConn
// (PacketConn), any Address as a net.Addr (NetAddr), and the reverse, a
// net.Conn / net.Listener / *os.File as a Socket (SocketFromSyscallConn).
//
// With them net/http, crypto/tls and the rest of the ecosystem run over any
// socket this package can make: AF_UNIX abstract names, AF_VSOCK, MPTCP
// (IPPROTO_MPTCP), or a socket with options the net package cannot set.
//
// # Deadlines
//
// SetDeadline / SetReadDeadline / SetWriteDeadline are deadlines of the
// socket's own I/O engine (the same waiters as the socket's timeout; no
// second poller). Changing a deadline wakes a call blocked in that direction,
// which then continues under the new deadline or fails at once when it has
// passed (net/http's "abort the pending read" relies on this). A deadline
// in the past makes every call in that direction fail, even when data is
// ready, as with the net package. The socket's own timeout, when positive,
// still bounds each call; non-blocking mode (timeout 0) is treated as
// blocking, since a net.Conn has no such mode.
//
// # Errors
//
// Errors are *net.OpError values (Op "read", "write", "accept", "close"...)
// wrapping the package's error, so both worlds' checks work:
//
//	a deadline passed          errors.Is(err, os.ErrDeadlineExceeded), err.(net.Error).Timeout()
//	                           (and errors.Is(err, ErrTimeout))
//	the adapter/socket closed  errors.Is(err, net.ErrClosed)
//	a system error             errors.Is(err, syscall.ECONNRESET) ...; errors.As(err, &*OSError)
//	the peer closed a stream   Read returns 0, io.EOF (not wrapped)
//
// Read returning io.EOF is the net.Conn convention for a clean end of
// stream on SOCK_STREAM and SOCK_SEQPACKET sockets; Socket.Recv keeps
// Python's b” (an empty slice, nil error). On datagram and raw sockets an
// empty datagram is data: Read and ReadFrom return 0, nil.
//
// Each adapter owns its Socket: closing the adapter closes the socket.

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ---- net.Addr ----

// NetAddr is an Address as a net.Addr. Network is the net package's name
// for the socket's kind ("tcp", "udp", "ip", "unix", "unixgram",
// "unixpacket", or the family's lower-case name such as "vsock", "can",
// "packet", "netlink").
type NetAddr struct {
	Addr Address
	Net  string
}

// Network returns the network name (net.Addr).
func (a *NetAddr) Network() string { return a.Net }

// String formats the address as the net package does: "host:port"
// ("[::1]:80", with "%zone" for a scope ID) for INET/INET6, the path for
// AF_UNIX ("@name" for an abstract name), and Python's repr of the address
// for other families.
func (a *NetAddr) String() string {
	if a == nil || a.Addr == nil {
		return "<nil>"
	}
	switch v := a.Addr.(type) {
	case InetAddress:
		return net.JoinHostPort(v.Host, strconv.Itoa(v.Port))
	case *InetAddress:
		return net.JoinHostPort(v.Host, strconv.Itoa(v.Port))
	case Inet6Address:
		return inet6HostPort(v)
	case *Inet6Address:
		return inet6HostPort(*v)
	case UnixAddress:
		return unixNetName(v.Path)
	case *UnixAddress:
		return unixNetName(v.Path)
	}
	return a.Addr.String()
}

func inet6HostPort(v Inet6Address) string {
	h := v.Host
	if v.ScopeID != 0 && !strings.Contains(h, "%") {
		h += "%" + zoneName(v.ScopeID)
	}
	return net.JoinHostPort(h, strconv.Itoa(v.Port))
}

// unixNetName is the net package's spelling of an AF_UNIX path: an
// abstract name starts with '@'.
func unixNetName(p string) string {
	if len(p) > 0 && p[0] == 0 {
		return "@" + p[1:]
	}
	return p
}

// networkName is the net package's network name for a socket.
func networkName(family AddressFamily, typ SocketKind) string {
	switch family {
	case AF_INET, AF_INET6:
		switch typ {
		case SOCK_STREAM:
			return "tcp"
		case SOCK_DGRAM:
			return "udp"
		case SOCK_RAW:
			return "ip"
		}
	case AF_UNIX:
		switch typ {
		case SOCK_STREAM:
			return "unix"
		case SOCK_DGRAM:
			return "unixgram"
		case SOCK_SEQPACKET:
			return "unixpacket"
		}
	}
	return strings.ToLower(strings.TrimPrefix(family.String(), "AF_"))
}

func (s *Socket) netAddr(a Address) net.Addr {
	if a == nil {
		return nil
	}
	return &NetAddr{Addr: a, Net: networkName(s.family, s.typ)}
}

// AddressFromNetAddr converts a net.Addr to an Address for sockets of
// family: a *NetAddr gives its Address; *net.TCPAddr, *net.UDPAddr and
// *net.IPAddr give an InetAddress or Inet6Address (an IPv4 address is
// written in its IPv4-mapped form for AF_INET6; the zone becomes the scope
// ID); *net.UnixAddr gives a UnixAddress ("@name" is an abstract name).
// Other types are a *TypeError.
func AddressFromNetAddr(family AddressFamily, a net.Addr) (Address, error) {
	switch v := a.(type) {
	case *NetAddr:
		return v.Addr, nil
	case *net.TCPAddr:
		return ipAddress(family, v.IP, v.Zone, v.Port)
	case *net.UDPAddr:
		return ipAddress(family, v.IP, v.Zone, v.Port)
	case *net.IPAddr:
		return ipAddress(family, v.IP, v.Zone, 0)
	case *net.UnixAddr:
		p := v.Name
		if strings.HasPrefix(p, "@") {
			p = "\x00" + p[1:]
		}
		return UnixAddress{Path: p}, nil
	}
	if a == nil {
		return nil, &TypeError{Msg: "address must not be nil"}
	}
	return nil, &TypeError{Msg: "unsupported net.Addr type " + a.Network()}
}

func ipAddress(family AddressFamily, ip net.IP, zone string, port int) (Address, error) {
	ad, ok := netip.AddrFromSlice(ip)
	if !ok {
		return nil, &ValueError{Msg: "invalid IP address"}
	}
	return AddressFromAddrPort(family, netip.AddrPortFrom(ad.WithZone(zone), uint16(port)))
}

// ---- deadlines ----

// connDeadline is one direction's deadline: ch is closed and replaced
// whenever t changes, waking the call blocked in that direction.
type connDeadline struct {
	mu sync.Mutex
	t  time.Time
	ch chan struct{}
}

func (d *connDeadline) get() (time.Time, chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ch == nil {
		d.ch = make(chan struct{})
	}
	return d.t, d.ch
}

func (d *connDeadline) set(t time.Time) {
	d.mu.Lock()
	d.t = t
	old := d.ch
	d.ch = nil
	d.mu.Unlock()
	if old != nil {
		close(old)
	}
}

// deadlines holds an adapter's two directions.
type deadlines struct {
	s  *Socket
	rd connDeadline
	wd connDeadline
}

func (d *deadlines) setRead(t time.Time) {
	d.rd.set(t)
	d.s.pokeWaiter(dirRead)
}

func (d *deadlines) setWrite(t time.Time) {
	d.wd.set(t)
	d.s.pokeWaiter(dirWrite)
}

// run runs one engine call under the direction's deadline, again after
// every deadline change (bounded by the number of changes).
func (d *deadlines) run(dir int, f func(c *opCtl) error) error {
	dd := &d.rd
	if dir == dirWrite {
		dd = &d.wd
	}
	for {
		t, ch := dd.get()
		if !t.IsZero() && !time.Now().Before(t) {
			return ErrTimeout
		}
		err := f(&opCtl{deadline: t, intr: ch, blocking: true, dir: dir})
		if err != errInterrupted {
			return err
		}
	}
}

// ---- net.Conn ----

// Conn is a connected Socket as a net.Conn (see NetConn).
type Conn struct {
	s      *Socket
	dl     deadlines
	laddr  net.Addr
	raddr  net.Addr
	eofOK  bool // 0 bytes read means end of stream
	closed sync.Once
}

var _ net.Conn = (*Conn)(nil)

// NetConn returns s, a connected socket of any family and type, as a
// net.Conn. The Conn owns s (Close closes it); use s only through the Conn
// afterwards, except for socket options. The local and remote addresses
// are read now. See the package's notes on the adapters (netconn.go) for
// deadlines and errors.
func NetConn(s *Socket) (*Conn, error) {
	if s == nil {
		return nil, &TypeError{Msg: "nil socket"}
	}
	c := &Conn{s: s, dl: deadlines{s: s}}
	c.eofOK = s.typ != SOCK_DGRAM && s.typ != SOCK_RAW
	if a, err := s.GetSockName(); err == nil {
		c.laddr = s.netAddr(a)
	} else if s.fd.isClosed() {
		return nil, err
	}
	if a, err := s.GetPeerName(); err == nil {
		c.raddr = s.netAddr(a)
	}
	return c, nil
}

// Socket returns the underlying socket (for socket options, SendFds, ...).
func (c *Conn) Socket() *Socket { return c.s }

func (c *Conn) opErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return &net.OpError{Op: op, Net: networkName(c.s.family, c.s.typ), Source: c.laddr, Addr: c.raddr, Err: err}
}

// Read reads data (net.Conn): up to len(p) bytes of what arrived. At the
// end of a stream it returns 0, io.EOF.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 && c.eofOK {
		if c.s.fd.isClosed() {
			return 0, c.opErr("read", errClosed("recv"))
		}
		return 0, nil
	}
	var n int
	err := c.dl.run(dirRead, func(ctl *opCtl) error {
		var err error
		n, err = c.s.recvCtl(p, 0, "recv", ctl)
		return err
	})
	if err != nil {
		return 0, c.opErr("read", err)
	}
	if n == 0 && c.eofOK {
		return 0, io.EOF
	}
	return n, nil
}

// Write writes all of p (net.Conn), or fails with the number of bytes
// written before the error.
func (c *Conn) Write(p []byte) (int, error) {
	total := 0
	err := c.dl.run(dirWrite, func(ctl *opCtl) error {
		n, err := c.s.sendAllCtl(p[total:], 0, "sendall", ctl)
		total += n
		return err
	})
	return total, c.opErr("write", err)
}

// Close closes the connection and its socket. Calls blocked in Read or
// Write return an error matching net.ErrClosed.
func (c *Conn) Close() error {
	err := errClosed("close")
	c.closed.Do(func() { err = c.s.Close() })
	return c.opErr("close", err)
}

// CloseRead shuts down the reading side (shutdown(SHUT_RD)).
func (c *Conn) CloseRead() error { return c.opErr("close", c.s.Shutdown(SHUT_RD)) }

// CloseWrite shuts down the writing side (shutdown(SHUT_WR)): the peer
// reads the end of the stream.
func (c *Conn) CloseWrite() error { return c.opErr("close", c.s.Shutdown(SHUT_WR)) }

// LocalAddr returns the local address (*NetAddr), read when the Conn was
// made.
func (c *Conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address (*NetAddr), read when the Conn was
// made; nil for an unconnected socket.
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets the read and write deadlines (net.Conn).
func (c *Conn) SetDeadline(t time.Time) error {
	if c.s.fd.isClosed() {
		return c.opErr("set", errClosed("setdeadline"))
	}
	c.dl.setRead(t)
	c.dl.setWrite(t)
	return nil
}

// SetReadDeadline sets the read deadline (net.Conn); a Read blocked now
// continues under the new deadline.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.s.fd.isClosed() {
		return c.opErr("set", errClosed("setdeadline"))
	}
	c.dl.setRead(t)
	return nil
}

// SetWriteDeadline sets the write deadline (net.Conn); a Write blocked now
// continues under the new deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if c.s.fd.isClosed() {
		return c.opErr("set", errClosed("setdeadline"))
	}
	c.dl.setWrite(t)
	return nil
}

// ---- net.Listener ----

// Listener is a listening Socket as a net.Listener (see NetListener).
type Listener struct {
	s     *Socket
	dl    deadlines
	laddr net.Addr
}

var _ net.Listener = (*Listener)(nil)

// NetListener returns s, a bound and listening socket, as a net.Listener
// whose Accept returns *Conn values. The Listener owns s (Close closes it
// and wakes a blocked Accept with an error matching net.ErrClosed, which
// is how http.Server.Close stops serving).
func NetListener(s *Socket) (*Listener, error) {
	if s == nil {
		return nil, &TypeError{Msg: "nil socket"}
	}
	l := &Listener{s: s, dl: deadlines{s: s}}
	a, err := s.GetSockName()
	if err != nil {
		return nil, err
	}
	l.laddr = s.netAddr(a)
	return l, nil
}

// Socket returns the underlying socket.
func (l *Listener) Socket() *Socket { return l.s }

// Accept waits for and returns the next connection (net.Listener). A
// connection aborted before it was accepted (ECONNABORTED) is skipped, as
// by the net package.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptConn()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptConn is Accept returning the *Conn.
func (l *Listener) AcceptConn() (*Conn, error) {
	var ns *Socket
	err := l.dl.run(dirRead, func(ctl *opCtl) error {
		for i := 0; i < 1000; i++ {
			var err error
			ns, _, err = l.s.acceptCtl(ctl)
			if err != nil && errors.Is(err, syscall.ECONNABORTED) {
				continue
			}
			return err
		}
		return errClosed("accept")
	})
	if err != nil {
		return nil, &net.OpError{Op: "accept", Net: networkName(l.s.family, l.s.typ), Addr: l.laddr, Err: err}
	}
	c, err := NetConn(ns)
	if err != nil {
		ns.Close()
		return nil, err
	}
	return c, nil
}

// Close closes the listening socket (net.Listener).
func (l *Listener) Close() error {
	if l.s.fd.isClosed() {
		return &net.OpError{Op: "close", Net: networkName(l.s.family, l.s.typ), Addr: l.laddr, Err: errClosed("close")}
	}
	return l.s.Close()
}

// Addr returns the listening address (*NetAddr).
func (l *Listener) Addr() net.Addr { return l.laddr }

// SetDeadline sets the deadline of Accept, as *net.TCPListener's.
func (l *Listener) SetDeadline(t time.Time) error {
	l.dl.setRead(t)
	return nil
}

// ---- net.PacketConn ----

// PacketConn is a datagram Socket as a net.PacketConn (see NetPacketConn).
type PacketConn struct {
	s     *Socket
	dl    deadlines
	laddr net.Addr
}

var _ net.PacketConn = (*PacketConn)(nil)

// NetPacketConn returns s, a datagram (or raw) socket, as a
// net.PacketConn. The PacketConn owns s. WriteTo accepts a *NetAddr or the
// net package's address types (see AddressFromNetAddr).
func NetPacketConn(s *Socket) (*PacketConn, error) {
	if s == nil {
		return nil, &TypeError{Msg: "nil socket"}
	}
	p := &PacketConn{s: s, dl: deadlines{s: s}}
	if a, err := s.GetSockName(); err == nil {
		p.laddr = s.netAddr(a)
	} else if s.fd.isClosed() {
		return nil, err
	}
	return p, nil
}

// Socket returns the underlying socket.
func (p *PacketConn) Socket() *Socket { return p.s }

func (p *PacketConn) opErr(op string, addr net.Addr, err error) error {
	if err == nil {
		return nil
	}
	return &net.OpError{Op: op, Net: networkName(p.s.family, p.s.typ), Source: p.laddr, Addr: addr, Err: err}
}

// ReadFrom reads one datagram into b and returns its length and sender
// (net.PacketConn). An empty datagram is 0, addr, nil.
func (p *PacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	var n int
	var a Address
	err := p.dl.run(dirRead, func(ctl *opCtl) error {
		var err error
		n, a, err = p.s.recvFromCtl(b, 0, "recvfrom", ctl)
		return err
	})
	if err != nil {
		return 0, nil, p.opErr("read", nil, err)
	}
	return n, p.s.netAddr(a), nil
}

// WriteTo sends b as one datagram to addr (net.PacketConn).
func (p *PacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	a, err := AddressFromNetAddr(p.s.family, addr)
	if err != nil {
		return 0, p.opErr("write", addr, err)
	}
	var n int
	err = p.dl.run(dirWrite, func(ctl *opCtl) error {
		var err error
		n, err = p.s.sendToCtl(b, 0, a, ctl)
		return err
	})
	return n, p.opErr("write", addr, err)
}

// Close closes the socket (net.PacketConn).
func (p *PacketConn) Close() error {
	if p.s.fd.isClosed() {
		return p.opErr("close", nil, errClosed("close"))
	}
	return p.s.Close()
}

// LocalAddr returns the local address (*NetAddr).
func (p *PacketConn) LocalAddr() net.Addr { return p.laddr }

// SetDeadline sets the read and write deadlines (net.PacketConn).
func (p *PacketConn) SetDeadline(t time.Time) error {
	p.dl.setRead(t)
	p.dl.setWrite(t)
	return nil
}

// SetReadDeadline sets the read deadline (net.PacketConn).
func (p *PacketConn) SetReadDeadline(t time.Time) error {
	p.dl.setRead(t)
	return nil
}

// SetWriteDeadline sets the write deadline (net.PacketConn).
func (p *PacketConn) SetWriteDeadline(t time.Time) error {
	p.dl.setWrite(t)
	return nil
}

// ---- the reverse: net values as Sockets ----

// SocketFromSyscallConn returns a Socket on a duplicate of the descriptor
// (handle on windows) of c: a *net.TCPConn, *net.UDPConn, *net.UnixConn,
// *net.IPConn, *net.TCPListener, *net.UnixListener, an *os.File holding a
// socket, or anything else implementing syscall.Conn. The descriptor is
// reached through SyscallConn().Control, never Fd() (which would switch it
// to blocking mode). The Socket and c can be closed independently. Family,
// type and protocol are read from the descriptor; the timeout is the
// module default. On unix the duplicate shares the open file description
// with c, so the socket options and O_NONBLOCK (which the Socket sets, and
// which net's sockets already have) are shared.
func SocketFromSyscallConn(c syscall.Conn) (*Socket, error) {
	if c == nil {
		return nil, &TypeError{Msg: "nil connection"}
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	var nfd int
	var derr error
	if err := rc.Control(func(fd uintptr) { nfd, derr = dupSocketFD(fd) }); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, wrapErrno("fromfd", derr)
	}
	s, err := SocketFromFD(nfd)
	if err != nil {
		closeFD(nfd)
		return nil, err
	}
	return s, nil
}

// SocketFromNetConn is SocketFromSyscallConn for a net.Conn (it must
// implement syscall.Conn: *tls.Conn and other wrappers do not).
func SocketFromNetConn(c net.Conn) (*Socket, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, &TypeError{Msg: "net.Conn without a descriptor (no SyscallConn method)"}
	}
	return SocketFromSyscallConn(sc)
}

// SocketFromListener is SocketFromSyscallConn for a net.Listener
// (*net.TCPListener, *net.UnixListener, or a *Listener of this package).
func SocketFromListener(l net.Listener) (*Socket, error) {
	if sl, ok := l.(*Listener); ok {
		return sl.s.Dup()
	}
	sc, ok := l.(syscall.Conn)
	if !ok {
		return nil, &TypeError{Msg: "net.Listener without a descriptor (no SyscallConn method)"}
	}
	return SocketFromSyscallConn(sc)
}

// SocketFromFile is SocketFromSyscallConn for an *os.File holding a socket
// (for example one inherited from a parent process). f stays open and
// usable.
func SocketFromFile(f *os.File) (*Socket, error) {
	if f == nil {
		return nil, &TypeError{Msg: "nil file"}
	}
	return SocketFromSyscallConn(f)
}
