package resolve

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"time"
)

// DNS record types and classes used here.
const (
	dnsTypeA     = 1
	dnsTypeCNAME = 5
	dnsTypePTR   = 12
	dnsTypeAAAA  = 28
	dnsClassIN   = 1
)

// DNS response codes.
const (
	rcodeNoError  = 0
	rcodeFormErr  = 1
	rcodeServFail = 2
	rcodeNXDomain = 3
	rcodeNotImp   = 4
	rcodeRefused  = 5
)

type dnsRR struct {
	name  string
	typ   uint16
	class uint16
	ttl   uint32
	data  []byte // raw rdata
	// target is the decoded domain name for CNAME/PTR.
	target string
}

type dnsMsg struct {
	id       uint16
	flags    uint16 // QR, opcode, AA, TC, RD, RA, rcode
	qname    string
	qtype    uint16
	qclass   uint16
	answers  []dnsRR
	nsCount  int
	arCount  int
	question bool
}

func (m *dnsMsg) rcode() int { return int(m.flags & 0xf) }
func (m *dnsMsg) truncated() bool {
	return m.flags&0x0200 != 0
}

var errBadName = errors.New("resolve: bad domain name")
var errBadMsg = errors.New("resolve: malformed DNS message")

// appendName encodes a domain name (dotted, optional trailing dot).
func appendName(b []byte, name string) ([]byte, error) {
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return append(b, 0), nil
	}
	if len(name) > 253 {
		return nil, errBadName
	}
	for _, l := range strings.Split(name, ".") {
		if len(l) == 0 || len(l) > 63 {
			return nil, errBadName
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0), nil
}

// readName decodes a (possibly compressed) name at off; it returns the
// name (dotted, no trailing dot) and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var sb strings.Builder
	end := -1
	for hops := 0; hops < 128; hops++ {
		if off >= len(msg) {
			return "", 0, errBadMsg
		}
		c := int(msg[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				if end < 0 {
					end = off + 1
				}
				return sb.String(), end, nil
			}
			if off+1+c > len(msg) {
				return "", 0, errBadMsg
			}
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.Write(msg[off+1 : off+1+c])
			if sb.Len() > 1024 {
				return "", 0, errBadMsg
			}
			off += 1 + c
		case 0xc0:
			if off+1 >= len(msg) {
				return "", 0, errBadMsg
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
		default:
			return "", 0, errBadMsg
		}
	}
	return "", 0, errBadMsg
}

func buildQuery(id uint16, name string, qtype uint16) ([]byte, error) {
	b := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(b[0:], id)
	binary.BigEndian.PutUint16(b[2:], 0x0100) // RD
	binary.BigEndian.PutUint16(b[4:], 1)
	b, err := appendName(b, name)
	if err != nil {
		return nil, err
	}
	b = binary.BigEndian.AppendUint16(b, qtype)
	b = binary.BigEndian.AppendUint16(b, dnsClassIN)
	return b, nil
}

func parseMsg(msg []byte) (*dnsMsg, error) {
	if len(msg) < 12 {
		return nil, errBadMsg
	}
	m := &dnsMsg{id: binary.BigEndian.Uint16(msg), flags: binary.BigEndian.Uint16(msg[2:])}
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	an := int(binary.BigEndian.Uint16(msg[6:]))
	m.nsCount = int(binary.BigEndian.Uint16(msg[8:]))
	m.arCount = int(binary.BigEndian.Uint16(msg[10:]))
	off := 12
	for i := 0; i < qd; i++ {
		n, o, err := readName(msg, off)
		if err != nil || o+4 > len(msg) {
			return nil, errBadMsg
		}
		if i == 0 {
			m.qname = n
			m.qtype = binary.BigEndian.Uint16(msg[o:])
			m.qclass = binary.BigEndian.Uint16(msg[o+2:])
			m.question = true
		}
		off = o + 4
	}
	for i := 0; i < an; i++ {
		n, o, err := readName(msg, off)
		if err != nil || o+10 > len(msg) {
			return nil, errBadMsg
		}
		rr := dnsRR{name: n, typ: binary.BigEndian.Uint16(msg[o:]), class: binary.BigEndian.Uint16(msg[o+2:]),
			ttl: binary.BigEndian.Uint32(msg[o+4:])}
		rdlen := int(binary.BigEndian.Uint16(msg[o+8:]))
		o += 10
		if o+rdlen > len(msg) {
			return nil, errBadMsg
		}
		rr.data = msg[o : o+rdlen]
		if rr.typ == dnsTypeCNAME || rr.typ == dnsTypePTR {
			t, _, err := readName(msg, o)
			if err != nil {
				return nil, errBadMsg
			}
			rr.target = t
		}
		m.answers = append(m.answers, rr)
		off = o + rdlen
	}
	return m, nil
}

