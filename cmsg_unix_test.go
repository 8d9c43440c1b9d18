//go:build unix

package socket

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

func init() {
	extraGoCalls["CMSG_LEN"] = func(a []any) pyResult { return goResult(CmsgLen(int(argInt(a[0])))) }
	extraGoCalls["CMSG_SPACE"] = func(a []any) pyResult { return goResult(CmsgSpace(int(argInt(a[0])))) }
}

func TestCmsgMatchesPython(t *testing.T) {
	var cs []pyCase
	for _, d := range []int64{0, 1, 2, 7, 8, 9, 15, 16, 17, 100, 4096} {
		for _, base := range []int64{0, math.MaxInt32} {
			for _, sign := range []int64{1, -1} {
				n := base + sign*d
				cs = append(cs, pyCase{"CMSG_LEN", []any{n}}, pyCase{"CMSG_SPACE", []any{n}})
			}
		}
	}
	for n := int64(math.MaxInt32 - 40); n <= math.MaxInt32+8; n++ {
		cs = append(cs, pyCase{"CMSG_LEN", []any{n}}, pyCase{"CMSG_SPACE", []any{n}})
	}
	for _, n := range []int64{-1 << 40, 1 << 40, -1} {
		cs = append(cs, pyCase{"CMSG_LEN", []any{n}}, pyCase{"CMSG_SPACE", []any{n}})
	}
	compareWithPython(t, cs)
}

func TestCmsgFixed(t *testing.T) {
	h := cmsgHdrSpace
	if n, err := CmsgLen(0); err != nil || n != h {
		t.Errorf("CmsgLen(0) = %d, %v", n, err)
	}
	if n, err := CmsgSpace(1); err != nil || n != h+cmsgAlign {
		t.Errorf("CmsgSpace(1) = %d, %v", n, err)
	}
	var ov *OverflowError
	if _, err := CmsgLen(-1); !errors.As(err, &ov) || ov.Msg != "CMSG_LEN() argument out of range" {
		t.Errorf("CmsgLen(-1) error = %v", err)
	}
	if _, err := CmsgSpace(math.MaxInt32); !errors.As(err, &ov) || ov.Msg != "CMSG_SPACE() argument out of range" {
		t.Errorf("CmsgSpace(MaxInt32) error = %v", err)
	}
}

func TestAncdataEncodeParseRoundTrip(t *testing.T) {
	items := []Ancdata{
		{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}},
		{Level: 41, Type: 50, Data: []byte("x")},
		{Level: -1, Type: 7, Data: nil},
	}
	buf, err := encodeAncdata(items)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, it := range items {
		n, _ := CmsgSpace(len(it.Data))
		want += n
	}
	if len(buf) != want {
		t.Fatalf("encoded %d bytes, want %d", len(buf), want)
	}
	got, trunc := parseAncdata(buf)
	if trunc || len(got) != len(items) {
		t.Fatalf("parse: %d items, truncated=%v", len(got), trunc)
	}
	for i := range items {
		if got[i].Level != items[i].Level || got[i].Type != items[i].Type || !bytes.Equal(got[i].Data, items[i].Data) {
			t.Errorf("item %d: got %+v want %+v", i, got[i], items[i])
		}
	}
	if _, err := encodeAncdata([]Ancdata{{Level: math.MaxInt32 + 1}}); !errors.As(err, new(*OverflowError)) {
		t.Errorf("level out of C int range: error = %v", err)
	}
}

// A control buffer cut inside an item's data gives the part inside the
// buffer (CPython's RuntimeWarning case) and stops; one cut inside a
// header, or with a cmsg_len below the header size, gives nothing more.
func TestParseAncdataTruncated(t *testing.T) {
	buf, err := encodeAncdata([]Ancdata{
		{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: []byte{1, 0, 0, 0}},
		{Level: SOL_SOCKET, Type: SCM_RIGHTS, Data: []byte{5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s0, _ := CmsgSpace(4)
	cut := buf[:s0+cmsgHdrSpace+6] // 6 bytes of the second item's 12
	got, trunc := parseAncdata(cut)
	if !trunc || len(got) != 2 || !bytes.Equal(got[1].Data, []byte{5, 0, 0, 0, 6, 0}) {
		t.Fatalf("cut data: %+v truncated=%v", got, trunc)
	}
	if fds := rightsFds(got); len(fds) != 2 || fds[0] != 1 || fds[1] != 5 {
		t.Errorf("rightsFds = %v, want [1 5] (the partial int dropped)", fds)
	}
	got, trunc = parseAncdata(buf[:s0+sizeofCmsghdr-1])
	if trunc || len(got) != 1 {
		t.Errorf("cut header: %+v truncated=%v", got, trunc)
	}
	bad := append([]byte(nil), buf...)
	putCmsgLen(bad[s0:], 3)
	got, trunc = parseAncdata(bad)
	if !trunc || len(got) != 1 {
		t.Errorf("short cmsg_len: %+v truncated=%v", got, trunc)
	}
	if got, _ := parseAncdata(nil); len(got) != 0 {
		t.Errorf("empty buffer: %+v", got)
	}
	_ = binary.NativeEndian
}
