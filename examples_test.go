package socket

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildExamples builds the named programs under examples/ for this machine
// and returns their paths.
func buildExamples(t *testing.T, names ...string) map[string]string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the example programs are built and run by the Linux test run")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is needed to build the examples")
	}
	dir, err := os.MkdirTemp("", "sockspec-examples-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOARCH=") {
			env = append(env, kv)
		}
	}
	out := map[string]string{}
	for _, n := range names {
		bin := filepath.Join(dir, n)
		cmd := exec.Command(gobin, "build", "-o", bin, "./examples/"+n)
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building examples/%s: %v\n%s", n, err, b)
		}
		out[n] = bin
	}
	return out
}

// freePort finds a TCP port on 127.0.0.1 that nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	s, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(InetAddress{Host: "127.0.0.1", Port: 0}); err != nil {
		t.Fatal(err)
	}
	a, err := s.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	return a.(InetAddress).Port
}

// The reference's IPv4 echo server and client, run against each other.
func TestExampleEchoIPv4(t *testing.T) {
	bins := buildExamples(t, "echo-server", "echo-client")
	port := strconv.Itoa(freePort(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var srvOut bytes.Buffer
	srv := exec.CommandContext(ctx, bins["echo-server"], "-host", "127.0.0.1", "-port", port)
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var cliOut []byte
	var err error
	for i := 0; i < 100; i++ { // bounded: wait for the server to listen
		cliOut, err = exec.CommandContext(ctx, bins["echo-client"], "-host", "127.0.0.1", "-port", port).CombinedOutput()
		if err == nil || !strings.Contains(string(cliOut), "Connection refused") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("client: %v\n%s", err, cliOut)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("server: %v\n%s", err, srvOut.String())
	}
	if got := strings.TrimSpace(string(cliOut)); got != `Received "Hello, world"` {
		t.Errorf("client printed %q", got)
	}
	if !regexp.MustCompile(`^Connected by \('127\.0\.0\.1', \d+\)\n$`).MatchString(srvOut.String()) {
		t.Errorf("server printed %q", srvOut.String())
	}
}
