package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/sockspec/socket/generator/specdata"
)

// driftMain compares freshly generated output with the committed files.
// Values, names, layouts and code must match exactly; only the provenance
// lines that name package versions may differ (Debian updates its header
// packages in place), and such a difference is reported, not failed.
func driftMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	committed := fs.String("committed", ".", "repository root with the committed z-files and spec/scrape")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: generator drift [-committed DIR] FRESHDIR")
		return 2
	}
	fresh := fs.Arg(0)
	files, _ := filepath.Glob(filepath.Join(fresh, "zsocket_*.go"))
	if len(files) == 0 {
		fmt.Fprintf(stderr, "drift: no generated files in %s\n", fresh)
		return 2
	}
	bad := 0
	for _, f := range files {
		name := filepath.Base(f)
		a, errA := os.ReadFile(filepath.Join(*committed, name))
		b, errB := os.ReadFile(f)
		if errA != nil || errB != nil {
			fmt.Fprintf(stdout, "drift: %s: committed %v, fresh %v\n", name, errA, errB)
			bad++
			continue
		}
		ca, pa := splitProvenance(string(a))
		cb, pb := splitProvenance(string(b))
		if ca != cb {
			fmt.Fprintf(stdout, "drift: %s differs from a fresh generation:\n%s", name, firstDiff(ca, cb))
			bad++
		} else if pa != pb {
			fmt.Fprintf(stdout, "drift: %s: same code, provenance differs (header packages updated?):\n  committed: %s\n  fresh:     %s\n", name, pa, pb)
		}
	}
	recs, _ := filepath.Glob(filepath.Join(fresh, "scrape", "*.json"))
	for _, f := range recs {
		name := filepath.Base(f)
		a, errA := specdata.Read(filepath.Join(*committed, "spec", "scrape", name))
		b, errB := specdata.Read(f)
		if errA != nil || errB != nil {
			fmt.Fprintf(stdout, "drift: spec/scrape/%s: committed %v, fresh %v\n", name, errA, errB)
			bad++
			continue
		}
		if !reflect.DeepEqual(a.Constants, b.Constants) || !reflect.DeepEqual(a.Layouts, b.Layouts) {
			fmt.Fprintf(stdout, "drift: spec/scrape/%s: constants or layouts differ from a fresh generation\n", name)
			bad++
		}
	}
	if bad > 0 {
		fmt.Fprintf(stdout, "drift: %d file(s) out of date: run ./mkall.sh and commit the result\n", bad)
		return 1
	}
	fmt.Fprintf(stdout, "drift: %d generated files and %d records match the spec\n", len(files), len(recs))
	return 0
}

// splitProvenance separates the "Sources:" lines of a z-file's header.
func splitProvenance(s string) (code, prov string) {
	var c, p []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "//   - ") {
			p = append(p, strings.TrimPrefix(line, "//   - "))
			continue
		}
		c = append(c, line)
	}
	return strings.Join(c, "\n"), strings.Join(p, " | ")
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("  line %d\n  committed: %s\n  fresh:     %s\n", i+1, x, y)
		}
	}
	return ""
}
