package main

import (
	"fmt"
	"testing"
)

func boxFact(b *Boxing) fact {
	text := fmt.Sprintf("%s -> %s %s", b.From, b.To, b.Context)
	if b.Callee != "" {
		text += " callee=" + b.Callee
	}
	text += fmt.Sprintf(" size=%d", b.Size)
	if b.BasicKind != "" && b.BasicKind != b.From {
		text += " basic=" + b.BasicKind
	}
	text += flags("const", b.Constant, "const-local", b.ConstLocal, "small", b.SmallValue,
		"pointer-shaped", b.PointerShaped, "ptrs", b.Pointers, "static", b.StaticLiteral,
		"loop-index", b.LoopIndex, "cold", b.Cold, "conditional", b.Conditional, "loop", b.Loop >= 0)
	return fact{b.File, b.Line, text}
}

func TestBoxing(t *testing.T) {
	checkFacts(t, "boxing", "box", packageFacts(t, "boxing").Boxings, boxFact)
}
