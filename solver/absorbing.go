package solver

import (
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Absorbing is a generator with an absorbing set (sinks or absorbing
// faces), restricted to its live cells and factorized once, for the
// questions that share that factorization: mean first passage times, the
// principal (quasi-stationary) mode and the reinjected steady state.
type Absorbing struct {
	op  *operators.Operator
	idx []int // live cells, in order
	// Markov path: the GTH factors of Aᵀ restricted to the live cells.
	gth *gthLU
	// General path: A and Aᵀ restricted, with their solvers.
	a, at    *sparse.CSR
	fwd, bwd linear.Solver
}

// NewAbsorbing factorizes the live part of op. It returns an error when op
// has no absorbing set.
func NewAbsorbing(op *operators.Operator, s linear.Settings) (*Absorbing, error) {
	g := op.Grid
	n := g.Len()
	keep := make([]bool, n)
	absorbing := hasAbsorbingFace(g)
	for i := range keep {
		keep[i] = op.Sink == nil || !op.Sink[i]
		absorbing = absorbing || !keep[i]
	}
	if !absorbing {
		return nil, errors.New("solver: needs an absorbing set: add targets or an absorbing boundary")
	}
	ab := &Absorbing{op: op}
	if useGTH(op, s) {
		f, idx, err := newGTH(op.A, keep, liveSums(op, keep))
		if err != nil {
			return nil, fmt.Errorf("solver: %w", err)
		}
		ab.gth, ab.idx = f, idx
	} else {
		ab.a, ab.idx = restrict(op.A, keep, false)
		ab.at = linear.Transpose(ab.a)
		var err error
		if ab.fwd, err = linear.New(ab.a, s); err != nil {
			return nil, fmt.Errorf("solver: %w", err)
		}
		if ab.bwd, err = linear.New(ab.at, s); err != nil {
			return nil, fmt.Errorf("solver: %w", err)
		}
	}
	if len(ab.idx) == 0 {
		return nil, errors.New("solver: every cell is in the target set")
	}
	return ab, nil
}

func hasAbsorbingFace(g *grid.Grid) bool {
	for k := 0; k < g.Dim(); k++ {
		if a := g.Axis(k); a.Low == grid.Absorbing || a.High == grid.Absorbing {
			return true
		}
	}
	return false
}

// Live returns the live cells (outside the sinks), in order; the vectors of
// the restricted solves are indexed like it.
func (ab *Absorbing) Live() []int { return ab.idx }

// solveA solves A_live·x = b.
func (ab *Absorbing) solveA(x, b []float64) error {
	if ab.gth != nil {
		ab.gth.solveT(x, b) // the factors are of Aᵀ
		return nil
	}
	for i := range x {
		x[i] = 0
	}
	return ab.fwd.Solve(x, b)
}

// solveAT solves A_liveᵀ·x = b.
func (ab *Absorbing) solveAT(x, b []float64) error {
	if ab.gth != nil {
		ab.gth.solve(x, b)
		return nil
	}
	for i := range x {
		x[i] = 0
	}
	return ab.bwd.Solve(x, b)
}

// scatter places a live-cell vector on the grid (zero in sinks).
func (ab *Absorbing) scatter(x []float64) []float64 {
	out := make([]float64, ab.op.Grid.Len())
	for i, c := range ab.idx {
		out[c] = x[i]
	}
	return out
}

// MFPT returns the mean first passage time τ of every cell to the absorbing
// set (τ = 0 in sink cells): Aᵀτ = −1 on the live cells. On the Markov path
// every τ is a sum of positive terms (no cancellation); otherwise the
// residual is checked, and a negative τ (possible only when A is not a
// Markov generator) is an error, never a result.
func (ab *Absorbing) MFPT() ([]float64, error) {
	k := len(ab.idx)
	b := make([]float64, k)
	for i := range b {
		b[i] = -1
	}
	x := make([]float64, k)
	if err := ab.solveAT(x, b); err != nil {
		return nil, fmt.Errorf("solver: mfpt: %w", err)
	}
	if ab.gth == nil {
		r := make([]float64, k)
		linear.MulVec(r, ab.at, x)
		for i := range r {
			r[i] += 1
		}
		if res := relResidual(normInf(ab.at), r, x); !(res <= steadyTol) {
			return nil, &ResidualError{What: "mfpt", Residual: res, Tol: steadyTol}
		}
	}
	for i, c := range ab.idx {
		if x[i] < 0 || math.IsNaN(x[i]) {
			return nil, fmt.Errorf("solver: mfpt: passage time %g at cell %d: the operator is not a Markov generator here (cross-diffusion under-resolved: refine the grid, or raise ε or the floor)", x[i], c)
		}
	}
	return ab.scatter(x), nil
}

// Principal returns the principal eigenvalue λ₀ > 0 and eigenvector
// (∫v = 1) of the generator with absorption, A·v = −λ₀·v on the live
// cells, by inverse iteration. v is the quasi-stationary density and λ₀ its
// escape rate.
func (ab *Absorbing) Principal() (float64, []float64, error) {
	k := len(ab.idx)
	v := make([]float64, k)
	for i := range v {
		v[i] = 1
	}
	w := make([]float64, k)
	lambda := math.NaN()
	for it := 0; it < 500; it++ {
		if err := ab.solveA(w, v); err != nil {
			return 0, nil, fmt.Errorf("solver: principal: %w", err)
		}
		// w = A⁻¹v ≈ −v/λ₀; the eigenvector is one-signed, so Σw ≠ 0.
		s := 0.0
		for _, x := range w {
			s += x
		}
		if s == 0 || math.IsNaN(s) {
			return 0, nil, errors.New("solver: principal: inverse iteration broke down")
		}
		vs := 0.0
		for _, x := range v {
			vs += x
		}
		next := -vs / s // Σv / Σ(A⁻¹v) → −λ₀
		for i := range w {
			v[i] = w[i] / s
		}
		if math.Abs(next-lambda) <= 1e-14*math.Abs(next) {
			lambda = next
			break
		}
		lambda = next
	}
	if !(lambda > 0) {
		return 0, nil, fmt.Errorf("solver: principal: eigenvalue %g is not positive", lambda)
	}
	out := ab.scatter(v)
	ab.op.Grid.Normalize(out)
	return lambda, out, nil
}

// Reinjection returns the steady density (∫P = 1) of the process whose
// probability, on reaching the absorbing set, is put back into cell start,
// and the outflow rate J/M through the absorbing set measured with the
// operator's face fluxes (Operator.Leak). By the Hill relation J/M = 1/τ,
// τ the mean first passage time from start, which makes this an
// independent check of the backward solve: it uses A, not Aᵀ.
func (ab *Absorbing) Reinjection(start int) ([]float64, float64, error) {
	k := len(ab.idx)
	s := -1
	for i, c := range ab.idx {
		if c == start {
			s = i
		}
	}
	if s < 0 {
		return nil, 0, fmt.Errorf("solver: reinjection cell %d is in the absorbing set", start)
	}
	b := make([]float64, k)
	b[s] = -1 // A·P = −e_s: a unit source at start
	x := make([]float64, k)
	if err := ab.solveA(x, b); err != nil {
		return nil, 0, fmt.Errorf("solver: reinjection: %w", err)
	}
	p := ab.scatter(x)
	g := ab.op.Grid
	mass := g.Mass(p)
	leak := ab.op.Leak()
	flux := 0.0
	for c, v := range p {
		flux += leak[c] * v
	}
	flux *= g.CellVolume()
	g.Normalize(p)
	return p, flux / mass, nil
}

// MFPT returns the mean first passage times of every cell to the absorbing
// set of op (see Absorbing.MFPT).
func MFPT(op *operators.Operator, s linear.Settings) ([]float64, error) {
	ab, err := NewAbsorbing(op, s)
	if err != nil {
		return nil, err
	}
	return ab.MFPT()
}

// Principal returns the principal eigenvalue and quasi-stationary density
// of op with its absorbing set (see Absorbing.Principal).
func Principal(op *operators.Operator, s linear.Settings) (float64, []float64, error) {
	ab, err := NewAbsorbing(op, s)
	if err != nil {
		return 0, nil, err
	}
	return ab.Principal()
}

// liveSums returns minus the leak of every kept cell, in order: the exact
// row sums of Aᵀ restricted to those cells.
func liveSums(op *operators.Operator, keep []bool) []float64 {
	leak := op.Leak()
	var sums []float64
	for c, k := range keep {
		if k {
			sums = append(sums, -leak[c])
		}
	}
	return sums
}

// gthStep solves (I − c·A)·x = b for a Markov generator A with the
// sign-preserving elimination (linear.Solver); sink cells keep x = b.
type gthStep struct {
	f      *gthLU
	idx    []int
	xs, bs []float64
	n      int
}

func newGTHStep(op *operators.Operator, c float64) (*gthStep, error) {
	n := op.Grid.Len()
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = op.Sink == nil || !op.Sink[i]
	}
	leak := op.Leak()
	var sums []float64
	for i, k := range keep {
		if k {
			sums = append(sums, 1+c*leak[i])
		}
	}
	f, idx, err := newGTHScaled(op.A, keep, sums, -c)
	if err != nil {
		return nil, err
	}
	return &gthStep{f: f, idx: idx, xs: make([]float64, len(idx)), bs: make([]float64, len(idx)), n: n}, nil
}

// Solve stores the solution of (I − c·A)·x = b in x.
func (s *gthStep) Solve(x, b []float64) error {
	for i, c := range s.idx {
		s.bs[i] = b[c]
	}
	s.f.solveT(s.xs, s.bs)
	copy(x, b)
	for i, c := range s.idx {
		x[c] = s.xs[i]
	}
	return nil
}

// Name describes the method.
func (s *gthStep) Name() string {
	return fmt.Sprintf("gth band (kl=%d, ku=%d)", s.f.kl, s.f.ku)
}

// Committor returns, for every cell, the probability q that the process
// started there reaches the absorbing set through the part whose inflow
// rates are leakInto (from operators.Operator.LeakInto) before any other
// part: Aᵀq = −leakInto on the live cells. On the Markov path the solve
// keeps signs (q is a sum of non-negative terms).
func (ab *Absorbing) Committor(leakInto []float64) ([]float64, error) {
	k := len(ab.idx)
	b := make([]float64, k)
	for i, c := range ab.idx {
		b[i] = -leakInto[c]
	}
	x := make([]float64, k)
	if err := ab.solveAT(x, b); err != nil {
		return nil, fmt.Errorf("solver: committor: %w", err)
	}
	return ab.scatter(x), nil
}
