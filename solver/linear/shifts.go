package linear

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/james-bowman/sparse"
)

// Shifts builds iterative solvers of (I − c·A)·x = b for one matrix A on a
// Cartesian grid and many values of c, as implicit time steps need: A is
// converted to stencil storage once. Multigrid solvers never form I − c·A
// on the finest grid: its Gauss–Seidel smoother reads A's off-diagonals
// in a sweep layout built once, with the inverse diagonal of I − c·A as
// the only array per step size, and the first coarse level comes from
// Galerkin products of A and I computed once. Diagonal-ILU solvers form
// I − c·A on the coefficient arrays (no CSR copy, no conversion per step
// size). A Shifts is safe for concurrent use.
type Shifts struct {
	a       *stencil
	maxAbs  float64    // max |Aᵢⱼ| (NaN or Inf when A has such an entry)
	maxDiag float64    // max |Aᵢᵢ|
	work    *sync.Pool // BiCGSTAB's work, shared by the solvers of sh

	once   sync.Once
	lay    *layout  // A's off-diagonals in the smoother's layout
	i1, a1 *stencil // R·I·P and R·A·P on the first coarse grid
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
	sh := &Shifts{a: m, work: workPool(m.n)}
	for _, v := range m.coef[m.diag] {
		sh.maxDiag = max(sh.maxDiag, math.Abs(v))
	}
	for _, cf := range m.coef {
		for _, v := range cf {
			if !(math.Abs(v) <= sh.maxAbs) {
				sh.maxAbs = math.Abs(v) // also takes NaN
				if math.IsNaN(v) {
					return sh, true
				}
			}
		}
	}
	return sh, true
}

// MulVec sets dst = A·x (the stencil product: about half the bytes of
// CSR).
func (sh *Shifts) MulVec(dst, x []float64) { sh.a.mulVec(dst, x) }

// MaxDiag returns max|Aᵢᵢ|.
func (sh *Shifts) MaxDiag() float64 { return sh.maxDiag }

// Solver returns BiCGSTAB for I − c·A, preconditioned by multigrid when
// s.Method is Multigrid and by diagonal ILU otherwise; s.Tol and s.MaxIter
// apply.
func (sh *Shifts) Solver(c float64, s Settings) (Solver, error) {
	if v := c * sh.maxAbs; math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("linear: I − c·A has entries of size %v (c = %g, max|A| = %g)", v, c, sh.maxAbs)
	}
	if s.Method != Multigrid {
		return stencilBiCGSTAB(sh.form(c), s, sh.work)
	}
	mg, err := newMultigridShifted(sh, c, s.Aggregate)
	if err != nil {
		return nil, err
	}
	b := bicgstabFor(&shifted{a: sh.a, c: c}, s, sh.work)
	b.pre = mg
	return b, nil
}

// form returns I − c·A in stencil storage.
func (sh *Shifts) form(c float64) *stencil {
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
		m.coef[t] = dst
	}
	return m
}

// multigrid returns what every multigrid solver of sh shares, computed on
// the first call: A's sweep layout, and R·I·P and R·A·P on the first
// coarse grid (linear interpolation).
func (sh *Shifts) multigrid() (lay *layout, i1, a1 *stencil) {
	sh.once.Do(func() {
		a := sh.a
		sh.lay = newLayout(a)
		// The identity: A's diagonal term alone (galerkin takes absent
		// terms as zero).
		ones := make([]float64, a.n)
		for i := range ones {
			ones[i] = 1
		}
		eye := &stencil{n: a.n, shape: a.shape, off: []int{0}, term: []int{a.term[a.diag]}, coef: [][]float64{ones}, diag: 0, pad: a.pad}
		sh.i1 = galerkin(eye, newProlongation(a.shape))
		sh.a1 = galerkin(a, newProlongation(a.shape))
	})
	return sh.lay, sh.i1, sh.a1
}

// combine returns x + s·y for stencils on the same grid.
func combine(x, y *stencil, s float64) *stencil {
	nt := 1
	for range x.shape {
		nt *= 3
	}
	terms := make([][]float64, nt)
	for k, t := range x.term {
		terms[t] = slices.Clone(x.coef[k])
	}
	for k, t := range y.term {
		if terms[t] == nil {
			terms[t] = make([]float64, y.n)
		}
		dst := terms[t]
		for i, v := range y.coef[k] {
			dst[i] += s * v
		}
	}
	return stencilFromTerms(x.shape, terms)
}

// shifted is I − c·A for a stencil matrix A, applied without forming it.
type shifted struct {
	a *stencil
	c float64
}

func (m *shifted) size() int { return m.a.n }

// mulVecRange sets dst[i] = x[i] − c·(A·x)[i] for i in [lo, hi).
func (m *shifted) mulVecRange(dst, x []float64, lo, hi int) {
	m.a.mulVecRange(dst, x, lo, hi)
	d, xs := dst[lo:hi], x[lo:hi]
	xs = xs[:len(d)]
	c := m.c
	for i, v := range d {
		d[i] = xs[i] - c*v
	}
}

func (m *shifted) mulVec(dst, x []float64) {
	forBlocks(m.a.n, func(_, lo, hi int) { m.mulVecRange(dst, x, lo, hi) })
}

func (m *shifted) residual(r, b, x []float64) float64 {
	return residualBy(m.a.n, r, b, x, m.mulVecRange)
}
