package resolve

import (
	"strconv"
	"syscall"
)

// GAIKind is the kind of a getaddrinfo/getnameinfo failure (the EAI_*
// codes). The public package maps it to the platform's EAI_* value.
type GAIKind int

const (
	EAIBadFlags   GAIKind = iota + 1 // EAI_BADFLAGS
	EAINoName                        // EAI_NONAME
	EAIAgain                         // EAI_AGAIN
	EAIFail                          // EAI_FAIL
	EAIFamily                        // EAI_FAMILY
	EAISockType                      // EAI_SOCKTYPE
	EAIService                       // EAI_SERVICE
	EAIMemory                        // EAI_MEMORY
	EAISystem                        // EAI_SYSTEM
	EAIOverflow                      // EAI_OVERFLOW
	EAINoData                        // EAI_NODATA
	EAIAddrFamily                    // EAI_ADDRFAMILY
)

var gaiNames = map[GAIKind]string{
	EAIBadFlags: "EAI_BADFLAGS", EAINoName: "EAI_NONAME", EAIAgain: "EAI_AGAIN",
	EAIFail: "EAI_FAIL", EAIFamily: "EAI_FAMILY", EAISockType: "EAI_SOCKTYPE",
	EAIService: "EAI_SERVICE", EAIMemory: "EAI_MEMORY", EAISystem: "EAI_SYSTEM",
	EAIOverflow: "EAI_OVERFLOW", EAINoData: "EAI_NODATA", EAIAddrFamily: "EAI_ADDRFAMILY",
}

// glibc's gai_strerror texts.
var gaiMessages = map[GAIKind]string{
	EAIBadFlags: "Bad value for ai_flags", EAINoName: "Name or service not known",
	EAIAgain: "Temporary failure in name resolution", EAIFail: "Non-recoverable failure in name resolution",
	EAIFamily: "ai_family not supported", EAISockType: "ai_socktype not supported",
	EAIService: "Servname not supported for ai_socktype", EAIMemory: "Memory allocation failure",
	EAISystem: "System error", EAIOverflow: "Argument buffer overflow",
	EAINoData: "No address associated with hostname", EAIAddrFamily: "Address family for hostname not supported",
}

// String returns the EAI_* name.
func (k GAIKind) String() string {
	if s, ok := gaiNames[k]; ok {
		return s
	}
	return "EAI_" + strconv.Itoa(int(k))
}

// Message is glibc's gai_strerror text for the kind.
func (k GAIKind) Message() string { return gaiMessages[k] }

// GAIError is Python's socket.gaierror. Err is the underlying system error
// for EAISystem.
type GAIError struct {
	Kind GAIKind
	Err  error
}

func (e *GAIError) Error() string {
	if e.Kind == EAISystem && e.Err != nil {
		return e.Kind.Message() + ": " + e.Err.Error()
	}
	return e.Kind.Message()
}

func (e *GAIError) Unwrap() error { return e.Err }

// Is lets errors.Is(err, &GAIError{Kind: k}) match on the kind.
func (e *GAIError) Is(target error) bool {
	t, ok := target.(*GAIError)
	return ok && t.Kind == e.Kind
}

func gaiErr(k GAIKind) error { return &GAIError{Kind: k} }

// HErrKind is an h_errno value of the gethostby* family.
type HErrKind int

const (
	HostNotFound HErrKind = 1 // HOST_NOT_FOUND
	TryAgain     HErrKind = 2 // TRY_AGAIN
	NoRecovery   HErrKind = 3 // NO_RECOVERY
	NoData       HErrKind = 4 // NO_DATA (= NO_ADDRESS)
)

// String returns the h_errno name.
func (k HErrKind) String() string {
	switch k {
	case HostNotFound:
		return "HOST_NOT_FOUND"
	case TryAgain:
		return "TRY_AGAIN"
	case NoRecovery:
		return "NO_RECOVERY"
	case NoData:
		return "NO_DATA"
	}
	return "h_errno " + strconv.Itoa(int(k))
}

// Message is glibc's hstrerror text (what Python's herror carries).
func (k HErrKind) Message() string {
	switch k {
	case HostNotFound:
		return "Unknown host"
	case TryAgain:
		return "Host name lookup failure"
	case NoRecovery:
		return "Unknown server error"
	case NoData:
		return "No address associated with name"
	}
	return "Resolver internal error"
}

// HError is Python's socket.herror.
type HError struct{ Kind HErrKind }

func (e *HError) Error() string { return e.Kind.Message() }

// Is matches on the kind.
func (e *HError) Is(target error) bool {
	t, ok := target.(*HError)
	return ok && t.Kind == e.Kind
}

// ValueError is a case where CPython raises ValueError (e.g. an embedded
// NUL character in an argument it converts with "s"/"et").
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// UnicodeError is CPython's UnicodeError from the "idna" codec (a
// ValueError subclass), e.g. for an empty or over-long label.
type UnicodeError struct{ Msg string }

func (e *UnicodeError) Error() string { return e.Msg }

// OverflowError is a case where CPython raises OverflowError (a port or
// flowinfo out of range).
type OverflowError struct{ Msg string }

func (e *OverflowError) Error() string { return e.Msg }

// OSError is an OSError that CPython raises itself: either with a message
// and no errno ("service/proto not found", "sockaddr resolved to multiple
// addresses", ...; Errno is 0) or with an errno (gethostbyaddr's
// EAFNOSUPPORT when the answer's family differs from the query's).
type OSError struct {
	Msg   string
	Errno syscall.Errno
}

func (e *OSError) Error() string {
	if e.Errno != 0 {
		return e.Errno.Error()
	}
	return e.Msg
}

func (e *OSError) Unwrap() error {
	if e.Errno != 0 {
		return e.Errno
	}
	return nil
}

// TypeError is a case where CPython raises TypeError for a value of the
// right type: an "et" argument whose encoded form contains a NUL byte.
type TypeError struct{ Msg string }

func (e *TypeError) Error() string { return e.Msg }
