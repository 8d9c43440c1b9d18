package audit

import (
	"fmt"
	"io"
	"strings"
)

func mdEsc(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

func writeMarkdown(w io.Writer, r *Report, secs []string) error {
	fmt.Fprintf(w, "# sockspec constant audit\n\n%d constants; records `%s`; spec `%s`.\n", len(r.Constants), r.Records, r.Spec)
	if f := r.Filters; len(f.Groups)+len(f.Names)+len(f.Targets) > 0 {
		fmt.Fprintf(w, "Filters: group=%s name=%s target=%s.\n", strings.Join(f.Groups, ","), strings.Join(f.Names, ","), strings.Join(f.Targets, ","))
	}
	header := func(first ...string) {
		cells := append([]string{}, first...)
		for _, t := range r.Targets {
			l := t.Target
			if !t.HasData {
				l += " (no data)"
			}
			cells = append(cells, l)
		}
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cells, " | "), strings.Repeat("---|", len(cells)))
	}
	for _, s := range secs {
		fmt.Fprintln(w)
		switch s {
		case "targets":
			fmt.Fprintf(w, "## Targets\n\n| target | record | constants | layouts | sources |\n|---|---|---|---|---|\n")
			for _, t := range r.Targets {
				if !t.HasData {
					fmt.Fprintf(w, "| %s | no data | | | |\n", t.Target)
					continue
				}
				var src []string
				for _, x := range t.Sources {
					src = append(src, fmt.Sprintf("**%s** (%s): %s", x.ID, x.Kind, mdEsc(sourceLine(x))))
				}
				fmt.Fprintf(w, "| %s | `%s` | %d | %d | %s |\n", t.Target, t.Record, t.Constants, t.Layouts, strings.Join(src, "<br>"))
			}
			fmt.Fprintf(w, "\nMarkers: plain = C headers (SRC = header set), `*` = x/sys, `+` = stated in the spec, `-` = absent, `n/a` = no record, **!** = differs between targets.\n")
		case "groups":
			fmt.Fprintf(w, "## Coverage by group\n\n")
			var oses []string
			for _, p := range r.Parity {
				if p.List != "" {
					oses = append(oses, p.OS)
				}
			}
			first := []string{"group", "names"}
			for _, o := range oses {
				first = append(first, "CPython "+o)
			}
			// Put the CPython columns after the targets.
			cells := []string{"group", "names"}
			for _, t := range r.Targets {
				l := t.Target
				if !t.HasData {
					l += " (no data)"
				}
				cells = append(cells, l)
			}
			cells = append(cells, first[2:]...)
			fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cells, " | "), strings.Repeat("---|", len(cells)))
			for _, g := range r.Groups {
				row := []string{"**" + g.Group + "**", fmt.Sprint(g.Names)}
				for _, t := range r.Targets {
					if t.HasData {
						row = append(row, fmt.Sprint(g.Counts[t.Target]))
					} else {
						row = append(row, "n/a")
					}
				}
				for _, o := range oses {
					row = append(row, fmt.Sprint(g.CPython[o]))
				}
				fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
			}
		case "traps":
			fmt.Fprintf(w, "## Portability traps\n\n%d names whose value differs between targets (scope `arch`: between architectures of one OS).\n\n", len(r.Traps))
			if len(r.Traps) > 0 {
				header("name", "group", "scope")
				for _, t := range r.Traps {
					row := []string{"`" + t.Name + "`", t.Group, t.Scope}
					for _, c := range r.Targets {
						v, ok := t.Values[c.Target]
						switch {
						case !c.HasData:
							v = "n/a"
						case !ok:
							v = "-"
						}
						row = append(row, v)
					}
					fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
				}
			}
		case "parity":
			fmt.Fprintf(w, "## Parity with CPython\n")
			for _, p := range r.Parity {
				fmt.Fprintf(w, "\n### %s\n\n", p.OS)
				if p.List == "" {
					fmt.Fprintf(w, "No CPython name list (`spec/cpython/%s.txt`).\n", p.OS)
					continue
				}
				fmt.Fprintf(w, "List `%s` (%d names): %s\n\n", p.List, p.CPythonNames, mdEsc(p.Origin))
				if !p.HasData {
					fmt.Fprintf(w, "No record to compare.\n")
					continue
				}
				fmt.Fprintf(w, "Compared with %s. CPython exports, we lack: **%d**. We export, CPython lacks: **%d**. Values differing from CPython's list: **%d**.\n\n",
					strings.Join(p.Targets, ", "), len(p.Missing), len(p.Extra), len(p.ValueMismatches))
				mdNames(w, "We lack", p.Missing, len(p.Targets), "only missing on")
				mdNames(w, "CPython lacks", p.Extra, len(p.Targets), "only on")
				for _, m := range p.ValueMismatches {
					fmt.Fprintf(w, "- `%s` on %s: ours %s, CPython %s\n", m.Name, m.Target, m.Ours, m.CPython)
				}
			}
		case "matrix":
			fmt.Fprintf(w, "## Matrix\n\n")
			header("name", "group", "src")
			for _, row := range r.Constants {
				name := "`" + row.Name + "`"
				if row.Differs {
					name = "**!** " + name
				}
				cells := []string{name, row.Group, rowSrc(row, r.Targets)}
				for _, t := range r.Targets {
					v := "n/a"
					if t.HasData {
						v = "-"
						if c, ok := row.Values[t.Target]; ok {
							v = mdEsc(c.Value) + marker(c)
						}
					}
					cells = append(cells, strings.ReplaceAll(v, "*", "\\*"))
				}
				fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
			}
		}
	}
	if len(r.Requirements) > 0 {
		fmt.Fprintf(w, "\n## Requirements\n\n")
		for _, q := range r.Requirements {
			st := "ok"
			if !q.OK {
				st = "**FAIL**"
			}
			fmt.Fprintf(w, "- %s `%s@%s`: %s\n", st, q.Name, q.Target, mdEsc(q.Detail))
		}
	}
	return nil
}

func mdNames(w io.Writer, title string, names []ParityName, ntargets int, partial string) {
	if len(names) == 0 {
		return
	}
	byGroup := map[string][]string{}
	var order []string
	for _, n := range names {
		if _, ok := byGroup[n.Group]; !ok {
			order = append(order, n.Group)
		}
		s := "`" + n.Name + "`"
		if len(n.Targets) < ntargets {
			s += " (" + partial + " " + strings.Join(n.Targets, ", ") + ")"
		}
		byGroup[n.Group] = append(byGroup[n.Group], s)
	}
	fmt.Fprintf(w, "%s:\n\n", title)
	for _, g := range order {
		fmt.Fprintf(w, "- **%s** (%d): %s\n", g, len(byGroup[g]), strings.Join(byGroup[g], " "))
	}
	fmt.Fprintln(w)
}
