package solver

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// TestMultigridStepIterationsBounded: for the step matrix I − c·A of a
// Fokker–Planck generator at a fixed physical c (the large steps of a
// run that relaxes to equilibrium), multigrid-preconditioned BiCGSTAB
// needs about as many iterations on a fine grid as on a coarse one.
func TestMultigridStepIterationsBounded(t *testing.T) {
	sizes := []int{100, 200}
	if !testing.Short() {
		sizes = append(sizes, 400)
	}
	l := testloss.FlatSharp(0.5)
	for _, tc := range []struct {
		name   string
		d      operators.Diffusion
		growth int // allowed extra iterations from the coarsest to the finest grid
	}{
		// Measured 5, 5, 5 (white) and 7, 9, 9 (sgd: anisotropic, with
		// cross terms) iterations on 100², 200², 400²; ILU(0) needs 60–120.
		{"white", operators.White{D: 2, T: 0.25}, 2},
		{"sgd", operators.SGD{Loss: l, Scale: 0.025, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3}, 4},
	} {
		var its []int
		for _, n := range sizes {
			g := plane(-2.5, 2.5, n, n)
			op, err := operators.Assemble(operators.Problem{Grid: g, Loss: l, Diffusion: tc.d})
			if err != nil {
				t.Fatal(err)
			}
			s, err := linear.New(shifted(op.A, 1), linear.Settings{Method: linear.Multigrid, Shape: []int{n, n}, MaxIter: 200})
			if err != nil {
				t.Fatal(err)
			}
			p := make([]float64, g.Len())
			gaussian(g, p, []float64{-1, 0}, [][]float64{{0.1, 0}, {0, 0.1}})
			x := append([]float64(nil), p...)
			if err := s.Solve(x, p); err != nil {
				t.Fatalf("%s %d²: %v", tc.name, n, err)
			}
			its = append(its, s.(interface{ Iterations() int }).Iterations())
		}
		t.Logf("%s, sizes %v: iterations %v", tc.name, sizes, its)
		if its[len(its)-1] > its[0]+tc.growth {
			t.Errorf("%s: iterations grow with the grid: %v", tc.name, its)
		}
	}
}

// TestEvolveMultigridMatchesExact: a 2-D run large enough for the iterative
// path, with steps from 10⁻³ to 4, gives the same density as the exact
// (sign-preserving elimination) path.
func TestEvolveMultigridMatchesExact(t *testing.T) {
	n := 145 // 21025 cells: just past the iterative threshold
	g := plane(-2, 2, n, n)
	loss := testloss.FlatSharp(0.5)
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: loss, Diffusion: operators.White{D: 2, T: 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(lin linear.Settings) ([]float64, Stats) {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{-1, 0}, [][]float64{{0.01, 0}, {0, 0.01}})
		st, err := Evolve(context.Background(), op, p, 0, []float64{0.5, 4}, Settings{DT: 1e-3, Adaptive: true, Linear: lin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p, st
	}
	pIt, stIt := run(linear.Settings{})
	pEx, stEx := run(linear.Settings{Method: linear.BandLU})
	if !strings.Contains(stIt.Solver, "multigrid") {
		t.Errorf("automatic choice for the large steps is %q, want multigrid", stIt.Solver)
	}
	if strings.Contains(stEx.Solver, "bicgstab") {
		t.Fatalf("exact run used %q", stEx.Solver)
	}
	var diff, tot float64
	for i := range pIt {
		diff += math.Abs(pIt[i] - pEx[i])
		tot += math.Abs(pEx[i])
	}
	t.Logf("L1 difference %.2g over %d/%d steps (max Δt %g)", diff/tot, stIt.Steps, stEx.Steps, stIt.MaxDT)
	if diff/tot > 1e-6 {
		t.Errorf("iterative and exact runs differ by %g in L1", diff/tot)
	}
}

// TestEvolveIterativeRoughStart: fixed TR-BDF2 steps from a one-cell spike
// (where the explicit-step initial guess of the first stage amplifies the
// rough part by c·|A| ≈ 10³) converge and match the exact path to the
// solver tolerance: a relative residual of 1e-10 per stage, over 10 steps.
func TestEvolveIterativeRoughStart(t *testing.T) {
	n := 145
	g := plane(-2, 2, n, n)
	loss := testloss.FlatSharp(0.5)
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: loss, Diffusion: operators.White{D: 2, T: 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(lin linear.Settings) ([]float64, Stats) {
		p := make([]float64, g.Len())
		p[g.Len()/2+n/4] = 1 / g.CellVolume()
		st, err := Evolve(context.Background(), op, p, 0, []float64{0.5, 1}, Settings{DT: 0.1, Linear: lin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p, st
	}
	pIt, stIt := run(linear.Settings{})
	pEx, _ := run(linear.Settings{Method: linear.BandLU})
	if !strings.Contains(stIt.Solver, "multigrid") || strings.Contains(stIt.Solver, "failed") {
		t.Errorf("solver %q, want multigrid without fallback", stIt.Solver)
	}
	var diff, tot float64
	for i := range pIt {
		diff += math.Abs(pIt[i] - pEx[i])
		tot += math.Abs(pEx[i])
	}
	t.Logf("L1 difference %.2g", diff/tot)
	if diff/tot > 1e-8 {
		t.Errorf("iterative and exact runs differ by %g in L1", diff/tot)
	}
}
