//go:build linux

package socket

import "encoding/binary"

// SendMsgAfalg is Python's socket.sendmsg_afalg([msg, ]*, op[, iv[,
// assoclen[, flags]]]) for AF_ALG operation sockets (the socket Accept
// returns after binding an ALGAddress and setting the key): it sends the
// data of msgs with the control messages ALG_SET_OP (op: ALG_OP_ENCRYPT or
// ALG_OP_DECRYPT), ALG_SET_IV (iv, as a struct af_alg_iv) and
// ALG_SET_AEAD_ASSOCLEN (the length of the associated data at the start of
// the data, for AEAD ciphers), and returns the number of data bytes sent.
//
// Go has no missing arguments: iv == nil sends no IV (a non-nil empty iv
// sends an empty one), and assoclen < 0 sends no associated data length
// (Python's default). A negative op is a *TypeError ("Invalid or missing
// argument 'op'"), as CPython.
func (s *Socket) SendMsgAfalg(msgs [][]byte, op int, iv []byte, assoclen int, flags MsgFlag) (int, error) {
	if op < 0 || int64(op) > 0xffffffff {
		return 0, &TypeError{Msg: "Invalid or missing argument 'op'"}
	}
	if int64(len(iv)) > 0xffffffff || int64(assoclen) > 0xffffffff {
		return 0, &OverflowError{Msg: "sendmsg_afalg(): value too large"}
	}
	anc := make([]Ancdata, 0, 3)
	opData := make([]byte, 4)
	binary.NativeEndian.PutUint32(opData, uint32(op))
	anc = append(anc, Ancdata{Level: SOL_ALG, Type: ALG_SET_OP, Data: opData})
	if iv != nil {
		data := make([]byte, afAlgIVData+len(iv))
		r := rawAfAlgIV{Ivlen: uint32(len(iv))}
		r.marshal(data[:sizeofAfAlgIV])
		copy(data[afAlgIVData:], iv)
		anc = append(anc, Ancdata{Level: SOL_ALG, Type: ALG_SET_IV, Data: data})
	}
	if assoclen >= 0 {
		d := make([]byte, 4)
		binary.NativeEndian.PutUint32(d, uint32(assoclen))
		anc = append(anc, Ancdata{Level: SOL_ALG, Type: ALG_SET_AEAD_ASSOCLEN, Data: d})
	}
	return s.SendMsg(msgs, anc, flags, nil)
}
