package main

import (
	"go/ast"
	"go/types"
	"sort"
)

// Closure is a function literal and the local variables of enclosing functions it uses.
type Closure struct {
	File     string    `json:"file"`
	Line     int       `json:"line"`
	Col      int       `json:"col"`
	Function string    `json:"function"`
	Context  string    `json:"context"` // go, defer, call, call-arg, assign, other
	Captures []Capture `json:"captures"`
}

// Capture is a variable a closure captures; one written after the capture (inside or
// outside the closure) is captured by reference.
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

// pendingClosure is a closure whose captures are settled once every write is known.
type pendingClosure struct {
	c    *Closure
	lit  *ast.FuncLit
	objs []types.Object
}

func (a *analyzer) closure(lit *ast.FuncLit) {
	p := a.position(lit.Pos())
	c := &Closure{File: a.fileName, Line: p.Line, Col: p.Column, Function: a.fnName(),
		Context: a.closureContext(lit), Captures: []Capture{}}
	a.pf.Closures = append(a.pf.Closures, c)
	a.closures = append(a.closures, &pendingClosure{c: c, lit: lit, objs: a.capturedObjects(lit)})
}

// closureContext is what is done with a function literal: go, defer, call (called in
// place), call-arg, assign or other.
func (a *analyzer) closureContext(lit *ast.FuncLit) string {
	switch par := a.parent(1).(type) {
	case *ast.CallExpr:
		if unparen(par.Fun) != ast.Expr(lit) {
			return "call-arg"
		}
		switch a.parentOf(par).(type) {
		case *ast.GoStmt:
			return "go"
		case *ast.DeferStmt:
			return "defer"
		}
		return "call"
	case *ast.AssignStmt:
		return "assign"
	}
	return "other"
}

// capturedObjects are the local variables declared outside lit that its body uses, in
// order of first use.
func (a *analyzer) capturedObjects(lit *ast.FuncLit) []types.Object {
	seen := map[types.Object]bool{}
	var objs []types.Object
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := a.info.Uses[id]
		if obj == nil || seen[obj] || !a.isLocal(obj) || (obj.Pos() >= lit.Pos() && obj.Pos() < lit.End()) {
			return true
		}
		seen[obj] = true
		objs = append(objs, obj)
		return true
	})
	return objs
}

// resolveCaptures fills in each closure's captures, with where they are written.
func (a *analyzer) resolveCaptures() {
	for _, pc := range a.closures {
		for _, obj := range pc.objs {
			pc.c.Captures = append(pc.c.Captures, a.capture(pc.lit, obj))
			if v := a.vars[obj]; v != nil {
				v.Captured = true
			}
		}
		sort.Slice(pc.c.Captures, func(i, j int) bool {
			return pc.c.Captures[i].DeclLine < pc.c.Captures[j].DeclLine
		})
	}
}

func (a *analyzer) capture(lit *ast.FuncLit, obj types.Object) Capture {
	kind := collKind(obj.Type())
	if kind == "" {
		kind = "other"
	}
	size, _ := a.sizeof(obj.Type())
	p := a.position(obj.Pos())
	cp := Capture{Name: obj.Name(), Key: a.objKey(obj), DeclLine: p.Line, DeclCol: p.Column, Kind: kind,
		Type: a.typeString(obj.Type()), Size: size}
	for _, w := range a.writes[obj] {
		if w == obj.Pos() {
			continue
		}
		if w >= lit.Pos() && w < lit.End() {
			cp.WrittenInside = true
		} else if w > lit.End() {
			cp.WrittenAfter = true
		}
	}
	return cp
}
