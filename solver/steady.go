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
// When the chain is reversible (operators.Operator.DetailedBalance: white
// noise, any 1-D model) the zero-flux density is taken directly. For a
// Markov generator (see operators.Operator.IsMarkov) it uses the
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
	if p, ok := op.DetailedBalance(); ok {
		// A reversible chain: the zero-flux density is the exact null
		// vector, in O(n). The residual check below still applies.
		return checkStationary(op, p)
	}
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
	return checkStationary(op, p)
}

// checkStationary checks A·P = 0 relative to the size of the terms and
// normalizes P.
func checkStationary(op *operators.Operator, p []float64) ([]float64, error) {
	ap := make([]float64, len(p))
	op.Apply(ap, p)
	if res := relResidual(op.NormInf(), ap, p); !(res <= steadyTol) {
		return nil, &ResidualError{What: "stationary", Residual: res, Tol: steadyTol}
	}
	op.Grid.Normalize(p)
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

// relResidual returns ‖r‖∞ / (‖A‖∞·‖x‖∞), a scale-free residual, for
// normA = ‖A‖∞.
func relResidual(normA float64, r, x []float64) float64 {
	return maxAbs(r) / (normA * maxAbs(x))
}

// normInf returns ‖a‖∞, the largest absolute row sum (NaN when a holds a
// NaN).
func normInf(a *sparse.CSR) float64 {
	raw := a.RawMatrix()
	na := 0.0
	for i := 0; i < raw.I; i++ {
		s := 0.0
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			s += math.Abs(raw.Data[j])
		}
		if s > na || s != s {
			na = s
		}
	}
	return na
}

// maxAbs returns max |vᵢ|, or NaN if v holds a NaN.
func maxAbs(v []float64) float64 {
	m, nan := 0.0, false
	for _, x := range v {
		if a := math.Abs(x); a > m {
			m = a
		} else if a != a {
			nan = true
		}
	}
	if nan {
		return math.NaN()
	}
	return m
}
