package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Numerical health: a result that failed its own checks is never written
// as if it were good. Steady solves that do not converge end the command
// with exit status 1 and the true residual; a run reports how far its mass
// drifted where it must be conserved.

// healthError is a failed numerical check, explained for the user; it
// wraps the solver's error.
type healthError struct {
	msg string
	err error
}

func (e *healthError) Error() string { return e.msg }
func (e *healthError) Unwrap() error { return e.err }

// solveFailure explains the error of a steady solve (what is "stationary"
// or "mfpt") and states that no result was written. Other errors are
// returned with the context of what.
func solveFailure(what string, m *scenario.Model, err error) error {
	if err == nil {
		return nil
	}
	var nc *linear.NotConvergedError
	var re *solver.ResidualError
	switch {
	case errors.As(err, &nc):
		return &healthError{err: err, msg: fmt.Sprintf(
			"%s: the linear solve did not converge: %s stopped after %d iterations at a true relative residual ‖b − M·x‖/‖b‖ = %.3g (tolerance %.3g); no result written: "+
				"raise solver.max_iter (now %s), use solver.linear: direct, or use fewer cells",
			what, nc.Method, nc.Iter, nc.Residual, nc.Tol, maxIterText(m))}
	case errors.As(err, &re):
		return &healthError{err: err, msg: fmt.Sprintf(
			"%s: the solution fails its residual check: relative residual %.3g > %.3g; no result written: use solver.linear: direct (exact elimination), or fewer cells",
			what, re.Residual, re.Tol)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

func maxIterText(m *scenario.Model) string {
	if m == nil || m.Scenario.Solver.MaxIter == 0 {
		return "the default"
	}
	return fmt.Sprint(m.Scenario.Solver.MaxIter)
}

// The relative change of the total mass of a closed problem (no targets,
// no absorbing face) beyond which run warns is massDriftTol plus
// massDriftPerStep per time step: the schemes conserve mass to rounding
// (~1e-15 per step) with an exact elimination, and to the solve tolerance
// (1e-10 relative residual, measured ≈ 1e-12 of mass per step on the
// flat/sharp 2-D run) with an iterative solver.
const (
	massDriftTol     = 1e-8
	massDriftPerStep = 1e-10
)

// massDrift returns the largest |m − m0|/m0 over the snapshot masses of a
// run that started with mass m0.
func massDrift(m0 float64, snaps []snapshot) float64 {
	drift := 0.0
	for _, s := range snaps {
		drift = math.Max(drift, math.Abs(s.Mass-m0)/m0)
	}
	return drift
}

// runHealth records the mass drift of a closed run in res.Stats
// ("mass_drift") and warns when it exceeds massDriftTol +
// massDriftPerStep·steps (res.Stats["steps"], an int). The initial
// density has mass 1 (Model.Initial normalizes it). Problems with targets
// or absorbing faces lose mass by design and are not checked.
func (o *options) runHealth(m *scenario.Model, res *runResult) {
	if len(m.Sinks) > 0 || hasAbsorbingFace(m.Grid) || len(res.Snapshots) == 0 {
		return
	}
	drift := massDrift(1, res.Snapshots)
	if res.Stats == nil {
		res.Stats = map[string]any{}
	}
	res.Stats["mass_drift"] = drift
	steps, _ := res.Stats["steps"].(int)
	if drift > massDriftTol+massDriftPerStep*float64(steps) || math.IsNaN(drift) {
		o.logf("warning: the total mass drifted by %.3g (relative) although the problem is closed (no targets, no absorbing face): "+
			"the linear solves are not accurate enough (solver.linear: direct, or a smaller time.tol) or the density went NaN\n", drift)
	}
}
