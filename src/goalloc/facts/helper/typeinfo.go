package main

import (
	"go/ast"
	"go/constant"
	"go/types"
)

// typeOf is the type of e, or of the object e names; Invalid if go/types recorded none.
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

// typeString writes t as the package's own code would: its own types unqualified, others
// by package name.
func (a *analyzer) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == a.pkg {
			return ""
		}
		return p.Name()
	})
}

// sizeof is t's size for the target GOARCH; not ok for types with type parameters.
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

// hasPointers: the garbage collector scans values of type t.
func hasPointers(t types.Type, depth int) bool {
	if depth > 50 {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.String, types.UnsafePointer, types.UntypedString, types.UntypedNil:
			return true
		}
		return false
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

// collKind is "slice" or "map" for the collections goalloc models, else "".
func collKind(t types.Type) string {
	switch t.Underlying().(type) {
	case *types.Slice:
		return "slice"
	case *types.Map:
		return "map"
	}
	return ""
}

func basicKind(t types.Type) string {
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Name()
	}
	return ""
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

func isMap(t types.Type) bool {
	_, ok := t.Underlying().(*types.Map)
	return ok
}

func isArray(t types.Type) bool {
	_, ok := t.Underlying().(*types.Array)
	return ok
}

// constInt is e's value when it is an integer constant that fits an int64.
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

// isConstant: go/types knows e's value.
func (a *analyzer) isConstant(e ast.Expr) bool {
	tv, ok := a.info.Types[e]
	return ok && tv.Value != nil
}

// isBuiltin: fun names the builtin function name (not a shadowing declaration).
func (a *analyzer) isBuiltin(fun ast.Expr, name string) bool {
	id, ok := unparen(fun).(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	_, ok = a.info.Uses[id].(*types.Builtin)
	return ok
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

// recvTypeName is the receiver's type as function names show it: T, or (*T).
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

// calleeName is what a call calls: F, pkg/path.F, or T.M with the receiver's type.
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
