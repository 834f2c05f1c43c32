package main

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// maxTypeErrors is how many type errors (or cgo warnings) a package keeps.
const maxTypeErrors = 5

// checkAll checks the target packages in parallel. Each worker has its own FileSet and
// importer, so that imported packages are read once per worker, not once per package.
func checkAll(targets []*listedPackage, exports map[string]string, sizes types.Sizes, root string) []*PackageFacts {
	results := make([]*PackageFacts, len(targets))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(targets)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fset := token.NewFileSet()
			imp := exportImporter(fset, exports)
			for i := range work {
				results[i] = checkPackage(fset, imp, targets[i], sizes, root)
			}
		}()
	}
	for i := range targets {
		work <- i
	}
	close(work)
	wg.Wait()
	return results
}

// exportImporter reads imported packages from the export data go list built.
func exportImporter(fset *token.FileSet, exports map[string]string) types.Importer {
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(f)
	})
}

// mappedImporter resolves import paths through a package's ImportMap (vendoring).
type mappedImporter struct {
	imp       types.Importer
	importMap map[string]string
}

func (m mappedImporter) Import(path string) (*types.Package, error) {
	if p, ok := m.importMap[path]; ok {
		path = p
	}
	return m.imp.Import(path)
}

// checkPackage parses and type-checks one package and collects its facts. A package that
// does not parse or type-check has Errors and no facts.
func checkPackage(fset *token.FileSet, imp types.Importer, lp *listedPackage, sizes types.Sizes, root string) *PackageFacts {
	pf := newPackageFacts(lp)
	if lp.Error != nil && len(lp.GoFiles)+len(lp.CgoFiles) == 0 {
		pf.Errors = append(pf.Errors, relError(root, meaningfulLine(lp.Error.Err)))
		return pf
	}
	// A package go list could not compile is still checked here, for a precise first error.
	defer func() {
		if lp.Error != nil && len(pf.Errors) == 0 {
			pf.Errors = append(pf.Errors, relError(root, meaningfulLine(lp.Error.Err)))
		}
	}()
	files := parseFiles(fset, lp, root, pf)
	if len(pf.Errors) > 0 {
		return pf
	}
	pkg, info := typeCheck(fset, imp, lp, sizes, root, pf, files)
	if len(pf.Errors) > 0 || pkg == nil {
		return pf
	}
	a := newAnalyzer(fset, info, pkg, sizes, root, pf)
	for _, f := range files {
		a.file(f)
	}
	a.finish()
	return pf
}

// parseFiles parses the package's Go and cgo files, recording their names and syntax errors.
func parseFiles(fset *token.FileSet, lp *listedPackage, root string, pf *PackageFacts) []*ast.File {
	var files []*ast.File
	names := append(append([]string{}, lp.GoFiles...), lp.CgoFiles...)
	for _, name := range names {
		full := filepath.Join(lp.Dir, name)
		pf.Files = append(pf.Files, relFile(root, full))
		f, err := parser.ParseFile(fset, full, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			pf.Errors = append(pf.Errors, relError(root, firstLine(err.Error())))
			continue
		}
		files = append(files, f)
	}
	return files
}

// typeCheck runs go/types on the files. Type errors go to pf.Errors, or to pf.Warnings for
// a cgo package, whose C declarations go/types cannot see.
func typeCheck(fset *token.FileSet, imp types.Importer, lp *listedPackage, sizes types.Sizes, root string,
	pf *PackageFacts, files []*ast.File) (*types.Package, *types.Info) {
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Implicits:  map[ast.Node]types.Object{},
	}
	conf := types.Config{
		Importer:    mappedImporter{imp, lp.ImportMap},
		Sizes:       sizes,
		FakeImportC: true,
		Error: func(err error) {
			if len(lp.CgoFiles) > 0 {
				if len(pf.Warnings) < maxTypeErrors {
					pf.Warnings = append(pf.Warnings, relError(root, err.Error()))
				}
			} else if len(pf.Errors) < maxTypeErrors {
				pf.Errors = append(pf.Errors, relError(root, err.Error()))
			}
		},
	}
	pkg, _ := conf.Check(lp.ImportPath, fset, files, info)
	return pkg, info
}

// relFile is full relative to root, or full itself when it is outside root.
func relFile(root, full string) string {
	if rel, err := filepath.Rel(root, full); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return full
}

// relError drops root from the file name an error message starts with.
func relError(root, msg string) string {
	if strings.HasPrefix(msg, root+string(filepath.Separator)) {
		return msg[len(root)+1:]
	}
	return msg
}
