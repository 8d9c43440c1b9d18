package main

import (
	"fmt"
	"go/types"
	"sort"

	"github.com/sockspec/socket/generator/spec"
	"github.com/sockspec/socket/generator/specdata"
)

// ScrapeXSysOnly builds a target's data without a C compiler: constants from
// golang.org/x/sys (itself generated from the real headers on the real OS),
// layouts from x/sys's raw struct types laid out with go/types for the
// target's GOARCH, and the values the spec states with their documents. It
// serves targets whose headers are not available here (darwin, freebsd);
// on such a host with a C compiler, mkall.sh scrapes the headers instead.
func ScrapeXSysOnly(sp *spec.Spec, goos, goarch string, xs *XSys) (*TargetData, error) {
	td := &TargetData{GOOS: goos, GOARCH: goarch, Skipped: map[string]string{}}
	var errs []error
	have := map[string]*ConstVal{}
	names := make([]string, 0, len(xs.Consts))
	for n := range xs.Consts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g := sp.GroupFor(goos, n)
		if g == nil || !g.OS[goos].XSys {
			continue
		}
		c := &ConstVal{Name: n, Group: g, Int: xs.Consts[n], Source: "xsys"}
		td.Consts = append(td.Consts, c)
		have[n] = c
	}
	if len(td.Consts) > 0 {
		td.Sources = append(td.Sources, specdata.Source{ID: "xsys", Kind: "go-module", Module: xs.Module,
			Description: fmt.Sprintf("constants and struct layouts of %s for %s/%s, read with go/packages and go/types (x/sys is generated from the OS's own headers)", xs.Package, goos, goarch)})
	}
	// Stated values (and a check that they agree with x/sys where both exist).
	if err := addSecondSources(sp, goos, td, have, nil); err != nil {
		errs = append(errs, err)
	}
	// Explicit names and expressions must be answered by x/sys or the spec.
	for _, g := range sp.Groups {
		gos := g.OS[goos]
		if gos == nil {
			continue
		}
		for _, nr := range append(append([]spec.NameRef{}, gos.Names...), gos.Exprs...) {
			if _, ok := have[nr.Name]; !ok {
				errs = append(errs, &spec.Error{File: g.File, Line: nr.Line, Msg: fmt.Sprintf("group %s: %s is neither in %s for %s/%s nor stated in the spec", g.Name, nr.Name, xs.Module, goos, goarch)})
			}
		}
	}
	applyCounterparts(sp, td)

	// Layouts from x/sys types.
	for _, lay := range sp.Layouts {
		tname, ok := lay.XSys[goos]
		if !ok {
			continue
		}
		lv, err := xsysLayout(lay, tname, goos, xs)
		if err == nil {
			err = checkCodecOverlap(lv)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		td.Layouts = append(td.Layouts, lv)
	}
	// Expressions stated for this OS.
	for _, e := range sp.Exprs {
		eo, ok := e.OS[goos]
		if !ok {
			continue
		}
		if eo.Value == nil {
			errs = append(errs, &spec.Error{File: e.File, Line: e.Line, Msg: fmt.Sprintf("expression %s: %s has no C compiler here; state its value and source", e.Name, goos)})
			continue
		}
		td.Exprs = append(td.Exprs, &ExprVal{Expr: e, Value: ProbeResult{Value: *eo.Value, Negative: *eo.Value < 0}})
	}
	if err := spec.JoinErrors(errs); err != nil {
		return nil, err
	}
	sortConsts(td)
	return td, nil
}

// xsysLayout lays out an x/sys struct type for the target architecture and
// maps its fields to the spec's C members.
func xsysLayout(lay *spec.Layout, tname, goos string, xs *XSys) (*LayoutVal, error) {
	bad := func(line int, format string, args ...any) error {
		return &spec.Error{File: lay.File, Line: line, Msg: fmt.Sprintf("layout %s: ", lay.Name) + fmt.Sprintf(format, args...)}
	}
	obj := xs.Types.Scope().Lookup(tname)
	if obj == nil {
		return nil, bad(lay.Line, "%s has no type %s", xs.Package, tname)
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		return nil, bad(lay.Line, "%s.%s is not a struct", xs.Package, tname)
	}
	fields := make([]*types.Var, st.NumFields())
	for i := range fields {
		fields[i] = st.Field(i)
	}
	offsets := xs.Sizes.Offsetsof(fields)
	lv := &LayoutVal{Layout: lay, Size: xs.Sizes.Sizeof(st), Align: xs.Sizes.Alignof(st), Source: "xsys", XSysType: xs.Package + "." + tname}
	for _, f := range lay.FieldsFor(goos) {
		want := f.XSys
		if want == "" {
			want = f.Go
		}
		idx := -1
		for i, v := range fields {
			if v.Name() == want {
				idx = i
			}
		}
		if idx < 0 {
			return nil, bad(f.Line, "%s.%s has no field %s (for %s)", xs.Package, tname, want, f.C)
		}
		size := xs.Sizes.Sizeof(fields[idx].Type())
		if k := spec.KnownKinds[f.Kind]; k != 0 && int64(k) != size {
			return nil, bad(f.Line, "%s.%s.%s is %d bytes, kind %s needs %d", xs.Package, tname, want, size, f.Kind, k)
		}
		if f.Kind == "bytes" {
			if _, isArray := fields[idx].Type().Underlying().(*types.Array); !isArray {
				return nil, bad(f.Line, "%s.%s.%s is not an array", xs.Package, tname, want)
			}
		}
		lv.Fields = append(lv.Fields, FieldVal{Field: f, Offset: offsets[idx], Size: size})
	}
	return lv, nil
}
