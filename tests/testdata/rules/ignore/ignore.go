// Package ignore checks //goalloc:ignore comments.
package ignore

func Above(xs []int) []int {
	var out []int
	for _, x := range xs {
		//goalloc:ignore prealloc-slice the caller keeps the slice small
		out = append(out, x)
	}
	return out
}

func Trailing(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x) //goalloc:ignore prealloc-slice,map-size-hint measured, not hot
	}
	return out
}

func OtherRule(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x) // want "prealloc-slice" //goalloc:ignore map-size-hint wrong rule
	}
	return out
}
