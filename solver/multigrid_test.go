package solver

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
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

// iterativeProblem is a 2-D run large enough for the iterative path
// (21025 cells, just past the threshold).
func iterativeProblem(t *testing.T) (*operators.Operator, int) {
	t.Helper()
	n := 145
	g := plane(-2, 2, n, n)
	loss := testloss.FlatSharp(0.5)
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: loss, Diffusion: operators.White{D: 2, T: 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	return op, n
}

// l1Rel returns Σ|p − q| / Σ|q|.
func l1Rel(p, q []float64) float64 {
	var diff, tot float64
	for i := range p {
		diff += math.Abs(p[i] - q[i])
		tot += math.Abs(q[i])
	}
	return diff / tot
}

// TestEvolveIterativeMatchesExact: fixed steps on the iterative path (in
// the diagonal-ILU and the multigrid regime, from a smooth start and from
// a one-cell spike, where the explicit-step initial guess of TR-BDF2's
// first stage amplifies the rough part by c·|A| ≈ 10³) give the density of
// the exact (sign-preserving elimination) path to the solver tolerance: a
// relative residual of 1e-10 per stage.
func TestEvolveIterativeMatchesExact(t *testing.T) {
	op, n := iterativeProblem(t)
	g := op.Grid
	for _, tc := range []struct {
		name   string
		dt     float64
		spike  bool
		solver string
	}{
		{"ilu smooth", 0.002, false, "ILU"},
		{"multigrid smooth", 0.05, false, "multigrid"},
		{"multigrid spike", 0.1, true, "multigrid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(lin linear.Settings) ([]float64, Stats) {
				p := make([]float64, g.Len())
				if tc.spike {
					p[g.Len()/2+n/4] = 1 / g.CellVolume()
				} else {
					gaussian(g, p, []float64{-1, 0}, [][]float64{{0.01, 0}, {0, 0.01}})
				}
				st, err := Evolve(context.Background(), op, p, 0, []float64{20 * tc.dt}, Settings{DT: tc.dt, Linear: lin}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return p, st
			}
			pIt, stIt := run(linear.Settings{})
			pEx, stEx := run(linear.Settings{Method: linear.BandLU})
			if !strings.Contains(stIt.Solver, tc.solver) || strings.Contains(stIt.Solver, "failed") {
				t.Errorf("solver %q, want %s without fallback", stIt.Solver, tc.solver)
			}
			if strings.Contains(stEx.Solver, "bicgstab") {
				t.Fatalf("exact run used %q", stEx.Solver)
			}
			e := l1Rel(pIt, pEx)
			t.Logf("L1 difference %.2g over %d steps", e, stIt.Steps)
			if e > 1e-8 {
				t.Errorf("iterative and exact runs differ by %g in L1", e)
			}
		})
	}
}

// TestEvolveIterativeAdaptiveAccuracy: adaptive steps (10⁻³ to 0.5) on the
// iterative path, whose error estimate is filtered by one application of
// the preconditioner rather than an exact solve, are as accurate as on
// the exact path: both are compared with a run at 100× tighter tolerance.
func TestEvolveIterativeAdaptiveAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("three 145×145 runs to t = 4")
	}
	op, _ := iterativeProblem(t)
	g := op.Grid
	run := func(tol float64, lin linear.Settings) ([]float64, Stats) {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{-1, 0}, [][]float64{{0.01, 0}, {0, 0.01}})
		st, err := Evolve(context.Background(), op, p, 0, []float64{0.5, 4}, Settings{DT: 1e-3, Adaptive: true, Tol: tol, Linear: lin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p, st
	}
	pIt, stIt := run(1e-4, linear.Settings{})
	pEx, stEx := run(1e-4, linear.Settings{Method: linear.BandLU})
	ref, _ := run(1e-6, linear.Settings{Method: linear.BandLU})
	if !strings.Contains(stIt.Solver, "multigrid") {
		t.Errorf("automatic choice for the large steps is %q, want multigrid", stIt.Solver)
	}
	eIt, eEx := l1Rel(pIt, ref), l1Rel(pEx, ref)
	t.Logf("L1 error: iterative %.2g (%d steps), exact %.2g (%d steps)", eIt, stIt.Steps, eEx, stEx.Steps)
	if eIt > 1.5*eEx {
		t.Errorf("iterative path error %g > 1.5 × exact path's %g", eIt, eEx)
	}
}

