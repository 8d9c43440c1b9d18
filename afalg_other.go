//go:build !linux

package socket

// SendMsgAfalg is Python's socket.sendmsg_afalg, which exists on Linux
// only: here it returns an error matching errors.ErrUnsupported
// ("sendmsg_afalg is not available on <os>").
func (s *Socket) SendMsgAfalg(msgs [][]byte, op int, iv []byte, assoclen int, flags MsgFlag) (int, error) {
	return 0, &notAvailableError{what: "sendmsg_afalg"}
}
