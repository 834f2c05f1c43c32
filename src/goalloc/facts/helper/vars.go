package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// Var is a local slice or map variable (parameters and results included) and every write
// to it.
type Var struct {
	Where
	Key      string `json:"key"`
	Name     string `json:"name"`
	Kind     string `json:"kind"` // slice or map
	Type     string `json:"type"`
	TypeText string `json:"type_text"` // as written in the declaration, "" if not written
	DeclKind string `json:"decl_kind"` // var, define, param, result, range
	Init     string `json:"init"`      // nil, empty-literal, literal, make, make-len, make-cap, make-hint, other, none
	InitLen  string `json:"init_len"`
	InitCap  string `json:"init_cap"`
	// The statement that declares only this variable: replacing it is safe.
	Stmt        *Span      `json:"stmt"`
	Writes      []VarWrite `json:"writes"`
	Captured    bool       `json:"captured"`
	Block       string     `json:"block"` // "line:col" of the innermost block around the declaration
	Elem        *Layout    `json:"elem"`
	KeyLayout   *Layout    `json:"key_layout"`
	ValueLayout *Layout    `json:"value_layout"`
}

// VarWrite is a declaration of or a write to a Var.
type VarWrite struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Kind     string `json:"kind"` // decl, assign, append-self, addr, closure-write, inc
	Loop     int    `json:"loop"`
	Function string `json:"function"`
}

// declare records the declaration of a local variable; a slice or map also gets a Var.
func (a *analyzer) declare(id *ast.Ident, declKind string, typeExpr ast.Expr, init ast.Expr, stmt ast.Node) {
	obj := a.info.Defs[id]
	if obj == nil || id.Name == "_" {
		return
	}
	if init != nil && a.isConstant(init) {
		a.constInit[obj] = true
	}
	kind := collKind(obj.Type())
	if kind == "" {
		a.writes[obj] = append(a.writes[obj], id.Pos())
		return
	}
	v := &Var{Where: a.where(id.Pos()), Key: a.objKey(obj), Name: id.Name, Kind: kind, Type: a.typeString(obj.Type()),
		DeclKind: declKind, Init: "none", Writes: []VarWrite{}, Block: a.block(stmt)}
	if typeExpr != nil {
		v.TypeText = a.text(typeExpr)
	}
	switch u := obj.Type().Underlying().(type) {
	case *types.Slice:
		v.Elem = a.layout(u.Elem())
	case *types.Map:
		v.KeyLayout = a.layout(u.Key())
		v.ValueLayout = a.layout(u.Elem())
	}
	if declKind == "var" && init == nil {
		v.Init = "nil"
	} else if init != nil {
		v.Init, v.InitLen, v.InitCap = a.initKind(init)
		if v.TypeText == "" {
			v.TypeText = a.initTypeText(init)
		}
	}
	if stmt != nil {
		v.Stmt = a.span(stmt)
	}
	a.vars[obj] = v
	a.varOrder = append(a.varOrder, obj)
	a.write(obj, id.Pos(), "decl")
}

// initKind classifies an initial value, with the length and capacity as written.
func (a *analyzer) initKind(init ast.Expr) (kind, length, capacity string) {
	switch e := unparen(init).(type) {
	case *ast.Ident:
		if _, ok := a.info.Uses[e].(*types.Nil); ok && e.Name == "nil" {
			return "nil", "", ""
		}
	case *ast.CompositeLit:
		if len(e.Elts) == 0 {
			return "empty-literal", "", ""
		}
		return "literal", fmt.Sprint(len(e.Elts)), ""
	case *ast.CallExpr:
		if a.isBuiltin(e.Fun, "make") {
			return a.makeInitKind(e)
		}
	}
	return "other", "", ""
}

func (a *analyzer) makeInitKind(e *ast.CallExpr) (kind, length, capacity string) {
	switch len(e.Args) {
	case 1:
		return "make", "", ""
	case 2:
		isMapType := collKind(a.typeOf(e.Args[0])) == "map"
		if isMapType {
			return "make-hint", a.text(e.Args[1]), ""
		}
		if c := a.constInt(e.Args[1]); c != nil && *c == 0 {
			return "make", "0", ""
		}
		return "make-len", a.text(e.Args[1]), ""
	case 3:
		return "make-cap", a.text(e.Args[1]), a.text(e.Args[2])
	}
	return "other", "", ""
}

// initTypeText is the type as an initial value writes it: T{...} or make(T, ...).
func (a *analyzer) initTypeText(init ast.Expr) string {
	switch e := unparen(init).(type) {
	case *ast.CompositeLit:
		if e.Type != nil {
			return a.text(e.Type)
		}
	case *ast.CallExpr:
		if a.isBuiltin(e.Fun, "make") && len(e.Args) > 0 {
			return a.text(e.Args[0])
		}
	}
	return ""
}

