// Command factshelper emits type-aware source facts about Go packages as JSON, for goalloc.
//
// It uses only the standard library: go/parser and go/types check the target packages, and
// the types of their dependencies come from the export data that `go list -export -deps`
// names. One run covers every package the patterns match.
//
// Usage: factshelper -go GO -C DIR -root ROOT -goarch ARCH [patterns...]
//
// The output schema is documented in docs/rules.md ("The facts JSON").
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

const schemaVersion = 1

type listError struct {
	Err string
	Pos string
}

type listPkg struct {
	Dir        string
	ImportPath string
	Name       string
	Export     string
	GoFiles    []string
	CgoFiles   []string
	DepOnly    bool
	Standard   bool
	Error      *listError
	DepsErrors []*listError
	ImportMap  map[string]string
}

// ---- output types -------------------------------------------------------------------------

type Layout struct {
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Align    int64  `json:"align"`
	Pointers bool   `json:"pointers"`
}

type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

type Function struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line"`
}

type Loop struct {
	ID         int    `json:"id"`
	Function   string `json:"function"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	EndLine    int    `json:"end_line"`
	Kind       string `json:"kind"`       // "for" or "range"
	RangeOver  string `json:"range_over"` // slice, array, string, map, int, chan, func, pointer-to-array, ""
	Bound      string `json:"bound"`      // expression for the trip count, known before the loop; "" if unknown
	BoundConst *int64 `json:"bound_const"`
	BoundExact bool   `json:"bound_exact"` // false for strings (runes <= bytes)
	// The latest position (declaration or assignment of a variable the bound reads) before the
	// loop: the bound expression means the same thing anywhere after it up to the loop.
	BoundSince *Pos  `json:"bound_since"`
	Parent     int   `json:"parent"`     // enclosing loop in the same function, -1 if none
	ExitsEarly bool  `json:"exits_early"` // break, return, goto or a labeled continue of an outer loop
	Continues  []Pos `json:"continues"`   // continue statements that start this loop's next iteration
	Indent     string `json:"indent"`
	Block      string `json:"block"` // "line:col" of the innermost block around the loop
}

type Target struct {
	Kind    string `json:"kind"` // local, param, field, global, other
	Key     string `json:"key"`  // identity: "local:file:line:col", "field:pkg.T.f", "global:pkg.v"
	Name    string `json:"name"` // source text
	Type    string `json:"type"`
	DeclFn  string `json:"decl_function,omitempty"`
	DeclLoop int   `json:"decl_loop"`
}

type Append struct {
	File       string  `json:"file"`
	Line       int     `json:"line"`
	Col        int     `json:"col"`
	Function   string  `json:"function"`
	Loop       int     `json:"loop"`
	TopLevel   bool    `json:"top_level"`   // a statement directly in the loop body
	EveryIter  bool    `json:"every_iteration"` // top level and no continue before it
	Target     *Target `json:"target"`      // the slice appended to (first argument)
	Assigned   *Target `json:"assigned"`    // where the result goes (nil if not a plain assignment)
	Elements   int     `json:"elements"`    // elements appended (-1 for a spread)
	Spread     bool    `json:"spread"`
	Elem       *Layout `json:"elem"`
	SliceType  string  `json:"slice_type"`
}

type VarWrite struct {
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Kind string `json:"kind"` // decl, assign, append-self, addr, closure-write, inc
	Loop int    `json:"loop"`
	Function string `json:"function"`
}

type Var struct {
	Key       string     `json:"key"`
	Name      string     `json:"name"`
	File      string     `json:"file"`
	Line      int        `json:"line"`
	Col       int        `json:"col"`
	Function  string     `json:"function"`
	Loop      int        `json:"loop"`
	Kind      string     `json:"kind"` // slice or map
	Type      string     `json:"type"`
	TypeText  string     `json:"type_text"` // as written in the declaration, "" if not written
	DeclKind  string     `json:"decl_kind"` // var, define, param, result, range, other
	Init      string     `json:"init"`      // nil, empty-literal, literal, make, make-len, make-cap, make-hint, other, none
	InitLen   string     `json:"init_len"`
	InitCap   string     `json:"init_cap"`
	// The statement that declares only this variable: replacing it is safe.
	Stmt      *Span      `json:"stmt"`
	Writes    []VarWrite `json:"writes"`
	Captured  bool       `json:"captured"`
	Block     string     `json:"block"` // "line:col" of the innermost block around the declaration
	Elem      *Layout    `json:"elem"`
	Key_      *Layout    `json:"key_layout"`
	Value     *Layout    `json:"value_layout"`
}

type Span struct {
	Line    int `json:"line"`
	Col     int `json:"col"`
	EndLine int `json:"end_line"`
	EndCol  int `json:"end_col"`
}

type Make struct {
	File     string  `json:"file"`
	Line     int     `json:"line"`
	Col      int     `json:"col"`
	Function string  `json:"function"`
	Loop     int     `json:"loop"`
	Kind     string  `json:"kind"` // slice, map, chan
	Type     string  `json:"type"`
	Args     []string `json:"args"`
	Consts   []*int64 `json:"consts"`
	Elem     *Layout `json:"elem"`
	Key      *Layout `json:"key"`
	Value    *Layout `json:"value"`
}

type Composite struct {
	File     string  `json:"file"`
	Line     int     `json:"line"`
	Col      int     `json:"col"`
	Function string  `json:"function"`
	Loop     int     `json:"loop"`
	Kind     string  `json:"kind"` // slice, map, array, struct, other
	Type     string  `json:"type"`
	Elements int     `json:"elements"`
	Layout   *Layout `json:"layout"`
	Elem     *Layout `json:"elem"`
}

type MapOp struct {
	File      string  `json:"file"`
	Line      int     `json:"line"`
	Col       int     `json:"col"`
	Function  string  `json:"function"`
	Loop      int     `json:"loop"`
	TopLevel  bool    `json:"top_level"`
	EveryIter bool    `json:"every_iteration"`
	Op        string  `json:"op"` // insert, update, delete, clear, reassign (a field or global gets a new map)
	Target    *Target `json:"target"`
	MapType   string  `json:"map_type"`
	Key       *Layout `json:"key"`
	Value     *Layout `json:"value"`
	// delete(m, k) inside `for k := range m` over the same map: the delete-all idiom.
	DeleteAll bool `json:"delete_all"`
	// m[k] = f(m[k]): the value depends on the entry itself (grouping, counting), so keys repeat.
	ReadsSelf bool `json:"reads_self"`
}

type Conversion struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	EndLine  int    `json:"end_line"`
	EndCol   int    `json:"end_col"`
	Function string `json:"function"`
	Loop     int    `json:"loop"`
	Kind     string `json:"kind"` // string-from-bytes, bytes-from-string, string-from-runes, runes-from-string
	Context  string `json:"context"`
	Constant bool   `json:"constant"`
	Expr     string `json:"expr"`
	Cold     bool   `json:"cold"`
	Conditional bool `json:"conditional"`
}

type Boxing struct {
	File         string `json:"file"`
	Line         int    `json:"line"`
	Col          int    `json:"col"`
	EndLine      int    `json:"end_line"`
	EndCol       int    `json:"end_col"`
	Function     string `json:"function"`
	Loop         int    `json:"loop"`
	Context      string `json:"context"` // call-arg, assign, send, append, map-value, map-key, composite, return
	Callee       string `json:"callee"`
	To           string `json:"to"`
	From         string `json:"from"`
	Size         int64  `json:"size"`
	PointerShaped bool  `json:"pointer_shaped"`
	Constant     bool   `json:"constant"`
	ConstLocal   bool   `json:"const_local"`
	SmallValue   bool   `json:"small_value"` // bool, 1-byte types
	Expr         string `json:"expr"`
	BasicKind    string `json:"basic_kind"`
	Cold         bool   `json:"cold"` // on a path that leaves the loop (return, panic, break)
	// The expression is the index of the innermost loop, counting up from 0: the runtime
	// boxes integers below 256 without allocating, so the first 256 iterations cost nothing.
	LoopIndex bool `json:"loop_index"`
	Pointers  bool `json:"pointers"` // the boxed value holds pointers
	Conditional bool `json:"conditional"` // runs on some iterations only (if, case, &&, ||)
	// A struct or array literal of constants: boxed from static data, allocating nothing.
	StaticLiteral bool `json:"static_literal"`
}

type Receiver struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Type     string `json:"type"`
	Pointer  bool   `json:"pointer"`
	Size     int64  `json:"size"`
	Name     string `json:"name"`
	// The method assigns to its receiver or takes its address: the copy is part of its meaning.
	Mutated bool `json:"mutated"`
	// AST nodes in the body: small bodies are inlined at their call sites, copying nothing.
	BodyNodes int `json:"body_nodes"`
}

type RangeCopy struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Function string `json:"function"`
	Loop     int    `json:"loop"`
	Over     string `json:"over"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Value    string `json:"value"`
	RangeExpr string `json:"range_expr"`
	// The body uses the value as a whole (passes, stores, returns or captures it, takes its
	// address, calls a method on it, writes a field). When it only reads fields, the compiler
	// reads them from the element and copies nothing.
	WholeUse bool `json:"whole_use"`
}

type Capture struct {
	Name          string `json:"name"`
	Key           string `json:"key"`
	DeclLine      int    `json:"decl_line"`
	DeclCol       int    `json:"decl_col"`
	Kind          string `json:"kind"` // slice, map, other
	Type          string `json:"type"`
	Size          int64  `json:"size"`
	WrittenInside bool   `json:"written_inside"`
	WrittenAfter  bool   `json:"written_after"`
}

type Closure struct {
	File     string    `json:"file"`
	Line     int       `json:"line"`
	Col      int       `json:"col"`
	Function string    `json:"function"`
	Context  string    `json:"context"` // go, defer, call, assign, other
	Captures []Capture `json:"captures"`
}

type Ignore struct {
	File   string   `json:"file"`
	Line   int      `json:"line"`
	Rules  []string `json:"rules"`
	Reason string   `json:"reason"`
	OwnLine bool    `json:"own_line"`
}

