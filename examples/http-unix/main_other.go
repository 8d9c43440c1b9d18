//go:build !linux

// The abstract AF_UNIX namespace exists on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "http-unix: abstract AF_UNIX sockets exist on Linux only")
	os.Exit(2)
}
