package linear

import (
	"testing"

	"github.com/james-bowman/sparse"
)

// TestShifts: solvers of I − c·A formed on the stencil arrays solve the same
// systems as solvers built from the CSR matrix I − c·A, for DILU and
// multigrid, 2-D 5/9-point and 3-D stencils; periodic matrices are refused.
func TestShifts(t *testing.T) {
	// Generators A (zero column sums) from the step helpers: I − 1·L = M,
	// so A = I − M at dt = 1.
	gen := func(m *sparse.CSR) *sparse.CSR {
		r := m.RawMatrix()
		data := make([]float64, len(r.Data))
		for i := 0; i < r.I; i++ {
			for k := r.Indptr[i]; k < r.Indptr[i+1]; k++ {
				data[k] = -r.Data[k]
				if r.Ind[k] == i {
					data[k] += 1
				}
			}
		}
		return sparse.NewCSR(r.I, r.J, r.Indptr, r.Ind, data)
	}
	shift := func(a *sparse.CSR, c float64) *sparse.CSR {
		r := a.RawMatrix()
		data := make([]float64, len(r.Data))
		for i := 0; i < r.I; i++ {
			for k := r.Indptr[i]; k < r.Indptr[i+1]; k++ {
				data[k] = -c * r.Data[k]
				if r.Ind[k] == i {
					data[k] += 1
				}
			}
		}
		return sparse.NewCSR(r.I, r.J, r.Indptr, r.Ind, data)
	}
	for name, tc := range map[string]struct {
		a     *sparse.CSR
		shape []int
	}{
		"5-point":     {gen(implicitStep(gridOpts{nx: 70, ny: 60, dt: 1, seed: 1})), []int{70, 60}},
		"9-point":     {gen(implicitStep(gridOpts{nx: 70, ny: 60, nine: true, dt: 1, seed: 2})), []int{70, 60}},
		"3-D 7-point": {gen(step3D(18, 16, 14, 1, 3)), []int{18, 16, 14}},
	} {
		sh, ok := NewShifts(tc.a, tc.shape)
		if !ok {
			t.Fatalf("%s: not accepted", name)
		}
		for _, c := range []float64{0.05, 50} {
			for _, meth := range []Method{BiCGSTAB, Multigrid} {
				set := Settings{Method: meth, Shape: tc.shape}
				fast, err := sh.Solver(c, set)
				if err != nil {
					t.Fatal(err)
				}
				m := shift(tc.a, c)
				n, _ := m.Dims()
				b := randVec(n, 8)
				x := make([]float64, n)
				if err := fast.Solve(x, b); err != nil {
					t.Fatalf("%s c=%g %v: %v", name, c, meth, err)
				}
				if r := relResidual(m, x, b); r > 1e-10 {
					t.Errorf("%s c=%g %v: residual against the CSR matrix %g", name, c, meth, r)
				}
			}
		}
	}
	if _, ok := NewShifts(implicitStep(gridOpts{nx: 20, ny: 20, periodicY: true, dt: 1, seed: 1}), []int{20, 20}); ok {
		t.Error("periodic matrix accepted")
	}
}
