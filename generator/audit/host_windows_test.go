//go:build windows

package audit

import (
	"fmt"
	"os"
	"testing"
)

// TestMain skips this package's tests on windows: the generator is a host
// tool (mkall.sh runs it on linux, where it probes C headers with gcc and
// mingw-w64); its tests assume a POSIX host (file-error texts, exit
// statuses) and, under Wine 8.0, every t.TempDir cleanup fails
// (FileDispositionInformationEx is not implemented; see .ci/wine/README.md).
func TestMain(m *testing.M) {
	fmt.Println("skip: generator tests are host-only (linux); not run on windows")
	os.Exit(0)
}
