package main

import (
	"strings"
	"testing"
)

func closureFact(c *Closure) fact {
	var captures []string
	for _, cp := range c.Captures {
		captures = append(captures, cp.Name+"("+cp.Kind+flags("inside", cp.WrittenInside, "after", cp.WrittenAfter)+")")
	}
	return fact{c.File, c.Line, c.Context + " captures=[" + strings.Join(captures, " ") + "]"}
}

func TestClosures(t *testing.T) {
	checkFacts(t, "closures", "closure", packageFacts(t, "closures").Closures, closureFact)
}

// TestCaptureIdentity: a capture names the variable as vars does, by its declaration.
func TestCaptureIdentity(t *testing.T) {
	goStmt := packageFacts(t, "closures").Closures[0]
	out := goStmt.Captures[1]
	if out.Name != "out" || out.Key != "local:closures/closures.go:9:6" || out.DeclLine != 9 ||
		out.DeclCol != 6 || out.Type != "[]int" || out.Size != 24 {
		t.Errorf("capture of out: %+v", out)
	}
}
