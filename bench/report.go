//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// syscallCount is the number of system calls per operation of one side,
// by name, from the difference between two strace -f -c runs of different
// lengths (so that start-up, warm-up and exit cancel out).
type syscallCount struct {
	client, server map[string]float64
}

func total(m map[string]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

// straceRun runs one client/server pair under strace -f -c (same core) for
// ops operations and returns the per-syscall counts of each side.
func straceRun(impl, w string, ops int) (client, server map[string]int, err error) {
	sf := filepath.Join(dir, "strace.server")
	cf := filepath.Join(dir, "strace.client")
	os.Remove(sf)
	os.Remove(cf)
	srv := start(append([]string{"strace", "-f", "-c", "-o", sf}, command(impl, "0", w, "server")...), false)
	port, err := srv.expect("PORT", 20*time.Second)
	if err != nil {
		srv.kill()
		return nil, nil, err
	}
	cl := start(append([]string{"strace", "-f", "-c", "-o", cf}, command(impl, "0", w, "client", port[0], "600000", strconv.Itoa(ops))...), false)
	_, err = cl.expect("RESULT", 60*time.Second)
	cl.finish(20 * time.Second)
	srv.finish(20 * time.Second)
	if err != nil {
		return nil, nil, err
	}
	if client, err = parseStrace(cf); err != nil {
		return nil, nil, err
	}
	server, err = parseStrace(sf)
	return client, server, err
}

// parseStrace reads strace -c's table: calls (4th column) by syscall name.
func parseStrace(path string) (map[string]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]int{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 5 || f[len(f)-1] == "total" {
			continue
		}
		if _, err := strconv.ParseFloat(f[0], 64); err != nil {
			continue
		}
		n, err := strconv.Atoi(f[3])
		if err != nil {
			continue
		}
		m[f[len(f)-1]] += n
	}
	return m, nil
}

func countSyscalls() map[key]syscallCount {
	const short, long = 2000, 12000
	res := map[key]syscallCount{}
	for _, w := range workloads {
		if w != "udp" && w != "tcp" {
			continue
		}
		for _, impl := range impls {
			c1, s1, err1 := straceRun(impl, w, short)
			c2, s2, err2 := straceRun(impl, w, long)
			if err1 != nil || err2 != nil {
				notes = append(notes, fmt.Sprintf("strace %s %s: %v %v", implName[impl], w, err1, err2))
				continue
			}
			diff := func(a, b map[string]int) map[string]float64 {
				d := map[string]float64{}
				for name, n := range b {
					if v := float64(n-a[name]) / (long - short); v > 0.005 {
						d[name] = v
					}
				}
				return d
			}
			res[key{w, "same core", impl}] = syscallCount{diff(c1, c2), diff(s1, s2)}
		}
	}
	return res
}

func breakdown(m map[string]float64) string {
	type kv struct {
		k string
		v float64
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v || l[i].v == l[j].v && l[i].k < l[j].k })
	var parts []string
	for i, e := range l {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.2f", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}

func ratio(v float64, k key) string {
	c, ok := results[k]
	if !ok || len(c) == 0 {
		return "   -  "
	}
	m, _, _ := median(c)
	return fmt.Sprintf("%5.2f×", v/m)
}

func report(sc map[key]syscallCount) {
	for _, w := range workloads {
		if w == "blocked" {
			reportBlocked()
			continue
		}
		fmt.Printf("%s (median [min–max] of %d; ×C, ×Go net)\n", workloadTitle[w], *reps)
		fmt.Printf("  %-9s", "")
		for _, pl := range placements {
			fmt.Printf(" | %-34s", pl.name)
		}
		fmt.Println()
		for _, impl := range impls {
			fmt.Printf("  %-9s", implName[impl])
			for _, pl := range placements {
				v := results[key{w, pl.name, impl}]
				if len(v) == 0 {
					fmt.Printf(" | %-34s", "failed")
					continue
				}
				m, lo, hi := median(v)
				cell := fmt.Sprintf("%s [%s–%s] %s %s", si(m), si(lo), si(hi),
					strings.TrimSpace(ratio(m, key{w, pl.name, "c"})), strings.TrimSpace(ratio(m, key{w, pl.name, "net"})))
				fmt.Printf(" | %-34s", cell)
			}
			fmt.Println()
		}
		if sc != nil && (w == "udp" || w == "tcp") {
			fmt.Printf("  syscalls per round trip (strace -f -c, same core, 10000 round trips; client + server = both sides):\n")
			for _, impl := range impls {
				c, ok := sc[key{w, "same core", impl}]
				if !ok {
					continue
				}
				fmt.Printf("    %-9s %4.2f + %4.2f = %5.2f   client: %s\n", implName[impl], total(c.client), total(c.server), total(c.client)+total(c.server), breakdown(c.client))
			}
		}
		var al []string
		for _, impl := range []string{"net", "sockspec"} {
			var v []float64
			for _, pl := range placements {
				v = append(v, allocs[key{w, pl.name, impl}]...)
			}
			if len(v) > 0 {
				m, lo, hi := median(v)
				al = append(al, fmt.Sprintf("%s %.2f [%.2f–%.2f]", implName[impl], m, lo, hi))
			}
		}
		if len(al) > 0 {
			fmt.Printf("  client heap allocations per op (all runs): %s\n", strings.Join(al, ", "))
		}
		fmt.Println()
	}
}

func reportBlocked() {
	fmt.Printf("%d connections, one reader blocked in recv on each (CPython: %d threads); median [min–max] of %d\n", *nconn, *pyConns, *reps)
	fmt.Printf("  threads and RSS once all are blocked; wake = first byte sent → last reader returned; ×Go net\n")
	for _, pl := range placements {
		fmt.Printf("  %s (reader process on %s, writer on %s)\n", pl.name, or(pl.server, "any CPU"), or(pl.client, "any CPU"))
		nk := key{"blocked", pl.name, "net"}
		var netRSS, netWake float64
		if v := blocked[nk]; len(v) > 0 {
			netRSS, _, _ = median(field(v, func(r blockedResult) float64 { return float64(r.rssKB) }))
			netWake, _, _ = median(field(v, func(r blockedResult) float64 { return r.wakeMS }))
		}
		for _, impl := range impls {
			v := blocked[key{"blocked", pl.name, impl}]
			if len(v) == 0 {
				fmt.Printf("    %-9s failed\n", implName[impl])
				continue
			}
			th, thlo, thhi := median(field(v, func(r blockedResult) float64 { return float64(r.threads) }))
			rss, rlo, rhi := median(field(v, func(r blockedResult) float64 { return float64(r.rssKB) / 1024 }))
			wk, wlo, whi := median(field(v, func(r blockedResult) float64 { return r.wakeMS }))
			rr, wr := "", ""
			if netRSS > 0 {
				rr = fmt.Sprintf("%.2f×", rss*1024/netRSS)
				wr = fmt.Sprintf("%.2f×", wk/netWake)
			}
			fmt.Printf("    %-9s threads %5.0f [%.0f–%.0f]   RSS %6.1f MB [%.1f–%.1f] %-6s   wake %7.1f ms [%.1f–%.1f] %s\n",
				implName[impl], th, thlo, thhi, rss, rlo, rhi, rr, wk, wlo, whi, wr)
		}
	}
	fmt.Println()
}

func field(v []blockedResult, f func(blockedResult) float64) []float64 {
	out := make([]float64, len(v))
	for i, r := range v {
		out[i] = f(r)
	}
	return out
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return "CPU " + s
}