func newID() uint16 {
	var b [2]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return uint16(time.Now().UnixNano())
	}
	return binary.BigEndian.Uint16(b[:])
}

// dnsOutcome is the result of one query name for one or two types.
type dnsOutcome struct {
	msgs  []*dnsMsg // one per type, nil if not received
	herr  HErrKind  // when failed
	unav  bool      // transport failure (timeout/refused): NSS UNAVAIL
	found bool
	// servfail: every server answered SERVFAIL/REFUSED/NOTIMP; the
	// search list goes on, as glibc's does.
	servfail bool
	rcode    int // the failing rcode when servfail
}

// exchange sends the queries (one per type) to the configured servers,
// glibc-style: attempts × servers, per-try timeout, truncation → TCP.
func (r *Resolver) exchange(ctx context.Context, conf *resolvConf, name string, types []uint16) ([]*dnsMsg, error) {
	var lastErr error = errTimeout
	ns := conf.servers
	for try := 0; try < conf.attempts; try++ {
		for i := range ns {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			srv := ns[i]
			if conf.rotate {
				srv = ns[(i+try)%len(ns)]
			}
			secs := conf.timeout << uint(try)
			if try > 0 {
				secs /= len(ns)
			}
			if secs <= 0 {
				secs = 1
			}
			tmo := remaining(ctx, time.Duration(secs)*time.Second)
			msgs, err := r.exchangeOne(ctx, srv, name, types, tmo, conf.useVC)
			if err == nil {
				return msgs, nil
			}
			lastErr = err
		}
	}
	return nil, lastErr
}

var errTimeout = errors.New("resolve: DNS timeout")
var errServerFail = errors.New("resolve: server failure")

// serverFailError is every server's SERVFAIL/REFUSED/NOTIMP answer.
type serverFailError struct{ rcode int }

func (e *serverFailError) Error() string {
	return "resolve: server failure (rcode " + itoa(int64(e.rcode)) + ")"
}

func (e *serverFailError) Is(target error) bool { return target == errServerFail }

func (r *Resolver) serverAddr(srv string) string {
	host := srv
	return net.JoinHostPort(host, itoa(int64(r.cfg.DNSPort)))
}

func (r *Resolver) exchangeOne(ctx context.Context, srv, name string, types []uint16, tmo time.Duration, tcp bool) ([]*dnsMsg, error) {
	queries := make([][]byte, len(types))
	ids := make([]uint16, len(types))
	for i, t := range types {
		ids[i] = newID()
		q, err := buildQuery(ids[i], name, t)
		if err != nil {
			return nil, err
		}
		queries[i] = q
	}
	if tcp {
		return r.exchangeTCP(ctx, srv, name, types, queries, ids, tmo)
	}
	cctx, cancel := context.WithTimeout(ctx, tmo)
	defer cancel()
	c, err := r.cfg.Dial(cctx, "udp", r.serverAddr(srv))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(cctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(time.Now().Add(tmo))
	for _, q := range queries {
		if _, err := c.Write(q); err != nil {
			return nil, err
		}
	}
	out := make([]*dnsMsg, len(types))
	got := 0
	buf := make([]byte, 65536)
	for reads := 0; got < len(types) && reads < 64; reads++ {
		n, err := c.Read(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, errTimeout
			}
			return nil, err
		}
		m, err := parseMsg(append([]byte(nil), buf[:n]...))
		if err != nil || m.flags&0x8000 == 0 {
			continue
		}
		for i := range types {
			if out[i] == nil && m.id == ids[i] && m.question && strings.EqualFold(m.qname, strings.TrimSuffix(name, ".")) && m.qtype == types[i] {
				if m.truncated() {
					return r.exchangeTCP(ctx, srv, name, types, queries, ids, tmo)
				}
				switch m.rcode() {
				case rcodeServFail, rcodeNotImp, rcodeRefused:
					return nil, &serverFailError{m.rcode()}
				}
				out[i] = m
				got++
			}
		}
	}
	if got < len(types) {
		return nil, errTimeout
	}
	return out, nil
}

