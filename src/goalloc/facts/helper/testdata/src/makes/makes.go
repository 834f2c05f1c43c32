// Package makes: calls of make and slice and map literals.
package makes

func F(n int) {
	_ = make([]int, 0, n)        // want make:"slice []int args=[0 n] consts=[0 ?] elem=int/8"
	_ = make(map[string]*int, 8) // want make:"map map[string]*int args=[8] consts=[8] key=string/16+ptr value=*int/8+ptr"
	_ = make(chan struct{})      // want make:"chan chan struct{} args=[] consts=[] elem=struct{}/0"
	_ = []string{"a", "b"}       // want composite:"slice []string elements=2 layout=[]string/24+ptr elem=string/16+ptr"
	_ = map[int]bool{1: true}    // want composite:"map map[int]bool elements=1 layout=map[int]bool/8+ptr elem=bool/1"
	_ = [2]int{}
	_ = struct{}{}
}

func Generic[T any](n int) []T {
	return make([]T, n) // want make:"slice []T args=[n] consts=[?] elem=?"
}
