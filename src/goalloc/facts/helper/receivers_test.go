package main

import (
	"fmt"
	"testing"
)

func receiverFact(r *Receiver) fact {
	kind := "value"
	if r.Pointer {
		kind = "pointer"
	}
	text := r.Function + " " + kind
	if r.Name != "" {
		text += " " + r.Name
	}
	text += fmt.Sprintf(" size=%d nodes=%d", r.Size, r.BodyNodes) + flags("mutated", r.Mutated)
	return fact{r.File, r.Line, text}
}

func TestReceivers(t *testing.T) {
	var got []fact
	for _, r := range packageFacts(t, "receivers").Receivers {
		got = append(got, receiverFact(r))
	}
	checkFacts(t, "receivers", "receiver", got)
}
