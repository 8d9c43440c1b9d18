package socket

// Every exported identifier of the package has a doc comment, on every
// platform: the package's files are selected for each GOOS/GOARCH with
// go/build (no toolchain for the target is needed), parsed with go/parser
// and read with go/doc. Checked: functions, types, methods of exported
// types, constants and variables. A constant or variable is documented by
// its own comment (above it or at the end of its line) or, in handwritten
// files, by the comment of its group; in generated files (zsocket_*.go)
// every constant must carry its own.

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var docTargets = [][2]string{
	{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"freebsd", "amd64"}, {"windows", "amd64"},
}

// parseTarget parses the package's non-test files for one target.
func parseTarget(t *testing.T, goos, goarch string) (*token.FileSet, []*ast.File) {
	t.Helper()
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = goos, goarch
	ctx.CgoEnabled = false
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bp, err := ctx.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("%s/%s: %v", goos, goarch, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// undocumented lists the exported identifiers of files without a doc
// comment, as "file:line: name".
func undocumented(t *testing.T, fset *token.FileSet, files []*ast.File) []string {
	t.Helper()
	pkg, err := doc.NewFromFiles(fset, files, "github.com/sockspec/socket", doc.PreserveAST)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	report := func(pos token.Pos, name string) {
		p := fset.Position(pos)
		out = append(out, filepath.Base(p.Filename)+":"+itoa(p.Line)+": "+name)
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			generated := strings.HasPrefix(filepath.Base(fset.Position(v.Decl.Pos()).Filename), "zsocket_")
			groupDoc := v.Doc != "" && !generated
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				own := (vs.Doc != nil && strings.TrimSpace(vs.Doc.Text()) != "") ||
					(vs.Comment != nil && strings.TrimSpace(vs.Comment.Text()) != "") ||
					(len(v.Decl.Specs) == 1 && v.Doc != "")
				if own || groupDoc {
					continue
				}
				for _, n := range vs.Names {
					if n.IsExported() {
						report(n.Pos(), n.Name)
					}
				}
			}
		}
	}
	funcs := func(fs []*doc.Func, recv string) {
		for _, f := range fs {
			if !ast.IsExported(f.Name) {
				continue
			}
			if strings.TrimSpace(f.Doc) == "" {
				name := f.Name
				if recv != "" {
					name = recv + "." + f.Name
				}
				report(f.Decl.Pos(), name)
			}
		}
	}
	values(pkg.Consts)
	values(pkg.Vars)
	funcs(pkg.Funcs, "")
	for _, ty := range pkg.Types {
		if strings.TrimSpace(ty.Doc) == "" {
			report(ty.Decl.Pos(), ty.Name)
		}
		values(ty.Consts)
		values(ty.Vars)
		funcs(ty.Funcs, "")
		funcs(ty.Methods, ty.Name)
	}
	return out
}

func TestDocEveryExportedIdentifier(t *testing.T) {
	seen := map[string]bool{}
	var missing []string
	for _, tg := range docTargets {
		fset, files := parseTarget(t, tg[0], tg[1])
		for _, m := range undocumented(t, fset, files) {
			if !seen[m] {
				seen[m] = true
				missing = append(missing, m+" ("+tg[0]+"/"+tg[1]+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no doc comment: %s", m)
	}
	if len(missing) > 0 {
		t.Logf("%d exported identifiers without a doc comment", len(missing))
	}
}

// The check itself fails for an undocumented identifier of each kind.
func TestDocCheckCatchesMissing(t *testing.T) {
	src := `package socket

// Documented is documented.
func Documented() {}

func Bare() {}

// T is documented.
type T int

func (T) M() {}

type U struct{}

const (
	// A is documented.
	A = 1
	B = 2 // B has a line comment.
	C = 3
)

var V = 1
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got := undocumented(t, fset, []*ast.File{f})
	var names []string
	for _, m := range got {
		names = append(names, m[strings.LastIndex(m, " ")+1:])
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "Bare,C,T.M,U,V" {
		t.Errorf("found %v, want Bare, C, T.M, U, V", names)
	}
}
