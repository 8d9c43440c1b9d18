package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	specDir = "../../spec"
	repo    = "../.."
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func auditJSON(t *testing.T, args ...string) (*Report, []byte) {
	t.Helper()
	code, out, errs := run(t, append([]string{"-spec", specDir, "-format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("audit %v: exit %d: %s", args, code, errs)
	}
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return &r, []byte(out)
}

// tempRecords copies the named committed records into a fresh directory.
func tempRecords(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(specDir, "scrape", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "doc", "audit.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONMatchesSchema(t *testing.T) {
	schema := loadSchema(t)
	check := func(name string, doc []byte) {
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			t.Fatal(err)
		}
		if errs := validate(schema, schema, v, "$"); len(errs) > 0 {
			t.Errorf("%s does not match doc/audit.schema.json:\n%s", name, strings.Join(errs[:min(len(errs), 20)], "\n"))
		}
	}
	_, full := auditJSON(t)
	check("audit", full)
	_, filtered := auditJSON(t, "-group", "SO,TCP", "-name", "KEEP*,REUSE", "-target", "linux", "--require", "SO_REUSEADDR@linux/amd64")
	check("filtered audit", filtered)
	dir := tempRecords(t, "linux_amd64.json")
	_, one := auditJSON(t, "-records", dir)
	check("one-record audit", one)

	a, b := craftPair(t)
	var out, errb bytes.Buffer
	if code := Main([]string{"diff", "-format", "json", a, b}, &out, &errb); code != 0 {
		t.Fatalf("diff: %d %s", code, errb.String())
	}
	check("diff", out.Bytes())

	// The validator must catch drift: an undocumented field, a missing one, a wrong type.
	var doc map[string]any
	json.Unmarshal(full, &doc)
	doc["surprise"] = 1
	bad, _ := json.Marshal(doc)
	var v any
	json.Unmarshal(bad, &v)
	if errs := validate(schema, schema, v, "$"); len(errs) == 0 {
		t.Error("validator accepted an undocumented top-level field")
	}
	delete(doc, "surprise")
	cons := doc["constants"].([]any)
	delete(cons[0].(map[string]any), "differs")
	cons[1].(map[string]any)["kind"] = "float"
	bad, _ = json.Marshal(doc)
	json.Unmarshal(bad, &v)
	if errs := strings.Join(validate(schema, schema, v, "$"), "\n"); !strings.Contains(errs, `missing required "differs"`) || !strings.Contains(errs, "float not in") {
		t.Errorf("validator missed a removed field or a bad enum: %v", errs)
	}
}

// TestSchemaDocumented: every property of the JSON Schema is described in
// doc/audit-schema.md.
func TestSchemaDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repo, "doc", "audit-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	var walk func(v any)
	props := map[string]bool{}
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if p, ok := x["properties"].(map[string]any); ok {
				for k := range p {
					props[k] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(loadSchema(t))
	for p := range props {
		if !strings.Contains(md, "`"+p+"`") && !strings.Contains(md, "`"+p+"[]`") {
			t.Errorf("doc/audit-schema.md does not describe `%s`", p)
		}
	}
}

// craftPair writes two records: B differs from A by one changed value, one
// removed and one added constant, a changed provenance and a newer kernel.
func craftPair(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(specDir, "scrape", "linux_amd64.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.json")
	os.WriteFile(a, b, 0o644)
	srcs := rec["sources"].([]any)
	srcs[0].(map[string]any)["kernel_headers"] = "linux-libc-dev 6.12.9-1"
	var kept []any
	for _, c := range rec["constants"].([]any) {
		m := c.(map[string]any)
		switch m["name"] {
		case "AF_ALG":
			continue // removed
		case "SO_REUSEPORT":
			m["value"] = "99" // changed value
		case "AF_INET":
			m["source"] = "xsys" // changed provenance only
			delete(m, "header")
		}
		kept = append(kept, m)
	}
	kept = append(kept, map[string]any{"name": "AF_FUTURE", "group": "AF", "go_type": "AddressFamily", "kind": "int", "value": "77", "source": "headers", "header": "libc"})
	rec["constants"] = kept
	nb, _ := json.MarshalIndent(rec, "", "  ")
	bp := filepath.Join(dir, "b.json")
	os.WriteFile(bp, nb, 0o644)
	return a, bp
}

func TestDiff(t *testing.T) {
	a, b := craftPair(t)
	d, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(d.Pairs))
	}
	p := d.Pairs[0]
	if len(p.Added) != 1 || p.Added[0].Name != "AF_FUTURE" || p.Added[0].Value != "77" {
		t.Errorf("added: %+v", p.Added)
	}
	if len(p.Removed) != 1 || p.Removed[0].Name != "AF_ALG" || p.Removed[0].Value != "38" {
		t.Errorf("removed: %+v", p.Removed)
	}
	var vals, provs []string
	for _, c := range p.Changed {
		if c.ValueChanged {
			vals = append(vals, fmt.Sprintf("%s:%s->%s", c.Name, c.OldValue, c.NewValue))
		}
		if c.ProvenanceChanged {
			provs = append(provs, c.Name)
		}
	}
	if want := "SO_REUSEPORT:15->99"; len(vals) != 1 || vals[0] != want {
		t.Errorf("changed values %v, want [%s]", vals, want)
	}
	// Every headers value's provenance names the kernel headers, so all of
	// them change; AF_INET changes source.
	if !contains(provs, "AF_INET") || len(provs) < 100 {
		t.Errorf("provenance changes: %d (AF_INET included: %v)", len(provs), contains(provs, "AF_INET"))
	}
	found := false
	for _, s := range p.SourcesChanged {
		if s.ID == "headers" && s.Field == "kernel_headers" && s.New == "linux-libc-dev 6.12.9-1" {
			found = true
		}
	}
	if !found {
		t.Errorf("kernel header change not reported: %+v", p.SourcesChanged)
	}
	// Identical records: nothing, and -exit-code is 0; differing: 1.
	if d, _ := Diff(a, a); d.Differences != 0 {
		t.Errorf("self-diff: %d differences", d.Differences)
	}
	if code, out, _ := run(t, "diff", "-exit-code", a, b); code != 1 || !strings.Contains(out, "SO_REUSEPORT") || !strings.Contains(out, "15 -> 99") {
		t.Errorf("diff -exit-code: %d\n%s", code, out)
	}
	if code, _, _ := run(t, "diff", "-exit-code", a, a); code != 0 {
		t.Errorf("diff -exit-code of identical records: %d", code)
	}
	// Directories: records paired by target; one only in B.
	da, db := t.TempDir(), t.TempDir()
	copyFile(t, a, filepath.Join(da, "linux_amd64.json"))
	copyFile(t, b, filepath.Join(db, "linux_amd64.json"))
	copyFile(t, filepath.Join(specDir, "scrape", "linux_arm64.json"), filepath.Join(db, "linux_arm64.json"))
	dd, err := Diff(da, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(dd.Pairs) != 1 || len(dd.OnlyInB) != 1 || dd.OnlyInB[0] != "linux/arm64" || len(dd.OnlyInA) != 0 {
		t.Errorf("directory diff: pairs %d only_in_a %v only_in_b %v", len(dd.Pairs), dd.OnlyInA, dd.OnlyInB)
	}
	if code, out, _ := run(t, "diff", "-format", "md", da, db); code != 0 || !strings.Contains(out, "| changed | `SO_REUSEPORT` |") {
		t.Errorf("diff -format md: %d\n%s", code, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// zcounts parses a generated z-file and counts, per group, the constants of
// its "// Group X:" const blocks and the constantTable entries.
func zcounts(t *testing.T, path string) (consts, table map[string]int) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	consts, table = map[string]int{}, map[string]int{}
	groupRE := regexp.MustCompile(`^Group ([A-Za-z0-9_]+):`)
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Doc == nil {
			continue
		}
		m := groupRE.FindStringSubmatch(gd.Doc.Text())
		switch {
		case gd.Tok == token.CONST && m != nil:
			for _, s := range gd.Specs {
				consts[m[1]] += len(s.(*ast.ValueSpec).Names)
			}
		case gd.Tok == token.VAR:
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				if len(vs.Names) != 1 || vs.Names[0].Name != "constantTable" {
					continue
				}
				for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
					g := e.(*ast.CompositeLit).Elts[1].(*ast.BasicLit).Value
					table[strings.Trim(g, `"`)]++
				}
			}
		}
	}
	if len(consts) == 0 || len(table) == 0 {
		t.Fatalf("%s: found no group const blocks or no constantTable", path)
	}
	return consts, table
}

// TestCountsMatchZFiles recomputes the per-group, per-target counts from the
// generated Go code and compares them with the audit's.
func TestCountsMatchZFiles(t *testing.T) {
	r, _ := auditJSON(t)
	files, _ := filepath.Glob(filepath.Join(repo, "zsocket_*.go"))
	if len(files) == 0 {
		t.Fatal("no z-files")
	}
	withData := map[string]TargetInfo{}
	for _, ti := range r.Targets {
		if ti.HasData {
			withData[ti.Target] = ti
		}
	}
	covered := map[string]bool{}
	for _, f := range files {
		stem := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "zsocket_"), ".go")
		goos, arch, hasArch := strings.Cut(stem, "_")
		var targets []string
		for name, ti := range withData {
			if ti.OS == goos && (!hasArch || ti.Arch == arch) {
				targets = append(targets, name)
			}
		}
		if len(targets) == 0 {
			t.Errorf("%s: no scrape record for it", f)
			continue
		}
		consts, table := zcounts(t, f)
		// constantTable holds the integer constants: the audit's count
		// minus the string constants.
		ints := map[string]int{}
		for _, g := range r.Groups {
			if n := g.Counts[targets[0]]; n > 0 {
				ints[g.Group] = n
			}
		}
		for _, c := range r.Constants {
			if _, ok := c.Values[targets[0]]; ok && c.Kind == "string" {
				if ints[c.Group]--; ints[c.Group] == 0 {
					delete(ints, c.Group)
				}
			}
		}
		for _, tg := range targets {
			covered[tg] = true
			got := map[string]int{}
			for _, g := range r.Groups {
				if n := g.Counts[tg]; n > 0 {
					got[g.Group] = n
				}
			}
			if diff := mapDiff(consts, got); diff != "" {
				t.Errorf("%s vs audit %s (const blocks): %s", filepath.Base(f), tg, diff)
			}
		}
		if diff := mapDiff(table, ints); diff != "" {
			t.Errorf("%s constantTable vs audit integer constants: %s", filepath.Base(f), diff)
		}
	}
	for tg := range withData {
		if !covered[tg] {
			t.Errorf("record %s has no z-file", tg)
		}
	}
}

