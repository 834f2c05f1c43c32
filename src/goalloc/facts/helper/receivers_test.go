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
	checkFacts(t, "receivers", "receiver", packageFacts(t, "receivers").Receivers, receiverFact)
}
