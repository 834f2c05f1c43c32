package main

import (
	"go/ast"
	"strings"
)

// Ignore is a //goalloc:ignore RULE[,RULE...] reason comment.
type Ignore struct {
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Rules   []string `json:"rules"`
	Reason  string   `json:"reason"`
	OwnLine bool     `json:"own_line"` // alone on its line: it applies to the next line
}

const ignoreDirective = "goalloc:ignore"

// ignoreDirectives are the ignore comments of the current file.
func (a *analyzer) ignoreDirectives(f *ast.File) []*Ignore {
	var out []*Ignore
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			t := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
			if !strings.HasPrefix(t, ignoreDirective) {
				continue
			}
			p := a.position(c.Pos())
			ig := &Ignore{File: a.fileName, Line: p.Line, Rules: []string{}}
			if fields := strings.Fields(strings.TrimPrefix(t, ignoreDirective)); len(fields) > 0 {
				ig.Rules = strings.Split(fields[0], ",")
				ig.Reason = strings.Join(fields[1:], " ")
			}
			lineStart := p.Offset - (p.Column - 1)
			ig.OwnLine = strings.TrimSpace(string(a.src[lineStart:p.Offset])) == ""
			out = append(out, ig)
		}
	}
	return out
}
