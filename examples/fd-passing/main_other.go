//go:build !unix

// Descriptor passing: send_fds/recv_fds (SCM_RIGHTS) exist on unix only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "fd-passing: send_fds/recv_fds exist on unix only")
	os.Exit(2)
}
