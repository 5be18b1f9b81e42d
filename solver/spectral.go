package solver

import (
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"

	"github.com/fpsolve/fpsolve/solver/linear"
)

// SpectralGap returns the slowest non-zero decay rate λ₁ of a closed
// generator a (columns summing to zero: reflecting or periodic faces, no
// sinks), its eigenvector u (a·u = −λ₁·u, normalized to max |u| = 1) and the
// stationary vector π (Σπ = 1). For a landscape with two basins λ₁ is the
// sum of the two escape rates, γ_ab + γ_ba.
//
// It runs inverse iteration on the subspace of zero total mass, where a is
// invertible. When markov is true (non-negative off-diagonal entries) the
// solves use the sign-preserving GTH factors of the singular a; otherwise
// a + δI with a tiny δ > 0, whose inverse maps zero-mass vectors to
// zero-mass vectors, is factorized by package linear.
//
// hint, if not nil, should be largest where π is (for example −L sampled on
// the cells); it saves one factorization on the Markov path.
func SpectralGap(a *sparse.CSR, markov bool, hint []float64, s linear.Settings) (float64, []float64, []float64, error) {
	n, _ := a.Dims()
	if n < 2 {
		return 0, nil, nil, errors.New("solver: spectral gap needs at least two cells")
	}
	pi := make([]float64, n)
	var solve func(x, b []float64) error
	if markov && (s.Method == linear.Auto || s.Method == linear.BandLU || s.Method == linear.Thomas) {
		r := 0
		if hint != nil {
			for i := range hint {
				if hint[i] > hint[r] {
					r = i
				}
			}
		} else {
			all := make([]bool, n)
			for i := range all {
				all[i] = true
			}
			f, _, err := newGTH(a, all, make([]float64, n))
			if err != nil {
				return 0, nil, nil, fmt.Errorf("solver: spectral gap: %w", err)
			}
			f.solveT(pi, nil)
			for i := range pi {
				if pi[i] > pi[r] {
					r = i
				}
			}
		}
		// Solutions of a·x = b (Σb = 0) are fixed up to a multiple of π. Pin
		// x_r = 0 at a cell r where π is large: dropping cell r leaves a
		// sub-generator whose leak into r is the entry a[r][c] itself, so
		// the GTH factors stay exact, and removing the π component later
		// cancels nothing large.
		keep := make([]bool, n)
		sums := make([]float64, 0, n-1)
		raw := a.RawMatrix()
		into := make([]float64, n)
		for j := raw.Indptr[r]; j < raw.Indptr[r+1]; j++ {
			if raw.Ind[j] != r {
				into[raw.Ind[j]] = raw.Data[j]
			}
		}
		for i := range keep {
			keep[i] = i != r
			if i != r {
				sums = append(sums, -into[i])
			}
		}
		fr, idx, err := newGTH(a, keep, sums)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("solver: spectral gap: %w", err)
		}
		if hint != nil {
			// π with π_r = 1: the rows other than r read
			// a_{−r}·π_{−r} = −a[·][r], a right side ≤ 0, so the solve
			// keeps its signs.
			col := make([]float64, n-1)
			for i, c := range idx {
				for j := raw.Indptr[c]; j < raw.Indptr[c+1]; j++ {
					if raw.Ind[j] == r {
						col[i] = -raw.Data[j]
					}
				}
			}
			y := make([]float64, n-1)
			fr.solveT(y, col)
			pi[r] = 1
			for i, c := range idx {
				pi[c] = y[i]
			}
		}
		xr, br := make([]float64, n-1), make([]float64, n-1)
		solve = func(x, b []float64) error {
			for i, c := range idx {
				br[i] = b[c]
			}
			fr.solveT(xr, br)
			x[r] = 0
			for i, c := range idx {
				x[c] = xr[i]
			}
			return nil
		}
	} else {
		raw := a.RawMatrix()
		diag := 0.0
		for i := 0; i < n; i++ {
			for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
				if raw.Ind[j] == i {
					diag = math.Max(diag, math.Abs(raw.Data[j]))
				}
			}
		}
		delta := 1e-10 * diag
		sol, err := linear.New(shifted(a, -1/delta), s) // I + a/δ = (a + δI)/δ
		if err != nil {
			return 0, nil, nil, fmt.Errorf("solver: spectral gap: %w", err)
		}
		// π: inverse iteration with the same factors converges to the null
		// vector in one or two steps (eigenvalue 1 against ≤ δ/λ₁).
		for i := range pi {
			pi[i] = 1
		}
		tmp := make([]float64, n)
		for it := 0; it < 3; it++ {
			copy(tmp, pi)
			if err := sol.Solve(pi, tmp); err != nil {
				return 0, nil, nil, fmt.Errorf("solver: spectral gap: %w", err)
			}
		}
		solve = func(x, b []float64) error {
			// (a + δI)x = b  ⇔  (I + a/δ)x = b/δ.
			bb := make([]float64, n)
			for i := range b {
				bb[i] = b[i] / delta
			}
			copy(x, b)
			return sol.Solve(x, bb)
		}
	}
	ps := 0.0
	for _, v := range pi {
		ps += v
	}
	for i := range pi {
		pi[i] /= ps
	}
	project := func(v []float64) {
		m := 0.0
		for _, x := range v {
			m += x
		}
		for i := range v {
			v[i] -= m * pi[i]
		}
	}
	// Start from a smooth zero-mass vector: π times a ramp in the cell index
	// (for a metastable system the slow mode is a step between basins).
	v := make([]float64, n)
	for i := range v {
		v[i] = pi[i] * (float64(i)/float64(n) - 0.5)
	}
	project(v)
	normalize(v)
	w := make([]float64, n)
	lambda := math.NaN()
	for it := 0; it < 1000; it++ {
		if err := solve(w, v); err != nil {
			return 0, nil, nil, fmt.Errorf("solver: spectral gap: %w", err)
		}
		project(w)
		vw, vv := 0.0, 0.0
		for i := range v {
			vw += v[i] * w[i]
			vv += v[i] * v[i]
		}
		next := -vv / vw // w ≈ −v/λ₁
		copy(v, w)
		normalize(v)
		if math.Abs(next-lambda) <= 1e-13*math.Abs(next) {
			lambda = next
			break
		}
		lambda = next
	}
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return 0, nil, nil, fmt.Errorf("solver: spectral gap: no positive eigenvalue found (got %g)", lambda)
	}
	return lambda, v, pi, nil
}

// normalize scales v to max |v| = 1.
func normalize(v []float64) {
	m := maxAbs(v)
	if m == 0 {
		return
	}
	for i := range v {
		v[i] /= m
	}
}
