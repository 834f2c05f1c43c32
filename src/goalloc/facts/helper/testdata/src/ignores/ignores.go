// Package ignores: //goalloc:ignore comments (see TestIgnores: a want comment on the line
// would be part of the directive).
package ignores

func F(xs []int) (out []int) {
	for _, x := range xs {
		out = append(out, x) //goalloc:ignore prealloc-slice,box-in-loop checked by hand
	}
	//goalloc:ignore all
	out = append(out, 1)
	// goalloc:ignore large-copy
	return out
}
