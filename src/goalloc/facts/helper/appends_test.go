package main

import (
	"fmt"
	"testing"
)

func appendFact(ap *Append) fact {
	text := fmt.Sprintf("%s (%s) n=%d", ap.Target.Name, ap.Target.Kind, ap.Elements)
	if ap.Assigned != nil {
		text += " =" + ap.Assigned.Name
	}
	text += flags("spread", ap.Spread, "top", ap.TopLevel, "every", ap.EveryIter)
	return fact{ap.File, ap.Line, text + " elem=" + layoutText(ap.Elem)}
}

func TestAppends(t *testing.T) {
	checkFacts(t, "appends", "append", packageFacts(t, "appends").Appends, appendFact)
}
