//go:build linux

// Command bench compares sockspec with Go's net package, C (raw blocking
// system calls, gcc -O2) and CPython's socket module on loopback, in one
// interleaved run:
//
//	go run ./bench            # the full run (about 4 minutes)
//	go run ./bench -quick     # one repetition, short runs (a smoke test)
//
// Workloads: UDP ping-pong (64 B), TCP ping-pong (64 B), TCP stream (64 KiB
// writes), and N connections with one blocked reader each (threads, RSS, and
// the time to wake them all with one byte each). Placements: client and
// server on the same core (taskset -c 0 for both), on two cores (-c 0 and
// -c 1), and unpinned. Each process keeps its language's defaults (Go:
// GOMAXPROCS = the CPUs it may use, so 1 under taskset -c 0). Syscalls per
// round trip come from separate short runs under strace -f -c. See
// bench/README.md for how to read the output.
package main

import (
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

//go:embed peers/peer_c.c
var peerC []byte

//go:embed peers/peer.py
var peerPy []byte

var (
	quick   = flag.Bool("quick", false, "one repetition of short runs")
	reps    = flag.Int("reps", 3, "repetitions (interleaved)")
	runMS   = flag.Int("ms", 400, "duration of one measured run (ms)")
	nconn   = flag.Int("n", 10000, "connections in the blocked-readers workload")
	pyConns = flag.Int("pyn", 2000, "connections for CPython's blocked readers (threads; 10,000 take minutes to wake unpinned)")
	noTrace = flag.Bool("nostrace", false, "skip the strace syscall counts")
	onlyImp = flag.String("impls", "", "comma-separated subset of c,python,net,sockspec (default all)")
	onlyW   = flag.String("workloads", "", "comma-separated subset of udp,tcp,stream,blocked (default all)")
	onlyPl  = flag.String("placements", "", "comma-separated subset of same,split,unpinned (default all)")
)

// keep narrows list to the comma-separated names in sel (all when sel is
// empty); name maps an element to the name used on the command line.
func keep[T any](list []T, sel string, name func(T) string) []T {
	if sel == "" {
		return list
	}
	want := map[string]bool{}
	for _, s := range strings.Split(sel, ",") {
		want[strings.TrimSpace(s)] = true
	}
	var out []T
	for _, e := range list {
		if want[name(e)] {
			out = append(out, e)
			delete(want, name(e))
		}
	}
	for s := range want {
		fatal(fmt.Errorf("unknown name %q in a selection flag", s))
	}
	return out
}

var impls = []string{"c", "python", "net", "sockspec"}

var implName = map[string]string{"c": "C", "python": "CPython", "net": "Go net", "sockspec": "sockspec"}

type placement struct{ name, server, client string } // taskset CPU lists, "" = unpinned

var placements = []placement{
	{"same core", "0", "0"},
	{"split cores", "0", "1"},
	{"unpinned", "", ""},
}

var workloads = []string{"udp", "tcp", "stream", "blocked"}

var workloadTitle = map[string]string{
	"udp":     "UDP ping-pong, 64 B — round trips/s",
	"tcp":     "TCP ping-pong, 64 B — round trips/s",
	"stream":  "TCP stream, 64 KiB writes — MB/s",
	"blocked": "blocked readers — time to wake all (ms, lower is better)",
}

type key struct{ w, place, impl string }

type blockedResult struct {
	threads, rssKB int
	wakeMS         float64
}

var (
	dir     string // temp dir with the built peers
	selfExe string
	results = map[key][]float64{}
	allocs  = map[key][]float64{}
	blocked = map[key][]blockedResult{}
	notes   []string
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "peer" {
		peerMain(os.Args[2:])
		return
	}
	flag.Parse()
	if *quick {
		*reps, *runMS = 1, 150
		*nconn = min(*nconn, 2000)
		*pyConns = min(*pyConns, 2000)
	}
	*pyConns = min(*pyConns, *nconn)
	id := func(s string) string { return s }
	impls = keep(impls, *onlyImp, id)
	workloads = keep(workloads, *onlyW, id)
	placements = keep(placements, *onlyPl, func(p placement) string { return strings.Fields(p.name)[0] })
	start := time.Now()
	setup()
	defer os.RemoveAll(dir)
	fmt.Printf("sockspec bench — %s\n", time.Now().Format(time.RFC3339))
	fmt.Printf("host: %d CPUs, %s; %s; %s; %s\n", runtime.NumCPU(), kernel(), runtime.Version(), toolVersion("python3", "--version"), toolVersion("gcc", "--version"))
	fmt.Printf("load at start: %s\n", loadavg())
	fmt.Printf("runs: %d repetitions, interleaved; %d ms per run; %d connections (CPython: %d)\n\n", *reps, *runMS, *nconn, *pyConns)

	for rep := 0; rep < *reps; rep++ {
		for wi, w := range workloads {
			for pi, pl := range placements {
				// rotate the implementation order from run to run
				for k := range impls {
					impl := impls[(k+rep+wi+pi)%len(impls)]
					if w == "blocked" {
						runBlocked(impl, pl)
					} else {
						runPair(impl, w, pl)
					}
				}
			}
		}
		fmt.Fprintf(os.Stderr, "repetition %d done (%v)\n", rep+1, time.Since(start).Round(time.Second))
	}
	var sc map[key]syscallCount
	if !*noTrace {
		sc = countSyscalls()
	}
	report(sc)
	fmt.Printf("\nload at end: %s; total time %v\n", loadavg(), time.Since(start).Round(time.Second))
	for _, n := range notes {
		fmt.Println("note:", n)
	}
}

func setup() {
	var err error
	if selfExe, err = os.Executable(); err != nil {
		fatal(err)
	}
	if dir, err = os.MkdirTemp("", "sockspec-bench"); err != nil {
		fatal(err)
	}
	for _, tool := range []string{"gcc", "python3", "taskset"} {
		if _, err := exec.LookPath(tool); err != nil {
			fatal(fmt.Errorf("%s is needed", tool))
		}
	}
	if _, err := exec.LookPath("strace"); err != nil && !*noTrace {
		fmt.Fprintln(os.Stderr, "installing strace (apt-get)")
		cmd := exec.Command("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "strace")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if cmd.Run() != nil {
			notes = append(notes, "strace missing and not installable: no syscall counts")
			*noTrace = true
		}
	}
	check(os.WriteFile(filepath.Join(dir, "peer_c.c"), peerC, 0o644))
	check(os.WriteFile(filepath.Join(dir, "peer.py"), peerPy, 0o644))
	out, err := exec.Command("gcc", "-O2", "-pthread", "-o", filepath.Join(dir, "peer_c"), filepath.Join(dir, "peer_c.c")).CombinedOutput()
	if err != nil {
		fatal(fmt.Errorf("gcc: %v\n%s", err, out))
	}
	// A reader process needs one descriptor per connection (and a few).
	// Lift the soft limit to the hard one (and the hard one when we may);
	// if that is still too low, every implementation gets the same
	// smaller N.
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil {
		want := uint64(*nconn + 200)
		if rl.Max < want {
			nl := syscall.Rlimit{Cur: want, Max: want}
			if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &nl) == nil {
				rl = nl
			}
		}
		rl.Cur = rl.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
		if rl.Max < want {
			n := int(rl.Max - 200)
			notes = append(notes, fmt.Sprintf("RLIMIT_NOFILE is %d and cannot be raised here: %d connections instead of %d for every implementation", rl.Max, n, *nconn))
			*nconn = n
			*pyConns = min(*pyConns, n)
		}
	}
}

