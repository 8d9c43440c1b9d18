package socket

import "math"

// checkCInt reports CPython's OverflowError for a value that does not fit
// in a C int.
func checkCInt(v int) error {
	switch {
	case int64(v) > math.MaxInt32:
		return newOverflowErr("signed integer is greater than maximum")
	case int64(v) < math.MinInt32:
		return newOverflowErr("signed integer is less than minimum")
	}
	return nil
}

// checkCInts is checkCInt for each of vs (Python's "i" arguments).
func checkCInts(vs ...int) error {
	for _, v := range vs {
		if err := checkCInt(v); err != nil {
			return err
		}
	}
	return nil
}

// checkFlags is checkCInt for the flags argument of recv/send calls.
func checkFlags(flags MsgFlag) error { return checkCInt(int(flags)) }
