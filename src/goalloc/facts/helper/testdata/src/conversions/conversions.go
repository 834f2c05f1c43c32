// Package conversions: string/[]byte/[]rune conversions and where their result goes.
package conversions

func use(string) {}

func F(lines [][]byte, s string, counts map[string]int, seen map[string]bool, buf []byte) (n int) {
	for _, b := range lines {
		counts[string(b)]++    // want conversion:"string-from-bytes map-index-update loop"
		counts[string(b)] = 1  // want conversion:"string-from-bytes map-index-write loop"
		n += counts[string(b)] // want conversion:"string-from-bytes map-index-read loop"
		if string(b) == s {    // want conversion:"string-from-bytes compare loop"
			n++
		}
		switch string(b) { // want conversion:"string-from-bytes switch-tag loop"
		case "x":
			n++
		}
		s = s + string(b)               // want conversion:"string-from-bytes concat loop"
		buf = append(buf, []byte(s)...) // want conversion:"bytes-from-string append-arg loop"
		n += copy(buf, []byte(s))       // want conversion:"bytes-from-string copy-arg loop"
		n += len(string(b))             // want conversion:"string-from-bytes len loop"
		use(string(b))                  // want conversion:"string-from-bytes call-arg loop"
		x := string(b)                  // want conversion:"string-from-bytes assign loop"
		if !seen[x] {
			seen[string(b)] = true // want conversion:"string-from-bytes map-index-write loop conditional"
		}
		if len(b) == 0 {
			return len(string(b)) // want conversion:"string-from-bytes len loop cold conditional"
		}
	}
	for range []byte("const") { // want conversion:"bytes-from-string range const"
		n++
	}
	r := []rune(s) // want conversion:"runes-from-string assign"
	use(string(r)) // want conversion:"string-from-runes call-arg"
	_ = []int(nil)
	return n
}

func G(b []byte) string {
	return string(b) // want conversion:"string-from-bytes return"
}
