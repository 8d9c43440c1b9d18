//go:build linux

package socket

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// TestBlockedReaderStack: a goroutine blocked in RecvInto (in the
// netpoller) keeps Go's initial 2 KiB stack: the frames on the way to the
// park are small. (At 10k blocked readers, a 4 KiB stack each would cost
// 20 MB more than Go's net.)
//
// Go sizes new goroutines' stacks from the average it has seen
// (GODEBUG=adaptivestackstart), so after other tests a new goroutine may
// start larger: the test runs itself in a fresh process with that off.
func TestBlockedReaderStack(t *testing.T) {
	if coreRaceEnabled() {
		t.Skip("the race detector's frames are larger (the GOMAXPROCS=1 CI stage runs this without it)")
	}
	if os.Getenv("SOCKSPEC_STACK_CHILD") == "" {
		if underQEMUUser() {
			t.Skip("qemu-user: the test binary cannot exec itself (no binfmt handler)")
		}
		// Once with poller files, once through the epoll instance
		// (poll_linux.go). With two Ps: on one, a reader's first
		// receive may block in the call itself for a slice
		// (blockio_linux.go), and an expired slice yields through deeper
		// frames that grow its stack for a while (how many readers do so
		// depends on the scheduling: 80 of 500 here, all 500 once on a
		// loaded machine); this test is about the netpoller's park.
		for _, dups := range []string{"", "0"} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBlockedReaderStack$", "-test.v")
			cmd.Env = append(os.Environ(), "SOCKSPEC_STACK_CHILD=1", "GODEBUG=adaptivestackstart=0", "SOCKSPEC_POLLDUPS="+dups, "GOMAXPROCS=2")
			out, err := cmd.CombinedOutput()
			t.Logf("SOCKSPEC_POLLDUPS=%q: %s", dups, out)
			if err != nil {
				t.Fatalf("child (SOCKSPEC_POLLDUPS=%q): %v", dups, err)
			}
		}
		return
	}
	const n = 500
	var socks []*Socket
	defer func() {
		for _, s := range socks {
			s.Close()
		}
	}()
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	done := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		a, b, err := SocketPair(AF_UNIX, SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		socks = append(socks, a, b)
		go func() {
			var buf [1]byte
			a.RecvInto(buf[:], 0, 0)
			done <- struct{}{}
		}()
	}
	time.Sleep(300 * time.Millisecond) // every reader parks
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	per := float64(m1.StackInuse-m0.StackInuse) / n
	t.Logf("stack in use per blocked reader: %.0f bytes (one-P slices that expired or were interrupted: %d)", per, onePInterrupts.Load())
	if per > 3072 {
		t.Errorf("stack in use per blocked reader: %.0f bytes, want 2 KiB (the initial stack)", per)
	}
	for i := 0; i < n; i++ {
		socks[2*i+1].Send([]byte("x"), 0)
	}
	for i := 0; i < n; i++ {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d readers not woken", n-i)
		}
	}
}