// stubSolver is a linear.Solver for the fallback tests: it fails, or sets
// x = scale·b; Approx sets x = 2·scale·b.
type stubSolver struct {
	name  string
	fail  bool
	scale float64
	calls int
}

func (s *stubSolver) Solve(x, b []float64) error {
	s.calls++
	if s.fail {
		return &linear.NotConvergedError{Method: s.name, Iter: 50, Residual: 1, Tol: 1e-10}
	}
	for i := range x {
		x[i] = s.scale * b[i]
	}
	return nil
}

func (s *stubSolver) Approx(x, b []float64) {
	for i := range x {
		x[i] = 2 * s.scale * b[i]
	}
}

func (s *stubSolver) Name() string { return s.name }

// plainSolver hides the stub's Approx, as an exact solver has none.
type plainSolver struct{ s *stubSolver }

func (p plainSolver) Solve(x, b []float64) error { return p.s.Solve(x, b) }
func (p plainSolver) Name() string               { return p.s.Name() }

// TestFallbackChain: a stalled multigrid gives way to diagonal ILU, and a
// failing ILU to exact elimination; each is built once and kept, the
// initial guess is restored for the next, the error estimate uses the
// preconditioner of the solver in use, Name tells the story, and the
// evolver's statistics count each failure and describe the first.
func TestFallbackChain(t *testing.T) {
	e := &evolver{}
	mg := &stubSolver{name: "mg", fail: true}
	ilu := &stubSolver{name: "ilu", scale: 3}
	exact := &stubSolver{name: "exact", scale: 5}
	builtILU, builtExact := 0, 0
	toExact := func() (linear.Solver, error) { builtExact++; return plainSolver{exact}, nil }
	f := &fallbackSolver{primary: mg, why: "stiff", then: "diagonal ILU, then exact elimination", failed: e.failed,
		make: func() (linear.Solver, error) {
			builtILU++
			return &fallbackSolver{primary: ilu, make: toExact, why: "diagonal ILU", then: "exact elimination", failed: e.failed}, nil
		}}
	if a, ok := approximator(f); !ok || a != linear.Approximator(mg) {
		t.Fatalf("before any solve the estimate uses %v, want mg", a)
	}
	x, b := []float64{7, 7}, []float64{1, 2}
	if err := f.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	if x[0] != 3 || x[1] != 6 || mg.calls != 1 || ilu.calls != 1 {
		t.Fatalf("x = %v after mg %d, ilu %d calls; want ILU's answer", x, mg.calls, ilu.calls)
	}
	if a, ok := approximator(f); !ok || a != linear.Approximator(ilu) {
		t.Fatalf("after the fallback the estimate uses %v, want ilu", a)
	}
	if err := f.Solve(x, b); err != nil || mg.calls != 1 || ilu.calls != 2 || builtILU != 1 {
		t.Fatalf("second solve: err %v, mg %d, ilu %d calls, ILU built %d times", err, mg.calls, ilu.calls, builtILU)
	}
	if want := "ilu (diagonal ILU; exact elimination as fallback) (after mg failed)"; f.Name() != want {
		t.Errorf("name %q, want %q", f.Name(), want)
	}
	first := "linear: mg did not converge in 50 iterations: relative residual 1 > tolerance 1e-10; ilu (diagonal ILU; exact elimination as fallback) took over"
	if st := e.finish(Stats{}, 0); st.Fallbacks != 1 || st.Fallback != first {
		t.Errorf("after mg's failure: %d fallbacks, first %q; want 1, %q", st.Fallbacks, st.Fallback, first)
	}
	ilu.fail = true
	if err := f.Solve(x, b); err != nil || x[0] != 5 || builtExact != 1 {
		t.Fatalf("after ILU fails: err %v, x %v, exact built %d times", err, x, builtExact)
	}
	if st := e.finish(Stats{}, 0); st.Fallbacks != 2 || st.Fallback != first {
		t.Errorf("after ILU's failure: %d fallbacks, first %q; want 2, the first unchanged", st.Fallbacks, st.Fallback)
	}
	if _, ok := approximator(f); ok {
		t.Error("an exact solver in use offers an approximation")
	}
}