// command returns the argv of impl's peer, pinned to cpus ("" = unpinned).
func command(impl, cpus string, args ...string) []string {
	var argv []string
	if cpus != "" {
		argv = []string{"taskset", "-c", cpus}
	}
	switch impl {
	case "c":
		argv = append(argv, filepath.Join(dir, "peer_c"))
	case "python":
		argv = append(argv, "python3", filepath.Join(dir, "peer.py"))
	default:
		argv = append(argv, selfExe, "peer", impl)
	}
	return append(argv, args...)
}

type proc struct {
	cmd   *exec.Cmd
	out   <-chan string
	stdin io.WriteCloser
	err   bytes.Buffer
}

func start(argv []string, wantStdin bool) *proc {
	p := &proc{cmd: exec.Command(argv[0], argv[1:]...)}
	p.cmd.Stderr = &p.err
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if wantStdin {
		w, err := p.cmd.StdinPipe()
		check(err)
		p.stdin = w
	}
	r, err := p.cmd.StdoutPipe()
	check(err)
	check(p.cmd.Start())
	p.out = lines(r)
	return p
}

// expect waits (bounded) for a line starting with prefix and returns its
// fields after the prefix.
func (p *proc) expect(prefix string, timeout time.Duration) ([]string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case l, ok := <-p.out:
			if !ok {
				return nil, fmt.Errorf("%s: exited before %q: %s", p.cmd.Args, prefix, strings.TrimSpace(p.err.String()))
			}
			if l == prefix || strings.HasPrefix(l, prefix+" ") {
				return strings.Fields(l)[1:], nil
			}
		case <-t.C:
			return nil, fmt.Errorf("%s: no %q within %v", p.cmd.Args, prefix, timeout)
		}
	}
}

