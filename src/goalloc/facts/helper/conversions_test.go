package main

import "testing"

func conversionFact(c *Conversion) fact {
	text := c.Kind + " " + c.Context + flags("const", c.Constant, "loop", c.Loop >= 0, "cold", c.Cold,
		"conditional", c.Conditional)
	return fact{c.File, c.Line, text}
}

func TestConversions(t *testing.T) {
	checkFacts(t, "conversions", "conversion", packageFacts(t, "conversions").Conversions, conversionFact)
}