// write records a write to a local variable: a declaration, an assignment, an append to
// itself, its address taken, an increment. A write from inside a closure to a variable
// declared outside it is a closure-write.
func (a *analyzer) write(obj types.Object, pos token.Pos, kind string) {
	if !a.isLocal(obj) {
		return
	}
	a.writes[obj] = append(a.writes[obj], pos)
	if v := a.vars[obj]; v != nil {
		f := a.curFunc()
		if f != nil && f.lit != nil && (obj.Pos() < f.lit.Pos() || obj.Pos() >= f.lit.End()) && kind != "decl" {
			kind = "closure-write"
		}
		p := a.position(pos)
		v.Writes = append(v.Writes, VarWrite{Line: p.Line, Col: p.Column, Kind: kind,
			Loop: loopID(a.curLoop()), Function: a.fnName()})
	}
	delete(a.constInit, obj)
}

// params declares a function's receiver, parameters and results.
func (a *analyzer) params(ft *ast.FuncType, recv *ast.FieldList) {
	for i, fl := range []*ast.FieldList{recv, ft.Params, ft.Results} {
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

// valueSpec declares the variables of a var declaration inside a function.
func (a *analyzer) valueSpec(n *ast.ValueSpec) {
	if a.curFunc() == nil {
		return
	}
	gd, ok := a.parent(1).(*ast.GenDecl)
	if ok && gd.Tok == token.CONST {
		return
	}
	var stmt ast.Node // the declaration, when it declares only this variable
	if ok && len(gd.Specs) == 1 && len(n.Names) == 1 && !gd.Lparen.IsValid() {
		stmt = gd
	}
	multiValue := len(n.Values) > 0 && len(n.Values) != len(n.Names) // var a, b = f()
	for i, id := range n.Names {
		if multiValue {
			a.declare(id, "var", n.Type, nil, nil)
			if v := a.vars[a.info.Defs[id]]; v != nil {
				v.Init = "other"
			}
			continue
		}
		var init ast.Expr
		if len(n.Values) > 0 {
			init = n.Values[i]
		}
		a.declare(id, "var", n.Type, init, stmt)
	}
}

// assign records what an assignment declares and writes, and the map operations and
// interface conversions it does.
func (a *analyzer) assign(n *ast.AssignStmt) {
	if n.Tok == token.DEFINE {
		a.define(n)
	} else {
		a.assignVars(n)
	}
	for i, lhs := range n.Lhs {
		a.mapAssign(n, i, lhs)
		a.mapReassign(n, lhs)
		if len(n.Lhs) == len(n.Rhs) && n.Tok == token.ASSIGN {
			a.assignBoxing(n.Rhs[i], lhs)
		}
	}
}

// define declares the new variables of a := statement; the others are written.
func (a *analyzer) define(n *ast.AssignStmt) {
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
			if v := a.vars[obj]; v != nil && init == nil {
				v.Init = "other"
			}
			continue
		}
		if obj := a.info.Uses[id]; obj != nil {
			a.write(obj, id.Pos(), "assign")
		}
	}
}

// assignVars records the writes of a = or op= statement; x = append(x, ...) is an
// append-self.
func (a *analyzer) assignVars(n *ast.AssignStmt) {
	for i, lhs := range n.Lhs {
		kind := "assign"
		if len(n.Lhs) == len(n.Rhs) && a.appendsTo(n.Rhs[i], lhs) {
			kind = "append-self"
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

// appendsTo: e is append(x, ...) with x the same variable as lhs.
func (a *analyzer) appendsTo(e, lhs ast.Expr) bool {
	call, ok := unparen(e).(*ast.CallExpr)
	return ok && a.isBuiltin(call.Fun, "append") && len(call.Args) > 0 && a.sameVar(lhs, call.Args[0])
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

// rangeVars declares the key and value of `for k, v := range`, or writes them for `=`.
func (a *analyzer) rangeVars(n *ast.RangeStmt) {
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if e == nil {
			continue
		}
		if n.Tok == token.DEFINE {
			if id, ok := e.(*ast.Ident); ok {
				a.declare(id, "range", nil, nil, nil)
				if v := a.vars[a.info.Defs[id]]; v != nil {
					v.Init = "other"
				}
			}
		} else if id, ok := unparen(e).(*ast.Ident); ok {
			if obj := a.info.Uses[id]; obj != nil {
				a.write(obj, id.Pos(), "assign")
			}
		}
	}
}

// addressOf: &x takes the address of the variable at the root of x.
func (a *analyzer) addressOf(n *ast.UnaryExpr) {
	if n.Op != token.AND {
		return
	}
	if obj := a.rootObj(n.X); obj != nil {
		a.write(obj, n.Pos(), "addr")
	}
}

// methodValue: x.M with a pointer receiver takes the address of x when x is not a pointer.
func (a *analyzer) methodValue(n *ast.SelectorExpr) {
	sel := a.info.Selections[n]
	if sel == nil || sel.Kind() != types.MethodVal {
		return
	}
	sig, ok := sel.Obj().Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return
	}
	if _, isPtr := sig.Recv().Type().(*types.Pointer); !isPtr {
		return
	}
	if _, xPtr := a.typeOf(n.X).Underlying().(*types.Pointer); xPtr {
		return
	}
	if obj := a.rootObj(n.X); obj != nil {
		a.write(obj, n.Pos(), "addr")
	}
}
