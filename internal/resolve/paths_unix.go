//go:build !windows

package resolve

// DefaultPaths returns the platform's database and configuration paths.
func DefaultPaths() Config {
	return Config{
		HostsPath:      "/etc/hosts",
		ServicesPath:   "/etc/services",
		ProtocolsPath:  "/etc/protocols",
		NSSwitchPath:   "/etc/nsswitch.conf",
		ResolvConfPath: "/etc/resolv.conf",
		GaiConfPath:    "/etc/gai.conf",
	}
}

// defaultHostsNSS is glibc's built-in "hosts:" line, used when
// nsswitch.conf is missing or has none.
const defaultHostsNSS = "dns [!UNAVAIL=return] files"
