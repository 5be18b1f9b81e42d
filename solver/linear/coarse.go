package linear

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// gsCoarse solves the coarsest multigrid level approximately by a fixed
// number of symmetric Gauss–Seidel sweeps (forward, then backward) from
// zero: a fixed linear operator, as a preconditioner must be. Multigrid
// takes it instead of band LU when the level is diagonally dominant
// enough that a few sweeps reach coarseTol (small time steps, whose
// coarse levels are dominated by the identity): the factorization is then
// most of the set-up (6 of 13 ms on a 400² step) and its solves cost more
// than the sweeps.
type gsCoarse struct {
	sm    *smoother
	pairs int
}

// The coarsest level is swept when at most coarsePairs symmetric sweeps
// bring the residual of a random right-hand side below coarseTol of its
// norm. Multigrid-BiCGSTAB contracts by 0.02–0.05 per V-cycle on the
// benchmark steps; a coarse-level error of coarseTol does not weaken that
// (the 400² step takes 4 iterations either way).
const (
	coarseTol   = 0.02
	coarsePairs = 6
)

// newGSCoarse returns the sweeps of sm (the smoother of the coarsest level
// m) as m's solver, or false when they do not converge fast enough on the
// test right-hand side b of norm bn (see testRHS).
func newGSCoarse(m *stencil, sm *smoother, b []float64, bn float64) (*gsCoarse, bool) {
	x, r := make([]float64, m.n), make([]float64, m.n)
	for k := 1; k <= coarsePairs; k++ {
		if k == 1 {
			sm.sweepZero(x, b)
		} else {
			sm.sweepForward(x, b)
		}
		sm.sweepBackward(x, b)
		if rn := m.residual(r, b, x); rn <= coarseTol*bn {
			return &gsCoarse{sm: sm, pairs: k}, true
		}
	}
	return nil, false
}

// Solve sets x to the result of the sweeps from zero; it never fails.
func (g *gsCoarse) Solve(x, b []float64) error {
	g.sm.sweepZero(x, b)
	g.sm.sweepBackward(x, b)
	for range g.pairs - 1 {
		g.sm.sweepForward(x, b)
		g.sm.sweepBackward(x, b)
	}
	return nil
}

// Name describes the sweeps.
func (g *gsCoarse) Name() string {
	return fmt.Sprintf("%d symmetric Gauss–Seidel sweeps", g.pairs)
}

// mildStiffness bounds the stiffness of a mild level (see stiffness).
const mildStiffness = 3

// mild reports whether m's stiffness is at most mildStiffness.
func (m *stencil) mild() bool { return m.stiffness() <= mildStiffness }

// stiffness returns max over the columns of Mⱼⱼ divided by the column's
// sum, or +Inf when a column sum is not positive. On the levels of a
// Fokker–Planck step I − c·A (A has zero column sums) the column sums are
// those of the identity's Galerkin products, so the ratio weighs the
// step's generator against the identity on that level: about 0.6 where
// the identity dominates (bilinear interpolation) and c·|Aⱼⱼ|/area ≫ 1 on
// stiff levels. A coarsening of a mild level is milder still (the
// identity part grows 2^d-fold per level, the generator part does not),
// so such a level may be coarsened below mgCoarsest; stiff convective
// levels were measured to lose convergence there. Measured on the
// anisotropic 400² step, levels 200² to 25²: 15.9, 5.7, 2.5, 1.4.
func (m *stencil) stiffness() float64 {
	col := make([]float64, m.n)
	for t, o := range m.off {
		cf := m.coef[t]
		for i := max(0, -o); i < min(m.n, m.n-o); i++ {
			col[i+o] += cf[i]
		}
	}
	d := m.coef[m.diag]
	r := 0.0
	for j, s := range col {
		if !(s > 0) {
			return math.Inf(1)
		}
		r = max(r, d[j]/s)
	}
	return r
}

// innerTol is the residual reduction one V-cycle below a mild coarsest
// level must reach on the set-up's right-hand side to replace band LU
// there. Measured on 400² steps: where one V-cycle reaches 0.15–0.16 (a
// 9-point step with cross terms, and the random-drift steps of dt = 3),
// BiCGSTAB takes as many iterations as with band LU; at 0.37 (dt = 5) one
// more; the convective levels of larger steps give 1.1 to 10⁸.
const innerTol = 0.2

// innerCycle solves a mild coarsest level m approximately by one V-cycle
// from zero of a hierarchy built below it: a fixed linear operator.
type innerCycle struct {
	m  *stencil   // the level it solves
	mg *multigrid // the hierarchy from m down
}

// newInnerCycle returns the V-cycle for the mild level m (smoother sm),
// with a hierarchy built one level below m whatever its size, when it
// reaches innerTol on the test right-hand side b of norm bn; otherwise
// false (a level that is mild but convective can make the V-cycle
// diverge).
func newInnerCycle(m *stencil, sm *smoother, b []float64, bn float64, aggregate bool) (*innerCycle, bool) {
	pw := newProlongation(m.shape)
	if pw == nil {
		return nil, false
	}
	mg, err := below(m, sm, pw, coarsen(m, pw, aggregate), aggregate)
	if err != nil {
		return nil, false
	}
	x, r := make([]float64, m.n), make([]float64, m.n)
	mg.apply(x, b)
	if rn := m.residual(r, b, x); !(rn <= innerTol*bn) {
		return nil, false
	}
	return &innerCycle{m: m, mg: mg}, true
}

// Solve sets x to the V-cycle's result; it never fails.
func (ic *innerCycle) Solve(x, b []float64) error {
	ic.mg.apply(x, b)
	return nil
}

// Name describes the V-cycle.
func (ic *innerCycle) Name() string {
	return fmt.Sprintf("a V-cycle of %d levels to %d cells by %s", len(ic.mg.levels), ic.mg.coarsest, ic.mg.coarse.Name())
}

// testRHS returns the fixed pseudo-random right-hand side with which the
// set-up measures coarse solvers, and its norm: the choice of solver is
// reproducible.
func testRHS(n int) ([]float64, float64) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.Float64() - 0.5
	}
	return b, math.Sqrt(dot(b, b))
}
