package main

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Conversion is a conversion between string and []byte or []rune, which copies unless
// the compiler can see that the copy is not needed (a map lookup, a comparison, ...).
type Conversion struct {
	Where
	EndLine     int    `json:"end_line"`
	EndCol      int    `json:"end_col"`
	Kind        string `json:"kind"` // string-from-bytes, bytes-from-string, string-from-runes, runes-from-string
	Context     string `json:"context"`
	Constant    bool   `json:"constant"`
	Expr        string `json:"expr"`
	Cold        bool   `json:"cold"`
	Conditional bool   `json:"conditional"`
}

// conversion records T(x) when it converts between string and []byte or []rune.
func (a *analyzer) conversion(n *ast.CallExpr, to types.Type) {
	if len(n.Args) != 1 {
		return
	}
	kind := conversionKind(a.typeOf(n.Args[0]), to)
	if kind == "" {
		return
	}
	s := a.span(n)
	c := &Conversion{Where: a.where(n.Pos()), EndLine: s.EndLine, EndCol: s.EndCol, Kind: kind, Context: a.conversionContext(n),
		Constant: a.isConstant(n.Args[0]), Expr: a.text(n), Cold: a.cold(), Conditional: a.conditional()}
	a.pf.Conversions = append(a.pf.Conversions, c)
}

func conversionKind(from, to types.Type) string {
	switch {
	case isString(to) && sliceElemKind(from) == types.Byte:
		return "string-from-bytes"
	case isString(to) && sliceElemKind(from) == types.Rune:
		return "string-from-runes"
	case isString(from) && sliceElemKind(to) == types.Byte:
		return "bytes-from-string"
	case isString(from) && sliceElemKind(to) == types.Rune:
		return "runes-from-string"
	}
	return ""
}

// sliceElemKind is the basic kind of a slice's elements (Invalid for anything else).
func sliceElemKind(t types.Type) types.BasicKind {
	if s, ok := t.Underlying().(*types.Slice); ok {
		if b, ok := s.Elem().Underlying().(*types.Basic); ok {
			return b.Kind()
		}
	}
	return types.Invalid
}

// conversionContext is where the conversion's result goes, which decides whether the
// compiler copies: map-index-read, map-index-write, map-index-update, compare, concat,
// switch-tag, range, append-arg, copy-arg, len, call-arg, assign, return or other.
func (a *analyzer) conversionContext(n *ast.CallExpr) string {
	switch p := a.parent(1).(type) {
	case *ast.IndexExpr:
		if isMap(a.typeOf(p.X)) && unparen(p.Index) == ast.Expr(n) {
			return a.mapIndexContext(p)
		}
	case *ast.BinaryExpr:
		switch p.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return "compare"
		case token.ADD:
			return "concat"
		}
	case *ast.SwitchStmt:
		if unparen(p.Tag) == ast.Expr(n) {
			return "switch-tag"
		}
	case *ast.RangeStmt:
		if unparen(p.X) == ast.Expr(n) {
			return "range"
		}
	case *ast.CallExpr:
		switch {
		case a.isBuiltin(p.Fun, "append"):
			return "append-arg"
		case a.isBuiltin(p.Fun, "copy"):
			return "copy-arg"
		case a.isBuiltin(p.Fun, "len"):
			return "len"
		}
		return "call-arg"
	case *ast.AssignStmt, *ast.ValueSpec:
		return "assign"
	case *ast.ReturnStmt:
		return "return"
	}
	return "other"
}

// mapIndexContext: m[string(b)] is a read, unless it is assigned to (write) or updated.
func (a *analyzer) mapIndexContext(ix *ast.IndexExpr) string {
	switch g := a.parentOf(ix).(type) {
	case *ast.AssignStmt:
		ctx := "map-index-read"
		for _, lhs := range g.Lhs {
			if unparen(lhs) == ast.Expr(ix) {
				ctx = "map-index-update"
				if g.Tok == token.ASSIGN {
					ctx = "map-index-write"
				}
			}
		}
		return ctx
	case *ast.IncDecStmt:
		return "map-index-update"
	}
	return "map-index-read"
}
