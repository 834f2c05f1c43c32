package main

import (
	"fmt"
	"testing"
)

func rangeCopyFact(rc *RangeCopy) fact {
	text := fmt.Sprintf("%s %s size=%d over=%s in=%s", rc.Value, rc.Type, rc.Size, rc.Over, rc.RangeExpr)
	return fact{rc.File, rc.Line, text + flags("whole", rc.WholeUse)}
}

func TestRangeCopies(t *testing.T) {
	checkFacts(t, "rangecopies", "rangecopy", packageFacts(t, "rangecopies").RangeCopies, rangeCopyFact)
}
