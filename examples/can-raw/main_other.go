//go:build !linux

// CAN raw example: AF_CAN exists on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "can-raw: AF_CAN sockets exist on Linux only")
	os.Exit(2)
}
