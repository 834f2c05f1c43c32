package causes10

type Val struct {
	p **int
}

func (v Val) param13(i *int) {
	*v.p = i
}

// The inlined method's parameter is also named i: it is not the caller's i.
func Caller13a() {
	i := 0 // want: stored-in-heap
	var p *int
	var v Val
	v.p = &p
	v.param13(&i)
	_ = v
}

func Caller13d() {
	i := 0     // want: stored-in-heap
	var p *int // want: stored-in-heap
	var v Val
	v.p = &p
	v.param13(&i)
	sink = v
}

func param11(i **int) ***int { // want: returned
	return &i
}

func Caller11b() {
	i := 0             // want: stored-in-heap
	p := &i            // want: stored-in-heap
	sink = param11(&p) // want: stored-in-heap
}

type Indir struct {
	p ***int
}

func (r *Indir) param12(i **int) { // want: stored-in-heap
	r.p = &i
}

func Caller12a() {
	i := 0  // want: stored-in-heap
	p := &i // want: stored-in-heap
	var r Indir
	r.param12(&p) // want: stored-in-heap
	_ = r
}

func Caller12c() {
	i := 0  // want: stored-in-heap
	p := &i // want: stored-in-heap
	r := Indir{}
	r.param12(&p) // want: stored-in-heap
	sink = r
}
