package resolve

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// testZone is the data of the loopback DNS server used by the tests.
type testZone struct {
	a, aaaa map[string][]string
	cname   map[string]string
	ptr     map[string]string
	exists  map[string]bool // names that exist with no records
	rcode   map[string]int  // forced response codes
	trunc   map[string]bool // answer with TC (no records) over UDP
	silent  map[string]bool // never answer
	mu      sync.Mutex
	queries []string
}

func (z *testZone) log(q string) {
	z.mu.Lock()
	z.queries = append(z.queries, q)
	z.mu.Unlock()
}

// takeQueries returns the queries logged so far and forgets them (the
// server goroutine writes the log: the race detector sees no order through
// the network).
func (z *testZone) takeQueries() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	q := z.queries
	z.queries = nil
	return q
}

func (z *testZone) answer(req []byte, udp bool) []byte {
	m, err := parseMsg(req)
	if err != nil || !m.question {
		return nil
	}
	name := strings.ToLower(m.qname)
	z.log(name)
	if z.silent[name] {
		return nil
	}
	resp := make([]byte, 12, 512)
	binary.BigEndian.PutUint16(resp[0:], m.id)
	flags := uint16(0x8180) // QR RD RA
	binary.BigEndian.PutUint16(resp[4:], 1)
	resp, _ = appendName(resp, m.qname)
	resp = binary.BigEndian.AppendUint16(resp, m.qtype)
	resp = binary.BigEndian.AppendUint16(resp, m.qclass)
	an := 0
	addRR := func(owner string, typ uint16, rdata []byte) {
		resp, _ = appendName(resp, owner)
		resp = binary.BigEndian.AppendUint16(resp, typ)
		resp = binary.BigEndian.AppendUint16(resp, dnsClassIN)
		resp = binary.BigEndian.AppendUint32(resp, 60)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
		an++
	}
	if rc, ok := z.rcode[name]; ok {
		flags |= uint16(rc)
	} else if udp && z.trunc[name] {
		flags |= 0x0200
	} else {
		cur := name
		known := false
		for hop := 0; hop < 8; hop++ {
			t, ok := z.cname[cur]
			if !ok {
				break
			}
			known = true
			rd, _ := appendName(nil, t)
			addRR(cur, dnsTypeCNAME, rd)
			cur = t
		}
		if z.a[cur] != nil || z.aaaa[cur] != nil || z.exists[cur] || z.ptr[cur] != "" {
			known = true
		}
		switch m.qtype {
		case dnsTypeA:
			for _, s := range z.a[cur] {
				a := netip.MustParseAddr(s).As4()
				addRR(cur, dnsTypeA, a[:])
			}
		case dnsTypeAAAA:
			for _, s := range z.aaaa[cur] {
				a := netip.MustParseAddr(s).As16()
				addRR(cur, dnsTypeAAAA, a[:])
			}
		case dnsTypePTR:
			if t := z.ptr[cur]; t != "" {
				rd, _ := appendName(nil, t)
				addRR(cur, dnsTypePTR, rd)
			}
		}
		if !known {
			flags |= rcodeNXDomain
		}
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[6:], uint16(an))
	return resp
}

// startDNS serves z on addr (UDP and TCP) until the test ends.
func startDNS(t testing.TB, addr string, z *testZone) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		pc.Close()
		t.Skipf("cannot listen on %s/tcp: %v", addr, err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := z.answer(buf[:n], true); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				for i := 0; i < 16; i++ {
					var lb [2]byte
					if _, err := readFull(c, lb[:]); err != nil {
						return
					}
					req := make([]byte, binary.BigEndian.Uint16(lb[:]))
					if _, err := readFull(c, req); err != nil {
						return
					}
					resp := z.answer(req, false)
					if resp == nil {
						return
					}
					c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(resp))), resp...))
				}
			}()
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		ln.Close()
		wg.Wait()
	})
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func exampleZone() *testZone {
	return &testZone{
		a: map[string][]string{
			"www.example.test":         {"192.0.2.10"},
			"v4only.example.test":      {"192.0.2.11"},
			"multi.example.test":       {"10.0.0.1", "192.0.2.20", "192.0.2.21"},
			"short.example.test":       {"192.0.2.30"},
			"linklocal.example.test":   {"192.0.2.40"},
			"loopmix.example.test":     {"127.0.0.7", "192.0.2.41"},
			"dotted.name":              {"192.0.2.31"},
			"dotted.name.example.test": {"192.0.2.32"},
		},
		aaaa: map[string][]string{
			"www.example.test":       {"2001:db8::10"},
			"v6only.example.test":    {"2001:db8::11"},
			"multi.example.test":     {"2001:db8::20", "fd00::5"},
			"linklocal.example.test": {"fe80::99"},
			"loopmix.example.test":   {"::1", "fd00::7"},
		},
		cname: map[string]string{
			"alias.example.test":  "www.example.test",
			"alias2.example.test": "alias.example.test",
		},
		ptr: map[string]string{
			"10.2.0.192.in-addr.arpa": "www.example.test",
			"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": "www.example.test",
			"2.2.0.192.in-addr.arpa": "vm.example.test",
		},
		exists: map[string]bool{"empty.example.test": true},
		rcode: map[string]int{
			"servfail.example.test": rcodeServFail,
			"refused.example.test":  rcodeRefused,
		},
	}
}
