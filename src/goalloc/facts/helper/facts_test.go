package main

// The facts of each family are tested as golang.org/x/tools/go/analysis/analysistest tests
// analyzers: a package under testdata/src per family, whose lines carry the facts expected
// on them as comments,
//
//	for _, o := range orders { // want loop:"range slice bound=len(orders) exact"
//
// Each fact is rendered as one line of text by its family's test (loopFact, appendFact,
// ...), and every fact of the family in the package must be wanted, and every want met.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const testdataDir = "testdata/src"

// testdataFacts runs the helper once, as goalloc does, on every package under testdata/src
// (sizes for amd64, whatever the host).
var testdataFacts = sync.OnceValues(func() (*Output, error) {
	return run(options{goCmd: "go", dir: testdataDir, root: testdataDir, goarch: "amd64",
		patterns: []string{"./..."}})
})

// packageFacts are the facts of testdata/src/<name>, which must type-check.
func packageFacts(t *testing.T, name string) *PackageFacts {
	t.Helper()
	out, err := testdataFacts()
	if err != nil {
		t.Fatal(err)
	}
	for _, pf := range out.Packages {
		if pf.Path == "factstest/"+name {
			if len(pf.Errors) > 0 {
				t.Fatalf("%s does not type-check: %v", name, pf.Errors)
			}
			return pf
		}
	}
	t.Fatalf("no package %s under %s", name, testdataDir)
	return nil
}

// fact is one fact rendered for comparison: where it is and what it says.
type fact struct {
	file string
	line int
	text string
}

func (f fact) String() string { return fmt.Sprintf("%s:%d: %q", f.file, f.line, f.text) }

// checkFacts compares the facts of one family in package name, rendered with render, with
// its want comments.
func checkFacts[T any](t *testing.T, name, family string, facts []T, render func(T) fact) {
	t.Helper()
	got := make([]fact, 0, len(facts))
	for _, f := range facts {
		got = append(got, render(f))
	}
	want := wants(t, name, family)
	if len(want) == 0 {
		t.Fatalf("%s has no want comments for %s", name, family)
	}
	for _, m := range difference(want, got) {
		t.Errorf("missing    %v", m)
	}
	for _, u := range difference(got, want) {
		t.Errorf("unexpected %v", u)
	}
}

// difference is a minus b, as multisets.
func difference(a, b []fact) []fact {
	left := map[fact]int{}
	for _, f := range b {
		left[f]++
	}
	var out []fact
	for _, f := range a {
		if left[f] > 0 {
			left[f]--
			continue
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}

var (
	wantComment = regexp.MustCompile(`//\s*want\s+(.*)$`)
	wantFact    = regexp.MustCompile(`([a-z-]+):("(?:[^"\\]|\\.)*")`)
)

// wants are the facts of family the files of testdata/src/<name> expect.
func wants(t *testing.T, name, family string) []fact {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testdataDir, name, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s/%s", testdataDir, name)
	}
	var out []fact
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, testdataDir+string(filepath.Separator)))
		for i, line := range strings.Split(string(src), "\n") {
			m := wantComment.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			for _, w := range wantFact.FindAllStringSubmatch(m[1], -1) {
				if w[1] != family {
					continue
				}
				text, err := strconv.Unquote(w[2])
				if err != nil {
					t.Fatalf("%s:%d: bad want %s: %v", rel, i+1, w[2], err)
				}
				out = append(out, fact{rel, i + 1, text})
			}
		}
	}
	return out
}

// flags renders the names whose conditions hold, in order: flags("a", true, "b", false)
// is " a".
func flags(pairs ...any) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1].(bool) {
			b.WriteString(" " + pairs[i].(string))
		}
	}
	return b.String()
}

func layoutText(l *Layout) string {
	if l == nil {
		return "?"
	}
	text := fmt.Sprintf("%s/%d", l.Type, l.Size)
	if l.Pointers {
		text += "+ptr"
	}
	return text
}
