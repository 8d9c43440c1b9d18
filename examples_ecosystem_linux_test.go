//go:build linux

package socket

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// The Linux sniffer (AF_PACKET on lo) sees a UDP datagram sent on
// loopback. Needs CAP_NET_RAW.
func TestExampleSniffer(t *testing.T) {
	bins := buildExamples(t, "sniffer")
	probe, err := NewSocket(AF_PACKET, SOCK_RAW, 0)
	if err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skip("AF_PACKET needs CAP_NET_RAW")
		}
		t.Skipf("no AF_PACKET: %v", err)
	}
	probe.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bins["sniffer"], "-iface", "lo", "-count", "1")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	u, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	port := freePort(t)
	for i := 0; i < 200; i++ { // bounded: send until the sniffer has one
		u.SendTo([]byte("sniff me"), InetAddress{Host: "127.0.0.1", Port: port})
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("sniffer: %v\n%s", err, out.String())
			}
			if !regexp.MustCompile(`^\d+ bytes [0-9a-f ]+ \.\.\. from \('lo', \d+, \d+, \d+, b'.*'\)\n$`).MatchString(out.String()) {
				t.Errorf("sniffer printed %q", out.String())
			}
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("the sniffer saw nothing in 10 s: %s", out.String())
}
