package solver

import (
	"fmt"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

const refCells = 4000

// TestWhiteNoiseReference checks the 1-D white-noise double well against
// shared/reference/1d_white_noise.json: stationary mass left of the saddle
// within 1e-5, MFPT a→c and c→a within 1e-4 relative and the principal
// eigenvalue with absorption at c within 1e-3 relative, on 4000 cells.
// Target "c" is the box [x_c, 2.5]: the absorbing point sits exactly at x_c
// (the flux into it is fitted over the sub-cell distance), so the error is
// the scheme's O(h²).
func TestWhiteNoiseReference(t *testing.T) {
	ref := loadReference(t)
	R := grid.Reflecting
	for _, c := range ref.White {
		name := fmt.Sprintf("tilt=%g T=%g", c.Tilt, c.T)
		g := line(-2.5, 2.5, refCells, R, R)
		l := testloss.DoubleWell(c.Tilt)
		prob := operators.Problem{Grid: g, Loss: l, Diffusion: operators.White{D: 1, T: c.T}}
		checkMassLeft(t, name, prob, c.XB, c.MassLeft)
		checkMFPT(t, name, prob, c.XA, c.XC, c.AToC, c.CToA)
		opC := mustAssemble(t, operators.Problem{Grid: g, Loss: l, Diffusion: operators.White{D: 1, T: c.T},
			Sinks: []operators.Sink{operators.Box{Lo: []float64{c.XC}, Hi: []float64{2.5}}}})
		lam, _, err := Principal(opC, linear.Settings{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rel := math.Abs(lam/c.Lambda0 - 1); !(rel <= 1e-3) {
			t.Errorf("%s: λ₀ = %.8g, want %.8g (rel %.2g)", name, lam, c.Lambda0, rel)
		}
	}
}

// checkMassLeft checks the stationary mass left of the saddle xb within
// 1e-5 (the midpoint rule on the sampled density is O(h²) ≈ 1e-7 here).
func checkMassLeft(t *testing.T, name string, prob operators.Problem, xb, want float64) {
	t.Helper()
	g := prob.Grid
	guess := make([]float64, g.Len())
	g.Sample(guess, func(x []float64) float64 { return -prob.Loss.Value(x) })
	p, err := Stationary(mustAssemble(t, prob), guess, linear.Settings{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got := massBelow(g, p, xb); !(math.Abs(got-want) <= 1e-5) {
		t.Errorf("%s: mass left of saddle %.10f, want %.10f", name, got, want)
	}
}

// checkMFPT checks τ(a→c) and τ(c→a) with the target of each a half-line
// box whose edge is the far minimum.
func checkMFPT(t *testing.T, name string, p operators.Problem, xa, xc, aToC, cToA float64) {
	t.Helper()
	g := p.Grid
	lo, hi := g.Axis(0).Lo, g.Axis(0).Hi
	for _, dir := range []struct {
		from, want float64
		sink       operators.Box
	}{
		{xa, aToC, operators.Box{Lo: []float64{xc}, Hi: []float64{hi}}},
		{xc, cToA, operators.Box{Lo: []float64{lo}, Hi: []float64{xa}}},
	} {
		p.Sinks = []operators.Sink{dir.sink}
		op := mustAssemble(t, p)
		tau, err := MFPT(op, linear.Settings{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := g.Interpolate(tau, []float64{dir.from})
		if rel := math.Abs(got/dir.want - 1); !(rel <= 1e-4) {
			t.Errorf("%s: MFPT from %.4f = %.10g, want %.10g (rel %.2g)", name, dir.from, got, dir.want, rel)
		}
	}
}

// TestSGDLocalReference checks the 1-D sgd-local model against
// shared/reference/1d_sgd_local.json: MFPTs both ways within 1e-4 relative
// (τ up to 4·10¹⁰) and the stationary mass left of the saddle within 1e-5.
func TestSGDLocalReference(t *testing.T) {
	ref := loadReference(t)
	R := grid.Reflecting
	for _, c := range ref.SGDLocal {
		name := fmt.Sprintf("tilt=%g B=%g", c.Tilt, c.B)
		g := line(-2.5, 2.5, refCells, R, R)
		l := testloss.DoubleWell(c.Tilt)
		diff := sgdLocal(t, c.Tilt, c.Eta, c.B, c.LA, c.LB, c.LC, c.HA, c.HB, c.HC, c.XB)
		prob := operators.Problem{Grid: g, Loss: l, Diffusion: diff}
		checkMassLeft(t, name, prob, c.XB, c.MassLeft)
		checkMFPT(t, name, prob, c.XA, c.XC, c.AToC, c.CToA)
	}
}
