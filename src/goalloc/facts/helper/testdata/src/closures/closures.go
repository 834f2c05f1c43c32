// Package closures: function literals, what is done with them and what they capture.
package closures

import "os"

func apply(f func()) { f() }

func F(xs []int) []int {
	var out []int
	done := make(chan bool)
	go func() { // want closure:"go captures=[xs(slice) out(slice inside) done(other)]"
		out = append(out, xs...)
		done <- true
		_ = os.Args
	}()
	<-done
	n := 0
	defer func() { n++ }()       // want closure:"defer captures=[n(other inside after)]"
	f := func() int { return n } // want closure:"assign captures=[n(other after)]"
	n = 2
	func() { _ = n }() // want closure:"call captures=[n(other)]"
	apply(func() {})   // want closure:"call-arg captures=[]"
	var g = func() {}  // want closure:"other captures=[]"
	g()
	_ = f
	return out
}
