package bench

import (
	"context"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// boltzmann returns the exact stationary density e^{−L/T}/Z averaged over
// each cell (Gauss–Legendre, 4 points per axis), normalized on the grid.
func boltzmann(g *grid.Grid, loss func([]float64) float64, temp float64) []float64 {
	nodes := []float64{-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526}
	weights := []float64{0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538}
	d := g.Dim()
	p := make([]float64, g.Len())
	x, c := make([]float64, d), make([]float64, d)
	idx := make([]int, d)
	for cell := range p {
		g.Center(cell, c)
		for q := range 1 << (2 * d) { // 4^d quadrature points
			w := 1.0
			r := q
			for k := range d {
				idx[k] = r % 4
				r /= 4
				x[k] = c[k] + nodes[idx[k]]*g.H(k)/2
				w *= weights[idx[k]] / 2
			}
			p[cell] += w * math.Exp(-loss(x)/temp)
		}
	}
	g.Normalize(p)
	return p
}

func l1(g *grid.Grid, p, q []float64) float64 {
	s := 0.0
	for i := range p {
		s += math.Abs(p[i] - q[i])
	}
	return s * g.CellVolume()
}

// TestSteadyAccuracy: the benchmark cases' stationary densities against
// the exact Boltzmann density (cell averages). The Scharfetter–Gummel
// stationary state samples e^{−L/T} at the centres, so the L1 error is the
// O(h²) gap between point values and cell averages, h²/24·∫|ΔP| ≈ 6e-4 on
// the 2-D case (h = 0.02; measured 5.0e-4) and ≈ 1e-6 on the 1-D one.
func TestSteadyAccuracy(t *testing.T) {
	for _, c := range []struct {
		name string
		loss func([]float64) float64
		tol  float64
	}{
		{"steady-1d", func(x []float64) float64 { return x[0]*x[0]*x[0]*x[0]/4 - x[0]*x[0]/2 }, 1e-5},
		{"steady-2d", func(x []float64) float64 { return (x[0]*x[0]-1)*(x[0]*x[0]-1) + x[1]*x[1] }, 1e-3},
	} {
		m := model(t, c.name)
		op, err := m.Operator()
		if err != nil {
			t.Fatal(err)
		}
		p, err := solver.Stationary(op, nil, linear.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		e := l1(m.Grid, p, boltzmann(m.Grid, c.loss, *m.Scenario.Noise.Temperature))
		t.Logf("%s: L1 error %.2g", c.name, e)
		if e > c.tol {
			t.Errorf("%s: L1 error %g > %g", c.name, e, c.tol)
		}
	}
}

// TestEvolveAccuracy: the 2-D evolution benchmark at its default settings
// against the same problem with a 100× tighter step tolerance and exact
// (elimination) solves: the time and solver error of what the benchmark
// times.
func TestEvolveAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("two 200×200 runs to t = 10")
	}
	m := model(t, "evolve-2d")
	op, err := m.Operator()
	if err != nil {
		t.Fatal(err)
	}
	final := func(s solver.Settings) []float64 {
		p, err := m.Initial()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := solver.Evolve(context.Background(), op, p, 0, []float64{m.Scenario.Time.End}, s, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fast := final(m.Steps)
	ref := m.Steps
	ref.Tol = 1e-6
	ref.Linear = linear.Settings{Method: linear.BandLU}
	e := l1(m.Grid, fast, final(ref))
	t.Logf("evolve-2d at t = 10: L1 difference from the reference run %.2g", e)
	if e > 1e-3 {
		t.Errorf("L1 difference %g > 1e-3", e)
	}
}
