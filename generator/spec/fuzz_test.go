//go:build !windows

// Not on windows: the target writes its inputs to a temporary directory,
// which os.RemoveAll cannot delete under Wine.

package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: Load over any constants.yaml, families.yaml and CPython name
// list returns a spec or an error, never panics, and a spec it returns has
// named groups and layouts.
func FuzzLoad(f *testing.F) {
	dir, err := os.MkdirTemp("", "sockspec-fuzz-spec-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Mkdir(filepath.Join(dir, "cpython"), 0o700); err != nil {
		f.Fatal(err)
	}
	f.Add(base, goodFamilies, "AF_INET\n# comment\n\n  SO_X extra\n")
	f.Add(base+"  - group: SO\n    doc: x\n    os:\n      linux: {values: [{name: SO_X, int: 3, source: x}]}\n",
		"layouts:\n  - name: Foo\n    struct: struct foo\n    fields:\n      - {c: a, go: A, kind: u12}\n", "")
	f.Add("groups: [\n", "a: &a [*a]\n", "")
	f.Add("x: &x {a: *x, b: *x}\n", "--- a\n--- b\n", "")
	// The start of the real spec (the whole of it would make every run slow).
	if c, err := os.ReadFile("../../spec/constants.yaml"); err == nil {
		fam, _ := os.ReadFile("../../spec/families.yaml")
		f.Add(firstLines(string(c), 60), firstLines(string(fam), 60), "AF_INET\n")
	}
	f.Fuzz(func(t *testing.T, constants, families, cpython string) {
		for name, content := range map[string]string{"constants.yaml": constants, "families.yaml": families, "cpython/linux.txt": cpython} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		s, err := Load(dir)
		if err != nil {
			if s != nil {
				t.Fatal("spec and error")
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, g := range s.Groups {
			if g.Name == "" {
				t.Fatalf("unnamed group %+v", g)
			}
		}
		for _, l := range s.Layouts {
			if l.Name == "" {
				t.Fatalf("unnamed layout %+v", l)
			}
		}
	})
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}
