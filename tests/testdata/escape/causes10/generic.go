package causes10

type PL struct{ s string }

func (l *PL) String() string { return l.s }

func Local[T Stringer](v T) string {
	w := v
	return w.String()
}

// The inlined generic body calls the type parameter's method through its dictionary.
func UseLocal() string {
	return Local(&PL{"y"}) // want: call-argument
}
