package main

// factsVersion is the version of the JSON schema. Bump it when a field is removed or
// changes meaning: goalloc refuses output of a version it does not know.
const factsVersion = 1

// Output is the JSON document of one run.
type Output struct {
	FactsVersion int             `json:"facts_version"`
	GoVersion    string          `json:"go_version"` // the helper's runtime.Version()
	Goarch       string          `json:"goarch"`
	Root         string          `json:"root"` // file names are relative to it
	Packages     []*PackageFacts `json:"packages"`
	Errors       []string        `json:"errors"` // go list errors when no package matched
}

// PackageFacts are the facts of one target package, one list per fact family.
type PackageFacts struct {
	Path   string   `json:"path"`
	Name   string   `json:"name"`
	Dir    string   `json:"dir"`
	Files  []string `json:"files"`
	Errors []string `json:"errors"` // non-empty: the package does not type-check
	// Type errors in packages that use cgo: go/types sees C through FakeImportC only, so
	// their errors are kept here and the facts of such packages may miss a few expressions.
	Warnings    []string      `json:"warnings"`
	Functions   []Function    `json:"functions"`
	Loops       []*Loop       `json:"loops"`
	Appends     []*Append     `json:"appends"`
	Vars        []*Var        `json:"vars"`
	Makes       []*Make       `json:"makes"`
	Composites  []*Composite  `json:"composite_literals"`
	MapOps      []*MapOp      `json:"map_ops"`
	Conversions []*Conversion `json:"conversions"`
	Boxings     []*Boxing     `json:"interface_conversions"`
	Receivers   []*Receiver   `json:"receivers"`
	RangeCopies []*RangeCopy  `json:"range_copies"`
	Closures    []*Closure    `json:"closures"`
	Ignores     []*Ignore     `json:"ignores"`
	ColdPaths   []*ColdPath   `json:"cold_paths"`
	ErrorValues []*ErrorValue `json:"error_values"`
}

// newPackageFacts has every list empty rather than nil, so that the JSON has [] not null.
func newPackageFacts(lp *listedPackage) *PackageFacts {
	return &PackageFacts{Path: lp.ImportPath, Name: lp.Name, Dir: lp.Dir,
		Files: []string{}, Errors: []string{}, Warnings: []string{},
		Functions: []Function{}, Loops: []*Loop{}, Appends: []*Append{}, Vars: []*Var{},
		Makes: []*Make{}, Composites: []*Composite{}, MapOps: []*MapOp{},
		Conversions: []*Conversion{}, Boxings: []*Boxing{}, Receivers: []*Receiver{},
		RangeCopies: []*RangeCopy{}, Closures: []*Closure{}, Ignores: []*Ignore{},
		ColdPaths: []*ColdPath{}, ErrorValues: []*ErrorValue{}}
}

// Where is where a fact is: its position, the function around it and the innermost loop
// of that function around it (-1: none).
type Where struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Function string `json:"function"`
	Loop     int    `json:"loop"`
}

// Layout is a type's size, alignment and whether it holds pointers, as types.Sizes gives
// them for the target GOARCH; nil for types with type parameters.
type Layout struct {
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Align    int64  `json:"align"`
	Pointers bool   `json:"pointers"`
}

// Pos is a 1-based line and column (in bytes).
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Span is a source range; the end is exclusive.
type Span struct {
	Line    int `json:"line"`
	Col     int `json:"col"`
	EndLine int `json:"end_line"`
	EndCol  int `json:"end_col"`
}

// Function is a function declaration (T.M, (*T).M for methods).
type Function struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line"`
	// The parameters and result types, and the parameter through which the caller already
	// provides storage (see bufferParam; "" if none).
	Params      []FuncParam `json:"params"`
	Results     []string    `json:"results"`
	BufferParam string      `json:"buffer_param"`
}
