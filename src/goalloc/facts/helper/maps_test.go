package main

import (
	"fmt"
	"testing"
)

func mapFact(mo *MapOp) fact {
	text := fmt.Sprintf("%s %s (%s)", mo.Op, mo.Target.Name, mo.Target.Kind)
	text += flags("top", mo.TopLevel, "every", mo.EveryIter, "delete-all", mo.DeleteAll,
		"reads-self", mo.ReadsSelf)
	return fact{mo.File, mo.Line, text}
}

func TestMapOps(t *testing.T) {
	checkFacts(t, "maps", "map", packageFacts(t, "maps").MapOps, mapFact)
}
