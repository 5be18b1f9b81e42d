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

// ResidualError reports a steady solve whose answer fails its own check.
type ResidualError struct {
	What     string  // "stationary", "mfpt", ...
	Residual float64 // relative residual of the returned solution
	Tol      float64
}

func (e *ResidualError) Error() string {
	return fmt.Sprintf("solver: %s solve residual %.3g exceeds %.3g: the linear solve is not accurate enough (try --set solver.linear=direct or fewer cells)", e.What, e.Residual, e.Tol)
}

// steadyTol is the relative residual a steady solve must reach.
const steadyTol = 1e-8

// Stationary returns the stationary density of op: A·P = 0 with ∫P = 1.
// For a Markov generator (see operators.Operator.IsMarkov) it uses the
// sign-preserving GTH elimination, exact to rounding in every cell however
// small P is there. Otherwise the singular system is made regular by
// replacing the equation of the cell r where guess is largest with P_r = 1,
// solved by package linear and normalized afterwards. It returns an error when the operator has
// absorbing faces (no stationary state exists) or the solve fails.
func Stationary(op *operators.Operator, guess []float64, s linear.Settings) ([]float64, error) {
	g := op.Grid
	for k := 0; k < g.Dim(); k++ {
		if a := g.Axis(k); a.Low == grid.Absorbing || a.High == grid.Absorbing || op.Sink != nil {
			return nil, errors.New("solver: no stationary state with absorbing faces or targets: make every face reflecting or periodic and drop the targets (or use mfpt)")
		}
	}
	n := g.Len()
	p := make([]float64, n)
	if useGTH(op, s) {
		all := make([]bool, n)
		for i := range all {
			all[i] = true
		}
		f, _, err := newGTH(op.A, all, make([]float64, n))
		if err != nil {
			return nil, fmt.Errorf("solver: stationary: %w", err)
		}
		f.solveT(p, nil)
	} else if err := stationaryGeneral(op, guess, s, p); err != nil {
		return nil, err
	}
	// Check A·P = 0 relative to the size of the terms.
	ap := make([]float64, n)
	op.Apply(ap, p)
	if res := relResidual(op.A, ap, p); res > steadyTol {
		return nil, &ResidualError{What: "stationary", Residual: res, Tol: steadyTol}
	}
	g.Normalize(p)
	return p, nil
}

// useGTH reports whether the sign-preserving elimination applies: a Markov
// generator and a direct (or automatic) method.
func useGTH(op *operators.Operator, s linear.Settings) bool {
	return (s.Method == linear.Auto || s.Method == linear.BandLU || s.Method == linear.Thomas) && op.IsMarkov()
}

// stationaryGeneral solves A·P = 0 with one equation replaced by P_r = 1.
func stationaryGeneral(op *operators.Operator, guess []float64, s linear.Settings, p []float64) error {
	n := len(p)
	r := 0
	for i := range guess {
		if guess[i] > guess[r] {
			r = i
		}
	}
	raw := op.A.RawMatrix()
	indptr := append([]int(nil), raw.Indptr...)
	ind := append([]int(nil), raw.Ind...)
	data := append([]float64(nil), raw.Data...)
	for j := indptr[r]; j < indptr[r+1]; j++ {
		data[j] = 0
		if ind[j] == r {
			data[j] = 1
		}
	}
	sol, err := linear.New(sparse.NewCSR(n, n, indptr, ind, data), s)
	if err != nil {
		return fmt.Errorf("solver: stationary: %w", err)
	}
	b := make([]float64, n)
	b[r] = 1
	copy(p, guess)
	if err := sol.Solve(p, b); err != nil {
		return fmt.Errorf("solver: stationary: %w", err)
	}
	return nil
}

