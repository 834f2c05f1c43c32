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
	var got []fact
	for _, mk := range packageFacts(t, "makes").Makes {
		got = append(got, makeFact(mk))
	}
	checkFacts(t, "makes", "make", got)
}

func TestCompositeLiterals(t *testing.T) {
	var got []fact
	for _, c := range packageFacts(t, "makes").Composites {
		got = append(got, compositeFact(c))
	}
	checkFacts(t, "makes", "composite", got)
}
