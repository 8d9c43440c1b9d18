//go:build !linux && !windows

// Raw-socket sniffer: written for Linux (AF_PACKET) and Windows
// (SIO_RCVALL); the BSDs use bpf(4) instead.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sniffer: needs AF_PACKET (linux) or SIO_RCVALL (windows)")
	os.Exit(2)
}
