//go:build unix

package socket

import (
	"errors"
	"io"
	"syscall"
	"testing"
	"time"
)

func TestMakeFileBinary(t *testing.T) {
	for _, buffering := range []int{-1, 0, 16} {
		a, b := unixPair(t, SOCK_STREAM)
		w, err := a.MakeFile("wb", buffering, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.MakeFile("rb", buffering, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("line one\nline two\nrest")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil { // flushes
			t.Fatal(err)
		}
		a.Close() // the last reference: EOF for the reader
		if l, err := r.ReadLine(); err != nil || string(l) != "line one\n" {
			t.Errorf("buffering %d: ReadLine = %q, %v", buffering, l, err)
		}
		if buffering != 0 {
			if d, err := r.ReadN(4); err != nil || string(d) != "line" {
				t.Errorf("buffering %d: ReadN(4) = %q, %v", buffering, d, err)
			}
			if d, err := r.ReadN(-1); err != nil || string(d) != " two\nrest" {
				t.Errorf("buffering %d: ReadN(-1) = %q, %v", buffering, d, err)
			}
		} else {
			if l, err := r.ReadLine(); err != nil || string(l) != "line two\n" {
				t.Errorf("unbuffered: ReadLine = %q, %v", l, err)
			}
			if l, err := r.ReadLine(); err != nil || string(l) != "rest" {
				t.Errorf("unbuffered: last ReadLine = %q, %v", l, err)
			}
		}
		if l, err := r.ReadLine(); err != io.EOF || len(l) != 0 {
			t.Errorf("buffering %d: ReadLine at EOF = %q, %v", buffering, l, err)
		}
		r.Close()
	}
}

func TestMakeFileText(t *testing.T) {
	a, b := unixPair(t, SOCK_STREAM)
	w, err := a.MakeFile("w", -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.MakeFile("r", -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w.WriteString("héllo\r\nwörld\rlast\n")
	w.Write([]byte{0xff, '\n'})
	w.Close()
	a.Close()
	for _, want := range []string{"héllo\n", "wörld\n"} {
		if l, err := r.ReadLineText(); err != nil || l != want {
			t.Errorf("ReadLineText = %q, %v; want %q", l, err, want)
		}
	}
	if s, err := r.ReadText(3); err != nil || s != "las" {
		t.Errorf("ReadText(3) = %q, %v", s, err)
	}
	if s, err := r.ReadText(2); err != nil || s != "t\n" {
		t.Errorf("ReadText(2) = %q, %v", s, err)
	}
	var ve *ValueError
	if _, err := r.ReadText(-1); !errors.As(err, &ve) {
		t.Errorf("invalid UTF-8: %v, want a ValueError", err)
	}
}

func TestMakeFileModes(t *testing.T) {
	a, _ := unixPair(t, SOCK_STREAM)
	var ve *ValueError
	if _, err := a.MakeFile("x", -1, nil); !errors.As(err, &ve) || ve.Msg != "invalid mode 'x' (only r, w, b allowed)" {
		t.Errorf("mode x: %v", err)
	}
	if _, err := a.MakeFile("r", 0, nil); !errors.As(err, &ve) || ve.Msg != "unbuffered streams must be binary" {
		t.Errorf("unbuffered text: %v", err)
	}
	f, err := a.MakeFile("rwb", -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := f.Write([]byte("x")); !errors.As(err, &ve) {
		t.Errorf("write after close: %v", err)
	}
	g, _ := a.MakeFile("rb", -1, nil)
	defer g.Close()
	if _, err := g.Write([]byte("x")); err == nil {
		t.Errorf("write to a read-only file succeeded")
	}
	// Non-blocking: accepted; a read reports EAGAIN.
	a.SetBlocking(false)
	if _, err := g.ReadN(1); !errors.Is(err, syscall.EAGAIN) {
		t.Errorf("non-blocking read: %v, want EAGAIN", err)
	}
	a.SetTimeout(20 * time.Millisecond)
	if _, err := g.ReadN(1); !errors.Is(err, ErrTimeout) {
		t.Errorf("timeout read: %v", err)
	}
	var oe *OSError
	if _, err := g.ReadN(1); !errors.As(err, &oe) || oe.Msg != "cannot read from timed out object" {
		t.Errorf("read after a timeout: %v", err)
	}
}

// The connection lives until the socket and all its files are closed.
func TestMakeFileCloseSemantics(t *testing.T) {
	a, b := unixPair(t, SOCK_STREAM)
	f1, _ := a.MakeFile("rwb", 0, nil)
	f2, _ := a.MakeFile("wb", 0, nil)
	a.Close()
	if _, err := f1.Write([]byte("1")); err != nil {
		t.Fatalf("write through a file after Socket.Close: %v", err)
	}
	f1.Close()
	if _, err := f2.Write([]byte("2")); err != nil {
		t.Fatalf("write through the second file: %v", err)
	}
	b.SetTimeout(2 * time.Second)
	if d, err := b.Recv(10, 0); err != nil || string(d) != "1" && string(d) != "12" {
		t.Fatalf("peer got %q, %v", d, err)
	}
	f2.Close()
	// Now everything is closed: the peer sees EOF.
	for i := 0; i < 3; i++ {
		d, err := b.Recv(10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(d) == 0 {
			return
		}
	}
	t.Error("no EOF after the socket and its files were closed")
}