func (r *Resolver) exchangeTCP(ctx context.Context, srv, name string, types []uint16, queries [][]byte, ids []uint16, tmo time.Duration) ([]*dnsMsg, error) {
	cctx, cancel := context.WithTimeout(ctx, tmo)
	defer cancel()
	c, err := r.cfg.Dial(cctx, "tcp", r.serverAddr(srv))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(cctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(time.Now().Add(tmo))
	out := make([]*dnsMsg, len(types))
	for i, q := range queries {
		b := binary.BigEndian.AppendUint16(nil, uint16(len(q)))
		if _, err := c.Write(append(b, q...)); err != nil {
			return nil, err
		}
		var lb [2]byte
		if _, err := io.ReadFull(c, lb[:]); err != nil {
			return nil, errTimeout
		}
		buf := make([]byte, binary.BigEndian.Uint16(lb[:]))
		if _, err := io.ReadFull(c, buf); err != nil {
			return nil, errTimeout
		}
		m, err := parseMsg(buf)
		if err != nil || m.id != ids[i] {
			return nil, errBadMsg
		}
		switch m.rcode() {
		case rcodeServFail, rcodeNotImp, rcodeRefused:
			return nil, &serverFailError{m.rcode()}
		}
		out[i] = m
	}
	return out, nil
}

// dnsAnswer is what a successful lookup yields.
type dnsAnswer struct {
	canon   string
	aliases []string
	addrs   [][]byte // 4 or 16 bytes, in answer order (A answers first)
	ptr     string
}

// collect follows CNAMEs from qname and gathers records of type t.
func collect(m *dnsMsg, qname string, t uint16, ans *dnsAnswer) bool {
	cur := strings.TrimSuffix(qname, ".")
	found := false
	for hop := 0; hop < 16; hop++ {
		progressed := false
		for _, rr := range m.answers {
			if rr.class != dnsClassIN || !strings.EqualFold(rr.name, cur) {
				continue
			}
			if rr.typ == dnsTypeCNAME && t != dnsTypeCNAME {
				if !containsFold(ans.aliases, cur) {
					ans.aliases = append(ans.aliases, cur)
				}
				cur = rr.target
				progressed = true
				break
			}
		}
		if !progressed {
			break
		}
	}
	for _, rr := range m.answers {
		if rr.class != dnsClassIN || rr.typ != t || !strings.EqualFold(rr.name, cur) {
			continue
		}
		switch t {
		case dnsTypeA:
			if len(rr.data) == 4 {
				ans.addrs = append(ans.addrs, append([]byte(nil), rr.data...))
				found = true
			}
		case dnsTypeAAAA:
			if len(rr.data) == 16 {
				ans.addrs = append(ans.addrs, append([]byte(nil), rr.data...))
				found = true
			}
		case dnsTypePTR:
			if ans.ptr == "" {
				ans.ptr = rr.target
				found = true
			}
		}
	}
	if found && ans.canon == "" {
		ans.canon = cur
	}
	return found
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// queryDomain queries one fully qualified name for the types.
func (r *Resolver) queryDomain(ctx context.Context, conf *resolvConf, name string, types []uint16) (dnsAnswer, dnsOutcome) {
	var ans dnsAnswer
	msgs, err := r.exchange(ctx, conf, name, types)
	if err != nil {
		if errors.Is(err, errBadName) {
			return ans, dnsOutcome{herr: NoRecovery}
		}
		o := dnsOutcome{herr: TryAgain, unav: true}
		var sf *serverFailError
		if errors.As(err, &sf) {
			o.servfail, o.rcode = true, sf.rcode
		}
		return ans, o
	}
	found := false
	for i, m := range msgs {
		if m.rcode() == rcodeNoError && collect(m, name, types[i], &ans) {
			found = true
		}
	}
	if found {
		return ans, dnsOutcome{msgs: msgs, found: true}
	}
	switch msgs[0].rcode() {
	case rcodeNXDomain:
		return ans, dnsOutcome{msgs: msgs, herr: HostNotFound}
	case rcodeNoError:
		return ans, dnsOutcome{msgs: msgs, herr: NoData}
	}
	return ans, dnsOutcome{msgs: msgs, herr: NoRecovery}
}

// search is glibc's res_nsearch over the search list.
func (r *Resolver) search(ctx context.Context, name string, types []uint16) (dnsAnswer, dnsOutcome) {
	conf := r.loadResolvConf()
	dots := strings.Count(name, ".")
	trailing := strings.HasSuffix(name, ".")
	var saved *dnsOutcome
	triedAsIs := false
	last := dnsOutcome{herr: HostNotFound}
	if dots >= conf.ndots || trailing {
		a, o := r.queryDomain(ctx, &conf, name, types)
		if o.found {
			return a, o
		}
		if o.unav && !o.servfail {
			return a, o
		}
		saved = &o
		triedAsIs = true
		last = o
	}
	searched := false
	rootOnList := false
	gotNoData, gotServfail := false, false
	if !trailing {
	loop:
		for _, d := range conf.search {
			if err := ctx.Err(); err != nil {
				return dnsAnswer{}, dnsOutcome{herr: TryAgain, unav: true}
			}
			if d == "." || d == "" {
				rootOnList = true
				continue
			}
			searched = true
			a, o := r.queryDomain(ctx, &conf, name+"."+strings.TrimSuffix(d, "."), types)
			if o.found {
				return a, o
			}
			last = o
			switch {
			case o.servfail:
				gotServfail = gotServfail || o.rcode == rcodeServFail
			case o.unav:
				return a, o
			case o.herr == NoData:
				gotNoData = true
			case o.herr == HostNotFound:
			default:
				break loop
			}
		}
	}
	if (dots > 0 || !searched || !conf.noTLD) && !(triedAsIs || rootOnList) {
		a, o := r.queryDomain(ctx, &conf, name, types)
		if o.found {
			return a, o
		}
		last = o
		if o.unav {
			return a, o
		}
	}
	if saved != nil {
		return dnsAnswer{}, *saved
	}
	if gotNoData && !last.servfail {
		last.herr = NoData
	} else if gotServfail && !(len(types) == 1 && types[0] == dnsTypeA) {
		// Observed with glibc 2.36: a SERVFAIL on a search domain followed
		// by NXDOMAIN is a temporary failure for AAAA and A+AAAA lookups,
		// not for A-only ones.
		last.herr = TryAgain
	}
	return dnsAnswer{}, last
}

// reverseName is the in-addr.arpa / ip6.arpa name of an address.
func reverseName(addr []byte) string {
	var sb strings.Builder
	if len(addr) == 4 {
		for i := 3; i >= 0; i-- {
			sb.WriteString(itoa(int64(addr[i])))
			sb.WriteByte('.')
		}
		sb.WriteString("in-addr.arpa")
		return sb.String()
	}
	const hex = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		sb.WriteByte(hex[addr[i]&0xf])
		sb.WriteByte('.')
		sb.WriteByte(hex[addr[i]>>4])
		sb.WriteByte('.')
	}
	sb.WriteString("ip6.arpa")
	return sb.String()
}