type PackageFacts struct {
	Path        string       `json:"path"`
	Name        string       `json:"name"`
	Dir         string       `json:"dir"`
	Files       []string     `json:"files"`
	Errors      []string     `json:"errors"`
	// Type errors in packages that use cgo: go/types sees C through FakeImportC only, so
	// their errors are kept here and the facts of such packages may miss a few expressions.
	Warnings    []string     `json:"warnings"`
	Functions   []Function   `json:"functions"`
	Loops       []*Loop      `json:"loops"`
	Appends     []*Append    `json:"appends"`
	Vars        []*Var       `json:"vars"`
	Makes       []*Make      `json:"makes"`
	Composites  []*Composite `json:"composite_literals"`
	MapOps      []*MapOp     `json:"map_ops"`
	Conversions []*Conversion `json:"conversions"`
	Boxings     []*Boxing    `json:"interface_conversions"`
	Receivers   []*Receiver  `json:"receivers"`
	RangeCopies []*RangeCopy `json:"range_copies"`
	Closures    []*Closure   `json:"closures"`
	Ignores     []*Ignore    `json:"ignores"`
}

type Output struct {
	SchemaVersion int             `json:"schema_version"`
	GoVersion     string          `json:"go_version"`
	Goarch        string          `json:"goarch"`
	Root          string          `json:"root"`
	Packages      []*PackageFacts `json:"packages"`
	Errors        []string        `json:"errors"`
}

// headBuffer keeps the first limit bytes written to it and drops the rest.
type headBuffer struct {
	bytes.Buffer
	limit int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.limit - h.Len(); room > 0 {
		if len(p) > room {
			h.Buffer.Write(p[:room])
		} else {
			h.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// ---- main ---------------------------------------------------------------------------------

func main() {
	goBin := flag.String("go", "go", "go command")
	dir := flag.String("C", ".", "directory to run go list in")
	root := flag.String("root", "", "make file names relative to this directory")
	goarch := flag.String("goarch", runtime.GOARCH, "target GOARCH for sizes")
	buildFlags := flag.String("buildflags", "", "space-separated build flags for go list "+
		"(the same -gcflags and -tags as a build that ran before make its export data cache hits)")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	if *root == "" {
		*root = *dir
	}
	absRoot, _ := filepath.Abs(*root)

	args := []string{"list", "-e", "-export", "-deps",
		"-json=Dir,ImportPath,Name,Export,GoFiles,CgoFiles,DepOnly,Standard,Error,DepsErrors,ImportMap"}
	args = append(args, strings.Fields(*buildFlags)...)
	args = append(args, "--")
	args = append(args, patterns...)
	cmd := exec.Command(*goBin, args...)
	cmd.Dir = *dir
	// With -gcflags=-m the compiler's diagnostics are replayed on stderr (68 MB for go/types):
	// keep only the start, where go list's own errors are.
	stderr := &headBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		fatal("go list failed: " + firstLine(msg))
	}
	var pkgs []*listPkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := new(listPkg)
		if err := dec.Decode(p); err != nil {
			fatal("cannot read go list output: " + err.Error())
		}
		pkgs = append(pkgs, p)
	}
	exports := map[string]string{}
	var targets []*listPkg
	for _, p := range pkgs {
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
		if !p.DepOnly {
			targets = append(targets, p)
		}
	}
	output := &Output{SchemaVersion: schemaVersion, GoVersion: runtime.Version(), Goarch: *goarch, Root: absRoot}
	output.Errors = []string{}
	if s := strings.TrimSpace(stderr.String()); s != "" && len(targets) == 0 {
		output.Errors = append(output.Errors, firstLine(s))
	}
	sizes := types.SizesFor("gc", *goarch)
	if sizes == nil {
		fatal("unknown GOARCH " + *goarch)
	}
	results := make([]*PackageFacts, len(targets))
	work := make(chan int)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if workers > len(targets) {
		workers = len(targets)
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fset := token.NewFileSet()
			imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
				f, ok := exports[path]
				if !ok {
					return nil, fmt.Errorf("no export data for %q", path)
				}
				return os.Open(f)
			})
			for i := range work {
				results[i] = checkPackage(fset, imp, targets[i], sizes, absRoot)
			}
		}()
	}
	for i := range targets {
		work <- i
	}
	close(work)
	wg.Wait()
	output.Packages = results
	if output.Packages == nil {
		output.Packages = []*PackageFacts{}
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(output); err != nil {
		fatal(err.Error())
	}
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "factshelper: "+msg)
	os.Exit(1)
}

// meaningfulLine: the first line of a go command error that is not a "# pkg" header.
func meaningfulLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return firstLine(s)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

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

func checkPackage(fset *token.FileSet, imp types.Importer, lp *listPkg, sizes types.Sizes, root string) *PackageFacts {
	pf := &PackageFacts{Path: lp.ImportPath, Name: lp.Name, Dir: lp.Dir}
	pf.Errors = []string{}
	if lp.Error != nil && len(lp.GoFiles)+len(lp.CgoFiles) == 0 {
		pf.Errors = append(pf.Errors, relError(root, meaningfulLine(lp.Error.Err)))
		return finish(pf)
	}
	// A package go list could not compile is still checked here, for a precise first error.
	defer func() {
		if lp.Error != nil && len(pf.Errors) == 0 {
			pf.Errors = append(pf.Errors, relError(root, meaningfulLine(lp.Error.Err)))
		}
	}()
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
	if len(pf.Errors) > 0 {
		return finish(pf)
	}
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
				if len(pf.Warnings) < 5 {
					pf.Warnings = append(pf.Warnings, relError(root, err.Error()))
				}
			} else if len(pf.Errors) < 5 {
				pf.Errors = append(pf.Errors, relError(root, err.Error()))
			}
		},
	}
	pkg, _ := conf.Check(lp.ImportPath, fset, files, info)
	if len(pf.Errors) > 0 || pkg == nil {
		return finish(pf)
	}
	a := &analyzer{fset: fset, info: info, pkg: pkg, sizes: sizes, root: root, pf: pf,
		vars: map[types.Object]*Var{}, writes: map[types.Object][]token.Pos{},
		constInit: map[types.Object]bool{}, loopNodes: map[ast.Node]*Loop{},
		recvObjs: map[*Receiver]types.Object{}, loopNodeOf: map[*Loop]ast.Node{}}
	for _, f := range files {
		a.file(f)
	}
	a.post()
	return finish(pf)
}

func finish(pf *PackageFacts) *PackageFacts {
	if pf.Files == nil {
		pf.Files = []string{}
	}
	if pf.Warnings == nil {
		pf.Warnings = []string{}
	}
	if pf.Functions == nil {
		pf.Functions = []Function{}
	}
	if pf.Loops == nil {
		pf.Loops = []*Loop{}
	}
	if pf.Appends == nil {
		pf.Appends = []*Append{}
	}
	if pf.Vars == nil {
		pf.Vars = []*Var{}
	}
	if pf.Makes == nil {
		pf.Makes = []*Make{}
	}
	if pf.Composites == nil {
		pf.Composites = []*Composite{}
	}
	if pf.MapOps == nil {
		pf.MapOps = []*MapOp{}
	}
	if pf.Conversions == nil {
		pf.Conversions = []*Conversion{}
	}
	if pf.Boxings == nil {
		pf.Boxings = []*Boxing{}
	}
	if pf.Receivers == nil {
		pf.Receivers = []*Receiver{}
	}
	if pf.RangeCopies == nil {
		pf.RangeCopies = []*RangeCopy{}
	}
	if pf.Closures == nil {
		pf.Closures = []*Closure{}
	}
	if pf.Ignores == nil {
		pf.Ignores = []*Ignore{}
	}
	return pf
}

func relFile(root, full string) string {
	if rel, err := filepath.Rel(root, full); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return full
}

func relError(root, msg string) string {
	if strings.HasPrefix(msg, root+string(filepath.Separator)) {
		return msg[len(root)+1:]
	}
	return msg
}

// ---- analysis -----------------------------------------------------------------------------

type funcCtx struct {
	name    string
	node    ast.Node // *ast.FuncDecl or *ast.FuncLit
	loops   []*Loop  // enclosing loops in this function, innermost last
	nlits   int
	lit     *ast.FuncLit
}

type analyzer struct {
	fset      *token.FileSet
	info      *types.Info
	pkg       *types.Package
	sizes     types.Sizes
	root      string
	pf        *PackageFacts
	file_     *ast.File
	fileName  string
	src       []byte
	stack     []ast.Node
	funcs     []*funcCtx
	vars      map[types.Object]*Var
	varOrder  []types.Object
	writes    map[types.Object][]token.Pos
	constInit map[types.Object]bool
	loopNodes map[ast.Node]*Loop
	loopNodeOf map[*Loop]ast.Node
	loopPos   map[*Loop]token.Pos
	pendingAppends []*pendingStmt
	pendingMapOps  []*pendingStmt
	boxObjs   map[*Boxing]types.Object
	closures  []*pendingClosure
	boundObjs map[*Loop][]types.Object
	labels    map[*ast.Ident]ast.Node
	recvObjs  map[*Receiver]types.Object
}

type pendingStmt struct {
	loop *Loop
	pos  token.Pos
	top  bool
	app  *Append
	mop  *MapOp
}

type pendingClosure struct {
	c   *Closure
	lit *ast.FuncLit
	objs []types.Object
}

func (a *analyzer) position(p token.Pos) token.Position { return a.fset.Position(p) }

func (a *analyzer) text(n ast.Node) string {
	s := a.fset.Position(n.Pos()).Offset
	e := a.fset.Position(n.End()).Offset
	if s < 0 || e > len(a.src) || s > e {
		return ""
	}
	return string(a.src[s:e])
}