func mapDiff(want, got map[string]int) string {
	var out []string
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		if want[k] != got[k] {
			out = append(out, fmt.Sprintf("%s: z-file %d, audit %d", k, want[k], got[k]))
		}
	}
	return strings.Join(out, "; ")
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	good := filepath.Join(specDir, "scrape", "linux_amd64.json")
	corrupt := write("corrupt.json", `{"schema": 1, "target": "linux/amd64", "goos": "linux",`)
	schema2 := write("schema2.json", `{"schema": 2, "target": "linux/amd64", "goos": "linux", "goarch": "amd64", "constants": []}`)
	badSrc := write("badsrc.json", `{"schema": 1, "target": "linux/amd64", "goos": "linux", "goarch": "amd64", "sources": [], "constants": [{"name": "X", "group": "AF", "kind": "int", "value": "1", "source": "nowhere"}], "layouts": []}`)
	badVal := write("badval.json", `{"schema": 1, "target": "linux/amd64", "goos": "linux", "goarch": "amd64", "sources": [{"id": "s", "kind": "spec"}], "constants": [{"name": "X", "group": "AF", "kind": "int", "value": "one", "source": "s"}], "layouts": []}`)
	darwin := write("darwin.json", `{"schema": 1, "target": "darwin/arm64", "goos": "darwin", "goarch": "arm64", "sources": [], "constants": [], "layouts": []}`)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-target", "plan9"}, `unknown target "plan9"`},
		{[]string{"-target", "linux/mips"}, `unknown target "linux/mips"`},
		{[]string{"-group", "NOPE"}, `unknown group "NOPE"`},
		{[]string{"-format", "pdf"}, `unknown format "pdf"`},
		{[]string{"-records", corrupt}, "corrupt record"},
		{[]string{"-records", schema2}, "schema 2, this tool reads schema 1"},
		{[]string{"-records", badSrc}, `names source "nowhere"`},
		{[]string{"-records", badVal}, "not a decimal integer"},
		{[]string{"-records", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"--require", "AF_INET@beos"}, `unknown target "beos"`},
		{[]string{"diff", good, darwin}, "incompatible records"},
		{[]string{"diff", good, schema2}, "schema 2, this tool reads schema 1"},
		{[]string{"diff", good, corrupt}, "corrupt record"},
		{[]string{"diff", good, dir}, "cannot compare a directory with a file"},
		{[]string{"diff", good}, "want two records"},
	}
	for _, c := range cases {
		args := c.args
		if args[0] != "diff" {
			args = append([]string{"-spec", specDir}, args...)
		}
		code, _, errs := run(t, args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func TestRequire(t *testing.T) {
	dir := tempRecords(t, "linux_amd64.json", "linux_arm64.json")
	base := []string{"-spec", specDir, "-records", dir, "-section", "targets"}
	if code, _, errs := run(t, append(base, "--require", "AF_INET,SO_REUSEPORT@linux/amd64,TCP_KEEPIDLE@linux")...); code != 0 {
		t.Errorf("present names: exit %d: %s", code, errs)
	}
	for _, c := range []struct{ req, want string }{
		{"NO_SUCH_NAME", "required NO_SUCH_NAME on linux/amd64: missing"},
		{"AF_INET@darwin", "required AF_INET on darwin: no record"},
		{"SIO_RCVALL@linux/arm64", "required SIO_RCVALL on linux/arm64: missing"},
	} {
		code, _, errs := run(t, append(base, "--require", c.req)...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("--require %s: exit %d, stderr %q; want 1 and %q", c.req, code, errs, c.want)
		}
	}
}

func TestFilters(t *testing.T) {
	r, _ := auditJSON(t, "-group", "SO,TCP", "-name", "*KEEP*", "-target", "linux/amd64")
	if len(r.Targets) != 1 || r.Targets[0].Target != "linux/amd64" {
		t.Fatalf("targets: %+v", r.Targets)
	}
	if len(r.Constants) == 0 {
		t.Fatal("no constants")
	}
	for _, c := range r.Constants {
		if (c.Group != "SO" && c.Group != "TCP") || !strings.Contains(c.Name, "KEEP") {
			t.Errorf("filtered output has %s (%s)", c.Name, c.Group)
		}
	}
	r, _ = auditJSON(t, "-name", "af_inet", "-target", "linux")
	names := map[string]bool{}
	for _, c := range r.Constants {
		names[c.Name] = true
	}
	if !names["AF_INET"] || !names["AF_INET6"] || len(names) != 2 {
		t.Errorf("substring filter: %v", names)
	}
	// Every canonical target is a column, with or without data.
	r, _ = auditJSON(t, "-records", tempRecords(t, "linux_amd64.json"))
	var got []string
	for _, ti := range r.Targets {
		got = append(got, fmt.Sprintf("%s:%v", ti.Target, ti.HasData))
	}
	if want := "linux/amd64:true linux/arm64:false darwin:false freebsd:false windows:false"; strings.Join(got, " ") != want {
		t.Errorf("columns %q, want %q", strings.Join(got, " "), want)
	}
}

func TestTrapsAndParity(t *testing.T) {
	dir := tempRecords(t, "linux_amd64.json")
	// A fake darwin record with AF_INET6 = 30 makes AF_INET6 a trap.
	darwin := `{"schema": 1, "target": "darwin/arm64", "goos": "darwin", "goarch": "arm64",
	  "sources": [{"id": "headers", "kind": "c-headers", "description": "test"}],
	  "constants": [{"name": "AF_INET6", "group": "AF", "kind": "int", "value": "30", "source": "headers"},
	                {"name": "AF_INET", "group": "AF", "kind": "int", "value": "2", "source": "headers"}], "layouts": []}`
	os.WriteFile(filepath.Join(dir, "darwin_arm64.json"), []byte(darwin), 0o644)
	r, _ := auditJSON(t, "-records", dir, "-group", "AF")
	var trap *Trap
	for i := range r.Traps {
		if r.Traps[i].Name == "AF_INET6" {
			trap = &r.Traps[i]
		}
		if r.Traps[i].Name == "AF_INET" {
			t.Error("AF_INET flagged as a trap")
		}
	}
	if trap == nil || trap.Values["darwin/arm64"] != "30" || trap.Values["linux/amd64"] != "10" || trap.Scope != "os" {
		t.Errorf("AF_INET6 trap: %+v", trap)
	}
	for _, p := range r.Parity {
		if p.OS == "darwin" {
			// darwin.txt lists AF_UNIX; the fake record lacks it.
			found := false
			for _, m := range p.Missing {
				found = found || m.Name == "AF_UNIX"
			}
			if !found || !p.HasData {
				t.Errorf("darwin parity should report AF_UNIX missing: %+v", p.Missing)
			}
		}
		if p.OS == "linux" && p.CPythonNames == 0 {
			t.Error("linux parity: no CPython names")
		}
	}
}

func TestTextFitsWidth(t *testing.T) {
	for _, args := range [][]string{{}, {"-format", "md"}} {
		code, out, errs := run(t, append([]string{"-spec", specDir}, args...)...)
		if code != 0 {
			t.Fatal(errs)
		}
		if len(args) > 0 {
			if !strings.Contains(out, "## Matrix") {
				t.Error("markdown has no matrix")
			}
			continue
		}
		for i, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("line %d has %d columns: %q", i+1, n, line)
			}
		}
		for _, s := range []string{"TARGETS", "COVERAGE BY GROUP", "PORTABILITY TRAPS", "PARITY WITH CPYTHON", "MATRIX", "AF_INET6"} {
			if !strings.Contains(out, s) {
				t.Errorf("text report lacks %q", s)
			}
		}
	}
}

