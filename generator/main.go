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

	"github.com/sockspec/socket/generator/audit"
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
	goos, archList, ok := strings.Cut(*target, "/")
	if !ok || goos == "" || archList == "" {
		fmt.Fprintln(stderr, "gen: -target GOOS/GOARCH[,GOARCH...] is required")
		return 2
	}
	if !spec.KnownOS[goos] {
		fmt.Fprintf(stderr, "gen: unknown target OS %q\n", goos)
		return 2
	}
	arches := strings.Split(archList, ",")
	if *recDir == "" {
		*recDir = filepath.Join(*specDir, "scrape")
	}
	sp, err := spec.Load(*specDir)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	work, err := os.MkdirTemp("", "sockspec-gen-")
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	defer os.RemoveAll(work)

	// Scrape every arch first; nothing is written unless all succeed.
	var tds []*TargetData
	for _, goarch := range arches {
		var xs *XSys
		if !*noXSys || *cc == "" {
			if xs, err = LoadXSys(goos, goarch); err != nil {
				fmt.Fprintf(stderr, "gen: %v\n", err)
				return 1
			}
		}
		var td *TargetData
		if *cc == "" {
			// No C compiler for this target here: x/sys and the spec.
			td, err = ScrapeXSysOnly(sp, goos, goarch, xs)
		} else {
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
			td, err = Scrape(sp, tc, xs, stderr)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gen: %s/%s: %v\n", goos, goarch, err)
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
		tds = append(tds, td)
	}

	// One file for all arches when their code is the same, else one per arch.
	const cmd = "go run ./generator gen (mkall.sh)"
	type output struct {
		path string
		src  []byte
	}
	var outs []output
	render := func(td *TargetData, label, tag string) ([]byte, error) {
		src, err := Emit(sp, td, cmd, label, tag)
		if err != nil {
			return nil, err
		}
		return format.Source(src)
	}
	merged := false
	if !*perArchF {
		label := goos + " (" + strings.Join(arches, ", ") + ")"
		tag := goos + " && (" + strings.Join(arches, " || ") + ")"
		if len(arches) == 1 {
			label, tag = goos+"/"+arches[0], goos+" && "+arches[0]
		}
		first, err := render(tds[0], label, tag)
		if err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
		merged = true
		for _, td := range tds[1:] {
			other, err := render(td, label, tag)
			if err != nil {
				fmt.Fprintf(stderr, "gen: %v\n", err)
				return 1
			}
			if string(other) != string(first) {
				merged = false
				fmt.Fprintf(stderr, "gen: %s: %s and %s differ; writing one file per arch\n", goos, arches[0], td.GOARCH)
				break
			}
		}
		if merged {
			outs = append(outs, output{filepath.Join(*outDir, goFileName(goos, "", false)), first})
		}
	}
	if !merged {
		for _, td := range tds {
			src, err := render(td, td.Target(), "")
			if err != nil {
				fmt.Fprintf(stderr, "gen: %v\n", err)
				return 1
			}
			outs = append(outs, output{filepath.Join(*outDir, goFileName(goos, td.GOARCH, true)), src})
		}
	}

	// Write everything only now that everything succeeded; each file via a
	// temporary file and rename, so no partial file is ever left behind.
	if err := os.MkdirAll(*recDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	for _, td := range tds {
		if err := specdata.Write(filepath.Join(*recDir, td.GOOS+"_"+td.GOARCH+".json"), td.Record()); err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
	}
	for _, o := range outs {
		tmp := o.path + ".tmp"
		if err := os.WriteFile(tmp, o.src, 0o644); err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
		if err := os.Rename(tmp, o.path); err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return 1
		}
	}
	for i, td := range tds {
		counts := map[string]int{}
		for _, c := range td.Consts {
			counts[c.Source]++
		}
		dest := outs[0].path
		if len(outs) == len(tds) {
			dest = outs[i].path
		}
		fmt.Fprintf(stdout, "%s: %d constants (headers %d, x/sys %d, spec %d), %d layouts, %d expressions -> %s\n",
			td.Target(), len(td.Consts), counts["headers"], counts["xsys"], counts["spec"], len(td.Layouts), len(td.Exprs), dest)
	}
	return 0
}

func auditMain(args []string, stdout, stderr io.Writer) int {
	return audit.Main(args, stdout, stderr)
}