func (a *analyzer) file(f *ast.File) {
	a.file_ = f
	full := a.fset.File(f.Pos()).Name()
	a.fileName = relFile(a.root, full)
	src, err := os.ReadFile(full)
	if err != nil {
		return
	}
	a.src = src
	if a.loopPos == nil {
		a.loopPos = map[*Loop]token.Pos{}
		a.boxObjs = map[*Boxing]types.Object{}
		a.boundObjs = map[*Loop][]types.Object{}
	}
	// ignore directives
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			t := strings.TrimPrefix(c.Text, "//")
			t = strings.TrimSpace(t)
			if !strings.HasPrefix(t, "goalloc:ignore") {
				continue
			}
			fields := strings.Fields(strings.TrimPrefix(t, "goalloc:ignore"))
			ig := &Ignore{File: a.fileName, Line: a.position(c.Pos()).Line, Rules: []string{}}
			if len(fields) > 0 {
				ig.Rules = strings.Split(fields[0], ",")
				ig.Reason = strings.Join(fields[1:], " ")
			}
			p := a.position(c.Pos())
			lineStart := p.Offset - (p.Column - 1)
			ig.OwnLine = strings.TrimSpace(string(src[lineStart:p.Offset])) == ""
			a.pf.Ignores = append(a.pf.Ignores, ig)
		}
	}
	a.labels = map[*ast.Ident]ast.Node{}
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			a.leave(a.stack[len(a.stack)-1])
			a.stack = a.stack[:len(a.stack)-1]
			return true
		}
		a.stack = append(a.stack, n)
		a.enter(n)
		return true
	})
}

func (a *analyzer) curFunc() *funcCtx {
	if len(a.funcs) == 0 {
		return nil
	}
	return a.funcs[len(a.funcs)-1]
}

func (a *analyzer) fnName() string {
	if f := a.curFunc(); f != nil {
		return f.name
	}
	return ""
}

// curLoop: the innermost loop whose iterations run the node on top of the stack. A for
// statement's init and a range expression run once, so they belong to the loop around it.
func (a *analyzer) curLoop() *Loop {
	f := a.curFunc()
	if f == nil || len(f.loops) == 0 {
		return nil
	}
	top := a.stack[len(a.stack)-1]
	for i := len(f.loops) - 1; i >= 0; i-- {
		l := f.loops[i]
		if a.runsOnce(a.loopNodeOf[l], top) {
			continue
		}
		return l
	}
	return nil
}

func within(outer, inner ast.Node) bool {
	return outer != nil && inner.Pos() >= outer.Pos() && inner.End() <= outer.End()
}

func (a *analyzer) runsOnce(loop, n ast.Node) bool {
	switch s := loop.(type) {
	case *ast.ForStmt:
		return s.Init != nil && within(s.Init, n)
	case *ast.RangeStmt:
		return s.X != nil && within(s.X, n)
	}
	return false
}

// conditional: the node on top of the stack runs only on some iterations of its loop: it
// is inside an if or else branch, a case clause, or the right operand of && or ||.
func (a *analyzer) conditional() bool {
	l := a.curLoop()
	if l == nil {
		return false
	}
	for i := len(a.stack) - 1; i > 0; i-- {
		child, parent := a.stack[i], a.stack[i-1]
		if a.loopNodes[parent] == l {
			return false
		}
		switch p := parent.(type) {
		case *ast.IfStmt:
			if child == ast.Node(p.Body) || (p.Else != nil && child == p.Else) {
				return true
			}
		case *ast.CaseClause, *ast.CommClause:
			return true
		case *ast.BinaryExpr:
			if (p.Op == token.LAND || p.Op == token.LOR) && child == ast.Node(p.Y) {
				return true
			}
		case *ast.FuncLit:
			return false
		}
	}
	return false
}

func loopID(l *Loop) int {
	if l == nil {
		return -1
	}
	return l.ID
}

func (a *analyzer) parent(n int) ast.Node {
	// n = 1: the parent of the current node, skipping parentheses.
	i := len(a.stack) - 1
	for ; n > 0 && i > 0; n-- {
		i--
		for i > 0 {
			if _, ok := a.stack[i].(*ast.ParenExpr); !ok {
				break
			}
			i--
		}
	}
	if i < 0 {
		return nil
	}
	return a.stack[i]
}

func (a *analyzer) enter(n ast.Node) {
	switch n := n.(type) {
	case *ast.FuncDecl:
		name := n.Name.Name
		if n.Recv != nil && len(n.Recv.List) > 0 {
			name = recvTypeName(n.Recv.List[0].Type) + "." + name
			a.receiver(n, name)
		}
		p := a.position(n.Pos())
		a.pf.Functions = append(a.pf.Functions, Function{Name: name, File: a.fileName, Line: p.Line,
			EndLine: a.position(n.End()).Line})
		a.funcs = append(a.funcs, &funcCtx{name: name, node: n})
		a.params(n.Type, n.Recv)
	case *ast.FuncLit:
		outer := a.curFunc()
		name := "func"
		if outer != nil {
			outer.nlits++
			if outer.lit == nil {
				name = fmt.Sprintf("%s.func%d", outer.name, outer.nlits)
			} else {
				name = fmt.Sprintf("%s.%d", outer.name, outer.nlits)
			}
		}
		a.closure(n)
		a.funcs = append(a.funcs, &funcCtx{name: name, node: n, lit: n})
		a.params(n.Type, nil)
	case *ast.LabeledStmt:
		a.labels[n.Label] = n.Stmt
	case *ast.ForStmt:
		a.loop(n)
	case *ast.RangeStmt:
		a.loop(n)
		a.rangeStmt(n)
	case *ast.BranchStmt:
		a.branch(n)
	case *ast.ReturnStmt:
		if f := a.curFunc(); f != nil {
			for _, l := range f.loops {
				l.ExitsEarly = true
			}
		}
		a.returnBoxing(n)
	case *ast.AssignStmt:
		a.assign(n)
	case *ast.IncDecStmt:
		a.incdec(n)
	case *ast.ValueSpec:
		a.valueSpec(n)
	case *ast.CallExpr:
		a.call(n)
	case *ast.CompositeLit:
		a.composite(n)
	case *ast.SendStmt:
		if ch, ok := a.typeOf(n.Chan).Underlying().(*types.Chan); ok {
			a.boxing(n.Value, ch.Elem(), "send", "")
		}
	case *ast.UnaryExpr:
		if n.Op == token.AND {
			if obj := a.rootObj(n.X); obj != nil {
				a.write(obj, n.Pos(), "addr")
			}
		}
	case *ast.SelectorExpr:
		if sel := a.info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
			if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
				if _, isPtr := sig.Recv().Type().(*types.Pointer); isPtr {
					if _, xPtr := a.typeOf(n.X).Underlying().(*types.Pointer); !xPtr {
						if obj := a.rootObj(n.X); obj != nil {
							a.write(obj, n.Pos(), "addr")
						}
					}
				}
			}
		}
	}
}

func (a *analyzer) leave(n ast.Node) {
	switch n := n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		a.funcs = a.funcs[:len(a.funcs)-1]
	case *ast.ForStmt, *ast.RangeStmt:
		if f := a.curFunc(); f != nil && len(f.loops) > 0 && a.loopNodes[n] == f.loops[len(f.loops)-1] {
			l := f.loops[len(f.loops)-1]
			f.loops = f.loops[:len(f.loops)-1]
			// An early exit of an inner loop that also leaves this loop was marked on it directly.
			_ = l
		}
	}
}

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "(*" + recvTypeName(t.X) + ")"
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	case *ast.ParenExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

func (a *analyzer) typeOf(e ast.Expr) types.Type {
	if tv, ok := a.info.Types[e]; ok && tv.Type != nil {
		return tv.Type
	}
	if id, ok := e.(*ast.Ident); ok {
		if obj := a.info.ObjectOf(id); obj != nil {
			return obj.Type()
		}
	}
	return types.Typ[types.Invalid]
}

func (a *analyzer) qual() types.Qualifier {
	return func(p *types.Package) string {
		if p == a.pkg {
			return ""
		}
		return p.Name()
	}
}

func (a *analyzer) typeString(t types.Type) string { return types.TypeString(t, a.qual()) }

func (a *analyzer) sizeof(t types.Type) (size int64, ok bool) {
	defer func() {
		if recover() != nil {
			size, ok = -1, false
		}
	}()
	if hasTypeParam(t, 0) {
		return -1, false
	}
	return a.sizes.Sizeof(t), true
}

func (a *analyzer) layout(t types.Type) *Layout {
	size, ok := a.sizeof(t)
	if !ok {
		return nil
	}
	return &Layout{Type: a.typeString(t), Size: size, Align: a.sizes.Alignof(t), Pointers: hasPointers(t, 0)}
}

func hasTypeParam(t types.Type, depth int) bool {
	if depth > 20 {
		return false
	}
	switch u := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		if ta := u.TypeArgs(); ta != nil {
			for i := 0; i < ta.Len(); i++ {
				if hasTypeParam(ta.At(i), depth+1) {
					return true
				}
			}
		}
		return hasTypeParam(u.Underlying(), depth+1)
	case *types.Array:
		return hasTypeParam(u.Elem(), depth+1)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasTypeParam(u.Field(i).Type(), depth+1) {
				return true
			}
		}
	}
	return false
}

func hasPointers(t types.Type, depth int) bool {
	if depth > 50 {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.String || u.Kind() == types.UnsafePointer || u.Kind() == types.UntypedString || u.Kind() == types.UntypedNil
	case *types.Array:
		return u.Len() > 0 && hasPointers(u.Elem(), depth+1)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasPointers(u.Field(i).Type(), depth+1) {
				return true
			}
		}
		return false
	}
	return true
}

// pointerShaped reports whether a value of type t is stored directly in an interface word.
func pointerShaped(t types.Type, depth int) bool {
	if depth > 20 {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Array:
		return u.Len() == 1 && pointerShaped(u.Elem(), depth+1)
	case *types.Struct:
		// exactly one non-zero-size field that is pointer shaped
		n := 0
		ok := false
		for i := 0; i < u.NumFields(); i++ {
			ft := u.Field(i).Type()
			if isZeroSize(ft) {
				continue
			}
			n++
			ok = pointerShaped(ft, depth+1)
		}
		return n == 1 && ok
	}
	return false
}

func isZeroSize(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !isZeroSize(u.Field(i).Type()) {
				return false
			}
		}
		return true
	case *types.Array:
		return u.Len() == 0 || isZeroSize(u.Elem())
	}
	return false
}

