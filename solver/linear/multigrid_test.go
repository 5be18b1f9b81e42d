package linear

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/james-bowman/sparse"
)

// step3D returns I − dt·L for a 3-D drift–diffusion generator on an
// nx×ny×nz grid with reflecting faces (7-point, zero column sums of L).
func step3D(nx, ny, nz int, dt float64, seed uint64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 5))
	n := nx * ny * nz
	rows := make([][]entry, n)
	for p := range n {
		i, j, k := p%nx, (p/nx)%ny, p/(nx*ny)
		co := [3]int{i, j, k}
		dims := [3]int{nx, ny, nz}
		strides := [3]int{1, nx, nx * ny}
		for ax := range 3 {
			v := math.Sin(float64(co[(ax+1)%3])) + 0.3*rng.Float64()
			for _, s := range []int{-1, 1} {
				if c := co[ax] + s; c < 0 || c >= dims[ax] {
					continue
				}
				q := p + s*strides[ax]
				rate := 1 + math.Max(0, float64(s)*v)
				rows[q] = append(rows[q], entry{p, -dt * rate})
				rows[p] = append(rows[p], entry{p, dt * rate})
			}
		}
		rows[p] = append(rows[p], entry{p, 1})
	}
	return csrFromRows(n, rows)
}

func TestStencilProductMatchesCSR(t *testing.T) {
	cases := []struct {
		name  string
		m     *sparse.CSR
		shape []int
	}{
		{"1-D tridiagonal", tridiag(101, false, 3), []int{101}},
		{"2-D 5-point 37×23", implicitStep(gridOpts{nx: 37, ny: 23, dt: 2, seed: 1}), []int{37, 23}},
		{"2-D 9-point 40×41", implicitStep(gridOpts{nx: 40, ny: 41, nine: true, dt: 2, seed: 2}), []int{40, 41}},
		{"2-D 9-point 3×50", implicitStep(gridOpts{nx: 3, ny: 50, nine: true, dt: 2, seed: 2}), []int{3, 50}},
		{"3-D 7-point 9×8×7", step3D(9, 8, 7, 3, 1), []int{9, 8, 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, st := mustStencil(t, c.m, c.shape)
			x := randVec(a.n, 9)
			want, got := make([]float64, a.n), make([]float64, a.n)
			a.mulVec(want, x)
			st.mulVec(got, x)
			if d := relDiff(got, want); d > 1e-15 {
				t.Errorf("stencil product differs from CSR by %g", d)
			}
		})
	}
	// Couplings across a periodic face are not nearest neighbours in the
	// array order: such a matrix must stay in CSR.
	a, err := raw(implicitStep(gridOpts{nx: 20, ny: 20, periodicX: true, dt: 1, seed: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := newStencil(a, []int{20, 20}); ok {
		t.Error("periodic matrix accepted as a stencil")
	}
}

// TestSmootherLayout checks the Gauss–Seidel layout (the unrolled 4- and
// 8-term and the general widths): per cell, the off-diagonal terms in
// stencil order, the inverse diagonal, and a zero diagonal reported.
func TestSmootherLayout(t *testing.T) {
	cases := []struct {
		name  string
		m     *sparse.CSR
		shape []int
		k     int
	}{
		{"5-point", implicitStep(gridOpts{nx: 13, ny: 11, dt: 2, seed: 1}), []int{13, 11}, 4},
		{"9-point", implicitStep(gridOpts{nx: 12, ny: 9, nine: true, dt: 2, seed: 2}), []int{12, 9}, 8},
		{"3-D 7-point", step3D(5, 4, 6, 2, 3), []int{5, 4, 6}, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, st := mustStencil(t, c.m, c.shape)
			sm, err := newSmoother(st)
			if err != nil {
				t.Fatal(err)
			}
			if len(sm.off) != c.k {
				t.Fatalf("%d off-diagonal terms, want %d", len(sm.off), c.k)
			}
			for cell := range st.n {
				d := st.coef[st.diag][cell]
				if sm.inv[cell] != 1/d {
					t.Fatalf("cell %d: inverse diagonal %g, want %g", cell, sm.inv[cell], 1/d)
				}
				i := 0
				for s, o := range st.off {
					if s == st.diag {
						continue
					}
					if sm.off[i] != o || sm.g[sm.at(cell, i)] != st.coef[s][cell] {
						t.Fatalf("cell %d term %d: offset %d coefficient %g, want %d and %g", cell, i, sm.off[i], sm.g[sm.at(cell, i)], o, st.coef[s][cell])
					}
					i++
				}
			}
			st.coef[st.diag][7] = 0
			if _, err := newSmoother(st); err == nil {
				t.Error("zero diagonal not reported")
			}
		})
	}
}

// TestMultigridBiCGSTAB solves step matrices from mildly to extremely stiff
// (dt·D/h² up to 10⁴) on 2-D and 3-D grids, even and odd sizes, and checks
// the true residual and that the iteration count stays small.
func TestMultigridBiCGSTAB(t *testing.T) {
	type tc struct {
		m     *sparse.CSR
		shape []int
	}
	cases := map[string]tc{}
	for _, dt := range []float64{0.1, 10, 1e4} {
		cases[fmt.Sprintf("5-point 64×48 dt=%g", dt)] = tc{implicitStep(gridOpts{nx: 64, ny: 48, dt: dt, seed: 1}), []int{64, 48}}
		cases[fmt.Sprintf("9-point 57×61 dt=%g", dt)] = tc{implicitStep(gridOpts{nx: 57, ny: 61, nine: true, dt: dt, seed: 2}), []int{57, 61}}
		cases[fmt.Sprintf("3-D 7-point 17×14×12 dt=%g", dt)] = tc{step3D(17, 14, 12, dt, 3), []int{17, 14, 12}}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			n, _ := c.m.Dims()
			s, err := New(c.m, Settings{Method: Multigrid, Shape: c.shape})
			if err != nil {
				t.Fatal(err)
			}
			b := randVec(n, 7)
			x := make([]float64, n)
			if err := s.Solve(x, b); err != nil {
				t.Fatal(err)
			}
			if r := relResidual(c.m, x, b); r > 1e-10 {
				t.Errorf("residual %g > 1e-10", r)
			}
			if it := s.(*bicgstab).iters; it > 20 {
				t.Errorf("%d iterations (%s): the V-cycle is not doing its job", it, s.Name())
			}
		})
	}
}

