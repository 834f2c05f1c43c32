package main

import (
	"fmt"
	"strings"
	"testing"
)

func makeFact(mk *Make) fact {
	var consts []string
	for _, c := range mk.Consts {
		if c == nil {
			consts = append(consts, "?")
		} else {
			consts = append(consts, fmt.Sprint(*c))
		}
	}
	text := fmt.Sprintf("%s %s args=[%s] consts=[%s]", mk.Kind, mk.Type, strings.Join(mk.Args, " "),
		strings.Join(consts, " "))
	if mk.Kind == "map" {
		text += " key=" + layoutText(mk.Key) + " value=" + layoutText(mk.Value)
	} else {
		text += " elem=" + layoutText(mk.Elem)
	}
	return fact{mk.File, mk.Line, text}
}

func compositeFact(c *Composite) fact {
	text := fmt.Sprintf("%s %s elements=%d layout=%s elem=%s", c.Kind, c.Type, c.Elements,
		layoutText(c.Layout), layoutText(c.Elem))
	return fact{c.File, c.Line, text}
}

func TestMakes(t *testing.T) {
	checkFacts(t, "makes", "make", packageFacts(t, "makes").Makes, makeFact)
}

func TestCompositeLiterals(t *testing.T) {
	checkFacts(t, "makes", "composite", packageFacts(t, "makes").Composites, compositeFact)
}
