package main

import (
	"go/ast"
	"go/token"
	"strings"
)

// pendingStmt is an append or map operation inside a loop, whose every-iteration flag can
// be set only once the loop's continue statements are all known.
type pendingStmt struct {
	loop      *Loop
	pos       token.Pos
	top       bool  // a statement directly in the loop body
	everyIter *bool // the fact's flag to set
}

// markEveryIteration: a top-level statement of a loop body runs on every iteration unless
// a continue comes before it.
func (a *analyzer) markEveryIteration() {
	for _, ps := range a.pending {
		if ps.loop != nil && ps.top && !a.continueBefore(ps.loop, ps.pos) {
			*ps.everyIter = true
		}
	}
}

func (a *analyzer) continueBefore(l *Loop, pos token.Pos) bool {
	p := a.position(pos)
	for _, c := range l.Continues {
		if c.Line < p.Line || (c.Line == p.Line && c.Col < p.Column) {
			return true
		}
	}
	return false
}

// isLoopBodyStmt: stmt, an ancestor of the current node, is directly in the body of loop
// (through plain blocks and labels only).
func (a *analyzer) isLoopBodyStmt(stmt ast.Node, loop *Loop) bool {
	if loop == nil {
		return false
	}
	for i := len(a.stack) - 1; i >= 0; i-- {
		if a.stack[i] == stmt {
			return a.inLoopBody(a.stack[:i+1], loop)
		}
	}
	return false
}

// inLoopBody: the last node of path is directly in the body of loop.
func (a *analyzer) inLoopBody(path []ast.Node, loop *Loop) bool {
	for i := len(path) - 1; i > 0; i-- {
		switch p := path[i-1].(type) {
		case *ast.BlockStmt:
			if i >= 2 && a.loopOf[path[i-2]] == loop {
				return loopBody(path[i-2]) == p
			}
		case *ast.LabeledStmt:
		default:
			return false
		}
	}
	return false
}

func loopBody(n ast.Node) *ast.BlockStmt {
	switch s := n.(type) {
	case *ast.ForStmt:
		return s.Body
	case *ast.RangeStmt:
		return s.Body
	}
	return nil
}

// conditional: the current node runs only on some iterations of its loop: it is inside
// an if or else branch, a case clause, or the right operand of && or ||.
func (a *analyzer) conditional() bool {
	l := a.curLoop()
	if l == nil {
		return false
	}
	for i := len(a.stack) - 1; i > 0; i-- {
		child, parent := a.stack[i], a.stack[i-1]
		if a.loopOf[parent] == l {
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
		if a.loopOf[n] == l {
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
			if a.endsInExit(x.List) {
				return true
			}
		case *ast.CaseClause:
			if a.endsInExit(x.Body) {
				return true
			}
		case *ast.CommClause:
			if a.endsInExit(x.Body) {
				return true
			}
		}
	}
	return false
}

func (a *analyzer) endsInExit(list []ast.Stmt) bool {
	return len(list) > 0 && a.exits(list[len(list)-1])
}

// exits: s leaves the loop or the function (return, break, goto, panic, log.Fatal, ...).
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

// isFatal: the callee ends the program or panics (log.Fatal, os.Exit, t.Fatal, ...).
func isFatal(name string) bool {
	for _, p := range []string{"log.Fatal", "log.Panic", "os.Exit", ".Fatal", ".Panic"} {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}
