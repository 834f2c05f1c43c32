package main

import (
	"go/ast"
	"go/token"
	"go/types"
)

// minRangeCopy is the smallest range value size recorded.
const minRangeCopy = 64

// RangeCopy is `for _, v := range x` with a large value v: each element is copied into v.
type RangeCopy struct {
	Where
	Over      string `json:"over"` // slice, array, map, pointer-to-array, chan, ""
	Type      string `json:"type"`
	Size      int64  `json:"size"`
	Value     string `json:"value"`
	RangeExpr string `json:"range_expr"`
	// The body uses the value as a whole (passes, stores, returns or captures it, takes its
	// address, calls a method on it, writes a field). When it only reads fields, the compiler
	// reads them from the element and copies nothing.
	WholeUse bool `json:"whole_use"`
}

func (a *analyzer) rangeCopy(n *ast.RangeStmt) {
	if n.Value == nil {
		return
	}
	if id, ok := n.Value.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	vt := a.typeOf(n.Value)
	size, ok := a.sizeof(vt)
	if !ok || size < minRangeCopy {
		return
	}
	rc := &RangeCopy{Where: a.where(n.Value.Pos()), Over: copyOver(a.typeOf(n.X)), Type: a.typeString(vt),
		Size: size, Value: a.text(n.Value), RangeExpr: a.text(n.X), WholeUse: true}
	if id, ok := n.Value.(*ast.Ident); ok {
		rc.WholeUse = a.wholeUse(a.info.ObjectOf(id), n.Body)
	}
	a.pf.RangeCopies = append(a.pf.RangeCopies, rc)
}

// copyOver is what a range with a value ranges over, for the types whose elements it copies.
func copyOver(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return "slice"
	case *types.Array:
		return "array"
	case *types.Map:
		return "map"
	case *types.Pointer:
		if isArray(u.Elem()) {
			return "pointer-to-array"
		}
	case *types.Chan:
		return "chan"
	}
	return ""
}

// wholeUse: body uses obj other than by reading its fields (or array elements).
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
		if id, ok := n.(*ast.Ident); ok && a.info.Uses[id] == obj && a.usedWhole(stack) {
			whole = true
		}
		return !whole
	})
	return whole
}

// usedWhole: the identifier on top of stack is used as a whole value, not only to read
// a field or element.
func (a *analyzer) usedWhole(stack []ast.Node) bool {
	i, cur, ok := a.selectedPart(stack)
	if !ok {
		return true // a method value or call
	}
	if cur == stack[len(stack)-1] {
		return true // the value itself
	}
	if i == 0 {
		return false
	}
	switch par := stack[i-1].(type) {
	case *ast.AssignStmt:
		for _, l := range par.Lhs {
			if l == cur {
				return true
			}
		}
	case *ast.IncDecStmt:
		return true
	case *ast.UnaryExpr:
		return par.Op == token.AND
	}
	// a field that is itself large and passed whole is a copy of that field only: fine
	return false
}

// selectedPart climbs from the identifier on top of stack through field selections, array
// indexing and parentheses: it returns the stack index and the node it reached; not ok if
// it reached a method selection.
func (a *analyzer) selectedPart(stack []ast.Node) (int, ast.Node, bool) {
	i := len(stack) - 1
	cur := stack[i]
	for i > 0 {
		switch par := stack[i-1].(type) {
		case *ast.SelectorExpr:
			if par.X != cur {
				return i, cur, true
			}
			if s := a.info.Selections[par]; s == nil || s.Kind() != types.FieldVal || s.Indirect() {
				return i, cur, false
			}
		case *ast.IndexExpr:
			if par.X != cur || !isArray(a.typeOf(par.X)) {
				return i, cur, true
			}
		case *ast.ParenExpr:
			if par.X != cur {
				return i, cur, true
			}
		default:
			return i, cur, true
		}
		cur, i = stack[i-1], i-1
	}
	return i, cur, true
}
