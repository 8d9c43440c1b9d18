package audit

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sockspec/socket/generator/spec"
	"github.com/sockspec/socket/generator/specdata"
)

// canonical is the target list every report shows, in this order. An entry
// without an architecture stands for every record of that OS (one column per
// record), or for one "no data" column when there is none.
var canonical = []string{"linux/amd64", "linux/arm64", "darwin", "freebsd", "windows"}

// expectedArch lists the architectures a target may be named with before its
// record exists (a filter such as -target darwin/arm64 is then valid and
// selects the "no data" column).
var expectedArch = map[string]bool{"amd64": true, "arm64": true}

// record is one loaded scrape record.
type record struct {
	Path string
	T    *specdata.Target
	ByID map[string]*specdata.Source
	Cons map[string]*specdata.Constant
}

// column is one target column of a report.
type column struct {
	Label string // "linux/amd64", or "darwin" for a no-data column
	OS    string
	Arch  string // "" for a no-data column
	Rec   *record
}

// readRecord reads and checks one scrape record. Every error names the file.
func readRecord(path string) (*record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read record: %v", err)
	}
	var head struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s: corrupt record (not valid JSON: %v)", path, err)
	}
	if head.Schema == nil {
		return nil, fmt.Errorf("%s: not a scrape record (no \"schema\" field)", path)
	}
	if *head.Schema != specdata.SchemaVersion {
		return nil, fmt.Errorf("%s: record schema %d, this tool reads schema %d", path, *head.Schema, specdata.SchemaVersion)
	}
	t, err := specdata.Read(path)
	if err != nil {
		return nil, fmt.Errorf("corrupt record: %v", err)
	}
	if t.Target != t.GOOS+"/"+t.GOARCH {
		return nil, fmt.Errorf("%s: corrupt record: target %q does not match goos %q / goarch %q", path, t.Target, t.GOOS, t.GOARCH)
	}
	r := &record{Path: path, T: t, ByID: map[string]*specdata.Source{}, Cons: map[string]*specdata.Constant{}}
	for i := range t.Sources {
		s := &t.Sources[i]
		if s.ID == "" {
			return nil, fmt.Errorf("%s: corrupt record: source %d has no id", path, i)
		}
		r.ByID[s.ID] = s
	}
	for i := range t.Constants {
		c := &t.Constants[i]
		switch {
		case c.Name == "":
			return nil, fmt.Errorf("%s: corrupt record: constant %d has no name", path, i)
		case r.Cons[c.Name] != nil:
			return nil, fmt.Errorf("%s: corrupt record: constant %s appears twice", path, c.Name)
		case r.ByID[c.Source] == nil:
			return nil, fmt.Errorf("%s: corrupt record: constant %s names source %q, which the record does not define", path, c.Name, c.Source)
		case c.Kind != "int" && c.Kind != "string":
			return nil, fmt.Errorf("%s: corrupt record: constant %s has kind %q (want int or string)", path, c.Name, c.Kind)
		case c.Group == "":
			return nil, fmt.Errorf("%s: corrupt record: constant %s has no group", path, c.Name)
		}
		if c.Kind == "int" {
			if _, ok := new(big.Int).SetString(c.Value, 10); !ok {
				return nil, fmt.Errorf("%s: corrupt record: constant %s: value %q is not a decimal integer", path, c.Name, c.Value)
			}
		}
		r.Cons[c.Name] = c
	}
	return r, nil
}

// loadRecords reads a record file, or every *.json record in a directory.
func loadRecords(path string) ([]*record, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("records: %v", err)
	}
	var files []string
	if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
	} else {
		files = []string{path}
	}
	var recs []*record
	seen := map[string]string{}
	for _, f := range files {
		r, err := readRecord(f)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[r.T.Target]; dup {
			return nil, fmt.Errorf("%s: target %s is already described by %s", f, r.T.Target, prev)
		}
		seen[r.T.Target] = f
		recs = append(recs, r)
	}
	return recs, nil
}

