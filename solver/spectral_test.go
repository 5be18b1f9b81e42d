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

// TestSpectralGapReference checks λ₁ (reflecting walls) of the 1-D white
// and sgd-local double wells against 1d_white_noise.json and
// 1d_sgd_local.json within 1e-3 relative on 4000 cells (λ₁ ranges over
// 1.8e-8 … 0.13), and the general (shifted, non-GTH) path against the GTH
// path.
func TestSpectralGapReference(t *testing.T) {
	ref := loadReference(t)
	R := grid.Reflecting
	g := line(-2.5, 2.5, refCells, R, R)
	check := func(name string, p operators.Problem, want float64) {
		op := mustAssemble(t, p)
		lam, u, pi, err := SpectralGap(op.A, op.IsMarkov(), nil, linear.Settings{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rel := math.Abs(lam/want - 1); !(rel <= 1e-3) {
			t.Errorf("%s: λ₁ = %.8g, want %.8g (rel %.2g)", name, lam, want, rel)
		}
		// The eigenvector has zero mass and changes sign once (two basins).
		m, changes := 0.0, 0
		for i := range u {
			m += u[i]
			if i > 0 && (u[i] > 0) != (u[i-1] > 0) && !(math.Abs(u[i]) <= 1e-12) && !(math.Abs(u[i-1]) <= 1e-12) {
				changes++
			}
		}
		if !(math.Abs(m) <= 1e-9*float64(len(u))) || changes != 1 || !(math.Abs(sum(pi)-1) <= 1e-12) {
			t.Errorf("%s: Σu = %g, sign changes %d, Σπ = %g", name, m, changes, sum(pi))
		}
	}
	for _, c := range ref.White {
		check(fmt.Sprintf("white tilt=%g T=%g", c.Tilt, c.T), operators.Problem{Grid: g, Loss: testloss.DoubleWell(c.Tilt), Diffusion: operators.White{D: 1, T: c.T}}, c.Lambda1)
	}
	for _, c := range ref.SGDLocal {
		check(fmt.Sprintf("sgd-local tilt=%g B=%g", c.Tilt, c.B), operators.Problem{Grid: g, Loss: testloss.DoubleWell(c.Tilt), Diffusion: sgdLocal(t, c.Tilt, c.Eta, c.B, c.LA, c.LB, c.LC, c.HA, c.HB, c.HC, c.XB)}, c.Lambda1)
	}
	// The general path on a white case (τ ~ 10²: well conditioned).
	c := ref.White[2]
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.DoubleWell(c.Tilt), Diffusion: operators.White{D: 1, T: c.T}})
	lam, _, _, err := SpectralGap(op.A, false, nil, linear.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if rel := math.Abs(lam/c.Lambda1 - 1); !(rel <= 1e-3) {
		t.Errorf("general path: λ₁ = %.8g, want %.8g", lam, c.Lambda1)
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func sgdLocal(t *testing.T, tilt, eta, b, la, lb, lc, ha, hb, hc, xb float64) operators.Diffusion {
	d, err := operators.NewSGDLocal(testloss.DoubleWell(tilt), eta/(2*b), operators.Abs, 0, 0,
		[]operators.LocalBasin{
			{LossMin: la, LossSaddle: lb, HMin: []float64{ha}, HSaddle: []float64{hb}},
			{LossMin: lc, LossSaddle: lb, HMin: []float64{hc}, HSaddle: []float64{hb}},
		},
		func(x []float64) int {
			if x[0] < xb {
				return 0
			}
			return 1
		})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestHillRelation: with reinjection at the start cell, the steady outflow
// over the mass (face fluxes into the sink) equals 1/τ(start) to 1e-6 — the
// forward solve with A against the backward solve with Aᵀ.
func TestHillRelation(t *testing.T) {
	ref := loadReference(t)
	c := ref.SGDLocal[4] // tilt 0.1, B = 2
	g := line(-2.5, 2.5, 2000, grid.Reflecting, grid.Reflecting)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.DoubleWell(c.Tilt),
		Diffusion: sgdLocal(t, c.Tilt, c.Eta, c.B, c.LA, c.LB, c.LC, c.HA, c.HB, c.HC, c.XB),
		Sinks:     []operators.Sink{operators.Box{Lo: []float64{c.XC}, Hi: []float64{2.5}}}})
	ab, err := NewAbsorbing(op, linear.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	tau, err := ab.MFPT()
	if err != nil {
		t.Fatal(err)
	}
	start, _ := g.Locate([]float64{c.XA})
	p, rate, err := ab.Reinjection(start)
	if err != nil {
		t.Fatal(err)
	}
	if rel := math.Abs(rate*tau[start] - 1); !(rel <= 1e-6) {
		t.Errorf("J/M·τ = %.12g, want 1", rate*tau[start])
	}
	if !(math.Abs(g.Mass(p)-1) <= 1e-12) {
		t.Errorf("mass %g", g.Mass(p))
	}
	// The quasi-stationary average of τ is 1/λ₀ (an identity of the QSD).
	lam, qsd, err := ab.Principal()
	if err != nil {
		t.Fatal(err)
	}
	avg := 0.0
	for i := range qsd {
		avg += qsd[i] * tau[i] * g.CellVolume()
	}
	if rel := math.Abs(avg*lam - 1); !(rel <= 1e-9) {
		t.Errorf("⟨τ⟩_QSD·λ₀ = %.12g, want 1", avg*lam)
	}
}
