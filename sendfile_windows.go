//go:build windows

package socket

import (
	"fmt"
	"io"
	"os"
)

// SendFile is Python's socket.sendfile(file, offset, count) on Windows,
// where CPython has no os.sendfile and always reads blocks of the file and
// sends them (_sendfile_use_send). It returns the number of bytes sent;
// the file position is left after the last byte sent.
func (s *Socket) SendFile(file *os.File, offset int64, count int64) (int64, error) {
	if s.typ&SOCK_STREAM == 0 {
		return 0, &ValueError{Msg: "only SOCK_STREAM type sockets are supported"}
	}
	if count < 0 {
		return 0, &ValueError{Msg: fmt.Sprintf("count must be a positive integer (got %d)", count)}
	}
	if file == nil {
		return 0, &TypeError{Msg: "file must be an open file"}
	}
	if s.timeoutValue() == 0 {
		return 0, &ValueError{Msg: "non-blocking sockets are not supported"}
	}
	if offset != 0 {
		if _, err := file.Seek(offset, io.SeekStart); err != nil {
			return 0, err
		}
	}
	const maxBlock = 8192
	buf := make([]byte, maxBlock)
	var total int64
	var err error
	for count == 0 || total < count {
		block := int64(maxBlock)
		if count > 0 {
			block = min(count-total, maxBlock)
		}
		n, rerr := file.Read(buf[:block])
		if n == 0 {
			if rerr != nil && rerr != io.EOF {
				err = rerr
			}
			break
		}
		if serr := s.SendAll(buf[:n], 0); serr != nil {
			err = serr
			break
		}
		total += int64(n)
	}
	if total > 0 {
		if _, serr := file.Seek(offset+total, io.SeekStart); serr != nil && err == nil {
			err = serr
		}
	}
	return total, err
}
