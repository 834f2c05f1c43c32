// Package model holds the types goalloc lab measures in tests: exported and unexported,
// comparable and not.
package model

import "time"

// UserID is a dense integer key.
type UserID int64

// userKey is an unexported key whose fields are unexported.
type userKey struct {
	tenant int32
	id     int64
}

// Profile is a value with unexported fields of several kinds.
type Profile struct {
	name    string
	email   string
	age     int
	created time.Time
	tags    []string
}

// Tags cannot be a map key: slices are not comparable.
type Tags []string

// byKey exists so that userKey is used.
var byKey = map[userKey]*Profile{}
