package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
)

// listedPackage is what the helper reads of `go list -json`.
type listedPackage struct {
	Dir        string
	ImportPath string
	Name       string
	Export     string
	GoFiles    []string
	CgoFiles   []string
	DepOnly    bool
	Standard   bool
	Error      *listError
	DepsErrors []*listError
	ImportMap  map[string]string
}

type listError struct {
	Err string
	Pos string
}

const listFields = "Dir,ImportPath,Name,Export,GoFiles,CgoFiles,DepOnly,Standard,Error," +
	"DepsErrors,ImportMap"

// goList runs `go list -e -export -deps` on the patterns. It returns the packages and the
// start of go list's stderr; an error only when go list printed no package at all.
func goList(opts options) ([]*listedPackage, string, error) {
	args := []string{"list", "-e", "-export", "-deps", "-json=" + listFields}
	args = append(args, strings.Fields(opts.buildFlags)...)
	args = append(args, "--")
	args = append(args, opts.patterns...)
	cmd := exec.Command(opts.goCmd, args...)
	cmd.Dir = opts.dir
	// With -gcflags=-m the compiler's diagnostics are replayed on stderr (68 MB for go/types):
	// keep only the start, where go list's own errors are.
	stderr := &headBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, "", fmt.Errorf("go list failed: %s", firstLine(msg))
	}
	pkgs, err := decodeList(out)
	if err != nil {
		return nil, "", err
	}
	return pkgs, stderr.String(), nil
}

// decodeList reads the stream of JSON objects go list prints.
func decodeList(out []byte) ([]*listedPackage, error) {
	var pkgs []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := new(listedPackage)
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("cannot read go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// headBuffer keeps the first limit bytes written to it and drops the rest.
type headBuffer struct {
	bytes.Buffer
	limit int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.limit - h.Len(); room > 0 {
		if len(p) > room {
			h.Buffer.Write(p[:room])
		} else {
			h.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// meaningfulLine is the first line of a go command error that is not a "# pkg" header.
func meaningfulLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return firstLine(s)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