// TestMultigridDivergenceReported: on a strongly recirculating drift
// (velocity ≈ 2 per cell at every level, so the coarse levels are ever
// more convective) the V-cycle of four levels stops helping; the solver
// must say so, quickly, rather than return a wrong x.
func TestMultigridDivergenceReported(t *testing.T) {
	const nx = 512
	m := implicitStep(gridOpts{nx: nx, ny: nx, dt: 100, seed: 1})
	s, err := New(m, Settings{Method: Multigrid, Shape: []int{nx, nx}, MaxIter: 40})
	if err != nil {
		t.Fatal(err)
	}
	b := randVec(nx*nx, 2)
	x := make([]float64, len(b))
	err = s.Solve(x, b)
	if err == nil {
		if r := relResidual(m, x, b); r > 1e-10 {
			t.Fatalf("no error but residual %g", r)
		}
		t.Skip("converged: this case no longer exercises the failure path")
	}
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("error %v is not a NotConvergedError", err)
	}
}

// galerkinCSR is the former construction of R·A·P (R sums over aggregates,
// P interpolates) in CSR, through the interpolation matrix P and a sparse
// accumulator per coarse row: the reference for galerkin.
func galerkinCSR(a rawCSR, p *prolongation) rawCSR {
	nc := 1
	for _, m := range p.coarse {
		nc *= m
	}
	// Fine-cell tables: aggregate and interpolation rows.
	agg := make([]int32, a.n)
	pptr := make([]int, a.n+1)
	per := 1 << len(p.fine)
	pcol := make([]int32, 0, a.n*per)
	pw := make([]float64, 0, a.n*per)
	var cols []int
	var ws []float64
	p.forEachFine(func(c int, co []int) {
		agg[c] = int32(p.aggregate(co))
		cols, ws = p.row(co, cols, ws)
		for t, j := range cols {
			pcol = append(pcol, int32(j))
			pw = append(pw, ws[t])
		}
		pptr[c+1] = len(pcol)
	})
	// Members of each aggregate, in order.
	mptr := make([]int, nc+1)
	for _, g := range agg {
		mptr[g+1]++
	}
	for i := range nc {
		mptr[i+1] += mptr[i]
	}
	members := make([]int32, a.n)
	fill := append([]int(nil), mptr[:nc]...)
	for c, g := range agg {
		members[fill[g]] = int32(c)
		fill[g]++
	}
	// Row by row: Σ over members i, entries a_ij, interpolation of j.
	acc := make([]float64, nc)
	mark := make([]int, nc)
	for i := range mark {
		mark[i] = -1
	}
	width := 1
	for range p.fine {
		width *= 3
	}
	out := rawCSR{n: nc, indptr: make([]int, nc+1), ind: make([]int, 0, nc*width), data: make([]float64, 0, nc*width)}
	var touched []int
	for g := range nc {
		touched = touched[:0]
		for _, i := range members[mptr[g]:mptr[g+1]] {
			for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
				j, v := a.ind[k], a.data[k]
				for t := pptr[j]; t < pptr[j+1]; t++ {
					col := int(pcol[t])
					if mark[col] != g {
						mark[col] = g
						acc[col] = 0
						touched = append(touched, col)
					}
					acc[col] += v * pw[t]
				}
			}
		}
		sortInts(touched)
		for _, col := range touched {
			out.ind = append(out.ind, col)
			out.data = append(out.data, acc[col])
		}
		out.indptr[g+1] = len(out.ind)
	}
	return out
}

