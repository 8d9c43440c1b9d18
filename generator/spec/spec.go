// Package spec loads and checks the declarative spec (spec/*.yaml) of
// sockspec: constant groups, header sets, C layouts and expression probes.
// Every error names the file, line and name it is about.
package spec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The spec is read through yaml.Node so that every error can name the file
// and line it comes from, and unknown keys are rejected.

// Spec is the whole declarative input of the generator.
type Spec struct {
	Dir        string
	HeaderSets map[string]map[string]*HeaderSet // os -> set name -> set
	Groups     []*Group
	Layouts    []*Layout
	Exprs      []*Expr
	CPython    map[string]map[string]bool // os -> names CPython exports there
}

// HeaderSet is one translation unit: defines and includes, in order.
type HeaderSet struct {
	Name     string
	OS       string
	Defines  []string
	Includes []string
	Line     int
	File     string
}

// Group is one constant group of spec/constants.yaml.
type Group struct {
	Name         string
	Doc          string
	Availability string
	GoType       string
	Prefixes     []string
	Exclude      map[string]string // name -> reason
	// Counterpart keeps a name only if the target also has it with this
	// prefix swapped: {"PF_": "AF_"} keeps PF_INET because AF_INET exists
	// and drops winnt.h's PF_*_INSTRUCTIONS_AVAILABLE processor features.
	Counterpart map[string]string
	OS          map[string]*GroupOS
	File        string
	Line        int
}

// GroupOS is what a group has on one OS.
type GroupOS struct {
	HeaderSets []string
	Names      []NameRef         // explicit names (enum members ...): must exist
	Exprs      []NameRef         // Python name <- C expression
	Values     []StatedValue     // values stated in the spec, with their source
	XSys       bool              // take names the headers lack from x/sys
	Prefixes   []string          // extra prefixes on this OS
	Exclude    map[string]string // extra excludes on this OS
	// XSysDiffers lists names whose x/sys value is known to differ from the
	// headers' (the headers win), each with the reason.
	XSysDiffers map[string]string
	Line        int
	names       map[string]struct{} // all explicit names for quick lookup
}

// NameRef is an explicit name (and for Exprs, the C expression).
type NameRef struct {
	Name string
	Expr string
	Line int
}

// StatedValue is a value the spec states, with the document it comes from.
type StatedValue struct {
	Name   string
	Int    *int64
	String *string
	Source string
	Line   int
}

// Layout is a C struct whose size and field offsets are probed.
type Layout struct {
	Name   string // Go stem, e.g. SockaddrInet4
	Struct string // C type, e.g. "struct sockaddr_in"
	Doc    string
	Codec  bool
	Fields []*LayoutField
	OS     map[string]string // os -> header set
	// XSys names, per OS, the golang.org/x/sys type with the same layout,
	// for targets whose layouts come from x/sys (darwin, freebsd here).
	XSys map[string]string
	File string
	Line int
}

// LayoutField is one member of a Layout.
type LayoutField struct {
	C    string // C member path ("sin_port", "addr.name.name.type")
	Go   string // Go field name ("Port")
	Kind string // u8 u16 u32 u64 be16 be32 bytes
	OS   []string
	XSys string // field name in the x/sys type, if not Go
	Line int
}

// Expr is an expression probe (e.g. CMSG_ALIGN(1)).
type Expr struct {
	Name string
	Doc  string
	OS   map[string]ExprOS
	File string
	Line int
}

type ExprOS struct {
	HeaderSet string
	Expr      string
	// Value and Source state the value for targets whose values come from
	// golang.org/x/sys rather than from headers compiled here.
	Value  *int64
	Source string
}

