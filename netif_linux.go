package socket

import "golang.org/x/sys/unix"

// setHostname is sethostname(2).
func setHostname(name string) error {
	return wrapErrno("sethostname", unix.Sethostname([]byte(name)))
}