// TestEveryFormat: a full audit runs in each output format. How long it
// takes is BenchmarkAudit's to measure (well under a second each on a
// developer machine; a timed test failed CI when the race-detector stage
// shared the two cores with it).
func TestEveryFormat(t *testing.T) {
	for _, f := range []string{"text", "json", "html"} {
		if code, _, errs := run(t, "-spec", specDir, "-format", f); code != 0 {
			t.Fatalf("-format %s: exit %d: %s", f, code, errs)
		}
	}
}

// BenchmarkAudit: one full audit per format (go test -bench Audit
// ./generator/audit).
func BenchmarkAudit(b *testing.B) {
	for _, f := range []string{"text", "json", "html"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				var out, errb bytes.Buffer
				if code := Main([]string{"-spec", specDir, "-format", f}, &out, &errb); code != 0 {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
		})
	}
}

func TestCPythonLists(t *testing.T) {
	lists, err := loadCPython(specDir)
	if err != nil {
		t.Fatal(err)
	}
	ident := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	for _, goos := range []string{"linux", "darwin", "freebsd", "windows"} {
		l := lists[goos]
		if l == nil {
			t.Errorf("spec/cpython/%s.txt missing", goos)
			continue
		}
		if len(l.Origin) < 80 {
			t.Errorf("%s: header does not say where the list comes from: %q", l.Path, l.Origin)
		}
		if len(l.Names) < 100 {
			t.Errorf("%s: only %d names", l.Path, len(l.Names))
		}
		for n := range l.Names {
			if !ident.MatchString(n) {
				t.Errorf("%s: bad name %q", l.Path, n)
			}
		}
		for _, must := range []string{"AF_INET", "SOCK_STREAM", "SOL_SOCKET", "SHUT_RDWR"} {
			if _, ok := l.Names[must]; !ok {
				t.Errorf("%s lacks %s", l.Path, must)
			}
		}
	}
	if _, ok := lists["windows"].Names["AF_UNIX"]; ok {
		t.Error("windows list has AF_UNIX (CPython #undefs it without sys/un.h)")
	}
}
