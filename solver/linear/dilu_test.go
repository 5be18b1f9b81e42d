package linear

import (
	"testing"

	"github.com/james-bowman/sparse"
)

func TestDILUIsILU0ForFivePoints(t *testing.T) {
	m := implicitStep(gridOpts{nx: 30, ny: 17, dt: 5, seed: 4})
	a, st := mustStencil(t, m, []int{30, 17})
	r := randVec(a.n, 1)
	want, got := make([]float64, a.n), make([]float64, a.n)
	newILU0(a).apply(want, r)
	newDILU(st).apply(got, r)
	if d := relDiff(got, want); d > 1e-13 {
		t.Errorf("DILU differs from ILU(0) on a 5-point stencil by %g", d)
	}
}

// TestDILUInverts: apply solves (D + L)·D⁻¹·(D + U)·z = r exactly (to
// rounding) for 5-, 9- and 7-point (3-D, generic path) stencils.
func TestDILUInverts(t *testing.T) {
	for name, c := range map[string]struct {
		m     *sparse.CSR
		shape []int
	}{
		"5-point":     {implicitStep(gridOpts{nx: 23, ny: 19, dt: 3, seed: 1}), []int{23, 19}},
		"9-point":     {implicitStep(gridOpts{nx: 23, ny: 19, nine: true, dt: 3, seed: 2}), []int{23, 19}},
		"3-D 7-point": {step3D(9, 8, 7, 3, 1), []int{9, 8, 7}},
	} {
		a, st := mustStencil(t, c.m, c.shape)
		f := newDILU(st)
		n := a.n
		r := randVec(n, 3)
		z := make([]float64, n)
		f.apply(z, r)
		// w = D⁻¹(D + U)z = z + Σ (U/D)·z, then v = (D + L)·w.
		w := make([]float64, n)
		ku, kl := len(f.upOff), len(f.lowOff)
		for i := range n {
			w[i] = z[i]
			for t, o := range f.upOff {
				if j := i + o; j < n {
					w[i] += f.up[i*ku+t] * z[j]
				}
			}
		}
		v := make([]float64, n)
		for i := range n {
			v[i] = w[i] / f.invD[i]
			for t, o := range f.lowOff {
				if j := i + o; j >= 0 {
					v[i] += f.low[i*kl+t] * w[j]
				}
			}
		}
		if d := relDiff(v, r); d > 1e-13 {
			t.Errorf("%s: K·(K⁻¹r) differs from r by %g", name, d)
		}
	}
}
