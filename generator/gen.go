package main

import (
	"fmt"
	"github.com/sockspec/socket/generator/spec"
	"io"
	"sort"
	"strings"

	"github.com/sockspec/socket/generator/specdata"
)

// ConstVal is one constant of a target, ready to emit.
type ConstVal struct {
	Name   string
	Group  *spec.Group
	Int    ProbeResult
	Str    *string
	Source string // specdata.Source ID
	Note   string
	Header string
	Expr   string // C expression when it is not the name
}

// LayoutVal is a probed layout.
type LayoutVal struct {
	Layout   *spec.Layout
	Size     int64
	Align    int64
	Fields   []FieldVal
	Source   string // "headers" (default) or "xsys"
	XSysType string // the x/sys type it was read from
}

// FieldVal is a probed field.
type FieldVal struct {
	Field  *spec.LayoutField
	Offset int64
	Size   int64
}

// ExprVal is a probed expression.
type ExprVal struct {
	Expr  *spec.Expr
	Value ProbeResult
}

// TargetData is everything the emitters need for one target.
type TargetData struct {
	GOOS, GOARCH string
	Sources      []specdata.Source
	Consts       []*ConstVal
	Layouts      []*LayoutVal
	Exprs        []*ExprVal
	Skipped      map[string]string // prefix-matched macros that are not integer constants
	Diffs        []string          // header value != x/sys value (reported, headers win)
	headerSets   map[string]*spec.HeaderSet
}

func (td *TargetData) Target() string { return td.GOOS + "/" + td.GOARCH }

// Scrape builds a target's data from its headers (tc) and second sources.
func Scrape(sp *spec.Spec, tc *Toolchain, xs *XSys, log io.Writer) (*TargetData, error) {
	osName := tc.GOOS
	sets := sp.HeaderSets[osName]
	td := &TargetData{GOOS: tc.GOOS, GOARCH: tc.GOARCH, Skipped: map[string]string{}, headerSets: sets}
	var errs []error

	// 1. Candidates per header set.
	type cand struct {
		name, expr string
		group      *spec.Group
		explicit   *spec.NameRef
	}
	perSet := map[string][]cand{}
	claimed := map[string]bool{}
	macroCache := map[string]map[string]bool{}
	macros := func(set string) (map[string]bool, error) {
		if m, ok := macroCache[set]; ok {
			return m, nil
		}
		m, err := tc.Macros(sets[set])
		macroCache[set] = m
		return m, err
	}
	for _, g := range sp.Groups {
		gos := g.OS[osName]
		if gos == nil || len(gos.HeaderSets) == 0 {
			continue
		}
		for _, nr := range gos.Names {
			nr := nr
			perSet[gos.HeaderSets[0]] = append(perSet[gos.HeaderSets[0]], cand{name: nr.Name, expr: nr.Name, group: g, explicit: &nr})
			claimed[nr.Name] = true
		}
		for _, nr := range gos.Exprs {
			nr := nr
			perSet[gos.HeaderSets[0]] = append(perSet[gos.HeaderSets[0]], cand{name: nr.Name, expr: nr.Expr, group: g, explicit: &nr})
			claimed[nr.Name] = true
		}
	}
	for _, g := range sp.Groups {
		gos := g.OS[osName]
		if gos == nil {
			continue
		}
		for _, set := range gos.HeaderSets {
			m, err := macros(set)
			if err != nil {
				return nil, err
			}
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if claimed[n] || sp.GroupFor(osName, n) != g {
					continue
				}
				claimed[n] = true
				perSet[set] = append(perSet[set], cand{name: n, expr: n, group: g})
			}
		}
	}

	// 2. Probe constants, set by set (sorted for determinism).
	setNames := make([]string, 0, len(perSet))
	for s := range perSet {
		setNames = append(setNames, s)
	}
	sort.Strings(setNames)
	for _, set := range setNames {
		cands := perSet[set]
		items := make([]ProbeItem, len(cands))
		for i, c := range cands {
			items[i] = ProbeItem{Key: c.name, Expr: c.expr}
		}
		ok, failed, err := tc.Probe(sets[set], items)
		if err != nil {
			return nil, err
		}
		for _, c := range cands {
			if v, have := ok[c.name]; have {
				cv := &ConstVal{Name: c.name, Group: c.group, Int: v, Source: "headers", Header: set}
				if c.expr != c.name {
					cv.Expr = c.expr
				}
				td.Consts = append(td.Consts, cv)
				continue
			}
			if c.explicit != nil {
				errs = append(errs, &spec.Error{File: c.group.File, Line: c.explicit.Line, Msg: fmt.Sprintf("group %s: %s: no header of set %q defines %s as an integer constant for %s (%s)", c.group.Name, c.name, set, c.expr, td.Target(), failed[c.name])})
				continue
			}
			td.Skipped[c.name] = failed[c.name]
		}
	}
	if len(errs) > 0 {
		return nil, spec.JoinErrors(errs)
	}

	// 3. Layouts and expressions.
	if err := scrapeLayouts(sp, tc, td); err != nil {
		return nil, err
	}

	// 4. Second sources.
	have := map[string]*ConstVal{}
	for _, c := range td.Consts {
		have[c.Name] = c
	}
	if err := addSecondSources(sp, osName, td, have, xs); err != nil {
		return nil, err
	}

	// 5. Names whose counterpart (e.g. PF_X for AF_X) the target lacks.
	applyCounterparts(sp, td)

	// 6. Provenance.
	cid, err := tc.CompilerID()
	if err != nil {
		return nil, err
	}
	libc := tc.Libc
	if libc == "" {
		libc = libcVersion(tc, sets)
	}
	td.Sources = append([]specdata.Source{{
		ID: "headers", Kind: "c-headers",
		Description:   fmt.Sprintf("C headers compiled for %s; values read from the object file", td.Target()),
		Compiler:      cid,
		KernelHeaders: tc.KernelHeaders,
		Libc:          libc,
		Extra:         tc.Extra,
	}}, td.Sources...)
	sortConsts(td)
	return td, nil
}

