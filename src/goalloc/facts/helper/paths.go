package main

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
)

// ColdPath is code that runs only on the way out of a failure: the block of an if, case or
// else that ends returning a non-nil error or stopping (panic, os.Exit, log.Fatal), or such
// a return or stop statement itself. An allocation there is paid once per failure.
type ColdPath struct {
	File     string `json:"file"`
	Function string `json:"function"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	EndLine  int    `json:"end_line"`
	EndCol   int    `json:"end_col"`
	Kind     string `json:"kind"` // error-return, panic, exit
	At       int    `json:"at"`   // the line of the return or the stopping call
}

// ErrorValue is a call that makes a new error value: errors.New or fmt.Errorf.
type ErrorValue struct {
	Where
	EndLine  int    `json:"end_line"`
	EndCol   int    `json:"end_col"`
	Call     string `json:"call"`     // errors.New, fmt.Errorf
	Constant bool   `json:"constant"` // a constant message and no other arguments
	Package  bool   `json:"package"`  // in a package-level declaration: already a sentinel
}

// FuncParam is one parameter of a declared function.
type FuncParam struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

var errorType = types.Universe.Lookup("error").Type()

// signatureFacts fills in fn's parameters, results and buffer parameter.
func (a *analyzer) signatureFacts(fn *Function, ft *ast.FuncType, body *ast.BlockStmt) {
	fn.Params, fn.Results = []FuncParam{}, []string{}
	if ft.Params != nil {
		for _, f := range ft.Params.List {
			for _, id := range f.Names {
				fn.Params = append(fn.Params, FuncParam{Name: id.Name, Type: a.typeString(a.info.TypeOf(f.Type))})
			}
		}
	}
	if ft.Results != nil {
		for _, f := range ft.Results.List {
			n := len(f.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				fn.Results = append(fn.Results, a.typeString(a.info.TypeOf(f.Type)))
			}
		}
	}
	fn.BufferParam = a.bufferParam(ft, body)
}

// bufferParam is the first parameter through which the caller already provides storage: a
// writer (any type with a Write method, *strings.Builder, *bytes.Buffer), a pointer to a
// slice, or a slice the function appends to or returns. "" if there is none.
func (a *analyzer) bufferParam(ft *ast.FuncType, body *ast.BlockStmt) string {
	if ft.Params == nil || body == nil {
		return ""
	}
	for _, f := range ft.Params.List {
		t := a.info.TypeOf(f.Type)
		if t == nil {
			continue
		}
		for _, id := range f.Names {
			obj := a.info.Defs[id]
			if obj == nil || id.Name == "_" {
				continue
			}
			if isWriter(t) || isSlicePointer(t) {
				return id.Name
			}
			if _, ok := t.Underlying().(*types.Slice); ok && a.appendsOrReturns(body, obj) {
				return id.Name
			}
		}
	}
	return ""
}

func isWriter(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Write")
	_, ok := obj.(*types.Func)
	return ok
}

func isSlicePointer(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	_, ok = p.Elem().Underlying().(*types.Slice)
	return ok
}

// appendsOrReturns: body appends to obj (append(obj, ...)) or returns obj.
func (a *analyzer) appendsOrReturns(body *ast.BlockStmt, obj types.Object) bool {
	found := false
	names := func(e ast.Expr) bool {
		id, ok := unparen(e).(*ast.Ident)
		return ok && a.info.Uses[id] == obj
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if a.isBuiltin(n.Fun, "append") && len(n.Args) > 0 && names(n.Args[0]) {
				found = true
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if names(r) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// coldPaths records the failure paths of one function body (not of the function literals
// in it: each is walked as its own function).
func (a *analyzer) coldPaths(name string, ft *ast.FuncType, body *ast.BlockStmt) {
	if body == nil {
		return
	}
	returnsError := a.lastResultIsError(ft)
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			if n != body && len(n.List) > 0 {
				a.coldBlock(name, n, n.List[len(n.List)-1], returnsError)
			}
		case *ast.CaseClause:
			if len(n.Body) > 0 {
				a.coldBlock(name, n, n.Body[len(n.Body)-1], returnsError)
			}
		case *ast.CommClause:
			if len(n.Body) > 0 {
				a.coldBlock(name, n, n.Body[len(n.Body)-1], returnsError)
			}
		case *ast.ReturnStmt:
			if returnsError && a.returnsNonNilError(n, inList(body.List, n)) {
				a.addColdPath(name, n, "error-return", n)
			}
		case *ast.ExprStmt:
			if kind := a.stopKind(n.X); kind != "" {
				a.addColdPath(name, n, kind, n)
			}
		}
		return true
	}
	ast.Inspect(body, visit)
}

// coldBlock records block when its last statement leaves with a failure.
func (a *analyzer) coldBlock(name string, block ast.Node, last ast.Stmt, returnsError bool) {
	switch s := last.(type) {
	case *ast.ReturnStmt:
		if returnsError && a.returnsNonNilError(s, false) {
			a.addColdPath(name, block, "error-return", s)
		}
	case *ast.ExprStmt:
		if kind := a.stopKind(s.X); kind != "" {
			a.addColdPath(name, block, kind, s)
		}
	}
}

func (a *analyzer) addColdPath(name string, n ast.Node, kind string, at ast.Node) {
	sp := a.span(n)
	a.pf.ColdPaths = append(a.pf.ColdPaths, &ColdPath{File: a.fileName, Function: name,
		Line: sp.Line, Col: sp.Col, EndLine: sp.EndLine, EndCol: sp.EndCol, Kind: kind,
		At: a.position(at.Pos()).Line})
}

func (a *analyzer) lastResultIsError(ft *ast.FuncType) bool {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return false
	}
	t := a.info.TypeOf(ft.Results.List[len(ft.Results.List)-1].Type)
	return t != nil && types.Identical(t, errorType)
}

func inList(list []ast.Stmt, s ast.Stmt) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// returnsNonNilError: the return's last value is an error other than nil. A naked return
// or a call other than errors.New or fmt.Errorf says nothing (the call may return nil);
// at the top level of a function body, where no condition says it failed, a variable says
// nothing either.
func (a *analyzer) returnsNonNilError(r *ast.ReturnStmt, topLevel bool) bool {
	if len(r.Results) == 0 {
		return false
	}
	last := unparen(r.Results[len(r.Results)-1])
	if len(r.Results) == 1 {
		if tup, ok := a.info.TypeOf(last).(*types.Tuple); ok && tup.Len() > 1 {
			return false
		}
	}
	switch e := last.(type) {
	case *ast.Ident:
		if _, isNil := a.info.Uses[e].(*types.Nil); isNil {
			return false
		}
		return !topLevel
	case *ast.CallExpr:
		name := a.calleeName(e.Fun)
		return name == "errors.New" || name == "fmt.Errorf"
	case *ast.CompositeLit, *ast.UnaryExpr:
		return true
	}
	return !topLevel
}

// stopKind is "panic" or "exit" when e is a call that does not return normally.
func (a *analyzer) stopKind(e ast.Expr) string {
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return ""
	}
	if a.isBuiltin(call.Fun, "panic") {
		return "panic"
	}
	name := a.calleeName(call.Fun)
	switch {
	case name == "os.Exit", name == "runtime.Goexit":
		return "exit"
	case strings.HasPrefix(name, "log.Fatal"), strings.HasPrefix(name, "*log.Logger.Fatal"):
		return "exit"
	case strings.HasPrefix(name, "log.Panic"), strings.HasPrefix(name, "*log.Logger.Panic"):
		return "panic"
	}
	return ""
}

// errorValue records a call of errors.New or fmt.Errorf.
func (a *analyzer) errorValue(n *ast.CallExpr) {
	name := a.calleeName(n.Fun)
	if (name != "errors.New" && name != "fmt.Errorf") || len(n.Args) == 0 {
		return
	}
	tv, ok := a.info.Types[n.Args[0]]
	constant := ok && tv.Value != nil && tv.Value.Kind() == constant.String && len(n.Args) == 1
	sp := a.span(n)
	a.pf.ErrorValues = append(a.pf.ErrorValues, &ErrorValue{Where: a.where(n.Pos()),
		EndLine: sp.EndLine, EndCol: sp.EndCol, Call: name, Constant: constant,
		Package: a.curFunc() == nil})
}