var (
	KnownOS     = map[string]bool{"linux": true, "darwin": true, "freebsd": true, "windows": true}
	knownGoType = map[string]bool{"": true, "untyped": true, "AddressFamily": true, "SocketKind": true, "MsgFlag": true, "AddressInfo": true}
	KnownKinds  = map[string]int{"u8": 1, "u16": 2, "u32": 4, "u64": 8, "be16": 2, "be32": 4, "bytes": 0}
	identRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	goIdentRE   = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	// memberRE is a C member path: "sin_port", or "addr.nameseq.type" for
	// members of unions and nested structs.
	memberRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\[[0-9]+\])?$`)
)

// Error is an error tied to a place in a spec file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

type loader struct {
	file string
	errs []error
}

func (l *loader) errf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.errs = append(l.errs, &Error{l.file, line, fmt.Sprintf(format, args...)})
}

// mapping checks n is a mapping with only the allowed keys and returns key -> value.
func (l *loader) mapping(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		l.errf(n, "%s: expected a mapping", what)
		return out
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if len(allowed) > 0 && !ok[k.Value] {
			l.errf(k, "%s: unknown key %q (allowed: %s)", what, k.Value, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			l.errf(k, "%s: duplicate key %q", what, k.Value)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func (l *loader) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		l.errf(n, "%s: expected a string", what)
		return ""
	}
	return n.Value
}

func (l *loader) strs(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "%s: expected a list", what)
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, l.str(c, what))
	}
	return out
}

func (l *loader) seq(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "%s: expected a list", what)
		return nil
	}
	return n.Content
}

func (l *loader) doc(path string) *yaml.Node {
	l.file = path
	b, err := os.ReadFile(path)
	if err != nil {
		l.errs = append(l.errs, err)
		return nil
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		l.errs = append(l.errs, fmt.Errorf("%s: %v", path, err))
		return nil
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		l.errf(&root, "expected one YAML document")
		return nil
	}
	return root.Content[0]
}

// Load reads spec/constants.yaml, spec/families.yaml and spec/cpython.
func Load(dir string) (*Spec, error) {
	s := &Spec{Dir: dir, HeaderSets: map[string]map[string]*HeaderSet{}, CPython: map[string]map[string]bool{}}
	l := &loader{}

	// constants.yaml
	cpath := filepath.Join(dir, "constants.yaml")
	if root := l.doc(cpath); root != nil {
		top := l.mapping(root, "constants.yaml", "header_sets", "groups")
		l.loadHeaderSets(s, top["header_sets"])
		seenGroup := map[string]int{}
		for _, gn := range l.seq(top["groups"], "groups") {
			g := l.loadGroup(gn)
			if g == nil {
				continue
			}
			if prev, dup := seenGroup[g.Name]; dup {
				l.errf(gn, "group %s: duplicate group (first at line %d)", g.Name, prev)
				continue
			}
			seenGroup[g.Name] = gn.Line
			s.Groups = append(s.Groups, g)
		}
	}

	// families.yaml
	fpath := filepath.Join(dir, "families.yaml")
	if root := l.doc(fpath); root != nil {
		top := l.mapping(root, "families.yaml", "header_sets", "layouts", "expressions")
		l.loadHeaderSets(s, top["header_sets"])
		seen := map[string]bool{}
		for _, ln := range l.seq(top["layouts"], "layouts") {
			lay := l.loadLayout(ln)
			if lay == nil {
				continue
			}
			if seen[lay.Name] {
				l.errf(ln, "layout %s: duplicate name", lay.Name)
				continue
			}
			seen[lay.Name] = true
			s.Layouts = append(s.Layouts, lay)
		}
		for _, en := range l.seq(top["expressions"], "expressions") {
			e := l.loadExpr(en)
			if e == nil {
				continue
			}
			if seen[e.Name] {
				l.errf(en, "expression %s: duplicate name", e.Name)
				continue
			}
			seen[e.Name] = true
			s.Exprs = append(s.Exprs, e)
		}
	}

	// Cross checks: header sets referenced exist; a name is explicit in one group only.
	l.file = cpath
	owner := map[string]string{}
	for _, g := range s.Groups {
		for osName, gos := range g.OS {
			for _, hs := range gos.HeaderSets {
				if s.HeaderSets[osName][hs] == nil {
					l.errs = append(l.errs, &Error{g.File, gos.Line, fmt.Sprintf("group %s: %s: unknown header set %q", g.Name, osName, hs)})
				}
			}
			check := func(name string, line int) {
				key := osName + "/" + name
				if o, dup := owner[key]; dup && o != g.Name {
					l.errs = append(l.errs, &Error{g.File, line, fmt.Sprintf("group %s: name %s is already listed by group %s", g.Name, name, o)})
				} else if dup {
					l.errs = append(l.errs, &Error{g.File, line, fmt.Sprintf("group %s: duplicate name %s", g.Name, name)})
				}
				owner[key] = g.Name
			}
			for _, n := range gos.Names {
				check(n.Name, n.Line)
			}
			for _, n := range gos.Exprs {
				check(n.Name, n.Line)
			}
			for _, v := range gos.Values {
				check(v.Name, v.Line)
			}
		}
	}
	for _, lay := range s.Layouts {
		for osName, hs := range lay.OS {
			if s.HeaderSets[osName][hs] == nil {
				l.errs = append(l.errs, &Error{lay.File, lay.Line, fmt.Sprintf("layout %s: %s: unknown header set %q", lay.Name, osName, hs)})
			}
		}
	}
	for _, e := range s.Exprs {
		for osName, eo := range e.OS {
			if eo.Value == nil && s.HeaderSets[osName][eo.HeaderSet] == nil {
				l.errs = append(l.errs, &Error{e.File, e.Line, fmt.Sprintf("expression %s: %s: unknown header set %q", e.Name, osName, eo.HeaderSet)})
			}
		}
	}

	// CPython name lists (optional per OS).
	for osName := range KnownOS {
		p := filepath.Join(dir, "cpython", osName+".txt")
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			l.errs = append(l.errs, err)
			continue
		}
		m := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			m[strings.Fields(line)[0]] = true
		}
		s.CPython[osName] = m
	}

	if len(l.errs) > 0 {
		return nil, JoinErrors(l.errs)
	}
	return s, nil
}

type multiErr []error

func (m multiErr) Error() string {
	var b strings.Builder
	for i, e := range m {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

func JoinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return multiErr(errs)
}

func (l *loader) loadHeaderSets(s *Spec, n *yaml.Node) {
	for osName, sets := range l.mapping(n, "header_sets") {
		if !KnownOS[osName] {
			l.errf(n, "header_sets: unknown OS %q", osName)
			continue
		}
		setsNode := sets
		for name, hn := range l.mapping(setsNode, "header_sets."+osName) {
			if s.HeaderSets[osName] == nil {
				s.HeaderSets[osName] = map[string]*HeaderSet{}
			}
			if s.HeaderSets[osName][name] != nil {
				l.errf(hn, "header set %s/%s: defined twice", osName, name)
				continue
			}
			m := l.mapping(hn, "header set "+name, "defines", "includes")
			hs := &HeaderSet{Name: name, OS: osName, Defines: l.strs(m["defines"], "defines"), Includes: l.strs(m["includes"], "includes"), Line: hn.Line, File: l.file}
			if len(hs.Includes) == 0 {
				l.errf(hn, "header set %s/%s: no includes", osName, name)
			}
			s.HeaderSets[osName][name] = hs
		}
	}
}

func (l *loader) loadGroup(n *yaml.Node) *Group {
	m := l.mapping(n, "group", "group", "doc", "availability", "type", "prefixes", "exclude", "counterpart", "os")
	g := &Group{Name: l.str(m["group"], "group"), Doc: l.str(m["doc"], "doc"), Availability: l.str(m["availability"], "availability"),
		GoType: l.str(m["type"], "type"), Prefixes: l.strs(m["prefixes"], "prefixes"), File: l.file, Line: n.Line, OS: map[string]*GroupOS{}}
	if g.Name == "" {
		l.errf(n, "group without a name")
		return nil
	}
	if !knownGoType[g.GoType] {
		l.errf(m["type"], "group %s: unknown Go type %q (known: AddressFamily, SocketKind, MsgFlag, AddressInfo, untyped)", g.Name, g.GoType)
	}
	if g.GoType == "untyped" {
		g.GoType = ""
	}
	if g.Doc == "" {
		l.errf(n, "group %s: no doc", g.Name)
	}
	g.Exclude = l.excludes(m["exclude"], g.Name)
	g.Counterpart = map[string]string{}
	for from, tn := range l.mapping(m["counterpart"], "group "+g.Name+" counterpart") {
		g.Counterpart[from] = l.str(tn, "counterpart")
	}
	for osName, on := range l.mapping(m["os"], "group "+g.Name+" os") {
		if !KnownOS[osName] {
			l.errf(on, "group %s: unknown OS %q", g.Name, osName)
			continue
		}
		om := l.mapping(on, "group "+g.Name+" "+osName, "headers", "names", "exprs", "values", "xsys", "prefixes", "exclude", "xsys_differs")
		gos := &GroupOS{HeaderSets: l.strs(om["headers"], "headers"), Prefixes: l.strs(om["prefixes"], "prefixes"), Line: on.Line, names: map[string]struct{}{}}
		for _, nn := range l.seq(om["names"], "names") {
			name := l.str(nn, "name")
			if !identRE.MatchString(name) {
				l.errf(nn, "group %s: bad name %q", g.Name, name)
				continue
			}
			gos.Names = append(gos.Names, NameRef{Name: name, Line: nn.Line})
		}
		for name, en := range l.mapping(om["exprs"], "exprs") {
			if !identRE.MatchString(name) {
				l.errf(en, "group %s: bad name %q", g.Name, name)
				continue
			}
			gos.Exprs = append(gos.Exprs, NameRef{Name: name, Expr: l.str(en, "expr"), Line: en.Line})
		}
		sort.Slice(gos.Exprs, func(i, j int) bool { return gos.Exprs[i].Name < gos.Exprs[j].Name })
		for _, vn := range l.seq(om["values"], "values") {
			vm := l.mapping(vn, "value", "name", "int", "string", "source")
			sv := StatedValue{Name: l.str(vm["name"], "name"), Source: l.str(vm["source"], "source"), Line: vn.Line}
			if in := vm["int"]; in != nil {
				var v int64
				if err := in.Decode(&v); err != nil {
					l.errf(in, "value %s: int: %v", sv.Name, err)
				}
				sv.Int = &v
			}
			if sn := vm["string"]; sn != nil {
				v := l.str(sn, "string")
				sv.String = &v
			}
			if (sv.Int == nil) == (sv.String == nil) {
				l.errf(vn, "value %s: exactly one of int or string is needed", sv.Name)
			}
			if sv.Source == "" {
				l.errf(vn, "value %s: a stated value must name its source", sv.Name)
			}
			if !identRE.MatchString(sv.Name) {
				l.errf(vn, "group %s: bad name %q", g.Name, sv.Name)
			}
			gos.Values = append(gos.Values, sv)
		}
		if xn := om["xsys"]; xn != nil {
			if err := xn.Decode(&gos.XSys); err != nil {
				l.errf(xn, "xsys: %v", err)
			}
		}
		gos.Exclude = l.excludes(om["exclude"], g.Name)
		gos.XSysDiffers = l.excludes(om["xsys_differs"], g.Name)
		if len(gos.HeaderSets) == 0 && (len(gos.Names) > 0 || len(gos.Exprs) > 0 || len(g.Prefixes)+len(gos.Prefixes) > 0 && !gos.XSys && len(gos.Values) == 0) {
			l.errf(on, "group %s: %s: names or prefixes but no headers", g.Name, osName)
		}
		for _, nr := range gos.Names {
			gos.names[nr.Name] = struct{}{}
		}
		g.OS[osName] = gos
	}
	return g
}

func (l *loader) excludes(n *yaml.Node, group string) map[string]string {
	out := map[string]string{}
	for name, rn := range l.mapping(n, "group "+group+" exclude") {
		reason := l.str(rn, "reason")
		if reason == "" {
			l.errf(rn, "group %s: exclude %s: give a reason", group, name)
		}
		out[name] = reason
	}
	return out
}

func (l *loader) loadLayout(n *yaml.Node) *Layout {
	m := l.mapping(n, "layout", "name", "struct", "doc", "codec", "os", "xsys", "fields")
	lay := &Layout{Name: l.str(m["name"], "name"), Struct: l.str(m["struct"], "struct"), Doc: l.str(m["doc"], "doc"), File: l.file, Line: n.Line, OS: map[string]string{}, XSys: map[string]string{}}
	for osName, tn := range l.mapping(m["xsys"], "layout "+lay.Name+" xsys") {
		if !KnownOS[osName] {
			l.errf(tn, "layout %s: unknown OS %q", lay.Name, osName)
			continue
		}
		lay.XSys[osName] = l.str(tn, "x/sys type")
	}
	if !goIdentRE.MatchString(lay.Name) {
		l.errf(n, "layout: name %q must be a Go identifier starting with a capital", lay.Name)
		return nil
	}
	if cn := m["codec"]; cn != nil {
		if err := cn.Decode(&lay.Codec); err != nil {
			l.errf(cn, "codec: %v", err)
		}
	}
	for osName, hn := range l.mapping(m["os"], "layout "+lay.Name+" os") {
		if !KnownOS[osName] {
			l.errf(hn, "layout %s: unknown OS %q", lay.Name, osName)
			continue
		}
		lay.OS[osName] = l.str(hn, "header set")
	}
	seen := map[string]bool{}
	for _, fn := range l.seq(m["fields"], "fields") {
		fm := l.mapping(fn, "field", "c", "go", "kind", "os", "xsys")
		f := &LayoutField{C: l.str(fm["c"], "c"), Go: l.str(fm["go"], "go"), Kind: l.str(fm["kind"], "kind"), OS: l.strs(fm["os"], "os"), XSys: l.str(fm["xsys"], "xsys"), Line: fn.Line}
		if _, ok := KnownKinds[f.Kind]; !ok {
			l.errf(fn, "layout %s: field %s: unknown kind %q", lay.Name, f.C, f.Kind)
		}
		if !goIdentRE.MatchString(f.Go) || !memberRE.MatchString(f.C) {
			l.errf(fn, "layout %s: field %q/%q: bad identifier", lay.Name, f.C, f.Go)
		}
		for _, o := range f.OS {
			if !KnownOS[o] {
				l.errf(fn, "layout %s: field %s: unknown OS %q", lay.Name, f.C, o)
			}
		}
		key := f.Go + "/" + strings.Join(f.OS, ",")
		if seen[key] {
			l.errf(fn, "layout %s: duplicate field %s", lay.Name, f.Go)
		}
		seen[key] = true
		lay.Fields = append(lay.Fields, f)
	}
	return lay
}

// FieldsFor returns the fields of a layout that apply to an OS.
func (lay *Layout) FieldsFor(osName string) []*LayoutField {
	var out []*LayoutField
	for _, f := range lay.Fields {
		if len(f.OS) == 0 {
			out = append(out, f)
			continue
		}
		for _, o := range f.OS {
			if o == osName {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func (l *loader) loadExpr(n *yaml.Node) *Expr {
	m := l.mapping(n, "expression", "name", "doc", "os")
	e := &Expr{Name: l.str(m["name"], "name"), Doc: l.str(m["doc"], "doc"), File: l.file, Line: n.Line, OS: map[string]ExprOS{}}
	if !identRE.MatchString(e.Name) {
		l.errf(n, "expression: bad name %q", e.Name)
		return nil
	}
	for osName, on := range l.mapping(m["os"], "expression "+e.Name+" os") {
		if !KnownOS[osName] {
			l.errf(on, "expression %s: unknown OS %q", e.Name, osName)
			continue
		}
		om := l.mapping(on, "expression "+e.Name+" "+osName, "headers", "expr", "value", "source")
		eo := ExprOS{HeaderSet: l.str(om["headers"], "headers"), Expr: l.str(om["expr"], "expr"), Source: l.str(om["source"], "source")}
		if vn := om["value"]; vn != nil {
			var v int64
			if err := vn.Decode(&v); err != nil {
				l.errf(vn, "expression %s: value: %v", e.Name, err)
			}
			eo.Value = &v
			if eo.Source == "" {
				l.errf(vn, "expression %s: %s: a stated value must name its source", e.Name, osName)
			}
		} else if eo.Expr == "" || eo.HeaderSet == "" {
			l.errf(on, "expression %s: %s: give headers and expr, or value and source", e.Name, osName)
		}
		e.OS[osName] = eo
	}
	return e
}

// GroupFor picks the group a name belongs to on an OS: an explicit listing
// wins, else the longest matching prefix. It returns nil for names no group
// claims and for excluded names.
func (s *Spec) GroupFor(osName, name string) *Group {
	var best *Group
	bestLen := -1
	for _, g := range s.Groups {
		gos := g.OS[osName]
		if gos == nil {
			continue
		}
		if _, ok := gos.names[name]; ok {
			return g
		}
		for _, v := range gos.Values {
			if v.Name == name {
				return g
			}
		}
		for _, e := range gos.Exprs {
			if e.Name == name {
				return g
			}
		}
		for _, p := range append(append([]string{}, g.Prefixes...), gos.Prefixes...) {
			if strings.HasPrefix(name, p) && len(p) > bestLen {
				best, bestLen = g, len(p)
			}
		}
	}
	if best != nil {
		if _, ex := best.Exclude[name]; ex {
			return nil
		}
		if _, ex := best.OS[osName].Exclude[name]; ex {
			return nil
		}
	}
	return best
}

// Excluded reports why a name is excluded on an OS ("" if it is not).
func (s *Spec) Excluded(osName, name string) string {
	for _, g := range s.Groups {
		if r, ok := g.Exclude[name]; ok && g.OS[osName] != nil {
			return r
		}
		if gos := g.OS[osName]; gos != nil {
			if r, ok := gos.Exclude[name]; ok {
				return r
			}
		}
	}
	return ""
}
