package main

import (
	"bytes"
	"fmt"
	"github.com/sockspec/socket/generator/spec"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// goFileName is the z-file for a target.
func goFileName(goos, goarch string, perArch bool) string {
	if perArch {
		return fmt.Sprintf("zsocket_%s_%s.go", goos, goarch)
	}
	return fmt.Sprintf("zsocket_%s.go", goos)
}

// literal renders an integer the way a reader expects: small values in
// decimal, larger ones (masks, flags, ioctl codes) in hex.
func literal(r ProbeResult) string {
	if r.Negative {
		return strconv.FormatInt(r.Value, 10)
	}
	u := uint64(r.Value)
	if u < 1024 {
		return strconv.FormatUint(u, 10)
	}
	return "0x" + strconv.FormatUint(u, 16)
}

var flagTypes = map[string]string{"MsgFlag": "msgFlagNames", "AddressInfo": "addressInfoNames"}

// Emit renders the z-file of a target. label names the target(s) in
// comments; buildTag, if set, is the file's //go:build constraint.
func Emit(sp *spec.Spec, td *TargetData, cmdline, label, buildTag string) ([]byte, error) {
	f := jen.NewFile("socket")
	f.HeaderComment(fmt.Sprintf("Constants and C layouts for %s, from spec/*.yaml. Provenance of every value:", label))
	f.HeaderComment(fmt.Sprintf("spec/scrape/%s_<arch>.json. Sources:", td.GOOS))
	for _, s := range td.Sources {
		desc := s.ID + ": " + s.Kind
		for _, part := range []string{s.Compiler, s.KernelHeaders, s.Libc, s.Extra, s.Module} {
			if part != "" {
				desc += "; " + part
			}
		}
		f.HeaderComment("  - " + desc)
	}

	byGroup := map[*spec.Group][]*ConstVal{}
	for _, c := range td.Consts {
		byGroup[c.Group] = append(byGroup[c.Group], c)
	}
	for _, g := range sp.Groups {
		cs := byGroup[g]
		if len(cs) == 0 {
			continue
		}
		var defs []jen.Code
		for _, c := range cs {
			var doc string
			switch c.Source {
			case "headers":
				doc = fmt.Sprintf("%s is socket.%s (group %s; from the %s headers).", c.Name, c.Name, g.Name, c.Header)
			case "xsys":
				doc = fmt.Sprintf("%s is socket.%s (group %s; from golang.org/x/sys: newer than the headers scraped).", c.Name, c.Name, g.Name)
			default:
				doc = fmt.Sprintf("%s is socket.%s (group %s; value stated in the spec: %s).", c.Name, c.Name, g.Name, c.Note)
			}
			var def *jen.Statement
			if c.Str != nil {
				def = jen.Id(c.Name).Op("=").Lit(*c.Str)
			} else if g.GoType != "" {
				def = jen.Id(c.Name).Id(g.GoType).Op("=").Op(literal(c.Int))
			} else {
				def = jen.Id(c.Name).Op("=").Op(literal(c.Int))
			}
			defs = append(defs, jen.Comment(doc), def)
		}
		f.Comment(fmt.Sprintf("Group %s: %s", g.Name, g.Doc))
		if g.Availability != "" {
			f.Comment("Availability: " + g.Availability)
		}
		f.Const().Defs(defs...)
		f.Line()
	}

	// String methods.
	for _, typ := range []string{"AddressFamily", "SocketKind", "MsgFlag", "AddressInfo"} {
		canon := canonicalNames(sp, td, typ)
		if varName, isFlag := flagTypes[typ]; isFlag {
			var elems []jen.Code
			for _, cn := range canon {
				elems = append(elems, jen.Values(jen.Op(literal(cn.v)), jen.Lit(cn.name)))
			}
			f.Var().Id(varName).Op("=").Index(jen.Op("...")).Id("flagName").Values(elems...)
			f.Line()
			f.Comment(fmt.Sprintf("String returns the names of the flags set, joined by '|', as Python's %s prints them.", typ))
			f.Func().Params(jen.Id("v").Id(typ)).Id("String").Params().String().Block(
				jen.Return(jen.Id("formatFlags").Call(jen.Int64().Parens(jen.Id("v")), jen.Id(varName).Index(jen.Op(":")), jen.Lit(typ))),
			)
			f.Line()
			continue
		}
		var cases []jen.Code
		for _, cn := range canon {
			cases = append(cases, jen.Case(jen.Op(literal(cn.v))).Block(jen.Return(jen.Lit(cn.name))))
		}
		f.Comment(fmt.Sprintf("String returns the constant's name, as Python's %s enum prints it.", typ))
		f.Func().Params(jen.Id("v").Id(typ)).Id("String").Params().String().Block(
			jen.Switch(jen.Id("v")).Block(cases...),
			jen.Return(jen.Lit(typ+"(").Op("+").Qual("strconv", "Itoa").Call(jen.Int().Parens(jen.Id("v"))).Op("+").Lit(")")),
		)
		f.Line()
	}

	// The runtime table.
	var rows []jen.Code
	for _, c := range td.Consts {
		if c.Str != nil || !c.Int.FitsInt64() {
			continue
		}
		rows = append(rows, jen.Line().Values(jen.Lit(c.Name), jen.Lit(c.Group.Name), jen.Op(literal(c.Int))))
	}
	f.Comment("constantTable lists every integer constant of this build, sorted by name.")
	f.Var().Id("constantTable").Op("=").Index(jen.Op("...")).Id("Constant").Values(append(rows, jen.Line())...)
	f.Line()

	// Layouts.
	if len(td.Layouts) > 0 || len(td.Exprs) > 0 {
		var defs []jen.Code
		for _, l := range td.Layouts {
			defs = append(defs, jen.Comment(fmt.Sprintf("%s (%s)", l.Layout.Struct, l.Layout.Doc)),
				jen.Id("sizeof"+l.Layout.Name).Op("=").Lit(int(l.Size)),
				jen.Id("alignof"+l.Layout.Name).Op("=").Lit(int(l.Align)))
			for _, fv := range l.Fields {
				defs = append(defs, jen.Id("offsetof"+l.Layout.Name+fv.Field.Go).Op("=").Lit(int(fv.Offset)))
			}
		}
		for _, e := range td.Exprs {
			defs = append(defs, jen.Comment(fmt.Sprintf("%s: %s = %s", e.Expr.Name, e.Expr.OS[td.GOOS].Expr, e.Expr.Doc)), jen.Id(e.Expr.Name).Op("=").Op(literal(e.Value)))
		}
		f.Comment("C layouts and expression probes (spec/families.yaml).")
		f.Const().Defs(defs...)
		f.Line()
	}
	for _, l := range td.Layouts {
		if l.Layout.Codec {
			emitCodec(f, label, l)
		}
	}
	if len(td.Layouts) > 0 {
		var rows []jen.Code
		for _, l := range td.Layouts {
			var fields []jen.Code
			for _, fv := range l.Fields {
				fields = append(fields, jen.Line().Values(jen.Lit(fv.Field.C), jen.Id("offsetof"+l.Layout.Name+fv.Field.Go), jen.Lit(int(fv.Size))))
			}
			rows = append(rows, jen.Line().Values(jen.Lit(l.Layout.Name), jen.Lit(l.Layout.Struct), jen.Id("sizeof"+l.Layout.Name), jen.Id("alignof"+l.Layout.Name),
				jen.Index().Id("layoutField").Values(append(fields, jen.Line())...)))
		}
		f.Comment("layoutTable describes every scraped C layout (for tests and introspection).")
		f.Var().Id("layoutTable").Op("=").Index(jen.Op("...")).Id("layoutInfo").Values(append(rows, jen.Line())...)
		f.Line()
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// Code generated by %s; DO NOT EDIT.\n\n", cmdline)
	if buildTag != "" {
		fmt.Fprintf(&buf, "//go:build %s\n\n", buildTag)
	}
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("rendering %s: %v", label, err)
	}
	return buf.Bytes(), nil
}

type canonName struct {
	v    ProbeResult
	name string
}

// canonicalNames picks one name per value of a typed group, as Python's enum
// does: among aliases, names CPython exports on this OS first, then the
// alphabetically first. For flag types only single-bit and zero-free values
// are kept.
func canonicalNames(sp *spec.Spec, td *TargetData, typ string) []canonName {
	py := sp.CPython[td.GOOS]
	best := map[int64]string{}
	vals := map[int64]ProbeResult{}
	for _, c := range td.Consts {
		if c.Group.GoType != typ || c.Str != nil {
			continue
		}
		v := c.Int.Value
		if _, isFlag := flagTypes[typ]; isFlag && (v <= 0 || v&(v-1) != 0) {
			continue
		}
		cur, ok := best[v]
		if !ok || better(py, c.Name, cur) {
			best[v] = c.Name
			vals[v] = c.Int
		}
	}
	var out []canonName
	for v, n := range best {
		out = append(out, canonName{vals[v], n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].v.Value < out[j].v.Value })
	return out
}

func better(py map[string]bool, a, b string) bool {
	if py[a] != py[b] {
		return py[a]
	}
	return a < b
}

// emitCodec writes raw<Name> with marshal/unmarshal at the scraped offsets.
func emitCodec(f *jen.File, label string, l *LayoutVal) {
	name := "raw" + l.Layout.Name
	var fields []jen.Code
	for _, fv := range l.Fields {
		var t jen.Code
		switch fv.Field.Kind {
		case "u8":
			t = jen.Uint8()
		case "u16", "be16":
			t = jen.Uint16()
		case "u32", "be32":
			t = jen.Uint32()
		case "u64":
			t = jen.Uint64()
		case "bytes":
			t = jen.Index(jen.Lit(int(fv.Size))).Byte()
		}
		order := ""
		if strings.HasPrefix(fv.Field.Kind, "be") {
			order = ", network byte order"
		}
		fields = append(fields, jen.Id(fv.Field.Go).Add(t).Comment(fmt.Sprintf("%s: offset %d, %d bytes%s", fv.Field.C, fv.Offset, fv.Size, order)))
	}
	f.Comment(fmt.Sprintf("%s holds the fields of %s (%d bytes on %s).", name, l.Layout.Struct, l.Size, label))
	f.Type().Id(name).Struct(fields...)
	f.Line()

	size := int(l.Size)
	var mbody []jen.Code
	mbody = append(mbody, jen.Id("b").Op("=").Id("b").Index(jen.Op(":").Lit(size)), jen.Clear(jen.Id("b")))
	var ubody []jen.Code
	ubody = append(ubody, jen.Op("*").Id("r").Op("=").Id(name).Values())
	for _, fv := range l.Fields {
		off := int(fv.Offset)
		end := off + int(fv.Size)
		fld := jen.Id("r").Dot(fv.Field.Go)
		var put, get jen.Code
		switch fv.Field.Kind {
		case "u8":
			put = jen.Id("b").Index(jen.Lit(off)).Op("=").Add(fld)
			get = jen.Id("r").Dot(fv.Field.Go).Op("=").Id("b").Index(jen.Lit(off))
		case "u16", "u32", "u64", "be16", "be32":
			bits := map[string]string{"u16": "16", "u32": "32", "u64": "64", "be16": "16", "be32": "32"}[fv.Field.Kind]
			ord := "NativeEndian"
			if strings.HasPrefix(fv.Field.Kind, "be") {
				ord = "BigEndian"
			}
			put = jen.Qual("encoding/binary", ord).Dot("PutUint"+bits).Call(jen.Id("b").Index(jen.Lit(off).Op(":")), fld)
			get = jen.Id("r").Dot(fv.Field.Go).Op("=").Qual("encoding/binary", ord).Dot("Uint" + bits).Call(jen.Id("b").Index(jen.Lit(off).Op(":")))
		case "bytes":
			put = jen.Copy(jen.Id("b").Index(jen.Lit(off).Op(":").Lit(end)), jen.Id("r").Dot(fv.Field.Go).Index(jen.Op(":")))
			ubody = append(ubody, jen.If(jen.Len(jen.Id("b")).Op(">").Lit(off)).Block(
				jen.Copy(jen.Id("r").Dot(fv.Field.Go).Index(jen.Op(":")), jen.Id("b").Index(jen.Lit(off).Op(":")))))
			mbody = append(mbody, put)
			continue
		}
		mbody = append(mbody, put)
		ubody = append(ubody, jen.If(jen.Len(jen.Id("b")).Op(">=").Lit(end)).Block(get))
	}
	mbody = append(mbody, jen.Return(jen.Lit(size)))
	f.Comment(fmt.Sprintf("marshal writes r as %s into b (at least %d bytes), zeroing padding, and returns %d.", l.Layout.Struct, size, size))
	f.Func().Params(jen.Id("r").Op("*").Id(name)).Id("marshal").Params(jen.Id("b").Index().Byte()).Int().Block(mbody...)
	f.Line()
	f.Comment(fmt.Sprintf("unmarshal reads r from b, which holds %s as the kernel returned it; fields past len(b) stay zero.", l.Layout.Struct))
	f.Func().Params(jen.Id("r").Op("*").Id(name)).Id("unmarshal").Params(jen.Id("b").Index().Byte()).Block(ubody...)
	f.Line()
}
