package resolve

// GetServByName implements Python's socket.getservbyname(servicename[,
// protocolname]): the port of the first services entry with that name or
// alias (and protocol, if given).
func (r *Resolver) GetServByName(name string, proto *string) (int, error) {
	if hasNUL(name) || proto != nil && hasNUL(*proto) {
		return 0, &ValueError{Msg: "embedded null character"}
	}
	ents, _ := parseServices(r.cfg.ServicesPath)
	for _, e := range ents {
		if proto != nil && e.proto != *proto {
			continue
		}
		if e.name == name || containsExact(e.alias, name) {
			return e.port, nil
		}
	}
	return 0, &OSError{Msg: "service/proto not found"}
}

// GetServByPort implements Python's socket.getservbyport(port[,
// protocolname]): a port outside 0..65535 is CPython's OverflowError.
func (r *Resolver) GetServByPort(port int64, proto *string) (string, error) {
	if port > 2147483647 {
		return "", &OverflowError{Msg: "signed integer is greater than maximum"}
	}
	if port < -2147483648 {
		return "", &OverflowError{Msg: "signed integer is less than minimum"}
	}
	if proto != nil && hasNUL(*proto) {
		return "", &ValueError{Msg: "embedded null character"}
	}
	if port < 0 || port > 0xffff {
		return "", &OverflowError{Msg: "getservbyport: port must be 0-65535."}
	}
	p := ""
	if proto != nil {
		p = *proto
	}
	if s, ok := r.servByPort(int(port), p, proto != nil); ok {
		return s.name, nil
	}
	return "", &OSError{Msg: "port/proto not found"}
}

func (r *Resolver) servByPort(port int, proto string, haveProto bool) (servEntry, bool) {
	ents, _ := parseServices(r.cfg.ServicesPath)
	for _, e := range ents {
		if e.port == port && (!haveProto || e.proto == proto) {
			return e, true
		}
	}
	return servEntry{}, false
}

// GetProtoByName implements Python's socket.getprotobyname(protocolname).
func (r *Resolver) GetProtoByName(name string) (int, error) {
	if hasNUL(name) {
		return 0, &ValueError{Msg: "embedded null character"}
	}
	ents, _ := parseProtocols(r.cfg.ProtocolsPath)
	for _, e := range ents {
		if e.name == name || containsExact(e.alias, name) {
			return e.num, nil
		}
	}
	return 0, &OSError{Msg: "protocol not found"}
}
