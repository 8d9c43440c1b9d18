package resolve

// hostnameOK is glibc's res_hnok as its DNS module applies it before
// sending a host name query (observed with glibc 2.36: nothing is sent for
// a name that fails, and gethostbyname reports NO_RECOVERY): the name is
// not empty, every label (but a final empty one, the trailing dot) is 1..63
// characters of letters, digits, '-' and '_', and the name does not start
// with '-'. (glibc unescapes "\c" and "\DDD" first; a name with a
// backslash is refused here, a deliberate simplification.)
func hostnameOK(name string) bool {
	if name == "" || name == "." || len(name) > 254 || name[0] == '-' {
		return false
	}
	if name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	if len(name) > 253 {
		return false
	}
	n := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if n == 0 || n > 63 {
				return false
			}
			n = 0
			continue
		}
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
		n++
	}
	return true
}
