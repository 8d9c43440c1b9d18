// Package audit reports sockspec's constant coverage from the committed
// spec (spec/*.yaml, spec/cpython/*.txt) and scrape records
// (spec/scrape/<goos>_<goarch>.json) alone: no compiler, headers or network.
//
//	generator audit [-spec DIR] [-records DIR|FILE] [-group G,..] [-name PAT,..]
//	                [-target T,..] [-format text|md|json|html] [-section S,..]
//	                [-o FILE] [--require NAME[@TARGET],..]
//	generator audit diff [-format text|md|json] [-exit-code] A B
//
// Exit status: 0 success, 1 a --require term failed (or, with -exit-code, the
// diff found differences), 2 bad usage or bad input.
package audit

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sockspec/socket/generator/spec"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*l = append(*l, x)
		}
	}
	return nil
}

var sections = []string{"targets", "groups", "traps", "parity", "matrix"}

// Main runs `generator audit ARGS...`.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "diff" {
		return diffMain(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var groups, names, targets, reqs, secs listFlag
	specDir := fs.String("spec", "spec", "spec directory")
	recDir := fs.String("records", "", "scrape record directory or file (default <spec>/scrape)")
	format := fs.String("format", "text", "output format: text, md, json or html")
	out := fs.String("o", "", "write the report to this file instead of stdout")
	fs.Var(&groups, "group", "only these groups (comma-separated, repeatable), e.g. SO,TCP")
	fs.Var(&names, "name", "only names matching (substring, or glob with * ? [ ]; comma-separated; case-insensitive)")
	fs.Var(&targets, "target", "only these targets: linux/amd64, linux, darwin, darwin/arm64, freebsd, windows, ...")
	fs.Var(&reqs, "require", "fail (exit 1) unless NAME exists on every target with a record, or NAME@TARGET on that target")
	fs.Var(&secs, "section", "text/md sections: "+strings.Join(sections, ",")+" (default all)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: generator audit [flags]\n       generator audit diff [-format text|md|json] [-exit-code] A B\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "audit: unexpected argument %q (did you mean \"audit diff A B\"?)\n", fs.Arg(0))
		return 2
	}
	switch *format {
	case "text", "md", "json", "html":
	default:
		fmt.Fprintf(stderr, "audit: unknown format %q (text, md, json, html)\n", *format)
		return 2
	}
	for _, s := range secs {
		if !contains(sections, s) {
			fmt.Fprintf(stderr, "audit: unknown section %q (%s)\n", s, strings.Join(sections, ", "))
			return 2
		}
	}
	if *recDir == "" {
		*recDir = *specDir + "/scrape"
	}
	sp, err := spec.Load(*specDir)
	if err != nil {
		fmt.Fprintf(stderr, "audit: spec: %v\n", err)
		return 2
	}
	recs, err := loadRecords(*recDir)
	if err != nil {
		fmt.Fprintf(stderr, "audit: %v\n", err)
		return 2
	}
	cpy, err := loadCPython(*specDir)
	if err != nil {
		fmt.Fprintf(stderr, "audit: %v\n", err)
		return 2
	}
	all := columns(recs)

	// Validate the filters.
	known := map[string]bool{}
	for _, g := range sp.Groups {
		known[g.Name] = true
	}
	for _, r := range recs {
		for _, c := range r.T.Constants {
			known[c.Group] = true
		}
	}
	for _, g := range groups {
		if !known[g] {
			fmt.Fprintf(stderr, "audit: unknown group %q\n", g)
			return 2
		}
	}
	for _, n := range names {
		if strings.ContainsAny(n, "*?[") {
			if _, err := pathMatchCheck(n); err != nil {
				fmt.Fprintf(stderr, "audit: bad -name pattern %q: %v\n", n, err)
				return 2
			}
		}
	}
	cols := all
	if len(targets) > 0 {
		cols = nil
		for _, t := range targets {
			if err := checkTarget(t, all); err != nil {
				fmt.Fprintf(stderr, "audit: %v\n", err)
				return 2
			}
			n := 0
			for _, c := range all {
				if c.matches(t) {
					n++
					if !containsCol(cols, c) {
						cols = append(cols, c)
					}
				}
			}
			if n == 0 {
				goos, _, _ := strings.Cut(t, "/")
				fmt.Fprintf(stderr, "audit: target %q has no record (records for %s: %s)\n", t, goos, recordTargets(all, goos))
				return 2
			}
		}
		// Keep the canonical column order.
		var ordered []*column
		for _, c := range all {
			if containsCol(cols, c) {
				ordered = append(ordered, c)
			}
		}
		cols = ordered
	}
	for _, r := range reqs {
		name, t, has := strings.Cut(r, "@")
		if name == "" {
			fmt.Fprintf(stderr, "audit: --require %q: no name\n", r)
			return 2
		}
		if has {
			if err := checkTarget(t, all); err != nil {
				fmt.Fprintf(stderr, "audit: --require %s: %v\n", r, err)
				return 2
			}
		}
	}

	o := &options{specDir: *specDir, recDir: *recDir, groups: groups, names: names, targets: targets}
	rep := build(sp, cols, cpy, o)
	rep.Requirements = require(reqs, all)
	if len(secs) == 0 {
		secs = sections
	}

	var buf bytes.Buffer
	switch *format {
	case "json":
		err = writeJSON(&buf, rep)
	case "md":
		err = writeMarkdown(&buf, rep, secs)
	case "html":
		err = writeHTML(&buf, rep)
	default:
		err = writeText(&buf, rep, secs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "audit: %v\n", err)
		return 2
	}
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "audit: %v\n", err)
			return 2
		}
	} else if _, err := stdout.Write(buf.Bytes()); err != nil {
		return 2
	}
	failed := 0
	for _, r := range rep.Requirements {
		if !r.OK {
			failed++
			fmt.Fprintf(stderr, "audit: required %s on %s: %s\n", r.Name, r.Target, r.Detail)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "audit: %d requirement(s) failed\n", failed)
		return 1
	}
	return 0
}

func containsCol(cols []*column, c *column) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