// sortInts sorts a short slice in place (insertion sort: rows hold at most
// 3^d entries).
func sortInts(v []int) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// TestGalerkinMatchesCSR compares the stencil Galerkin product with the CSR
// reference over two coarsenings (so the second starts from a 9- or 27-point
// coarse operator), with linear interpolation, constant interpolation, and
// a switch from linear to constant at the second level. Both sum the same
// products in different orders: they agree to rounding.
func TestGalerkinMatchesCSR(t *testing.T) {
	cases := []struct {
		name  string
		m     *sparse.CSR
		shape []int
	}{
		{"1-D 101", tridiag(101, false, 3), []int{101}},
		{"2-D 5-point 64×48", implicitStep(gridOpts{nx: 64, ny: 48, dt: 10, seed: 1}), []int{64, 48}},
		{"2-D 5-point 37×23", implicitStep(gridOpts{nx: 37, ny: 23, dt: 2, seed: 2}), []int{37, 23}},
		{"2-D 9-point 40×41", implicitStep(gridOpts{nx: 40, ny: 41, nine: true, dt: 5, seed: 3}), []int{40, 41}},
		{"2-D 9-point 57×61", implicitStep(gridOpts{nx: 57, ny: 61, nine: true, dt: 1e3, seed: 4}), []int{57, 61}},
		{"2-D 9-point 3×50", implicitStep(gridOpts{nx: 3, ny: 50, nine: true, dt: 2, seed: 5}), []int{3, 50}},
		{"3-D 7-point 16×14×12", step3D(16, 14, 12, 3, 1), []int{16, 14, 12}},
		{"3-D 7-point 9×7×5", step3D(9, 7, 5, 30, 2), []int{9, 7, 5}},
		{"3-D 7-point 3×9×10", step3D(3, 9, 10, 1, 3), []int{3, 9, 10}},
	}
	modes := []struct {
		name       string
		constantAt int // first level with constant interpolation
	}{{"linear", 2}, {"constant", 0}, {"linear then constant", 1}}
	for _, c := range cases {
		for _, md := range modes {
			t.Run(c.name+" "+md.name, func(t *testing.T) {
				a, st := mustStencil(t, c.m, c.shape)
				sh := c.shape
				for l := range 2 {
					p := newProlongation(sh)
					if p == nil {
						t.Fatalf("level %d (%v) cannot be coarsened", l, sh)
					}
					if l >= md.constantAt {
						p.constant()
					}
					want := galerkinCSR(a, p)
					got := galerkin(st, p)
					if !slices.Equal(got.shape, p.coarse) || got.n != want.n {
						t.Fatalf("level %d: coarse stencil %v (%d cells), want %v (%d)", l, got.shape, got.n, p.coarse, want.n)
					}
					if d := csrDiff(got.csr(), want); d > 1e-14 {
						t.Errorf("level %d: entries differ by %g relative to the largest", l, d)
					}
					x := randVec(want.n, uint64(l))
					y, z := make([]float64, want.n), make([]float64, want.n)
					want.mulVec(y, x)
					got.mulVec(z, x)
					if d := relDiff(z, y); d > 1e-14 {
						t.Errorf("level %d: stencil product differs from CSR by %g", l, d)
					}
					a, st, sh = want, got, p.coarse
				}
			})
		}
	}
}

