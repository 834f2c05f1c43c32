package main

import (
	"fmt"
	"go/ast"
	"go/types"
)

// Target is the variable, field or package variable an expression names: what an append
// appends to, what a map operation changes.
type Target struct {
	Kind     string `json:"kind"` // local, param, field, global, other
	Key      string `json:"key"`  // identity: "local:file:line:col", "field:pkg.T.f", "global:pkg.v"
	Name     string `json:"name"` // source text
	Type     string `json:"type"`
	DeclFn   string `json:"decl_function,omitempty"`
	DeclLoop int    `json:"decl_loop"`
}

// target describes what e names.
func (a *analyzer) target(e ast.Expr) *Target {
	e = unparen(e)
	t := &Target{Kind: "other", Name: a.text(e), Type: a.typeString(a.typeOf(e)), DeclLoop: -1}
	switch x := e.(type) {
	case *ast.Ident:
		a.identTarget(t, x)
	case *ast.SelectorExpr:
		a.selectorTarget(t, x)
	}
	return t
}

func (a *analyzer) identTarget(t *Target, id *ast.Ident) {
	v, ok := a.info.ObjectOf(id).(*types.Var)
	if !ok {
		return
	}
	t.Key = a.objKey(v)
	if !a.isLocal(v) {
		t.Kind = "global"
		return
	}
	t.Kind = "local"
	if decl := a.vars[v]; decl != nil {
		t.DeclFn = decl.Function
		t.DeclLoop = decl.Loop
		if decl.DeclKind == "param" || decl.DeclKind == "result" {
			t.Kind = "param"
		}
	}
}

func (a *analyzer) selectorTarget(t *Target, x *ast.SelectorExpr) {
	sel := a.info.Selections[x]
	if sel != nil && sel.Kind() == types.FieldVal {
		recv := sel.Recv()
		if p, ok := recv.Underlying().(*types.Pointer); ok {
			recv = p.Elem()
		}
		t.Kind = "field"
		t.Key = "field:" + types.TypeString(recv, nil) + "." + sel.Obj().Name()
	} else if obj, ok := a.info.Uses[x.Sel].(*types.Var); ok && sel == nil {
		t.Kind = "global" // pkg.V
		t.Key = a.objKey(obj)
	}
}

// rootObj is the local variable at the root of an addressable expression (x, x.f, x[i] for
// arrays), or nil.
func (a *analyzer) rootObj(e ast.Expr) types.Object {
	for {
		switch t := e.(type) {
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			if v, ok := a.info.ObjectOf(t).(*types.Var); ok && !v.IsField() {
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
			if isArray(a.typeOf(t.X)) {
				e = t.X
				continue
			}
			return nil
		default:
			return nil
		}
	}
}

// isLocal: obj is a variable declared inside a function.
func (a *analyzer) isLocal(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Parent() == nil || v.Pkg() != a.pkg {
		return false
	}
	return v.Parent() != a.pkg.Scope() && v.Parent() != types.Universe
}

// objKey identifies a variable across the package: by its declaration for locals.
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

// sameVar: x and y are identifiers of the same variable.
func (a *analyzer) sameVar(x, y ast.Expr) bool {
	xi, ok1 := unparen(x).(*ast.Ident)
	yi, ok2 := unparen(y).(*ast.Ident)
	if !ok1 || !ok2 {
		return false
	}
	ox, oy := a.info.ObjectOf(xi), a.info.ObjectOf(yi)
	return ox != nil && ox == oy
}
