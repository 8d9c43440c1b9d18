package socket

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testTempDir is t.TempDir for tests that also run under Wine, where
// os.RemoveAll (and so t.TempDir's cleanup) fails: Wine 8.0 does not
// implement FileDispositionInformationEx (.ci/wine/README.md). The
// directory is removed file by file with os.Remove.
func testTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sockspec-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			paths = append(paths, p)
			return nil
		})
		slices.Reverse(paths) // children before their directories
		for _, p := range paths {
			os.Remove(p)
		}
	})
	return dir
}
