// Echo client program, IPv4 and IPv6: the reference's fourth example, with
// github.com/sockspec/socket in place of Python's socket module. It tries
// every address GetAddrInfo gives for the host and talks to the first one
// that accepts the connection.
//
//	go run ./examples/echo-client-ds [-host localhost] [-port 50007]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sockspec/socket"
)

func main() {
	host := flag.String("host", "localhost", "the remote host")
	port := flag.Int("port", 50007, "the same port as used by the server")
	flag.Parse()

	infos, err := socket.GetAddrInfo(*host, *port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, 0)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	var s *socket.Socket
	for _, res := range infos {
		s, err = socket.NewSocket(res.Family, res.Type, res.Proto)
		if err != nil {
			s = nil
			continue
		}
		if err := s.Connect(res.Addr); err != nil {
			s.Close()
			s = nil
			continue
		}
		break
	}
	if s == nil {
		fmt.Println("could not open socket")
		os.Exit(1)
	}
	defer s.Close()
	if err := s.SendAll([]byte("Hello, world"), 0); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	data, err := s.Recv(1024, 0)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("Received %q\n", data)
}