// applyCounterparts drops the names of groups with a counterpart rule whose
// counterpart this target does not have.
func applyCounterparts(sp *spec.Spec, td *TargetData) {
	have := map[string]bool{}
	for _, c := range td.Consts {
		have[c.Name] = true
	}
	kept := td.Consts[:0]
	for _, c := range td.Consts {
		drop := false
		for from, to := range c.Group.Counterpart {
			if strings.HasPrefix(c.Name, from) && !have[to+strings.TrimPrefix(c.Name, from)] {
				td.Skipped[c.Name] = fmt.Sprintf("no %s counterpart (group %s keeps %s names only when %s%s exists)", to, c.Group.Name, from, to, strings.TrimPrefix(c.Name, from))
				drop = true
			}
		}
		if !drop {
			kept = append(kept, c)
		}
	}
	td.Consts = kept
}

// libcVersion asks the headers which C library they belong to.
func libcVersion(tc *Toolchain, sets map[string]*spec.HeaderSet) string {
	var any *spec.HeaderSet
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	any = sets[names[0]]
	try := []struct{ name, maj, min string }{
		{"glibc", "__GLIBC__", "__GLIBC_MINOR__"},
		{"mingw-w64", "__MINGW64_VERSION_MAJOR", "__MINGW64_VERSION_MINOR"},
	}
	for _, t := range try {
		ok, _, err := tc.Probe(any, []ProbeItem{{Key: "a", Expr: t.maj}, {Key: "b", Expr: t.min}})
		if err == nil && len(ok) == 2 {
			return fmt.Sprintf("%s %d.%d", t.name, ok["a"].Value, ok["b"].Value)
		}
	}
	return ""
}

