package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// rangeBound sets what a range loop ranges over and its trip count; it returns the
// expression the bound reads, or nil.
func (a *analyzer) rangeBound(s *ast.RangeStmt, l *Loop) ast.Expr {
	switch u := a.typeOf(s.X).Underlying().(type) {
	case *types.Slice:
		l.RangeOver = "slice"
		return a.lenBound(s.X, l, true)
	case *types.Array:
		l.RangeOver = "array"
		constBound(l, u.Len())
	case *types.Pointer:
		if arr, ok := u.Elem().Underlying().(*types.Array); ok {
			l.RangeOver = "pointer-to-array"
			constBound(l, arr.Len())
		}
	case *types.Map:
		l.RangeOver = "map"
		return a.lenBound(s.X, l, true)
	case *types.Chan:
		l.RangeOver = "chan"
	case *types.Signature:
		l.RangeOver = "func"
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			return a.stringBound(s.X, l)
		}
		if u.Info()&types.IsInteger != 0 {
			return a.intBound(s.X, l)
		}
	}
	return nil
}

func constBound(l *Loop, v int64) {
	l.Bound, l.BoundConst, l.BoundExact = fmt.Sprint(v), &v, true
}

// lenBound: len(x) iterations, when x can be read again before the loop.
func (a *analyzer) lenBound(x ast.Expr, l *Loop, exact bool) ast.Expr {
	if !a.pure(x) {
		return nil
	}
	l.Bound, l.BoundExact = "len("+a.text(x)+")", exact
	return x
}

// stringBound: a rune per iteration, so at most len(s) iterations.
func (a *analyzer) stringBound(x ast.Expr, l *Loop) ast.Expr {
	l.RangeOver = "string"
	if c := a.info.Types[x]; c.Value != nil {
		constBound(l, int64(len(constant.StringVal(c.Value))))
		l.BoundExact = false
		return nil
	}
	return a.lenBound(x, l, false)
}

// intBound: range n runs n times.
func (a *analyzer) intBound(x ast.Expr, l *Loop) ast.Expr {
	l.RangeOver = "int"
	if c := a.constInt(x); c != nil {
		constBound(l, *c)
		return nil
	}
	if !a.pure(x) {
		return nil
	}
	l.Bound, l.BoundExact = a.text(x), true
	return x
}

// countedBound recognises `for i := lo; i < hi; i++` (and <=, and the descending forms)
// whose index and bound the body does not change; it sets the loop's bound and returns the
// expression the bound reads, or nil.
func (a *analyzer) countedBound(s *ast.ForStmt, l *Loop) ast.Expr {
	index, lo := a.countedIndex(s.Init)
	if index == nil {
		return nil
	}
	step := a.indexStep(s.Post, index)
	hi, op := a.indexLimit(s.Cond, index)
	if step == 0 || hi == nil || !a.pure(hi) || !a.pure(lo) {
		return nil
	}
	if a.changesAny(s.Body, append(a.freeVars(hi), a.info.ObjectOf(index))) {
		return nil
	}
	text, c, ok := tripCount(step, op, a.countRange(lo, hi))
	if !ok {
		return nil
	}
	l.Bound, l.BoundConst, l.BoundExact = text, c, true
	// The bound text mixes lo and hi: both must be readable before the loop.
	return &ast.BinaryExpr{X: hi, Op: token.ADD, Y: lo}
}

// countedIndex is the integer index of a for statement's init (i := lo), and lo.
func (a *analyzer) countedIndex(init ast.Stmt) (*ast.Ident, ast.Expr) {
	id, lo := forInit(init)
	if id == nil {
		return nil, nil
	}
	if obj := a.info.ObjectOf(id); obj == nil || !isInteger(obj.Type()) {
		return nil, nil
	}
	return id, lo
}

// forInit is the variable a for statement's init declares or assigns (i := lo), and lo.
func forInit(init ast.Stmt) (*ast.Ident, ast.Expr) {
	as, ok := init.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil, nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return nil, nil
	}
	return id, as.Rhs[0]
}