// columns builds the report columns: the canonical targets (each OS-only
// entry expanded to its records), then any other record.
func columns(recs []*record) []*column {
	var cols []*column
	used := map[*record]bool{}
	for _, c := range canonical {
		goos, arch, hasArch := strings.Cut(c, "/")
		if hasArch {
			col := &column{Label: c, OS: goos, Arch: arch}
			for _, r := range recs {
				if r.T.Target == c {
					col.Rec = r
					used[r] = true
				}
			}
			cols = append(cols, col)
			continue
		}
		var mine []*record
		for _, r := range recs {
			if r.T.GOOS == goos && !used[r] {
				mine = append(mine, r)
			}
		}
		sort.Slice(mine, func(i, j int) bool { return mine[i].T.GOARCH < mine[j].T.GOARCH })
		if len(mine) == 0 {
			cols = append(cols, &column{Label: goos, OS: goos})
		}
		for _, r := range mine {
			used[r] = true
			cols = append(cols, &column{Label: r.T.Target, OS: goos, Arch: r.T.GOARCH, Rec: r})
		}
	}
	var extra []*record
	for _, r := range recs {
		if !used[r] {
			extra = append(extra, r)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].T.Target < extra[j].T.Target })
	for _, r := range extra {
		cols = append(cols, &column{Label: r.T.Target, OS: r.T.GOOS, Arch: r.T.GOARCH, Rec: r})
	}
	return cols
}

// matchTarget reports whether a -target / @target term selects a column.
func (c *column) matches(term string) bool {
	goos, arch, hasArch := strings.Cut(term, "/")
	if !hasArch {
		return c.OS == goos
	}
	if c.Rec == nil {
		return c.OS == goos
	}
	return c.OS == goos && c.Arch == arch
}

// checkTarget rejects target names that name nothing we know.
func checkTarget(term string, cols []*column) error {
	goos, arch, hasArch := strings.Cut(term, "/")
	known := spec.KnownOS[goos]
	for _, c := range cols {
		if c.OS == goos {
			known = true
		}
	}
	if !known || goos == "" {
		return fmt.Errorf("unknown target %q (known: %s)", term, knownTargets(cols))
	}
	if !hasArch {
		return nil
	}
	for _, c := range cols {
		if c.Rec != nil && c.OS == goos && c.Arch == arch {
			return nil
		}
	}
	if expectedArch[arch] && spec.KnownOS[goos] {
		return nil
	}
	return fmt.Errorf("unknown target %q (known: %s)", term, knownTargets(cols))
}

func knownTargets(cols []*column) string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Label)
	}
	return strings.Join(out, ", ")
}

func recordTargets(cols []*column, goos string) string {
	var out []string
	for _, c := range cols {
		if c.OS == goos && c.Rec != nil {
			out = append(out, c.Label)
		}
	}
	return strings.Join(out, ", ")
}

// cpythonList is one spec/cpython/<os>.txt: names, optional values, and the
// header comment saying where the list comes from.
type cpythonList struct {
	OS     string
	Path   string
	Origin string
	Names  map[string]string // name -> value ("" when the list has none)
	Arch   string            // GOARCH the values were taken on, if the header says
}

func loadCPython(specDir string) (map[string]*cpythonList, error) {
	out := map[string]*cpythonList{}
	for goos := range spec.KnownOS {
		p := filepath.Join(specDir, "cpython", goos+".txt")
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		l := &cpythonList{OS: goos, Path: p, Names: map[string]string{}}
		var origin []string
		inHeader := true
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if i := strings.Index(line, " #"); i >= 0 && !strings.HasPrefix(line, "#") {
				line = strings.TrimSpace(line[:i]) // trailing comment
			}
			if strings.HasPrefix(line, "#") {
				if inHeader {
					origin = append(origin, strings.TrimSpace(strings.TrimPrefix(line, "#")))
				}
				continue
			}
			if line == "" {
				continue
			}
			inHeader = false
			f := strings.Fields(line)
			if len(f) > 2 {
				return nil, fmt.Errorf("%s:%d: want NAME [VALUE], got %q", p, i+1, line)
			}
			v := ""
			if len(f) == 2 {
				v = f[1]
			}
			l.Names[f[0]] = v
		}
		l.Origin = strings.Join(origin, " ")
		low := strings.ToLower(l.Origin)
		switch {
		case strings.Contains(low, "x86_64") || strings.Contains(low, "amd64"):
			l.Arch = "amd64"
		case strings.Contains(low, "aarch64") || strings.Contains(low, "arm64"):
			l.Arch = "arm64"
		}
		out[goos] = l
	}
	return out, nil
}
