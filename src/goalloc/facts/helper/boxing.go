package main

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Boxing is an implicit conversion of a non-interface value to an interface: the value is
// boxed, which allocates unless it is pointer-shaped, small or constant.
type Boxing struct {
	Where
	EndLine       int    `json:"end_line"`
	EndCol        int    `json:"end_col"`
	Context       string `json:"context"` // call-arg, assign, send, append, map-value, map-key, composite, return
	Callee        string `json:"callee"`
	To            string `json:"to"`
	From          string `json:"from"`
	Size          int64  `json:"size"`
	PointerShaped bool   `json:"pointer_shaped"`
	Constant      bool   `json:"constant"`
	ConstLocal    bool   `json:"const_local"`
	SmallValue    bool   `json:"small_value"` // bool, 1-byte types
	Expr          string `json:"expr"`
	BasicKind     string `json:"basic_kind"`
	Cold          bool   `json:"cold"` // on a path that leaves the loop (return, panic, break)
	// The expression is the index of the innermost loop, counting up from 0: the runtime
	// boxes integers below 256 without allocating, so the first 256 iterations cost nothing.
	LoopIndex   bool `json:"loop_index"`
	Pointers    bool `json:"pointers"`    // the boxed value holds pointers
	Conditional bool `json:"conditional"` // runs on some iterations only (if, case, &&, ||)
	// A struct or array literal of constants: boxed from static data, allocating nothing.
	StaticLiteral bool `json:"static_literal"`
}

// boxing records e converted to type to, when that boxes a value into an interface.
func (a *analyzer) boxing(e ast.Expr, to types.Type, ctx, callee string) {
	from, tv, ok := a.boxedType(e, to)
	if !ok {
		return
	}
	s := a.span(e)
	size, _ := a.sizeof(from)
	b := &Boxing{Where: a.where(e.Pos()), EndLine: s.EndLine, EndCol: s.EndCol, Context: ctx, Callee: callee,
		To: a.typeString(to), From: a.typeString(from), Size: size, PointerShaped: pointerShaped(from, 0),
		Constant: tv.Value != nil, Expr: a.text(e), BasicKind: basicKind(from), Cold: a.cold(),
		Pointers: hasPointers(from, 0), Conditional: a.conditional(), StaticLiteral: a.staticLiteral(e),
		SmallValue: isSmallValue(from)}
	if id, ok := unparen(e).(*ast.Ident); ok {
		if obj := a.info.Uses[id]; obj != nil && a.isLocal(obj) {
			a.boxObjs[b] = obj
			b.LoopIndex = a.isLoopIndex(obj)
		}
	}
	a.pf.Boxings = append(a.pf.Boxings, b)
}

// boxedType is the type of the value e boxes when converted to to (its default type for a
// constant), and e's type and value; not ok when nothing is boxed (to is not an interface,
// e already is one, e is nil) or the types are type parameters.
func (a *analyzer) boxedType(e ast.Expr, to types.Type) (types.Type, types.TypeAndValue, bool) {
	if to == nil || !types.IsInterface(to) {
		return nil, types.TypeAndValue{}, false
	}
	if _, isTP := to.(*types.TypeParam); isTP {
		return nil, types.TypeAndValue{}, false
	}
	tv, ok := a.info.Types[e]
	if !ok || tv.Type == nil || types.IsInterface(tv.Type) {
		return nil, types.TypeAndValue{}, false
	}
	from := tv.Type
	if b, ok := from.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return nil, types.TypeAndValue{}, false
	}
	if _, isTP := from.(*types.TypeParam); isTP {
		return nil, types.TypeAndValue{}, false
	}
	if tv.Value != nil {
		from = types.Default(from)
	}
	return from, tv, true
}

// isSmallValue: bools and single bytes are boxed from a static table.
func isSmallValue(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return false
	}
	switch b.Kind() {
	case types.Bool, types.Uint8, types.Int8, types.UntypedBool:
		return true
	}
	return false
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
		return pointerShapedStruct(u, depth)
	}
	return false
}

// pointerShapedStruct: exactly one field that is not zero-size, and it is pointer-shaped.
func pointerShapedStruct(s *types.Struct, depth int) bool {
	n := 0
	ok := false
	for i := 0; i < s.NumFields(); i++ {
		ft := s.Field(i).Type()
		if isZeroSize(ft) {
			continue
		}
		n++
		ok = pointerShaped(ft, depth+1)
	}
	return n == 1 && ok
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
		if !a.isConstant(el) && !a.staticLiteral(el) {
			return false
		}
	}
	return true
}

// isLoopIndex: obj is the index of the innermost loop and counts up from 0.
func (a *analyzer) isLoopIndex(obj types.Object) bool {
	l := a.curLoop()
	if l == nil {
		return false
	}
	switch s := a.nodeOf[l].(type) {
	case *ast.RangeStmt:
		if id, ok := s.Key.(*ast.Ident); ok && a.info.Defs[id] == obj {
			switch l.RangeOver {
			case "slice", "array", "int", "pointer-to-array", "string":
				return true
			}
		}
	case *ast.ForStmt:
		index, lo := forInit(s.Init)
		if index == nil || a.info.Defs[index] != obj {
			return false
		}
		if c := a.constInt(lo); c == nil || *c < 0 {
			return false
		}
		inc, ok := s.Post.(*ast.IncDecStmt)
		return ok && inc.Tok == token.INC
	}
	return false
}

// argBoxing records the arguments of a call that its interface parameters box.
func (a *analyzer) argBoxing(n *ast.CallExpr) {
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
				continue // f(xs...) passes the slice itself
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

// assignBoxing: lhs = rhs boxes rhs when lhs is an interface (a map value for m[k] = rhs).
func (a *analyzer) assignBoxing(rhs, lhs ast.Expr) {
	ctx := "assign"
	if ix, ok := unparen(lhs).(*ast.IndexExpr); ok && isMap(a.typeOf(ix.X)) {
		ctx = "map-value"
	}
	a.boxing(rhs, a.typeOf(lhs), ctx, "")
}

func (a *analyzer) sendBoxing(n *ast.SendStmt) {
	if ch, ok := a.typeOf(n.Chan).Underlying().(*types.Chan); ok {
		a.boxing(n.Value, ch.Elem(), "send", "")
	}
}

// returnBoxing: return values of interface result types box non-interface values.
func (a *analyzer) returnBoxing(n *ast.ReturnStmt) {
	sig := a.curSignature()
	if sig == nil || sig.Results().Len() != len(n.Results) {
		return
	}
	for i, r := range n.Results {
		a.boxing(r, sig.Results().At(i).Type(), "return", "")
	}
}

// curSignature is the signature of the function being walked.
func (a *analyzer) curSignature() *types.Signature {
	f := a.curFunc()
	if f == nil {
		return nil
	}
	switch fn := f.node.(type) {
	case *ast.FuncDecl:
		if obj, ok := a.info.Defs[fn.Name].(*types.Func); ok {
			sig, _ := obj.Type().(*types.Signature)
			return sig
		}
	case *ast.FuncLit:
		sig, _ := a.typeOf(fn).(*types.Signature)
		return sig
	}
	return nil
}

// markConstLocals: a boxed local that was initialised with a constant and never written
// again boxes a constant.
func (a *analyzer) markConstLocals() {
	for b, obj := range a.boxObjs {
		if a.constInit[obj] {
			b.ConstLocal = true
		}
	}
}
