//go:build unix

// Descriptor passing between two processes with Python's send_fds and
// recv_fds (Socket.SendFds / Socket.RecvFds). The parent makes an AF_UNIX
// socket pair, starts a copy of itself as the child with one end as its
// descriptor 3, and sends the read end of a pipe over the other end; the
// child receives the descriptor and reads what the parent writes into the
// pipe afterwards.
//
//	go run ./examples/fd-passing
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"

	"github.com/sockspec/socket"
)

func main() {
	child := flag.Bool("child", false, "run as the child (descriptor 3 is the socket)")
	flag.Parse()
	if *child {
		runChild()
		return
	}

	parentEnd, childEnd, err := socket.SocketPair(socket.AF_UNIX, socket.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer parentEnd.Close()
	// Hand the child's end to the child process as descriptor 3.
	childFile := os.NewFile(uintptr(childEnd.Detach()), "child-end")
	cmd := exec.Command(os.Args[0], "-child")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{childFile}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	childFile.Close()

	pr, pw, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	if _, err := parentEnd.SendFds([][]byte{[]byte("here is a pipe")}, []int{int(pr.Fd())}, 0, nil); err != nil {
		log.Fatal(err)
	}
	pr.Close() // the child has its own copy now
	fmt.Fprintf(pw, "a message through the passed descriptor (from pid %d)", os.Getpid())
	pw.Close()
	if err := cmd.Wait(); err != nil {
		log.Fatal("child: ", err)
	}
	fmt.Println("parent: done")
}

func runChild() {
	s, err := socket.SocketFromFD(3)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	data, fds, _, _, err := s.RecvFds(1024, 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	if len(fds) != 1 {
		log.Fatalf("received %d descriptors", len(fds))
	}
	f := os.NewFile(uintptr(fds[0]), "passed-pipe")
	defer f.Close()
	text, err := io.ReadAll(f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("child: received %q and a descriptor; read from it: %q\n", data, text)
}
