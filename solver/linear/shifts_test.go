package linear

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/james-bowman/sparse"
)

// TestShifts: solvers of I − c·A formed on the stencil arrays solve the same
// systems as solvers built from the CSR matrix I − c·A, for DILU and
// multigrid (linear and constant interpolation), 2-D 5/9-point and 3-D
// stencils; periodic matrices are refused.
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
			for _, set := range []Settings{{Method: BiCGSTAB}, {Method: Multigrid}, {Method: Multigrid, Aggregate: true}} {
				set.Shape = tc.shape
				fast, err := sh.Solver(c, set)
				if err != nil {
					t.Fatal(err)
				}
				m := shift(tc.a, c)
				n, _ := m.Dims()
				b := randVec(n, 8)
				x := make([]float64, n)
				if err := fast.Solve(x, b); err != nil {
					t.Fatalf("%s c=%g %s: %v", name, c, fast.Name(), err)
				}
				if r := relResidual(m, x, b); r > 1e-10 {
					t.Errorf("%s c=%g %s: residual against the CSR matrix %g", name, c, fast.Name(), r)
				}
			}
		}
	}
	if _, ok := NewShifts(implicitStep(gridOpts{nx: 20, ny: 20, periodicY: true, dt: 1, seed: 1}), []int{20, 20}); ok {
		t.Error("periodic matrix accepted")
	}
}

// TestShiftedMultigrid: the multigrid of I − c·A built without forming
// I − c·A on the finest grid (its first coarse level from R·P − c·R·A·P)
// applies the same V-cycle, to rounding, as the one built from the formed
// matrix; its product is the formed matrix's product. The convective case
// is the first coarse operator of a strongly convective generator, on
// which linear interpolation gives a non-positive diagonal at c = 30: the
// first level falls back to constant interpolation.
func TestShiftedMultigrid(t *testing.T) {
	// generator returns A = I − M (zero column sums) for a step matrix M.
	generator := func(m *sparse.CSR) rawCSR {
		a, err := raw(m)
		if err != nil {
			t.Fatal(err)
		}
		a.data = append([]float64(nil), a.data...)
		for i := 0; i < a.n; i++ {
			for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
				a.data[k] = -a.data[k]
				if a.ind[k] == i {
					a.data[k]++
				}
			}
		}
		return a
	}
	coarse := func(m *sparse.CSR, shape []int) rawCSR {
		a := generator(m)
		sh, _ := NewShifts(sparse.NewCSR(a.n, a.n, a.indptr, a.ind, a.data), shape)
		_, _, a1 := sh.multigrid()
		return a1.csr()
	}
	for name, tc := range map[string]struct {
		a        rawCSR
		shape    []int
		constant bool // whether the first level aggregates at c = 30
	}{
		"5-point":     {generator(implicitStep(gridOpts{nx: 150, ny: 130, dt: 1, seed: 1})), []int{150, 130}, false},
		"9-point":     {generator(implicitStep(gridOpts{nx: 150, ny: 130, nine: true, dt: 1, seed: 2})), []int{150, 130}, false},
		"3-D 7-point": {generator(step3D(40, 36, 32, 1, 3)), []int{40, 36, 32}, false},
		"convective":  {coarse(implicitStep(gridOpts{nx: 300, ny: 260, dt: 1, seed: 1}), []int{300, 260}), []int{150, 130}, true},
	} {
		a := tc.a
		sh, ok := NewShifts(sparse.NewCSR(a.n, a.n, a.indptr, a.ind, a.data), tc.shape)
		if !ok {
			t.Fatalf("%s: not accepted", name)
		}
		for _, c := range []float64{0.3, 30} {
			shiftedMG, err := newMultigridShifted(sh, c, false)
			if err != nil {
				t.Fatal(err)
			}
			formed := sh.form(c)
			formedMG, err := newMultigridStencil(formed, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(shiftedMG.levels) < 3 || len(shiftedMG.levels) != len(formedMG.levels) {
				t.Fatalf("%s c=%g: %d levels shifted, %d formed", name, c, len(shiftedMG.levels), len(formedMG.levels))
			}
			w := shiftedMG.levels[0].pw.w
			if aggregated := w[len(w)/2][1] == 0; aggregated != (tc.constant && c == 30) {
				t.Errorf("%s c=%g: first level aggregated: %v", name, c, aggregated)
			}
			r := randVec(a.n, 4)
			z1, z2 := make([]float64, a.n), make([]float64, a.n)
			shiftedMG.apply(z1, r)
			formedMG.apply(z2, r)
			if d := relDiff(z1, z2); d > 1e-12 {
				t.Errorf("%s c=%g: V-cycles differ by %g", name, c, d)
			}
			(&shifted{a: sh.a, c: c}).mulVec(z1, r)
			formed.mulVec(z2, r)
			if d := relDiff(z1, z2); d > 1e-14 {
				t.Errorf("%s c=%g: products differ by %g", name, c, d)
			}
		}
	}
}

