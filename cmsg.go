package socket

// Ancdata is one item of ancillary data (a control message), as Python's
// recvmsg returns and sendmsg takes it: the tuple
// (cmsg_level, cmsg_type, cmsg_data). Level and Type are the protocol
// level and the protocol-specific type (e.g. SOL_SOCKET and SCM_RIGHTS);
// Data is the item's payload, without header or trailing padding.
type Ancdata struct {
	Level int
	Type  int
	Data  []byte
}
