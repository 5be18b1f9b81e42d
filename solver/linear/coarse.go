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

// newGSCoarse returns the swept solver of the coarsest level m, or false
// when sweeps do not converge fast enough there (then it needs a direct
// solve). The test right-hand side has a fixed seed: the choice is
// reproducible.
func newGSCoarse(m *stencil) (*gsCoarse, bool) {
	sm, err := newSmoother(m)
	if err != nil {
		return nil, false
	}
	rng := rand.New(rand.NewPCG(1, uint64(m.n)))
	b := make([]float64, m.n)
	for i := range b {
		b[i] = rng.Float64() - 0.5
	}
	bn := math.Sqrt(dot(b, b))
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