// csrDiff returns max |a_ij − b_ij| / max |b_ij| over the entries of a and b
// (duplicates summed).
func csrDiff(a, b rawCSR) float64 {
	if a.n != b.n {
		return math.Inf(1)
	}
	var diff, scale float64
	for i := range a.n {
		row := map[int]float64{}
		for k := b.indptr[i]; k < b.indptr[i+1]; k++ {
			row[b.ind[k]] += b.data[k]
			scale = math.Max(scale, math.Abs(b.data[k]))
		}
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			row[a.ind[k]] -= a.data[k]
		}
		for _, v := range row {
			diff = math.Max(diff, math.Abs(v))
		}
	}
	return diff / scale
}

// TestZeroResidual: the sweep from zero equals a sweep of a zero vector
// whatever x held; after it, the residual from the later neighbours alone
// equals b − M·x (5-point, 9-point and the general 3-D path, cells at both
// ends included), and its restriction formed a row at a time equals the
// restriction of the stored residual.
func TestZeroResidual(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     *sparse.CSR
		shape []int
	}{
		{"5-point", implicitStep(gridOpts{nx: 37, ny: 23, dt: 2, seed: 1}), []int{37, 23}},
		{"9-point", implicitStep(gridOpts{nx: 40, ny: 41, nine: true, dt: 2, seed: 2}), []int{40, 41}},
		{"3-D 7-point", step3D(9, 8, 7, 3, 1), []int{9, 8, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, st := mustStencil(t, tc.m, tc.shape)
			sm, err := newSmoother(st)
			if err != nil {
				t.Fatal(err)
			}
			b := randVec(st.n, 3)
			x := make([]float64, st.n)
			for c := range x { // the forward sweep, cell by cell
				sm.relax(c, x, b)
			}
			// The sweep from zero reads only earlier neighbours: from any
			// values in x it gives the sweep from zero (to rounding: the
			// unrolled kernels sum in another order than relax).
			z := randVec(st.n, 9)
			sm.sweepZero(z, b)
			if d := relDiff(z, x); d > 1e-14 {
				t.Errorf("sweep from zero differs from the sweep of a zero vector by %g", d)
			}
			want, got := make([]float64, st.n), make([]float64, st.n)
			st.residual(want, b, x)
			sm.zeroResidual(got, x)
			if d := relDiff(got, want); d > 1e-12 {
				t.Errorf("residual differs from b − M·x by %g", d)
			}
			// Restricted a row at a time, it is the restriction of the
			// stored residual, bit for bit.
			pw := newProlongation(tc.shape)
			nc := 1
			for _, m := range pw.coarse {
				nc *= m
			}
			fused, stored := make([]float64, nc), make([]float64, nc)
			pw.restrictResidual(fused, sm, x, make([]float64, st.n))
			pw.restrict(stored, got)
			for i := range fused {
				if fused[i] != stored[i] {
					t.Fatalf("coarse cell %d: %v restricted a row at a time, %v from the stored residual", i, fused[i], stored[i])
				}
			}
		})
	}
}

// TestSweepKernels: the unrolled sweeps (two cells per step on the
// dependency chain) agree with the generic cell-by-cell relaxation, from
// zero (forward) and from a random x (forward and backward), on grids
// whose interior holds an even and an odd number of cells, to rounding;
// for a matrix's own smoother and for a shifted, scaled one.
func TestSweepKernels(t *testing.T) {
	for _, nine := range []bool{false, true} {
		for _, nx := range []int{12, 13, 16, 17} {
			ny := nx + 3
			_, st := mustStencil(t, implicitStep(gridOpts{nx: nx, ny: ny, nine: nine, dt: 2, seed: uint64(nx)}), []int{nx, ny})
			// Gauss–Seidel on st itself, and on I − 0.7·st from st's
			// layout (as time steps use A's).
			for _, sc := range [][2]float64{{1, 0}, {-0.7, 1}} {
				name := fmt.Sprintf("nine=%v %d×%d scale=%g", nine, nx, ny, sc[0])
				sm, err := newLayout(st).smoother(st, sc[0], sc[1])
				if err != nil {
					t.Fatal(err)
				}
				b := randVec(st.n, 3)
				want, got := make([]float64, st.n), randVec(st.n, 4)
				for c := range want {
					sm.relax(c, want, b)
				}
				sm.sweepZero(got, b)
				if d := relDiff(got, want); d > 1e-14 {
					t.Errorf("%s: forward sweep from zero differs from relax by %g", name, d)
				}
				x0 := randVec(st.n, 5)
				want, got = slices.Clone(x0), slices.Clone(x0)
				for c := range st.n {
					sm.relax(c, want, b)
				}
				sm.sweepForward(got, b)
				if d := relDiff(got, want); d > 1e-14 {
					t.Errorf("%s: forward sweep differs from relax by %g", name, d)
				}
				want, got = slices.Clone(x0), slices.Clone(x0)
				for c := st.n - 1; c >= 0; c-- {
					sm.relax(c, want, b)
				}
				sm.sweepBackward(got, b)
				if d := relDiff(got, want); d > 1e-14 {
					t.Errorf("%s: backward sweep differs from relax by %g", name, d)
				}
			}
		}
	}
}

