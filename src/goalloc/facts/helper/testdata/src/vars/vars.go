// Package vars: local slice and map variables, how they start and every write to them.
package vars

func split() ([]int, []int) { return nil, nil }

func Decls(in []string, n int) (out map[string]int) { // want var:"slice in []string param init=none text=[]string writes=decl elem=string/16+ptr" var:"map out map[string]int result init=none text=map[string]int writes=decl,assign key=string/16+ptr value=int/8"
	var a []int                  // want var:"slice a []int var init=nil text=[]int stmt writes=decl,append-self elem=int/8"
	b := []int{}                 // want var:"slice b []int define init=empty-literal text=[]int stmt writes=decl,assign elem=int/8"
	c := []int{1, 2, 3}          // want var:"slice c []int define init=literal len=3 text=[]int stmt writes=decl elem=int/8"
	d := make([]int, 0)          // want var:"slice d []int define init=make len=0 text=[]int stmt writes=decl,closure-write captured elem=int/8"
	e := make([]int, n)          // want var:"slice e []int define init=make-len len=n text=[]int stmt writes=decl,addr elem=int/8"
	f := make([]int, 0, n)       // want var:"slice f []int define init=make-cap len=0 cap=n text=[]int stmt writes=decl elem=int/8"
	g := make(map[string]int)    // want var:"map g map[string]int define init=make text=map[string]int stmt writes=decl key=string/16+ptr value=int/8"
	h := make(map[string]int, n) // want var:"map h map[string]int define init=make-hint len=n text=map[string]int stmt writes=decl key=string/16+ptr value=int/8"
	i, j := in, in               // want var:"slice i []string define init=other writes=decl elem=string/16+ptr" var:"slice j []string define init=other writes=decl elem=string/16+ptr"
	var k, l = split()           // want var:"slice k []int var init=other writes=decl elem=int/8" var:"slice l []int var init=other writes=decl elem=int/8"
	var (
		m []byte // want var:"slice m []byte var init=nil text=[]byte writes=decl elem=byte/1"
	)
	for _, x := range [][]int{c} { // want var:"slice x []int range init=other writes=decl elem=int/8"
		a = append(a, x...)
	}
	b = nil
	p := &e
	func() { d = append(d, 1) }()
	out = g
	_, _, _, _, _, _, _, _, _ = b, f, h, i, j, k, l, m, p
	return out
}
