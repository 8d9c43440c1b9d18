// Package specdata defines the machine-readable record the generator writes
// for every target (spec/scrape/<goos>_<goarch>.json): each constant's value
// and where it came from, and each struct layout. The audit reads only these
// files, so it needs no compiler, headers or network.
//
// The JSON schema is documented in doc/scrape-schema.md; Schema is bumped on
// any incompatible change.
package specdata

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// SchemaVersion is the version of the record format written by this code.
const SchemaVersion = 1

// Target is the record for one GOOS/GOARCH.
type Target struct {
	Schema  int      `json:"schema"`
	Target  string   `json:"target"` // "linux/amd64"
	GOOS    string   `json:"goos"`
	GOARCH  string   `json:"goarch"`
	Sources []Source `json:"sources"`
	// HeaderSets are the translation units the "headers" values were
	// probed in (so a checker can compile the same C).
	HeaderSets map[string]HeaderSet `json:"header_sets,omitempty"`
	Constants  []Constant           `json:"constants"`
	Layouts    []Layout             `json:"layouts"`
}

// Source says where values came from. Constants and layouts name it by ID.
type Source struct {
	ID          string `json:"id"`   // "headers", "xsys", "spec"
	Kind        string `json:"kind"` // "c-headers", "go-module" or "spec"
	Description string `json:"description"`
	// For c-headers:
	Compiler      string `json:"compiler,omitempty"`       // first line of `cc --version`
	KernelHeaders string `json:"kernel_headers,omitempty"` // e.g. "linux-libc-dev 6.1.192-2"
	Libc          string `json:"libc,omitempty"`           // e.g. "glibc 2.36"
	Extra         string `json:"extra,omitempty"`          // other header packages
	// For go-module:
	Module string `json:"module,omitempty"` // e.g. "golang.org/x/sys v0.49.0"
}

// Constant is one constant of the target.
type Constant struct {
	Name   string `json:"name"`
	Group  string `json:"group"`             // spec group, e.g. "AF"
	GoType string `json:"go_type,omitempty"` // "AddressFamily", ... or "" (untyped)
	Kind   string `json:"kind"`              // "int" or "string"
	// Value is the exact decimal value for ints (may exceed int64 for
	// unsigned 64-bit values), or the string value for strings.
	Value  string `json:"value"`
	Source string `json:"source"`           // a Source.ID
	Note   string `json:"note,omitempty"`   // e.g. the document a spec value comes from
	Header string `json:"header,omitempty"` // header set the name was probed in
	Expr   string `json:"expr,omitempty"`   // C expression, when not the name itself
}

// HeaderSet is one probed translation unit.
type HeaderSet struct {
	Defines  []string `json:"defines,omitempty"`
	Includes []string `json:"includes"`
}

// Layout is the size of a C struct and the offset and size of the fields
// the runtime uses.
type Layout struct {
	Struct string  `json:"struct"` // "struct sockaddr_in"
	Name   string  `json:"name"`   // Go stem, e.g. "SockaddrInet4"
	Size   int64   `json:"size"`
	Align  int64   `json:"align"`
	Fields []Field `json:"fields"`
	Source string  `json:"source"`
	Header string  `json:"header,omitempty"` // header set probed
}

// Field is one member of a Layout.
type Field struct {
	Name   string `json:"name"` // C member name
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
}

// Read loads and checks one record.
func Read(path string) (*Target, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Target
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if t.Schema != SchemaVersion {
		return nil, fmt.Errorf("%s: schema %d, this tool reads schema %d", path, t.Schema, SchemaVersion)
	}
	if t.Target == "" || t.GOOS == "" || t.GOARCH == "" {
		return nil, fmt.Errorf("%s: not a scrape record (no target)", path)
	}
	return &t, nil
}

// Write stores a record deterministically (sorted, indented, trailing newline).
func Write(path string, t *Target) error {
	sort.Slice(t.Constants, func(i, j int) bool { return t.Constants[i].Name < t.Constants[j].Name })
	sort.Slice(t.Layouts, func(i, j int) bool { return t.Layouts[i].Name < t.Layouts[j].Name })
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
