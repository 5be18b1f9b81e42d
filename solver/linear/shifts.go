package linear

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// Shifts builds iterative solvers of (I − c·A)·x = b for one matrix A on a
// Cartesian grid and many values of c, as implicit time steps need: A is
// converted to stencil storage once, and each I − c·A is formed on the
// coefficient arrays (no CSR copy, no conversion per step size).
type Shifts struct {
	a *stencil
}

// NewShifts returns the Shifts of a on the grid shape (cells per axis, the
// first varying fastest), or false when a is not a nearest-neighbour
// matrix on that grid (for example with periodic faces).
func NewShifts(a *sparse.CSR, shape []int) (*Shifts, bool) {
	r, err := raw(a)
	if err != nil {
		return nil, false
	}
	m, ok := newStencil(r, shape)
	if !ok {
		return nil, false
	}
	return &Shifts{a: m}, true
}

// MulVec sets dst = A·x (the stencil product: about half the bytes of
// CSR).
func (sh *Shifts) MulVec(dst, x []float64) { sh.a.mulVec(dst, x) }

// MaxDiag returns max|Aᵢᵢ|.
func (sh *Shifts) MaxDiag() float64 {
	var m float64
	for _, v := range sh.a.coef[sh.a.diag] {
		m = max(m, math.Abs(v))
	}
	return m
}

// Solver returns BiCGSTAB for I − c·A, preconditioned by multigrid when
// s.Method is Multigrid and by diagonal ILU otherwise; s.Tol and s.MaxIter
// apply.
func (sh *Shifts) Solver(c float64, s Settings) (Solver, error) {
	a := sh.a
	m := new(stencil)
	*m = *a // the same grid and terms, new coefficients
	m.coef = make([][]float64, len(a.coef))
	for t, src := range a.coef {
		dst := make([]float64, len(src))
		if t == a.diag {
			for i, v := range src {
				dst[i] = 1 - c*v
			}
		} else {
			for i, v := range src {
				dst[i] = -c * v
			}
		}
		for i, v := range dst {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("linear: I − c·A has entry %v in row %d (c = %g)", v, i, c)
			}
		}
		m.coef[t] = dst
	}
	return stencilBiCGSTAB(m, s)
}
