// Package sleepy has a benchmark that outlasts any deadline a test gives it.
package sleepy
