package socket

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The reference's dual-stack echo server and client (GetAddrInfo), run
// against each other on loopback: once over IPv4 and, where the machine
// has an IPv6 loopback, over IPv6.
func TestExampleEchoDualStack(t *testing.T) {
	bins := buildExamples(t, "echo-server-ds", "echo-client-ds")
	hosts := []string{"127.0.0.1"}
	if hasIPv6Loopback() {
		hosts = append(hosts, "::1")
	}
	for _, host := range hosts {
		t.Run(host, func(t *testing.T) {
			port := strconv.Itoa(freePort(t))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var srvOut bytes.Buffer
			srv := exec.CommandContext(ctx, bins["echo-server-ds"], "-host", host, "-port", port)
			srv.Stdout, srv.Stderr = &srvOut, &srvOut
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			var out []byte
			var err error
			for i := 0; i < 100; i++ { // bounded: wait for the server to listen
				out, err = exec.CommandContext(ctx, bins["echo-client-ds"], "-host", host, "-port", port).CombinedOutput()
				if err == nil || !strings.Contains(string(out), "could not open socket") {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("client: %v\n%s", err, out)
			}
			if err := srv.Wait(); err != nil {
				t.Fatalf("server: %v\n%s", err, srvOut.String())
			}
			if got := strings.TrimSpace(string(out)); got != `Received "Hello, world"` {
				t.Errorf("client printed %q", got)
			}
			want := `^Connected by \('127\.0\.0\.1', \d+\)\n$`
			if host == "::1" {
				want = `^Connected by \('::1', \d+, 0, 0\)\n$`
			}
			if !regexp.MustCompile(want).MatchString(srvOut.String()) {
				t.Errorf("server printed %q", srvOut.String())
			}
		})
	}
}

// Descriptor passing between two processes.
func TestExampleFdPassing(t *testing.T) {
	bins := buildExamples(t, "fd-passing")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bins["fd-passing"]).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := `^child: received "here is a pipe" and a descriptor; read from it: "a message through the passed descriptor \(from pid \d+\)"\nparent: done\n$`
	if !regexp.MustCompile(want).Match(out) {
		t.Errorf("printed %q", out)
	}
}

// net/http on an abstract AF_UNIX socket, driven by curl.
func TestExampleHTTPUnix(t *testing.T) {
	bins := buildExamples(t, "http-unix")
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed (apt-get install curl)")
	}
	name := "sockspec-example-" + strconv.Itoa(int(time.Now().UnixNano()%1e9))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var srvOut bytes.Buffer
	srv := exec.CommandContext(ctx, bins["http-unix"], "-name", name, "-requests", "2")
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for i := 0; i < 100; i++ { // bounded: wait for the server to listen
		out, err = exec.CommandContext(ctx, curl, "-sS", "--max-time", "10", "--abstract-unix-socket", name, "http://localhost/first").CombinedOutput()
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	if got := string(out); got != "Hello from sockspec: GET /first over unix @"+name+"\n" {
		t.Errorf("curl printed %q", got)
	}
	out2, err := exec.CommandContext(ctx, curl, "-sS", "--max-time", "10", "--abstract-unix-socket", name, "-d", "x", "http://localhost/second").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out2), "Hello from sockspec: POST /second") {
		t.Errorf("second curl: %v %q", err, out2)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("server: %v\n%s", err, srvOut.String())
	}
	if got := srvOut.String(); got != "Serving HTTP on unix @"+name+"\n" {
		t.Errorf("server printed %q", got)
	}
}

// The CAN example builds everywhere (its test runs in the VM, with vcan0).
func TestExampleCANRawBuilds(t *testing.T) {
	buildExamples(t, "can-raw")
}