// rootObj: the local variable at the root of an addressable expression (x, x.f, x[i] for arrays).
func (a *analyzer) rootObj(e ast.Expr) types.Object {
	for {
		switch t := e.(type) {
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			obj := a.info.ObjectOf(t)
			if v, ok := obj.(*types.Var); ok && !v.IsField() {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			if sel := a.info.Selections[t]; sel != nil && sel.Kind() == types.FieldVal && !sel.Indirect() {
				e = t.X
				continue
			}
			return nil
		case *ast.IndexExpr:
			if _, ok := a.typeOf(t.X).Underlying().(*types.Array); ok {
				e = t.X
				continue
			}
			return nil
		default:
			return nil
		}
	}
}

func (a *analyzer) isLocal(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Parent() == nil {
		return false
	}
	return v.Parent() != a.pkg.Scope() && v.Parent() != types.Universe
}

func (a *analyzer) write(obj types.Object, pos token.Pos, kind string) {
	if !a.isLocal(obj) {
		return
	}
	a.writes[obj] = append(a.writes[obj], pos)
	f := a.curFunc()
	if v := a.vars[obj]; v != nil {
		if f != nil && f.lit != nil && (obj.Pos() < f.lit.Pos() || obj.Pos() >= f.lit.End()) && kind != "decl" {
			kind = "closure-write"
		}
		p := a.position(pos)
		v.Writes = append(v.Writes, VarWrite{Line: p.Line, Col: p.Column, Kind: kind, Loop: loopID(a.curLoop()), Function: a.fnName()})
	}
	delete(a.constInit, obj)
}

func collKind(t types.Type) string {
	switch t.Underlying().(type) {
	case *types.Slice:
		return "slice"
	case *types.Map:
		return "map"
	}
	return ""
}

// declare records a local slice or map variable.
func (a *analyzer) declare(id *ast.Ident, declKind string, typeExpr ast.Expr, init ast.Expr, stmt ast.Node) {
	obj := a.info.Defs[id]
	if obj == nil || id.Name == "_" {
		return
	}
	if init != nil {
		if tv, ok := a.info.Types[init]; ok && tv.Value != nil {
			a.constInit[obj] = true
		}
	}
	kind := collKind(obj.Type())
	if kind == "" {
		a.writes[obj] = append(a.writes[obj], id.Pos())
		return
	}
	p := a.position(id.Pos())
	v := &Var{Key: a.objKey(obj), Name: id.Name, File: a.fileName, Line: p.Line, Col: p.Column,
		Function: a.fnName(), Loop: loopID(a.curLoop()), Kind: kind, Type: a.typeString(obj.Type()),
		DeclKind: declKind, Init: "none", Writes: []VarWrite{}, Block: a.block(stmt)}
	if typeExpr != nil {
		v.TypeText = a.text(typeExpr)
	}
	switch u := obj.Type().Underlying().(type) {
	case *types.Slice:
		v.Elem = a.layout(u.Elem())
	case *types.Map:
		v.Key_ = a.layout(u.Key())
		v.Value = a.layout(u.Elem())
	}
	if declKind == "var" && init == nil {
		v.Init = "nil"
	} else if init != nil {
		v.Init, v.InitLen, v.InitCap = a.initKind(init)
		if v.TypeText == "" {
			switch e := unparen(init).(type) {
			case *ast.CompositeLit:
				if e.Type != nil {
					v.TypeText = a.text(e.Type)
				}
			case *ast.CallExpr:
				if a.isBuiltin(e.Fun, "make") && len(e.Args) > 0 {
					v.TypeText = a.text(e.Args[0])
				}
			}
		}
	}
	if stmt != nil {
		s, e := a.position(stmt.Pos()), a.position(stmt.End())
		v.Stmt = &Span{Line: s.Line, Col: s.Column, EndLine: e.Line, EndCol: e.Column}
	}
	a.vars[obj] = v
	a.varOrder = append(a.varOrder, obj)
	a.write(obj, id.Pos(), "decl")
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func (a *analyzer) initKind(init ast.Expr) (string, string, string) {
	switch e := unparen(init).(type) {
	case *ast.Ident:
		if e.Name == "nil" {
			if _, ok := a.info.Uses[e].(*types.Nil); ok {
				return "nil", "", ""
			}
		}
	case *ast.CompositeLit:
		if len(e.Elts) == 0 {
			return "empty-literal", "", ""
		}
		return "literal", fmt.Sprint(len(e.Elts)), ""
	case *ast.CallExpr:
		if a.isBuiltin(e.Fun, "make") {
			switch len(e.Args) {
			case 1:
				return "make", "", ""
			case 2:
				l := a.text(e.Args[1])
				if c := a.constInt(e.Args[1]); c != nil && *c == 0 {
					if collKind(a.typeOf(e.Args[0])) == "map" {
						return "make-hint", l, ""
					}
					return "make", "0", ""
				}
				if collKind(a.typeOf(e.Args[0])) == "map" {
					return "make-hint", l, ""
				}
				return "make-len", l, ""
			case 3:
				return "make-cap", a.text(e.Args[1]), a.text(e.Args[2])
			}
		}
	}
	return "other", "", ""
}

func (a *analyzer) constInt(e ast.Expr) *int64 {
	tv, ok := a.info.Types[e]
	if !ok || tv.Value == nil {
		return nil
	}
	v := constant.ToInt(tv.Value)
	if v.Kind() != constant.Int {
		return nil
	}
	i, exact := constant.Int64Val(v)
	if !exact {
		return nil
	}
	return &i
}

func (a *analyzer) isBuiltin(fun ast.Expr, name string) bool {
	id, ok := unparen(fun).(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	_, ok = a.info.Uses[id].(*types.Builtin)
	return ok
}

func (a *analyzer) objKey(obj types.Object) string {
	p := a.position(obj.Pos())
	if a.isLocal(obj) {
		return fmt.Sprintf("local:%s:%d:%d", relFile(a.root, p.Filename), p.Line, p.Column)
	}
	if obj.Pkg() != nil {
		return "global:" + obj.Pkg().Path() + "." + obj.Name()
	}
	return "other:" + obj.Name()
}

func (a *analyzer) params(ft *ast.FuncType, recv *ast.FieldList) {
	lists := []*ast.FieldList{recv, ft.Params, ft.Results}
	for i, fl := range lists {
		if fl == nil {
			continue
		}
		kind := "param"
		if i == 2 {
			kind = "result"
		}
		for _, f := range fl.List {
			for _, id := range f.Names {
				a.declare(id, kind, f.Type, nil, nil)
			}
		}
	}
}

func (a *analyzer) valueSpec(n *ast.ValueSpec) {
	// only inside functions
	if a.curFunc() == nil {
		return
	}
	var stmt ast.Node
	if gd, ok := a.parent(1).(*ast.GenDecl); ok && len(gd.Specs) == 1 && len(n.Names) == 1 && !gd.Lparen.IsValid() {
		if gd.Tok == token.CONST {
			return
		}
		stmt = gd
	} else if ok && gd.Tok == token.CONST {
		return
	}
	for i, id := range n.Names {
		var init ast.Expr
		if len(n.Values) == len(n.Names) {
			init = n.Values[i]
		} else if len(n.Values) > 0 {
			init = n.Values[0] // multi-value call
		}
		s := stmt
		if len(n.Values) > 0 && len(n.Values) != len(n.Names) {
			init = nil
			s = nil
		}
		a.declare(id, "var", n.Type, init, s)
		if len(n.Values) > 0 && len(n.Values) != len(n.Names) {
			if v := a.vars[a.info.Defs[id]]; v != nil {
				v.Init = "other"
			}
		}
	}
}

func (a *analyzer) assign(n *ast.AssignStmt) {
	if n.Tok == token.DEFINE {
		for i, lhs := range n.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				continue
			}
			if obj := a.info.Defs[id]; obj != nil {
				var init ast.Expr
				var stmt ast.Node
				if len(n.Rhs) == len(n.Lhs) {
					init = n.Rhs[i]
					if len(n.Lhs) == 1 {
						stmt = n
					}
				}
				a.declare(id, "define", nil, init, stmt)
				if init == nil {
					if v := a.vars[obj]; v != nil {
						v.Init = "other"
					}
				}
				continue
			}
			if obj := a.info.Uses[id]; obj != nil {
				a.write(obj, id.Pos(), "assign")
			}
		}
	} else {
		for i, lhs := range n.Lhs {
			kind := "assign"
			if len(n.Lhs) == len(n.Rhs) {
				if call, ok := unparen(n.Rhs[i]).(*ast.CallExpr); ok && a.isBuiltin(call.Fun, "append") && len(call.Args) > 0 {
					if a.sameVar(lhs, call.Args[0]) {
						kind = "append-self"
					}
				}
			}
			if id, ok := unparen(lhs).(*ast.Ident); ok {
				if obj := a.info.Uses[id]; obj != nil {
					a.write(obj, id.Pos(), kind)
				}
			} else if obj := a.rootObj(lhs); obj != nil {
				a.write(obj, lhs.Pos(), "assign")
			}
		}
	}
	// map inserts and interface conversions by assignment
	for i, lhs := range n.Lhs {
		if ix, ok := unparen(lhs).(*ast.IndexExpr); ok {
			if mt, ok := a.typeOf(ix.X).Underlying().(*types.Map); ok {
				op := "insert"
				if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
					op = "update"
				}
				a.mapOp(n, ix.X, mt, op, n.Pos())
				mo := a.pf.MapOps[len(a.pf.MapOps)-1]
				if len(n.Lhs) == len(n.Rhs) && mo.Target.Key != "" {
					ast.Inspect(n.Rhs[i], func(x ast.Node) bool {
						if rix, ok := x.(*ast.IndexExpr); ok {
							if _, isMap := a.typeOf(rix.X).Underlying().(*types.Map); isMap && a.target(rix.X).Key == mo.Target.Key {
								mo.ReadsSelf = true
							}
						}
						return true
					})
				}
			}
		}
		if n.Tok == token.ASSIGN {
			if mt, ok := a.typeOf(lhs).Underlying().(*types.Map); ok {
				if _, isIdx := unparen(lhs).(*ast.IndexExpr); !isIdx {
					if t := a.target(lhs); t.Kind == "field" || t.Kind == "global" {
						a.mapOp(n, lhs, mt, "reassign", lhs.Pos())
					}
				}
			}
		}
		if len(n.Lhs) == len(n.Rhs) && n.Tok == token.ASSIGN {
			lt := a.typeOf(lhs)
			ctx := "assign"
			if ix, ok := unparen(lhs).(*ast.IndexExpr); ok {
				if _, ok := a.typeOf(ix.X).Underlying().(*types.Map); ok {
					ctx = "map-value"
				}
			}
			a.boxing(n.Rhs[i], lt, ctx, "")
		}
	}
}

