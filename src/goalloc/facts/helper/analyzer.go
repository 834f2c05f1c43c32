package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
)

// analyzer collects the facts of one type-checked package. It walks each file once,
// keeping the path from the file to the current node on a stack; what needs the whole
// package (every-iteration flags, captures, ...) is settled by finish.
type analyzer struct {
	fset  *token.FileSet
	info  *types.Info
	pkg   *types.Package
	sizes types.Sizes
	root  string
	pf    *PackageFacts

	fileName string     // the current file, relative to root
	src      []byte     // its bytes
	stack    []ast.Node // from the file down to the current node
	funcs    []*funcCtx // enclosing functions, innermost last

	vars      map[types.Object]*Var        // local slice and map variables
	varOrder  []types.Object               // in declaration order
	writes    map[types.Object][]token.Pos // declarations and writes of every local
	constInit map[types.Object]bool        // locals initialised with a constant, never written
	loopOf    map[ast.Node]*Loop           // a loop statement's facts
	nodeOf    map[*Loop]ast.Node           // and back
	boundObjs map[*Loop][]types.Object     // the locals a loop's bound reads
	boxObjs   map[*Boxing]types.Object     // the local a boxed expression names
	recvObjs  map[*Receiver]types.Object   // a method's receiver variable
	pending   []*pendingStmt               // appends and map operations inside loops
	closures  []*pendingClosure
}

// funcCtx is a function being walked.
type funcCtx struct {
	name  string
	node  ast.Node // *ast.FuncDecl or *ast.FuncLit
	loops []*Loop  // enclosing loops in this function, innermost last
	nlits int      // function literals seen in it so far
	lit   *ast.FuncLit
}

func newAnalyzer(fset *token.FileSet, info *types.Info, pkg *types.Package, sizes types.Sizes,
	root string, pf *PackageFacts) *analyzer {
	return &analyzer{fset: fset, info: info, pkg: pkg, sizes: sizes, root: root, pf: pf,
		vars: map[types.Object]*Var{}, writes: map[types.Object][]token.Pos{},
		constInit: map[types.Object]bool{}, loopOf: map[ast.Node]*Loop{},
		nodeOf: map[*Loop]ast.Node{}, boundObjs: map[*Loop][]types.Object{},
		boxObjs: map[*Boxing]types.Object{}, recvObjs: map[*Receiver]types.Object{}}
}

// file collects the facts of one file.
func (a *analyzer) file(f *ast.File) {
	full := a.fset.File(f.Pos()).Name()
	a.fileName = relFile(a.root, full)
	src, err := os.ReadFile(full)
	if err != nil {
		return
	}
	a.src = src
	a.pf.Ignores = append(a.pf.Ignores, a.ignoreDirectives(f)...)
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

// finish settles the facts that depend on the whole package.
func (a *analyzer) finish() {
	a.markEveryIteration()
	a.resolveBoundSince()
	a.markMutatedReceivers()
	a.markConstLocals()
	a.resolveCaptures()
	for _, obj := range a.varOrder {
		a.pf.Vars = append(a.pf.Vars, a.vars[obj])
	}
}

func (a *analyzer) enter(n ast.Node) {
	switch n := n.(type) {
	case *ast.FuncDecl:
		a.funcDecl(n)
	case *ast.FuncLit:
		a.funcLit(n)
	case *ast.ForStmt:
		a.loop(n)
	case *ast.RangeStmt:
		a.loop(n)
		a.rangeVars(n)
		a.rangeCopy(n)
	case *ast.BranchStmt:
		a.branch(n)
	case *ast.ReturnStmt:
		a.returnStmt(n)
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
		a.sendBoxing(n)
	case *ast.UnaryExpr:
		a.addressOf(n)
	case *ast.SelectorExpr:
		a.methodValue(n)
	}
}

func (a *analyzer) leave(n ast.Node) {
	switch n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		a.funcs = a.funcs[:len(a.funcs)-1]
	case *ast.ForStmt, *ast.RangeStmt:
		if f := a.curFunc(); f != nil && len(f.loops) > 0 && a.loopOf[n] == f.loops[len(f.loops)-1] {
			f.loops = f.loops[:len(f.loops)-1]
		}
	}
}

