// Echo server program, IPv4 and IPv6: the reference's third example, with
// github.com/sockspec/socket in place of Python's socket module. It listens
// on the first address GetAddrInfo gives for the passive host (it should
// listen on all of them), serves one client and echoes what it receives.
//
//	go run ./examples/echo-server-ds [-host ''] [-port 50007]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sockspec/socket"
)

func main() {
	host := flag.String("host", "", "host to listen on ('' = Python's None: all interfaces)")
	port := flag.Int("port", 50007, "port to listen on")
	flag.Parse()

	var h any // Python's HOST = None
	if *host != "" {
		h = *host
	}
	infos, err := socket.GetAddrInfo(h, *port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
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
		if err := s.Bind(res.Addr); err != nil {
			s.Close()
			s = nil
			continue
		}
		if err := s.ListenBacklog(1); err != nil {
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
	conn, addr, err := s.Accept()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer conn.Close()
	fmt.Println("Connected by", addr)
	for {
		data, err := conn.Recv(1024, 0)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		if len(data) == 0 {
			break
		}
		if _, err := conn.Send(data, 0); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
}
