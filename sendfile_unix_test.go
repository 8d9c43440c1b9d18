//go:build unix

package socket

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tcpPair returns a connected TCP pair on 127.0.0.1.
func tcpPair(t *testing.T) (client, server *Socket) {
	t.Helper()
	l, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Bind(InetAddress{Host: "127.0.0.1", Port: 0}); err != nil {
		t.Fatal(err)
	}
	if err := l.ListenBacklog(1); err != nil {
		t.Fatal(err)
	}
	la, err := l.GetSockName()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewSocket(AF_INET, SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(la); err != nil {
		c.Close()
		t.Fatal(err)
	}
	s, _, err := l.Accept()
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

// drain reads from s until EOF in a goroutine; the result arrives on the
// returned channel.
func drain(s *Socket) <-chan []byte {
	ch := make(chan []byte, 1)
	go func() {
		var all []byte
		for i := 0; i < 1<<20; i++ {
			b, err := s.Recv(65536, 0)
			if err != nil || len(b) == 0 {
				break
			}
			all = append(all, b...)
		}
		ch <- all
	}()
	return ch
}

func tempFile(t *testing.T, size int) (*os.File, []byte) {
	t.Helper()
	data := make([]byte, size)
	rand.New(rand.NewSource(int64(size))).Read(data)
	p := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, data
}

func TestSendFileTCP(t *testing.T) {
	const size = 3<<20 + 12345
	for _, c := range []struct{ offset, count int64 }{{0, 0}, {1000, 0}, {1000, 2 << 20}, {size - 10, 0}, {5, 1}} {
		f, data := tempFile(t, size)
		cl, sv := tcpPair(t)
		got := drain(sv)
		n, err := cl.SendFile(f, c.offset, c.count)
		cl.Shutdown(SHUT_WR)
		want := data[c.offset:]
		if c.count > 0 {
			want = want[:c.count]
		}
		if err != nil || n != int64(len(want)) {
			t.Fatalf("offset %d count %d: SendFile = %d, %v; want %d", c.offset, c.count, n, err, len(want))
		}
		var recv []byte
		select {
		case recv = <-got:
		case <-time.After(20 * time.Second):
			t.Fatal("receiver stuck")
		}
		if !bytes.Equal(recv, want) {
			t.Errorf("offset %d count %d: received %d bytes, differing from the file's", c.offset, c.count, len(recv))
		}
		if pos, _ := f.Seek(0, io.SeekCurrent); pos != c.offset+n {
			t.Errorf("offset %d count %d: file position %d, want %d", c.offset, c.count, pos, c.offset+n)
		}
	}
}

// A pipe is not a regular file: SendFile falls back to read + send.
func TestSendFilePipeFallback(t *testing.T) {
	cl, sv := tcpPair(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	payload := bytes.Repeat([]byte("pipe data "), 3000)
	go func() { w.Write(payload); w.Close() }()
	got := drain(sv)
	n, err := cl.SendFile(r, 0, 20000)
	cl.Shutdown(SHUT_WR)
	if err != nil || n != 20000 {
		t.Fatalf("SendFile(pipe) = %d, %v", n, err)
	}
	if recv := <-got; !bytes.Equal(recv, payload[:20000]) {
		t.Errorf("received %d bytes, differing", len(recv))
	}
}

func TestSendFileErrors(t *testing.T) {
	f, _ := tempFile(t, 100)
	u, err := NewSocket(AF_INET, SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	var ve *ValueError
	if _, err := u.SendFile(f, 0, 0); !errors.As(err, &ve) || ve.Msg != "only SOCK_STREAM type sockets are supported" {
		t.Errorf("SOCK_DGRAM: %v", err)
	}
	cl, _ := tcpPair(t)
	if _, err := cl.SendFile(f, 0, -1); !errors.As(err, &ve) || ve.Msg != "count must be a positive integer (got -1)" {
		t.Errorf("count -1: %v", err)
	}
	cl.SetBlocking(false)
	if _, err := cl.SendFile(f, 0, 0); !errors.As(err, &ve) || ve.Msg != "non-blocking sockets are not supported" {
		t.Errorf("non-blocking: %v", err)
	}
}

// In timeout mode, a peer that does not read makes SendFile time out.
func TestSendFileTimeout(t *testing.T) {
	f, _ := tempFile(t, 64<<20)
	cl, _ := tcpPair(t)
	cl.SetTimeout(100 * time.Millisecond)
	start := time.Now()
	n, err := cl.SendFile(f, 0, 0)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("SendFile to a stalled peer: %d, %v; want a timeout", n, err)
	}
	if pos, _ := f.Seek(0, io.SeekCurrent); pos != n {
		t.Errorf("file position %d after a timeout, want %d (bytes sent)", pos, n)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("timed out after %v", d)
	}
}
