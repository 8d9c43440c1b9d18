package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodFamilies = "layouts: []\n"

func writeSpec(t *testing.T, constants, families string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "constants.yaml"), []byte(constants), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "families.yaml"), []byte(families), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const base = `header_sets:
  linux:
    libc:
      includes: [sys/socket.h]
groups:
  - group: AF
    type: AddressFamily
    doc: address families.
    prefixes: [AF_]
    os:
      linux: {headers: [libc]}
`

// Each bad input must give an error naming constants.yaml, the line and the
// offending name or key.
func TestLoadRejectsBadInput(t *testing.T) {
	cases := []struct {
		name, constants, families string
		want                      []string
	}{
		{"unknown top-level key", base + "extra: 1\n", goodFamilies, []string{"constants.yaml:12:", `unknown key "extra"`}},
		{"unknown group key", base + "  - group: SO\n    doc: x\n    colour: red\n", goodFamilies, []string{"constants.yaml:14:", `unknown key "colour"`}},
		{"unknown Go type", strings.Replace(base, "type: AddressFamily", "type: Familyish", 1), goodFamilies, []string{"constants.yaml:7:", `unknown Go type "Familyish"`, "group AF"}},
		{"duplicate group", base + "  - group: AF\n    doc: again.\n", goodFamilies, []string{"constants.yaml:12:", "group AF: duplicate group"}},
		{"duplicate name in a group", base + "  - group: SO\n    doc: x\n    os:\n      linux: {headers: [libc], names: [SO_X, SO_X]}\n", goodFamilies, []string{"constants.yaml:15:", "duplicate name SO_X"}},
		{"name in two groups", base + "  - group: SO\n    doc: x\n    os:\n      linux: {headers: [libc], names: [SO_X]}\n  - group: SO2\n    doc: y\n    os:\n      linux: {headers: [libc], names: [SO_X]}\n", goodFamilies, []string{"constants.yaml:19:", "SO_X is already listed by group SO"}},
		{"unknown header set", base + "  - group: SO\n    doc: x\n    os:\n      linux: {headers: [nope], names: [SO_X]}\n", goodFamilies, []string{"constants.yaml:15:", `unknown header set "nope"`}},
		{"unknown OS", base + "  - group: SO\n    doc: x\n    os:\n      plan9: {headers: [libc]}\n", goodFamilies, []string{"constants.yaml:15:", `unknown OS "plan9"`}},
		{"exclude without reason", base + "  - group: SO\n    doc: x\n    exclude: {SO_X: \"\"}\n", goodFamilies, []string{"constants.yaml:14:", "exclude SO_X: give a reason"}},
		{"stated value without source", base + "  - group: SO\n    doc: x\n    os:\n      linux: {values: [{name: SO_X, int: 3}]}\n", goodFamilies, []string{"constants.yaml:15:", "value SO_X: a stated value must name its source"}},
		{"bad layout kind", base, "layouts:\n  - name: Foo\n    struct: struct foo\n    fields:\n      - {c: a, go: A, kind: u12}\n", []string{"families.yaml:5:", `field a: unknown kind "u12"`}},
		{"not YAML", "groups: [\n", goodFamilies, []string{"constants.yaml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeSpec(t, c.constants, c.families))
			if err == nil {
				t.Fatalf("Load accepted bad input")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadRepoSpec(t *testing.T) {
	s, err := Load(filepath.Join("..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	if s.GroupFor("linux", "SO_VM_SOCKETS_BUFFER_SIZE").Name != "VSOCK" {
		t.Errorf("longest prefix should put SO_VM_* in VSOCK")
	}
	if s.GroupFor("linux", "SO_REUSEADDR").Name != "SO" {
		t.Errorf("SO_REUSEADDR should be in SO")
	}
	if s.GroupFor("linux", "PF_X") != nil || s.Excluded("linux", "PF_X") == "" {
		t.Errorf("PF_X is excluded with a reason")
	}
	if s.GroupFor("linux", "CAN_RAW_FILTER").Name != "CAN" {
		t.Errorf("explicit names pick their group")
	}
}
