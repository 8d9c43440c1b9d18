package audit

import (
	"math/big"
	"path"
	"sort"
	"strings"

	"github.com/sockspec/socket/generator/spec"
	"github.com/sockspec/socket/generator/specdata"
)

// SchemaVersion is the version of the audit's JSON output (doc/audit-schema.md,
// doc/audit.schema.json). Bump it on any incompatible change.
const SchemaVersion = 1

// Report is the whole audit (the JSON document of `audit -format json`).
type Report struct {
	Kind         string         `json:"kind"` // "audit"
	AuditSchema  int            `json:"audit_schema"`
	Spec         string         `json:"spec"`
	Records      string         `json:"records"`
	Filters      Filters        `json:"filters"`
	Targets      []TargetInfo   `json:"targets"`
	Groups       []GroupSummary `json:"groups"`
	Constants    []ConstRow     `json:"constants"`
	Traps        []Trap         `json:"traps"`
	Parity       []Parity       `json:"parity"`
	Requirements []Requirement  `json:"requirements"`
}

// Filters echoes the filters the report was made with.
type Filters struct {
	Groups  []string `json:"groups"`
	Names   []string `json:"names"`
	Targets []string `json:"targets"`
}

// TargetInfo is one column: a record, or a canonical target without one.
type TargetInfo struct {
	Target    string   `json:"target"`
	OS        string   `json:"os"`
	Arch      string   `json:"arch"`
	HasData   bool     `json:"has_data"`
	Record    string   `json:"record"`
	Sources   []Source `json:"sources"`
	Constants int      `json:"constants"` // after filters
	Layouts   int      `json:"layouts"`
}

// Source is a record's source, with every provenance field (empty if unset).
type Source struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Description   string `json:"description"`
	Compiler      string `json:"compiler"`
	KernelHeaders string `json:"kernel_headers"`
	Libc          string `json:"libc"`
	Extra         string `json:"extra"`
	Module        string `json:"module"`
}

// GroupSummary counts a group's constants per target.
type GroupSummary struct {
	Group        string         `json:"group"`
	Doc          string         `json:"doc"`
	Availability string         `json:"availability"`
	Names        int            `json:"names"`   // distinct names on any target
	Counts       map[string]int `json:"counts"`  // target -> constants (targets with data)
	CPython      map[string]int `json:"cpython"` // os -> names of the group in CPython's list
}

// ConstRow is one name across the targets.
type ConstRow struct {
	Name    string          `json:"name"`
	Group   string          `json:"group"`
	GoType  string          `json:"go_type"`
	Kind    string          `json:"kind"`
	Values  map[string]Cell `json:"values"`  // target -> value (present targets only)
	Missing []string        `json:"missing"` // targets with data that lack the name
	Differs bool            `json:"differs"` // values differ between targets
	CPython map[string]bool `json:"cpython"` // os -> CPython exports it (OSes with a list)
}

// Cell is one value with its provenance.
type Cell struct {
	Value      string `json:"value"`
	Source     string `json:"source"`      // source id in the record
	SourceKind string `json:"source_kind"` // c-headers, go-module, spec
	Header     string `json:"header"`      // header set probed ("" if none)
	Expr       string `json:"expr"`        // C expression when not the name
	Note       string `json:"note"`        // e.g. the document of a stated value
	Provenance string `json:"provenance"`  // one-line human summary
}

// Trap is a name whose value differs between targets.
type Trap struct {
	Name   string            `json:"name"`
	Group  string            `json:"group"`
	Scope  string            `json:"scope"` // "arch": differs between records of one OS; "os": only between OSes
	Values map[string]string `json:"values"`
}

// Parity compares one OS with CPython's name list for it.
type Parity struct {
	OS              string       `json:"os"`
	List            string       `json:"list"`   // spec/cpython/<os>.txt, "" if none
	Origin          string       `json:"origin"` // the list's header: where it came from
	CPythonNames    int          `json:"cpython_names"`
	Targets         []string     `json:"targets"` // records of the OS compared
	HasData         bool         `json:"has_data"`
	Missing         []ParityName `json:"missing"` // CPython has, we lack (on some record)
	Extra           []ParityName `json:"extra"`   // we have, CPython lacks
	ValueMismatches []Mismatch   `json:"value_mismatches"`
}

// ParityName is a name of a parity list and the targets it concerns
// (lacking it for Missing, having it for Extra).
type ParityName struct {
	Name    string   `json:"name"`
	Group   string   `json:"group"`
	Targets []string `json:"targets"`
}

