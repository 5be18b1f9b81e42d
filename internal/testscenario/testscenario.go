// Package testscenario builds scenarios from files for the tests of other
// packages: the model and its assembled operator, with the grid resized.
package testscenario

import (
	"testing"

	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/scenario"
)

// Operator loads the scenario file at path, replaces its cells per axis
// by cells (when not nil), and returns the model and its operator; any
// error fails t.
func Operator(t testing.TB, path string, cells []int) (*scenario.Model, *operators.Operator) {
	t.Helper()
	s, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cells != nil {
		s.Cells = cells
	}
	m, err := scenario.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	op, err := m.Operator()
	if err != nil {
		t.Fatal(err)
	}
	return m, op
}
