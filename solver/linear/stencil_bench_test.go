package linear

import "testing"

// BenchmarkStencilMulVec1000x1000 is the 9-point product at 10⁶ cells in
// stencil storage (compare BenchmarkMulVec1000x1000, the CSR product).
func BenchmarkStencilMulVec1000x1000(b *testing.B) {
	m := implicitStep(gridOpts{nx: 1000, ny: 1000, nine: true, dt: 1, seed: 1})
	a, st := mustStencil(b, m, []int{1000, 1000})
	x := randVec(a.n, 2)
	y := make([]float64, a.n)
	b.SetBytes(int64(8 * (len(st.off) + 2) * a.n))
	for b.Loop() {
		st.mulVec(y, x)
	}
}

// BenchmarkCSRMulVecSerial1000x1000 is the single-goroutine CSR product.
func BenchmarkCSRMulVecSerial1000x1000(b *testing.B) {
	m := implicitStep(gridOpts{nx: 1000, ny: 1000, nine: true, dt: 1, seed: 1})
	a, err := raw(m)
	if err != nil {
		b.Fatal(err)
	}
	x := randVec(a.n, 2)
	y := make([]float64, a.n)
	for b.Loop() {
		a.mulVec(y, x)
	}
}

// BenchmarkMultigridSetup400x400 builds the hierarchy (stencils, Galerkin
// matrices, smoothers, coarsest band LU) of a 9-point step matrix.
func BenchmarkMultigridSetup400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, nine: true, dt: 10, seed: 1})
	a, err := raw(m)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := newMultigrid(a, []int{400, 400}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStencilFromCSR400x400 converts a 9-point matrix to stencil
// storage.
func BenchmarkStencilFromCSR400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, nine: true, dt: 10, seed: 1})
	a, err := raw(m)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, ok := newStencil(a, []int{400, 400}); !ok {
			b.Fatal("not a stencil")
		}
	}
}

// BenchmarkGalerkin400x400 forms the first coarse level (200², 9-point)
// of a 9-point 400² step matrix in stencil storage.
func BenchmarkGalerkin400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, nine: true, dt: 10, seed: 1})
	_, st := mustStencil(b, m, []int{400, 400})
	p := newProlongation(st.shape)
	for b.Loop() {
		galerkin(st, p)
	}
}

// BenchmarkSmoother400x400 lays out a 9-point 400² matrix for Gauss–Seidel.
func BenchmarkSmoother400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, nine: true, dt: 10, seed: 1})
	_, st := mustStencil(b, m, []int{400, 400})
	for b.Loop() {
		if _, err := newSmoother(st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewMultigrid400x400 is the whole set-up of a multigrid
// BiCGSTAB solver (validation, stencil storage, hierarchy) as an implicit
// step pays it.
func BenchmarkNewMultigrid400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, nine: true, dt: 10, seed: 1})
	for b.Loop() {
		if _, err := New(m, Settings{Method: Multigrid, Shape: []int{400, 400}}); err != nil {
			b.Fatal(err)
		}
	}
}

// on400 runs f as sub-benchmarks "5-point" and "9-point" on the stencil
// storage of 400² step matrices.
func on400(b *testing.B, f func(b *testing.B, st *stencil)) {
	for _, nine := range []bool{false, true} {
		name := "5-point"
		if nine {
			name = "9-point"
		}
		b.Run(name, func(b *testing.B) {
			_, st := mustStencil(b, implicitStep(gridOpts{nx: 400, ny: 400, nine: nine, dt: 10, seed: 1}), []int{400, 400})
			f(b, st)
		})
	}
}

// BenchmarkSweep400x400 is one forward Gauss–Seidel sweep from zero and
// one backward sweep (the smoothing of one V-cycle level) on 5- and
// 9-point stencils.
func BenchmarkSweep400x400(b *testing.B) {
	on400(b, func(b *testing.B, st *stencil) {
		sm, err := newSmoother(st)
		if err != nil {
			b.Fatal(err)
		}
		x, rhs := make([]float64, st.n), randVec(st.n, 1)
		for b.Loop() {
			sm.sweepZero(x, rhs)
			sm.sweepBackward(x, rhs)
		}
	})
}

// BenchmarkVCycle400x400 is one multigrid V-cycle (the preconditioner
// application of BiCGSTAB) on 400² 5- and 9-point step matrices.
func BenchmarkVCycle400x400(b *testing.B) {
	on400(b, func(b *testing.B, st *stencil) {
		mg, err := newMultigridStencil(st, false)
		if err != nil {
			b.Fatal(err)
		}
		z, r := make([]float64, st.n), randVec(st.n, 1)
		for b.Loop() {
			mg.apply(z, r)
		}
	})
}