// indexStep is +1 for i++ and i += 1, -1 for i-- and i -= 1, else 0.
func (a *analyzer) indexStep(post ast.Stmt, index *ast.Ident) int {
	switch p := post.(type) {
	case *ast.IncDecStmt:
		if !a.sameVar(p.X, index) {
			return 0
		}
		if p.Tok == token.INC {
			return 1
		}
		return -1
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 || !a.sameVar(p.Lhs[0], index) {
			return 0
		}
		if c := a.constInt(p.Rhs[0]); c != nil && *c == 1 {
			switch p.Tok {
			case token.ADD_ASSIGN:
				return 1
			case token.SUB_ASSIGN:
				return -1
			}
		}
	}
	return 0
}

// indexLimit is the other side of a comparison with the index, and the comparison as if
// the index were on the left (n > i is i < n).
func (a *analyzer) indexLimit(cond ast.Expr, index *ast.Ident) (ast.Expr, token.Token) {
	c, ok := cond.(*ast.BinaryExpr)
	if !ok {
		return nil, token.ILLEGAL
	}
	switch {
	case a.sameVar(c.X, index):
		return c.Y, c.Op
	case a.sameVar(c.Y, index):
		return c.X, mirror(c.Op)
	}
	return nil, token.ILLEGAL
}

func mirror(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.GTR:
		return token.LSS
	case token.LEQ:
		return token.GEQ
	case token.GEQ:
		return token.LEQ
	}
	return op
}

// changesAny: body assigns, increments or takes the address of one of objs.
func (a *analyzer) changesAny(body ast.Node, objs []types.Object) bool {
	changed := false
	ast.Inspect(body, func(n ast.Node) bool {
		for _, e := range changedExprs(n) {
			if e != nil && a.namesAny(e, objs) {
				changed = true
			}
		}
		return !changed
	})
	return changed
}

// changedExprs are the expressions n writes to.
func changedExprs(n ast.Node) []ast.Expr {
	switch x := n.(type) {
	case *ast.AssignStmt:
		return x.Lhs
	case *ast.IncDecStmt:
		return []ast.Expr{x.X}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return []ast.Expr{x.X}
		}
	case *ast.RangeStmt:
		if x.Tok == token.ASSIGN {
			return []ast.Expr{x.Key, x.Value}
		}
	}
	return nil
}

// namesAny: e is, or is rooted at, one of objs.
func (a *analyzer) namesAny(e ast.Expr, objs []types.Object) bool {
	root := a.rootObj(e)
	var used types.Object
	if id, ok := unparen(e).(*ast.Ident); ok {
		used = a.info.Uses[id]
	}
	for _, o := range objs {
		if root == o || (used != nil && used == o) {
			return true
		}
	}
	return false
}

// countRange is what a counted loop's trip count is computed from: the source text of its
// start and limit, and their values when they are constants.
type countRange struct {
	lo, hi           string
	loConst, hiConst *int64
	// X when lo is `X - 1`: `for i := len(s) - 1; i >= 0; i--` runs len(s) times.
	loPlusOne string
}

func (a *analyzer) countRange(lo, hi ast.Expr) countRange {
	r := countRange{lo: a.text(lo), hi: a.text(hi), loConst: a.constInt(lo), hiConst: a.constInt(hi)}
	if be, ok := unparen(lo).(*ast.BinaryExpr); ok && be.Op == token.SUB {
		if c := a.constInt(be.Y); c != nil && *c == 1 {
			r.loPlusOne = a.text(be.X)
		}
	}
	return r
}

// tripCount is the number of iterations of a loop from r.lo to r.hi, counting up (step 1,
// with < or <=) or down (step -1, with > or >=), as a Go expression and, when it is a
// constant, its value (never below 0).
func tripCount(step int, op token.Token, r countRange) (text string, c *int64, ok bool) {
	switch {
	case step == 1 && (op == token.LSS || op == token.LEQ):
		text, c = upCount(r, op == token.LEQ)
	case step == -1 && (op == token.GTR || op == token.GEQ):
		text, c = downCount(r, op == token.GEQ)
	default:
		return "", nil, false
	}
	if c != nil && *c < 0 {
		zero := int64(0)
		return "0", &zero, true
	}
	return text, c, true
}

