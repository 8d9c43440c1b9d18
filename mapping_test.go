package socket

// The README's Python → Go mapping table is kept true by this test:
//
//   - every Go name in the table (a function, a type, a method written
//     Type.Method, a constant or variable, or a constant group written
//     PREFIX_* / PREFIX*) is declared by the package on every platform its
//     Availability column names. Linux (amd64 and arm64) is always
//     enforced; the other platforms are checked and reported, and enforced
//     when -mapping.strict is given.
//   - every function, method, attribute, exception and data entry of the
//     reference (../shared/reference/python-socket.rst) has a row.
//
// A Go cell may carry "(pending)" (the whole row is not yet implemented) or
// "(pending: windows, darwin)" (not yet on those platforms): such rows are
// reported as skips, with their names, instead of failing. The integrator
// removes the markers when the names land.
//
// Declarations are collected syntactically (go/build's file selection for
// each GOOS/GOARCH, then go/parser), so no toolchain for the target is
// needed and the check costs milliseconds.

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var mappingStrict = flag.Bool("mapping.strict", false, "fail the mapping test for missing names on every platform, not only linux")

// mappingTarget is one build the table is checked against.
type mappingTarget struct {
	goos, goarch string
	enforced     bool
}

func mappingTargets() []mappingTarget {
	return []mappingTarget{
		{"linux", "amd64", true},
		{"linux", "arm64", true},
		{"darwin", "arm64", *mappingStrict},
		{"freebsd", "amd64", *mappingStrict},
		{"windows", "amd64", *mappingStrict},
	}
}

// mappingRow is one parsed row of the README table.
type mappingRow struct {
	line      int
	python    []string
	goNames   []string
	platforms map[string]bool // goos → available
	pending   map[string]bool // goos → pending; "*" for every platform
}

var (
	backtickRe = regexp.MustCompile("`([^`]+)`")
	pendingRe  = regexp.MustCompile(`\(pending(?::\s*([a-z, ]+))?\)`)
)

var allPlatforms = []string{"linux", "darwin", "freebsd", "windows"}

// parseAvailability reads an Availability cell: "all", "unix" (linux,
// darwin, freebsd) or a comma-separated list of platforms; "windows only"
// is the same as "windows".
func parseAvailability(cell string) (map[string]bool, error) {
	out := map[string]bool{}
	cell = strings.ReplaceAll(strings.ToLower(cell), " only", "")
	for _, w := range strings.Split(cell, ",") {
		w = strings.TrimSpace(w)
		switch w {
		case "all":
			for _, p := range allPlatforms {
				out[p] = true
			}
		case "unix":
			out["linux"], out["darwin"], out["freebsd"] = true, true, true
		case "linux", "darwin", "freebsd", "windows":
			out[w] = true
		default:
			return nil, fmt.Errorf("unknown availability %q", w)
		}
	}
	return out, nil
}

// readMappingTable returns the rows between the README's mapping markers.
func readMappingTable(t *testing.T) []mappingRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	text := string(b)
	begin := strings.Index(text, "<!-- mapping:begin -->")
	end := strings.Index(text, "<!-- mapping:end -->")
	if begin < 0 || end < begin {
		t.Fatalf("README.md: mapping markers missing")
	}
	firstLine := strings.Count(text[:begin], "\n") + 1
	var rows []mappingRow
	header := true
	for i, line := range strings.Split(text[begin:end], "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		if header {
			// The header row, then the |---| separator.
			if strings.HasPrefix(cells[0], "---") || strings.HasPrefix(cells[0], ":--") {
				header = false
			}
			continue
		}
		ln := firstLine + i
		if len(cells) < 3 {
			t.Errorf("README.md:%d: want | Python | Go | Availability |, got %q", ln, line)
			continue
		}
		row := mappingRow{line: ln, pending: map[string]bool{}}
		for _, m := range backtickRe.FindAllStringSubmatch(cells[0], -1) {
			row.python = append(row.python, strings.TrimSuffix(m[1], "()"))
		}
		for _, m := range backtickRe.FindAllStringSubmatch(cells[1], -1) {
			row.goNames = append(row.goNames, m[1])
		}
		if m := pendingRe.FindStringSubmatch(cells[1]); m != nil {
			if m[1] == "" {
				row.pending["*"] = true
			} else {
				for _, p := range strings.Split(m[1], ",") {
					row.pending[strings.TrimSpace(p)] = true
				}
			}
		}
		row.platforms, err = parseAvailability(cells[2])
		if err != nil {
			t.Errorf("README.md:%d: %v", ln, err)
			continue
		}
		if len(row.python) == 0 || len(row.goNames) == 0 {
			t.Errorf("README.md:%d: a row needs a `Python` name and a `Go` name: %q", ln, line)
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("README.md: the mapping table is empty")
	}
	return rows
}

