package main

import (
	"go/ast"
	"go/types"
)

// Receiver is a method's receiver: a value receiver copies the value on every call that
// is not inlined.
type Receiver struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Type     string `json:"type"`
	Pointer  bool   `json:"pointer"`
	Size     int64  `json:"size"`
	Name     string `json:"name"`
	// The method assigns to its receiver or takes its address: the copy is part of its meaning.
	Mutated bool `json:"mutated"`
	// AST nodes in the body: small bodies are inlined at their call sites, copying nothing.
	BodyNodes int `json:"body_nodes"`
}

// receiver records the receiver of method n, called name.
func (a *analyzer) receiver(n *ast.FuncDecl, name string) {
	f := n.Recv.List[0]
	t := a.typeOf(f.Type)
	ptr := false
	if p, ok := t.(*types.Pointer); ok {
		ptr = true
		t = p.Elem()
	}
	size, ok := a.sizeof(t)
	if !ok {
		return
	}
	p := a.position(f.Type.Pos())
	r := &Receiver{Function: name, File: a.fileName, Line: p.Line, Col: p.Column,
		Type: a.typeString(t), Pointer: ptr, Size: size, BodyNodes: countNodes(n.Body)}
	if len(f.Names) > 0 {
		r.Name = f.Names[0].Name
		if obj := a.info.Defs[f.Names[0]]; obj != nil {
			a.recvObjs[r] = obj
		}
	}
	a.pf.Receivers = append(a.pf.Receivers, r)
}

func countNodes(body *ast.BlockStmt) int {
	if body == nil {
		return 0
	}
	n := 0
	ast.Inspect(body, func(x ast.Node) bool {
		if x != nil {
			n++
		}
		return true
	})
	return n
}

// markMutatedReceivers: a receiver written after its declaration is mutated.
func (a *analyzer) markMutatedReceivers() {
	for r, obj := range a.recvObjs {
		r.Mutated = len(a.writes[obj]) > 1
	}
}
