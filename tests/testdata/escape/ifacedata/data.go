// Interface conversions the compiler may build from static data (after the Go compiler's
// test/escape_iface_data.go): constants, zero values, named small constants, zero-size and
// one-byte values, next to ones that must allocate.
package ifacedata

var sink interface{}

type M interface{ M() }

type MyInt int

func (m MyInt) M() {}

func escapes(m M) { sink = m }

type S struct{ a, b int64 }

func String1()      { sink = "abc" }
func String4()      { v := ""; sink = v }
func Integer1()     { sink = 42 }
func Integer3()     { sink = 0 }
func Integer4a()    { v := 0; sink = v }
func Integer4b()    { v := uint8(0); sink = v }
func Named1a()      { sink = MyInt(42) }
func Named1b()      { escapes(MyInt(42)) }
func Named2a()      { v := MyInt(0); sink = v }
func Named3b()      { escapes(MyInt(0)) }
func Struct3()      { sink = S{} }
func Struct4()      { v := S{}; sink = v }
func EmptyStruct1() { sink = struct{}{} }
func EmptyStruct2() { v := struct{}{}; sink = v }

func Integer7(v int)  { sink = v }
func Named7a(v MyInt) { sink = v }
func Struct1()        { sink = S{1, 1} }
func Struct7(v S)     { sink = v }
func Str7(v string)   { sink = v }
func Named2c(v int)   { sink = MyInt(v) }
func Bytes(b []byte)  { sink = string(b) }
