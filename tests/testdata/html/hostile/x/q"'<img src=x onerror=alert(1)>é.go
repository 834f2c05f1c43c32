// Package x is hostile to HTML reports: </script><script>alert("comment")</script> <!--
// and a line separator   and a paragraph separator   and <img src=x onerror=alert(2)>.
package x

// Evil returns strings that are markup: "</script><img src=x onerror=alert(3)>".
func Evil(n int) []string {
	s := []string{"</script><script>alert('x')</script>", "<img src=x onerror=alert(4)>", "\"'`&amp;", "ünïcødé   ☃  "}
	for i := 0; i < n; i++ {
		s = append(s, "<!--<script>alert(5)</script>")
	}
	return s
}

// Box holds anything.
type Box struct{ V any }

// Wrap boxes a string whose text is a closing script tag.
func Wrap(v string) *Box { return &Box{V: "</script><img src=x onerror=alert(6)>" + v} }

// Keys returns a map keyed by markup.
func Keys() map[string]int {
	m := map[string]int{"<script>alert(7)</script>": 1}
	return m
}
