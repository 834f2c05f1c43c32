// Package loadorstore measures the claim "sync.Map.LoadOrStore with a struct value
// allocates, with a pointer value it does not" in the four ways the code can be written.
package loadorstore

// V is the struct value of the claim.
type V struct{ X, Y int }
