package audit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHTMLInChromium renders the page in headless Chromium: the script must
// run to the end (data-ready="1", rows rendered), write no error into
// #js-errors and log no uncaught error; a screenshot is left in the temp dir
// (kept with AUDIT_SCREENSHOT=path).
func TestHTMLInChromium(t *testing.T) {
	var bin string
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			bin = p
			break
		}
	}
	code, page, errs := run(t, "-spec", specDir, "-format", "html")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, bad := range []string{"<link", "src=\"http", "href=\"http", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("page is not self-contained: has %q", bad)
		}
	}
	if bin == "" {
		t.Skip("chromium not installed (apt-get install chromium); the page was generated but not rendered")
	}
	dir := t.TempDir()
	htmlPath := filepath.Join(dir, "audit.html")
	if err := os.WriteFile(htmlPath, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	chrome := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile"),
			"--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"}, extra...)
		args = append(args, "file://"+htmlPath)
		cmd := exec.CommandContext(ctx, bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, errb.String())
		}
		return out.String(), errb.String()
	}
	dom, logs := chrome("--dump-dom")
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Errorf("script did not finish (no data-ready on body); console:\n%s", consoleLines(logs))
	}
	if m := regexp.MustCompile(`data-rows="(\d+)"`).FindStringSubmatch(dom); m == nil || m[1] == "0" {
		t.Errorf("matrix rendered no rows (%v)", m)
	}
	if m := regexp.MustCompile(`(?s)<pre id="js-errors"[^>]*>(.*?)</pre>`).FindStringSubmatch(dom); m == nil || strings.TrimSpace(m[1]) != "" {
		t.Errorf("page reported script errors: %v", m)
	}
	if c := consoleLines(logs); strings.Contains(c, "Uncaught") || strings.Contains(c, "ERROR:CONSOLE") {
		t.Errorf("console errors:\n%s", c)
	}
	shot := filepath.Join(dir, "audit.png")
	chrome("--screenshot="+shot, "--window-size=1400,1800", "--hide-scrollbars")
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10000 {
		t.Errorf("screenshot %s: %v (size %d)", shot, err, st.Size())
	}
	if keep := os.Getenv("AUDIT_SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(keep, b, 0o644)
	}
}

func consoleLines(logs string) string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "CONSOLE") || strings.Contains(l, "Uncaught") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
