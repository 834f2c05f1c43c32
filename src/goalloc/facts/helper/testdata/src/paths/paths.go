// Package paths: failure paths, error values and buffer parameters.
package paths

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
)

var ErrEmpty = errors.New("empty") // want error:"errors.New constant package"

func Parse(s string) (int, error) { // want func:"Parse(s string) (int, error) buffer="
	if s == "" { // want cold:"error-return at=17"
		return 0, ErrEmpty // want cold:"error-return at=17"
	}
	if len(s) > 10 { // want cold:"error-return at=20"
		return 0, fmt.Errorf("too long: %d", len(s)) // want cold:"error-return at=20" error:"fmt.Errorf"
	}
	if s == "x" { // want cold:"error-return at=23"
		return 0, errors.New("x") // want cold:"error-return at=23" error:"errors.New constant"
	}
	n, err := parse(s)
	if err != nil {
		return n, nil
	}
	return n, nil
}

func parse(s string) (int, error) { // want func:"parse(s string) (int, error) buffer="
	return len(s), nil
}

func Stop(x int) { // want func:"Stop(x int) () buffer="
	switch x {
	case 1: // want cold:"panic at=39"
		panic("one") // want cold:"panic at=39"
	case 2: // want cold:"exit at=41"
		os.Exit(2) // want cold:"exit at=41"
	case 3: // want cold:"exit at=43"
		log.Fatalf("three %d", x) // want cold:"exit at=43"
	}
}

func AppendTo(b []byte, s string) []byte { // want func:"AppendTo(b []byte, s string) ([]byte) buffer=b"
	return append(b, s...)
}

func Sum(xs []int) int { // want func:"Sum(xs []int) (int) buffer="
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func Write(w io.Writer, sb *strings.Builder) error { // want func:"Write(w io.Writer, sb *strings.Builder) (error) buffer=w"
	if _, err := io.WriteString(w, "x"); err != nil { // want cold:"error-return at=61"
		return fmt.Errorf("write: %w", err) // want cold:"error-return at=61" error:"fmt.Errorf"
	}
	f := func() error {
		return fmt.Errorf("inner") // want cold:"error-return at=64" error:"fmt.Errorf constant"
	}
	return f()
}
