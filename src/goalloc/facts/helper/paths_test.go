package main

import (
	"fmt"
	"strings"
	"testing"
)

func coldPathFact(c *ColdPath) fact {
	return fact{c.File, c.Line, fmt.Sprintf("%s at=%d", c.Kind, c.At)}
}

func errorValueFact(e *ErrorValue) fact {
	return fact{e.File, e.Line, e.Call + flags("constant", e.Constant, "package", e.Package)}
}

func functionFact(f Function) fact {
	var params []string
	for _, p := range f.Params {
		params = append(params, p.Name+" "+p.Type)
	}
	return fact{f.File, f.Line, fmt.Sprintf("%s(%s) (%s) buffer=%s", f.Name,
		strings.Join(params, ", "), strings.Join(f.Results, ", "), f.BufferParam)}
}

func TestColdPaths(t *testing.T) {
	checkFacts(t, "paths", "cold", packageFacts(t, "paths").ColdPaths, coldPathFact)
}

func TestErrorValues(t *testing.T) {
	checkFacts(t, "paths", "error", packageFacts(t, "paths").ErrorValues, errorValueFact)
}

func TestFunctionSignatures(t *testing.T) {
	checkFacts(t, "paths", "func", packageFacts(t, "paths").Functions, functionFact)
}
