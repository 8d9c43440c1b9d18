package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"github.com/sockspec/socket/generator/spec"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Toolchain is how one target's C headers are compiled. Values are probed
// by compiling (never running) C for the target and reading the object file.
type Toolchain struct {
	GOOS, GOARCH  string
	CC            string   // compiler command, e.g. "aarch64-linux-gnu-gcc"
	CFlags        []string // -I dirs first, so they shadow the compiler's own headers
	KernelHeaders string   // provenance: e.g. "linux-libc-dev 6.1.192-2"
	Libc          string   // provenance: e.g. "glibc 2.36"
	Extra         string   // provenance: other header packages
	WorkDir       string
	compilerID    string
}

// CompilerID is the first line of `cc --version`.
func (tc *Toolchain) CompilerID() (string, error) {
	if tc.compilerID != "" {
		return tc.compilerID, nil
	}
	out, err := tc.run(nil, "--version")
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", tc.CC, err)
	}
	tc.compilerID = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return tc.compilerID, nil
}

func (tc *Toolchain) isClang() bool {
	id, _ := tc.CompilerID()
	return strings.Contains(strings.ToLower(id), "clang")
}

func (tc *Toolchain) run(stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tc.CC, args...)
	cmd.Dir = tc.WorkDir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stderr.Bytes(), &ccError{args: args, err: err, stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

type ccError struct {
	args   []string
	err    error
	stderr string
}

func (e *ccError) Error() string {
	s := e.stderr
	if len(s) > 4000 {
		s = s[:4000] + "\n..."
	}
	return fmt.Sprintf("%v: %s", e.err, s)
}

// prelude is the source text of a header set.
func prelude(hs *spec.HeaderSet) string {
	var b strings.Builder
	for _, d := range hs.Defines {
		name, val, _ := strings.Cut(d, "=")
		fmt.Fprintf(&b, "#define %s %s\n", name, val)
	}
	for _, inc := range hs.Includes {
		fmt.Fprintf(&b, "#include <%s>\n", inc)
	}
	b.WriteString("#include <stddef.h>\n")
	return b.String()
}

var defineRE = regexp.MustCompile(`^#define ([A-Za-z_][A-Za-z0-9_]*)(\(?)`)

// Macros lists the object-like macros a header set defines.
func (tc *Toolchain) Macros(hs *spec.HeaderSet) (map[string]bool, error) {
	src := prelude(hs)
	args := append(append([]string{}, tc.CFlags...), "-E", "-dM", "-x", "c", "-")
	out, err := tc.run([]byte(src), args...)
	if err != nil {
		return nil, fmt.Errorf("header set %s/%s (%s:%d) does not preprocess for %s/%s: %v", hs.OS, hs.Name, hs.File, hs.Line, tc.GOOS, tc.GOARCH, err)
	}
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if sm := defineRE.FindStringSubmatch(sc.Text()); sm != nil && sm[2] == "" {
			m[sm[1]] = true
		}
	}
	return m, sc.Err()
}

// ProbeItem is one C integer constant expression to evaluate.
type ProbeItem struct {
	Key  string
	Expr string
}

// ProbeResult is its value. Unsigned is set when the expression is of an
// unsigned type whose value does not fit int64 as a negative number.
type ProbeResult struct {
	Value    int64
	Negative bool
}

// Decimal is the exact value as a decimal string.
func (r ProbeResult) Decimal() string {
	if r.Value < 0 && !r.Negative {
		return strconv.FormatUint(uint64(r.Value), 10)
	}
	return strconv.FormatInt(r.Value, 10)
}

// FitsInt64 reports whether the exact value is representable as int64.
func (r ProbeResult) FitsInt64() bool { return !(r.Value < 0 && !r.Negative) }

var diagLineRE = regexp.MustCompile(`probe\.c:(\d+):`)

// Probe evaluates items in one header set. Items that do not compile (not
// defined, not an integer constant expression) are returned in failed with
// the compiler's first message about them; the rest are in ok.
func (tc *Toolchain) Probe(hs *spec.HeaderSet, items []ProbeItem) (ok map[string]ProbeResult, failed map[string]string, err error) {
	failed = map[string]string{}
	live := append([]ProbeItem(nil), items...)
	for round := 0; round < 20; round++ {
		if len(live) == 0 {
			return map[string]ProbeResult{}, failed, nil
		}
		pre := prelude(hs)
		preLines := strings.Count(pre, "\n")
		var src strings.Builder
		src.WriteString(pre)
		for i, it := range live {
			// One item per line, so a diagnostic's line names the item.
			fmt.Fprintf(&src, "const long long sockspec_v_%d = (long long)(%s); const unsigned char sockspec_n_%d = ((%s) < 0);\n", i, it.Expr, i, it.Expr)
		}
		dir := tc.WorkDir
		cfile := filepath.Join(dir, "probe.c")
		ofile := filepath.Join(dir, "probe.o")
		if err := os.WriteFile(cfile, []byte(src.String()), 0o644); err != nil {
			return nil, nil, err
		}
		args := append(append([]string{}, tc.CFlags...), "-w", "-c", "-o", ofile, cfile)
		if tc.isClang() {
			args = append(args, "-ferror-limit=0")
		}
		_, cerr := tc.run(nil, args...)
		if cerr == nil {
			vals, rerr := readObject(ofile, len(live))
			if rerr != nil {
				return nil, nil, fmt.Errorf("%s/%s: reading probe object: %v", tc.GOOS, tc.GOARCH, rerr)
			}
			ok = map[string]ProbeResult{}
			for i, it := range live {
				v, have := vals[i]
				if !have {
					return nil, nil, fmt.Errorf("%s/%s: probe object lacks the value of %s", tc.GOOS, tc.GOARCH, it.Key)
				}
				ok[it.Key] = v
			}
			return ok, failed, nil
		}
		ce, isCC := cerr.(*ccError)
		if !isCC {
			return nil, nil, cerr
		}
		bad := map[int]string{}
		for _, line := range strings.Split(ce.stderr, "\n") {
			for _, m := range diagLineRE.FindAllStringSubmatch(line, -1) {
				n, _ := strconv.Atoi(m[1])
				idx := n - preLines - 1
				if idx >= 0 && idx < len(live) {
					if _, seen := bad[idx]; !seen {
						bad[idx] = strings.TrimSpace(line)
					}
				}
			}
		}
		if len(bad) == 0 {
			return nil, nil, fmt.Errorf("header set %s/%s (%s:%d) does not compile for %s/%s: %v", hs.OS, hs.Name, hs.File, hs.Line, tc.GOOS, tc.GOARCH, cerr)
		}
		var next []ProbeItem
		for i, it := range live {
			if msg, isBad := bad[i]; isBad {
				failed[it.Key] = msg
			} else {
				next = append(next, it)
			}
		}
		live = next
	}
	return nil, nil, fmt.Errorf("%s/%s: probe did not converge", tc.GOOS, tc.GOARCH)
}

