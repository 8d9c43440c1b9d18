//go:build linux

// An HTTP server (net/http, unchanged) on a socket the net package cannot
// listen on by name: an AF_UNIX socket in Linux's abstract namespace, made
// with NewSocket and handed to http.Server through socket.NetListener.
//
//	go run ./examples/http-unix [-name sockspec-http] [-requests 0]
//	curl --abstract-unix-socket sockspec-http http://localhost/
//
// -requests N shuts the server down after N requests (0: serve forever).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"

	"github.com/sockspec/socket"
)

func main() {
	name := flag.String("name", "sockspec-http", "abstract socket name (without the leading NUL)")
	requests := flag.Int64("requests", 0, "stop after this many requests (0: never)")
	flag.Parse()

	s, err := socket.NewSocket(socket.AF_UNIX, socket.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Bind(socket.UnixAddress{Path: "\x00" + *name}); err != nil {
		log.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		log.Fatal(err)
	}
	l, err := socket.NetListener(s) // l owns s
	if err != nil {
		log.Fatal(err)
	}

	srv := &http.Server{}
	done := make(chan struct{})
	var served atomic.Int64
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello from sockspec: %s %s over %s %s\n", r.Method, r.URL.Path, l.Addr().Network(), l.Addr())
		if n := served.Add(1); *requests > 0 && n == *requests {
			go func() {
				srv.Shutdown(context.Background())
				close(done)
			}()
		}
	})
	fmt.Printf("Serving HTTP on %s %s\n", l.Addr().Network(), l.Addr())
	if err := srv.Serve(l); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	<-done
}
