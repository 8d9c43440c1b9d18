//go:build linux

package resolve

func gai(host any, port any, fam, typ, proto, flags int) dcase {
	return dcase{Op: "gai", Host: host, Port: port, Family: fam, Type: typ, Proto: proto, Flags: flags}
}

func gni(flags int, sa ...any) dcase { return dcase{Op: "gni", SA: sa, Flags: flags} }

func op(name string, host any) dcase { return dcase{Op: name, Host: host} }

func opArgs(name string, args ...any) dcase { return dcase{Op: name, Args: args} }

// commonCases are safe with the machine's real configuration: they are
// numeric, fail before any lookup, or are answered by /etc/hosts
// (localhost and the host name "vm" are there for IPv4).
func commonCases() []dcase {
	var c []dcase
	// numeric hosts, ports, types
	for _, h := range []any{"127.0.0.1", "::1", "0.0.0.0", "::", "127.1", "0x7f.1", "017700000001", "2130706433",
		"::ffff:127.0.0.1", "::1.2.3.4", "::ffff:0:1.2.3.4", "1:2:3:4:5:6:7:8", "fe80::1%lo", "fe80::1%1",
		"fd00::1%1", "fe80::1%eth0", "fe80::1%bogus", "fe80::1%4294967295", "fe80::1%4294967296", "ff02::1%lo",
		"ff05::1%lo", "2001:db8::1%lo", "1.2.3.4 ", "01.02.03.04", "1.2.3.256", "08.1.1.1", "0x", "4294967296",
		"255.255.255.255", "1:2:3:4:5:6:7:8:9", "::1::", "[::1]", "1.2.3", "0xffffffff", "1.0xffffff"} {
		c = append(c, gai(h, 80, 0, 0, 0, aiNumericHost))
	}
	for _, p := range []any{nil, "", 0, "0", 65535, 65536, 70000, -1, "-1", "+80", " 80", "80 ", "-80", "http", "www",
		"domain", "ssh", "nosuchservice", "0x50", "4294967376", "99999999999999999999", "*", "sunrpc"} {
		c = append(c, gai("127.0.0.1", p, 0, 0, 0, 0))
	}
	c = append(c,
		gai("127.0.0.1", "http", 0, 0, 0, aiNumericServ),
		gai("127.0.0.1", "80", 0, 0, 0, aiNumericServ),
		gai("127.0.0.1", " 80", 0, 0, 0, aiNumericServ),
		gai("127.0.0.1", "-1", 0, 0, 0, aiNumericServ),
		gai("127.0.0.1", "domain", 0, sockDgram, 0, 0),
		gai("127.0.0.1", "domain", 0, 0, 17, 0),
		gai("127.0.0.1", "ssh", 0, sockDgram, 0, 0),
		gai("127.0.0.1", "http", 0, sockSeqpacket, 0, 0),
		gai("127.0.0.1", 80, 0, sockSeqpacket, 0, 0),
		gai("127.0.0.1", 80, 0, sockDCCP, 0, 0),
		gai("127.0.0.1", 80, 0, 0, 132, 0),
		gai("127.0.0.1", 80, 0, 0, 136, 0),
		gai("127.0.0.1", 80, 0, 0, 33, 0),
		gai("127.0.0.1", 80, 0, sockStream, 17, 0),
		gai("127.0.0.1", 80, 0, sockRaw, 0, 0),
		gai("127.0.0.1", 0, 0, sockRaw, 0, 0),
		gai("127.0.0.1", nil, 0, sockRaw, 0, 0),
		gai("127.0.0.1", nil, 0, sockRaw, 255, 0),
		gai("127.0.0.1", nil, 0, 0, 99, 0),
		gai("127.0.0.1", 80, 0, 0, 99, 0),
		gai("127.0.0.1", 80, 0, sockRDM, 0, 0),
		gai("127.0.0.1", 80, 0, 77, 0, 0),
		gai("127.0.0.1", nil, 0, 77, 0, 0),
		gai("127.0.0.1", 80, afUnix, 0, 0, 0),
		gai("127.0.0.1", 80, 0, 0, 0, 0x10000),
		gai("127.0.0.1", 80, afUnix, 0, 0, 0x10000),
		gai(nil, nil, 0, 0, 0, 0),
		gai(nil, 80, 0, 0, 0, aiCanonName),
		gai(nil, 80, 0, 0, 0, 0),
		gai(nil, 80, 0, 0, 0, aiPassive),
		gai(nil, 80, afInet, 0, 0, aiPassive),
		gai(nil, 80, afInet6, 0, 0, aiPassive),
		gai(nil, 80, afInet6, sockStream, 0, 0),
		gai(nil, "http", 0, 0, 0, aiPassive),
		gai("*", 80, 0, 0, 0, 0),
		gai("127.0.0.1", 80, afInet6, 0, 0, 0),
		gai("127.0.0.1", 80, afInet6, 0, 0, aiV4Mapped),
		gai("127.0.0.1", 80, afInet6, 0, 0, aiV4Mapped|aiAll),
		gai("127.0.0.1", 80, 0, 0, 0, aiV4Mapped),
		gai("::ffff:127.0.0.1", 80, afInet, 0, 0, 0),
		gai("::1", 80, afInet, 0, 0, 0),
		gai("127.0.0.1", 80, 0, sockStream, 0, aiCanonName),
		gai("127.1", 80, 0, 0, 0, aiCanonName),
		gai("fe80::1%lo", 80, 0, sockStream, 0, aiCanonName),
		gai("127.0.0.1", 80, 0, 0, 0, aiAddrConfig),
		gai("::1", 80, 0, 0, 0, aiAddrConfig),
		gai("localhost", 80, 0, 0, 0, 0),
		gai("localhost", 80, afInet, sockStream, 0, aiCanonName),
		gai("LOCALHOST", 80, 0, 0, 0, aiCanonName),
		gai("localhost", 80, afInet6, 0, 0, aiV4Mapped),
		gai("localhost", 80, afInet6, sockStream, 0, aiV4Mapped|aiAll|aiCanonName),
		gai("localhost", "nosuchservice", 0, 0, 0, 0),
		gai("localhost", 80, 0, 0, 0, aiNumericHost),
		gai("vm", 443, 0, sockStream, 0, aiCanonName),
		gai("vm", nil, afInet, 0, 0, aiAddrConfig),
		gai("x\x00y", 80, 0, 0, 0, aiNumericHost),
		gai("127.0.0.1\x00junk", 80, 0, 0, 0, 0),
		gai("127.0.0.1", "80\x00junk", 0, 0, 0, 0),
		gai("a..b", 80, 0, 0, 0, 0),
		gai("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 80, 0, 0, 0, 0),
		gai("", 80, 0, 0, 0, aiNumericHost),
		gai("bücher.example", 80, 0, 0, 0, aiNumericHost),
		dcase{Op: "gai", Host: "127.0.0.1", Bytes: true, Port: "http"},
		dcase{Op: "gai", Host: "xn--\xff", Bytes: true, Port: 80, Flags: aiNumericHost},
		// getnameinfo
		gni(niNumericHost|niNumericServ, "127.0.0.1", 80),
		gni(niNumericHost, "127.0.0.1", 80),
		gni(niNumericHost|niDgram, "127.0.0.1", 53),
		gni(niNumericHost, "127.0.0.1", 1),
		gni(niNumericHost, "127.0.0.1", 65535),
		gni(niNumericHost, "127.0.0.1", 70000),
		gni(niNumericHost, "127.0.0.1", -1),
		gni(niNumericHost, "127.0.0.1", 4294967296),
		gni(niNumericHost, "127.0.0.1", 80, 0, 0),
		gni(niNumericHost, "::1", 80),
		gni(niNumericHost, "::1", 80, 0xfffff, 0),
		gni(niNumericHost, "::1", 80, 0x100000, 0),
		gni(niNumericHost, "::1", 80, -1, 0),
		gni(niNumericHost, "fe80::1", 80, 0, 1),
		gni(niNumericHost, "fe80::1%lo", 80, 0, 0),
		gni(niNumericHost, "fe80::1", 80, 0, 4),
		gni(niNumericHost, "fe80::1", 80, 0, 99),
		gni(niNumericHost, "ff02::1", 80, 0, 1),
		gni(niNumericHost, "2001:db8::1", 80, 0, 1),
		gni(niNumericHost, "::ffff:1.2.3.4", 80),
		gni(niNumericHost, "localhost", 80),
		gni(niNumericHost, "*", 80),
		gni(niNumericHost, "", 80),
		gni(niNumericHost|niNameReqd, "127.0.0.1", 80),
		gni(0, "127.0.0.1", 80),
		gni(niNoFQDN, "127.0.0.1", 80),
		gni(niNameReqd, "127.0.0.1", 22),
		gni(niNumericHost|0x100, "127.0.0.1", 80),
		gni(niNumericHost, "1.2.3.4\x00", 80),
		// gethostby*
		op("ghbn", "localhost"), op("ghbn", "127.0.0.1"), op("ghbn", "127.1"), op("ghbn", ""),
		op("ghbn", "<broadcast>"), op("ghbn", "255.255.255.255"), op("ghbn", "::1"), op("ghbn", "vm"),
		op("ghbn", "a\x00b"), op("ghbn", "0x7f.1"),
		op("ghbnex", "localhost"), op("ghbnex", "127.0.0.1"), op("ghbnex", "127.1"), op("ghbnex", "vm"),
		op("ghbnex", "RUNSC"),
		op("ghba", "127.0.0.1"), op("ghba", "localhost"), op("ghba", "vm"), op("ghba", "::1%x"),
		op("fqdn", ""), op("fqdn", "localhost"), op("fqdn", "127.0.0.1"), op("fqdn", "  localhost "),
		// services and protocols
		opArgs("gsbn", "http"), opArgs("gsbn", "http", "tcp"), opArgs("gsbn", "http", "udp"),
		opArgs("gsbn", "domain", "udp"), opArgs("gsbn", "www"), opArgs("gsbn", "nosuch"),
		opArgs("gsbn", "HTTP"), opArgs("gsbn", "ssh", "sctp"), opArgs("gsbn", "a\x00b"),
		opArgs("gsbp", 80), opArgs("gsbp", 80, "tcp"), opArgs("gsbp", 80, "udp"), opArgs("gsbp", 53, "udp"),
		opArgs("gsbp", 0), opArgs("gsbp", 65535), opArgs("gsbp", 65536), opArgs("gsbp", -1),
		opArgs("gsbp", 7), opArgs("gsbp", 9, "udp"), opArgs("gsbp", 4294967296),
		opArgs("gpbn", "tcp"), opArgs("gpbn", "TCP"), opArgs("gpbn", "udp"), opArgs("gpbn", "icmp"),
		opArgs("gpbn", "ipv6-icmp"), opArgs("gpbn", "nosuch"), opArgs("gpbn", "ip"),
	)
	return c
}

// nsCases need the test's hosts file and loopback DNS server.
func nsCases() []dcase {
	var c []dcase
	for _, h := range []string{"www.example.test", "www", "alias.example.test", "alias2", "v4only", "v6only",
		"multi", "empty", "servfail", "refused", "nxdomain", "nxdomain.example.test", "short", "dotted.name",
		"linklocal", "loopmix", "h1", "h1alias", "h1.example.test", "h6only", "multiline", "second", "llhost",
		"both", "casename", "loopnine", "localhost", "ip6-localhost", "vm", "www.example.test.", "short.",
		"WWW.Example.Test"} {
		c = append(c,
			gai(h, 80, 0, sockStream, 0, aiCanonName),
			gai(h, nil, afInet, 0, 0, 0),
			gai(h, "http", afInet6, 0, 0, 0),
		)
	}
	for _, h := range []string{"www", "v4only", "v6only", "multi", "h1", "h6only", "both", "localhost", "empty"} {
		c = append(c,
			gai(h, 80, afInet6, sockStream, 0, aiV4Mapped),
			gai(h, 80, afInet6, sockStream, 0, aiV4Mapped|aiAll|aiCanonName),
			gai(h, 80, 0, sockDgram, 0, aiAddrConfig|aiV4Mapped),
		)
	}
	c = append(c,
		gai("", 80, 0, 0, 0, 0),
		gai("multi", 80, 0, 0, 0, 0),
		gai("servfail.example.test.", 80, 0, 0, 0, 0),
		gai("refused.example.test.", 80, 0, 0, 0, 0),
		gai("servfail.example.test.", 80, afInet, 0, 0, 0),
		op("ghbnex", "servfail.example.test."),
		gai("www.example.test", "domain", 0, 0, 0, aiCanonName),
		gni(0, "192.0.2.10", 80),
		gni(niNoFQDN, "192.0.2.10", 80),
		gni(0, "2001:db8::10", 443, 0, 0),
		gni(0, "192.0.2.99", 80),
		gni(niNameReqd, "192.0.2.99", 80),
		gni(0, "::1", 80),
		gni(0, "::", 80),
		gni(niNameReqd, "::", 80),
		gni(0, "192.0.2.50", 80),
		gni(niNoFQDN, "192.0.2.50", 80),
		gni(0, "fe80::5", 80, 0, 1),
		gni(0, "::ffff:192.0.2.10", 80),
		gni(0, "www", 80),
		gni(0, "both", 80),
		gni(0, "192.0.2.2", 80),
		op("ghbn", "www"), op("ghbn", "v6only"), op("ghbn", "multi"), op("ghbn", "nxdomain"), op("ghbn", "h1"),
		op("ghbn", "servfail"), op("ghbn", "empty"),
		op("ghbnex", "www"), op("ghbnex", "alias"), op("ghbnex", "alias2.example.test"), op("ghbnex", "multi"),
		op("ghbnex", "h1"), op("ghbnex", "h1alias"), op("ghbnex", "multiline"), op("ghbnex", "second"),
		op("ghbnex", "v6only"), op("ghbnex", "nxdomain"), op("ghbnex", "localhost"),
		op("ghba", "192.0.2.10"), op("ghba", "2001:db8::10"), op("ghba", "192.0.2.50"), op("ghba", "h1"),
		op("ghba", "192.0.2.99"), op("ghba", "::1"), op("ghba", "::"), op("ghba", "www"), op("ghba", "nxdomain"),
		op("ghba", "::ffff:192.0.2.10"), op("ghba", "2001:db8::50"),
		op("fqdn", "www"), op("fqdn", "192.0.2.10"), op("fqdn", "h1"), op("fqdn", "nxdomain"), op("fqdn", ""),
		op("fqdn", "192.0.2.2"),
		// names glibc's DNS module refuses to send (res_hnok): NO_RECOVERY
		op("ghbnex", ""), op("ghbnex", "<broadcast>"), op("ghbnex", "-x"), op("ghbnex", "a_b"), op("ghbnex", "x-"),
		gai("a b", 80, 0, 0, 0, 0), gai("-x", 80, afInet, 0, 0, 0), gai("a_b", 80, afInet6, 0, 0, 0),
	)
	return c
}