// readObject reads sockspec_v_N (8 bytes) and sockspec_n_N (1 byte) from an
// ELF, PE/COFF or Mach-O relocatable object.
func readObject(path string, n int) (map[int]ProbeResult, error) {
	type sym struct {
		name string
		data []byte
	}
	var syms []sym
	var order binary.ByteOrder = binary.LittleEndian

	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		order = f.ByteOrder
		es, err := f.Symbols()
		if err != nil {
			return nil, err
		}
		cache := map[int][]byte{}
		for _, s := range es {
			if !strings.HasPrefix(s.Name, "sockspec_") || int(s.Section) >= len(f.Sections) || s.Section == elf.SHN_UNDEF {
				continue
			}
			sec := f.Sections[s.Section]
			data, ok := cache[int(s.Section)]
			if !ok {
				if data, err = sec.Data(); err != nil {
					return nil, err
				}
				cache[int(s.Section)] = data
			}
			if s.Value+s.Size > uint64(len(data)) {
				return nil, fmt.Errorf("symbol %s outside its section", s.Name)
			}
			syms = append(syms, sym{s.Name, data[s.Value : s.Value+s.Size]})
		}
	} else if f, err := pe.Open(path); err == nil {
		defer f.Close()
		for _, s := range f.Symbols {
			if !strings.HasPrefix(s.Name, "sockspec_") || s.SectionNumber <= 0 || int(s.SectionNumber) > len(f.Sections) {
				continue
			}
			data, err := f.Sections[s.SectionNumber-1].Data()
			if err != nil {
				return nil, err
			}
			size := uint32(8)
			if strings.HasPrefix(s.Name, "sockspec_n_") {
				size = 1
			}
			if s.Value+size > uint32(len(data)) {
				return nil, fmt.Errorf("symbol %s outside its section", s.Name)
			}
			syms = append(syms, sym{s.Name, data[s.Value : s.Value+size]})
		}
	} else if f, err := macho.Open(path); err == nil {
		defer f.Close()
		order = f.ByteOrder
		if f.Symtab == nil {
			return nil, fmt.Errorf("no symbol table")
		}
		for _, s := range f.Symtab.Syms {
			name := strings.TrimPrefix(s.Name, "_")
			if !strings.HasPrefix(name, "sockspec_") || s.Sect == 0 || int(s.Sect) > len(f.Sections) {
				continue
			}
			sec := f.Sections[s.Sect-1]
			data, err := sec.Data()
			if err != nil {
				return nil, err
			}
			off := s.Value - sec.Addr
			size := uint64(8)
			if strings.HasPrefix(name, "sockspec_n_") {
				size = 1
			}
			if off+size > uint64(len(data)) {
				return nil, fmt.Errorf("symbol %s outside its section", name)
			}
			syms = append(syms, sym{name, data[off : off+size]})
		}
	} else {
		return nil, fmt.Errorf("%s: not an ELF, PE or Mach-O object", path)
	}

	out := map[int]ProbeResult{}
	for _, s := range syms {
		var idx int
		switch {
		case strings.HasPrefix(s.name, "sockspec_v_"):
			idx, _ = strconv.Atoi(strings.TrimPrefix(s.name, "sockspec_v_"))
			if len(s.data) < 8 {
				return nil, fmt.Errorf("symbol %s: %d bytes", s.name, len(s.data))
			}
			r := out[idx]
			r.Value = int64(order.Uint64(s.data[:8]))
			out[idx] = r
		case strings.HasPrefix(s.name, "sockspec_n_"):
			idx, _ = strconv.Atoi(strings.TrimPrefix(s.name, "sockspec_n_"))
			r := out[idx]
			r.Negative = len(s.data) > 0 && s.data[0] != 0
			out[idx] = r
		}
	}
	if len(out) != n {
		keys := make([]int, 0, len(out))
		for k := range out {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		return nil, fmt.Errorf("found %d of %d probe values", len(out), n)
	}
	return out, nil
}
