//go:build windows

package socket

// Socket methods Python does not have on Windows: they return an error
// matching errors.ErrUnsupported ("socket.recvmsg is not available on
// windows"), as Python raises AttributeError there.

// RecvMsg is Python's socket.recvmsg, which Windows does not have.
func (s *Socket) RecvMsg(bufsize, ancbufsize int, flags MsgFlag) (data []byte, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	return nil, nil, 0, nil, &notAvailableError{"socket.recvmsg"}
}

// RecvMsgInto is Python's socket.recvmsg_into, which Windows does not have.
func (s *Socket) RecvMsgInto(buffers [][]byte, ancbufsize int, flags MsgFlag) (nbytes int, ancdata []Ancdata, msgFlags MsgFlag, address Address, err error) {
	return 0, nil, 0, nil, &notAvailableError{"socket.recvmsg_into"}
}

// SendMsg is Python's socket.sendmsg, which Windows does not have.
func (s *Socket) SendMsg(buffers [][]byte, ancdata []Ancdata, flags MsgFlag, address Address) (int, error) {
	return 0, &notAvailableError{"socket.sendmsg"}
}

// SendFds is Python's socket.send_fds, which Windows does not have.
func (s *Socket) SendFds(buffers [][]byte, fds []int, flags MsgFlag, address Address) (int, error) {
	return 0, &notAvailableError{"socket.send_fds"}
}

// RecvFds is Python's socket.recv_fds, which Windows does not have.
func (s *Socket) RecvFds(bufsize, maxfds int, flags MsgFlag) (data []byte, fds []int, msgFlags MsgFlag, address Address, err error) {
	return nil, nil, 0, nil, &notAvailableError{"socket.recv_fds"}
}

// SetHostname is Python's socket.sethostname, which Windows does not have.
func SetHostname(name string) error { return &notAvailableError{"socket.sethostname"} }

// CmsgLen is Python's socket.CMSG_LEN, which Windows does not have.
func CmsgLen(length int) (int, error) { return 0, &notAvailableError{"socket.CMSG_LEN"} }

// CmsgSpace is Python's socket.CMSG_SPACE, which Windows does not have.
func CmsgSpace(length int) (int, error) { return 0, &notAvailableError{"socket.CMSG_SPACE"} }