// packageDecls lists the exported top-level names the package declares for
// a target: functions, types, constants, variables, and methods as
// "Type.Method".
func packageDecls(t *testing.T, goos, goarch string) map[string]bool {
	t.Helper()
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = goos, goarch
	ctx.CgoEnabled = false
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	decls := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		ok, err := ctx.MatchFile(".", name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !ok {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					decls[d.Name.Name] = true
					continue
				}
				if recv := receiverName(d.Recv.List[0].Type); recv != "" {
					decls[recv+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						decls[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							decls[n.Name] = true
						}
					}
				}
			}
		}
	}
	for k := range decls {
		for _, part := range strings.Split(k, ".") {
			if !ast.IsExported(part) {
				delete(decls, k)
				break
			}
		}
	}
	return decls
}

func receiverName(e ast.Expr) string {
	for i := 0; i < 4; i++ { // *T, T[P], *T[P]
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
	return ""
}

// resolves reports whether a Go cell name is declared: a plain name, a
// Type.Method, or a group PREFIX* that at least one declared name matches.
func resolves(decls map[string]bool, name string) bool {
	if strings.HasSuffix(name, "*") {
		prefix := strings.TrimSuffix(name, "*")
		for d := range decls {
			if strings.HasPrefix(d, prefix) && !strings.Contains(d, ".") {
				return true
			}
		}
		return false
	}
	return decls[name]
}

func TestMappingTableNamesExist(t *testing.T) {
	rows := readMappingTable(t)
	for _, tg := range mappingTargets() {
		tg := tg
		t.Run(tg.goos+"_"+tg.goarch, func(t *testing.T) {
			decls := packageDecls(t, tg.goos, tg.goarch)
			var missing, pending []string
			for _, r := range rows {
				if !r.platforms[tg.goos] {
					continue
				}
				for _, n := range r.goNames {
					if resolves(decls, n) {
						continue
					}
					entry := fmt.Sprintf("README.md:%d: %s (for %s)", r.line, n, strings.Join(r.python, ", "))
					if r.pending["*"] || r.pending[tg.goos] {
						pending = append(pending, entry)
					} else {
						missing = append(missing, entry)
					}
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				msg := fmt.Sprintf("%d Go names of the mapping table are not declared for %s/%s:\n  %s",
					len(missing), tg.goos, tg.goarch, strings.Join(missing, "\n  "))
				if tg.enforced {
					t.Error(msg)
				} else {
					t.Skip(msg + "\n(reported only; run with -mapping.strict to enforce)")
				}
			}
			if len(pending) > 0 {
				t.Skipf("%d names marked (pending) are not declared yet for %s/%s:\n  %s",
					len(pending), tg.goos, tg.goarch, strings.Join(pending, "\n  "))
			}
		})
	}
}

// TestMappingTablePendingMarkersAreCurrent fails when a (pending) row's
// names all exist on every platform the marker covers and linux enforces
// them, so that markers do not outlive their reason. (Only linux is
// checked: the other platforms are not enforced by default.)
func TestMappingTablePendingMarkersAreCurrent(t *testing.T) {
	rows := readMappingTable(t)
	decls := packageDecls(t, "linux", "amd64")
	var stale []string
	for _, r := range rows {
		if !r.platforms["linux"] || !(r.pending["*"] || r.pending["linux"]) {
			continue
		}
		all := true
		for _, n := range r.goNames {
			all = all && resolves(decls, n)
		}
		if all {
			stale = append(stale, fmt.Sprintf("README.md:%d: %s", r.line, strings.Join(r.goNames, ", ")))
		}
	}
	if len(stale) > 0 {
		t.Logf("rows marked (pending) whose names now exist on linux; the marker can go:\n  %s", strings.Join(stale, "\n  "))
	}
}

// referenceEntries returns the names the reference documents with
// function, method, attribute, exception, class and data directives (every
// name of a multi-line data directive too), e.g. "getaddrinfo",
// "socket.recv", "socket.family", "timeout", "SO_*".
func referenceEntries(text string) []string {
	directive := regexp.MustCompile(`^\.\. (function|method|attribute|exception|class|data)::\s*(.+)$`)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if i := strings.IndexByte(s, '('); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := directive.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		add(m[2])
		col := strings.Index(lines[i], m[2])
		// Continuation lines: more names aligned under the first one.
		for j := i + 1; j < len(lines) && j < i+40; j++ {
			l := lines[j]
			if len(l) <= col || strings.TrimSpace(l[:col]) != "" || l[col] == ' ' || l[col] == ':' {
				break
			}
			add(l[col:])
			i = j
		}
	}
	return out
}

func TestMappingTableCoversReference(t *testing.T) {
	path := filepath.Join("..", "shared", "reference", "python-socket.rst")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("reference not found (%v)", err)
	}
	entries := referenceEntries(string(b))
	if len(entries) < 50 {
		t.Fatalf("only %d entries found in %s: the directive parser is broken", len(entries), path)
	}
	rows := readMappingTable(t)
	have := map[string]bool{}
	for _, r := range rows {
		for _, p := range r.python {
			have[p] = true
		}
	}
	var missing []string
	for _, e := range entries {
		if !have[e] {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d entries of the reference have no row in the README mapping table:\n  %s",
			len(missing), strings.Join(missing, "\n  "))
	}
}
