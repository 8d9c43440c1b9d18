package socket

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// FileOptions are MakeFile's keyword arguments for text mode (Python's
// encoding, errors and newline). The zero value is Python's default:
// UTF-8, strict, universal newlines.
type FileOptions struct {
	// Encoding: "" or "utf-8" (and its spellings "utf8", "UTF-8").
	Encoding string
	// Errors: "" or "strict" (invalid input is a *ValueError, as Python's
	// UnicodeDecodeError is a ValueError), "replace" (U+FFFD) or "ignore".
	Errors string
	// Newline: nil is universal newlines ("\r\n" and "\r" read as "\n");
	// a pointer to "" or "\n" reads line endings untranslated.
	Newline *string
}

// defaultBufferSize is Python's io.DEFAULT_BUFFER_SIZE.
const defaultBufferSize = 8192

// SocketFile is the file object of MakeFile (Python's SocketIO wrapped in
// a BufferedReader / BufferedWriter / BufferedRWPair, or a TextIOWrapper in
// text mode). Its methods are safe for concurrent use (one at a time).
//
// The file works on its own duplicate of the socket's descriptor, so the
// connection stays open until the Socket and every file made from it are
// closed, as in Python (Python keeps the very same descriptor open; here
// the Socket's own descriptor is closed by Socket.Close and the file keeps
// using its duplicate). The file follows the Socket's timeout mode at each
// operation.
type SocketFile struct {
	mu       sync.Mutex
	sock     *Socket // the socket it was made from (timeout mode)
	conn     *Socket // the file's duplicate
	mode     string
	reading  bool
	writing  bool
	binary   bool
	r        *bufio.Reader // nil when unbuffered or write-only
	w        *bufio.Writer // nil when unbuffered or read-only
	closed   bool
	timedOut bool
	errMode  string
	univNL   bool
}

// MakeFile returns a file object for the socket (Python's
// socket.makefile(mode, buffering, encoding=..., errors=..., newline=...)).
// mode is made of 'r', 'w' and 'b' ("r" when empty of 'r' and 'w'); any
// other character is a *ValueError ("invalid mode 'x' (only r, w, b
// allowed)"). buffering < 0 is Python's None (8192-byte buffers), 0 is
// unbuffered (binary modes only: "unbuffered streams must be binary"),
// > 0 the buffer size. opts (nil for the defaults) apply to text mode.
//
// As in CPython, a socket in non-blocking mode is not rejected here: its
// reads and writes report EAGAIN (Python's None / BlockingIOError); after
// a timeout the file refuses further reads ("cannot read from timed out
// object"), as its buffer may be inconsistent.
func (s *Socket) MakeFile(mode string, buffering int, opts *FileOptions) (*SocketFile, error) {
	for _, c := range mode {
		if c != 'r' && c != 'w' && c != 'b' {
			return nil, &ValueError{Msg: fmt.Sprintf("invalid mode %s (only r, w, b allowed)", pyRepr(mode))}
		}
	}
	f := &SocketFile{sock: s, mode: mode, univNL: true}
	f.writing = strings.ContainsRune(mode, 'w')
	f.reading = strings.ContainsRune(mode, 'r') || !f.writing
	f.binary = strings.ContainsRune(mode, 'b')
	if buffering < 0 {
		buffering = defaultBufferSize
	}
	if buffering == 0 && !f.binary {
		return nil, &ValueError{Msg: "unbuffered streams must be binary"}
	}
	if !f.binary {
		var o FileOptions
		if opts != nil {
			o = *opts
		}
		switch strings.ToLower(strings.ReplaceAll(o.Encoding, "_", "-")) {
		case "", "utf-8", "utf8":
		default:
			return nil, &ValueError{Msg: "unknown encoding: " + o.Encoding}
		}
		switch o.Errors {
		case "", "strict", "replace", "ignore":
			f.errMode = o.Errors
		default:
			return nil, &ValueError{Msg: "unknown error handler name " + pyRepr(o.Errors)}
		}
		if o.Newline != nil {
			switch *o.Newline {
			case "", "\n":
				f.univNL = false
			default:
				return nil, &ValueError{Msg: "illegal newline value: " + pyRepr(*o.Newline)}
			}
		}
	}
	conn, err := s.Dup()
	if err != nil {
		return nil, err
	}
	f.conn = conn
	raw := rawSocketIO{f}
	if buffering > 0 {
		if f.reading {
			f.r = bufio.NewReaderSize(raw, buffering)
		}
		if f.writing {
			f.w = bufio.NewWriterSize(raw, buffering)
		}
	}
	return f, nil
}

// rawSocketIO is Python's SocketIO: reads are one recv, writes send all.
type rawSocketIO struct{ f *SocketFile }

