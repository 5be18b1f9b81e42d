package solver

import (
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/reference"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
)

// loadReference returns the shared reference values.
func loadReference(t testing.TB) *reference.Values {
	t.Helper()
	r, err := reference.Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustAssemble(t testing.TB, p operators.Problem) *operators.Operator {
	t.Helper()
	op, err := operators.Assemble(p)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func line(lo, hi float64, n int, low, high grid.Boundary) *grid.Grid {
	g, err := grid.New(grid.Axis{Lo: lo, Hi: hi, N: n, Low: low, High: high})
	if err != nil {
		panic(err)
	}
	return g
}

// massBelow returns ∫_{x<xb} P for a 1-D density, splitting the cell that
// contains xb proportionally.
func massBelow(g *grid.Grid, p []float64, xb float64) float64 {
	h := g.H(0)
	s := 0.0
	for c, v := range p {
		lo := g.Axis(0).Lo + float64(c)*h
		switch {
		case lo+h <= xb:
			s += v * h
		case lo < xb:
			s += v * (xb - lo)
		}
	}
	return s
}

// sgdLadder returns the generators of the tilted double well under SGD
// noise with η/(2B) = 0.05, 0.025, 0.0125 on g (the pieces of a step
// schedule).
func sgdLadder(t *testing.T, g *grid.Grid) []*operators.Operator {
	t.Helper()
	loss := testloss.DoubleWell(0.1)
	ops := make([]*operators.Operator, 3)
	for k, scale := range []float64{0.05, 0.025, 0.0125} {
		ops[k] = mustAssemble(t, operators.Problem{Grid: g, Loss: loss,
			Diffusion: operators.SGD{Loss: loss, Scale: scale, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3}})
	}
	return ops
}