// relResidual returns ‖r‖∞ / (‖A‖∞·‖x‖∞), a scale-free residual.
func relResidual(a *sparse.CSR, r, x []float64) float64 {
	raw := a.RawMatrix()
	na := 0.0
	for i := 0; i < raw.I; i++ {
		s := 0.0
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			s += math.Abs(raw.Data[j])
		}
		na = math.Max(na, s)
	}
	return maxAbs(r) / (na * maxAbs(x))
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// MFPT returns the mean first passage time τ of every cell to the absorbing
// set: the sinks of op (τ = 0 in sink cells) and the absorbing faces of the
// grid. It solves Aᵀτ = −1 on the other cells. It returns an
// error when there is no absorbing set or the solve does not meet its
// residual check (τ of 10¹¹ and more occur; a wrong τ is never returned).
func MFPT(op *operators.Operator, s linear.Settings) ([]float64, error) {
	g := op.Grid
	n := g.Len()
	keep := make([]bool, n)
	any := false
	for i := range keep {
		keep[i] = op.Sink == nil || !op.Sink[i]
		any = any || !keep[i]
	}
	for k := 0; k < g.Dim(); k++ {
		a := g.Axis(k)
		any = any || a.Low == grid.Absorbing || a.High == grid.Absorbing
	}
	if !any {
		return nil, errors.New("solver: mfpt needs an absorbing set: add targets or an absorbing boundary")
	}
	var x []float64
	if useGTH(op, s) {
		// Sign-preserving elimination: no cancellation, so no residual
		// check is needed (every τ is a sum of positive terms).
		f, idx, err := newGTH(op.A, keep, liveSums(op, keep))
		if err != nil {
			return nil, fmt.Errorf("solver: mfpt: %w", err)
		}
		x = make([]float64, len(idx))
		f.solve(x, minusOnes(len(idx)))
		return scatterTau(x, idx, n)
	}
	at, idx := restrict(op.A, keep, true)
	if len(idx) == 0 {
		return nil, errors.New("solver: mfpt: every cell is in the target set")
	}
	k := len(idx)
	b := minusOnes(k)
	x = make([]float64, k)
	sol, err := linear.New(at, s)
	if err != nil {
		return nil, fmt.Errorf("solver: mfpt: %w", err)
	}
	if err := sol.Solve(x, b); err != nil {
		return nil, fmt.Errorf("solver: mfpt: %w", err)
	}
	r := make([]float64, k)
	linear.MulVec(r, at, x)
	for i := range r {
		r[i] += 1
	}
	if res := relResidual(at, r, x); res > steadyTol {
		return nil, &ResidualError{What: "mfpt", Residual: res, Tol: steadyTol}
	}
	return scatterTau(x, idx, n)
}

func minusOnes(k int) []float64 {
	b := make([]float64, k)
	for i := range b {
		b[i] = -1
	}
	return b
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

// scatterTau places the restricted passage times x on the grid, rejecting
// negative ones.
func scatterTau(x []float64, idx []int, n int) ([]float64, error) {
	if len(idx) == 0 {
		return nil, errors.New("solver: mfpt: every cell is in the target set")
	}
	tau := make([]float64, n)
	for i, c := range idx {
		if x[i] < 0 {
			return nil, fmt.Errorf("solver: mfpt: negative passage time %g at cell %d: the operator is not a Markov generator here (cross-diffusion too strong for the grid; refine it)", x[i], c)
		}
		tau[c] = x[i]
	}
	return tau, nil
}

// Principal returns the principal eigenvalue λ₀ > 0 and eigenvector
// (normalized to ∫v = 1) of the generator with absorption, A·v = −λ₀·v on
// the live (non-sink) cells, by inverse iteration. For a metastable start
// λ₀ is the escape rate of the quasi-stationary state. It needs an absorbing
// set.
func Principal(op *operators.Operator, s linear.Settings) (float64, []float64, error) {
	g := op.Grid
	n := g.Len()
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = op.Sink == nil || !op.Sink[i]
	}
	a, full := restrict(op.A, keep, false)
	k := len(full)
	if k == 0 {
		return 0, nil, errors.New("solver: principal: every cell is in the target set")
	}
	var solve func(w, v []float64) error
	if useGTH(op, s) {
		f, _, err := newGTH(op.A, keep, liveSums(op, keep))
		if err != nil {
			return 0, nil, fmt.Errorf("solver: principal: %w", err)
		}
		solve = func(w, v []float64) error { f.solveT(w, v); return nil }
	} else {
		sol, err := linear.New(a, s)
		if err != nil {
			return 0, nil, fmt.Errorf("solver: principal: %w", err)
		}
		solve = sol.Solve
	}
	v := make([]float64, k)
	for i := range v {
		v[i] = 1
	}
	w := make([]float64, k)
	av := make([]float64, k)
	lambda := math.NaN()
	for it := 0; it < 500; it++ {
		for i := range w {
			w[i] = 0
		}
		if err := solve(w, v); err != nil {
			return 0, nil, fmt.Errorf("solver: principal: %w", err)
		}
		// w = A⁻¹v ≈ −v/λ₀: normalize to sum 1 (the eigenvector is one-signed).
		s := 0.0
		for _, x := range w {
			s += x
		}
		if s == 0 || math.IsNaN(s) {
			return 0, nil, errors.New("solver: principal: inverse iteration broke down (no absorption reachable?)")
		}
		for i := range w {
			v[i] = w[i] / s
		}
		linear.MulVec(av, a, v)
		num := 0.0
		for _, x := range av {
			num += x
		}
		next := -num // Σ(A·v)/Σv with Σv = 1
		if math.Abs(next-lambda) <= 1e-13*math.Abs(next) {
			lambda = next
			break
		}
		lambda = next
	}
	if !(lambda > 0) {
		return 0, nil, fmt.Errorf("solver: principal: eigenvalue %g is not positive: no absorbing set?", lambda)
	}
	out := make([]float64, n)
	for i, c := range full {
		out[c] = v[i]
	}
	g.Normalize(out)
	return lambda, out, nil
}
