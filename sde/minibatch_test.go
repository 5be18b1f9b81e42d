package sde_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/fpsolve/fpsolve/dataset"
	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/sde"
)

// minibatchProblem is the regression double well of
// testdata/scenarios/data-regression.yaml (minima −0.8 and −0.2, barrier
// top −0.5) on fewer examples, walkers starting at −0.2 with the target
// θ ≤ −0.8.
func minibatchProblem(t *testing.T) (sde.Problem, *dataset.Set) {
	t.Helper()
	set, err := dataset.Generate(dataset.Spec{Model: dataset.Regression, N: 64, Seed: 1, Noise: 2,
		Params: map[string]float64{"a": 1, "theta_star": -0.2}})
	if err != nil {
		t.Fatal(err)
	}
	walls := []sde.Wall{{Lo: -1.2, Hi: 0.2, Low: grid.Reflecting, High: grid.Reflecting}}
	return sde.Problem{Loss: set, Examples: set, Walls: walls, Target: sde.Interval{Lo: math.Inf(-1), Hi: -0.8}, Start: []float64{-0.2}}, set
}

// TestMinibatchDeterministic checks that minibatch walkers give bit-for-bit
// the same escape iterations for 1, 2 and 3 workers (each walker samples
// its batches from its own stream and resets its permutation).
func TestMinibatchDeterministic(t *testing.T) {
	p, _ := minibatchProblem(t)
	var first []float64
	for _, w := range []int{1, 2, 3} {
		s := sde.Settings{Walkers: 60, Dynamics: sde.Minibatch, Step: 0.05, Batch: 4, Floor: 0.002, MaxTime: 2000, Seed: 11, Workers: w}
		res, err := sde.Run(context.Background(), p, s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Dynamics != "minibatch" || res.DT != 0.05 {
			t.Errorf("dynamics %q, dt %g", res.Dynamics, res.DT)
		}
		if first == nil {
			first = res.Times
			continue
		}
		if !slices.Equal(first, res.Times) {
			t.Errorf("%d workers: escape times differ from 1 worker", w)
		}
	}
}

// TestMinibatchFullBatch checks that B = n is gradient descent: without a
// floor every walker follows the same deterministic path, so all walkers
// take the same number of steps to a target on the descent path.
func TestMinibatchFullBatch(t *testing.T) {
	p, set := minibatchProblem(t)
	p.Start = []float64{-0.45}
	p.Target = sde.Interval{Lo: -0.3, Hi: 0.2}
	s := sde.Settings{Walkers: 8, Dynamics: sde.Minibatch, Step: 0.05, Batch: set.Len(), MaxTime: 1e4, Seed: 1}
	res, err := sde.Run(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	// The same descent, computed directly.
	x, g, want := []float64{-0.45}, []float64{0}, 0
	for want = 1; ; want++ {
		set.Derivatives(x, g, nil)
		x[0] -= 0.05 * g[0]
		if x[0] >= -0.3 {
			break
		}
	}
	for i, tm := range res.Times {
		if k := int(math.Round(tm / 0.05)); k != want || res.Status[i] != sde.Arrived {
			t.Errorf("walker %d: %d steps (status %d), gradient descent takes %d", i, k, res.Status[i], want)
		}
	}
}

// TestMinibatchBadInput checks the errors of Run for minibatch settings.
func TestMinibatchBadInput(t *testing.T) {
	p, set := minibatchProblem(t)
	base := sde.Settings{Walkers: 2, Dynamics: sde.Minibatch, Step: 0.05, Batch: 4, MaxTime: 1}
	cases := map[string]func(*sde.Problem, *sde.Settings){
		"no examples":  func(p *sde.Problem, _ *sde.Settings) { p.Examples = nil },
		"batch 0":      func(_ *sde.Problem, s *sde.Settings) { s.Batch = 0 },
		"batch > n":    func(_ *sde.Problem, s *sde.Settings) { s.Batch = set.Len() + 1 },
		"negative T0":  func(_ *sde.Problem, s *sde.Settings) { s.Floor = -1 },
		"unknown dyn.": func(_ *sde.Problem, s *sde.Settings) { s.Dynamics = sde.Minibatch + 1 },
	}
	for name, f := range cases {
		pp, ss := p, base
		f(&pp, &ss)
		if _, err := sde.Run(context.Background(), pp, ss); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if d, err := sde.ParseDynamics("minibatch"); err != nil || d != sde.Minibatch || d.String() != "minibatch" {
		t.Errorf("ParseDynamics(minibatch) = %v, %v", d, err)
	}
}
