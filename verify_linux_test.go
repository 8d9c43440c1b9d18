//go:build linux

package socket

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sockspec/socket/generator/specdata"
)

// headerDirs finds the header packages mkall.sh downloaded for this arch.
func headerDirs(t *testing.T, goarch string) []string {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join("spec", "headers.lock"))
	if err != nil {
		t.Fatal(err)
	}
	ver := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(lock)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			ver[f[0]] = f[1]
		}
	}
	cache := os.Getenv("SOCKSPEC_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "sockspec")
	}
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[goarch]
	k := filepath.Join(cache, "headers", fmt.Sprintf("linux-libc-dev_%s_%s", ver["linux-libc-dev"], goarch), "usr", "include")
	b := filepath.Join(cache, "headers", fmt.Sprintf("libbluetooth-dev_%s_amd64", ver["libbluetooth-dev"]), "usr", "include")
	for _, d := range []string{k, b} {
		if _, err := os.Stat(d); err != nil {
			t.Skipf("header package %s not downloaded; run ./mkall.sh first", d)
		}
	}
	return []string{k, filepath.Join(k, triplet), b}
}

// TestGeneratedValuesMatchHeaders is the ctest-style check: a C program,
// generated here from what this package was built with (constantTable,
// layoutTable) and compiled with the host's compiler against the same
// headers, compares every header-sourced constant and every struct size and
// offset with the C compiler's own answer. A single mismatch fails.
func TestGeneratedValuesMatchHeaders(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("no scrape for " + runtime.GOARCH)
	}
	cc := map[string]string{"amd64": "gcc", "arm64": "aarch64-linux-gnu-gcc"}
	hostArch, _ := exec.Command("uname", "-m").Output()
	native := map[string]string{"x86_64": "amd64", "aarch64": "arm64"}[strings.TrimSpace(string(hostArch))] == runtime.GOARCH
	if !native {
		t.Skip("the C check runs on the host architecture only")
	}
	if _, err := exec.LookPath(cc[runtime.GOARCH]); err != nil {
		t.Skip("no C compiler")
	}
	rec, err := specdata.Read(filepath.Join("spec", "scrape", runtime.GOOS+"_"+runtime.GOARCH+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := headerDirs(t, runtime.GOARCH)
	inTable := map[string]int64{}
	for _, c := range Constants() {
		inTable[c.Name] = c.Value
	}

	// One program per header set, since sets may not be combinable.
	perSet := map[string][]string{}
	checks := 0
	for _, c := range rec.Constants {
		if c.Source != "headers" || c.Kind != "int" {
			continue
		}
		v, ok := inTable[c.Name]
		if !ok {
			t.Errorf("%s: in the record but not in constantTable", c.Name)
			continue
		}
		expr := c.Expr
		if expr == "" {
			expr = c.Name
		}
		perSet[c.Header] = append(perSet[c.Header], fmt.Sprintf("CHECK(%q, (long long)(%s), %dLL);", c.Name, expr, v))
		checks++
	}
	for _, l := range layoutTable {
		var set string
		for _, rl := range rec.Layouts {
			if rl.Name == l.name {
				set = rl.Header
			}
		}
		if set == "" {
			t.Errorf("layout %s: not in the record", l.name)
			continue
		}
		perSet[set] = append(perSet[set],
			fmt.Sprintf("CHECK(%q, (long long)sizeof(%s), %d);", "sizeof "+l.cType, l.cType, l.size),
			fmt.Sprintf("CHECK(%q, (long long)_Alignof(%s), %d);", "alignof "+l.cType, l.cType, l.align))
		for _, f := range l.fields {
			perSet[set] = append(perSet[set],
				fmt.Sprintf("CHECK(%q, (long long)offsetof(%s, %s), %d);", "offsetof "+l.cType+"."+f.name, l.cType, f.name, f.offset),
				fmt.Sprintf("CHECK(%q, (long long)sizeof(((%s *)0)->%s), %d);", "sizeof "+l.cType+"."+f.name, l.cType, f.name, f.size))
		}
		checks += 2 + 2*len(l.fields)
	}
	dir := t.TempDir()
	for set, lines := range perSet {
		hs, ok := rec.HeaderSets[set]
		if !ok {
			t.Fatalf("record lacks header set %q", set)
		}
		var src strings.Builder
		for _, d := range hs.Defines {
			name, val, _ := strings.Cut(d, "=")
			fmt.Fprintf(&src, "#define %s %s\n", name, val)
		}
		for _, inc := range hs.Includes {
			fmt.Fprintf(&src, "#include <%s>\n", inc)
		}
		src.WriteString("#include <stddef.h>\n#include <stdio.h>\nstatic int bad;\n")
		src.WriteString("#define CHECK(n, got, want) do { if ((got) != (want)) { printf(\"MISMATCH %s: header %lld, generated %lld\\n\", n, (long long)(got), (long long)(want)); bad++; } } while (0)\n")
		src.WriteString("int main(void) {\n")
		for _, l := range lines {
			src.WriteString("\t" + l + "\n")
		}
		src.WriteString("\tprintf(\"checked\\n\");\n\treturn bad != 0;\n}\n")
		cfile := filepath.Join(dir, set+".c")
		bin := filepath.Join(dir, set)
		if err := os.WriteFile(cfile, []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-w", "-o", bin, cfile}
		for _, d := range dirs {
			args = append([]string{"-I", d}, args...)
		}
		if out, err := exec.Command(cc[runtime.GOARCH], args...).CombinedOutput(); err != nil {
			t.Fatalf("compiling the %s check: %v\n%s", set, err, out)
		}
		out, err := exec.Command(bin).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "checked") {
			t.Errorf("header set %s: %v\n%s", set, err, out)
		}
	}
	t.Logf("%d values checked against the headers in %d programs", checks, len(perSet))
}
