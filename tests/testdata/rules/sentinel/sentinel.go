// Package sentinel holds the cases of the constant-error rule.
package sentinel

import (
	"errors"
	"fmt"
)

var ErrClosed = errors.New("closed")

// Parse makes the same error on every empty input.
func Parse(s string) (int, error) {
	if s == "" {
		return 0, errors.New("empty input") // want "constant-error"
	}
	if s == "?" {
		return 0, fmt.Errorf("unknown input") // want "constant-error"
	}
	if len(s) > 8 {
		return 0, fmt.Errorf("input of %d bytes", len(s)) // an argument: not constant
	}
	if s == "closed" {
		return 0, ErrClosed // already a sentinel
	}
	return len(s), nil
}

// Wrap wraps with %w: the message depends on err (negative).
func Wrap(err error) error {
	return fmt.Errorf("wrap: %w", err)
}

func Use() int {
	n, _ := Parse("x")
	return n
}
