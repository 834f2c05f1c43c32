// Package receivers: method receivers, their size and whether the method changes its copy.
package receivers

type Big struct{ a [20]int64 }

func (b Big) Sum() int64  { return b.a[0] } // want receiver:"Big.Sum value b size=160 nodes=7"
func (b *Big) Ptr() int64 { return b.a[1] } // want receiver:"(*Big).Ptr pointer b size=160 nodes=7"
func (b Big) Set()        { b.a[0] = 1 }    // want receiver:"Big.Set value b size=160 nodes=8 mutated"
func (Big) Anon()         {}                // want receiver:"Big.Anon value size=160 nodes=1"
func (b Big) Addr() *Big  { return &b }     // want receiver:"Big.Addr value b size=160 nodes=4 mutated"

type G[T any] struct{ v T }

func (g G[T]) Get() T { return g.v }
