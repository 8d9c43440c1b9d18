package socket

import (
	"errors"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// Errors: how Python's exceptions map to Go.
//
//	Python                          Go
//	OSError(errno, strerror)        *OSError with Errno != 0; errors.Is(err, syscall.Exxx)
//	OSError("message") (no errno)   *OSError with Errno == 0 and Msg set
//	BlockingIOError (EAGAIN ...)    *OSError{Errno: EAGAIN}; errors.Is(err, syscall.EAGAIN)
//	ConnectionRefusedError etc.     *OSError{Errno: ECONNREFUSED} ...
//	socket.timeout / TimeoutError   ErrTimeout (*TimeoutError); errors.Is(err, ErrTimeout)
//	                                and errors.Is(err, os.ErrDeadlineExceeded) are both true.
//	                                An *OSError with ETIMEDOUT also matches ErrTimeout, as
//	                                Python raises TimeoutError for that errno too.
//	use of a closed socket          *OSError{Errno: EBADF} ("[Errno 9] Bad file descriptor")
//	                                that also matches net.ErrClosed.
//	socket.gaierror                 *GAIError{Code, Msg}
//	socket.herror                   *HError{Code, Msg}
//	ValueError, OverflowError,      *ValueError, *OverflowError, *TypeError (errors.As)
//	TypeError
//
// Every error message reads as Python's str(exception) does.

// OSError is Python's OSError raised for a failed system call (or, with
// Errno == 0, an OSError carrying only a message, such as "AF_UNIX path too
// long"). errors.Is(err, syscall.ECONNREFUSED) works through Unwrap.
type OSError struct {
	// Op is the operation that failed ("connect", "recv", ...). It is not
	// part of the message, which reads as Python's.
	Op string
	// Errno is the system error number; 0 for a message-only OSError.
	Errno syscall.Errno
	// Msg is the message of a message-only OSError (Errno == 0).
	Msg string
	// Filename is the optional file name (Python's filename attribute).
	Filename string

	closed bool // the error reports use of a closed socket (net.ErrClosed)
}

// Error returns the message as Python prints it: "[Errno 111] Connection
// refused", with ": 'filename'" appended when there is a file name.
func (e *OSError) Error() string {
	if e.Errno == 0 {
		return e.Msg
	}
	s := errnoPrefix + strconv.Itoa(int(e.Errno)) + "] " + strerror(e.Errno) // per OS: "[Errno ", "[WinError "
	if e.Filename != "" {
		s += ": " + pyRepr(e.Filename)
	}
	return s
}

// Unwrap returns the syscall.Errno (nil for a message-only OSError).
func (e *OSError) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}

// Is reports net.ErrClosed for operations on a closed socket and ErrTimeout
// for ETIMEDOUT (Python's TimeoutError subclass mapping).
func (e *OSError) Is(target error) bool {
	switch target {
	case net.ErrClosed:
		return e.closed
	case ErrTimeout:
		return isTimeoutErrno(e.Errno) // per OS: ETIMEDOUT (+ WSAETIMEDOUT)
	}
	return errnoAlias(e.Errno, target) // per OS: windows' WSAE* codes match syscall.E*
}

// Timeout reports whether the error is a timeout (net.Error style).
func (e *OSError) Timeout() bool { return isTimeoutErrno(e.Errno) }

// strerror is C's strerror: Go's table with the first letter in upper case,
// which is how glibc spells the messages ("Connection refused").
func strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	// Windows' FormatMessage texts end with ".\r\n"; CPython strips trailing
	// dots and blanks ("[WinError 10061] No connection could be made ...").
	for len(s) > 0 && (s[len(s)-1] == '.' || s[len(s)-1] <= ' ') {
		s = s[:len(s)-1]
	}
	return s
}

// pyRepr quotes s the way Python's repr() quotes a simple str.
func pyRepr(s string) string {
	q := strconv.Quote(s)
	return "'" + q[1:len(q)-1] + "'"
}

// TimeoutError is Python's socket.timeout (TimeoutError) raised when a socket
// operation in timeout mode does not complete in time. Its only value is
// ErrTimeout.
type TimeoutError struct{}

// Error returns the message as Python's str() of the exception prints it.
func (*TimeoutError) Error() string { return "timed out" }

// Timeout reports true (net.Error): the error is a timeout.
func (*TimeoutError) Timeout() bool { return true }

// Temporary reports true (net.Error), as the net package's timeouts do.
func (*TimeoutError) Temporary() bool { return true }

// Is makes errors.Is(ErrTimeout, os.ErrDeadlineExceeded) true.
func (*TimeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// ErrTimeout is the error of a socket operation that timed out ("timed
// out"). errors.Is(err, ErrTimeout) and errors.Is(err,
// os.ErrDeadlineExceeded) are both true for it.
var ErrTimeout error = &TimeoutError{}

// ValueError is Python's ValueError: an argument has the right type but an
// invalid value (negative buffer size, bad timeout, ...).
type ValueError struct{ Msg string }

// Error returns the message as Python's str() of the exception prints it.
func (e *ValueError) Error() string { return e.Msg }

// OverflowError is Python's OverflowError: a number does not fit ("bind():
// port must be 0-65535.").
type OverflowError struct{ Msg string }

// Error returns the message as Python's str() of the exception prints it.
func (e *OverflowError) Error() string { return e.Msg }

// TypeError is Python's TypeError: an argument of the wrong kind (an address
// of another family, a host name with a NUL character, ...).
type TypeError struct{ Msg string }

// Error returns the message as Python's str() of the exception prints it.
func (e *TypeError) Error() string { return e.Msg }

// GAIError is Python's socket.gaierror: an error of getaddrinfo or
// getnameinfo. Code is one of the EAI_* constants; Msg is gai_strerror's text.
type GAIError struct {
	Code int
	Msg  string
}

// Error returns the message as Python's str() of the exception prints it.
func (e *GAIError) Error() string { return "[Errno " + strconv.Itoa(e.Code) + "] " + e.Msg }

// HError is Python's socket.herror: an error of the h_errno family
// (gethostbyname_ex, gethostbyaddr). Msg is hstrerror's text.
type HError struct {
	Code int
	Msg  string
}

// Error returns the message as Python's str() of the exception prints it.
func (e *HError) Error() string { return "[Errno " + strconv.Itoa(e.Code) + "] " + e.Msg }

// errNotAvailable is the error of a method that exists only on another
// platform (Python raises AttributeError: the method is absent).
type notAvailableError struct{ what string }

// Error returns the message as Python's str() of the exception prints it.
func (e *notAvailableError) Error() string { return e.what + " is not available on " + runtime.GOOS }

// Is makes errors.Is(err, errors.ErrUnsupported) true.
func (e *notAvailableError) Is(target error) bool { return target == errors.ErrUnsupported }

// newOSError returns the *OSError for op failing with errno.
func newOSError(op string, errno syscall.Errno) error {
	return &OSError{Op: op, Errno: errno}
}

// errClosed returns the error of op on a closed socket: EBADF, matching
// net.ErrClosed.
func errClosed(op string) error {
	return &OSError{Op: op, Errno: syscall.EBADF, closed: true}
}

// wrapErrno converts a syscall error into the package's error for op.
func wrapErrno(op string, err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return newOSError(op, errno)
	}
	return err
}
