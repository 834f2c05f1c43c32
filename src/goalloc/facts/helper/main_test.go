package main

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOutputHeader(t *testing.T) {
	out, err := testdataFacts()
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(testdataDir)
	if out.FactsVersion != factsVersion || out.GoVersion != runtime.Version() || out.Goarch != "amd64" ||
		out.Root != abs || len(out.Errors) != 0 {
		t.Errorf("header: version %d, go %s, goarch %s, root %s, errors %v", out.FactsVersion,
			out.GoVersion, out.Goarch, out.Root, out.Errors)
	}
}

// TestBrokenPackage: a package that does not type-check has its first errors, relative to
// the root, no facts, and empty lists rather than nulls in JSON.
func TestBrokenPackage(t *testing.T) {
	out, err := testdataFacts()
	if err != nil {
		t.Fatal(err)
	}
	var broken *PackageFacts
	for _, pf := range out.Packages {
		if pf.Path == "factstest/broken" {
			broken = pf
		}
	}
	if broken == nil || len(broken.Errors) == 0 || !strings.HasPrefix(broken.Errors[0], "broken/broken.go:5:9: ") {
		t.Fatalf("broken package: %+v", broken)
	}
	data, err := json.Marshal(broken)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "null") {
		t.Errorf("null in %s", data)
	}
}

func TestRunErrors(t *testing.T) {
	base := options{goCmd: "go", dir: testdataDir, root: testdataDir, goarch: "amd64", patterns: []string{"./loops"}}
	noGo := base
	noGo.goCmd = filepath.Join(t.TempDir(), "no-such-go")
	if _, err := run(noGo); err == nil || !strings.HasPrefix(err.Error(), "go list failed: ") {
		t.Errorf("a go command that does not run: %v", err)
	}
	badArch := base
	badArch.goarch = "vax"
	if _, err := run(badArch); err == nil || err.Error() != "unknown GOARCH vax" {
		t.Errorf("an unknown GOARCH: %v", err)
	}
	noMatch := base
	noMatch.patterns = []string{"./nosuch/..."}
	out, err := run(noMatch) // go list -e: a package with an error and no files
	if err != nil || len(out.Packages) != 1 || len(out.Packages[0].Errors) != 1 || len(out.Packages[0].Files) != 0 {
		t.Errorf("a pattern that matches nothing: %v, %+v", err, out)
	}
}

func TestMeaningfulLine(t *testing.T) {
	for in, want := range map[string]string{
		"# example.com/p\np/a.go:3:1: undefined: x\nmore": "p/a.go:3:1: undefined: x",
		"  one\ntwo":  "one",
		"# only\n":    "# only",
		"":            "",
		"single line": "single line",
	} {
		if got := meaningfulLine(in); got != want {
			t.Errorf("meaningfulLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelativeNames(t *testing.T) {
	root := filepath.FromSlash("/m/root")
	if got := relFile(root, filepath.FromSlash("/m/root/p/a.go")); got != "p/a.go" {
		t.Errorf("relFile inside root = %q", got)
	}
	outside := filepath.FromSlash("/elsewhere/a.go")
	if got := relFile(root, outside); got != outside {
		t.Errorf("relFile outside root = %q", got)
	}
	if got := relError(root, filepath.FromSlash("/m/root/p/a.go:1:2: bad")); got != filepath.FromSlash("p/a.go:1:2: bad") {
		t.Errorf("relError = %q", got)
	}
}

func TestHeadBuffer(t *testing.T) {
	h := &headBuffer{limit: 5}
	for _, s := range []string{"abc", "defg", "hij"} {
		if n, err := h.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if h.String() != "abcde" {
		t.Errorf("kept %q, want the first 5 bytes", h.String())
	}
}
