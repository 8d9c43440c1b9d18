//go:build linux

// Raw-socket sniffer: the reference's sniffer example, written for Linux
// (the reference's version is for Windows: main_windows.go). Linux has no
// SIO_RCVALL; an AF_PACKET socket receives every frame of an interface,
// link-layer header included. Needs CAP_NET_RAW (root).
//
//	go run ./examples/sniffer [-iface lo] [-count 1]
//
// For each packet it prints Python's recvfrom result: the length and the
// start of the bytes, and the sender's address, ('lo', proto, pkttype,
// hatype, b'addr').
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/sockspec/socket"
)

func main() {
	iface := flag.String("iface", "lo", "interface to sniff on")
	count := flag.Int("count", 1, "packets to print (0: forever)")
	flag.Parse()

	proto, err := socket.Htons(socket.ETH_P_ALL)
	if err != nil {
		log.Fatal(err)
	}
	// create a raw packet socket and bind it to the interface
	s, err := socket.NewSocket(socket.AF_PACKET, socket.SOCK_RAW, int(proto))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(socket.PacketAddress{IfName: *iface, Proto: socket.ETH_P_ALL}); err != nil {
		log.Fatal(err)
	}
	for n := 0; *count == 0 || n < *count; n++ {
		// receive a package
		data, addr, err := s.RecvFrom(65565, 0)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d bytes % x ... from %v\n", len(data), data[:min(len(data), 16)], addr)
	}
}
