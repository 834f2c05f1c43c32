package main

import (
	"go/ast"
	"go/types"
)

// Make is a call of make.
type Make struct {
	Where
	Kind   string   `json:"kind"` // slice, map, chan
	Type   string   `json:"type"`
	Args   []string `json:"args"`   // the size arguments as written
	Consts []*int64 `json:"consts"` // their values when constant
	Elem   *Layout  `json:"elem"`
	Key    *Layout  `json:"key"`
	Value  *Layout  `json:"value"`
}

// Composite is a slice or map composite literal.
type Composite struct {
	Where
	Kind     string  `json:"kind"` // slice or map
	Type     string  `json:"type"`
	Elements int     `json:"elements"`
	Layout   *Layout `json:"layout"`
	Elem     *Layout `json:"elem"`
}

func (a *analyzer) makeCall(n *ast.CallExpr) {
	if len(n.Args) == 0 {
		return
	}
	t := a.typeOf(n.Args[0])
	mk := &Make{Where: a.where(n.Pos()), Type: a.typeString(t), Args: []string{}, Consts: []*int64{}}
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

// composite records a slice or map literal, and the elements of any composite literal
// that its interface-typed elements or fields box.
func (a *analyzer) composite(n *ast.CompositeLit) {
	t := a.typeOf(n)
	c := &Composite{Where: a.where(n.Pos()), Type: a.typeString(t), Elements: len(n.Elts), Layout: a.layout(t)}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		c.Kind = "slice"
		c.Elem = a.layout(u.Elem())
		a.elementBoxing(n, u.Elem())
	case *types.Array:
		a.elementBoxing(n, u.Elem())
	case *types.Map:
		c.Kind = "map"
		c.Elem = a.layout(u.Elem())
		a.mapEntryBoxing(n, u)
	case *types.Struct:
		a.fieldBoxing(n, u)
	}
	if c.Kind == "slice" || c.Kind == "map" {
		a.pf.Composites = append(a.pf.Composites, c)
	}
}

// elementBoxing: the elements of a slice or array literal ([3]any{2: x} included).
func (a *analyzer) elementBoxing(n *ast.CompositeLit, elem types.Type) {
	for _, e := range n.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			e = kv.Value
		}
		a.boxing(e, elem, "composite", "")
	}
}

func (a *analyzer) mapEntryBoxing(n *ast.CompositeLit, m *types.Map) {
	for _, e := range n.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			a.boxing(kv.Key, m.Key(), "map-key", "")
			a.boxing(kv.Value, m.Elem(), "map-value", "")
		}
	}
}

// fieldBoxing: the fields of a struct literal, keyed or in order.
func (a *analyzer) fieldBoxing(n *ast.CompositeLit, s *types.Struct) {
	for i, e := range n.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				if f, ok := a.info.Uses[id].(*types.Var); ok {
					a.boxing(kv.Value, f.Type(), "composite", "")
				}
			}
		} else if i < s.NumFields() {
			a.boxing(e, s.Field(i).Type(), "composite", "")
		}
	}
}