// TestGSCoarse: a coarsest level dominated by the identity (a small time
// step) is swept, and the sweeps meet coarseTol on right-hand sides other
// than the set-up's (within 2×: random vectors excite the same slow
// modes); a stiff one (large step) is left to band LU.
func TestGSCoarse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     *sparse.CSR
		shape []int
		swept bool
	}{
		{"5-point dt=0.1", implicitStep(gridOpts{nx: 64, ny: 64, dt: 0.1, seed: 1}), []int{64, 64}, true},
		{"9-point dt=0.3", implicitStep(gridOpts{nx: 50, ny: 50, nine: true, dt: 0.3, seed: 2}), []int{50, 50}, true},
		{"3-D dt=0.1", step3D(16, 16, 16, 0.1, 3), []int{16, 16, 16}, true},
		{"5-point dt=100", implicitStep(gridOpts{nx: 64, ny: 64, dt: 100, seed: 1}), []int{64, 64}, false},
		{"9-point dt=10", implicitStep(gridOpts{nx: 50, ny: 50, nine: true, dt: 10, seed: 2}), []int{50, 50}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, st := mustStencil(t, tc.m, tc.shape)
			sm, err := newSmoother(st)
			if err != nil {
				t.Fatal(err)
			}
			b, bn := testRHS(st.n)
			gs, ok := newGSCoarse(st, sm, b, bn)
			if ok != tc.swept {
				t.Fatalf("swept = %v, want %v", ok, tc.swept)
			}
			if !ok {
				return
			}
			t.Logf("%s", gs.Name())
			for seed := uint64(10); seed < 13; seed++ {
				b := randVec(st.n, seed)
				x := make([]float64, st.n)
				if err := gs.Solve(x, b); err != nil {
					t.Fatal(err)
				}
				if r := relResidual(tc.m, x, b); r > 2*coarseTol {
					t.Errorf("seed %d: relative residual %.3g after %s", seed, r, gs.Name())
				}
			}
		})
	}
}

// TestMultigridSweptCoarsestIterations: sweeping the coarsest level to
// coarseTol costs no BiCGSTAB iterations against sweeping it to rounding
// (100 symmetric pairs, which act as an exact solve) on steps where the
// sweeps are chosen.
func TestMultigridSweptCoarsestIterations(t *testing.T) {
	for _, nine := range []bool{false, true} {
		m := implicitStep(gridOpts{nx: 160, ny: 160, nine: nine, dt: 2, seed: 4})
		s, err := New(m, Settings{Method: Multigrid, Shape: []int{160, 160}})
		if err != nil {
			t.Fatal(err)
		}
		gs, ok := s.(*bicgstab).pre.(*multigrid).coarse.(*gsCoarse)
		if !ok {
			t.Fatalf("nine=%v: %s, want a swept coarsest level", nine, s.Name())
		}
		b := randVec(160*160, 5)
		swept := iterations(t, s, m, b)
		pairs := gs.pairs
		gs.pairs = 100
		exact := iterations(t, s, m, b)
		t.Logf("nine=%v: %d iterations with %d pairs, %d with 100", nine, swept, pairs, exact)
		if swept > exact {
			t.Errorf("nine=%v: %d iterations with %d pairs on the coarsest level, %d with an exact solve", nine, swept, pairs, exact)
		}
	}
}

// iterations solves m·x = b from zero with the BiCGSTAB solver s, checks
// the residual against 1e-10 and returns the iterations taken.
func iterations(t *testing.T, s Solver, m *sparse.CSR, b []float64) int {
	t.Helper()
	x := make([]float64, len(b))
	if err := s.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	if r := relResidual(m, x, b); r > 1e-10 {
		t.Fatalf("residual %g", r)
	}
	return s.(*bicgstab).iters
}

