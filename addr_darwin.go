//go:build darwin

package socket

// PF_SYSTEM / SYSPROTO_CONTROL addresses (macOS kernel controls), as
// CPython: a kernel control is named by a string (its ID is looked up with
// the CTLIOCGINFO ioctl; unit 0) or by an (id, unit) tuple; getsockname
// and friends return (id, unit).

import (
	"golang.org/x/sys/unix"
)

func init() {
	registerFamily(AF_SYSTEM, func(b []byte) (Address, error) { return decodeSystem(b, SYSPROTO_CONTROL) })
}

// SystemAddress is a PF_SYSTEM / SYSPROTO_CONTROL address, Python's
// (id, unit).
type SystemAddress struct {
	ID   uint32
	Unit uint32
}

// Family returns AF_SYSTEM (Address).
func (SystemAddress) Family() AddressFamily { return AF_SYSTEM }

// String formats the address as Python's repr of it (Address).
func (a SystemAddress) String() string { return u32pair(a.ID, a.Unit) }

func (a SystemAddress) marshalSockaddr(op string, b []byte) (int, error) {
	return marshalCtl(a.ID, a.Unit, b), nil
}

// SystemControlName is a PF_SYSTEM / SYSPROTO_CONTROL address given by the
// kernel control's name (Python's str form): the ID is resolved with the
// CTLIOCGINFO ioctl, the unit is 0.
type SystemControlName string

// Family returns AF_SYSTEM (Address).
func (SystemControlName) Family() AddressFamily { return AF_SYSTEM }

// String formats the address as Python's repr of it (Address).
func (a SystemControlName) String() string { return pyRepr(string(a)) }

func (a SystemControlName) marshalSockaddr(op string, b []byte) (int, error) {
	var info unix.CtlInfo
	if len(a) >= len(info.Name) {
		return 0, &OSError{Op: op, Msg: "provided string is too long"}
	}
	copy(info.Name[:], a)
	// CPython asks the socket being used; any SYSPROTO_CONTROL socket
	// answers the same, so a short-lived one serves here.
	fd, err := sysSocket(AF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL)
	if err != nil {
		return 0, wrapErrno(op, err)
	}
	defer unix.Close(fd)
	if err := unix.IoctlCtlInfo(fd, &info); err != nil {
		return 0, wrapErrno(op, err)
	}
	return marshalCtl(info.Id, 0, b), nil
}

func marshalCtl(id, unit uint32, b []byte) int {
	r := rawSockaddrCtl{Len: sizeofSockaddrCtl, Family: uint8(AF_SYSTEM), Sysaddr: uint16(AF_SYS_CONTROL), ID: id, Unit: unit}
	return r.marshal(b)
}

// decodeSystem decodes a PF_SYSTEM address: (id, unit) for
// SYSPROTO_CONTROL, the only PF_SYSTEM protocol CPython decodes.
func decodeSystem(b []byte, proto int) (Address, error) {
	if proto >= 0 && proto != SYSPROTO_CONTROL {
		return nil, &OSError{Msg: "Invalid address type"}
	}
	var r rawSockaddrCtl
	r.unmarshal(b)
	return SystemAddress{ID: r.ID, Unit: r.Unit}, nil
}

func u32pair(a, b uint32) string {
	return "(" + uitoa(uint(a)) + ", " + uitoa(uint(b)) + ")"
}
