//go:build unix || windows

package socket

import (
	"net"
	"net/netip"
	"reflect"
	"runtime"
	"strconv"
)

// hasAbstractUnix: Linux's abstract AF_UNIX namespace and autobind.
const hasAbstractUnix = runtime.GOOS == "linux"

// encodeSockaddr writes the C sockaddr of a for a socket of the given
// family into b (sizeofSockaddrStorage bytes) and returns its length, with
// CPython's checks (op is the Python method name for messages).
func encodeSockaddr(family AddressFamily, op string, a Address, b []byte) (int, error) {
	if a == nil {
		return 0, &TypeError{Msg: op + "(): address must not be nil"}
	}
	if sa, ok := a.(*SockAddr); ok {
		if sa.af != family {
			return 0, &OSError{Op: op, Msg: "address family mismatched"}
		}
		return copy(b, sa.b[:sa.n]), nil
	}
	form := family
	if inetForm(family) { // AF_RDS sockets take AF_INET addresses (linux)
		form = AF_INET
	}
	switch form {
	case AF_INET:
		var host string
		var port int
		switch v := a.(type) {
		case InetAddress:
			host, port = v.Host, v.Port
		case *InetAddress:
			host, port = v.Host, v.Port
		default:
			return 0, wrongForm(op, "AF_INET", "InetAddress", a)
		}
		return encodeInet4(op, host, port, b)
	case AF_INET6:
		var v Inet6Address
		switch x := a.(type) {
		case Inet6Address:
			v = x
		case *Inet6Address:
			v = *x
		case InetAddress:
			v = Inet6Address{Host: x.Host, Port: x.Port}
		case *InetAddress:
			v = Inet6Address{Host: x.Host, Port: x.Port}
		default:
			return 0, wrongForm(op, "AF_INET6", "Inet6Address", a)
		}
		return encodeInet6(op, &v, b)
	case AF_UNIX:
		var path string
		switch v := a.(type) {
		case UnixAddress:
			path = v.Path
		case *UnixAddress:
			path = v.Path
		default:
			return 0, wrongForm(op, "AF_UNIX", "UnixAddress", a)
		}
		return encodeUnix(path, b)
	}
	if m, ok := a.(sockaddrMarshaler); ok {
		if a.Family() != family {
			return 0, &OSError{Op: op, Msg: "address family mismatched"}
		}
		return m.marshalSockaddr(op, b)
	}
	return 0, &OSError{Op: op, Msg: op + "(): bad family"}
}

func wrongForm(op, fam, want string, a Address) error {
	t := reflect.TypeOf(a)
	name := t.String()
	if t.Kind() == reflect.Pointer {
		name = t.Elem().Name()
	} else {
		name = t.Name()
	}
	return &TypeError{Msg: op + "(): " + fam + " address must be " + want + ", not " + name}
}

func encodeInet4(op, host string, port int, b []byte) (int, error) {
	ip, _, err := hostToIP(AF_INET, op, host)
	if err != nil {
		return 0, err
	}
	if err := checkPort(op, port); err != nil {
		return 0, err
	}
	r := rawSockaddrInet4{Port: uint16(port), Addr: ip.As4()}
	inet4Header(&r) // per OS: family (and BSD length byte)
	return r.marshal(b), nil
}

func encodeInet6(op string, v *Inet6Address, b []byte) (int, error) {
	ip, _, err := hostToIP(AF_INET6, op, v.Host)
	if err != nil {
		return 0, err
	}
	if err := checkPort(op, v.Port); err != nil {
		return 0, err
	}
	if v.FlowInfo > 0xfffff {
		return 0, &OverflowError{Msg: op + "(): flowinfo must be 0-1048575."}
	}
	r := rawSockaddrInet6{Port: uint16(v.Port), Flowinfo: v.FlowInfo, Addr: ip.As16(), ScopeID: v.ScopeID}
	inet6Header(&r) // per OS: family (and BSD length byte)
	return r.marshal(b), nil
}

// encodeUnix follows CPython: an abstract name (or "", autobind) may use
// the whole sun_path; a file system path needs room for its NUL.
func encodeUnix(path string, b []byte) (int, error) {
	var r rawSockaddrUnix
	if hasAbstractUnix && (len(path) == 0 || path[0] == 0) {
		if len(path) > len(r.Path) {
			return 0, &OSError{Msg: "AF_UNIX path too long"}
		}
		copy(r.Path[:], path)
		unixHeader(&r, offsetofSockaddrUnixPath+len(path))
		r.marshal(b)
		return offsetofSockaddrUnixPath + len(path), nil
	}
	if len(path) >= len(r.Path) {
		return 0, &OSError{Msg: "AF_UNIX path too long"}
	}
	copy(r.Path[:], path)
	unixHeader(&r, offsetofSockaddrUnixPath+len(path)+1) // per OS: family (and BSD length byte)
	r.marshal(b)
	return offsetofSockaddrUnixPath + len(path) + 1, nil
}

// protoDecoders maps a family whose address form depends on the socket's
// protocol (AF_CAN, AF_BLUETOOTH) to its decoder; proto < 0 means unknown.
// Register from init functions only.
var protoDecoders = map[AddressFamily]func(b []byte, proto int) (Address, error){}

// decodeSockaddr is decodeSockaddrProto for a socket of unknown protocol.
func decodeSockaddr(b []byte) (Address, error) { return decodeSockaddrProto(b, -1) }

// decodeSockaddrProto converts a C sockaddr (b is exactly the length the
// kernel reported) of a socket of protocol proto to an Address, as
// CPython's makesockaddr. An empty b (no address) gives nil.
func decodeSockaddrProto(b []byte, proto int) (Address, error) {
	if len(b) < 2 {
		return nil, nil
	}
	af := sockaddrFamily(b) // per OS: u16 at 0 (linux), u8 at 1 (BSD)
	switch af {
	case AF_INET:
		var r rawSockaddrInet4
		r.unmarshal(b)
		return InetAddress{Host: netip.AddrFrom4(r.Addr).String(), Port: int(r.Port)}, nil
	case AF_INET6:
		var r rawSockaddrInet6
		r.unmarshal(b)
		return Inet6Address{Host: netip.AddrFrom16(r.Addr).String(), Port: int(r.Port), FlowInfo: r.Flowinfo, ScopeID: r.ScopeID}, nil
	case AF_UNIX:
		p := b[min(len(b), offsetofSockaddrUnixPath):]
		if hasAbstractUnix && len(p) > 0 && p[0] == 0 {
			return UnixAddress{Path: string(p)}, nil
		}
		for i, c := range p {
			if c == 0 {
				p = p[:i]
				break
			}
		}
		return UnixAddress{Path: string(p)}, nil
	}
	if dec := protoDecoders[af]; dec != nil {
		return dec(b, proto)
	}
	if dec := familyDecoders[af]; dec != nil {
		return dec(b)
	}
	return GenericAddress{AF: af, Data: append([]byte(nil), b[2:]...)}, nil
}

// zoneExists reports whether an IPv6 zone ("lo" or "1") names an interface.
func zoneExists(zone string) bool {
	if n, err := strconv.Atoi(zone); err == nil {
		_, err := net.InterfaceByIndex(n)
		return err == nil
	}
	_, err := net.InterfaceByName(zone)
	return err == nil
}
