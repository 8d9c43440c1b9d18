//go:build windows

package socket

// Network interface names and indexes, and the host name, on Windows.

import (
	"math"
	"net"
	"strings"

	"golang.org/x/sys/windows"
)

// Interface is one entry of IfNameIndex: Python's (index, name) tuple.
type Interface struct {
	Index int
	Name  string
}

// IfNameIndex lists the network interfaces (Python's socket.if_nameindex):
// their index and name. The names are the adapters' names as Go's net
// package reports them (CPython reports the LUID-derived names of
// ConvertInterfaceLuidToNameW, e.g. "ethernet_32769").
func IfNameIndex() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, &OSError{Op: "if_nameindex", Msg: err.Error()}
	}
	out := make([]Interface, 0, len(ifs))
	for _, ifc := range ifs {
		out = append(out, Interface{Index: ifc.Index, Name: ifc.Name})
	}
	return out, nil
}

// IfNameToIndex returns the index of the named interface (Python's
// socket.if_nametoindex); an unknown name is an *OSError "no interface with
// this name".
func IfNameToIndex(name string) (int, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return 0, newValueErr("embedded null byte")
	}
	ifc, err := net.InterfaceByName(name)
	if name == "" || err != nil || ifc == nil || ifc.Index == 0 {
		return 0, newMsgOSErr("no interface with this name")
	}
	return ifc.Index, nil
}

// IfIndexToName returns the name of the interface with the given index
// (Python's socket.if_indextoname); an unknown index is an *OSError.
func IfIndexToName(index int) (string, error) {
	switch {
	case index < 0:
		return "", newOverflowErr("can't convert negative value to unsigned int")
	case int64(index) > math.MaxUint32:
		return "", newOverflowErr("index is too large")
	}
	ifc, err := net.InterfaceByIndex(index)
	if index == 0 || err != nil || ifc == nil || ifc.Name == "" {
		return "", newOSError("if_indextoname", windows.ERROR_FILE_NOT_FOUND)
	}
	return ifc.Name, nil
}

// GetHostname returns the host name of the machine (Python's
// socket.gethostname): GetComputerNameExW(ComputerNamePhysicalDnsHostname),
// as CPython on Windows.
func GetHostname() (string, error) {
	n := uint32(256)
	for {
		b := make([]uint16, n)
		err := windows.GetComputerNameEx(windows.ComputerNamePhysicalDnsHostname, &b[0], &n)
		if err == nil {
			return windows.UTF16ToString(b[:n]), nil
		}
		if err != windows.ERROR_MORE_DATA || int(n) <= len(b) {
			return "", wrapErrno("gethostname", err)
		}
	}
}
