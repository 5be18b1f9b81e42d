package linear_test

import (
	"errors"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/internal/testscenario"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// TestAggregateRescuesConvectiveStep: on an implicit step of the
// flat-sharp scenario's SGD-local dynamics at 400×320 cells (c = 0.02589,
// the first step of an adaptive run from the uniform density), multigrid
// with linear interpolation does not converge — its residual stays at
// the starting value, so Stall ends it — while multigrid with constant
// interpolation (Settings.Aggregate) reaches the tolerance, checked with
// the true residual.
func TestAggregateRescuesConvectiveStep(t *testing.T) {
	m, op := testscenario.Operator(t, "../../testdata/scenarios/flat-sharp-2d.yaml", []int{400, 320})
	const c = 0.02589
	n := m.Grid.Len()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1 / (m.Grid.CellVolume() * float64(n))
	}
	sh := op.Shifts()
	for _, agg := range []bool{false, true} {
		sol, err := sh.Solver(c, linear.Settings{Method: linear.Multigrid, Shape: []int{400, 320}, MaxIter: 50, Stall: 15, Aggregate: agg})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, n)
		copy(x, b)
		err = sol.Solve(x, b)
		if !agg {
			var nc *linear.NotConvergedError
			if !errors.As(err, &nc) || !nc.Stalled {
				t.Errorf("linear interpolation: error %v, want a stalled solve (if it converges now, the fallback lost its test case)", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("constant interpolation: %v", err)
		}
		// The true residual of (I − c·A)·x = b.
		ax := make([]float64, n)
		sh.MulVec(ax, x)
		var rr, bb float64
		for i := range x {
			r := b[i] - (x[i] - c*ax[i])
			rr += r * r
			bb += b[i] * b[i]
		}
		if rel := math.Sqrt(rr / bb); rel > 1e-10 {
			t.Errorf("constant interpolation: relative residual %g > 1e-10", rel)
		}
	}
}
