package landscape

import (
	"math"
	"testing"
)

// TestCurvatureWell checks that only the minima's curvature changes with k:
// critical points x = −1, 0, 1 found by FindCritical, L(±1) = −¼, L″(±1) = k,
// L″(0) = −1 (to 1e-12), and the derivatives against finite differences.
func TestCurvatureWell(t *testing.T) {
	for _, k := range []float64{2, 3, 4.5, 8, 16} {
		l, err := Builtin("curvature-well", 1, map[string]any{"k": k})
		if err != nil {
			t.Fatal(err)
		}
		c, err := FindCritical(l, []float64{-1.6}, []float64{1.6}, CriticalSettings{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Minima) != 2 || len(c.Saddles) != 1 {
			t.Fatalf("k=%g: %d minima, %d saddles", k, len(c.Minima), len(c.Saddles))
		}
		for _, m := range c.Minima {
			if !(math.Abs(math.Abs(m.X[0])-1) <= 1e-12 && math.Abs(m.Loss+0.25) <= 1e-12 && math.Abs(m.Eigenvalues[0]-k) <= 1e-10*k) {
				t.Errorf("k=%g: minimum %+v", k, m)
			}
		}
		if s := c.Saddles[0]; !(math.Abs(s.X[0]) <= 1e-12 && math.Abs(s.Loss) <= 1e-12 && math.Abs(s.Eigenvalues[0]+1) <= 1e-12) {
			t.Errorf("k=%g: saddle %+v", k, s.Point)
		}
		g, h := make([]float64, 1), make([]float64, 1)
		fg, fh := make([]float64, 1), make([]float64, 1)
		for _, x := range []float64{-1.3, -0.4, 0.7} {
			l.Derivatives([]float64{x}, g, h)
			FiniteDifference(l, []float64{x}, fg, fh, 1e-4)
			// Central differences: error ~ h²·|L‴|/6 and h²·|L⁗|/12 ≲ 1e-5·k.
			if !(math.Abs(g[0]-fg[0]) <= 1e-5*k && math.Abs(h[0]-fh[0]) <= 1e-4*k) {
				t.Errorf("k=%g x=%g: derivatives %v %v, differences %v %v", k, x, g, h, fg, fh)
			}
		}
	}
	for _, k := range []float64{1.5, 18} {
		if _, err := Builtin("curvature-well", 1, map[string]any{"k": k}); err == nil {
			t.Errorf("k = %g accepted", k)
		}
	}
}
