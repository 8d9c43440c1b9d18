package main

import (
	"fmt"
	"go/constant"
	"go/types"
	"os"

	"golang.org/x/tools/go/packages"
)

// XSys holds the integer constants of golang.org/x/sys/unix (or /windows)
// for one GOOS/GOARCH, read by type-checking the module's source: nothing is
// compiled for or run on the target.
type XSys struct {
	Module  string // "golang.org/x/sys v0.49.0"
	Package string // "golang.org/x/sys/unix" or "golang.org/x/sys/windows"
	Consts  map[string]ProbeResult
	Types   *types.Package
	Sizes   types.Sizes
}

// LoadXSys type-checks golang.org/x/sys/{unix,windows} for a target.
func LoadXSys(goos, goarch string) (*XSys, error) {
	path := "golang.org/x/sys/unix"
	if goos == "windows" {
		path = "golang.org/x/sys/windows"
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule,
		Env:  append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0"),
	}
	pkgs, err := packages.Load(cfg, path)
	if err != nil {
		return nil, fmt.Errorf("loading %s for %s/%s: %v", path, goos, goarch, err)
	}
	if len(pkgs) != 1 || pkgs[0].Types == nil {
		return nil, fmt.Errorf("loading %s for %s/%s: no package", path, goos, goarch)
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		return nil, fmt.Errorf("loading %s for %s/%s: %v", path, goos, goarch, p.Errors[0])
	}
	xs := &XSys{Module: "golang.org/x/sys", Package: path, Consts: map[string]ProbeResult{}}
	if p.Module != nil {
		xs.Module = p.Module.Path + " " + p.Module.Version
	}
	xs.Types = p.Types
	xs.Sizes = types.SizesFor("gc", goarch)
	if xs.Sizes == nil {
		return nil, fmt.Errorf("no type sizes for GOARCH %s", goarch)
	}
	scope := p.Types.Scope()
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || !c.Exported() || c.Val().Kind() != constant.Int {
			continue
		}
		if v, exact := constant.Int64Val(c.Val()); exact {
			xs.Consts[name] = ProbeResult{Value: v, Negative: v < 0}
		} else if u, exact := constant.Uint64Val(c.Val()); exact {
			xs.Consts[name] = ProbeResult{Value: int64(u)}
		}
	}
	return xs, nil
}