func (a *analyzer) incdec(n *ast.IncDecStmt) {
	if ix, ok := unparen(n.X).(*ast.IndexExpr); ok {
		if mt, ok := a.typeOf(ix.X).Underlying().(*types.Map); ok {
			a.mapOp(n, ix.X, mt, "update", n.Pos())
		}
	}
	if id, ok := unparen(n.X).(*ast.Ident); ok {
		if obj := a.info.Uses[id]; obj != nil {
			a.write(obj, id.Pos(), "inc")
		}
	} else if obj := a.rootObj(n.X); obj != nil {
		a.write(obj, n.Pos(), "inc")
	}
}

func (a *analyzer) sameVar(x, y ast.Expr) bool {
	xi, ok1 := unparen(x).(*ast.Ident)
	yi, ok2 := unparen(y).(*ast.Ident)
	if !ok1 || !ok2 {
		return false
	}
	ox, oy := a.info.ObjectOf(xi), a.info.ObjectOf(yi)
	return ox != nil && ox == oy
}

// target describes the variable, field or global an expression names.
func (a *analyzer) target(e ast.Expr) *Target {
	e = unparen(e)
	t := &Target{Kind: "other", Name: a.text(e), Type: a.typeString(a.typeOf(e)), DeclLoop: -1}
	switch x := e.(type) {
	case *ast.Ident:
		obj := a.info.ObjectOf(x)
		if obj == nil {
			return t
		}
		v, ok := obj.(*types.Var)
		if !ok {
			return t
		}
		t.Key = a.objKey(obj)
		if a.isLocal(v) {
			t.Kind = "local"
			if vv := a.vars[obj]; vv != nil {
				t.DeclFn = vv.Function
				t.DeclLoop = vv.Loop
				if vv.DeclKind == "param" || vv.DeclKind == "result" {
					t.Kind = "param"
				}
			}
		} else {
			t.Kind = "global"
		}
	case *ast.SelectorExpr:
		if sel := a.info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
			recv := sel.Recv()
			if p, ok := recv.Underlying().(*types.Pointer); ok {
				recv = p.Elem()
			}
			t.Kind = "field"
			t.Key = "field:" + types.TypeString(recv, nil) + "." + sel.Obj().Name()
		} else if obj, ok := a.info.Uses[x.Sel].(*types.Var); ok && sel == nil {
			t.Kind = "global"
			t.Key = a.objKey(obj)
		}
	}
	return t
}

func (a *analyzer) enclosingTop(loop *Loop) bool {
	// Is the current statement (top of stack) directly in the body of loop (through plain
	// blocks and labels only)?
	if loop == nil {
		return false
	}
	i := len(a.stack) - 1
	for i > 0 {
		p := a.stack[i-1]
		switch pn := p.(type) {
		case *ast.BlockStmt:
			if i-2 >= 0 {
				if a.loopNodes[a.stack[i-2]] == loop {
					switch ln := a.stack[i-2].(type) {
					case *ast.ForStmt:
						return ln.Body == pn
					case *ast.RangeStmt:
						return ln.Body == pn
					}
				}
			}
			i--
			continue
		case *ast.LabeledStmt:
			i--
			continue
		}
		return false
	}
	return false
}

// stmtIndex is the stack index of the statement containing the current node.
func (a *analyzer) currentStmtTop(stmtNode ast.Node, loop *Loop) bool {
	// temporarily truncate the stack to the statement
	for i := len(a.stack) - 1; i >= 0; i-- {
		if a.stack[i] == stmtNode {
			saved := a.stack
			a.stack = a.stack[:i+1]
			r := a.enclosingTop(loop)
			a.stack = saved
			return r
		}
	}
	return false
}

func (a *analyzer) mapOp(stmt ast.Node, m ast.Expr, mt *types.Map, op string, pos token.Pos) {
	p := a.position(pos)
	l := a.curLoop()
	mo := &MapOp{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Loop: loopID(l),
		Op: op, Target: a.target(m), MapType: a.typeString(mt), Key: a.layout(mt.Key()), Value: a.layout(mt.Elem())}
	top := a.currentStmtTop(stmt, l)
	mo.TopLevel = top
	a.pf.MapOps = append(a.pf.MapOps, mo)
	a.pendingMapOps = append(a.pendingMapOps, &pendingStmt{loop: l, pos: stmt.Pos(), top: top, mop: mo})
}

func (a *analyzer) call(n *ast.CallExpr) {
	tv := a.info.Types[n.Fun]
	if tv.IsType() {
		a.conversion(n, tv.Type)
		return
	}
	switch {
	case a.isBuiltin(n.Fun, "append"):
		a.appendCall(n)
		return
	case a.isBuiltin(n.Fun, "make"):
		a.makeCall(n)
		return
	case a.isBuiltin(n.Fun, "delete") && len(n.Args) == 2:
		if mt, ok := a.typeOf(n.Args[0]).Underlying().(*types.Map); ok {
			a.mapOp(a.stmtOf(n), n.Args[0], mt, "delete", n.Pos())
			mo := a.pf.MapOps[len(a.pf.MapOps)-1]
			// delete-all idiom: for k := range m { delete(m, k) }
			if l := a.curLoop(); l != nil {
				for node, ll := range a.loopNodes {
					if ll != l {
						continue
					}
					if rs, ok := node.(*ast.RangeStmt); ok && rs.Key != nil {
						if a.target(rs.X).Key == mo.Target.Key && mo.Target.Key != "" && a.sameVar(rs.Key, n.Args[1]) {
							mo.DeleteAll = true
						}
					}
				}
			}
		}
		return
	case a.isBuiltin(n.Fun, "clear") && len(n.Args) == 1:
		if mt, ok := a.typeOf(n.Args[0]).Underlying().(*types.Map); ok {
			a.mapOp(a.stmtOf(n), n.Args[0], mt, "clear", n.Pos())
		}
		return
	}
	// interface conversions of arguments
	sig, ok := a.typeOf(n.Fun).Underlying().(*types.Signature)
	if !ok {
		return
	}
	callee := a.calleeName(n.Fun)
	params := sig.Params()
	for i, arg := range n.Args {
		var pt types.Type
		if sig.Variadic() && i >= params.Len()-1 {
			if n.Ellipsis.IsValid() {
				continue
			}
			pt = params.At(params.Len() - 1).Type().(*types.Slice).Elem()
		} else if i < params.Len() {
			pt = params.At(i).Type()
		} else {
			continue
		}
		a.boxing(arg, pt, "call-arg", callee)
	}
}

func (a *analyzer) stmtOf(n ast.Node) ast.Node {
	for i := len(a.stack) - 1; i >= 0; i-- {
		if s, ok := a.stack[i].(ast.Stmt); ok {
			return s
		}
	}
	return n
}

func (a *analyzer) calleeName(fun ast.Expr) string {
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		if obj, ok := a.info.Uses[f].(*types.Func); ok {
			if obj.Pkg() != nil && obj.Pkg() != a.pkg {
				return obj.Pkg().Path() + "." + obj.Name()
			}
			return obj.Name()
		}
		return f.Name
	case *ast.SelectorExpr:
		if obj, ok := a.info.Uses[f.Sel].(*types.Func); ok {
			if sel := a.info.Selections[f]; sel != nil {
				return a.typeString(sel.Recv()) + "." + obj.Name()
			}
			if obj.Pkg() != nil {
				return obj.Pkg().Path() + "." + obj.Name()
			}
		}
		return a.text(f)
	case *ast.IndexExpr:
		return a.calleeName(f.X)
	case *ast.IndexListExpr:
		return a.calleeName(f.X)
	}
	return ""
}

func (a *analyzer) appendCall(n *ast.CallExpr) {
	if len(n.Args) == 0 {
		return
	}
	p := a.position(n.Pos())
	l := a.curLoop()
	st, _ := a.typeOf(n.Args[0]).Underlying().(*types.Slice)
	ap := &Append{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Loop: loopID(l),
		Target: a.target(n.Args[0]), Elements: len(n.Args) - 1, Spread: n.Ellipsis.IsValid(),
		SliceType: a.typeString(a.typeOf(n.Args[0]))}
	if ap.Spread {
		ap.Elements = -1
	}
	if st != nil {
		ap.Elem = a.layout(st.Elem())
		// appends to []any box their arguments
		if !ap.Spread {
			for _, arg := range n.Args[1:] {
				a.boxing(arg, st.Elem(), "append", "append")
			}
		}
	}
	// x = append(x, ...) as a statement
	var stmt ast.Node
	if as, ok := a.parent(1).(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && unparen(as.Rhs[0]) == ast.Expr(n) {
		ap.Assigned = a.target(as.Lhs[0])
		stmt = as
	}
	top := false
	if stmt != nil {
		top = a.currentStmtTop(stmt, l)
	}
	ap.TopLevel = top
	a.pf.Appends = append(a.pf.Appends, ap)
	pos := n.Pos()
	if stmt != nil {
		pos = stmt.Pos()
	}
	a.pendingAppends = append(a.pendingAppends, &pendingStmt{loop: l, pos: pos, top: top, app: ap})
}

func (a *analyzer) makeCall(n *ast.CallExpr) {
	if len(n.Args) == 0 {
		return
	}
	t := a.typeOf(n.Args[0])
	p := a.position(n.Pos())
	mk := &Make{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Loop: loopID(a.curLoop()),
		Type: a.typeString(t), Args: []string{}, Consts: []*int64{}}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		mk.Kind = "slice"
		mk.Elem = a.layout(u.Elem())
	case *types.Map:
		mk.Kind = "map"
		mk.Key = a.layout(u.Key())
		mk.Value = a.layout(u.Elem())
	case *types.Chan:
		mk.Kind = "chan"
		mk.Elem = a.layout(u.Elem())
	}
	for _, arg := range n.Args[1:] {
		mk.Args = append(mk.Args, a.text(arg))
		mk.Consts = append(mk.Consts, a.constInt(arg))
	}
	a.pf.Makes = append(a.pf.Makes, mk)
}

