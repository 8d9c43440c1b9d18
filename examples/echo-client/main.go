// Echo client program: the reference's second example (IPv4 only), with
// github.com/sockspec/socket in place of Python's socket module.
//
//	go run ./examples/echo-client [-host 127.0.0.1] [-port 50007]
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/sockspec/socket"
)

func main() {
	host := flag.String("host", "127.0.0.1", "the remote host")
	port := flag.Int("port", 50007, "the same port as used by the server")
	flag.Parse()

	s, err := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Connect(socket.InetAddress{Host: *host, Port: *port}); err != nil {
		log.Fatal(err)
	}
	if err := s.SendAll([]byte("Hello, world"), 0); err != nil {
		log.Fatal(err)
	}
	data, err := s.Recv(1024, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Received %q\n", data)
}