// upCount: for i := lo; i < hi (or <= hi when inclusive); i++.
func upCount(r countRange, inclusive bool) (string, *int64) {
	extra := int64(0)
	if inclusive {
		extra = 1
	}
	lc := r.loConst
	switch {
	case r.hiConst != nil && lc != nil:
		v := *r.hiConst - *lc + extra
		return fmt.Sprint(v), &v
	case lc != nil && *lc == 0:
		if inclusive {
			return parenthesize(r.hi) + "+1", nil
		}
		return r.hi, nil
	case lc != nil && *lc-extra == 0: // for i := 1; i <= n; i++
		return r.hi, nil
	case lc != nil && *lc-extra > 0:
		return parenthesize(r.hi) + "-" + fmt.Sprint(*lc-extra), nil
	}
	text := parenthesize(r.hi) + "-" + parenthesize(r.lo)
	if inclusive {
		text += "+1"
	}
	return text, nil
}

// downCount: for i := lo; i > hi (or >= hi when inclusive); i--.
func downCount(r countRange, inclusive bool) (string, *int64) {
	extra := int64(0)
	if inclusive {
		extra = 1
	}
	hc := r.hiConst
	switch {
	case hc != nil && r.loConst != nil:
		v := *r.loConst - *hc + extra
		return fmt.Sprint(v), &v
	case hc != nil && *hc == 0 && inclusive: // for i := n - 1; i >= 0; i--
		if r.loPlusOne != "" {
			return r.loPlusOne, nil
		}
		return parenthesize(r.lo) + "+1", nil
	case hc != nil && *hc == 0: // for i := n; i > 0; i--
		return r.lo, nil
	}
	text := parenthesize(r.lo) + "-" + parenthesize(r.hi)
	if inclusive {
		text += "+1"
	}
	return text, nil
}

// parenthesize puts an operand of + or - in parentheses unless it is a single term.
func parenthesize(t string) string {
	if strings.ContainsAny(t, "+-*/%&|^<> ") {
		return "(" + t + ")"
	}
	return t
}

// pure: an expression without calls (other than len/cap and conversions) or receives,
// whose value can be written again elsewhere in the function.
func (a *analyzer) pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if a.isBuiltin(x.Fun, "len") || a.isBuiltin(x.Fun, "cap") || a.info.Types[x.Fun].IsType() {
				return true
			}
			ok = false
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit, *ast.CompositeLit, *ast.TypeAssertExpr, *ast.StarExpr:
			ok = false
		case *ast.SelectorExpr:
			if sel := a.info.Selections[x]; sel != nil && sel.Kind() != types.FieldVal {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// freeVars are the local variables e reads.
func (a *analyzer) freeVars(e ast.Expr) []types.Object {
	var objs []types.Object
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if obj := a.info.Uses[id]; obj != nil && a.isLocal(obj) {
				objs = append(objs, obj)
			}
		}
		return true
	})
	return objs
}

// resolveBoundSince sets each bounded loop's BoundSince: the latest declaration of or
// write to a variable of its bound before the loop ({0, 0} if none).
func (a *analyzer) resolveBoundSince() {
	for l, objs := range a.boundObjs {
		loopPos := a.nodeOf[l].Pos()
		var since token.Pos
		for _, o := range objs {
			for _, p := range append([]token.Pos{o.Pos()}, a.writes[o]...) {
				if p > since && p < loopPos {
					since = p
				}
			}
		}
		l.BoundSince = &Pos{0, 0}
		if since.IsValid() {
			p := a.position(since)
			l.BoundSince = &Pos{p.Line, p.Column}
		}
	}
}
