package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func needCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const tinyFamilies = `header_sets:
  linux:
    sa:
      includes: [sys/socket.h, netinet/in.h]
layouts:
  - name: SockaddrInet4
    struct: struct sockaddr_in
    doc: AF_INET address
    codec: true
    os: {linux: sa}
    fields:
      - {c: sin_family, go: Family, kind: u16}
      - {c: sin_port, go: Port, kind: be16}
      - {c: sin_addr, go: Addr, kind: bytes}
`

const tinyConstants = `header_sets:
  linux:
    libc:
      includes: [sys/socket.h, netinet/in.h]
groups:
  - group: AF
    type: AddressFamily
    doc: address families.
    prefixes: [AF_]
    os:
      linux: {headers: [libc]}
  - group: SHUT
    doc: shutdown.
    os:
      linux: {headers: [libc], names: [SHUT_RD, SHUT_WR]}
`

func runGen(t *testing.T, specDir string, extra ...string) (out string, code int, outDir string) {
	t.Helper()
	outDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	args := append([]string{"-spec", specDir, "-out", outDir, "-records", outDir, "-target", "linux/amd64", "-cc", "gcc", "-no-xsys"}, extra...)
	code = genMain(args, &stdout, &stderr)
	return stdout.String() + stderr.String(), code, outDir
}

func TestGenTinySpec(t *testing.T) {
	needCC(t)
	dir := writeFiles(t, map[string]string{"constants.yaml": tinyConstants, "families.yaml": tinyFamilies})
	out, code, outDir := runGen(t, dir)
	if code != 0 {
		t.Fatalf("gen failed (%d): %s", code, out)
	}
	src, err := os.ReadFile(filepath.Join(outDir, "zsocket_linux_amd64.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Code generated", "DO NOT EDIT.", "AF_INET AddressFamily = 2", "SHUT_WR = 1", `func \(r \*rawSockaddrInet4\) marshal`, `sizeofSockaddrInet4\s+= 16`} {
		if !regexp.MustCompile(want).MatchString(string(src)) {
			t.Errorf("generated file lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(outDir, "linux_amd64.json")); err != nil {
		t.Errorf("no scrape record: %v", err)
	}
}

// A name no header defines must stop generation with file, line and name,
// and leave no output at all.
func TestGenUndefinedNameFails(t *testing.T) {
	needCC(t)
	bad := strings.Replace(tinyConstants, "names: [SHUT_RD, SHUT_WR]", "names: [SHUT_RD, SHUT_NOT_A_THING]", 1)
	dir := writeFiles(t, map[string]string{"constants.yaml": bad, "families.yaml": tinyFamilies})
	out, code, outDir := runGen(t, dir)
	if code == 0 {
		t.Fatalf("gen accepted an undefined name: %s", out)
	}
	for _, want := range []string{"constants.yaml:15:", "SHUT_NOT_A_THING", "group SHUT"} {
		if !strings.Contains(out, want) {
			t.Errorf("error output lacks %q:\n%s", want, out)
		}
	}
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 0 {
		t.Errorf("a failed generation left files behind: %v", entries)
	}
}

func TestGenBadLayoutMemberFails(t *testing.T) {
	needCC(t)
	bad := strings.Replace(tinyFamilies, "c: sin_port", "c: sin_portx", 1)
	dir := writeFiles(t, map[string]string{"constants.yaml": tinyConstants, "families.yaml": bad})
	out, code, outDir := runGen(t, dir)
	if code == 0 || !strings.Contains(out, "families.yaml:13:") || !strings.Contains(out, "sin_portx") {
		t.Fatalf("want a failure naming families.yaml:13 and sin_portx, got %d: %s", code, out)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("a failed generation left files behind: %v", entries)
	}
}

// Bad spec input (here an unknown Go type) fails before anything is compiled.
func TestGenBadSpecFails(t *testing.T) {
	bad := strings.Replace(tinyConstants, "type: AddressFamily", "type: Fam", 1)
	dir := writeFiles(t, map[string]string{"constants.yaml": bad, "families.yaml": tinyFamilies})
	out, code, outDir := runGen(t, dir)
	if code == 0 || !strings.Contains(out, "constants.yaml:7:") || !strings.Contains(out, `"Fam"`) {
		t.Fatalf("want a failure naming constants.yaml:7 and the type, got %d: %s", code, out)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("a failed generation left files behind: %v", entries)
	}
}

func TestFlagFormatting(t *testing.T) {
	if got := literal(ProbeResult{Value: -1, Negative: true}); got != "-1" {
		t.Errorf("literal(-1) = %s", got)
	}
	if got := literal(ProbeResult{Value: -1}); got != "0xffffffffffffffff" {
		t.Errorf("literal(unsigned max) = %s", got)
	}
	if (ProbeResult{Value: -1}).Decimal() != "18446744073709551615" {
		t.Errorf("unsigned decimal wrong")
	}
}

// A codec whose fields overlap (union arms) is rejected: marshal would
// overwrite one arm with another's zeros.
func TestGenCodecUnionRejected(t *testing.T) {
	needCC(t)
	fam := `header_sets:
  linux:
    sa:
      includes: [sys/socket.h, linux/can.h]
layouts:
  - name: SockaddrCan
    struct: struct sockaddr_can
    doc: CAN address
    codec: true
    os: {linux: sa}
    fields:
      - {c: can_family, go: Family, kind: u16}
      - {c: can_ifindex, go: Ifindex, kind: u32}
      - {c: can_addr.tp.rx_id, go: RxID, kind: u32}
      - {c: can_addr.j1939.name, go: Name, kind: u64}
`
	dir := writeFiles(t, map[string]string{"constants.yaml": tinyConstants, "families.yaml": fam})
	out, code, outDir := runGen(t, dir)
	if code == 0 || !strings.Contains(out, "families.yaml:15:") || !strings.Contains(out, "share bytes") {
		t.Fatalf("want an overlap error at families.yaml:15, got %d: %s", code, out)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("a failed generation left files behind: %v", entries)
	}
}