// Mismatch is a value that differs from the one CPython's list gives.
type Mismatch struct {
	Name    string `json:"name"`
	Target  string `json:"target"`
	Ours    string `json:"ours"`
	CPython string `json:"cpython"`
}

// Requirement is the outcome of one --require term on one target.
type Requirement struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// options are the parsed filters.
type options struct {
	specDir, recDir string
	groups          []string
	names           []string
	targets         []string
}

// matchName: a glob (with * ? [) or a substring, case-insensitive.
func matchName(pats []string, name string) bool {
	if len(pats) == 0 {
		return true
	}
	up := strings.ToUpper(name)
	for _, p := range pats {
		pu := strings.ToUpper(p)
		if strings.ContainsAny(p, "*?[") {
			if ok, _ := path.Match(pu, up); ok {
				return true
			}
		} else if strings.Contains(up, pu) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// groupOf finds the spec group of a name on an OS, falling back to the
// other OSes and then to prefixes alone (for OSes the spec has no entry for).
func groupOf(sp *spec.Spec, goos, name string) string {
	if g := sp.GroupFor(goos, name); g != nil {
		return g.Name
	}
	for _, o := range []string{"linux", "darwin", "freebsd", "windows"} {
		if g := sp.GroupFor(o, name); g != nil {
			return g.Name
		}
	}
	best, bestLen := "", 0
	for _, g := range sp.Groups {
		for _, p := range g.Prefixes {
			if strings.HasPrefix(name, p) && len(p) > bestLen {
				best, bestLen = g.Name, len(p)
			}
		}
	}
	if best == "" {
		return "(none)"
	}
	return best
}

func provenance(r *record, c *specdata.Constant) Cell {
	s := r.ByID[c.Source]
	cell := Cell{Value: c.Value, Source: c.Source, SourceKind: s.Kind, Header: c.Header, Expr: c.Expr, Note: c.Note}
	var p string
	switch s.Kind {
	case "c-headers":
		var parts []string
		for _, x := range []string{s.KernelHeaders, s.Libc, s.Extra} {
			if x != "" {
				parts = append(parts, x)
			}
		}
		p = "C headers"
		if c.Header != "" {
			p += " [" + c.Header + "]"
		}
		if len(parts) > 0 {
			p += ": " + strings.Join(parts, "; ")
		}
		if s.Compiler != "" {
			p += " (" + s.Compiler + ")"
		}
	case "go-module":
		p = "Go module " + s.Module
		if s.Module == "" {
			p = "Go module (" + s.Description + ")"
		}
	case "spec":
		p = "stated in the spec"
	default:
		p = s.Kind + ": " + s.Description
	}
	if c.Expr != "" {
		p += "; expression " + c.Expr
	}
	if c.Note != "" {
		p += "; " + c.Note
	}
	cell.Provenance = p
	return cell
}

// sameValue compares two values numerically for ints (so "0x10" style
// differences in a hand-written CPython list do not matter).
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, ok1 := new(big.Int).SetString(a, 0)
	y, ok2 := new(big.Int).SetString(b, 0)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// build makes the report for the selected columns.
func build(sp *spec.Spec, cols []*column, cpy map[string]*cpythonList, o *options) *Report {
	rep := &Report{Kind: "audit", AuditSchema: SchemaVersion, Spec: o.specDir, Records: o.recDir,
		Filters: Filters{Groups: nonNil(o.groups), Names: nonNil(o.names), Targets: nonNil(o.targets)},
		Targets: []TargetInfo{}, Groups: []GroupSummary{}, Constants: []ConstRow{}, Traps: []Trap{},
		Parity: []Parity{}, Requirements: []Requirement{}}
	groupOK := func(g string) bool { return len(o.groups) == 0 || contains(o.groups, g) }

	// Group order: the spec's, then any group only the records know.
	order := map[string]int{}
	for i, g := range sp.Groups {
		order[g.Name] = i
	}
	specGroup := map[string]*spec.Group{}
	for _, g := range sp.Groups {
		specGroup[g.Name] = g
	}

	rows := map[string]*ConstRow{}
	perTarget := map[string]map[string]int{} // target -> the record's own group -> count
	groupNames := map[string]map[string]bool{}
	for _, c := range cols {
		ti := TargetInfo{Target: c.Label, OS: c.OS, Arch: c.Arch, HasData: c.Rec != nil, Sources: []Source{}}
		if c.Rec != nil {
			ti.Record = c.Rec.Path
			ti.Layouts = len(c.Rec.T.Layouts)
			for _, s := range c.Rec.T.Sources {
				ti.Sources = append(ti.Sources, Source{ID: s.ID, Kind: s.Kind, Description: s.Description, Compiler: s.Compiler,
					KernelHeaders: s.KernelHeaders, Libc: s.Libc, Extra: s.Extra, Module: s.Module})
			}
			for i := range c.Rec.T.Constants {
				k := &c.Rec.T.Constants[i]
				if !groupOK(k.Group) || !matchName(o.names, k.Name) {
					continue
				}
				ti.Constants++
				if perTarget[c.Label] == nil {
					perTarget[c.Label] = map[string]int{}
				}
				perTarget[c.Label][k.Group]++
				if groupNames[k.Group] == nil {
					groupNames[k.Group] = map[string]bool{}
				}
				groupNames[k.Group][k.Name] = true
				row := rows[k.Name]
				if row == nil {
					row = &ConstRow{Name: k.Name, Group: k.Group, GoType: k.GoType, Kind: k.Kind, Values: map[string]Cell{}, Missing: []string{}, CPython: map[string]bool{}}
					rows[k.Name] = row
				}
				row.Values[c.Label] = provenance(c.Rec, k)
			}
		}
		rep.Targets = append(rep.Targets, ti)
	}
	for name, row := range rows {
		if _, ok := order[row.Group]; !ok {
			order[row.Group] = len(sp.Groups) + 1000
		}
		var first string
		for _, c := range cols {
			if c.Rec == nil {
				continue
			}
			cell, ok := row.Values[c.Label]
			if !ok {
				row.Missing = append(row.Missing, c.Label)
				continue
			}
			if first == "" {
				first = cell.Value
			} else if !sameValue(first, cell.Value) {
				row.Differs = true
			}
		}
		for goos, l := range cpy {
			if osSelected(cols, goos) {
				_, ok := l.Names[name]
				row.CPython[goos] = ok
			}
		}
		rep.Constants = append(rep.Constants, *row)
	}
	sort.Slice(rep.Constants, func(i, j int) bool {
		a, b := rep.Constants[i], rep.Constants[j]
		if order[a.Group] != order[b.Group] {
			return order[a.Group] < order[b.Group]
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Name < b.Name
	})

	// Group summaries: every spec group (filtered), then record-only groups.
	gsum := map[string]*GroupSummary{}
	var gnames []string
	addGroup := func(name string) *GroupSummary {
		if g := gsum[name]; g != nil {
			return g
		}
		g := &GroupSummary{Group: name, Counts: map[string]int{}, CPython: map[string]int{}}
		if sg := specGroup[name]; sg != nil {
			g.Doc, g.Availability = sg.Doc, sg.Availability
		}
		for _, c := range cols {
			if c.Rec != nil {
				g.Counts[c.Label] = 0
			}
		}
		gsum[name] = g
		gnames = append(gnames, name)
		return g
	}
	for _, g := range sp.Groups {
		if groupOK(g.Name) {
			addGroup(g.Name)
		}
	}
	for gname, set := range groupNames {
		addGroup(gname).Names = len(set)
	}
	for _, c := range cols {
		for gname, n := range perTarget[c.Label] {
			addGroup(gname).Counts[c.Label] = n
		}
	}
	for goos, l := range cpy {
		if !osSelected(cols, goos) {
			continue
		}
		for name := range l.Names {
			gn := groupOf(sp, goos, name)
			if g := gsum[gn]; g != nil && matchName(o.names, name) {
				g.CPython[goos]++
			}
		}
	}
	sort.SliceStable(gnames, func(i, j int) bool {
		oi, ok1 := order[gnames[i]]
		oj, ok2 := order[gnames[j]]
		if !ok1 {
			oi = 1 << 30
		}
		if !ok2 {
			oj = 1 << 30
		}
		if oi != oj {
			return oi < oj
		}
		return gnames[i] < gnames[j]
	})
	for _, n := range gnames {
		rep.Groups = append(rep.Groups, *gsum[n])
	}

	// Portability traps.
	for _, row := range rep.Constants {
		if !row.Differs {
			continue
		}
		t := Trap{Name: row.Name, Group: row.Group, Scope: "os", Values: map[string]string{}}
		byOS := map[string]string{}
		for _, c := range cols {
			cell, ok := row.Values[c.Label]
			if !ok {
				continue
			}
			t.Values[c.Label] = cell.Value
			if prev, seen := byOS[c.OS]; seen && !sameValue(prev, cell.Value) {
				t.Scope = "arch"
			}
			byOS[c.OS] = cell.Value
		}
		rep.Traps = append(rep.Traps, t)
	}

	// Parity with CPython, for every selected OS.
	var oses []string
	for _, c := range cols {
		if !contains(oses, c.OS) {
			oses = append(oses, c.OS)
		}
	}
	for _, goos := range oses {
		p := Parity{OS: goos, Targets: []string{}, Missing: []ParityName{}, Extra: []ParityName{}, ValueMismatches: []Mismatch{}}
		l := cpy[goos]
		var recCols []*column
		for _, c := range cols {
			if c.OS == goos && c.Rec != nil {
				recCols = append(recCols, c)
				p.Targets = append(p.Targets, c.Label)
			}
		}
		p.HasData = len(recCols) > 0
		if l != nil {
			p.List, p.Origin = l.Path, l.Origin
			for name := range l.Names {
				if matchName(o.names, name) && groupOK(groupOf(sp, goos, name)) {
					p.CPythonNames++
				}
			}
		}
		if l == nil || !p.HasData {
			rep.Parity = append(rep.Parity, p)
			continue
		}
		names := make([]string, 0, len(l.Names))
		for n := range l.Names {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			g := groupOf(sp, goos, n)
			if !groupOK(g) || !matchName(o.names, n) {
				continue
			}
			pn := ParityName{Name: n, Group: g, Targets: []string{}}
			for _, c := range recCols {
				k := c.Rec.Cons[n]
				if k == nil {
					pn.Targets = append(pn.Targets, c.Label)
					continue
				}
				want := l.Names[n]
				if want != "" && (l.Arch == "" || l.Arch == c.Arch) && !sameValue(want, k.Value) {
					p.ValueMismatches = append(p.ValueMismatches, Mismatch{Name: n, Target: c.Label, Ours: k.Value, CPython: want})
				}
			}
			if len(pn.Targets) > 0 {
				p.Missing = append(p.Missing, pn)
			}
		}
		extra := map[string]*ParityName{}
		for _, c := range recCols {
			for i := range c.Rec.T.Constants {
				k := &c.Rec.T.Constants[i]
				if _, ok := l.Names[k.Name]; ok || !groupOK(k.Group) || !matchName(o.names, k.Name) {
					continue
				}
				pn := extra[k.Name]
				if pn == nil {
					pn = &ParityName{Name: k.Name, Group: k.Group, Targets: []string{}}
					extra[k.Name] = pn
				}
				pn.Targets = append(pn.Targets, c.Label)
			}
		}
		for _, pn := range extra {
			p.Extra = append(p.Extra, *pn)
		}
		sort.Slice(p.Extra, func(i, j int) bool {
			a, b := p.Extra[i], p.Extra[j]
			if order[a.Group] != order[b.Group] {
				return order[a.Group] < order[b.Group]
			}
			return a.Name < b.Name
		})
		sort.SliceStable(p.Missing, func(i, j int) bool {
			a, b := p.Missing[i], p.Missing[j]
			oa, ok1 := order[a.Group]
			ob, ok2 := order[b.Group]
			if !ok1 {
				oa = 1 << 30
			}
			if !ok2 {
				ob = 1 << 30
			}
			return oa < ob
		})
		rep.Parity = append(rep.Parity, p)
	}
	return rep
}

func osSelected(cols []*column, goos string) bool {
	for _, c := range cols {
		if c.OS == goos {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// require evaluates --require terms against all columns (not the filtered view).
func require(terms []string, cols []*column) []Requirement {
	var out []Requirement
	for _, term := range terms {
		name, target, hasTarget := strings.Cut(term, "@")
		var sel []*column
		for _, c := range cols {
			if !hasTarget || c.matches(target) {
				sel = append(sel, c)
			}
		}
		any := false
		for _, c := range sel {
			if c.Rec == nil {
				if hasTarget {
					out = append(out, Requirement{Name: name, Target: c.Label, Detail: "no record for " + c.Label + " (cannot check)"})
				}
				continue
			}
			any = true
			if k := c.Rec.Cons[name]; k != nil {
				out = append(out, Requirement{Name: name, Target: c.Label, OK: true, Detail: "present (" + k.Value + ")"})
			} else {
				out = append(out, Requirement{Name: name, Target: c.Label, Detail: "missing"})
			}
		}
		if hasTarget && len(sel) == 0 {
			out = append(out, Requirement{Name: name, Target: target, Detail: "no record for " + target + " (cannot check)"})
		} else if !hasTarget && !any {
			out = append(out, Requirement{Name: name, Target: "*", Detail: "no records at all"})
		}
	}
	if out == nil {
		out = []Requirement{}
	}
	return out
}

func pathMatchCheck(p string) (bool, error) { return path.Match(p, "") }
