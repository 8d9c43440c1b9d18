package audit

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sockspec/socket/generator/specdata"
)

// DiffReport is the JSON document of `audit diff -format json`.
type DiffReport struct {
	Kind        string     `json:"kind"` // "diff"
	AuditSchema int        `json:"audit_schema"`
	A           string     `json:"a"`
	B           string     `json:"b"`
	Pairs       []DiffPair `json:"pairs"`
	OnlyInA     []string   `json:"only_in_a"` // targets with a record only in A (directories)
	OnlyInB     []string   `json:"only_in_b"`
	Differences int        `json:"differences"` // total count of changes
}

// DiffPair compares one record of A with one of B.
type DiffPair struct {
	TargetA        string         `json:"target_a"`
	TargetB        string         `json:"target_b"`
	A              string         `json:"a"`
	B              string         `json:"b"`
	Note           string         `json:"note"`
	SourcesChanged []SourceChange `json:"sources_changed"`
	Added          []DiffConst    `json:"added"`
	Removed        []DiffConst    `json:"removed"`
	Changed        []ConstChange  `json:"changed"`
	LayoutsChanged []LayoutChange `json:"layouts_changed"`
}

// SourceChange is a changed provenance field of a source (e.g. the kernel
// headers version), or a source added or removed.
type SourceChange struct {
	ID    string `json:"id"`
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// DiffConst is a constant only one side has.
type DiffConst struct {
	Name       string `json:"name"`
	Group      string `json:"group"`
	Value      string `json:"value"`
	Provenance string `json:"provenance"`
}

// ConstChange is a constant whose value, provenance or classification changed.
type ConstChange struct {
	Name              string `json:"name"`
	Group             string `json:"group"`
	OldValue          string `json:"old_value"`
	NewValue          string `json:"new_value"`
	ValueChanged      bool   `json:"value_changed"`
	OldProvenance     string `json:"old_provenance"`
	NewProvenance     string `json:"new_provenance"`
	ProvenanceChanged bool   `json:"provenance_changed"`
	Other             string `json:"other"` // group/type/kind changes, e.g. "group AF -> PF"
}

// LayoutChange is a changed struct layout.
type LayoutChange struct {
	Name string `json:"name"`
	What string `json:"what"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

func diffMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, md or json")
	exitCode := fs.Bool("exit-code", false, "exit 1 when there are differences")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: generator audit diff [-format text|md|json] [-exit-code] A B\n"+
			"A and B are two scrape records of the same OS, or two directories of records.\n")
		fs.PrintDefaults()
	}
	// Flags may come before or after the two paths.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "audit diff: want two records or two directories (A B)")
		fs.Usage()
		return 2
	}
	switch *format {
	case "text", "md", "json":
	default:
		fmt.Fprintf(stderr, "audit diff: unknown format %q (text, md, json)\n", *format)
		return 2
	}
	d, err := Diff(pos[0], pos[1])
	if err != nil {
		fmt.Fprintf(stderr, "audit diff: %v\n", err)
		return 2
	}
	var buf bytes.Buffer
	switch *format {
	case "json":
		err = writeJSON(&buf, d)
	case "md":
		writeDiffMarkdown(&buf, d)
	default:
		writeDiffText(&buf, d)
	}
	if err != nil {
		fmt.Fprintf(stderr, "audit diff: %v\n", err)
		return 2
	}
	stdout.Write(buf.Bytes())
	if *exitCode && d.Differences > 0 {
		return 1
	}
	return 0
}

// Diff compares two records, or two directories of records (paired by target).
func Diff(a, b string) (*DiffReport, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return nil, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return nil, err
	}
	d := &DiffReport{Kind: "diff", AuditSchema: SchemaVersion, A: a, B: b, Pairs: []DiffPair{}, OnlyInA: []string{}, OnlyInB: []string{}}
	if sa.IsDir() != sb.IsDir() {
		return nil, fmt.Errorf("cannot compare a directory with a file (%s, %s)", a, b)
	}
	if !sa.IsDir() {
		ra, err := readRecord(a)
		if err != nil {
			return nil, err
		}
		rb, err := readRecord(b)
		if err != nil {
			return nil, err
		}
		if ra.T.GOOS != rb.T.GOOS {
			return nil, fmt.Errorf("incompatible records: %s is %s, %s is %s (diff compares records of the same OS)", a, ra.T.Target, b, rb.T.Target)
		}
		d.Pairs = append(d.Pairs, diffPair(ra, rb))
	} else {
		ra, err := loadRecordsCompat(a)
		if err != nil {
			return nil, err
		}
		rb, err := loadRecordsCompat(b)
		if err != nil {
			return nil, err
		}
		byB := map[string]*record{}
		for _, r := range rb {
			byB[r.T.Target] = r
		}
		seen := map[string]bool{}
		for _, r := range ra {
			if o := byB[r.T.Target]; o != nil {
				d.Pairs = append(d.Pairs, diffPair(r, o))
				seen[r.T.Target] = true
			} else {
				d.OnlyInA = append(d.OnlyInA, r.T.Target)
			}
		}
		for _, r := range rb {
			if !seen[r.T.Target] {
				d.OnlyInB = append(d.OnlyInB, r.T.Target)
			}
		}
		if len(ra) == 0 && len(rb) == 0 {
			return nil, fmt.Errorf("no records (*.json) in %s or %s", a, b)
		}
	}
	d.Differences = len(d.OnlyInA) + len(d.OnlyInB)
	for _, p := range d.Pairs {
		d.Differences += len(p.SourcesChanged) + len(p.Added) + len(p.Removed) + len(p.Changed) + len(p.LayoutsChanged)
	}
	return d, nil
}

// loadRecordsCompat loads a directory, naming the directory in errors.
func loadRecordsCompat(dir string) ([]*record, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, nil
	}
	return loadRecords(dir)
}

func sourceFields(s *specdata.Source) [][2]string {
	return [][2]string{{"kind", s.Kind}, {"description", s.Description}, {"compiler", s.Compiler},
		{"kernel_headers", s.KernelHeaders}, {"libc", s.Libc}, {"extra", s.Extra}, {"module", s.Module}}
}

func diffPair(a, b *record) DiffPair {
	p := DiffPair{TargetA: a.T.Target, TargetB: b.T.Target, A: a.Path, B: b.Path,
		SourcesChanged: []SourceChange{}, Added: []DiffConst{}, Removed: []DiffConst{}, Changed: []ConstChange{}, LayoutsChanged: []LayoutChange{}}
	if a.T.Target != b.T.Target {
		p.Note = fmt.Sprintf("different architectures (%s vs %s): differences include ABI differences", a.T.Target, b.T.Target)
	}
	var ids []string
	for id := range a.ByID {
		ids = append(ids, id)
	}
	for id := range b.ByID {
		if a.ByID[id] == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		sa, sb := a.ByID[id], b.ByID[id]
		switch {
		case sb == nil:
			p.SourcesChanged = append(p.SourcesChanged, SourceChange{ID: id, Field: "source", Old: sa.Kind, New: ""})
		case sa == nil:
			p.SourcesChanged = append(p.SourcesChanged, SourceChange{ID: id, Field: "source", Old: "", New: sb.Kind})
		default:
			fa, fb := sourceFields(sa), sourceFields(sb)
			for i := range fa {
				if fa[i][1] != fb[i][1] {
					p.SourcesChanged = append(p.SourcesChanged, SourceChange{ID: id, Field: fa[i][0], Old: fa[i][1], New: fb[i][1]})
				}
			}
		}
	}
	var names []string
	for n := range a.Cons {
		names = append(names, n)
	}
	for n := range b.Cons {
		if a.Cons[n] == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ca, cb := a.Cons[n], b.Cons[n]
		switch {
		case cb == nil:
			p.Removed = append(p.Removed, DiffConst{Name: n, Group: ca.Group, Value: ca.Value, Provenance: provenance(a, ca).Provenance})
		case ca == nil:
			p.Added = append(p.Added, DiffConst{Name: n, Group: cb.Group, Value: cb.Value, Provenance: provenance(b, cb).Provenance})
		default:
			pa, pb := provenance(a, ca), provenance(b, cb)
			ch := ConstChange{Name: n, Group: cb.Group, OldValue: ca.Value, NewValue: cb.Value, OldProvenance: pa.Provenance, NewProvenance: pb.Provenance}
			ch.ValueChanged = ca.Value != cb.Value || ca.Kind != cb.Kind
			ch.ProvenanceChanged = pa.Provenance != pb.Provenance
			var other []string
			if ca.Group != cb.Group {
				other = append(other, "group "+ca.Group+" -> "+cb.Group)
			}
			if ca.GoType != cb.GoType {
				other = append(other, fmt.Sprintf("go_type %q -> %q", ca.GoType, cb.GoType))
			}
			if ca.Kind != cb.Kind {
				other = append(other, "kind "+ca.Kind+" -> "+cb.Kind)
			}
			ch.Other = strings.Join(other, "; ")
			if ch.ValueChanged || ch.ProvenanceChanged || ch.Other != "" {
				p.Changed = append(p.Changed, ch)
			}
		}
	}
	la, lb := map[string]specdata.Layout{}, map[string]specdata.Layout{}
	var lnames []string
	for _, l := range a.T.Layouts {
		la[l.Name] = l
		lnames = append(lnames, l.Name)
	}
	for _, l := range b.T.Layouts {
		lb[l.Name] = l
		if _, ok := la[l.Name]; !ok {
			lnames = append(lnames, l.Name)
		}
	}
	sort.Strings(lnames)
	for _, n := range lnames {
		x, okA := la[n]
		y, okB := lb[n]
		switch {
		case !okB:
			p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "removed", Old: x.Struct})
		case !okA:
			p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "added", New: y.Struct})
		default:
			if x.Size != y.Size {
				p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "size", Old: fmt.Sprint(x.Size), New: fmt.Sprint(y.Size)})
			}
			if x.Align != y.Align {
				p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "align", Old: fmt.Sprint(x.Align), New: fmt.Sprint(y.Align)})
			}
			fb := map[string]specdata.Field{}
			for _, f := range y.Fields {
				fb[f.Name] = f
			}
			for _, f := range x.Fields {
				g, ok := fb[f.Name]
				if !ok {
					p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "field " + f.Name, Old: fmt.Sprintf("offset %d size %d", f.Offset, f.Size), New: "absent"})
					continue
				}
				if f.Offset != g.Offset || f.Size != g.Size {
					p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "field " + f.Name,
						Old: fmt.Sprintf("offset %d size %d", f.Offset, f.Size), New: fmt.Sprintf("offset %d size %d", g.Offset, g.Size)})
				}
				delete(fb, f.Name)
			}
			var rest []string
			for k := range fb {
				rest = append(rest, k)
			}
			sort.Strings(rest)
			for _, k := range rest {
				g := fb[k]
				p.LayoutsChanged = append(p.LayoutsChanged, LayoutChange{Name: n, What: "field " + k, Old: "absent", New: fmt.Sprintf("offset %d size %d", g.Offset, g.Size)})
			}
		}
	}
	return p
}

func writeDiffText(w io.Writer, d *DiffReport) {
	fmt.Fprintf(w, "audit diff %s %s: %d differences\n", d.A, d.B, d.Differences)
	for _, t := range d.OnlyInA {
		fmt.Fprintf(w, "record %s only in %s (removed)\n", t, d.A)
	}
	for _, t := range d.OnlyInB {
		fmt.Fprintf(w, "record %s only in %s (added)\n", t, d.B)
	}
	for _, p := range d.Pairs {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s -> %s (%s -> %s)\n", p.TargetA, p.TargetB, p.A, p.B)
		if p.Note != "" {
			fmt.Fprintf(w, "  note: %s\n", p.Note)
		}
		fmt.Fprintf(w, "  provenance changes: %d\n", len(p.SourcesChanged))
		for _, s := range p.SourcesChanged {
			wrapText(w, "     ", fmt.Sprintf("%s.%s: %q -> %q", s.ID, s.Field, s.Old, s.New))
		}
		fmt.Fprintf(w, "  added: %d\n", len(p.Added))
		for _, c := range p.Added {
			fmt.Fprintln(w, clip(fmt.Sprintf("    + %-32s %-10s %s  [%s]", c.Name, c.Group, c.Value, c.Provenance), width))
		}
		fmt.Fprintf(w, "  removed: %d\n", len(p.Removed))
		for _, c := range p.Removed {
			fmt.Fprintln(w, clip(fmt.Sprintf("    - %-32s %-10s %s  [%s]", c.Name, c.Group, c.Value, c.Provenance), width))
		}
		fmt.Fprintf(w, "  changed: %d\n", len(p.Changed))
		for _, c := range p.Changed {
			if c.ValueChanged {
				fmt.Fprintln(w, clip(fmt.Sprintf("    ~ %-32s %-10s value %s -> %s", c.Name, c.Group, c.OldValue, c.NewValue), width))
			} else {
				fmt.Fprintln(w, clip(fmt.Sprintf("    ~ %-32s %-10s value %s (unchanged)", c.Name, c.Group, c.NewValue), width))
			}
			if c.ProvenanceChanged {
				wrapText(w, "        ", "provenance: "+c.OldProvenance+" -> "+c.NewProvenance)
			}
			if c.Other != "" {
				wrapText(w, "        ", c.Other)
			}
		}
		fmt.Fprintf(w, "  layouts changed: %d\n", len(p.LayoutsChanged))
		for _, l := range p.LayoutsChanged {
			fmt.Fprintln(w, clip(fmt.Sprintf("    %s %s: %s -> %s", l.Name, l.What, l.Old, l.New), width))
		}
	}
}

func writeDiffMarkdown(w io.Writer, d *DiffReport) {
	fmt.Fprintf(w, "# audit diff\n\n`%s` → `%s`: **%d differences**\n\n", d.A, d.B, d.Differences)
	for _, t := range d.OnlyInA {
		fmt.Fprintf(w, "- record `%s` only in `%s` (removed)\n", t, d.A)
	}
	for _, t := range d.OnlyInB {
		fmt.Fprintf(w, "- record `%s` only in `%s` (added)\n", t, d.B)
	}
	for _, p := range d.Pairs {
		fmt.Fprintf(w, "\n## %s → %s\n\n", p.TargetA, p.TargetB)
		if p.Note != "" {
			fmt.Fprintf(w, "_Note: %s_\n\n", mdEsc(p.Note))
		}
		if len(p.SourcesChanged) > 0 {
			fmt.Fprintf(w, "| source | field | old | new |\n|---|---|---|---|\n")
			for _, s := range p.SourcesChanged {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", s.ID, s.Field, mdEsc(s.Old), mdEsc(s.New))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Added %d, removed %d, changed %d, layouts changed %d.\n\n", len(p.Added), len(p.Removed), len(p.Changed), len(p.LayoutsChanged))
		if len(p.Added)+len(p.Removed)+len(p.Changed) > 0 {
			fmt.Fprintf(w, "| change | name | group | old | new | provenance |\n|---|---|---|---|---|---|\n")
			for _, c := range p.Added {
				fmt.Fprintf(w, "| added | `%s` | %s | | %s | %s |\n", c.Name, c.Group, mdEsc(c.Value), mdEsc(c.Provenance))
			}
			for _, c := range p.Removed {
				fmt.Fprintf(w, "| removed | `%s` | %s | %s | | %s |\n", c.Name, c.Group, mdEsc(c.Value), mdEsc(c.Provenance))
			}
			for _, c := range p.Changed {
				prov := mdEsc(c.NewProvenance)
				if c.ProvenanceChanged {
					prov = mdEsc(c.OldProvenance) + " → " + prov
				}
				if c.Other != "" {
					prov += "; " + mdEsc(c.Other)
				}
				fmt.Fprintf(w, "| changed | `%s` | %s | %s | %s | %s |\n", c.Name, c.Group, mdEsc(c.OldValue), mdEsc(c.NewValue), prov)
			}
			fmt.Fprintln(w)
		}
		if len(p.LayoutsChanged) > 0 {
			fmt.Fprintf(w, "| layout | what | old | new |\n|---|---|---|---|\n")
			for _, l := range p.LayoutsChanged {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", l.Name, l.What, l.Old, l.New)
			}
		}
	}
}