// TestParallelDeterministic: the kernels that run on several goroutines
// (products, residual norms, dot products, vector updates, smoother
// set-up, transfers) give the same bits with GOMAXPROCS 1 and 2, so a run
// and its resumption agree on any machine. (Two goroutines take the blocks
// in turn even on one CPU, so the test needs no second one.)
func TestParallelDeterministic(t *testing.T) {
	m := implicitStep(gridOpts{nx: 400, ny: 340, nine: true, dt: 1, seed: 4})
	a, err := raw(m)
	if err != nil {
		t.Fatal(err)
	}
	if a.n/4 < parallelCells {
		t.Fatalf("%d cells: too few to run two levels in parallel", a.n)
	}
	solve := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		sh, ok := NewShifts(m, []int{400, 340})
		if !ok {
			t.Fatal("not a stencil matrix")
		}
		s, err := sh.Solver(3, Settings{Method: Multigrid})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, a.n)
		if err := s.Solve(x, randVec(a.n, 6)); err != nil {
			t.Fatal(err)
		}
		return x
	}
	one, two := solve(1), solve(2)
	for i := range one {
		if one[i] != two[i] {
			t.Fatalf("cell %d: %v with one goroutine, %v with two", i, one[i], two[i])
		}
	}
}

// TestShiftsConcurrent: solvers built from one Shifts, which share
// BiCGSTAB's work vectors through a pool, give bit for bit the results of
// a serial run when two goroutines solve with their own solvers at the
// same time (two step sizes, DILU and multigrid, each solving twice).
func TestShiftsConcurrent(t *testing.T) {
	const nx, ny = 70, 60
	a := implicitStep(gridOpts{nx: nx, ny: ny, nine: true, dt: 1, seed: 4})
	sh, ok := NewShifts(a, []int{nx, ny})
	if !ok {
		t.Fatal("not accepted")
	}
	b := randVec(nx*ny, 9)
	// solveAll returns the solutions of every case, each solved twice.
	solveAll := func() ([][]float64, error) {
		var xs [][]float64
		for _, c := range []float64{0.05, 5} {
			for _, meth := range []Method{BiCGSTAB, Multigrid} {
				s, err := sh.Solver(c, Settings{Method: meth, Shape: []int{nx, ny}})
				if err != nil {
					return nil, err
				}
				for rep := 0; rep < 2; rep++ {
					x := make([]float64, nx*ny)
					if err := s.Solve(x, b); err != nil {
						return nil, fmt.Errorf("c=%g %s: %w", c, s.Name(), err)
					}
					xs = append(xs, x)
				}
			}
		}
		return xs, nil
	}
	want, err := solveAll()
	if err != nil {
		t.Fatal(err)
	}
	got := make([][][]float64, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() { got[g], errs[g] = solveAll() })
	}
	wg.Wait()
	for g := range got {
		if errs[g] != nil {
			t.Fatalf("goroutine %d: %v", g, errs[g])
		}
		for k, x := range got[g] {
			for i := range x {
				if x[i] != want[k][i] {
					t.Fatalf("goroutine %d, solve %d: x[%d] = %v, serial %v", g, k, i, x[i], want[k][i])
				}
			}
		}
	}
}
