// Command factshelper emits type-aware source facts about Go packages as JSON, for goalloc.
//
// It uses only the standard library: go/parser and go/types check the target packages, and
// the types of their dependencies come from the export data that `go list -export -deps`
// names. One run covers every package the patterns match.
//
// Usage:
//
//	factshelper -go GO -C DIR -root ROOT -goarch ARCH [-buildflags FLAGS] [--] [patterns...]
//
// The output is one JSON document (type Output); its schema, versioned by factsVersion, is
// documented in goalloc's docs/rules.md ("The facts JSON"). Each fact family (loops,
// appends, variables, map operations, ...) is defined and collected in a file of its own.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// options are the command line: which go command to ask, where, and for which packages.
type options struct {
	goCmd      string
	dir        string // where go list runs
	root       string // file names are relative to it
	goarch     string // target GOARCH for sizes
	buildFlags string // space-separated flags for go list
	patterns   []string
}

func main() {
	out, err := run(parseFlags())
	if err != nil {
		fatal(err.Error())
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fatal(err.Error())
	}
}

func parseFlags() options {
	var opts options
	flag.StringVar(&opts.goCmd, "go", "go", "go command")
	flag.StringVar(&opts.dir, "C", ".", "directory to run go list in")
	flag.StringVar(&opts.root, "root", "", "make file names relative to this directory")
	flag.StringVar(&opts.goarch, "goarch", runtime.GOARCH, "target GOARCH for sizes")
	flag.StringVar(&opts.buildFlags, "buildflags", "", "space-separated build flags for go list "+
		"(the same -gcflags and -tags as a build that ran before make its export data cache hits)")
	flag.Parse()
	opts.patterns = flag.Args()
	if len(opts.patterns) == 0 {
		opts.patterns = []string{"./..."}
	}
	if opts.root == "" {
		opts.root = opts.dir
	}
	return opts
}

// run lists the packages, checks every target package and returns their facts. An error
// means no facts at all (go list failed, an unknown GOARCH); a package that does not
// type-check is reported in its own Errors instead.
func run(opts options) (*Output, error) {
	absRoot, _ := filepath.Abs(opts.root)
	pkgs, stderr, err := goList(opts)
	if err != nil {
		return nil, err
	}
	exports, targets := splitTargets(pkgs)
	out := &Output{FactsVersion: factsVersion, GoVersion: runtime.Version(), Goarch: opts.goarch,
		Root: absRoot, Errors: []string{}}
	if s := strings.TrimSpace(stderr); s != "" && len(targets) == 0 {
		out.Errors = append(out.Errors, firstLine(s))
	}
	sizes := types.SizesFor("gc", opts.goarch)
	if sizes == nil {
		return nil, fmt.Errorf("unknown GOARCH %s", opts.goarch)
	}
	out.Packages = checkAll(targets, exports, sizes, absRoot)
	return out, nil
}

// splitTargets separates the packages the patterns name from their dependencies, and maps
// every import path to its export data file.
func splitTargets(pkgs []*listedPackage) (exports map[string]string, targets []*listedPackage) {
	exports = map[string]string{}
	for _, p := range pkgs {
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
		if !p.DepOnly {
			targets = append(targets, p)
		}
	}
	return exports, targets
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "factshelper: "+msg)
	os.Exit(1)
}