// TestStiffness: the stiffness of a step matrix I − dt·L (unit column
// sums) is its largest diagonal entry; each Galerkin coarsening lowers it,
// by at least half while it exceeds mildStiffness (the identity part
// grows 4-fold on a 2-D level, the generator part does not); a column
// with a non-positive sum makes it infinite.
func TestStiffness(t *testing.T) {
	for _, nine := range []bool{false, true} {
		m := implicitStep(gridOpts{nx: 64, ny: 64, nine: nine, dt: 3, seed: 6})
		_, st := mustStencil(t, m, []int{64, 64})
		want := 0.0
		for _, v := range st.coef[st.diag] {
			want = max(want, v)
		}
		s := st.stiffness()
		if math.Abs(s-want) > 1e-12*want {
			t.Errorf("nine=%v: stiffness %g, want the largest diagonal entry %g", nine, s, want)
		}
		for level := 1; level <= 3; level++ {
			st = galerkin(st, newProlongation(st.shape))
			next := st.stiffness()
			t.Logf("nine=%v level %d: stiffness %.3g", nine, level, next)
			if bound := min(s, max(s/2, mildStiffness)); !(next < bound) {
				t.Errorf("nine=%v level %d: stiffness %g after %g", nine, level, next, s)
			}
			s = next
		}
		if !st.mild() {
			t.Errorf("nine=%v: level of stiffness %g not mild", nine, s)
		}
		st.coef[st.diag][5] = -1e3
		if s := st.stiffness(); !math.IsInf(s, 1) {
			t.Errorf("nine=%v: stiffness %g with a negative column sum", nine, s)
		}
	}
}

// TestInnerCycle: on 400² steps whose 50² coarsest level is mild but
// poorly swept, a V-cycle below it replaces band LU without costing
// BiCGSTAB iterations (dt = 3); where the coarser levels are convective
// (dt = 10: that V-cycle diverges) band LU stays.
func TestInnerCycle(t *testing.T) {
	for _, tc := range []struct {
		dt    float64
		nine  bool
		inner bool
	}{
		{3, false, true},
		{3, true, true},
		{10, true, false},
	} {
		m := implicitStep(gridOpts{nx: 400, ny: 400, nine: tc.nine, dt: tc.dt, seed: 1})
		s, err := New(m, Settings{Method: Multigrid, Shape: []int{400, 400}})
		if err != nil {
			t.Fatal(err)
		}
		mg := s.(*bicgstab).pre.(*multigrid)
		ic, ok := mg.coarse.(*innerCycle)
		if ok != tc.inner {
			t.Errorf("dt=%g nine=%v: %s", tc.dt, tc.nine, s.Name())
			continue
		}
		if !ok {
			continue
		}
		b := randVec(400*400, 5)
		cycled := iterations(t, s, m, b)
		a := ic.m.csr()
		lu, err := New(sparse.NewCSR(a.n, a.n, a.indptr, a.ind, a.data), Settings{Method: BandLU, NoRefine: true})
		if err != nil {
			t.Fatal(err)
		}
		mg.coarse = lu
		exact := iterations(t, s, m, b)
		t.Logf("dt=%g nine=%v: %d iterations with %s, %d with band LU", tc.dt, tc.nine, cycled, ic.Name(), exact)
		if cycled > exact {
			t.Errorf("dt=%g nine=%v: %d iterations with the inner V-cycle, %d with band LU", tc.dt, tc.nine, cycled, exact)
		}
	}
}

// TestTransfers2D: the row-wise 2-D restriction and prolongation agree
// with the generic cell-by-cell ones (aggregate sums; interpolation rows)
// on grids with odd sizes and with an axis too short to coarsen. The
// restriction sums each aggregate in storage order, so it matches bit
// for bit; the prolongation to rounding.
func TestTransfers2D(t *testing.T) {
	for _, shape := range [][]int{{8, 10}, {9, 7}, {7, 3}, {3, 9}, {401, 36}} {
		p := newProlongation(shape)
		nf, nc := shape[0]*shape[1], p.coarse[0]*p.coarse[1]
		src := randVec(nf, 1)
		want := make([]float64, nc)
		p.forEachFine(func(c int, co []int) { want[p.aggregate(co)] += src[c] })
		got := randVec(nc, 2) // every value must be written
		p.restrict(got, src)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%v: restriction of coarse cell %d is %v, want %v", shape, i, got[i], want[i])
			}
		}
		coarse := randVec(nc, 3)
		base := randVec(nf, 4)
		wantP := interpolated(p, base, coarse)
		gotP := slices.Clone(base)
		p.prolongAdd(gotP, coarse)
		if d := relDiff(gotP, wantP); d > 1e-15 {
			t.Errorf("%v: prolongation differs from the interpolation rows by %g", shape, d)
		}
	}
}