func (a *analyzer) composite(n *ast.CompositeLit) {
	t := a.typeOf(n)
	p := a.position(n.Pos())
	c := &Composite{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Loop: loopID(a.curLoop()),
		Type: a.typeString(t), Elements: len(n.Elts), Layout: a.layout(t)}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array:
		c.Kind = "slice"
		if _, isArray := u.(*types.Array); isArray {
			c.Kind = "array"
		}
		elem := u.(interface{ Elem() types.Type }).Elem()
		c.Elem = a.layout(elem)
		for _, e := range n.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				e = kv.Value // an indexed element: [3]int{2: x}
			}
			a.boxing(e, elem, "composite", "")
		}
	case *types.Map:
		c.Kind = "map"
		c.Elem = a.layout(u.Elem())
		for _, e := range n.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				a.boxing(kv.Key, u.Key(), "map-key", "")
				a.boxing(kv.Value, u.Elem(), "map-value", "")
			}
		}
	case *types.Struct:
		c.Kind = "struct"
		for i, e := range n.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					if f, ok := a.info.Uses[id].(*types.Var); ok {
						a.boxing(kv.Value, f.Type(), "composite", "")
					}
				}
			} else if i < u.NumFields() {
				a.boxing(e, u.Field(i).Type(), "composite", "")
			}
		}
	default:
		c.Kind = "other"
	}
	if c.Kind == "slice" || c.Kind == "map" {
		a.pf.Composites = append(a.pf.Composites, c)
	}
}

func (a *analyzer) returnBoxing(n *ast.ReturnStmt) {
	f := a.curFunc()
	if f == nil {
		return
	}
	var sig *types.Signature
	switch fn := f.node.(type) {
	case *ast.FuncDecl:
		if obj, ok := a.info.Defs[fn.Name].(*types.Func); ok {
			sig, _ = obj.Type().(*types.Signature)
		}
	case *ast.FuncLit:
		sig, _ = a.typeOf(fn).(*types.Signature)
	}
	if sig == nil || sig.Results().Len() != len(n.Results) {
		return
	}
	for i, r := range n.Results {
		a.boxing(r, sig.Results().At(i).Type(), "return", "")
	}
}

func basicKind(t types.Type) string {
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Name()
	}
	return ""
}

func (a *analyzer) boxing(e ast.Expr, to types.Type, ctx, callee string) {
	if to == nil || !types.IsInterface(to) {
		return
	}
	if _, isTP := to.(*types.TypeParam); isTP {
		return
	}
	tv, ok := a.info.Types[e]
	if !ok || tv.Type == nil || types.IsInterface(tv.Type) {
		return
	}
	from := tv.Type
	if b, ok := from.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return
	}
	if _, isTP := from.(*types.TypeParam); isTP {
		return
	}
	if tv.Value != nil {
		from = types.Default(from)
	}
	s, e2 := a.position(e.Pos()), a.position(e.End())
	size, _ := a.sizeof(from)
	b := &Boxing{File: a.fileName, Line: s.Line, Col: s.Column, EndLine: e2.Line, EndCol: e2.Column,
		Function: a.fnName(), Loop: loopID(a.curLoop()), Context: ctx, Callee: callee,
		To: a.typeString(to), From: a.typeString(from), Size: size, PointerShaped: pointerShaped(from, 0),
		Constant: tv.Value != nil, Expr: a.text(e), BasicKind: basicKind(from), Cold: a.cold(),
		Pointers: hasPointers(from, 0), Conditional: a.conditional(), StaticLiteral: a.staticLiteral(e)}
	if bk, ok := from.Underlying().(*types.Basic); ok {
		switch bk.Kind() {
		case types.Bool, types.Uint8, types.Int8, types.UntypedBool:
			b.SmallValue = true
		}
	}
	if id, ok := unparen(e).(*ast.Ident); ok {
		if obj := a.info.Uses[id]; obj != nil && a.isLocal(obj) {
			a.boxObjs[b] = obj
			b.LoopIndex = a.isLoopIndex(obj)
		}
	}
	a.pf.Boxings = append(a.pf.Boxings, b)
}

func (a *analyzer) conversion(n *ast.CallExpr, to types.Type) {
	if len(n.Args) != 1 {
		return
	}
	from := a.typeOf(n.Args[0])
	kind := ""
	isStr := func(t types.Type) bool {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsString != 0
	}
	elemKind := func(t types.Type) types.BasicKind {
		if s, ok := t.Underlying().(*types.Slice); ok {
			if b, ok := s.Elem().Underlying().(*types.Basic); ok {
				return b.Kind()
			}
		}
		return types.Invalid
	}
	switch {
	case isStr(to) && (elemKind(from) == types.Byte):
		kind = "string-from-bytes"
	case isStr(to) && elemKind(from) == types.Rune:
		kind = "string-from-runes"
	case isStr(from) && elemKind(to) == types.Byte:
		kind = "bytes-from-string"
	case isStr(from) && elemKind(to) == types.Rune:
		kind = "runes-from-string"
	}
	if kind == "" {
		return
	}
	s, e := a.position(n.Pos()), a.position(n.End())
	c := &Conversion{File: a.fileName, Line: s.Line, Col: s.Column, EndLine: e.Line, EndCol: e.Column,
		Function: a.fnName(), Loop: loopID(a.curLoop()), Kind: kind, Context: "other", Expr: a.text(n),
		Cold: a.cold(), Conditional: a.conditional()}
	if tv, ok := a.info.Types[n.Args[0]]; ok && tv.Value != nil {
		c.Constant = true
	}
	// context: the nearest non-paren parent
	par := a.parent(1)
	switch p := par.(type) {
	case *ast.IndexExpr:
		if _, ok := a.typeOf(p.X).Underlying().(*types.Map); ok && unparen(p.Index) == ast.Expr(n) {
			c.Context = "map-index-read"
			gp := a.parentOf(p)
			switch g := gp.(type) {
			case *ast.AssignStmt:
				for _, lhs := range g.Lhs {
					if unparen(lhs) == ast.Expr(p) {
						if g.Tok == token.ASSIGN {
							c.Context = "map-index-write"
						} else {
							c.Context = "map-index-update"
						}
					}
				}
			case *ast.IncDecStmt:
				c.Context = "map-index-update"
			}
		}
	case *ast.BinaryExpr:
		switch p.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			c.Context = "compare"
		case token.ADD:
			c.Context = "concat"
		}
	case *ast.SwitchStmt:
		if unparen(p.Tag) == ast.Expr(n) {
			c.Context = "switch-tag"
		}
	case *ast.RangeStmt:
		if unparen(p.X) == ast.Expr(n) {
			c.Context = "range"
		}
	case *ast.CallExpr:
		if a.isBuiltin(p.Fun, "append") {
			c.Context = "append-arg"
		} else if a.isBuiltin(p.Fun, "copy") {
			c.Context = "copy-arg"
		} else if a.isBuiltin(p.Fun, "len") {
			c.Context = "len"
		} else {
			c.Context = "call-arg"
		}
	case *ast.AssignStmt, *ast.ValueSpec:
		c.Context = "assign"
	case *ast.ReturnStmt:
		c.Context = "return"
	}
	a.pf.Conversions = append(a.pf.Conversions, c)
}

func (a *analyzer) parentOf(n ast.Node) ast.Node {
	for i := len(a.stack) - 1; i > 0; i-- {
		if a.stack[i] == n {
			j := i - 1
			for j > 0 {
				if _, ok := a.stack[j].(*ast.ParenExpr); !ok {
					break
				}
				j--
			}
			return a.stack[j]
		}
	}
	return nil
}

func (a *analyzer) receiver(n *ast.FuncDecl, name string) {
	f := n.Recv.List[0]
	t := a.typeOf(f.Type)
	ptr := false
	if p, ok := t.(*types.Pointer); ok {
		ptr = true
		t = p.Elem()
	}
	size, ok := a.sizeof(t)
	if !ok {
		return
	}
	p := a.position(f.Type.Pos())
	rn := ""
	if len(f.Names) > 0 {
		rn = f.Names[0].Name
	}
	r := &Receiver{Function: name, File: a.fileName, Line: p.Line, Col: p.Column,
		Type: a.typeString(t), Pointer: ptr, Size: size, Name: rn}
	if n.Body != nil {
		ast.Inspect(n.Body, func(x ast.Node) bool {
			if x != nil {
				r.BodyNodes++
			}
			return true
		})
	}
	if len(f.Names) > 0 {
		if obj := a.info.Defs[f.Names[0]]; obj != nil {
			a.recvObjs[r] = obj
		}
	}
	a.pf.Receivers = append(a.pf.Receivers, r)
}

func (a *analyzer) rangeStmt(n *ast.RangeStmt) {
	// Declare range variables.
	if n.Tok == token.DEFINE {
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok {
				a.declare(id, "range", nil, nil, nil)
				if v := a.vars[a.info.Defs[id]]; v != nil {
					v.Init = "other"
				}
			}
		}
	} else {
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if e == nil {
				continue
			}
			if id, ok := unparen(e).(*ast.Ident); ok {
				if obj := a.info.Uses[id]; obj != nil {
					a.write(obj, id.Pos(), "assign")
				}
			}
		}
	}
	if n.Value == nil {
		return
	}
	if id, ok := n.Value.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	vt := a.typeOf(n.Value)
	size, ok := a.sizeof(vt)
	if !ok || size < 64 {
		return
	}
	over := ""
	switch u := a.typeOf(n.X).Underlying().(type) {
	case *types.Slice:
		over = "slice"
	case *types.Array:
		over = "array"
	case *types.Map:
		over = "map"
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); ok {
			over = "pointer-to-array"
		}
	case *types.Chan:
		over = "chan"
	}
	p := a.position(n.Value.Pos())
	rc := &RangeCopy{File: a.fileName, Line: p.Line, Col: p.Column,
		Function: a.fnName(), Loop: loopID(a.curLoop()), Over: over, Type: a.typeString(vt), Size: size,
		Value: a.text(n.Value), RangeExpr: a.text(n.X)}
	if id, ok := n.Value.(*ast.Ident); ok {
		rc.WholeUse = a.wholeUse(a.info.ObjectOf(id), n.Body)
	} else {
		rc.WholeUse = true
	}
	a.pf.RangeCopies = append(a.pf.RangeCopies, rc)
}

