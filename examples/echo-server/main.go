// Echo server program: the reference's first example (IPv4 only), with
// github.com/sockspec/socket in place of Python's socket module. It serves
// one client: everything it receives is sent back.
//
//	go run ./examples/echo-server [-host ''] [-port 50007]
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/sockspec/socket"
)

func main() {
	host := flag.String("host", "", "address to bind ('' = all interfaces, Python's INADDR_ANY)")
	port := flag.Int("port", 50007, "port to listen on")
	flag.Parse()

	s, err := socket.NewSocket(socket.AF_INET, socket.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(socket.InetAddress{Host: *host, Port: *port}); err != nil {
		log.Fatal(err)
	}
	if err := s.ListenBacklog(1); err != nil {
		log.Fatal(err)
	}
	conn, addr, err := s.Accept()
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println("Connected by", addr)
	for {
		data, err := conn.Recv(1024, 0)
		if err != nil {
			log.Fatal(err)
		}
		if len(data) == 0 {
			break
		}
		if err := conn.SendAll(data, 0); err != nil {
			log.Fatal(err)
		}
	}
}
