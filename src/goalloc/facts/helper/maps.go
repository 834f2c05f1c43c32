package main

import (
	"go/ast"
	"go/token"
	"go/types"
)

// MapOp is a write to a map: an insert, an update, a delete, a clear, or a field or
// package variable given a new map.
type MapOp struct {
	Where
	TopLevel  bool    `json:"top_level"`
	EveryIter bool    `json:"every_iteration"`
	Op        string  `json:"op"` // insert, update, delete, clear, reassign
	Target    *Target `json:"target"`
	MapType   string  `json:"map_type"`
	Key       *Layout `json:"key"`
	Value     *Layout `json:"value"`
	// delete(m, k) inside `for k := range m` over the same map: the delete-all idiom.
	DeleteAll bool `json:"delete_all"`
	// m[k] = f(m[k]): the value depends on the entry itself (grouping, counting), so keys repeat.
	ReadsSelf bool `json:"reads_self"`
}

// mapOp records an operation on map m done by stmt.
func (a *analyzer) mapOp(stmt ast.Node, m ast.Expr, mt *types.Map, op string, pos token.Pos) *MapOp {
	l := a.curLoop()
	mo := &MapOp{Where: a.where(pos), Op: op, Target: a.target(m), MapType: a.typeString(mt), Key: a.layout(mt.Key()), Value: a.layout(mt.Elem())}
	mo.TopLevel = a.isLoopBodyStmt(stmt, l)
	a.pf.MapOps = append(a.pf.MapOps, mo)
	a.pending = append(a.pending, &pendingStmt{loop: l, pos: stmt.Pos(), top: mo.TopLevel, everyIter: &mo.EveryIter})
	return mo
}

// mapAssign: m[k] = v is an insert, m[k] op= v an update.
func (a *analyzer) mapAssign(n *ast.AssignStmt, i int, lhs ast.Expr) {
	ix, ok := unparen(lhs).(*ast.IndexExpr)
	if !ok {
		return
	}
	mt, ok := a.typeOf(ix.X).Underlying().(*types.Map)
	if !ok {
		return
	}
	op := "insert"
	if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
		op = "update"
	}
	mo := a.mapOp(n, ix.X, mt, op, n.Pos())
	if len(n.Lhs) == len(n.Rhs) && mo.Target.Key != "" {
		mo.ReadsSelf = a.readsMap(n.Rhs[i], mo.Target.Key)
	}
}

// readsMap: e indexes the map whose target key is key.
func (a *analyzer) readsMap(e ast.Expr, key string) bool {
	reads := false
	ast.Inspect(e, func(x ast.Node) bool {
		if ix, ok := x.(*ast.IndexExpr); ok && isMap(a.typeOf(ix.X)) && a.target(ix.X).Key == key {
			reads = true
		}
		return true
	})
	return reads
}

// mapReassign: a field or package variable given a new map value (f.m = make(...)).
func (a *analyzer) mapReassign(n *ast.AssignStmt, lhs ast.Expr) {
	if n.Tok != token.ASSIGN {
		return
	}
	mt, ok := a.typeOf(lhs).Underlying().(*types.Map)
	if !ok {
		return
	}
	if _, isIndex := unparen(lhs).(*ast.IndexExpr); isIndex {
		return
	}
	if t := a.target(lhs); t.Kind == "field" || t.Kind == "global" {
		a.mapOp(n, lhs, mt, "reassign", lhs.Pos())
	}
}

// deleteCall records delete(m, k), and whether it is the delete-all idiom
// `for k := range m { delete(m, k) }`.
func (a *analyzer) deleteCall(n *ast.CallExpr) {
	mt, ok := a.typeOf(n.Args[0]).Underlying().(*types.Map)
	if !ok {
		return
	}
	mo := a.mapOp(a.stmtOf(n), n.Args[0], mt, "delete", n.Pos())
	l := a.curLoop()
	if l == nil {
		return
	}
	rs, ok := a.nodeOf[l].(*ast.RangeStmt)
	if ok && rs.Key != nil && mo.Target.Key != "" && a.target(rs.X).Key == mo.Target.Key &&
		a.sameVar(rs.Key, n.Args[1]) {
		mo.DeleteAll = true
	}
}

func (a *analyzer) clearCall(n *ast.CallExpr) {
	if mt, ok := a.typeOf(n.Args[0]).Underlying().(*types.Map); ok {
		a.mapOp(a.stmtOf(n), n.Args[0], mt, "clear", n.Pos())
	}
}
