package sweep

import (
	"context"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/scenario"
)

// exactMassRatio integrates the exact 1-D stationary density of the Itô
// Fokker–Planck equation with reflecting walls, P ∝ e^{−Φ}/D with
// Φ' = L'/D, on a fine uniform grid (composite trapezoid for Φ and for the
// masses, n intervals) and returns m_left/m_right of the saddle at xb.
func exactMassRatio(m *scenario.Model, xb float64, n int) float64 {
	ax := m.Grid.Axis(0)
	h := (ax.Hi - ax.Lo) / float64(n)
	grad, d := make([]float64, 1), make([]float64, 1)
	f := make([]float64, n+1)
	dv := make([]float64, n+1)
	for i := range f {
		x := []float64{ax.Lo + float64(i)*h}
		m.Loss.Derivatives(x, grad, nil)
		m.Diffusion.At(d, x)
		f[i], dv[i] = grad[0]/d[0], d[0]
	}
	phi := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		phi[i] = phi[i-1] + h*(f[i-1]+f[i])/2
	}
	lo := math.Inf(1)
	for _, v := range phi {
		lo = math.Min(lo, v)
	}
	var left, right float64
	for i := 0; i < n; i++ {
		x := ax.Lo + (float64(i)+0.5)*h
		seg := h * (math.Exp(-(phi[i]-lo))/dv[i] + math.Exp(-(phi[i+1]-lo))/dv[i+1]) / 2
		if x < xb {
			left += seg
		} else {
			right += seg
		}
	}
	return left / right
}

// TestSelectionQuadrature: the stationary flat/sharp mass ratio of the
// selection preset against the exact density by quadrature. The finite-
// volume stationary state is the sampled e^{−Φ}/D (exponential fitting with
// quasi-potential differences), so its basin masses are midpoint sums with
// relative error O(h²Φ”) ≈ 1e-5 at 2000 cells; the quadrature, with 4·10⁵
// intervals, is far more accurate (the kinks of the sgd-local D cost O(h²)
// locally). The issue asks for 1e-3.
func TestSelectionQuadrature(t *testing.T) {
	pr, _ := LookupPreset("selection")
	plans, err := pr.Plans()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans[:2] { // sgd-local and white-matched
		p.Axes = []Axis{{Key: "noise.batch", Values: []float64{2, 6}}}
		pts, err := RunPlans(context.Background(), []*Plan{p}, p.Points(0), Settings{})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range p.Points(0) {
			pt := pts[i]
			if pt.Error != "" {
				t.Fatalf("%s: %s", p.Name, pt.Error)
			}
			s := p.Base.Clone()
			for _, q := range c.Params {
				if err := s.Set(q.Key + "=" + formatValue(q.Value)); err != nil {
					t.Fatal(err)
				}
			}
			m, err := scenario.Build(s)
			if err != nil {
				t.Fatal(err)
			}
			crit, _ := m.Critical()
			want := exactMassRatio(m, crit.Saddles[0].X[0], 400000)
			got, ok := massRatio(pt)
			// Minimum 0 (x = −1) is the flat one: the ratio is left/right.
			if !ok {
				t.Fatalf("%s B=%g: no mass ratio", p.Name, pt.Params["noise.batch"])
			}
			e := relErr(got, want)
			t.Logf("%s B=%g: m_flat/m_sharp %.8g, quadrature %.8g, rel. err %.2g", p.Name, pt.Params["noise.batch"], got, want, e)
			if e > 1e-3 {
				t.Errorf("%s B=%g: ratio %.8g vs exact %.8g (rel. err %.2g), want < 1e-3", p.Name, pt.Params["noise.batch"], got, want, e)
			}
		}
	}
}