// finish waits for the process, killing it (and its group) after timeout.
func (p *proc) finish(timeout time.Duration) {
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

func (p *proc) kill() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.finish(5 * time.Second)
}

func runPair(impl, w string, pl placement) {
	srv := start(command(impl, pl.server, w, "server"), false)
	port, err := srv.expect("PORT", 10*time.Second)
	if err != nil {
		srv.kill()
		fail(impl, w, pl, err)
		return
	}
	cl := start(command(impl, pl.client, w, "client", port[0], strconv.Itoa(*runMS), "100000000"), false)
	res, err := cl.expect("RESULT", time.Duration(*runMS)*time.Millisecond+30*time.Second)
	var al []string
	if err == nil && (impl == "net" || impl == "sockspec") {
		al, _ = cl.expect("ALLOCS", 5*time.Second)
	}
	cl.finish(10 * time.Second)
	srv.finish(10 * time.Second)
	if err != nil {
		fail(impl, w, pl, err)
		return
	}
	ops, _ := strconv.ParseFloat(res[0], 64)
	secs, _ := strconv.ParseFloat(res[1], 64)
	v := ops / secs
	if w == "stream" {
		v = ops * 65536 / secs / 1e6
	}
	k := key{w, pl.name, impl}
	results[k] = append(results[k], v)
	if len(al) > 0 {
		a, _ := strconv.ParseFloat(al[0], 64)
		allocs[k] = append(allocs[k], a)
	}
}

func runBlocked(impl string, pl placement) {
	n := *nconn
	if impl == "python" {
		n = *pyConns
	}
	srv := start(command(impl, pl.server, "blocked", "server", strconv.Itoa(n)), false)
	port, err := srv.expect("PORT", 10*time.Second)
	if err != nil {
		srv.kill()
		fail(impl, "blocked", pl, err)
		return
	}
	drv := start(command("c", pl.client, "blocked", "driver", port[0], strconv.Itoa(n)), true)
	defer drv.kill()
	defer srv.kill()
	if _, err := drv.expect("CONNECTED", 60*time.Second); err != nil {
		fail(impl, "blocked", pl, err)
		return
	}
	ready, err := srv.expect("READY", 60*time.Second)
	if err != nil {
		fail(impl, "blocked", pl, err)
		return
	}
	fmt.Fprintln(drv.stdin, "go")
	t0, err := drv.expect("T0", 30*time.Second)
	if err != nil {
		fail(impl, "blocked", pl, err)
		return
	}
	t1, err := srv.expect("WOKEN", 60*time.Second)
	if err != nil {
		fail(impl, "blocked", pl, err)
		return
	}
	th, _ := strconv.Atoi(ready[0])
	rss, _ := strconv.Atoi(ready[1])
	a, _ := strconv.ParseInt(t0[0], 10, 64)
	b, _ := strconv.ParseInt(t1[0], 10, 64)
	k := key{"blocked", pl.name, impl}
	blocked[k] = append(blocked[k], blockedResult{th, rss, float64(b-a) / 1e6})
	drv.stdin.Close()
	srv.finish(30 * time.Second)
	drv.finish(10 * time.Second)
}

func fail(impl, w string, pl placement, err error) {
	msg := fmt.Sprintf("%s %s %s: %v", implName[impl], w, pl.name, err)
	fmt.Fprintln(os.Stderr, "FAILED:", msg)
	notes = append(notes, "failed run: "+msg)
}

func median(v []float64) (med, lo, hi float64) {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1]
}

func si(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func kernel() string {
	var u syscall.Utsname
	syscall.Uname(&u)
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return "linux " + string(b)
}

func toolVersion(tool, arg string) string {
	out, err := exec.Command(tool, arg).Output()
	if err != nil {
		return tool + " ?"
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
