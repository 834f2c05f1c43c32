package causes10

type node[T any] struct {
	items    []T
	children []*node[T]
}

type BTree[T any] struct {
	root *node[T]
	free []*node[T]
}

func (t *BTree[T]) newNode() *node[T] { // want: returned
	if n := len(t.free); n > 0 {
		nd := t.free[n-1]
		t.free = t.free[:n-1]
		return nd
	}
	return &node[T]{} // want: returned
}

func (t *BTree[T]) Insert(v T) { // want: stored-in-heap, stored-in-heap
	if t.root == nil {
		t.root = t.newNode() // want: stored-in-heap
	}
	t.root.items = append(t.root.items, v) // want: stored-in-heap
}

func UseTree() *BTree[int] {
	t := &BTree[int]{} // want: returned
	t.Insert(1)        // want: stored-in-heap, stored-in-heap
	return t
}

type Parser struct{ buf []byte }

func (p *Parser) value() *Value { return &Value{kind: 1} } // want: returned

type Value struct{ kind int }

func (p *Parser) Parse() *Value {
	v := p.value() // want: returned
	return v
}
