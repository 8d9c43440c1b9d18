//go:build windows

package socket

import "golang.org/x/sys/windows"

// dupSocketFD duplicates a socket handle (WSADuplicateSocket, not
// inheritable) for SocketFromSyscallConn.
func dupSocketFD(fd uintptr) (int, error) {
	h, _, err := dupHandle(windows.Handle(fd))
	if err != nil {
		return 0, err
	}
	return int(h), nil
}

func closeFD(fd int) { windows.Closesocket(windows.Handle(fd)) }
