//go:build windows

package resolve

import (
	"os"
	"path/filepath"
)

// DefaultPaths returns the platform's database and configuration paths:
// on Windows the databases live in %SystemRoot%\System32\drivers\etc
// ("protocol", not "protocols"); there is no nsswitch.conf, resolv.conf
// or gai.conf (the missing files select the built-in defaults).
func DefaultPaths() Config {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	etc := filepath.Join(root, "System32", "drivers", "etc")
	return Config{
		HostsPath:      filepath.Join(etc, "hosts"),
		ServicesPath:   filepath.Join(etc, "services"),
		ProtocolsPath:  filepath.Join(etc, "protocol"),
		NSSwitchPath:   filepath.Join(etc, "nsswitch.conf"),
		ResolvConfPath: filepath.Join(etc, "resolv.conf"),
		GaiConfPath:    filepath.Join(etc, "gai.conf"),
	}
}

// defaultHostsNSS: Windows consults the hosts file, then DNS.
const defaultHostsNSS = "files dns"
