package broken

// F does not compile on purpose: the bench runner must report the compiler error.
func F() int { return "not an int" }
