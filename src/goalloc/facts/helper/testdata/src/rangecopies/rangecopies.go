// Package rangecopies: range loops that copy large elements into their value variable.
package rangecopies

type Big struct {
	a    [16]int64
	name string
}

func (b Big) Sum() int64 { return b.a[0] }

func use(Big) {}

func F(bs []Big, m map[int]Big, arr [2]Big, p *[2]Big, ch chan Big, small []int) (t int64) {
	for _, b := range bs { // want rangecopy:"b Big size=144 over=slice in=bs"
		t += b.a[0]
		_ = b.name
	}
	for _, b := range bs { // want rangecopy:"b Big size=144 over=slice in=bs whole"
		use(b)
	}
	for _, b := range bs { // want rangecopy:"b Big size=144 over=slice in=bs whole"
		t += b.Sum()
	}
	for _, b := range bs { // want rangecopy:"b Big size=144 over=slice in=bs whole"
		b.a[0] = 1
	}
	for _, b := range bs { // want rangecopy:"b Big size=144 over=slice in=bs whole"
		q := &b.a
		_ = q
	}
	for _, b := range m { // want rangecopy:"b Big size=144 over=map in=m"
		t += b.a[1]
	}
	for _, b := range arr { // want rangecopy:"b Big size=144 over=array in=arr"
		t += b.a[1]
	}
	for _, b := range p { // want rangecopy:"b Big size=144 over=pointer-to-array in=p"
		t += (b.a)[1]
	}
	for b := range ch {
		t += b.a[0]
	}
	for _, x := range small {
		t += int64(x)
	}
	var b Big
	for _, b = range bs { // want rangecopy:"b Big size=144 over=slice in=bs"
		t += b.a[2]
	}
	return t
}
