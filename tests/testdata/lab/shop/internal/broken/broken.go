// Package broken does not compile: goalloc lab must say so in one line.
package broken

type Item struct{ id int }

func Bad() int { return "not an int" }