// TestSolverCacheLRU: the evolver keeps the solvers of cacheSolvers step
// sizes and evicts the least recently used (a fixed choice, so a run's
// set-ups repeat), counting a set-up only for a step size not cached.
func TestSolverCacheLRU(t *testing.T) {
	g := line(-2, 2, 50, grid.Reflecting, grid.Reflecting)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.Quadratic([]float64{1}), Diffusion: operators.White{D: 1, T: 0.5}})
	e := &evolver{op: op, a: op.A, n: g.Len(), cache: map[float64]linear.Solver{}}
	use := func(c float64) {
		if _, err := e.solver(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []float64{1, 2, 3, 4, 1, 5} { // 5 evicts 2, the least recently used
		use(c)
	}
	if e.factors != 5 {
		t.Errorf("%d set-ups, want 5", e.factors)
	}
	for _, c := range []float64{1, 3, 4, 5} {
		if _, ok := e.cache[c]; !ok {
			t.Errorf("step size %g evicted", c)
		}
	}
	if _, ok := e.cache[2]; ok {
		t.Error("step size 2 kept")
	}
}

// TestIterativeAggregateFrom: once linear interpolation has failed at a
// step size, steps at least as large start with constant interpolation,
// and say why; smaller and mild ones do not.
func TestIterativeAggregateFrom(t *testing.T) {
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 1, N: 200}, grid.Axis{Lo: 0, Hi: 1, N: 200})
	if err != nil {
		t.Fatal(err)
	}
	e := &evolver{op: &operators.Operator{Grid: g}, diagMax: 1000, aggregateFrom: 0.1}
	for _, tc := range []struct {
		c         float64
		method    linear.Method
		aggregate bool
	}{
		{0.005, linear.BiCGSTAB, false}, // stiffness 5: diagonal ILU
		{0.05, linear.Multigrid, false}, // below the failed step size
		{0.1, linear.Multigrid, true},   // the failed one
		{0.4, linear.Multigrid, true},   // larger
	} {
		set, why := e.iterative(tc.c)
		if set.Method != tc.method || set.Aggregate != tc.aggregate || tc.aggregate != strings.Contains(why, "constant interpolation") {
			t.Errorf("c = %g: method %v, aggregate %v (%s); want %v, %v", tc.c, set.Method, set.Aggregate, why, tc.method, tc.aggregate)
		}
	}
}

// TestFallbackUnavailable: when the fallback cannot be built (a band
// elimination too large, say), the error names that and the failure that
// called for it.
func TestFallbackUnavailable(t *testing.T) {
	mg := &stubSolver{name: "mg", fail: true}
	f := &fallbackSolver{primary: mg, why: "stiff", then: "exact elimination",
		make: func() (linear.Solver, error) { return nil, errors.New("band elimination needs 6253 MB") }}
	err := f.Solve([]float64{1, 1}, []float64{1, 2})
	if err == nil || !strings.Contains(err.Error(), "band elimination needs 6253 MB (after linear: mg did not converge") {
		t.Errorf("error %v, want the fallback's error and the primary's", err)
	}
}
