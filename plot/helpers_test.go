package plot

import (
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
)

// doubleWell2D is the 2-D double well L = (θ₁² − 1)² + θ₂² with minima
// (±1, 0) at L = 0 and a saddle at the origin at L = 1.
const doubleWell2D = "(x^2-1)^2 + y^2"

// boltzmann2D returns the grid, the loss, its critical points and the
// normalized Boltzmann density exp(−L/D) of the double well on an nx×ny
// grid of [−2, 2]×[−1.5, 1.5].
func boltzmann2D(tb testing.TB, nx, ny int, D float64) (*grid.Grid, landscape.Landscape, *landscape.Critical, []float64) {
	tb.Helper()
	g, err := grid.New(grid.Axis{Lo: -2, Hi: 2, N: nx}, grid.Axis{Lo: -1.5, Hi: 1.5, N: ny})
	if err != nil {
		tb.Fatal(err)
	}
	l, err := landscape.Formula(doubleWell2D, 2)
	if err != nil {
		tb.Fatal(err)
	}
	crit, err := landscape.FindCritical(l, []float64{-2, -1.5}, []float64{2, 1.5}, landscape.CriticalSettings{})
	if err != nil {
		tb.Fatal(err)
	}
	p := make([]float64, g.Len())
	g.Sample(p, func(x []float64) float64 { return math.Exp(-l.Value(x) / D) })
	g.Normalize(p)
	return g, l, crit, p
}

// syntheticCurrent returns the current J = P(θ)·(1, θ₁/2) sampled on the
// faces of g, with zero flux through the outer walls: it points right
// everywhere, up in the right half and down in the left half.
func syntheticCurrent(g *grid.Grid, density func(x []float64) float64) *operators.Current {
	n := g.Len()
	cur := &operators.Current{High: make([][]float64, 2), Low: make([][]float64, 2)}
	x := make([]float64, 2)
	for k := range 2 {
		cur.High[k] = make([]float64, n)
		cur.Low[k] = make([]float64, n)
		for c := range n {
			if _, ok := g.Neighbor(c, k, +1); !ok {
				continue
			}
			g.Center(c, x)
			x[k] += g.H(k) / 2
			j := []float64{1, x[0] / 2}
			cur.High[k][c] = density(x) * j[k]
		}
	}
	return cur
}

// curves1DFixture is a synthetic relaxation in the 1-D double well
// L = θ⁴/4 − θ²/2 on [−2, 2]: a narrow Gaussian at the left minimum that
// widens and leaks into the right well, at ten times.
func curves1DFixture(tb testing.TB) Curves1D {
	tb.Helper()
	g, err := grid.New(grid.Axis{Lo: -2, Hi: 2, N: 200})
	if err != nil {
		tb.Fatal(err)
	}
	l, err := landscape.Builtin("double-well", 1, nil)
	if err != nil {
		tb.Fatal(err)
	}
	crit, err := landscape.FindCritical(l, []float64{-2}, []float64{2}, landscape.CriticalSettings{})
	if err != nil {
		tb.Fatal(err)
	}
	times := []float64{0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200}
	ps := make([][]float64, len(times))
	const D = 0.08
	for i, t := range times {
		a := 1 - math.Exp(-t/60) // mass moved towards equilibrium
		s := 0.08 + 0.2*(1-math.Exp(-t))
		p := make([]float64, g.Len())
		g.Sample(p, func(x []float64) float64 {
			gauss := math.Exp(-(x[0]+1)*(x[0]+1)/(2*s*s)) / s
			return (1-a)*gauss + a*3*math.Exp(-l.Value(x)/D)
		})
		g.Normalize(p)
		ps[i] = p
	}
	return Curves1D{Grid: g, Times: times, P: ps, Loss: l, Critical: crit, Title: "Relaxation in the double well"}
}

// survivalFixture is M(t) = 0.2·e^{−t} + 0.8·e^{−0.03t} sampled on
// [0, 150] with its tail fit γ = 0.03, t₀ = 10.
func survivalFixture() Survival {
	var s Survival
	for i := 0; i <= 150; i++ {
		t := float64(i)
		s.T = append(s.T, t)
		s.Mass = append(s.Mass, 0.2*math.Exp(-t)+0.8*math.Exp(-0.03*t))
	}
	s.Fit = &ExpFit{Rate: 0.03, T0: 10, M0: 0.8 * math.Exp(-0.3)}
	s.Title = "Mass left in the left basin"
	return s
}

// panelFrames returns four snapshots of a synthetic relaxation on the 2-D
// double well (nx×ny): a Gaussian at the left minimum that spreads into
// both wells, titled "t = …", on a log₁₀ colour scale.
func panelFrames(tb testing.TB, nx, ny int) []Density2D {
	tb.Helper()
	g, l, crit, eq := boltzmann2D(tb, nx, ny, 0.25)
	var frames []Density2D
	for _, t := range []float64{0, 1, 5, 50} {
		a := 1 - math.Exp(-t/10)
		s := 0.15 + 0.15*(1-math.Exp(-t))
		p := make([]float64, g.Len())
		g.Sample(p, func(x []float64) float64 {
			dx, dy := x[0]+1, x[1]
			return math.Exp(-(dx*dx + dy*dy) / (2 * s * s))
		})
		g.Normalize(p)
		for i := range p {
			p[i] = (1-a)*p[i] + a*eq[i]
		}
		frames = append(frames, Density2D{Grid: g, P: p, Loss: l, Critical: crit, Log: true, Title: "t = " + formatNumber(t)})
	}
	return frames
}