func (r rawSocketIO) Read(p []byte) (int, error) {
	f := r.f
	if f.timedOut {
		return 0, &OSError{Msg: "cannot read from timed out object"}
	}
	if len(p) == 0 {
		return 0, nil
	}
	f.syncTimeout()
	n, err := f.conn.RecvInto(p, 0, 0)
	if err != nil {
		if errors.Is(err, ErrTimeout) {
			f.timedOut = true
		}
		return n, err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (r rawSocketIO) Write(p []byte) (int, error) {
	f := r.f
	f.syncTimeout()
	total := 0
	for i := 0; len(p) > 0 && i < 1<<30; i++ {
		n, err := f.conn.Send(p, 0)
		total += n
		p = p[n:]
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// syncTimeout applies the Socket's current timeout mode to the duplicate.
func (f *SocketFile) syncTimeout() {
	if d := f.sock.timeoutValue(); d != f.conn.timeoutValue() {
		f.conn.timeout.Store(int64(d))
	}
}

func (f *SocketFile) check(reading bool) error {
	if f.closed {
		return &ValueError{Msg: "I/O operation on closed file."}
	}
	if reading && !f.reading {
		return &OSError{Msg: "not readable"}
	}
	if !reading && !f.writing {
		return &OSError{Msg: "not writable"}
	}
	return nil
}

// reader is the buffered reader, or the raw one when unbuffered.
func (f *SocketFile) reader() io.Reader {
	if f.r != nil {
		return f.r
	}
	return rawSocketIO{f}
}

// Read reads into p (io.Reader; binary data, no decoding): buffered, what
// the buffer holds or one recv; io.EOF at the end of the stream.
func (f *SocketFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(true); err != nil {
		return 0, err
	}
	return f.reader().Read(p)
}

// ReadN is Python's read(n) on a binary file: up to n bytes, fewer only at
// the end of the stream (unbuffered: the result of one recv); n < 0 reads
// until the end of the stream. At the end of the stream it returns an
// empty slice and io.EOF (n >= 0) or nil (n < 0), Python's b”.
func (f *SocketFile) ReadN(n int) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(true); err != nil {
		return nil, err
	}
	if n < 0 {
		b, err := io.ReadAll(f.reader())
		if b == nil {
			b = []byte{}
		}
		return b, err
	}
	buf := make([]byte, n)
	var got int
	var err error
	if f.r == nil {
		got, err = rawSocketIO{f}.Read(buf)
	} else {
		got, err = io.ReadFull(f.r, buf)
		if err == io.ErrUnexpectedEOF {
			err = nil
		}
	}
	if got > 0 && err == io.EOF {
		err = nil
	}
	return buf[:got], err
}

// ReadLine is Python's readline() on a binary file: one line with its
// "\n", or the last, unterminated part of the stream; an empty slice and
// io.EOF at the end.
func (f *SocketFile) ReadLine() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(true); err != nil {
		return nil, err
	}
	var line []byte
	var err error
	if f.r != nil {
		line, err = f.r.ReadBytes('\n')
	} else {
		one := make([]byte, 1)
		for i := 0; i < 1<<30; i++ {
			var n int
			n, err = rawSocketIO{f}.Read(one)
			if n == 1 {
				line = append(line, one[0])
				if one[0] == '\n' {
					break
				}
			}
			if err != nil {
				break
			}
		}
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
	}
	if line == nil {
		line = []byte{}
	}
	return line, err
}

// readRune reads one decoded character in text mode, applying the errors
// handler and universal newlines. ok is false at the end of the stream.
func (f *SocketFile) readRune() (r rune, ok bool, err error) {
	for i := 0; i < 1<<30; i++ {
		c, size, rerr := f.r.ReadRune()
		if rerr != nil {
			if rerr == io.EOF {
				return 0, false, nil
			}
			return 0, false, rerr
		}
		if c == utf8.RuneError && size == 1 {
			_ = f.r.UnreadRune()
			b, _ := f.r.ReadByte()
			switch f.errMode {
			case "ignore":
				continue
			case "replace":
				return utf8.RuneError, true, nil
			}
			return 0, false, &ValueError{Msg: fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x: invalid utf-8", b)}
		}
		if c == '\r' && f.univNL {
			if next, err := f.r.Peek(1); err == nil && next[0] == '\n' {
				f.r.ReadByte()
			}
			return '\n', true, nil
		}
		return c, true, nil
	}
	return 0, false, nil
}

// ReadText is Python's read(n) on a text file: up to n characters (n < 0:
// until the end of the stream), decoded; "" at the end of the stream.
func (f *SocketFile) ReadText(n int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkText(); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := 0; n < 0 || i < n; i++ {
		r, ok, err := f.readRune()
		if err != nil {
			return sb.String(), err
		}
		if !ok {
			break
		}
		sb.WriteRune(r)
	}
	return sb.String(), nil
}

// ReadLineText is Python's readline() on a text file: one line with its
// "\n" (after newline translation), or the last unterminated part; "" at
// the end of the stream.
func (f *SocketFile) ReadLineText() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkText(); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := 0; i < 1<<30; i++ {
		r, ok, err := f.readRune()
		if err != nil {
			return sb.String(), err
		}
		if !ok {
			break
		}
		sb.WriteRune(r)
		if r == '\n' {
			break
		}
	}
	return sb.String(), nil
}

func (f *SocketFile) checkText() error {
	if err := f.check(true); err != nil {
		return err
	}
	if f.binary || f.r == nil {
		return &OSError{Msg: "not a text file"}
	}
	return nil
}

// Write writes p (buffered: into the buffer, sent when it fills or on
// Flush/Close; unbuffered: sent at once, all of it).
func (f *SocketFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(false); err != nil {
		return 0, err
	}
	if f.w != nil {
		return f.w.Write(p)
	}
	return rawSocketIO{f}.Write(p)
}

// WriteString writes s (encoded as UTF-8 in text mode).
func (f *SocketFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// Flush sends what the write buffer holds.
func (f *SocketFile) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return &ValueError{Msg: "I/O operation on closed file."}
	}
	if f.w != nil {
		return f.w.Flush()
	}
	return nil
}

// Close flushes the write buffer and closes the file (its duplicate
// descriptor). The Socket stays open; the connection ends when the Socket
// and all its files are closed. Closing twice does nothing.
func (f *SocketFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	var err error
	if f.w != nil {
		err = f.w.Flush()
	}
	f.closed = true
	if cerr := f.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// Mode returns the mode MakeFile was given.
func (f *SocketFile) Mode() string { return f.mode }

// Closed reports whether Close was called.
func (f *SocketFile) Closed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Fileno returns the descriptor the file uses (-1 once closed).
func (f *SocketFile) Fileno() int { return f.conn.Fileno() }
