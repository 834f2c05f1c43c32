package causes10

import "strconv"

type flagValue struct{ vals []float32 }

// The literal and its interface box are two decisions at one position with one text.
func (f *flagValue) Get(empty bool) (interface{}, error) {
	if empty {
		return []float32{}, nil // want: interface-conversion, interface-conversion
	}
	return f.vals, nil // want: interface-conversion
}

func addTag(name, typeName string) map[string]string {
	return map[string]string{"name": name, "type": typeName} // want: returned
}

// A constant-folded inlined parameter: one decision, not two.
func Tags(n int) []map[string]string {
	out := make([]map[string]string, 0, n) // want: returned
	for i := 0; i < n; i++ {
		out = append(out, addTag(strconv.Itoa(i), "datetime")) // want: returned, returned
	}
	return out
}

func tag(value interface{}, typeName string) map[string]interface{} {
	return map[string]interface{}{"type": typeName, "value": value} // want: returned, interface-conversion
}

// The inlined parameter typeName is folded to the constant; the compiler decides once.
func Typed(v string) map[string]interface{} {
	return tag(v, "datetime") // want: returned, interface-conversion, interface-conversion
}