func (a *analyzer) funcDecl(n *ast.FuncDecl) {
	name := n.Name.Name
	if n.Recv != nil && len(n.Recv.List) > 0 {
		name = recvTypeName(n.Recv.List[0].Type) + "." + name
		a.receiver(n, name)
	}
	fn := Function{Name: name, File: a.fileName,
		Line: a.position(n.Pos()).Line, EndLine: a.position(n.End()).Line}
	a.signatureFacts(&fn, n.Type, n.Body)
	a.pf.Functions = append(a.pf.Functions, fn)
	a.coldPaths(name, n.Type, n.Body)
	a.funcs = append(a.funcs, &funcCtx{name: name, node: n})
	a.params(n.Type, n.Recv)
}

// funcLit names a function literal as the compiler does: F.func1, F.func2, and F.func1.1
// inside F.func1.
func (a *analyzer) funcLit(n *ast.FuncLit) {
	name := "func"
	if outer := a.curFunc(); outer != nil {
		outer.nlits++
		if outer.lit == nil {
			name = fmt.Sprintf("%s.func%d", outer.name, outer.nlits)
		} else {
			name = fmt.Sprintf("%s.%d", outer.name, outer.nlits)
		}
	}
	a.closure(n)
	a.coldPaths(name, n.Type, n.Body)
	a.funcs = append(a.funcs, &funcCtx{name: name, node: n, lit: n})
	a.params(n.Type, nil)
}

// call dispatches a call by what it calls: a conversion, a builtin, or a function whose
// interface parameters box their arguments.
func (a *analyzer) call(n *ast.CallExpr) {
	if tv := a.info.Types[n.Fun]; tv.IsType() {
		a.conversion(n, tv.Type)
		return
	}
	switch {
	case a.isBuiltin(n.Fun, "append"):
		a.appendCall(n)
	case a.isBuiltin(n.Fun, "make"):
		a.makeCall(n)
	case a.isBuiltin(n.Fun, "delete") && len(n.Args) == 2:
		a.deleteCall(n)
	case a.isBuiltin(n.Fun, "clear") && len(n.Args) == 1:
		a.clearCall(n)
	default:
		a.argBoxing(n)
		a.errorValue(n)
	}
}

func (a *analyzer) position(p token.Pos) token.Position { return a.fset.Position(p) }

// where is the Where of a fact at pos, in the current function and loop.
func (a *analyzer) where(pos token.Pos) Where {
	p := a.position(pos)
	return Where{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(), Loop: loopID(a.curLoop())}
}

// span is n's source range.
func (a *analyzer) span(n ast.Node) *Span {
	s, e := a.position(n.Pos()), a.position(n.End())
	return &Span{Line: s.Line, Col: s.Column, EndLine: e.Line, EndCol: e.Column}
}

// text is n's source text.
func (a *analyzer) text(n ast.Node) string {
	s := a.fset.Position(n.Pos()).Offset
	e := a.fset.Position(n.End()).Offset
	if s < 0 || e > len(a.src) || s > e {
		return ""
	}
	return string(a.src[s:e])
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

// parent is the n-th ancestor of the current node, not counting parentheses.
func (a *analyzer) parent(n int) ast.Node {
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

// parentOf is the parent of n, an ancestor of the current node, not counting parentheses.
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

// stmtOf is the innermost statement around the current node (n itself if there is none).
func (a *analyzer) stmtOf(n ast.Node) ast.Node {
	for i := len(a.stack) - 1; i >= 0; i-- {
		if s, ok := a.stack[i].(ast.Stmt); ok {
			return s
		}
	}
	return n
}

// block is "line:col" of the innermost block (or case clause) that holds stmt, when stmt
// is on the stack, else the current node.
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
