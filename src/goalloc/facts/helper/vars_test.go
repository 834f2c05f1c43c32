package main

import (
	"strings"
	"testing"
)

func varFact(v *Var) fact {
	text := strings.Join([]string{v.Kind, v.Name, v.Type, v.DeclKind, "init=" + v.Init}, " ")
	if v.InitLen != "" {
		text += " len=" + v.InitLen
	}
	if v.InitCap != "" {
		text += " cap=" + v.InitCap
	}
	if v.TypeText != "" {
		text += " text=" + v.TypeText
	}
	var writes []string
	for _, w := range v.Writes {
		writes = append(writes, w.Kind)
	}
	text += flags("stmt", v.Stmt != nil) + " writes=" + strings.Join(writes, ",") + flags("captured", v.Captured)
	if v.Kind == "slice" {
		text += " elem=" + layoutText(v.Elem)
	} else {
		text += " key=" + layoutText(v.KeyLayout) + " value=" + layoutText(v.ValueLayout)
	}
	return fact{v.File, v.Line, text}
}

func TestVars(t *testing.T) {
	checkFacts(t, "vars", "var", packageFacts(t, "vars").Vars, varFact)
}

// TestVarStatement: the span of a statement that declares only the variable, which a fix
// may replace.
func TestVarStatement(t *testing.T) {
	for _, v := range packageFacts(t, "vars").Vars {
		if v.Name == "f" {
			want := Span{Line: 12, Col: 2, EndLine: 12, EndCol: 24}
			if v.Stmt == nil || *v.Stmt != want {
				t.Errorf("stmt of f = %+v, want %+v", v.Stmt, want)
			}
			return
		}
	}
	t.Fatal("no var f")
}
