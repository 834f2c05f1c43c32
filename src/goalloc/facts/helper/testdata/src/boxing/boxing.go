// Package boxing: non-interface values converted to interfaces, and what decides whether
// that allocates.
package boxing

import "fmt"

type ID int

type Point struct{ X, Y int }

type Wrapper struct{ p *int }

type Empty struct{}

type myErr struct{ code int }

func (e myErr) Error() string { return "" }

func F(ids []ID, n int, ch chan any, m map[string]any, s []any) error {
	for i, id := range ids {
		fmt.Println(id)     // want box:"ID -> any call-arg callee=fmt.Println size=8 basic=int loop"
		fmt.Println(i)      // want box:"int -> any call-arg callee=fmt.Println size=8 loop-index loop"
		fmt.Println(42)     // want box:"int -> any call-arg callee=fmt.Println size=8 const loop"
		ch <- Point{1, 2}   // want box:"Point -> any send size=16 static loop"
		m["k"] = n          // want box:"int -> any map-value size=8 loop"
		s = append(s, true) // want box:"bool -> any append callee=append size=1 const small loop"
		k := 7
		fmt.Println(k)           // want box:"int -> any call-arg callee=fmt.Println size=8 const-local loop"
		fmt.Println(&n)          // want box:"*int -> any call-arg callee=fmt.Println size=8 pointer-shaped ptrs loop"
		fmt.Println(Wrapper{&n}) // want box:"Wrapper -> any call-arg callee=fmt.Println size=8 pointer-shaped ptrs loop"
		fmt.Println(Empty{})     // want box:"Empty -> any call-arg callee=fmt.Println size=0 static loop"
		if n > 0 {
			fmt.Println(n) // want box:"int -> any call-arg callee=fmt.Println size=8 conditional loop"
		}
		if n < 0 {
			return fmt.Errorf("bad %d", n) // want box:"int -> any call-arg callee=fmt.Errorf size=8 cold conditional loop"
		}
	}
	_ = map[string]any{"a": n} // want box:"int -> any map-value size=8"
	_ = []any{n}               // want box:"int -> any composite size=8"
	_ = struct{ V any }{V: n}  // want box:"int -> any composite size=8"
	var e error                // declarations are not recorded, assignments are
	e = myErr{1}               // want box:"myErr -> error assign size=8 static"
	return e
}

func G(p Point) any {
	return p // want box:"Point -> any return size=16"
}

func Generic[T any](v T) any {
	return v
}
