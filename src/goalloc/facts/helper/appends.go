package main

import (
	"go/ast"
	"go/types"
)

// Append is a call of append.
type Append struct {
	Where
	TopLevel  bool    `json:"top_level"`       // a statement directly in the loop body
	EveryIter bool    `json:"every_iteration"` // top level and no continue before it
	Target    *Target `json:"target"`          // the slice appended to (first argument)
	Assigned  *Target `json:"assigned"`        // where the result goes (nil if not a plain assignment)
	Elements  int     `json:"elements"`        // elements appended (-1 for a spread)
	Spread    bool    `json:"spread"`
	Elem      *Layout `json:"elem"`
	SliceType string  `json:"slice_type"`
}

func (a *analyzer) appendCall(n *ast.CallExpr) {
	if len(n.Args) == 0 {
		return
	}
	l := a.curLoop()
	ap := &Append{Where: a.where(n.Pos()), Target: a.target(n.Args[0]), Elements: len(n.Args) - 1, Spread: n.Ellipsis.IsValid(),
		SliceType: a.typeString(a.typeOf(n.Args[0]))}
	if ap.Spread {
		ap.Elements = -1
	}
	if st, ok := a.typeOf(n.Args[0]).Underlying().(*types.Slice); ok {
		ap.Elem = a.layout(st.Elem())
		if !ap.Spread { // appends to []any box their arguments
			for _, arg := range n.Args[1:] {
				a.boxing(arg, st.Elem(), "append", "append")
			}
		}
	}
	pos := n.Pos()
	if stmt := a.appendStmt(n); stmt != nil { // x = append(x, ...) as a statement
		ap.Assigned = a.target(stmt.Lhs[0])
		ap.TopLevel = a.isLoopBodyStmt(stmt, l)
		pos = stmt.Pos()
	}
	a.pf.Appends = append(a.pf.Appends, ap)
	a.pending = append(a.pending, &pendingStmt{loop: l, pos: pos, top: ap.TopLevel, everyIter: &ap.EveryIter})
}

// appendStmt is the assignment `y = append(...)` whose only right side is n, or nil.
func (a *analyzer) appendStmt(n *ast.CallExpr) *ast.AssignStmt {
	as, ok := a.parent(1).(*ast.AssignStmt)
	if ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && unparen(as.Rhs[0]) == ast.Expr(n) {
		return as
	}
	return nil
}
