//go:build linux

package socket

// FuzzGetAddrInfo: getaddrinfo's argument handling (host and port in every
// Go form Python's None/str/bytes/int map to, family, type, proto, flags)
// over a resolver that reads temporary files and whose only nameserver is
// 127.0.0.1 on a closed UDP port. A dial anywhere else panics the target:
// nothing leaves loopback.

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// closedUDPPort returns a loopback UDP port nothing listens on (bound,
// then released).
func closedUDPPort(tb testing.TB) int {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	return port
}

// offlineResolverConfig writes a hosts, services, protocols, nsswitch.conf
// ("files dns") and resolv.conf into dir and returns a configuration that
// can only reach 127.0.0.1:dnsPort.
func offlineResolverConfig(tb testing.TB, dir string, dnsPort int) ResolverConfig {
	files := map[string]string{
		"hosts":         "127.0.0.1 localhost fuzzhost\n::1 localhost6 fuzzhost\n10.1.2.3 ten.example ten\nfe80::1 linklocal\n",
		"services":      "http 80/tcp www\nhttp 80/udp\ndomain 53/tcp\ndomain 53/udp\nbig 99999/tcp\n",
		"protocols":     "ip 0 IP\ntcp 6 TCP\nudp 17 UDP\n",
		"nsswitch.conf": "hosts: files dns\n",
		"resolv.conf":   "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	var d net.Dialer
	return ResolverConfig{
		HostsPath:      filepath.Join(dir, "hosts"),
		ServicesPath:   filepath.Join(dir, "services"),
		ProtocolsPath:  filepath.Join(dir, "protocols"),
		NSSwitchPath:   filepath.Join(dir, "nsswitch.conf"),
		ResolvConfPath: filepath.Join(dir, "resolv.conf"),
		GaiConfPath:    filepath.Join(dir, "gai.conf"), // missing: glibc's tables
		Hostname:       func() (string, error) { return "fuzzhost", nil },
		DNSPort:        dnsPort,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				panic("resolver dials a malformed address " + address)
			}
			if a, err := netip.ParseAddr(strings.SplitN(host, "%", 2)[0]); err != nil || !a.IsLoopback() {
				panic("resolver dials " + network + " " + address + ", off loopback")
			}
			return d.DialContext(ctx, network, address)
		},
	}
}

// isPackageError reports whether err is one of the package's documented
// error types.
func isPackageError(err error) bool {
	var (
		oe *OSError
		ge *GAIError
		he *HError
		ve *ValueError
		ov *OverflowError
		te *TypeError
		ue *UnicodeError
	)
	return errors.As(err, &oe) || errors.As(err, &ge) || errors.As(err, &he) || errors.As(err, &ve) ||
		errors.As(err, &ov) || errors.As(err, &te) || errors.As(err, &ue)
}

func FuzzGetAddrInfo(f *testing.F) {
	dir, err := os.MkdirTemp("", "sockspec-fuzz-gai-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	cfg := offlineResolverConfig(f, dir, closedUDPPort(f))
	SetResolverConfig(cfg)
	f.Cleanup(func() { SetResolverConfig(hermeticResolver) })

	type seed struct {
		host     string
		hostKind uint8
		port     string
		portNum  int64
		portKind uint8
		family   int64
		typ      int64
		proto    int64
		flags    int64
	}
	for _, s := range []seed{
		{"localhost", 1, "http", 0, 1, 0, 0, 0, 0},
		{"127.0.0.1", 1, "", 80, 3, int64(AF_INET), int64(SOCK_STREAM), 0, int64(AI_NUMERICHOST)},
		{"::1", 2, "", 65536, 3, int64(AF_INET6), int64(SOCK_DGRAM), 17, 0},
		{"", 0, "", -1, 3, 0, 0, 0, int64(AI_PASSIVE)},
		{"fe80::1%lo", 1, "80", 0, 2, int64(AF_INET6), 0, 0, int64(AI_NUMERICHOST | AI_NUMERICSERV)},
		{"nosuch.invalid", 1, "domain", 0, 1, 0, int64(SOCK_RAW), 0, int64(AI_CANONNAME | AI_ADDRCONFIG)},
		{"bücher.example", 1, " +80", 0, 1, 0, 0, 0, int64(AI_V4MAPPED | AI_ALL)},
		{"a\x00b", 1, "8\x000", 0, 2, 1 << 40, 0, 0, -1},
		{"0x7f.1", 1, "", 1 << 62, 4, 99, 99, 99, 0x7fffffff},
		{"ten", 1, "", 0, 5, int64(AF_INET), int64(SOCK_SEQPACKET), 132, 0},
		{strings.Repeat("a.", 130), 1, "", 0, 0, 0, 0, 0, 0},
	} {
		f.Add(s.host, s.hostKind, s.port, s.portNum, s.portKind, s.family, s.typ, s.proto, s.flags)
	}
	f.Fuzz(func(t *testing.T, hostS string, hostKind uint8, portS string, portNum int64, portKind uint8, family, typ, proto, flags int64) {
		var host, port any
		switch hostKind % 3 {
		case 1:
			host = hostS
		case 2:
			host = []byte(hostS)
		}
		switch portKind % 6 {
		case 1:
			port = portS
		case 2:
			port = []byte(portS)
		case 3:
			port = portNum
		case 4:
			port = uint64(portNum)
		case 5:
			port = portNum&1 == 1 // a bool: Python's OSError("Int or String expected")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		res, err := GetAddrInfoContext(ctx, host, port, AddressFamily(family), SocketKind(typ), int(proto), AddressInfo(flags))
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("GetAddrInfo(%q, %v) took %v", hostS, port, d)
		}
		if err != nil {
			if res != nil {
				t.Fatalf("results and error %v", err)
			}
			if !isPackageError(err) {
				t.Fatalf("GetAddrInfo(%q, %#v, %d, %d, %d, %#x): undocumented error %T %v", hostS, port, family, typ, proto, flags, err, err)
			}
			return
		}
		if len(res) == 0 {
			t.Fatal("no results and no error")
		}
		for _, ai := range res {
			_ = ai.String()
			switch a := ai.Addr.(type) {
			case InetAddress:
				if ai.Family != AF_INET || a.Port < 0 || a.Port > 0xffff {
					t.Fatalf("result %v", ai)
				}
			case Inet6Address:
				if ai.Family != AF_INET6 || a.Port < 0 || a.Port > 0xffff {
					t.Fatalf("result %v", ai)
				}
			default:
				t.Fatalf("result address %#v", ai.Addr)
			}
			var b [sizeofSockaddrStorage]byte
			if _, err := encodeSockaddr(ai.Family, "connect", ai.Addr, b[:]); err != nil {
				// A link-local result may name an interface by index only.
				if ia, ok := ai.Addr.(Inet6Address); !ok || ia.ScopeID == 0 {
					t.Fatalf("result %v does not encode: %v", ai, err)
				}
			}
		}
	})
}
