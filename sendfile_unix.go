//go:build unix

package socket

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// SendFile sends the contents of file from offset until EOF, or count
// bytes when count > 0 (Python's socket.sendfile; count 0 is Python's
// None), and returns the number of bytes sent. A regular file goes through
// the OS's sendfile(2); anything else (a pipe, a socket, ...), or a
// regular file sendfile(2) refuses before sending anything, falls back to
// read + Send. The file's position is left after the last byte sent, on
// return and on error, when anything was sent (so that Seek(0,
// io.SeekCurrent) tells how far it got), as in Python.
//
// Like Python: the socket must be SOCK_STREAM (*ValueError "only
// SOCK_STREAM type sockets are supported") and not non-blocking
// (*ValueError "non-blocking sockets are not supported"); a negative count
// is a *ValueError; in timeout mode each wait for the socket to become
// writable is bounded by the timeout (ErrTimeout).
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
	st, err := file.Stat()
	if err == nil && st.Mode().IsRegular() {
		if st.Size() == 0 {
			return 0, nil // an empty file, as CPython
		}
		if s.timeoutValue() == 0 {
			return 0, &ValueError{Msg: "non-blocking sockets are not supported"}
		}
		total, err, fallback := s.sendfileOS(file, offset, count, st.Size())
		if !fallback {
			if total > 0 {
				if _, serr := file.Seek(offset+total, io.SeekStart); serr != nil && err == nil {
					err = serr
				}
			}
			return total, err
		}
	}
	return s.sendfileSend(file, offset, count)
}

// sendfileOS is the sendfile(2) loop. fallback reports that nothing was
// sent and the OS refused the file: the caller uses read + send instead.
func (s *Socket) sendfileOS(file *os.File, offset, count, fsize int64) (total int64, err error, fallback bool) {
	if offset < 0 {
		return 0, nil, true // the send path reports EINVAL from the seek
	}
	rc, err := file.SyscallConn()
	if err != nil {
		return 0, nil, true
	}
	blocksize := fsize
	if count > 0 {
		blocksize = count
	}
	blocksize = min(blocksize, 1<<30)
	off := offset
	s.fd.nonblockOn() // sendfile(2) has no per-call non-blocking flag
	// Bounded: each round sends at least one byte, waits for the socket, or
	// ends the loop.
	for {
		if count > 0 {
			blocksize = min(count-total, 1<<30)
			if blocksize <= 0 {
				return total, nil, false
			}
		}
		var n int
		var serr error
		werr := s.withFD("sendfile", func(sockfd int) error {
			cerr := rc.Control(func(ffd uintptr) {
				for i := 0; i < 100; i++ {
					o := off
					n, serr = unix.Sendfile(sockfd, int(ffd), &o, int(blocksize))
					if serr != syscall.EINTR {
						return
					}
				}
			})
			return cerr
		})
		if werr != nil {
			return total, werr, false
		}
		if n > 0 {
			// darwin/freebsd may report progress together with EAGAIN.
			off += int64(n)
			total += int64(n)
		}
		switch {
		case serr == syscall.EAGAIN:
			if err := s.waitWritable("sendfile"); err != nil {
				return total, err, false
			}
			continue
		case serr != nil:
			if total == 0 {
				return 0, nil, true
			}
			return total, wrapErrno("sendfile", serr), false
		case n == 0:
			return total, nil, false // EOF
		}
	}
}

// waitWritable waits until the socket is writable, under its timeout mode
// (core's engine: the connect-completion op polls for POLLOUT and reports
// the pending SO_ERROR).
func (s *Socket) waitWritable(op string) error {
	o := s.writeOp(opConnect)
	err := s.do(o, op)
	s.doneOp(o)
	return err
}

// sendfileSend is Python's _sendfile_use_send: read blocks of up to 8 KiB
// and send them all.
func (s *Socket) sendfileSend(file *os.File, offset, count int64) (int64, error) {
	if s.timeoutValue() == 0 {
		return 0, &ValueError{Msg: "non-blocking sockets are not supported"}
	}
	if offset != 0 {
		if _, err := file.Seek(offset, io.SeekStart); err != nil {
			return 0, wrapErrno("sendfile", err)
		}
	}
	const maxBlock = 8192
	buf := make([]byte, maxBlock)
	var total int64
	var err error
	for {
		blocksize := int64(maxBlock)
		if count > 0 {
			blocksize = min(count-total, maxBlock)
			if blocksize <= 0 {
				break
			}
		}
		n, rerr := file.Read(buf[:blocksize])
		if n == 0 {
			if rerr != nil && rerr != io.EOF {
				err = wrapErrno("sendfile", rerr)
			}
			break
		}
		data := buf[:n]
		for len(data) > 0 {
			m, serr := s.Send(data, 0)
			total += int64(m)
			data = data[m:]
			if serr != nil {
				err = serr
				break
			}
		}
		if err != nil {
			break
		}
	}
	if total > 0 {
		if _, serr := file.Seek(offset+total, io.SeekStart); serr != nil && err == nil && !isSeekUnsupported(serr) {
			err = serr
		}
	}
	return total, err
}

// isSeekUnsupported reports the error of seeking a pipe or socket (Python
// checks hasattr(file, 'seek'); an os.File always has Seek).
func isSeekUnsupported(err error) bool {
	var pe *os.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err == syscall.ESPIPE
	}
	return err == syscall.ESPIPE
}

func asPathError(err error, target **os.PathError) bool {
	pe, ok := err.(*os.PathError)
	if ok {
		*target = pe
	}
	return ok
}
