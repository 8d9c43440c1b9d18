//go:build unix

package socket

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
)

func TestIfNameIndex(t *testing.T) {
	ifs, err := IfNameIndex()
	if err != nil || len(ifs) == 0 {
		t.Fatalf("IfNameIndex = %v, %v", ifs, err)
	}
	for _, ifc := range ifs {
		idx, err := IfNameToIndex(ifc.Name)
		if err != nil || idx != ifc.Index {
			t.Errorf("IfNameToIndex(%q) = %d, %v; want %d", ifc.Name, idx, err, ifc.Index)
		}
		name, err := IfIndexToName(ifc.Index)
		if err != nil || name != ifc.Name {
			t.Errorf("IfIndexToName(%d) = %q, %v", ifc.Index, name, err)
		}
	}
	var oe *OSError
	if _, err := IfNameToIndex("nope"); !errors.As(err, &oe) || oe.Msg != "no interface with this name" || oe.Errno != 0 {
		t.Errorf("IfNameToIndex(nope): %v", err)
	}
	if _, err := IfIndexToName(0); !errors.Is(err, syscall.ENXIO) {
		t.Errorf("IfIndexToName(0): %v", err)
	}
	var ov *OverflowError
	if _, err := IfIndexToName(-1); !errors.As(err, &ov) {
		t.Errorf("IfIndexToName(-1): %v", err)
	}
}

// The sethostname tests run in a child process in new namespaces only
// (unshare): this machine's hostname is never changed.
const hostnameHelperEnv = "SOCKSPEC_HOSTNAME_HELPER"

func TestHostnameHelper(t *testing.T) {
	mode := os.Getenv(hostnameHelperEnv)
	if mode == "" {
		t.Skip("helper for TestSetHostname")
	}
	parentUTS := os.Getenv(hostnameHelperEnv + "_UTS")
	myUTS, err := os.Readlink("/proc/self/ns/uts")
	if err != nil || myUTS == parentUTS {
		t.Fatalf("refusing: not in a new UTS namespace (%q, %v)", myUTS, err)
	}
	err = SetHostname("sockspec-test")
	switch mode {
	case "uts": // root in a new UTS namespace: allowed
		if err != nil {
			t.Fatalf("SetHostname: %v", err)
		}
		if h, err := GetHostname(); err != nil || h != "sockspec-test" {
			t.Fatalf("GetHostname = %q, %v", h, err)
		}
		var oe *OSError
		if err := SetHostname("x0123456789012345678901234567890123456789012345678901234567890123456789"); !errors.As(err, &oe) || !errors.Is(err, syscall.EINVAL) {
			t.Fatalf("too long a name: %v", err)
		}
	case "user": // a new user namespace does not own the UTS namespace
		if !errors.Is(err, syscall.EPERM) {
			t.Fatalf("SetHostname without privilege: %v, want EPERM", err)
		}
	}
}

func TestSetHostname(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses unshare(1)")
	}
	if h, err := GetHostname(); err != nil || h == "" {
		t.Fatalf("GetHostname = %q, %v", h, err)
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare not found")
	}
	uts, err := os.Readlink("/proc/self/ns/uts")
	if err != nil {
		t.Skip(err)
	}
	setpriv, _ := exec.LookPath("setpriv")
	for _, mode := range []string{"uts", "user"} {
		// "uts": root in a new UTS namespace may set the name. "user": the
		// same, as an unprivileged user: EPERM.
		args := []string{"-u", "--"}
		if mode == "user" {
			if setpriv == "" || os.Geteuid() != 0 {
				t.Log("user: needs root and setpriv; skipped")
				continue
			}
			args = append(args, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all")
		}
		self, err := selfExec()
		if err != nil {
			t.Skip(err)
		}
		args = append(args, self...)
		args = append(args, "-test.run=^TestHostnameHelper$", "-test.count=1")
		cmd := exec.Command(unshare, args...)
		cmd.Env = append(os.Environ(), hostnameHelperEnv+"="+mode, hostnameHelperEnv+"_UTS="+uts)
		out, err := cmd.CombinedOutput()
		if err != nil {
			if !containsHelperResult(out) {
				t.Logf("%s: could not run the helper (skipped): %v\n%s", mode, err, out)
				continue
			}
			t.Errorf("%s: %v\n%s", mode, err, out)
		}
	}
}

func containsHelperResult(out []byte) bool {
	s := string(out)
	return len(s) > 0 && (contains(s, "--- FAIL") || contains(s, "PASS"))
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
