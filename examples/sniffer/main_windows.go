//go:build windows

// Raw-socket sniffer: the reference's Windows example, with
// github.com/sockspec/socket in place of Python's socket module. It needs
// administrator privileges to put the interface in promiscuous mode.
//
//	go run ./examples/sniffer
package main

import (
	"fmt"
	"log"

	"github.com/sockspec/socket"
)

func main() {
	// the public network interface
	name, err := socket.GetHostname()
	if err != nil {
		log.Fatal(err)
	}
	host, err := socket.GetHostByName(name)
	if err != nil {
		log.Fatal(err)
	}
	// create a raw socket and bind it to the public interface
	s, err := socket.NewSocket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IP)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(socket.InetAddress{Host: host, Port: 0}); err != nil {
		log.Fatal(err)
	}
	// Include IP headers
	if err := s.SetSockOpt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1); err != nil {
		log.Fatal(err)
	}
	// receive all packages
	if err := s.Ioctl(socket.SIO_RCVALL, socket.RCVALL_ON); err != nil {
		log.Fatal(err)
	}
	// receive a package
	data, addr, err := s.RecvFrom(65565, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("(%q, %v)\n", data, addr)
	// disabled promiscuous mode
	if err := s.Ioctl(socket.SIO_RCVALL, socket.RCVALL_OFF); err != nil {
		log.Fatal(err)
	}
}