func (a *analyzer) loop(n ast.Stmt) {
	f := a.curFunc()
	if f == nil {
		return
	}
	p := a.position(n.Pos())
	l := &Loop{ID: len(a.pf.Loops), Function: f.name, File: a.fileName, Line: p.Line, Col: p.Column,
		EndLine: a.position(n.End()).Line, Parent: loopID(a.curLoop()), Continues: []Pos{}}
	// indentation of the loop's line
	lineStart := p.Offset - (p.Column - 1)
	if lineStart >= 0 && p.Offset <= len(a.src) {
		ind := a.src[lineStart:p.Offset]
		if strings.TrimSpace(string(ind)) == "" {
			l.Indent = string(ind)
		}
	}
	a.loopNodes[n] = l
	a.loopNodeOf[l] = n
	a.loopPos[l] = n.Pos()
	l.Block = a.block(n)
	var boundExpr ast.Expr
	switch s := n.(type) {
	case *ast.RangeStmt:
		l.Kind = "range"
		xt := a.typeOf(s.X)
		switch u := xt.Underlying().(type) {
		case *types.Slice:
			l.RangeOver = "slice"
			if a.pure(s.X) {
				l.Bound = "len(" + a.text(s.X) + ")"
				l.BoundExact = true
				boundExpr = s.X
			}
		case *types.Array:
			l.RangeOver = "array"
			v := u.Len()
			l.Bound, l.BoundConst, l.BoundExact = fmt.Sprint(v), &v, true
		case *types.Pointer:
			if arr, ok := u.Elem().Underlying().(*types.Array); ok {
				l.RangeOver = "pointer-to-array"
				v := arr.Len()
				l.Bound, l.BoundConst, l.BoundExact = fmt.Sprint(v), &v, true
			}
		case *types.Map:
			l.RangeOver = "map"
			if a.pure(s.X) {
				l.Bound = "len(" + a.text(s.X) + ")"
				l.BoundExact = true
				boundExpr = s.X
			}
		case *types.Chan:
			l.RangeOver = "chan"
		case *types.Signature:
			l.RangeOver = "func"
		case *types.Basic:
			if u.Info()&types.IsString != 0 {
				l.RangeOver = "string"
				if c := a.info.Types[s.X]; c.Value != nil {
					v := int64(len(constant.StringVal(c.Value)))
					l.Bound, l.BoundConst = fmt.Sprint(v), &v
				} else if a.pure(s.X) {
					l.Bound = "len(" + a.text(s.X) + ")"
					boundExpr = s.X
				}
				l.BoundExact = false
			} else if u.Info()&types.IsInteger != 0 {
				l.RangeOver = "int"
				if c := a.constInt(s.X); c != nil {
					l.Bound, l.BoundConst, l.BoundExact = fmt.Sprint(*c), c, true
				} else if a.pure(s.X) {
					l.Bound = a.text(s.X)
					l.BoundExact = true
					boundExpr = s.X
				}
			}
		}
	case *ast.ForStmt:
		l.Kind = "for"
		boundExpr = a.countedBound(s, l)
	}
	if boundExpr != nil {
		a.boundObjs[l] = a.freeVars(boundExpr)
	}
	f.loops = append(f.loops, l)
	a.pf.Loops = append(a.pf.Loops, l)
}

// pure: an expression without calls (other than len/cap and conversions) or receives,
// whose value can be written again elsewhere in the function.
func (a *analyzer) pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if a.isBuiltin(x.Fun, "len") || a.isBuiltin(x.Fun, "cap") {
				return true
			}
			if tv := a.info.Types[x.Fun]; tv.IsType() {
				return true
			}
			ok = false
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit, *ast.CompositeLit, *ast.TypeAssertExpr, *ast.StarExpr:
			ok = false
		case *ast.SelectorExpr:
			if sel := a.info.Selections[x]; sel != nil && sel.Kind() != types.FieldVal {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func (a *analyzer) freeVars(e ast.Expr) []types.Object {
	var objs []types.Object
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if obj := a.info.Uses[id]; obj != nil && a.isLocal(obj) {
				objs = append(objs, obj)
			}
		}
		return true
	})
	return objs
}

// countedBound recognises for i := lo; i < hi; i++ (and <=, and the descending form) whose
// index and bound the body does not change; it returns the expression the bound reads.
func (a *analyzer) countedBound(s *ast.ForStmt, l *Loop) ast.Expr {
	init, ok := s.Init.(*ast.AssignStmt)
	if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return nil
	}
	iv, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return nil
	}
	iobj := a.info.ObjectOf(iv)
	if iobj == nil {
		return nil
	}
	if b, ok := iobj.Type().Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
		return nil
	}
	cond, ok := s.Cond.(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	step := 0
	switch p := s.Post.(type) {
	case *ast.IncDecStmt:
		if !a.sameVar(p.X, iv) {
			return nil
		}
		if p.Tok == token.INC {
			step = 1
		} else {
			step = -1
		}
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 || !a.sameVar(p.Lhs[0], iv) {
			return nil
		}
		if c := a.constInt(p.Rhs[0]); c != nil && *c == 1 {
			if p.Tok == token.ADD_ASSIGN {
				step = 1
			} else if p.Tok == token.SUB_ASSIGN {
				step = -1
			}
		}
	}
	if step == 0 {
		return nil
	}
	var other ast.Expr
	op := cond.Op
	if a.sameVar(cond.X, iv) {
		other = cond.Y
	} else if a.sameVar(cond.Y, iv) {
		other = cond.X
		switch op { // mirror
		case token.LSS:
			op = token.GTR
		case token.GTR:
			op = token.LSS
		case token.LEQ:
			op = token.GEQ
		case token.GEQ:
			op = token.LEQ
		}
	} else {
		return nil
	}
	lo := init.Rhs[0]
	if !a.pure(other) || !a.pure(lo) {
		return nil
	}
	// the body must not change the index or the bound
	changed := false
	objs := append(a.freeVars(other), iobj)
	ast.Inspect(s.Body, func(n ast.Node) bool {
		var lhs []ast.Expr
		switch x := n.(type) {
		case *ast.AssignStmt:
			lhs = x.Lhs
		case *ast.IncDecStmt:
			lhs = []ast.Expr{x.X}
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				lhs = []ast.Expr{x.X}
			}
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN {
				lhs = []ast.Expr{x.Key, x.Value}
			}
		}
		for _, e := range lhs {
			if e == nil {
				continue
			}
			for _, o := range objs {
				if r := a.rootObj(e); r == o {
					changed = true
				}
				if id, ok := unparen(e).(*ast.Ident); ok && a.info.Uses[id] == o {
					changed = true
				}
			}
		}
		return !changed
	})
	if changed {
		return nil
	}
	ot, lt := a.text(other), a.text(lo)
	oc, lc := a.constInt(other), a.constInt(lo)
	set := func(text string, c *int64) {
		l.Bound, l.BoundConst, l.BoundExact = text, c, true
		if c != nil && *c < 0 {
			v := int64(0)
			l.BoundConst = &v
			l.Bound = "0"
		}
	}
	paren := func(t string) string {
		if strings.ContainsAny(t, "+-*/%&|^<> ") {
			return "(" + t + ")"
		}
		return t
	}
	switch {
	case step == 1 && (op == token.LSS || op == token.LEQ):
		extra := int64(0)
		if op == token.LEQ {
			extra = 1
		}
		if oc != nil && lc != nil {
			v := *oc - *lc + extra
			set(fmt.Sprint(v), &v)
		} else if lc != nil && *lc == 0 {
			if extra == 1 {
				set(paren(ot)+"+1", nil)
			} else {
				set(ot, nil)
			}
		} else if lc != nil && *lc-extra == 0 {
			set(ot, nil) // for i := 1; i <= n; i++
		} else if lc != nil && *lc-extra > 0 {
			set(paren(ot)+"-"+fmt.Sprint(*lc-extra), nil)
		} else {
			t := paren(ot) + "-" + paren(lt)
			if extra == 1 {
				t += "+1"
			}
			set(t, nil)
		}
	case step == -1 && (op == token.GTR || op == token.GEQ):
		extra := int64(0)
		if op == token.GEQ {
			extra = 1
		}
		if oc != nil && lc != nil {
			v := *lc - *oc + extra
			set(fmt.Sprint(v), &v)
		} else if oc != nil && *oc == 0 && extra == 1 {
			// for i := n - 1; i >= 0; i--
			if be, ok := unparen(lo).(*ast.BinaryExpr); ok && be.Op == token.SUB {
				if c := a.constInt(be.Y); c != nil && *c == 1 {
					set(a.text(be.X), nil)
					break
				}
			}
			set(paren(lt)+"+1", nil)
		} else if oc != nil && *oc == 0 && extra == 0 {
			set(lt, nil) // for i := n; i > 0; i--
		} else {
			t := paren(lt) + "-" + paren(ot)
			if extra == 1 {
				t += "+1"
			}
			set(t, nil)
		}
	default:
		return nil
	}
	// The bound text mixes lo and hi: both must be readable before the loop.
	return &ast.BinaryExpr{X: other, Op: token.ADD, Y: lo}
}

func (a *analyzer) branch(n *ast.BranchStmt) {
	f := a.curFunc()
	if f == nil || len(f.loops) == 0 {
		return
	}
	switch n.Tok {
	case token.GOTO:
		for _, l := range f.loops {
			l.ExitsEarly = true
		}
		return
	case token.FALLTHROUGH:
		return
	}
	// find the target statement
	var target ast.Node
	if n.Label != nil {
		if obj := a.info.Uses[n.Label]; obj != nil {
			for i := len(a.stack) - 1; i >= 0; i-- {
				if ls, ok := a.stack[i].(*ast.LabeledStmt); ok && a.info.Defs[ls.Label] == obj {
					target = ls.Stmt
					break
				}
			}
		}
	} else {
		for i := len(a.stack) - 1; i >= 0; i-- {
			switch s := a.stack[i].(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				target = s
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n.Tok == token.BREAK {
					target = s
				}
			case *ast.FuncLit:
				return
			}
			if target != nil {
				break
			}
		}
	}
	tl := a.loopNodes[target]
	if n.Tok == token.BREAK {
		if tl == nil {
			return // breaks a switch or select
		}
		// leaves tl and every loop inside it
		mark := false
		for _, l := range f.loops {
			if l == tl {
				mark = true
			}
			if mark {
				l.ExitsEarly = true
			}
		}
		return
	}
	// continue
	if tl == nil {
		return
	}
	p := a.position(n.Pos())
	tl.Continues = append(tl.Continues, Pos{p.Line, p.Column})
	inner := false
	for _, l := range f.loops {
		if inner {
			l.ExitsEarly = true
		}
		if l == tl {
			inner = true
		}
	}
}

