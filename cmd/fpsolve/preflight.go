package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fpsolve/fpsolve/scenario"
)

// Checks of the input that need more than the scenario alone: the --json
// path, and targets and initial density against the built grid.

// checkJSONPath refuses, before any work is done, a --json path that cannot
// be written: an existing directory, or one below a regular file. Missing
// directories are fine (the write creates them).
func (o *options) checkJSONPath() error {
	if o.json == "" || o.json == "-" {
		return nil
	}
	if st, err := os.Stat(o.json); err == nil && st.IsDir() {
		return usagef("--json %s is a directory; give a file name such as %s", o.json, filepath.Join(o.json, "result.json"))
	}
	dir := filepath.Dir(o.json)
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return usagef("--json %s: %s is a file, not a directory", o.json, dir)
			}
			return nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// minInitialOutside is the least fraction of a Gaussian initial density
// that must lie outside the targets for run: below it the run would start
// from a renormalized tail.
const minInitialOutside = 1e-3

// initialOutsideTargets refuses a Gaussian initial density that starts
// (almost) entirely inside the targets. Other variants either lie in one
// cell or are spread out; Model.Initial refuses those with no mass left.
func initialOutsideTargets(m *scenario.Model) error {
	gs := m.Scenario.Initial.Gaussian
	if gs == nil || len(m.Sinks) == 0 {
		return nil
	}
	g := m.Grid
	p := make([]float64, g.Len())
	g.Gaussian(p, gs.Mean, gs.Std)
	total, outside := 0.0, 0.0
	for c, in := range m.SinkMask() {
		total += p[c]
		if !in {
			outside += p[c]
		}
	}
	if !(total > 0) || outside >= minInitialOutside*total {
		return nil
	}
	return scenario.Problems{{Path: "initial.gaussian", Value: fmt.Sprintf("{mean: %v, std: %v}", gs.Mean, gs.Std),
		Msg: fmt.Sprintf("only %.3g of the initial mass lies outside the targets (the rest would start absorbed and the run would follow a renormalized tail): move the mean out of the targets or shrink them", outside/total)}}
}

// targetsLeaveCells refuses targets that together cover every cell (each
// one alone is checked by Validate, basins included only here).
func targetsLeaveCells(m *scenario.Model) error {
	if len(m.Sinks) == 0 {
		return nil
	}
	for _, in := range m.SinkMask() {
		if !in {
			return nil
		}
	}
	return scenario.Problems{{Path: "targets", Msg: "the targets cover every cell of the domain, so nothing is left to absorb: remove or shrink one"}}
}
