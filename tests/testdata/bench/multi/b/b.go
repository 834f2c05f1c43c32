package b

func Two() int { return 2 }
