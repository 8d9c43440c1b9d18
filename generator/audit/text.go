package audit

import (
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"
)

// width is the line width of the text report.
const width = 100

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// clip shortens s to w runes, ending in "…" when cut.
func clip(s string, w int) string {
	if runeLen(s) <= w {
		return s
	}
	if w <= 1 {
		return string([]rune(s)[:max(w, 0)])
	}
	return string([]rune(s)[:w-1]) + "…"
}

func pad(s string, w int) string {
	if n := runeLen(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func padLeft(s string, w int) string {
	if n := runeLen(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// shortValue renders a value in at most w runes: decimal, else hex, else cut.
func shortValue(v string, w int) string {
	if runeLen(v) <= w {
		return v
	}
	if n, ok := new(big.Int).SetString(v, 10); ok {
		var h string
		if n.Sign() < 0 {
			h = "-0x" + new(big.Int).Neg(n).Text(16)
		} else {
			h = "0x" + n.Text(16)
		}
		if len(h) <= w {
			return h
		}
	}
	return clip(v, w)
}

// marker says where a value came from when it is not the C headers.
func marker(c Cell) string {
	switch c.SourceKind {
	case "c-headers":
		return ""
	case "go-module":
		return "*"
	case "spec":
		return "+"
	}
	return "?"
}

// srcLabel is the short provenance of a cell for the SRC column.
func srcLabel(c Cell) string {
	switch c.SourceKind {
	case "c-headers":
		if c.Header != "" {
			return c.Header
		}
		return "headers"
	case "go-module":
		return "x/sys"
	case "spec":
		return "spec"
	}
	return c.Source
}

func rowSrc(r ConstRow, ts []TargetInfo) string {
	first, mixed := "", false
	for _, t := range ts {
		c, ok := r.Values[t.Target]
		if !ok {
			continue
		}
		l := srcLabel(c)
		if first == "" {
			first = l
		} else if l != first {
			mixed = true
		}
	}
	if mixed {
		return first + "~"
	}
	return first
}

func labelLines(t TargetInfo) (string, string) {
	if !t.HasData {
		return t.OS, "no data"
	}
	return t.OS, t.Arch
}

func wrapWords(w io.Writer, indent string, words []string) {
	line := indent
	for _, x := range words {
		if runeLen(line)+1+runeLen(x) > width && strings.TrimSpace(line) != "" {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = indent
		}
		if strings.TrimSpace(line) != "" {
			line += " "
		}
		line += x
	}
	if strings.TrimSpace(line) != "" {
		fmt.Fprintln(w, line)
	}
}

func wrapText(w io.Writer, indent, text string) { wrapWords(w, indent, strings.Fields(text)) }

func writeText(w io.Writer, r *Report, secs []string) error {
	nrec := 0
	for _, t := range r.Targets {
		if t.HasData {
			nrec++
		}
	}
	fmt.Fprintf(w, "sockspec constant audit: %d constants, %d records (%s), spec %s\n", len(r.Constants), nrec, r.Records, r.Spec)
	var f []string
	if len(r.Filters.Groups) > 0 {
		f = append(f, "group="+strings.Join(r.Filters.Groups, ","))
	}
	if len(r.Filters.Names) > 0 {
		f = append(f, "name="+strings.Join(r.Filters.Names, ","))
	}
	if len(r.Filters.Targets) > 0 {
		f = append(f, "target="+strings.Join(r.Filters.Targets, ","))
	}
	if len(f) > 0 {
		fmt.Fprintf(w, "filters: %s\n", strings.Join(f, " "))
	}
	for _, s := range secs {
		fmt.Fprintln(w)
		switch s {
		case "targets":
			textTargets(w, r)
		case "groups":
			textGroups(w, r)
		case "traps":
			textTraps(w, r)
		case "parity":
			textParity(w, r)
		case "matrix":
			textMatrix(w, r)
		}
	}
	if len(r.Requirements) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "REQUIREMENTS")
		for _, q := range r.Requirements {
			st := "ok  "
			if !q.OK {
				st = "FAIL"
			}
			fmt.Fprintln(w, clip(fmt.Sprintf("  %s %s@%s: %s", st, q.Name, q.Target, q.Detail), width))
		}
	}
	return nil
}

func sourceLine(s Source) string {
	var parts []string
	switch s.Kind {
	case "c-headers":
		for _, x := range []string{s.KernelHeaders, s.Libc, s.Extra, s.Compiler} {
			if x != "" {
				parts = append(parts, x)
			}
		}
	case "go-module":
		parts = append(parts, s.Module)
	default:
		parts = append(parts, s.Description)
	}
	if len(parts) == 0 {
		parts = append(parts, s.Description)
	}
	return strings.Join(parts, "; ")
}

func textTargets(w io.Writer, r *Report) {
	fmt.Fprintln(w, "TARGETS (records and the provenance of their values)")
	for _, t := range r.Targets {
		if !t.HasData {
			fmt.Fprintf(w, "  %-13s no data (no record %s_*.json)\n", t.Target, t.OS)
			continue
		}
		fmt.Fprintln(w, clip(fmt.Sprintf("  %-13s %d constants, %d layouts  %s", t.Target, t.Constants, t.Layouts, t.Record), width))
		for _, s := range t.Sources {
			fmt.Fprintln(w, clip(fmt.Sprintf("      %-8s %-10s %s", s.ID, s.Kind, sourceLine(s)), width))
		}
	}
	fmt.Fprintln(w, "  Value markers below: plain = C headers (SRC = header set), * = x/sys, + = stated in the spec,")
	fmt.Fprintln(w, "  - = absent on a target with a record, n/a = no record; ! = value differs between targets.")
}

// textCols picks the column width for n target columns next to a name column.
func colWidth(n int) int {
	cw := 8
	for cw > 6 && 1+24+1+10+n*(cw+1) > width {
		cw--
	}
	return cw
}

func textGroups(w io.Writer, r *Report) {
	fmt.Fprintln(w, "COVERAGE BY GROUP (constants per target; py:OS = names of the group in CPython's list)")
	var oses []string
	for _, p := range r.Parity {
		if p.List != "" {
			oses = append(oses, p.OS)
		}
	}
	gw := 5
	for _, g := range r.Groups {
		if len(g.Group) > gw {
			gw = len(g.Group)
		}
	}
	cw := 7
	total := gw + 2 + len(r.Targets)*(cw+1) + len(oses)*(cw+1) + 6
	if total > width {
		oses = nil
	}
	h1, h2 := pad("GROUP", gw)+" "+pad("NAMES", 5), pad("", gw)+" "+pad("", 5)
	for _, t := range r.Targets {
		a, b := labelLines(t)
		h1 += " " + padLeft(clip(a, cw), cw)
		h2 += " " + padLeft(clip(b, cw), cw)
	}
	for _, o := range oses {
		h1 += " " + padLeft("py:", cw)
		h2 += " " + padLeft(clip(o, cw), cw)
	}
	fmt.Fprintln(w, h1)
	fmt.Fprintln(w, h2)
	tot := map[string]int{}
	for _, g := range r.Groups {
		line := pad(g.Group, gw) + " " + padLeft(fmt.Sprint(g.Names), 5)
		for _, t := range r.Targets {
			v := "n/a"
			if t.HasData {
				v = fmt.Sprint(g.Counts[t.Target])
				tot[t.Target] += g.Counts[t.Target]
			}
			line += " " + padLeft(v, cw)
		}
		for _, o := range oses {
			line += " " + padLeft(fmt.Sprint(g.CPython[o]), cw)
			tot["py:"+o] += g.CPython[o]
		}
		fmt.Fprintln(w, line)
	}
	line := pad("TOTAL", gw) + " " + padLeft(fmt.Sprint(len(r.Constants)), 5)
	for _, t := range r.Targets {
		v := "n/a"
		if t.HasData {
			v = fmt.Sprint(tot[t.Target])
		}
		line += " " + padLeft(v, cw)
	}
	for _, o := range oses {
		line += " " + padLeft(fmt.Sprint(tot["py:"+o]), cw)
	}
	fmt.Fprintln(w, line)
}

// matrixRows prints rows as a name × target table fitting the line width.
func matrixRows(w io.Writer, rows []ConstRow, ts []TargetInfo, flag func(ConstRow) string) {
	cw := colWidth(len(ts))
	srcW := 0
	for _, row := range rows {
		if n := runeLen(rowSrc(row, ts)); n > srcW {
			srcW = n
		}
	}
	if srcW > 11 {
		srcW = 11
	}
	if srcW < 3 {
		srcW = 3
	}
	nameW := width - 2 - (srcW + 1) - len(ts)*(cw+1)
	maxName := 4
	for _, row := range rows {
		if n := runeLen(row.Name); n > maxName {
			maxName = n
		}
	}
	if maxName < nameW {
		nameW = maxName
	}
	h1 := "  " + pad("NAME", nameW) + " " + pad("SRC", srcW)
	h2 := "  " + pad("", nameW) + " " + pad("", srcW)
	for _, t := range ts {
		a, b := labelLines(t)
		h1 += " " + pad(clip(a, cw), cw)
		h2 += " " + pad(clip(b, cw), cw)
	}
	fmt.Fprintln(w, strings.TrimRight(h1, " "))
	fmt.Fprintln(w, strings.TrimRight(h2, " "))
	for _, row := range rows {
		fl := flag(row)
		line := pad(fl, 2)
		if runeLen(row.Name) > nameW {
			fmt.Fprintln(w, line+row.Name)
			line = "  " + pad("", nameW)
		} else {
			line += pad(row.Name, nameW)
		}
		line += " " + pad(clip(rowSrc(row, ts), srcW), srcW)
		for _, t := range ts {
			v := "n/a"
			if t.HasData {
				v = "-"
				if c, ok := row.Values[t.Target]; ok {
					m := marker(c)
					v = shortValue(c.Value, cw-len(m)) + m
				}
			}
			line += " " + pad(v, cw)
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func textTraps(w io.Writer, r *Report) {
	var rows []ConstRow
	arch := 0
	for _, row := range r.Constants {
		if row.Differs {
			rows = append(rows, row)
		}
	}
	for _, t := range r.Traps {
		if t.Scope == "arch" {
			arch++
		}
	}
	fmt.Fprintf(w, "PORTABILITY TRAPS: %d names whose value differs between targets (%d between architectures\n", len(rows), arch)
	fmt.Fprintln(w, "of one OS, flagged A; the others differ between OSes, flagged !)")
	if len(rows) == 0 {
		return
	}
	scope := map[string]string{}
	for _, t := range r.Traps {
		scope[t.Name] = t.Scope
	}
	matrixRows(w, rows, r.Targets, func(row ConstRow) string {
		if scope[row.Name] == "arch" {
			return "A"
		}
		return "!"
	})
}

func textParity(w io.Writer, r *Report) {
	fmt.Fprintln(w, "PARITY WITH CPYTHON (spec/cpython/<os>.txt)")
	for _, p := range r.Parity {
		if p.List == "" {
			fmt.Fprintf(w, "%s: no CPython name list (spec/cpython/%s.txt)\n", p.OS, p.OS)
			continue
		}
		if !p.HasData {
			fmt.Fprintf(w, "%s: no record to compare (%s: %d names)\n", p.OS, p.List, p.CPythonNames)
			continue
		}
		fmt.Fprintf(w, "%s: %s, %d names, compared with %s\n", p.OS, p.List, p.CPythonNames, strings.Join(p.Targets, ", "))
		wrapWords(w, "    ", append([]string{"list:"}, strings.Fields(p.Origin)...))
		fmt.Fprintf(w, "  CPython exports, we lack: %d\n", len(p.Missing))
		parityNames(w, p.Missing, len(p.Targets), "only missing on")
		fmt.Fprintf(w, "  we export, CPython lacks: %d\n", len(p.Extra))
		parityNames(w, p.Extra, len(p.Targets), "only on")
		fmt.Fprintf(w, "  values that differ from CPython's list: %d\n", len(p.ValueMismatches))
		for _, m := range p.ValueMismatches {
			fmt.Fprintln(w, clip(fmt.Sprintf("    %s on %s: ours %s, CPython %s", m.Name, m.Target, m.Ours, m.CPython), width))
		}
	}
}

func parityNames(w io.Writer, names []ParityName, ntargets int, partial string) {
	byGroup := map[string][]string{}
	var order []string
	for _, n := range names {
		if _, ok := byGroup[n.Group]; !ok {
			order = append(order, n.Group)
		}
		s := n.Name
		if len(n.Targets) < ntargets {
			s += "(" + partial + " " + strings.Join(n.Targets, ",") + ")"
		}
		byGroup[n.Group] = append(byGroup[n.Group], s)
	}
	for _, g := range order {
		wrapWords(w, "    ", append([]string{fmt.Sprintf("%s (%d):", g, len(byGroup[g]))}, byGroup[g]...))
	}
}

func textMatrix(w io.Writer, r *Report) {
	fmt.Fprintln(w, "MATRIX (every constant × target)")
	byGroup := map[string][]ConstRow{}
	var order []string
	for _, row := range r.Constants {
		if _, ok := byGroup[row.Group]; !ok {
			order = append(order, row.Group)
		}
		byGroup[row.Group] = append(byGroup[row.Group], row)
	}
	doc := map[string]string{}
	for _, g := range r.Groups {
		doc[g.Group] = g.Doc
	}
	for _, g := range order {
		fmt.Fprintln(w)
		fmt.Fprintln(w, clip(fmt.Sprintf("== %s (%d): %s", g, len(byGroup[g]), doc[g]), width))
		matrixRows(w, byGroup[g], r.Targets, func(row ConstRow) string {
			if row.Differs {
				return "!"
			}
			return ""
		})
	}
	var stated []string
	for _, row := range r.Constants {
		for _, t := range r.Targets {
			if c, ok := row.Values[t.Target]; ok && c.SourceKind == "spec" {
				stated = append(stated, fmt.Sprintf("%s (%s): %s", row.Name, t.Target, c.Note))
			}
		}
	}
	if len(stated) > 0 {
		sort.Strings(stated)
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Values stated in the spec (+), with their documents:")
		for _, s := range stated {
			wrapText(w, "   ", s)
		}
	}
}
