//go:build unix

package socket

// Network interface names and indexes, and the host name.

import (
	"bytes"
	"errors"
	"math"
	"net"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Interface is one entry of IfNameIndex: Python's (index, name) tuple.
type Interface struct {
	Index int
	Name  string
}

// IfNameIndex lists the network interfaces (Python's socket.if_nameindex):
// their index and name, in the order the system reports them. A failure of
// the system call is an *OSError.
func IfNameIndex() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, osErrorFromNet(err)
	}
	out := make([]Interface, 0, len(ifs))
	for _, ifc := range ifs {
		out = append(out, Interface{Index: ifc.Index, Name: ifc.Name})
	}
	return out, nil
}

// IfNameToIndex returns the index of the named interface (Python's
// socket.if_nametoindex). An unknown name is an *OSError with the message
// "no interface with this name" (and no errno), as in Python; a name with a
// NUL byte is a *ValueError ("embedded null byte").
func IfNameToIndex(name string) (int, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return 0, newValueErr("embedded null byte")
	}
	if name == "" {
		return 0, newMsgOSErr("no interface with this name")
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil || ifc == nil || ifc.Index == 0 {
		return 0, newMsgOSErr("no interface with this name")
	}
	return ifc.Index, nil
}

// IfIndexToName returns the name of the interface with the given index
// (Python's socket.if_indextoname). An unknown index (0 included) is an
// *OSError wrapping ENXIO, as the C library reports it; a negative index is
// an *OverflowError ("can't convert negative value to unsigned int"), and
// one above the C unsigned int range an *OverflowError ("index is too
// large"; CPython 3.11 silently truncated it, later versions reject it).
func IfIndexToName(index int) (string, error) {
	switch {
	case index < 0:
		return "", newOverflowErr("can't convert negative value to unsigned int")
	case int64(index) > math.MaxUint32:
		return "", newOverflowErr("index is too large")
	case index == 0 || int64(index) > math.MaxInt32:
		return "", newOSError("if_indextoname", syscall.ENXIO)
	}
	ifc, err := net.InterfaceByIndex(index)
	if err != nil || ifc == nil || ifc.Name == "" {
		return "", newOSError("if_indextoname", syscall.ENXIO)
	}
	return ifc.Name, nil
}

// GetHostname returns the host name of the machine (Python's
// socket.gethostname): the node name the kernel reports (uname), which is
// the one of the process's UTS namespace on Linux.
func GetHostname() (string, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "", wrapErrno("gethostname", err)
	}
	return unix.ByteSliceToString(u.Nodename[:]), nil
}

// SetHostname sets the machine's host name (Python's socket.sethostname).
// Without the privilege to do so it is an *OSError wrapping EPERM; a name
// the kernel finds too long an *OSError wrapping EINVAL. A name with a NUL
// byte is a *ValueError, as in Python.
func SetHostname(name string) error {
	if bytes.IndexByte([]byte(name), 0) >= 0 {
		return newValueErr("embedded null byte")
	}
	return setHostname(name)
}

// osErrorFromNet turns an error of the net package's interface listing
// into an *OSError, keeping the errno where there is one.
func osErrorFromNet(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return newOSError("if_nameindex", errno)
	}
	return newMsgOSErr(err.Error())
}
