// Command generator turns the declarative spec (spec/*.yaml) into the
// generated Go files of package socket (zsocket_<os>[_<arch>].go) and the
// provenance records (spec/scrape/<os>_<arch>.json), and audits them.
//
//	go run ./generator gen -target linux/amd64 -cc gcc -I <kernel headers> ...
//	go run ./generator audit ...
//
// mkall.sh runs gen for every target with the right toolchains.
package main

import (
	"flag"
	"fmt"
	"github.com/sockspec/socket/generator/spec"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sockspec/socket/generator/specdata"
)

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	var code int
	switch os.Args[1] {
	case "gen":
		code = genMain(os.Args[2:], os.Stdout, os.Stderr)
	case "audit":
		code = auditMain(os.Args[2:], os.Stdout, os.Stderr)
	case "drift":
		code = driftMain(os.Args[2:], os.Stdout, os.Stderr)
	case "-h", "-help", "--help", "help":
		usage(os.Stdout)
	default:
		fmt.Fprintf(os.Stderr, "generator: unknown command %q\n", os.Args[1])
		usage(os.Stderr)
		code = 2
	}
	os.Exit(code)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  generator gen -target GOOS/GOARCH [-cc CC] [-I DIR]... [flags]   generate one target
  generator audit [flags]                                         report constant coverage
  generator drift FRESHDIR                                        compare a fresh generation with the committed files
Run "generator gen -h" or "generator audit -h" for the flags.
`)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func genMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		specDir  = fs.String("spec", "spec", "spec directory")
		outDir   = fs.String("out", ".", "directory for the z-file")
		recDir   = fs.String("records", "", "directory for the scrape record (default <spec>/scrape)")
		target   = fs.String("target", "", "GOOS/GOARCH")
		cc       = fs.String("cc", "", "C compiler for the target (omit for targets without headers here)")
		kernel   = fs.String("kernel-headers", "", "provenance: kernel header package and version")
		libc     = fs.String("libc", "", "provenance: C library (default: asked of the headers)")
		extra    = fs.String("extra", "", "provenance: other header packages")
		noXSys   = fs.Bool("no-xsys", false, "do not read golang.org/x/sys as a second source")
		verbose  = fs.Bool("v", false, "report skipped macros and value differences")
		incs     multiFlag
		cflags   multiFlag
		perArchF = fs.Bool("per-arch", true, "name the z-file zsocket_<os>_<arch>.go (else zsocket_<os>.go)")
	)
	fs.Var(&incs, "I", "include directory searched before the compiler's own (repeatable)")
	fs.Var(&cflags, "cflag", "extra compiler flag (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	goos, goarch, ok := strings.Cut(*target, "/")
	if !ok || goos == "" || goarch == "" {
		fmt.Fprintln(stderr, "gen: -target GOOS/GOARCH is required")
		return 2
	}
	if !spec.KnownOS[goos] {
		fmt.Fprintf(stderr, "gen: unknown target OS %q\n", goos)
		return 2
	}
	if *recDir == "" {
		*recDir = filepath.Join(*specDir, "scrape")
	}
	sp, err := spec.Load(*specDir)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if *cc == "" {
		fmt.Fprintf(stderr, "gen: %s: -cc is required (header scraping)\n", *target)
		return 2
	}
	work, err := os.MkdirTemp("", "sockspec-gen-")
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	defer os.RemoveAll(work)
	tc := &Toolchain{GOOS: goos, GOARCH: goarch, CC: *cc, KernelHeaders: *kernel, Libc: *libc, Extra: *extra, WorkDir: work}
	for _, d := range incs {
		abs, err := filepath.Abs(d)
		if err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "gen: include directory %s does not exist\n", d)
			return 1
		}
		tc.CFlags = append(tc.CFlags, "-I", abs)
	}
	tc.CFlags = append(tc.CFlags, cflags...)
	var xs *XSys
	if !*noXSys {
		if xs, err = LoadXSys(goos, goarch); err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
	}
	td, err := Scrape(sp, tc, xs, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %s: %v\n", *target, err)
		return 1
	}
	if *verbose {
		names := make([]string, 0, len(td.Skipped))
		for n := range td.Skipped {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stderr, "skipped %s: %s\n", n, td.Skipped[n])
		}
		for _, d := range td.Diffs {
			fmt.Fprintf(stderr, "differs: %s\n", d)
		}
	}
	src, err := Emit(sp, td, "go run ./generator gen (mkall.sh)")
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	formatted, err := format.Source(src)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %s: generated code does not parse: %v\n", *target, err)
		return 1
	}
	// Write both outputs only now that everything succeeded; each via a
	// temporary file and rename, so no partial file is ever left behind.
	goPath := filepath.Join(*outDir, goFileName(goos, goarch, *perArchF))
	recPath := filepath.Join(*recDir, goos+"_"+goarch+".json")
	if err := os.MkdirAll(*recDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	tmp := goPath + ".tmp"
	if err := os.WriteFile(tmp, formatted, 0o644); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if err := specdata.Write(recPath, td.Record()); err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if err := os.Rename(tmp, goPath); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	counts := map[string]int{}
	for _, c := range td.Consts {
		counts[c.Source]++
	}
	fmt.Fprintf(stdout, "%s: %d constants (headers %d, x/sys %d, spec %d), %d layouts, %d expressions -> %s\n",
		*target, len(td.Consts), counts["headers"], counts["xsys"], counts["spec"], len(td.Layouts), len(td.Exprs), goPath)
	return 0
}

func auditMain(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "audit: not built yet")
	return 2
}
