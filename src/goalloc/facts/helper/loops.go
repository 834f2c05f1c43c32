package main

import (
	"go/ast"
	"go/token"
	"strings"
)

// Loop is a for or range statement, with its trip count when it is known before the loop
// starts.
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
	BoundSince *Pos   `json:"bound_since"`
	Parent     int    `json:"parent"`      // enclosing loop in the same function, -1 if none
	ExitsEarly bool   `json:"exits_early"` // break, return, goto or a labeled continue of an outer loop
	Continues  []Pos  `json:"continues"`   // continue statements that start this loop's next iteration
	Indent     string `json:"indent"`
	Block      string `json:"block"` // "line:col" of the innermost block around the loop
}

func loopID(l *Loop) int {
	if l == nil {
		return -1
	}
	return l.ID
}

// loop records a for or range statement and enters it.
func (a *analyzer) loop(n ast.Stmt) {
	f := a.curFunc()
	if f == nil {
		return
	}
	p := a.position(n.Pos())
	l := &Loop{ID: len(a.pf.Loops), Function: f.name, File: a.fileName, Line: p.Line, Col: p.Column,
		EndLine: a.position(n.End()).Line, Parent: loopID(a.curLoop()), Continues: []Pos{},
		Indent: a.indentOf(p)}
	a.loopOf[n] = l
	a.nodeOf[l] = n
	l.Block = a.block(n)
	var boundExpr ast.Expr
	switch s := n.(type) {
	case *ast.RangeStmt:
		l.Kind = "range"
		boundExpr = a.rangeBound(s, l)
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

// indentOf is the white space before p on its line ("" if something else is before it).
func (a *analyzer) indentOf(p token.Position) string {
	lineStart := p.Offset - (p.Column - 1)
	if lineStart < 0 || p.Offset > len(a.src) {
		return ""
	}
	ind := string(a.src[lineStart:p.Offset])
	if strings.TrimSpace(ind) != "" {
		return ""
	}
	return ind
}

// curLoop is the innermost loop whose iterations run the current node. A for statement's
// init and a range expression run once, so they belong to the loop around it.
func (a *analyzer) curLoop() *Loop {
	f := a.curFunc()
	if f == nil {
		return nil
	}
	top := a.stack[len(a.stack)-1]
	for i := len(f.loops) - 1; i >= 0; i-- {
		if l := f.loops[i]; !runsOnce(a.nodeOf[l], top) {
			return l
		}
	}
	return nil
}

// runsOnce: n is in the part of loop that runs before its first iteration.
func runsOnce(loop, n ast.Node) bool {
	switch s := loop.(type) {
	case *ast.ForStmt:
		return s.Init != nil && within(s.Init, n)
	case *ast.RangeStmt:
		return s.X != nil && within(s.X, n)
	}
	return false
}

func within(outer, inner ast.Node) bool {
	return inner.Pos() >= outer.Pos() && inner.End() <= outer.End()
}

// returnStmt: a return leaves every loop of its function.
func (a *analyzer) returnStmt(*ast.ReturnStmt) {
	if f := a.curFunc(); f != nil {
		for _, l := range f.loops {
			l.ExitsEarly = true
		}
	}
}

// branch records what a break, continue or goto does to the loops around it.
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
	target := a.loopOf[a.branchTarget(n)]
	if target == nil {
		return // a break of a switch or select
	}
	left := loopsFrom(f.loops, target) // target and the loops inside it
	if n.Tok == token.BREAK {
		for _, l := range left {
			l.ExitsEarly = true
		}
		return
	}
	p := a.position(n.Pos())
	target.Continues = append(target.Continues, Pos{p.Line, p.Column})
	if len(left) > 0 {
		for _, l := range left[1:] {
			l.ExitsEarly = true
		}
	}
}

// branchTarget is the statement a break or continue applies to (nil when an unlabeled one
// is inside a function literal inside the loop).
func (a *analyzer) branchTarget(n *ast.BranchStmt) ast.Node {
	if n.Label != nil {
		obj := a.info.Uses[n.Label]
		if obj == nil {
			return nil
		}
		for i := len(a.stack) - 1; i >= 0; i-- {
			if ls, ok := a.stack[i].(*ast.LabeledStmt); ok && a.info.Defs[ls.Label] == obj {
				return ls.Stmt
			}
		}
		return nil
	}
	for i := len(a.stack) - 1; i >= 0; i-- {
		switch s := a.stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return s
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if n.Tok == token.BREAK {
				return s
			}
		case *ast.FuncLit:
			return nil
		}
	}
	return nil
}

// loopsFrom is loops from target (included) inwards.
func loopsFrom(loops []*Loop, target *Loop) []*Loop {
	for i, l := range loops {
		if l == target {
			return loops[i:]
		}
	}
	return nil
}
