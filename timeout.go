package socket

import (
	"math"
	"sync/atomic"
	"time"
)

// Timeouts.
//
// A timeout is a time.Duration with Python's three modes:
//
//	NoTimeout   Python's None: blocking mode (operations wait as long as needed)
//	0           non-blocking mode (operations fail with EAGAIN at once)
//	> 0         timeout mode (an operation fails with ErrTimeout when it has
//	            not completed that long after it started; SendAll: in total)
//
// Any other negative Duration is a *ValueError ("Timeout value out of
// range"), as a negative float is in Python. SetTimeoutSeconds and
// SetDefaultTimeoutSeconds take Python's float seconds with Python's checks
// (NaN: *ValueError; too large to hold in nanoseconds: *OverflowError).

// NoTimeout is Python's None timeout: blocking mode.
const NoTimeout time.Duration = math.MinInt64

// defaultTimeout is the module default (setdefaulttimeout); NoTimeout at
// start, as in Python.
var defaultTimeout atomic.Int64

func init() { defaultTimeout.Store(int64(NoTimeout)) }

// checkTimeout validates a timeout Duration.
func checkTimeout(d time.Duration) error {
	if d < 0 && d != NoTimeout {
		return &ValueError{Msg: "Timeout value out of range"}
	}
	return nil
}

// SecondsToTimeout converts Python float seconds to a timeout Duration with
// Python's rules: NaN is a *ValueError "Invalid value NaN (not a number)";
// a value too large for nanoseconds in an int64 (including ±Inf) is an
// *OverflowError "timestamp out of range for platform time_t"; a negative
// value is a *ValueError "Timeout value out of range". Fractions of a
// nanosecond round up (Python's _PyTime_ROUND_TIMEOUT).
func SecondsToTimeout(sec float64) (time.Duration, error) {
	if math.IsNaN(sec) {
		return 0, &ValueError{Msg: "Invalid value NaN (not a number)"}
	}
	ns := sec * 1e9
	if ns >= 0 {
		ns = math.Ceil(ns)
	} else {
		ns = math.Floor(ns)
	}
	if !(ns >= math.MinInt64 && ns < math.MaxInt64) {
		return 0, &OverflowError{Msg: "timestamp out of range for platform time_t"}
	}
	if ns < 0 {
		return 0, &ValueError{Msg: "Timeout value out of range"}
	}
	return time.Duration(ns), nil
}

// SetDefaultTimeout sets the timeout that new sockets get (Python's
// socket.setdefaulttimeout): NoTimeout (None), 0 or a positive duration.
func SetDefaultTimeout(d time.Duration) error {
	if err := checkTimeout(d); err != nil {
		return err
	}
	defaultTimeout.Store(int64(d))
	return nil
}

// SetDefaultTimeoutSeconds is SetDefaultTimeout with Python's float seconds
// (see SecondsToTimeout).
func SetDefaultTimeoutSeconds(sec float64) error {
	d, err := SecondsToTimeout(sec)
	if err != nil {
		return err
	}
	return SetDefaultTimeout(d)
}

// GetDefaultTimeout returns the module default timeout (NoTimeout for
// Python's None).
func GetDefaultTimeout() time.Duration { return time.Duration(defaultTimeout.Load()) }

// TimeoutSeconds converts a timeout Duration to Python's gettimeout() value:
// ok is false for NoTimeout (None).
func TimeoutSeconds(d time.Duration) (sec float64, ok bool) {
	if d == NoTimeout {
		return 0, false
	}
	return d.Seconds(), true
}