func scrapeLayouts(sp *spec.Spec, tc *Toolchain, td *TargetData) error {
	osName := tc.GOOS
	sets := sp.HeaderSets[osName]
	perSet := map[string][]ProbeItem{}
	for _, lay := range sp.Layouts {
		set, ok := lay.OS[osName]
		if !ok {
			continue
		}
		perSet[set] = append(perSet[set],
			ProbeItem{Key: lay.Name + ".size", Expr: "sizeof(" + lay.Struct + ")"},
			ProbeItem{Key: lay.Name + ".align", Expr: "_Alignof(" + lay.Struct + ")"})
		for _, f := range lay.FieldsFor(osName) {
			perSet[set] = append(perSet[set],
				ProbeItem{Key: lay.Name + "." + f.C + ".off", Expr: "offsetof(" + lay.Struct + ", " + f.C + ")"},
				ProbeItem{Key: lay.Name + "." + f.C + ".size", Expr: "sizeof(((" + lay.Struct + " *)0)->" + f.C + ")"})
		}
	}
	for _, e := range sp.Exprs {
		eo, ok := e.OS[osName]
		if !ok {
			continue
		}
		perSet[eo.HeaderSet] = append(perSet[eo.HeaderSet], ProbeItem{Key: "expr." + e.Name, Expr: eo.Expr})
	}
	vals := map[string]ProbeResult{}
	failedAll := map[string]string{}
	setNames := make([]string, 0, len(perSet))
	for s := range perSet {
		setNames = append(setNames, s)
	}
	sort.Strings(setNames)
	for _, set := range setNames {
		ok, failed, err := tc.Probe(sets[set], perSet[set])
		if err != nil {
			return err
		}
		for k, v := range ok {
			vals[k] = v
		}
		for k, v := range failed {
			failedAll[k] = v
		}
	}
	var errs []error
	for _, lay := range sp.Layouts {
		if _, ok := lay.OS[osName]; !ok {
			continue
		}
		size, ok1 := vals[lay.Name+".size"]
		align, ok2 := vals[lay.Name+".align"]
		if !ok1 || !ok2 {
			errs = append(errs, &spec.Error{File: lay.File, Line: lay.Line, Msg: fmt.Sprintf("layout %s: %s is not a complete type for %s (%s)", lay.Name, lay.Struct, td.Target(), failedAll[lay.Name+".size"])})
			continue
		}
		lv := &LayoutVal{Layout: lay, Size: size.Value, Align: align.Value}
		for _, f := range lay.FieldsFor(osName) {
			off, ok1 := vals[lay.Name+"."+f.C+".off"]
			fs, ok2 := vals[lay.Name+"."+f.C+".size"]
			if !ok1 || !ok2 {
				errs = append(errs, &spec.Error{File: lay.File, Line: f.Line, Msg: fmt.Sprintf("layout %s: %s has no member %s for %s (%s)", lay.Name, lay.Struct, f.C, td.Target(), failedAll[lay.Name+"."+f.C+".off"])})
				continue
			}
			if want := spec.KnownKinds[f.Kind]; want != 0 && int64(want) != fs.Value {
				errs = append(errs, &spec.Error{File: lay.File, Line: f.Line, Msg: fmt.Sprintf("layout %s: %s.%s is %d bytes for %s, kind %s needs %d", lay.Name, lay.Struct, f.C, fs.Value, td.Target(), f.Kind, want)})
				continue
			}
			lv.Fields = append(lv.Fields, FieldVal{Field: f, Offset: off.Value, Size: fs.Value})
		}
		if err := checkCodecOverlap(lv); err != nil {
			errs = append(errs, err)
			continue
		}
		td.Layouts = append(td.Layouts, lv)
	}
	for _, e := range sp.Exprs {
		if _, ok := e.OS[osName]; !ok {
			continue
		}
		v, ok := vals["expr."+e.Name]
		if !ok {
			errs = append(errs, &spec.Error{File: e.File, Line: e.Line, Msg: fmt.Sprintf("expression %s does not compile for %s (%s)", e.Name, td.Target(), failedAll["expr."+e.Name])})
			continue
		}
		td.Exprs = append(td.Exprs, &ExprVal{Expr: e, Value: v})
	}
	return spec.JoinErrors(errs)
}

