package main

import (
	"reflect"
	"testing"
)

func TestIgnores(t *testing.T) {
	want := []*Ignore{
		{File: "ignores/ignores.go", Line: 7, Rules: []string{"prealloc-slice", "box-in-loop"},
			Reason: "checked by hand"},
		{File: "ignores/ignores.go", Line: 9, Rules: []string{"all"}, OwnLine: true},
		{File: "ignores/ignores.go", Line: 11, Rules: []string{"large-copy"}, OwnLine: true},
	}
	got := packageFacts(t, "ignores").Ignores
	if !reflect.DeepEqual(got, want) {
		for _, ig := range got {
			t.Logf("got %+v", *ig)
		}
		t.Errorf("ignores differ from %d wanted", len(want))
	}
}
