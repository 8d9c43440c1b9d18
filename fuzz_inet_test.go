package socket

// Fuzz targets for the text/packed address converters (inet_pton,
// inet_aton, inet_ntop, inet_ntoa) and the numeric-host parser of
// addresses (parseIPv4Loose). Portable: they touch no socket.

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// FuzzInetPton: InetPton never panics; what it accepts net/netip accepts
// too (same bytes), for AF_INET exactly the same set; the packed result
// formats with InetNtop to a string that parses back to it.
func FuzzInetPton(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "01.2.3.4", "1.2.3", "::", "::1", "1::", "1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7::", "::ffff:1.2.3.4", "::1.2.3.4", "fe80::1%lo", "1:2:3:4:5:6:1.2.3.4", "12345::", ":::", "1.2.3.4\x00", "", "g::"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, six bool) {
		fam, size := AF_INET, 4
		if six {
			fam, size = AF_INET6, 16
		}
		b, err := InetPton(fam, s)
		if strings.IndexByte(s, 0) >= 0 {
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("InetPton(%q): %v, want *ValueError", s, err)
			}
			return
		}
		na, nerr := netip.ParseAddr(s)
		if err != nil {
			var oe *OSError
			if !errors.As(err, &oe) || oe.Msg != "illegal IP address string passed to inet_pton" {
				t.Fatalf("InetPton(%q): %v (%T)", s, err, err)
			}
			if !six && nerr == nil && na.Is4() {
				t.Fatalf("InetPton(AF_INET, %q) rejects what netip parses as %v", s, na)
			}
			return
		}
		if len(b) != size {
			t.Fatalf("InetPton(%q) = %d bytes", s, len(b))
		}
		if nerr != nil || na.Zone() != "" || (six != na.Is6()) || !bytes.Equal(na.AsSlice(), b) {
			t.Fatalf("InetPton(%v, %q) = %x; netip: %v, %v", fam, s, b, na, nerr)
		}
		txt, err := InetNtop(fam, b)
		if err != nil {
			t.Fatalf("InetNtop(%x): %v", b, err)
		}
		b2, err := InetPton(fam, txt)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%q -> %x -> %q -> %x, %v", s, b, txt, b2, err)
		}
	})
}

// FuzzInetNtop: any 4 or 16 bytes format to the text netip gives (RFC 5952
// for IPv6; glibc prints IPv4-compatible and mapped forms with a dotted
// tail) which parses back to the same bytes; any other length is a
// *ValueError.
func FuzzInetNtop(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1})
	f.Add(make([]byte, 16))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fam := range []AddressFamily{AF_INET, AF_INET6} {
			size := 4
			if fam == AF_INET6 {
				size = 16
			}
			txt, err := InetNtop(fam, b)
			if len(b) != size {
				var ve *ValueError
				if !errors.As(err, &ve) {
					t.Fatalf("InetNtop(%v, %d bytes): %v, want *ValueError", fam, len(b), err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("InetNtop(%v, %x): %v", fam, b, err)
			}
			back, err := InetPton(fam, txt)
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("InetNtop(%v, %x) = %q, which parses to %x, %v", fam, b, txt, back, err)
			}
			if fam == AF_INET {
				if s, _ := InetNtoa(b); s != txt {
					t.Fatalf("InetNtoa(%x) = %q, InetNtop %q", b, s, txt)
				}
			}
		}
	})
}

// FuzzInetAton: InetAton never panics; an accepted string gives 4 bytes
// whose dotted form is accepted again with the same result; the
// getaddrinfo/bind numeric-host parser (parseIPv4Loose: inet_aton without
// trailing characters) agrees with it on every string without whitespace.
func FuzzInetAton(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "127.1", "0x7f000001", "0177.0.0.1", "1.2.3.4 junk", "1.2.3.4\tx", "4294967295", "4294967296",
		"0x", "0x.1", "08", "1..2", "1.2.3.4.", "256.1.1.1", "1.16777215", "1.2.65535", " 1.2.3.4", "", "0", "00", "0xffffffff", "1.2.3.4\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := InetAton(s)
		if strings.IndexByte(s, 0) >= 0 {
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("InetAton(%q): %v, want *ValueError", s, err)
			}
			return
		}
		loose, looseOK := parseIPv4Loose(s)
		if err != nil {
			var oe *OSError
			if !errors.As(err, &oe) || oe.Msg != "illegal IP address string passed to inet_aton" {
				t.Fatalf("InetAton(%q): %v (%T)", s, err, err)
			}
			if looseOK {
				t.Fatalf("parseIPv4Loose accepts %q (%#x), inet_aton does not", s, loose)
			}
			return
		}
		if len(b) != 4 {
			t.Fatalf("InetAton(%q) = %d bytes", s, len(b))
		}
		txt, err := InetNtoa(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := InetAton(txt)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%q -> %x -> %q -> %x, %v", s, b, txt, b2, err)
		}
		hasSpace := strings.ContainsAny(s, " \t\n\v\f\r")
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		switch {
		case looseOK && loose != v:
			t.Fatalf("%q: inet_aton %#x, parseIPv4Loose %#x", s, v, loose)
		case !looseOK && !hasSpace:
			t.Fatalf("%q: inet_aton accepts (%#x), parseIPv4Loose does not", s, v)
		}
	})
}