func (a *analyzer) closure(lit *ast.FuncLit) {
	p := a.position(lit.Pos())
	ctx := "other"
	par := a.parent(1)
	if call, ok := par.(*ast.CallExpr); ok && unparen(call.Fun) == ast.Expr(lit) {
		switch a.parentOf(call).(type) {
		case *ast.GoStmt:
			ctx = "go"
		case *ast.DeferStmt:
			ctx = "defer"
		default:
			ctx = "call"
		}
	} else if _, ok := par.(*ast.CallExpr); ok {
		ctx = "call-arg"
	} else if _, ok := par.(*ast.AssignStmt); ok {
		ctx = "assign"
	}
	c := &Closure{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Context: ctx, Captures: []Capture{}}
	seen := map[types.Object]bool{}
	var objs []types.Object
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := a.info.Uses[id]
		if obj == nil || seen[obj] || !a.isLocal(obj) {
			return true
		}
		if obj.Pos() >= lit.Pos() && obj.Pos() < lit.End() {
			return true
		}
		seen[obj] = true
		objs = append(objs, obj)
		return true
	})
	a.pf.Closures = append(a.pf.Closures, c)
	a.closures = append(a.closures, &pendingClosure{c: c, lit: lit, objs: objs})
}

// post computes what needs the whole package: every-iteration flags, bound positions,
// constant locals and captures.
func (a *analyzer) post() {
	contBefore := func(l *Loop, pos token.Pos) bool {
		lp := a.position(pos)
		for _, c := range l.Continues {
			if c.Line < lp.Line || (c.Line == lp.Line && c.Col < lp.Column) {
				return true
			}
		}
		return false
	}
	for _, ps := range a.pendingAppends {
		if ps.loop != nil && ps.top && !contBefore(ps.loop, ps.pos) {
			ps.app.EveryIter = true
		}
	}
	for _, ps := range a.pendingMapOps {
		if ps.loop != nil && ps.top && !contBefore(ps.loop, ps.pos) {
			ps.mop.EveryIter = true
		}
	}
	for l, objs := range a.boundObjs {
		loopPos := a.loopPos[l]
		var since token.Pos
		for _, o := range objs {
			if o.Pos() > since && o.Pos() < loopPos {
				since = o.Pos()
			}
			for _, w := range a.writes[o] {
				if w > since && w < loopPos {
					since = w
				}
			}
		}
		if since.IsValid() {
			p := a.position(since)
			l.BoundSince = &Pos{p.Line, p.Column}
		} else {
			p := a.position(loopPos)
			_ = p
			l.BoundSince = &Pos{0, 0}
		}
	}
	for r, obj := range a.recvObjs {
		r.Mutated = len(a.writes[obj]) > 1
	}
	for b, obj := range a.boxObjs {
		if a.constInit[obj] {
			b.ConstLocal = true
		}
	}
	for _, pc := range a.closures {
		for _, obj := range pc.objs {
			kind := collKind(obj.Type())
			size, _ := a.sizeof(obj.Type())
			p := a.position(obj.Pos())
			cp := Capture{Name: obj.Name(), Key: a.objKey(obj), DeclLine: p.Line, DeclCol: p.Column, Kind: kind,
				Type: a.typeString(obj.Type()), Size: size}
			if kind == "" {
				cp.Kind = "other"
			}
			for _, w := range a.writes[obj] {
				if w == obj.Pos() {
					continue
				}
				if w >= pc.lit.Pos() && w < pc.lit.End() {
					cp.WrittenInside = true
				} else if w > pc.lit.End() {
					cp.WrittenAfter = true
				}
			}
			if v := a.vars[obj]; v != nil {
				v.Captured = true
			}
			pc.c.Captures = append(pc.c.Captures, cp)
		}
		sort.Slice(pc.c.Captures, func(i, j int) bool {
			return pc.c.Captures[i].DeclLine < pc.c.Captures[j].DeclLine
		})
	}
	for _, obj := range a.varOrder {
		a.pf.Vars = append(a.pf.Vars, a.vars[obj])
	}
}

// cold: the current node is on a path that leaves the innermost loop (a return or panic
// statement around it, or a block that ends in return, panic, break or goto), so it runs at
// most once per loop, not on every iteration.
func (a *analyzer) cold() bool {
	l := a.curLoop()
	if l == nil {
		return false
	}
	for i := len(a.stack) - 1; i >= 0; i-- {
		n := a.stack[i]
		if a.loopNodes[n] == l {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			return true
		case *ast.CallExpr:
			if a.isBuiltin(x.Fun, "panic") || isFatal(a.calleeName(x.Fun)) {
				return true
			}
		case *ast.BlockStmt:
			if k := len(x.List); k > 0 && a.exits(x.List[k-1]) {
				return true
			}
		case *ast.CaseClause:
			if k := len(x.Body); k > 0 && a.exits(x.Body[k-1]) {
				return true
			}
		case *ast.CommClause:
			if k := len(x.Body); k > 0 && a.exits(x.Body[k-1]) {
				return true
			}
		}
	}
	return false
}

func isFatal(name string) bool {
	for _, p := range []string{"log.Fatal", "log.Panic", "os.Exit", ".Fatal", ".Panic"} {
		if strings.HasPrefix(name, p) || strings.Contains(name, p) {
			return true
		}
	}
	return false
}

func (a *analyzer) exits(s ast.Stmt) bool {
	switch x := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return x.Tok == token.BREAK || x.Tok == token.GOTO
	case *ast.ExprStmt:
		if c, ok := x.X.(*ast.CallExpr); ok {
			return a.isBuiltin(c.Fun, "panic") || isFatal(a.calleeName(c.Fun))
		}
	}
	return false
}

// block: "line:col" of the innermost block (or case clause) that holds the node on top of
// the stack (or stmt, when it is on the stack).
func (a *analyzer) block(stmt ast.Node) string {
	i := len(a.stack) - 1
	if stmt != nil {
		for j := len(a.stack) - 1; j >= 0; j-- {
			if a.stack[j] == stmt {
				i = j
				break
			}
		}
	}
	for i--; i >= 0; i-- {
		switch b := a.stack[i].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			p := a.position(b.Pos())
			return fmt.Sprintf("%d:%d", p.Line, p.Column)
		}
	}
	return ""
}

// isLoopIndex: obj is the index of the innermost loop and counts up from 0.
func (a *analyzer) isLoopIndex(obj types.Object) bool {
	l := a.curLoop()
	if l == nil {
		return false
	}
	for node, ll := range a.loopNodes {
		if ll != l {
			continue
		}
		switch s := node.(type) {
		case *ast.RangeStmt:
			if id, ok := s.Key.(*ast.Ident); ok && a.info.Defs[id] == obj {
				return l.RangeOver == "slice" || l.RangeOver == "array" || l.RangeOver == "int" ||
					l.RangeOver == "pointer-to-array" || l.RangeOver == "string"
			}
		case *ast.ForStmt:
			if init, ok := s.Init.(*ast.AssignStmt); ok && len(init.Lhs) == 1 && len(init.Rhs) == 1 {
				if id, ok := init.Lhs[0].(*ast.Ident); ok && a.info.Defs[id] == obj {
					if c := a.constInt(init.Rhs[0]); c != nil && *c >= 0 {
						if inc, ok := s.Post.(*ast.IncDecStmt); ok && inc.Tok == token.INC {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// wholeUse: does body use obj other than by reading its fields (or array elements)?
func (a *analyzer) wholeUse(obj types.Object, body ast.Node) bool {
	if obj == nil || body == nil {
		return true
	}
	var stack []ast.Node
	whole := false
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		id, ok := n.(*ast.Ident)
		if !ok || a.info.Uses[id] != obj {
			return !whole
		}
		// climb through field selections and array indexing rooted at the ident
		i := len(stack) - 1
		var cur ast.Node = id
		for i > 0 {
			par := stack[i-1]
			if sel, ok := par.(*ast.SelectorExpr); ok && sel.X == cur {
				if s := a.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal && !s.Indirect() {
					cur, i = sel, i-1
					continue
				}
				whole = true // a method value or call
				return false
			}
			if ix, ok := par.(*ast.IndexExpr); ok && ix.X == cur {
				if _, isArr := a.typeOf(ix.X).Underlying().(*types.Array); isArr {
					cur, i = ix, i-1
					continue
				}
			}
			if pe, ok := par.(*ast.ParenExpr); ok && pe.X == cur {
				cur, i = pe, i-1
				continue
			}
			break
		}
		if cur == ast.Node(id) {
			whole = true // the value itself
			return false
		}
		if i > 0 {
			switch par := stack[i-1].(type) {
			case *ast.AssignStmt:
				for _, l := range par.Lhs {
					if l == cur {
						whole = true
					}
				}
			case *ast.IncDecStmt:
				whole = true
			case *ast.UnaryExpr:
				if par.Op == token.AND {
					whole = true
				}
			}
		}
		// a field that is itself large and passed whole is a copy of that field only: fine
		return !whole
	})
	return whole
}

// staticLiteral mirrors the compiler's isStaticCompositeLiteral: struct and array literals
// whose elements are constants or such literals themselves.
func (a *analyzer) staticLiteral(e ast.Expr) bool {
	cl, ok := unparen(e).(*ast.CompositeLit)
	if !ok {
		return false
	}
	switch a.typeOf(cl).Underlying().(type) {
	case *types.Struct, *types.Array:
	default:
		return false
	}
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		if tv, ok := a.info.Types[el]; ok && tv.Value != nil {
			continue
		}
		if !a.staticLiteral(el) {
			return false
		}
	}
	return true
}