// addSecondSources adds, for groups that ask for it, the names x/sys has
// and the headers lack, and the values the spec states.
func addSecondSources(sp *spec.Spec, osName string, td *TargetData, have map[string]*ConstVal, xs *XSys) error {
	var errs []error
	usedX, usedSpec := false, false
	if xs != nil {
		names := make([]string, 0, len(xs.Consts))
		for n := range xs.Consts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			g := sp.GroupFor(osName, n)
			if g == nil || !g.OS[osName].XSys {
				continue
			}
			v := xs.Consts[n]
			if c, ok := have[n]; ok {
				if c.Str == nil && c.Int != v {
					msg := fmt.Sprintf("%s: headers %s, %s %s", n, c.Int.Decimal(), xs.Module, v.Decimal())
					if _, known := g.OS[osName].XSysDiffers[n]; !known {
						errs = append(errs, &spec.Error{File: g.File, Line: g.OS[osName].Line, Msg: fmt.Sprintf("group %s: %s for %s; list it under xsys_differs with the reason if the headers are right", g.Name, msg, td.Target())})
					}
					td.Diffs = append(td.Diffs, msg)
				}
				continue
			}
			c := &ConstVal{Name: n, Group: g, Int: v, Source: "xsys"}
			td.Consts = append(td.Consts, c)
			have[n] = c
			usedX = true
		}
	}
	for _, g := range sp.Groups {
		gos := g.OS[osName]
		if gos == nil {
			continue
		}
		for _, sv := range gos.Values {
			if c, ok := have[sv.Name]; ok {
				same := (sv.String != nil && c.Str != nil && *sv.String == *c.Str) || (sv.Int != nil && c.Str == nil && c.Int.FitsInt64() && c.Int.Value == *sv.Int)
				if !same {
					errs = append(errs, &spec.Error{File: g.File, Line: sv.Line, Msg: fmt.Sprintf("group %s: stated value of %s disagrees with %s for %s", g.Name, sv.Name, c.Source, td.Target())})
				}
				continue
			}
			c := &ConstVal{Name: sv.Name, Group: g, Source: "spec", Note: sv.Source}
			if sv.String != nil {
				c.Str = sv.String
			} else {
				c.Int = ProbeResult{Value: *sv.Int, Negative: *sv.Int < 0}
			}
			td.Consts = append(td.Consts, c)
			have[sv.Name] = c
			usedSpec = true
		}
	}
	if usedX {
		td.Sources = append(td.Sources, specdata.Source{ID: "xsys", Kind: "go-module", Module: xs.Module,
			Description: fmt.Sprintf("constants of %s for %s/%s, read with go/packages and go/types, for names the headers lack", xs.Package, osName, td.GOARCH)})
	}
	if usedSpec {
		td.Sources = append(td.Sources, specdata.Source{ID: "spec", Kind: "spec",
			Description: "values stated in spec/constants.yaml, each with the document it comes from (see note)"})
	}
	return spec.JoinErrors(errs)
}

func sortConsts(td *TargetData) {
	sort.Slice(td.Consts, func(i, j int) bool { return td.Consts[i].Name < td.Consts[j].Name })
}

// Record converts target data to the committed machine-readable form.
func (td *TargetData) Record() *specdata.Target {
	t := &specdata.Target{Schema: specdata.SchemaVersion, Target: td.Target(), GOOS: td.GOOS, GOARCH: td.GOARCH, Sources: td.Sources, HeaderSets: map[string]specdata.HeaderSet{}}
	used := func(set string) {
		if hs := td.headerSets[set]; hs != nil && set != "" {
			t.HeaderSets[set] = specdata.HeaderSet{Defines: hs.Defines, Includes: hs.Includes}
		}
	}
	for _, c := range td.Consts {
		used(c.Header)
		sc := specdata.Constant{Name: c.Name, Group: c.Group.Name, GoType: c.Group.GoType, Source: c.Source, Note: c.Note, Header: c.Header, Expr: c.Expr}
		if c.Str != nil {
			sc.Kind, sc.Value = "string", *c.Str
		} else {
			sc.Kind, sc.Value = "int", c.Int.Decimal()
		}
		t.Constants = append(t.Constants, sc)
	}
	for _, l := range td.Layouts {
		sl := specdata.Layout{Struct: l.Layout.Struct, Name: l.Layout.Name, Size: l.Size, Align: l.Align, Source: "headers"}
		if l.Source == "xsys" {
			sl.Source, sl.Header = "xsys", l.XSysType
		} else {
			sl.Header = l.Layout.OS[td.GOOS]
			used(sl.Header)
		}
		for _, f := range l.Fields {
			sl.Fields = append(sl.Fields, specdata.Field{Name: f.Field.C, Offset: f.Offset, Size: f.Size})
		}
		t.Layouts = append(t.Layouts, sl)
	}
	return t
}

// checkCodecOverlap rejects codec layouts whose fields share bytes (members
// of different union arms): marshal writes every field, so one arm would
// overwrite another. Such a struct gets one layout per union arm.
func checkCodecOverlap(lv *LayoutVal) error {
	if !lv.Layout.Codec {
		return nil
	}
	for i, a := range lv.Fields {
		for _, b := range lv.Fields[i+1:] {
			if a.Offset < b.Offset+b.Size && b.Offset < a.Offset+a.Size {
				return &spec.Error{File: lv.Layout.File, Line: b.Field.Line, Msg: fmt.Sprintf("layout %s: %s and %s share bytes (a union?); a codec writes every field, so give each union arm its own layout", lv.Layout.Name, a.Field.C, b.Field.C)}
			}
		}
	}
	return nil
}
